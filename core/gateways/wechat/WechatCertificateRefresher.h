#pragma once

#include "core/common/Result.h"
#include "core/gateways/HttpCallRunner.h"
#include "core/gateways/wechat/WechatCertificateFolder.h"
#include "core/gateways/wechat/WechatClientSettings.h"
#include "core/gateways/wechat/WechatKeyring.h"
#include "core/gateways/wechat/WechatReply.h"
#include "core/gateways/wechat/WechatRequestBuilder.h"
#include "core/gateways/wechat/WechatSignature.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace qpos::wechat {

// Keeps a merchant's WeChat Pay platform certificates current without a person copying them
// (the official SDKs download them the same way; see docs/protocols/wechatpay.md,
// "Certificates"):
//  - downloads GET /v3/certificates when one is due (12 hours after the last, checked on a
//    timer of the client's thread, never blocking it) and at once when an answer or a
//    notification names a serial the till does not have;
//  - concurrent triggers share one download; everyone waiting is told when it ends;
//  - takes a download only when all of it checks out (readCertificateDownload()) and the
//    answer's signature verifies: with the trusted key its Wechatpay-Serial names, or, when it
//    names a certificate the till does not hold yet, with that certificate from the download
//    itself (which only the APIv3 key could have sealed);
//  - adds the new certificates to the keyring and keeps every downloaded one in the folder;
//  - a failed download keeps the certificates the till has and is logged, without secrets.
class WechatCertificateRefresher : public QObject {
    Q_OBJECT

public:
    // `calls`, `builder` and `keyring` outlive the refresher (the client owns them all).
    WechatCertificateRefresher(const WechatClientSettings& settings,
                               std::shared_ptr<WechatKeyring> keyring,
                               const WechatRequestBuilder& builder, gateway::HttpCallRunner& calls,
                               std::function<qint64()> nowMs, QObject* parent);

    // Downloads now, or joins the download under way; `done` runs when it has ended, whatever
    // came of it.
    void refresh(std::function<void()> done = {});
    // For an answer or a notification naming a serial the till does not have: refresh(),
    // unless a download for that reason started within unknownSerialMinGap (then `done` runs
    // at once: a forged serial cannot make the till hammer WeChat Pay).
    void refreshForUnknownSerial(std::function<void()> done);

    // The wall clock (UTC ms) the 12-hour schedule reads; empty: the system clock. (Tests
    // move it; answers are still checked against the client's clock.)
    void setScheduleClock(std::function<qint64()> nowMs);

    int downloadsStarted() const { return m_started; }
    bool downloading() const { return m_downloading; }
    // The last download's failure; empty after a success or before any download.
    std::optional<Error> lastFailure() const { return m_lastFailure; }

signals:
    // After every download: the serials it added (empty when none was new, or it failed).
    void refreshed(const QStringList& added);

private:
    void check();
    void start();
    void finish(std::optional<Error> failure, QStringList added);
    qint64 scheduleNow() const;
    // The signed GET; a verified answer's certificates go to `certificates`.
    gateway::HttpCall<WechatReply>
    downloadCall(std::shared_ptr<QList<crypto::X509Certificate>> certificates);
    // The verified certificates of an answer, or why not.
    Result<QList<crypto::X509Certificate>> readAnswer(int status, const WechatpayHeaders& headers,
                                                      const QByteArray& body) const;

    std::shared_ptr<WechatKeyring> m_keyring;
    const WechatRequestBuilder& m_builder;
    gateway::HttpCallRunner& m_calls;
    WechatCertificateFolder m_folder;
    QByteArray m_apiV3Key;
    std::function<qint64()> m_nowMs;
    std::function<qint64()> m_scheduleClock;
    std::chrono::milliseconds m_refreshEvery;
    std::chrono::milliseconds m_unknownSerialMinGap;
    std::chrono::seconds m_maxClockSkew;
    QTimer* m_timer;
    bool m_downloading = false;
    int m_started = 0;
    qint64 m_lastSuccessMs = 0;
    std::optional<qint64> m_lastUnknownSerialMs;
    std::optional<Error> m_lastFailure;
    QList<std::function<void()>> m_waiting;
};

} // namespace qpos::wechat
