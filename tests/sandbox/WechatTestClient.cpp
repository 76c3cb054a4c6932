#include "tests/sandbox/WechatTestClient.h"

#include "core/crypto/SecureRandom.h"
#include "core/gateways/wechat/WechatSignature.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QNetworkRequest>
#include <QTest>

namespace qpos::test {

QByteArray WechatResult::header(const QByteArray& name) const {
    for (const auto& [key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QByteArray WechatNotifyReceiver::Received::header(const QByteArray& name) const {
    for (const auto& [key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

WechatTestClient::WechatTestClient(QUrl baseUrl, sandbox::WechatMerchantCredentials merchant,
                                   QString platformKeyId, crypto::RsaPublicKey platformKey)
    : m_base(std::move(baseUrl))
    , m_merchant(std::move(merchant))
    , m_keyId(std::move(platformKeyId))
    , m_platformKey(std::move(platformKey)) {
    m_otherKey = *crypto::RsaPrivateKey::generate();
}

WechatResult WechatTestClient::call(const QByteArray& verb, const QString& pathWithQuery,
                                    const QByteArray& body, const WechatAuthTweak& tweak,
                                    int timeoutMs) {
    QUrl url = m_base;
    const qsizetype q = pathWithQuery.indexOf(u'?');
    url.setPath(q < 0 ? pathWithQuery : pathWithQuery.left(q));
    if (q >= 0)
        url.setQuery(pathWithQuery.mid(q + 1));
    QByteArray authorization;
    if (!tweak.omit) {
        const qint64 ts = QDateTime::currentSecsSinceEpoch() + tweak.skewS;
        const QByteArray nonce = crypto::randomAlphanumeric(32)->toLatin1();
        Result<QByteArray> header =
            wechat::signRequest(tweak.wrongKey ? m_otherKey : m_merchant.privateKey,
                                tweak.mchId.isEmpty() ? m_merchant.mchId : tweak.mchId,
                                tweak.serialNo.isEmpty() ? m_merchant.serialNo : tweak.serialNo,
                                verb, pathWithQuery.toUtf8(), ts, nonce, body);
        authorization = header ? *header : QByteArray();
    }
    return send(verb, url, authorization, body, timeoutMs);
}

WechatResult WechatTestClient::getUrl(const QUrl& url, bool sign, int timeoutMs) {
    QByteArray authorization;
    if (sign) {
        QByteArray target = url.path(QUrl::FullyEncoded).toUtf8();
        if (url.hasQuery())
            target += '?' + url.query(QUrl::FullyEncoded).toUtf8();
        authorization = *wechat::signRequest(
            m_merchant.privateKey, m_merchant.mchId, m_merchant.serialNo, "GET", target,
            QDateTime::currentSecsSinceEpoch(), crypto::randomAlphanumeric(32)->toLatin1(), {});
    }
    return send("GET", url, authorization, {}, timeoutMs);
}

WechatResult WechatTestClient::send(const QByteArray& verb, const QUrl& url,
                                    const QByteArray& authorization, const QByteArray& body,
                                    int timeoutMs) {
    QNetworkRequest request(url);
    request.setRawHeader("Accept", "application/json");
    if (verb == "POST")
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
    if (!authorization.isEmpty())
        request.setRawHeader("Authorization", authorization);
    QElapsedTimer timer;
    timer.start();
    QNetworkReply* reply = m_network.sendCustomRequest(request, verb, body);
    WechatResult r;
    const bool done = QTest::qWaitFor([reply] { return reply->isFinished(); }, timeoutMs);
    r.elapsedMs = timer.elapsed();
    if (!done) {
        r.timedOut = true;
        reply->abort();
        reply->deleteLater();
        return r;
    }
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.error = reply->error();
    r.body = reply->readAll();
    r.headers = reply->rawHeaderPairs();
    reply->deleteLater();
    r.json = QJsonDocument::fromJson(r.body).object();
    const wechat::WechatpayHeaders h{r.header("Wechatpay-Timestamp"), r.header("Wechatpay-Nonce"),
                                     r.header("Wechatpay-Signature"), r.header("Wechatpay-Serial")};
    r.timestampS = h.timestamp.toLongLong();
    r.signatureOk = QString::fromLatin1(h.serial) == m_keyId &&
                    wechat::verifyAnswerSignature(m_platformKey, h, r.body);
    return r;
}

WechatResult WechatTestClient::post(const QString& path, const QJsonObject& body, int timeoutMs) {
    return call("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact), {}, timeoutMs);
}

WechatResult WechatTestClient::get(const QString& pathWithQuery, int timeoutMs) {
    return call("GET", pathWithQuery, {}, {}, timeoutMs);
}

WechatResult WechatTestClient::native(const QString& outTradeNo, qint64 total, QJsonObject extra) {
    QJsonObject body{
        {QStringLiteral("appid"), m_merchant.appId},
        {QStringLiteral("mchid"), m_merchant.mchId},
        {QStringLiteral("description"), QStringLiteral("测试商品")},
        {QStringLiteral("out_trade_no"), outTradeNo},
        {QStringLiteral("notify_url"), QStringLiteral("https://example.com/notify")},
        {QStringLiteral("amount"),
         QJsonObject{{QStringLiteral("total"), total},
                     {QStringLiteral("currency"), QStringLiteral("CNY")}}},
    };
    for (auto it = extra.begin(); it != extra.end(); ++it)
        body.insert(it.key(), it.value());
    return post(QStringLiteral("/v3/pay/transactions/native"), body);
}

WechatResult WechatTestClient::codepay(const QString& outTradeNo, qint64 total,
                                       const QString& authCode) {
    return post(QStringLiteral("/v3/pay/transactions/codepay"),
                QJsonObject{
                    {QStringLiteral("appid"), m_merchant.appId},
                    {QStringLiteral("mchid"), m_merchant.mchId},
                    {QStringLiteral("description"), QStringLiteral("测试商品")},
                    {QStringLiteral("out_trade_no"), outTradeNo},
                    {QStringLiteral("payer"), QJsonObject{{QStringLiteral("auth_code"), authCode}}},
                    {QStringLiteral("amount"),
                     QJsonObject{{QStringLiteral("total"), total},
                                 {QStringLiteral("currency"), QStringLiteral("CNY")}}},
                    {QStringLiteral("scene_info"),
                     QJsonObject{{QStringLiteral("device_id"), QStringLiteral("T1")},
                                 {QStringLiteral("store_info"),
                                  QJsonObject{{QStringLiteral("out_id"), QStringLiteral("S1")}}}}},
                });
}

WechatResult WechatTestClient::query(const QString& outTradeNo) {
    return get(QStringLiteral("/v3/pay/transactions/out-trade-no/%1?mchid=%2")
                   .arg(outTradeNo, m_merchant.mchId));
}

WechatResult WechatTestClient::refund(const QString& outTradeNo, const QString& outRefundNo,
                                      qint64 refund, qint64 total) {
    return post(QStringLiteral("/v3/refund/domestic/refunds"),
                QJsonObject{{QStringLiteral("out_trade_no"), outTradeNo},
                            {QStringLiteral("out_refund_no"), outRefundNo},
                            {QStringLiteral("amount"),
                             QJsonObject{{QStringLiteral("refund"), refund},
                                         {QStringLiteral("total"), total},
                                         {QStringLiteral("currency"), QStringLiteral("CNY")}}}});
}

QJsonObject WechatTestClient::control(const QByteArray& verb, const QString& path,
                                      const QJsonObject& body, int* status) {
    QUrl url = m_base;
    url.setPath(path);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply* reply = m_network.sendCustomRequest(
        request, verb, body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson());
    (void)QTest::qWaitFor([reply] { return reply->isFinished(); }, 10000);
    if (status)
        *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QJsonObject o = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return o;
}

WechatNotifyReceiver::WechatNotifyReceiver() {
    m_clock.start();
    m_server.route(QStringLiteral("/notify"), [this](const QHttpServerRequest& request) {
        Received r;
        r.body = request.body();
        r.headers = request.headers();
        r.atMs = m_clock.elapsed();
        m_received.append(r);
        const int status = m_statuses.isEmpty() ? 204 : m_statuses.takeFirst();
        if (status == 204)
            return QHttpServerResponse(QHttpServerResponder::StatusCode::NoContent);
        return QHttpServerResponse(
            QByteArrayLiteral("application/json"),
            QByteArrayLiteral("{\"code\":\"FAIL\",\"message\":\"scripted\"}"),
            static_cast<QHttpServerResponder::StatusCode>(status));
    });
    const quint16 port = m_server.listen(QHostAddress::LocalHost, 0);
    m_url = QUrl(QStringLiteral("http://127.0.0.1:%1/notify").arg(port));
}

bool WechatNotifyReceiver::waitFor(int count, int timeoutMs) const {
    return QTest::qWaitFor([this, count] { return m_received.size() >= count; }, timeoutMs);
}

} // namespace qpos::test
