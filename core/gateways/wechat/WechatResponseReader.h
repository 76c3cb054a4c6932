#pragma once

#include "core/common/Result.h"
#include "core/gateways/wechat/WechatClientSettings.h"
#include "core/gateways/wechat/WechatKeyring.h"
#include "core/gateways/wechat/WechatReply.h"
#include "core/gateways/wechat/WechatSignature.h"

#include <QByteArray>
#include <QList>
#include <QtGlobal>

#include <chrono>
#include <memory>
#include <optional>

class QNetworkReply;

namespace qpos::wechat {

// Turns an answer WeChat Pay did not fail (HTTP status below 500: 2xx, 204 and 4xx alike) into
// a WechatReply. Nothing is read before it is verified: the Wechatpay-* headers must name a
// known platform key, their timestamp must be within the allowed clock skew, and the
// signature must verify over the raw body; otherwise the answer is Unknown
// ("wechat.bad_signature", "wechat.stale_answer"), since a refusal that cannot be verified is
// not trusted either; an unsigned 401 is WeChat refusing the till's request signature
// ("wechat.request_signature_refused"). Then the body must be JSON ("wechat.malformed_answer"), and
// an error answer's code says whether repeating an idempotent call may help.
class WechatResponseReader {
public:
    WechatResponseReader(QList<WechatPlatformKey> platformKeys, std::chrono::seconds maxClockSkew);
    // Verifies with the keys of `keyring` as they are at each answer.
    WechatResponseReader(std::shared_ptr<const WechatKeyring> keyring,
                         std::chrono::seconds maxClockSkew);

    // The Wechatpay-* headers of an answer.
    static WechatpayHeaders headersOf(const QNetworkReply& answer);

    // `nowMs`: the local UTC clock the answer's timestamp is checked against.
    // An answer whose Wechatpay-Serial names no key the till has is a failure that keeps the
    // answer (WechatReply::unknownKey), to be read again after a certificate download.
    WechatReply read(int httpStatus, const WechatpayHeaders& headers, const QByteArray& body,
                     qint64 nowMs) const;

private:
    // Why the headers do not verify the body; empty when they do.
    std::optional<Error> signatureProblem(const WechatpayHeaders& headers, const QByteArray& body,
                                          qint64 nowMs) const;

    std::shared_ptr<const WechatKeyring> m_keyring;
    std::chrono::seconds m_maxClockSkew;
};

} // namespace qpos::wechat
