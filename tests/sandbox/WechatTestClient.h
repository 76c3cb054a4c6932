#pragma once

#include "core/crypto/RsaPrivateKey.h"
#include "core/crypto/RsaPublicKey.h"
#include "sandbox/wechat/WechatMerchant.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHttpServer>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QUrl>

namespace qpos::test {

// One exchange with the simulated WeChat Pay, as a client reads it.
struct WechatResult {
    int status = 0; // 0: no HTTP answer
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QJsonObject json;
    QList<QNetworkReply::RawHeaderPair> headers;
    qint64 elapsedMs = 0;
    bool timedOut = false;
    bool signatureOk = false; // the Wechatpay-* headers verify with the platform key
    qint64 timestampS = 0;    // Wechatpay-Timestamp

    QByteArray header(const QByteArray& name) const;
    QString code() const { return json.value(u"code").toString(); }
    QString field(const char* key) const { return json.value(QLatin1String(key)).toString(); }
};

// How to spoil a request's Authorization on purpose.
struct WechatAuthTweak {
    bool omit = false;
    QString mchId;    // instead of the merchant's
    QString serialNo; // instead of the merchant's
    qint64 skewS = 0; // added to the timestamp
    bool wrongKey = false;
};

// Plays a merchant's client against the sandbox over real loopback HTTP using only the
// WechatSignature primitives (the real client is not used here on purpose).
class WechatTestClient {
public:
    WechatTestClient(QUrl baseUrl, sandbox::WechatMerchantCredentials merchant,
                     QString platformKeyId, crypto::RsaPublicKey platformKey);

    WechatResult call(const QByteArray& verb, const QString& pathWithQuery,
                      const QByteArray& body = {}, const WechatAuthTweak& tweak = {},
                      int timeoutMs = 10000);
    WechatResult post(const QString& path, const QJsonObject& body, int timeoutMs = 10000);
    WechatResult get(const QString& pathWithQuery, int timeoutMs = 10000);
    // A whole URL (bill download), signed.
    WechatResult getUrl(const QUrl& url, bool sign = true, int timeoutMs = 10000);

    WechatResult native(const QString& outTradeNo, qint64 total, QJsonObject extra = {});
    WechatResult codepay(const QString& outTradeNo, qint64 total, const QString& authCode);
    WechatResult query(const QString& outTradeNo);
    WechatResult refund(const QString& outTradeNo, const QString& outRefundNo, qint64 refund,
                        qint64 total);

    // The control API (unsigned JSON).
    QJsonObject control(const QByteArray& verb, const QString& path, const QJsonObject& body = {},
                        int* status = nullptr);

    const sandbox::WechatMerchantCredentials& merchant() const { return m_merchant; }

private:
    WechatResult send(const QByteArray& verb, const QUrl& url, const QByteArray& authorization,
                      const QByteArray& body, int timeoutMs);

    QUrl m_base;
    sandbox::WechatMerchantCredentials m_merchant;
    QString m_keyId;
    crypto::RsaPublicKey m_platformKey;
    crypto::RsaPrivateKey m_otherKey;
    QNetworkAccessManager m_network;
};

// A merchant's notify_url on loopback: records every notification with its headers and
// answers with the next scripted status (then 204).
class WechatNotifyReceiver {
public:
    struct Received {
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
        qint64 atMs = 0;
        QByteArray header(const QByteArray& name) const;
    };

    WechatNotifyReceiver();
    QUrl url() const { return m_url; }
    void script(const QList<int>& statuses) { m_statuses = statuses; }
    const QList<Received>& received() const { return m_received; }
    void clear() { m_received.clear(); }
    bool waitFor(int count, int timeoutMs = 10000) const;

private:
    QHttpServer m_server;
    QUrl m_url;
    QList<int> m_statuses;
    QList<Received> m_received;
    QElapsedTimer m_clock;
};

} // namespace qpos::test
