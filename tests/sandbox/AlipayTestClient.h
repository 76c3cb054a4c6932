#pragma once

#include "core/crypto/RsaPrivateKey.h"
#include "core/gateways/alipay/AlipaySignature.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QUrl>

namespace qpos::test {

// What came back from one HTTP exchange with the sandbox.
struct HttpResult {
    int status = 0; // 0: no HTTP answer
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;
    qint64 elapsedMs = 0;
    bool timedOut = false;
};

// An Alipay answer as a client reads it: the signed text and the object parsed from it.
struct GatewayResult {
    HttpResult http;
    bool extracted = false;   // a *_response or error_response was found
    bool signatureOk = false; // verified with the sandbox's Alipay public key
    alipay::SignedResponse raw;
    QJsonObject object;

    QString code() const { return object.value(u"code").toString(); }
    QString subCode() const { return object.value(u"sub_code").toString(); }
    QString field(const char* key) const { return object.value(QLatin1String(key)).toString(); }
};

// Plays the merchant's client against the sandbox over real loopback HTTP, using only the
// AlipaySignature primitives (the real client is not used here on purpose).
class AlipayTestClient {
public:
    AlipayTestClient(QUrl baseUrl, QString appId, crypto::RsaPrivateKey appKey,
                     crypto::RsaPublicKey alipayKey);

    // The common parameters of a request, unsigned.
    alipay::Params params(const QString& method, const QJsonObject& biz) const;
    // Signs and posts `params` as a form to /gateway.do.
    GatewayResult send(const QString& method, alipay::Params params, int timeoutMs = 10000);
    GatewayResult call(const QString& method, const QJsonObject& biz, int timeoutMs = 10000);
    // Posts bytes as they are (no signing).
    HttpResult postRaw(const QByteArray& body, const QByteArray& query = {}, int timeoutMs = 10000);
    GatewayResult read(const QString& method, const HttpResult& http) const;

    // The control API.
    HttpResult control(const QByteArray& verb, const QString& path, const QByteArray& body = {},
                       int timeoutMs = 10000);
    QJsonObject controlJson(const QByteArray& verb, const QString& path,
                            const QJsonObject& body = {}, int* status = nullptr);
    HttpResult get(const QUrl& url, int timeoutMs = 10000);

    // A precreated order, paid by the simulated buyer through the control API.
    GatewayResult precreate(const QString& outTradeNo, const QString& amount,
                            const QString& notifyUrl = {});
    void setNotifyUrl(const QString& url) { m_notifyUrl = url; }
    QString appId() const { return m_appId; }

private:
    HttpResult wait(QNetworkReply* reply, int timeoutMs);

    QUrl m_base;
    QString m_appId;
    crypto::RsaPrivateKey m_appKey;
    crypto::RsaPublicKey m_alipayKey;
    QString m_notifyUrl;
    QNetworkAccessManager m_network;
};

} // namespace qpos::test
