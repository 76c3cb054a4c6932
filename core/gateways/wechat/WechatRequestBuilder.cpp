#include "core/gateways/wechat/WechatRequestBuilder.h"

#include "core/crypto/SecureRandom.h"
#include "core/gateways/GatewayErrors.h"
#include "core/gateways/HttpCallRunner.h"
#include "core/gateways/wechat/WechatSignature.h"

#include <QCoreApplication>

#include <utility>

namespace qpos::wechat {

// The words keep the client's translation context, where they were first translated.

namespace {

constexpr qsizetype kNonceLength = 32;

} // namespace

WechatRequestBuilder::WechatRequestBuilder(Identity identity)
    : m_identity(std::move(identity)) {}

QUrl WechatRequestBuilder::urlFor(const QByteArray& pathQuery) const {
    QByteArray base = m_identity.gatewayUrl.toEncoded(
        QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo | QUrl::StripTrailingSlash);
    while (base.endsWith('/'))
        base.chop(1);
    return QUrl::fromEncoded(base + pathQuery, QUrl::StrictMode);
}

Result<QNetworkRequest> WechatRequestBuilder::build(const QByteArray& method,
                                                    const QByteArray& pathQuery,
                                                    const QByteArray& body, qint64 nowMs) const {
    const QUrl url = urlFor(pathQuery);
    if (!url.isValid())
        return Error{QString::fromLatin1(gateway::errc::notSent),
                     QCoreApplication::translate("qpos::wechat::WechatClient",
                                                 "the request address is not valid")};
    return build(url, method, body, nowMs);
}

Result<QNetworkRequest> WechatRequestBuilder::build(const QUrl& url, const QByteArray& method,
                                                    const QByteArray& body, qint64 nowMs) const {
    const QByteArray pathQuery =
        url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::RemoveFragment);
    Result<QString> nonce = crypto::randomAlphanumeric(kNonceLength);
    if (!nonce)
        return nonce.error();
    Result<QByteArray> authorization =
        signRequest(m_identity.merchantPrivateKey, m_identity.mchId, m_identity.merchantSerialNo,
                    method, pathQuery, nowMs / 1000, nonce->toLatin1(), body);
    if (!authorization)
        return authorization.error();
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", *authorization);
    request.setRawHeader("Accept", "application/json");
    request.setRawHeader("User-Agent", "qpos WeChat Pay APIv3 client");
    if (const QString serial =
            m_identity.wechatpaySerial ? m_identity.wechatpaySerial() : QString();
        !serial.isEmpty())
        request.setRawHeader("Wechatpay-Serial", serial.toLatin1());
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    return request;
}

QString WechatRequestBuilder::describe(const QByteArray& method, const QByteArray& pathQuery,
                                       const QByteArray& loggedBody) {
    return QStringLiteral("%1 %2 %3")
        .arg(QString::fromLatin1(method), QString::fromUtf8(pathQuery),
             gateway::HttpCallRunner::forLog(loggedBody));
}

} // namespace qpos::wechat
