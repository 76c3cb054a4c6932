#pragma once

#include "core/common/Result.h"
#include "core/crypto/RsaPrivateKey.h"

#include <QByteArray>
#include <QNetworkRequest>
#include <QString>
#include <QtGlobal>
#include <QUrl>

#include <functional>

namespace qpos::wechat {

// Builds one signed APIv3 request: the method, the path and query on the gateway, the JSON
// body, and the Authorization header (WECHATPAY2-SHA256-RSA2048 over method, path and query as
// sent, timestamp, a fresh nonce and the body), with Accept, User-Agent, Wechatpay-Serial (the
// key the answer is to be signed with) and, with a body, Content-Type.
class WechatRequestBuilder {
public:
    struct Identity {
        QUrl gatewayUrl;
        QString mchId;
        crypto::RsaPrivateKey merchantPrivateKey;
        QString merchantSerialNo; // the merchant API certificate's serial
        // Sent as Wechatpay-Serial: the key WeChat Pay signs the answer with, read at each
        // request (a downloaded platform certificate may have replaced the one of the start).
        std::function<QString()> wechatpaySerial;
    };

    explicit WechatRequestBuilder(Identity identity);

    // An API request for `pathQuery` ("/v3/...?...", percent-encoded) on the gateway, signed at
    // `nowMs` (UTC); an error when the two do not make an address.
    Result<QNetworkRequest> build(const QByteArray& method, const QByteArray& pathQuery,
                                  const QByteArray& body, qint64 nowMs) const;
    // The same for any address (a bill's file). The path and query are signed exactly as they
    // go on the request line; redirects are never followed.
    Result<QNetworkRequest> build(const QUrl& url, const QByteArray& method, const QByteArray& body,
                                  qint64 nowMs) const;

    // The request for the debug log: method, path and query, and `loggedBody` (the body with any
    // payment code masked) redacted and clipped. Never the Authorization header.
    static QString describe(const QByteArray& method, const QByteArray& pathQuery,
                            const QByteArray& loggedBody);

private:
    QUrl urlFor(const QByteArray& pathQuery) const;

    Identity m_identity;
};

} // namespace qpos::wechat
