#include "core/gateways/wechat/WechatResponseReader.h"

#include "core/logging/Redactor.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QNetworkReply>

#include <algorithm>

#include <utility>

namespace qpos::wechat {

// The words keep the client's translation context, where they were first translated.

namespace {

WechatReply failed(Error reason) {
    // A signed answer that cannot be used says the same when asked again.
    return gateway::failedReply<WechatReply>(std::move(reason), false);
}

Error badSignature(const QString& why) {
    return Error{QStringLiteral("wechat.bad_signature"),
                 QCoreApplication::translate("qpos::wechat::WechatClient",
                                             "WeChat Pay's answer could not be verified (%1), so "
                                             "it was not trusted. The order will be checked "
                                             "again.")
                     .arg(why)};
}

// WeChat signs an answer only when it could verify the request, so an unsigned 401 is WeChat
// refusing the till's own signature. Its body is not trusted: only a code-shaped `code` is
// repeated, for IT. It settles nothing: the order is still settled by querying.
Error requestSignatureRefused(const QByteArray& body) {
    const QString code =
        QJsonDocument::fromJson(body).object().value(QLatin1String("code")).toString();
    const bool codeShaped = !code.isEmpty() && code.size() <= 64 &&
                            std::all_of(code.cbegin(), code.cend(), [](QChar c) {
                                return (c >= u'A' && c <= u'Z') || c == u'_';
                            });
    return Error{QStringLiteral("wechat.request_signature_refused"),
                 QCoreApplication::translate("qpos::wechat::WechatClient",
                                             "WeChat Pay refused the till's request signature "
                                             "(HTTP 401 %1, unsigned). Ask IT to check [wechat] "
                                             "mch_id, merchant_serial_no and "
                                             "merchant_private_key against the merchant API "
                                             "certificate. The order will be checked again.")
                     .arg(codeShaped ? code : QStringLiteral("-"))};
}

bool isUnsigned(const WechatpayHeaders& headers) {
    return headers.signature.isEmpty() && headers.serial.isEmpty() && headers.nonce.isEmpty() &&
           headers.timestamp.isEmpty();
}

} // namespace

WechatResponseReader::WechatResponseReader(QList<WechatPlatformKey> platformKeys,
                                           std::chrono::seconds maxClockSkew)
    : WechatResponseReader(std::make_shared<const WechatKeyring>(std::move(platformKeys)),
                           maxClockSkew) {}

WechatResponseReader::WechatResponseReader(std::shared_ptr<const WechatKeyring> keyring,
                                           std::chrono::seconds maxClockSkew)
    : m_keyring(std::move(keyring))
    , m_maxClockSkew(maxClockSkew) {}

WechatpayHeaders WechatResponseReader::headersOf(const QNetworkReply& answer) {
    return WechatpayHeaders{
        answer.rawHeader("Wechatpay-Timestamp"), answer.rawHeader("Wechatpay-Nonce"),
        answer.rawHeader("Wechatpay-Signature"), answer.rawHeader("Wechatpay-Serial")};
}

WechatReply WechatResponseReader::read(int httpStatus, const WechatpayHeaders& headers,
                                       const QByteArray& body, qint64 nowMs) const {
    if (httpStatus == 401 && isUnsigned(headers))
        return failed(requestSignatureRefused(body));
    if (std::optional<Error> problem = signatureProblem(headers, body, nowMs)) {
        WechatReply reply = failed(*problem);
        if (!headers.serial.isEmpty() && !m_keyring->find(QString::fromLatin1(headers.serial)))
            reply.unknownKey = std::make_shared<const WechatReply::Unverified>(
                WechatReply::Unverified{httpStatus, headers, body});
        return reply;
    }
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (!body.trimmed().isEmpty() && !document.isObject())
        return failed(Error{QStringLiteral("wechat.malformed_answer"),
                            QCoreApplication::translate("qpos::wechat::WechatClient",
                                                        "WeChat Pay's signed answer is not JSON. "
                                                        "Nothing was assumed; the till will ask "
                                                        "WeChat Pay again.")});
    WechatReply reply = WechatReply::answer(httpStatus, document.object());
    if (!reply.isSuccessStatus())
        reply.transient = reply.errorVerdict().transient;
    return reply;
}

std::optional<Error> WechatResponseReader::signatureProblem(const WechatpayHeaders& headers,
                                                            const QByteArray& body,
                                                            qint64 nowMs) const {
    if (headers.timestamp.isEmpty() || headers.nonce.isEmpty() || headers.signature.isEmpty() ||
        headers.serial.isEmpty())
        return badSignature(QCoreApplication::translate("qpos::wechat::WechatClient",
                                                        "it carries no WeChat Pay signature"));
    const QString serial = QString::fromLatin1(headers.serial);
    const std::optional<WechatPlatformKey> key = m_keyring->find(serial);
    if (!key)
        return badSignature(
            QCoreApplication::translate("qpos::wechat::WechatClient",
                                        "it is signed with a key the till does not have, %1, "
                                        "even after fetching WeChat Pay's platform "
                                        "certificates where it uses them; if WeChat Pay changed "
                                        "its key, ask IT to put the new WeChat Pay public key in "
                                        "[wechat] wechatpay_public_key (with "
                                        "wechatpay_public_key_id) or the new platform "
                                        "certificate in [wechat] platform_certificate")
                .arg(Redactor::redact(serial.left(64))));
    bool numeric = false;
    const qint64 timestampS = headers.timestamp.toLongLong(&numeric);
    if (!numeric)
        return badSignature(QCoreApplication::translate("qpos::wechat::WechatClient",
                                                        "its timestamp is not a number"));
    const qint64 skewS = qAbs(nowMs / 1000 - timestampS);
    if (skewS > m_maxClockSkew.count())
        return Error{QStringLiteral("wechat.stale_answer"),
                     QCoreApplication::translate("qpos::wechat::WechatClient",
                                                 "WeChat Pay's answer is dated %1 s away from this "
                                                 "till's clock, so it was not trusted (a replay, "
                                                 "or the till's clock is wrong). The order will "
                                                 "be checked again.")
                         .arg(skewS)};
    if (!verifyAnswerSignature(key->key, headers, body))
        return badSignature(QCoreApplication::translate("qpos::wechat::WechatClient",
                                                        "the signature does not match"));
    return std::nullopt;
}

} // namespace qpos::wechat
