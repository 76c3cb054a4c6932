#include "tests/sandbox/AlipayTestClient.h"

#include "core/calendar/ChinaCalendar.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QNetworkRequest>
#include <QTest>

namespace qpos::test {

AlipayTestClient::AlipayTestClient(QUrl baseUrl, QString appId, crypto::RsaPrivateKey appKey,
                                   crypto::RsaPublicKey alipayKey)
    : m_base(std::move(baseUrl))
    , m_appId(std::move(appId))
    , m_appKey(std::move(appKey))
    , m_alipayKey(std::move(alipayKey)) {}

alipay::Params AlipayTestClient::params(const QString& method, const QJsonObject& biz) const {
    const QString timestamp = china_calendar::formatTimestamp(QDateTime::currentMSecsSinceEpoch());
    alipay::Params p{{QStringLiteral("app_id"), m_appId},
                     {QStringLiteral("method"), method},
                     {QStringLiteral("format"), QStringLiteral("JSON")},
                     {QStringLiteral("charset"), QStringLiteral("utf-8")},
                     {QStringLiteral("sign_type"), QStringLiteral("RSA2")},
                     {QStringLiteral("timestamp"), timestamp},
                     {QStringLiteral("version"), QStringLiteral("1.0")},
                     {QStringLiteral("biz_content"),
                      QString::fromUtf8(QJsonDocument(biz).toJson(QJsonDocument::Compact))}};
    if (!m_notifyUrl.isEmpty())
        p.insert(QStringLiteral("notify_url"), m_notifyUrl);
    return p;
}

GatewayResult AlipayTestClient::send(const QString& method, alipay::Params p, int timeoutMs) {
    Result<alipay::Params> signedParams = alipay::signRequest(std::move(p), m_appKey);
    if (!signedParams)
        qFatal("signing failed");
    return read(method, postRaw(alipay::formBody(*signedParams), {}, timeoutMs));
}

GatewayResult AlipayTestClient::call(const QString& method, const QJsonObject& biz, int timeoutMs) {
    return send(method, params(method, biz), timeoutMs);
}

HttpResult AlipayTestClient::postRaw(const QByteArray& body, const QByteArray& query,
                                     int timeoutMs) {
    QUrl url = m_base;
    url.setPath(QStringLiteral("/gateway.do"));
    if (!query.isEmpty())
        url.setQuery(QString::fromLatin1(query), QUrl::StrictMode);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArrayLiteral("application/x-www-form-urlencoded;charset=utf-8"));
    return wait(m_network.post(request, body), timeoutMs);
}

GatewayResult AlipayTestClient::read(const QString& method, const HttpResult& http) const {
    GatewayResult out;
    out.http = http;
    Result<alipay::SignedResponse> r = alipay::extractSignedResponse(http.body, method);
    if (!r)
        return out;
    out.extracted = true;
    out.raw = *r;
    out.signatureOk = !r->sign.isEmpty() && alipay::verifyResponse(*r, m_alipayKey).ok();
    out.object = QJsonDocument::fromJson(r->signedText).object();
    return out;
}

HttpResult AlipayTestClient::control(const QByteArray& verb, const QString& path,
                                     const QByteArray& body, int timeoutMs) {
    QUrl url = m_base;
    const qsizetype q = path.indexOf(u'?');
    url.setPath(q < 0 ? path : path.left(q));
    if (q >= 0)
        url.setQuery(path.mid(q + 1));
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    return wait(m_network.sendCustomRequest(request, verb, body), timeoutMs);
}

QJsonObject AlipayTestClient::controlJson(const QByteArray& verb, const QString& path,
                                          const QJsonObject& body, int* status) {
    const HttpResult r =
        control(verb, path, body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson());
    if (status)
        *status = r.status;
    return QJsonDocument::fromJson(r.body).object();
}

HttpResult AlipayTestClient::get(const QUrl& url, int timeoutMs) {
    return wait(m_network.get(QNetworkRequest(url)), timeoutMs);
}

GatewayResult AlipayTestClient::precreate(const QString& outTradeNo, const QString& amount,
                                          const QString& notifyUrl) {
    alipay::Params p = params(QStringLiteral("alipay.trade.precreate"),
                              QJsonObject{{QStringLiteral("out_trade_no"), outTradeNo},
                                          {QStringLiteral("total_amount"), amount},
                                          {QStringLiteral("subject"), QStringLiteral("测试商品")}});
    if (!notifyUrl.isEmpty())
        p.insert(QStringLiteral("notify_url"), notifyUrl);
    return send(QStringLiteral("alipay.trade.precreate"), p);
}

HttpResult AlipayTestClient::wait(QNetworkReply* reply, int timeoutMs) {
    QElapsedTimer clock;
    clock.start();
    HttpResult out;
    if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, timeoutMs)) {
        out.timedOut = true;
        reply->abort();
    }
    out.elapsedMs = clock.elapsed();
    out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    out.error = reply->error();
    if (reply->isOpen())
        out.body = reply->readAll();
    out.headers = reply->rawHeaderPairs();
    reply->deleteLater();
    return out;
}

} // namespace qpos::test
