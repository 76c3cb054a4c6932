// WechatClient against a scripted loopback HTTP server that signs its answers like WeChat Pay:
// every API's request shape (method, path, query, Authorization, body), every outcome kind,
// unverifiable answers, retries only for idempotent calls, the circuit breaker, the bill.

#include "core/crypto/RsaPrivateKey.h"
#include "core/crypto/RsaPublicKey.h"
#include "core/gateways/GatewayErrors.h"
#include "core/gateways/wechat/WechatClient.h"
#include "core/gateways/wechat/WechatSignature.h"
#include "core/gateways/wechat/WechatTime.h"
#include "tests/support/DebugLogCapture.h"
#include "tests/support/GatewayAwait.h"
#include "tests/support/ScriptedHttpServer.h"
#include "tests/support/TestGatewayClient.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include <zlib.h>

#include <functional>
#include <memory>
#include <optional>

using namespace qpos;
using namespace qpos::gateway;
using namespace qpos::wechat;
using qpos::test::await;
using qpos::test::ScriptedAction;
using qpos::test::ScriptedHttpServer;

namespace {

const QString kMchId = QStringLiteral("1230000109");
const QString kAppId = QStringLiteral("wxd678efh567hg6787");
const QString kMerchantSerial = QStringLiteral("5157F09EFDC096DE15EBE81A47057A7232F1B8E1");
const QByteArray kPlatformSerial = "PUB_KEY_ID_0114232134912410000000000000";
const QString kNo = QStringLiteral("S01T0120261122000002");
// The test's clock: 2026-11-22 10:20:30 China time.
const qint64 kNowMs = 1795314030000;

QByteArray gzip(const QByteArray& data) {
    z_stream stream{};
    if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        qFatal("deflateInit2");
    QByteArray out(int(deflateBound(&stream, uLong(data.size()))) + 32, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.constData()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = uInt(out.size());
    if (deflate(&stream, Z_FINISH) != Z_STREAM_END)
        qFatal("deflate");
    out.resize(qsizetype(stream.total_out));
    deflateEnd(&stream);
    return out;
}

QByteArray billCsv() {
    const QString header = QString::fromUtf8(
        "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,"
        "交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,"
        "充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,"
        "费率备注");
    const QString payment = QString::fromUtf8(
        "`2026-12-01 10:00:00,`wxd678efh567hg6787,`1230000109,`,`T01,"
        "`4200000000202612010000000001,`S01T0120261201000001,`oUpF8uMuAJO,`NATIVE,`SUCCESS,"
        "`OTHERS,`CNY,`88.88,`0.00,`0,`0,`0.00,`0.00,`,`,`可乐,`,`0.53,`0.60%,`88.88,`0.00,`");
    const QString summaryHeader = QString::fromUtf8(
        "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,"
        "申请退款总金额");
    const QString summary = QStringLiteral("`1,`88.88,`0.00,`0.00,`0.53,`88.88,`0.00");
    return QStringList{header, payment, summaryHeader, summary, QString()}
        .join(QStringLiteral("\r\n"))
        .toUtf8();
}

struct Signing {
    const crypto::RsaPrivateKey* key = nullptr; // null: the platform key
    QByteArray serial = kPlatformSerial;
    qint64 skewS = 0;       // the answer's timestamp minus the test's clock
    bool unsigned_ = false; // no Wechatpay-* headers at all
    QByteArray tamper;      // appended to the body after signing
};

} // namespace

class TestWechatClient : public QObject {
    Q_OBJECT

    crypto::RsaPrivateKey m_merchantKey;
    crypto::RsaPrivateKey m_platformKey; // the test's "WeChat Pay": signs the scripted answers
    crypto::RsaPrivateKey m_otherKey;    // a key WeChat Pay never had
    std::unique_ptr<ScriptedHttpServer> m_server;

    WechatClientSettings settings() const {
        WechatClientSettings s;
        s.gatewayUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server->port()));
        s.mchId = kMchId;
        s.appId = kAppId;
        s.merchantPrivateKey = m_merchantKey;
        s.merchantSerialNo = kMerchantSerial;
        s.apiV3Key = "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb";
        s.platformKeys = {
            WechatPlatformKey{QString::fromLatin1(kPlatformSerial), m_platformKey.publicKey(), {}}};
        s.notifyUrl = QStringLiteral("https://shop.example.com/notify/wechat");
        test::useLoopbackTiming(s, test::LoopbackTiming::scripted());
        return s;
    }

    std::unique_ptr<WechatClient> client(const WechatClientSettings& s) {
        std::unique_ptr<WechatClient> c = test::createClient<WechatClient>(s);
        c->setClock([] { return kNowMs; });
        return c;
    }
    std::unique_ptr<WechatClient> client() { return client(settings()); }

    ScriptedAction signedAction(int status, const QByteArray& body, const Signing& how = {}) const {
        ScriptedAction action = ScriptedAction::respond(status, body + how.tamper);
        if (how.unsigned_)
            return action;
        const QByteArray timestamp = QByteArray::number(kNowMs / 1000 + how.skewS);
        const QByteArray nonce = "4C2FBA0A6F6A1E0B";
        const crypto::RsaPrivateKey& key = how.key ? *how.key : m_platformKey;
        Result<QByteArray> signature = key.signBase64(answerSignMessage(timestamp, nonce, body));
        if (!signature)
            qFatal("cannot sign");
        action.headers = {{"Wechatpay-Timestamp", timestamp},
                          {"Wechatpay-Nonce", nonce},
                          {"Wechatpay-Signature", *signature},
                          {"Wechatpay-Serial", how.serial}};
        return action;
    }
    void answer(int status, const QByteArray& body) {
        m_server->enqueue(signedAction(status, body));
    }
    void answerError(int status, const char* code) {
        answer(status, QByteArray("{\"code\":\"") + code + "\",\"message\":\"provider says\"}");
    }

    static QByteArray transaction(const char* state, const char* type = "NATIVE",
                                  int total = 8888) {
        QByteArray t = QByteArray("{\"appid\":\"wxd678efh567hg6787\",\"mchid\":\"1230000109\","
                                  "\"out_trade_no\":\"S01T0120261122000002\","
                                  "\"trade_type\":\"") +
                       type + "\",\"trade_state\":\"" + state + "\",\"trade_state_desc\":\"d\"";
        if (qstrcmp(state, "SUCCESS") == 0 || qstrcmp(state, "REFUND") == 0)
            t += ",\"transaction_id\":\"4200000000202611220000000001\",\"success_time\":"
                 "\"2026-11-22T10:21:05+08:00\"";
        t += ",\"amount\":{\"total\":" + QByteArray::number(total) + ",\"currency\":\"CNY\"}}";
        return t;
    }
    static QByteArray refundAnswer(const char* status, const QString& outRefundNo, int refund,
                                   int total) {
        return QStringLiteral("{\"refund_id\":\"50300000002026112200000000001\","
                              "\"out_refund_no\":\"%1\",\"transaction_id\":"
                              "\"4200000000202611220000000001\",\"out_trade_no\":"
                              "\"S01T0120261122000002\",\"channel\":\"ORIGINAL\",\"status\":"
                              "\"%2\",\"amount\":{\"refund\":%3,\"total\":%4,\"payer_total\":%4,"
                              "\"payer_refund\":%3,\"currency\":\"CNY\"}}")
            .arg(outRefundNo, QLatin1String(status))
            .arg(refund)
            .arg(total)
            .toUtf8();
    }

    // Checks request `index`: method, target, a valid merchant Authorization over exactly
    // what was sent; returns the JSON body.
    QJsonObject checkRequest(int index, const char* method, const QByteArray& target) {
        QJsonObject out;
        [&] {
            QVERIFY(index < m_server->requestCount());
            const qpos::test::RecordedRequest& r = m_server->requests().at(index);
            QCOMPARE(r.method, QByteArray(method));
            QCOMPARE(r.target, target);
            QCOMPARE(r.headers.value("accept"), QByteArray("application/json"));
            QVERIFY(!r.headers.value("user-agent").isEmpty());
            Result<AuthorizationToken> token = parseAuthorization(r.headers.value("authorization"));
            QVERIFY2(token.ok(), r.headers.value("authorization").constData());
            QCOMPARE(token->mchId, kMchId);
            QCOMPARE(token->serialNo, kMerchantSerial);
            QCOMPARE(token->timestampS, kNowMs / 1000);
            QCOMPARE(token->nonce.size(), 32);
            const QByteArray message = requestSignMessage(r.method, r.target, token->timestampS,
                                                          token->nonce.toLatin1(), r.body);
            QVERIFY(
                m_merchantKey.publicKey().verifyBase64(message, token->signature.toLatin1()).ok());
            if (qstrcmp(method, "GET") == 0) {
                QVERIFY(r.body.isEmpty());
            } else {
                QVERIFY(r.headers.value("content-type").startsWith("application/json"));
                QJsonParseError error{};
                out = QJsonDocument::fromJson(r.body, &error).object();
                QCOMPARE(error.error, QJsonParseError::NoError);
            }
        }();
        return out;
    }

    std::optional<GatewayResult<QrOrder>> createQr(WechatClient& c, int expiresAfterS = 0) {
        QrOrderRequest req;
        req.outTradeNo = kNo;
        req.amountFen = 8888;
        req.subject = QStringLiteral("Iphone6 16G");
        req.expiresAfterS = expiresAfterS;
        req.storeId = QStringLiteral("S01");
        req.terminalId = QStringLiteral("T01");
        return await<QrOrder>([&](QObject* ctx, Completion<QrOrder> done) {
            c.createQrOrder(req, ctx, std::move(done));
        });
    }
    std::optional<GatewayResult<TradeSnapshot>> payCode(WechatClient& c) {
        PayByCodeRequest req;
        req.outTradeNo = kNo;
        req.amountFen = 8888;
        req.subject = QStringLiteral("Tea");
        req.authCode = QStringLiteral("134567890123456789");
        req.storeId = QStringLiteral("S01");
        req.terminalId = QStringLiteral("T01");
        return await<TradeSnapshot>([&](QObject* ctx, Completion<TradeSnapshot> done) {
            c.payByCode(req, ctx, std::move(done));
        });
    }
    std::optional<GatewayResult<TradeSnapshot>> query(WechatClient& c) {
        return await<TradeSnapshot>([&](QObject* ctx, Completion<TradeSnapshot> done) {
            c.queryTrade(TradeRef{kNo, {}}, ctx, std::move(done));
        });
    }
    std::optional<GatewayResult<CancelResult>> cancel(WechatClient& c) {
        return await<CancelResult>([&](QObject* ctx, Completion<CancelResult> done) {
            c.cancelTrade(TradeRef{kNo, {}}, ctx, std::move(done));
        });
    }
    std::optional<GatewayResult<CloseResult>> close(WechatClient& c) {
        return await<CloseResult>([&](QObject* ctx, Completion<CloseResult> done) {
            c.closeTrade(TradeRef{kNo, {}}, ctx, std::move(done));
        });
    }
    std::optional<GatewayResult<RefundResult>> refund(WechatClient& c, const RefundRequest& req) {
        return await<RefundResult>([&](QObject* ctx, Completion<RefundResult> done) {
            c.refund(req, ctx, std::move(done));
        });
    }
    static RefundRequest partRefund() {
        RefundRequest req;
        req.outTradeNo = kNo;
        req.outRequestNo = kNo + QStringLiteral("R1");
        req.amountFen = 1000;
        req.reason = QStringLiteral("damaged");
        req.tradeTotalFen = 8888;
        return req;
    }

    const QByteArray queryTarget =
        "/v3/pay/transactions/out-trade-no/" + kNo.toLatin1() + "?mchid=1230000109";

private slots:
    void initTestCase() {
        Result<crypto::RsaPrivateKey> merchant = crypto::RsaPrivateKey::generate();
        Result<crypto::RsaPrivateKey> platform = crypto::RsaPrivateKey::generate();
        Result<crypto::RsaPrivateKey> other = crypto::RsaPrivateKey::generate();
        QVERIFY(merchant.ok() && platform.ok() && other.ok());
        m_merchantKey = *merchant;
        m_platformKey = *platform;
        m_otherKey = *other;
    }
    void init() {
        m_server = std::make_unique<ScriptedHttpServer>();
        QVERIFY(m_server->listen());
    }
    void cleanup() { m_server.reset(); }

    void settingsAreValidated() {
        WechatClientSettings s = settings();
        s.platformKeys.clear();
        Result<std::unique_ptr<WechatClient>> made = WechatClient::create(s);
        QVERIFY(!made.ok());
        QCOMPARE(made.error().code, QStringLiteral("wechat.settings_invalid"));
        QCOMPARE(client()->channel(), Channel::WeChat);
    }

    void nativeRequestAndAnswer() {
        auto c = client();
        answer(200, "{\"code_url\":\"weixin://wxpay/bizpayurl?pr=p4lpSuKzz\"}");
        auto r = createQr(*c, 120);
        QVERIFY(r.has_value());
        QVERIFY2(r->isSuccess(), qPrintable(r->cashierMessage()));
        QCOMPARE(r->value().qrCode, QStringLiteral("weixin://wxpay/bizpayurl?pr=p4lpSuKzz"));
        QCOMPARE(r->value().outTradeNo, kNo);
        const QJsonObject body = checkRequest(0, "POST", "/v3/pay/transactions/native");
        QCOMPARE(body.value(u"appid").toString(), kAppId);
        QCOMPARE(body.value(u"mchid").toString(), kMchId);
        QCOMPARE(body.value(u"description").toString(), QStringLiteral("Iphone6 16G"));
        QCOMPARE(body.value(u"out_trade_no").toString(), kNo);
        QCOMPARE(body.value(u"notify_url").toString(),
                 QStringLiteral("https://shop.example.com/notify/wechat"));
        QCOMPARE(body.value(u"amount").toObject().value(u"total").toInt(), 8888);
        QCOMPARE(body.value(u"amount").toObject().value(u"currency").toString(),
                 QStringLiteral("CNY"));
        // 10:20:30 China time + 120 s.
        QCOMPARE(body.value(u"time_expire").toString(),
                 QStringLiteral("2026-11-22T10:22:30+08:00"));
        const QJsonObject scene = body.value(u"scene_info").toObject();
        QCOMPARE(scene.value(u"device_id").toString(), QStringLiteral("T01"));
        QCOMPARE(scene.value(u"store_info").toObject().value(u"id").toString(),
                 QStringLiteral("S01"));
        QCOMPARE(m_server->requestCount(), 1);

        // Without an expiry, no time_expire.
        answer(200, "{\"code_url\":\"weixin://wxpay/bizpayurl?pr=x\"}");
        QVERIFY(createQr(*c)->isSuccess());
        QVERIFY(!checkRequest(1, "POST", "/v3/pay/transactions/native").contains(u"time_expire"));
    }

    void codePayPaidInProgressRefused() {
        auto c = client();
        answer(200, transaction("SUCCESS", "MICROPAY"));
        auto paid = payCode(*c);
        QVERIFY(paid.has_value());
        QVERIFY2(paid->isSuccess(), qPrintable(paid->cashierMessage()));
        QCOMPARE(paid->value().state, TradeState::Paid);
        QCOMPARE(paid->value().totalFen, 8888);
        QCOMPARE(paid->value().providerTradeNo, QStringLiteral("4200000000202611220000000001"));
        const QJsonObject body = checkRequest(0, "POST", "/v3/pay/transactions/codepay");
        QCOMPARE(body.value(u"payer").toObject().value(u"auth_code").toString(),
                 QStringLiteral("134567890123456789"));
        QCOMPARE(body.value(u"amount").toObject().value(u"total").toInt(), 8888);
        QCOMPARE(
            body.value(u"scene_info").toObject().value(u"store_info").toObject().value(u"out_id"),
            QJsonValue(QStringLiteral("S01")));
        QCOMPARE(body.value(u"appid").toString(), kAppId);

        answer(202, "{\"trade_state\":\"USERPAYING\"}");
        auto confirming = payCode(*c);
        QVERIFY(confirming.has_value() && confirming->isInProgress());
        answerError(403, "USERPAYING");
        QVERIFY(payCode(*c)->isInProgress());
        answerError(403, "NOTENOUGH");
        auto poor = payCode(*c);
        QVERIFY(poor->isRefused());
        QCOMPARE(poor->refused().code, QStringLiteral("NOTENOUGH"));
        QVERIFY(poor->refused().cashierMessage.contains(u"balance"));
        answerError(400, "PARAM_ERROR");
        QCOMPARE(payCode(*c)->refused().code, QStringLiteral("PARAM_ERROR"));
        QCOMPARE(m_server->requestCount(), 5);
    }

    void codePayErrorsSayWhatToDo() {
        auto c = client();
        // NOT_ENOUGH on a payment: the buyer's balance, not the shop's.
        answerError(403, "NOT_ENOUGH");
        auto poor = payCode(*c);
        QVERIFY(poor->isRefused());
        QCOMPARE(poor->refused().code, QStringLiteral("NOT_ENOUGH"));
        QVERIFY2(poor->refused().cashierMessage.contains(u"customer's WeChat balance"),
                 qPrintable(poor->refused().cashierMessage));
        QVERIFY(!poor->refused().cashierMessage.contains(u"refund"));
        // On a refund it is the shop's balance.
        answerError(403, "NOT_ENOUGH");
        auto refund = this->refund(*c, partRefund());
        QVERIFY(refund->isRefused());
        QVERIFY(refund->refused().cashierMessage.contains(u"refund"));
        // NO_AUTH is a known refusal with what to do.
        answerError(403, "NO_AUTH");
        auto noAuth = payCode(*c);
        QVERIFY2(noAuth->isRefused(), qPrintable(noAuth->cashierMessage()));
        QCOMPARE(noAuth->refused().code, QStringLiteral("NO_AUTH"));
        QVERIFY(noAuth->refused().cashierMessage.contains(u"merchant platform"));
    }

    void codePayAlwaysNamesTheStore() {
        auto c = client();
        PayByCodeRequest req;
        req.outTradeNo = kNo;
        req.amountFen = 8888;
        req.subject = QStringLiteral("Tea");
        req.authCode = QStringLiteral("134567890123456789");
        req.storeId = QStringLiteral("S01");
        answer(200, transaction("SUCCESS", "MICROPAY"));
        auto paid = await<TradeSnapshot>([&](QObject* ctx, Completion<TradeSnapshot> done) {
            c->payByCode(req, ctx, std::move(done));
        });
        QVERIFY(paid->isSuccess());
        // No terminal: scene_info still goes, with the store.
        const QJsonObject scene =
            checkRequest(0, "POST", "/v3/pay/transactions/codepay").value(u"scene_info").toObject();
        QCOMPARE(scene.value(u"store_info").toObject().value(u"out_id").toString(),
                 QStringLiteral("S01"));
        QVERIFY(!scene.contains(u"device_id"));
        // Without a store id WeChat would refuse it: not sent.
        req.storeId.clear();
        auto refused = await<TradeSnapshot>([&](QObject* ctx, Completion<TradeSnapshot> done) {
            c->payByCode(req, ctx, std::move(done));
        });
        QVERIFY(refused->isRefused());
        QVERIFY(refused->refused().cashierMessage.contains(u"[store] id"));
        QCOMPARE(m_server->requestCount(), 1);
    }

    void nativeNeedsANotifyUrl() {
        WechatClientSettings s = settings();
        s.notifyUrl.clear();
        auto c = client(s);
        auto r = createQr(*c);
        QVERIFY(r->isRefused());
        QVERIFY2(r->refused().cashierMessage.contains(u"[wechat] notify_url"),
                 qPrintable(r->refused().cashierMessage));
        QCOMPARE(m_server->requestCount(), 0);
    }

    void unsignedSignErrorSaysOurSignatureWasRefused() {
        auto c = client();
        // WeChat could not verify our request, so it did not sign its answer either.
        m_server->enqueue(ScriptedAction::respond(
            401, "{\"code\":\"SIGN_ERROR\",\"message\":\"签名错误\"}", "application/json"));
        auto r = payCode(*c);
        QVERIFY(r.has_value());
        QVERIFY(r->isUnknown()); // never a payment result: the engine queries
        QCOMPARE(r->unknown().reason.code, QStringLiteral("wechat.request_signature_refused"));
        const QString message = r->unknown().reason.message;
        QVERIFY2(message.contains(u"[wechat] mch_id") && message.contains(u"merchant_serial_no") &&
                     message.contains(u"merchant_private_key") && message.contains(u"SIGN_ERROR"),
                 qPrintable(message));
        // Whatever an unsigned 401 body says, only a code-shaped code is repeated.
        m_server->enqueue(
            ScriptedAction::respond(401, "{\"code\":\"<b>SUCCESS</b>\"}", "application/json"));
        QVERIFY(!query(*c)->unknown().reason.message.contains(u"<b>"));
        // An unsigned answer of any other status is still just unverifiable.
        m_server->enqueue(ScriptedAction::respond(200, transaction("SUCCESS"), "application/json"));
        auto forged = query(*c);
        QVERIFY(forged->isUnknown());
        QCOMPARE(forged->unknown().reason.code, QStringLiteral("wechat.bad_signature"));
    }

    void debugLogHasNoSecrets() {
        auto c = client();
        answer(202, "{\"trade_state\":\"USERPAYING\"}");
        test::DebugLogCapture log("qpos.gateway.wechat");
        auto r = payCode(*c);
        log.stop();
        QVERIFY(r.has_value());
        const QString all = log.text();
        QVERIFY2(all.contains(u"codepay"), qPrintable(all));             // the request was logged
        QVERIFY2(all.contains(u"USERPAYING"), qPrintable(all));          // and the answer
        QVERIFY2(!all.contains(u"134567890123456789"), qPrintable(all)); // never the code
        const QByteArray authorization = m_server->requests().at(0).headers.value("authorization");
        const QByteArray signature = parseAuthorization(authorization)->signature.toLatin1();
        QVERIFY(!all.contains(QString::fromLatin1(signature.left(30))));
        QVERIFY(!all.contains(u"WECHATPAY2-SHA256-RSA2048 mchid"));
        QVERIFY(!all.contains(u"a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"));
        QVERIFY(!all.contains(u"PRIVATE KEY"));
    }

    void queryRequestAndStates_data() {
        QTest::addColumn<QByteArray>("state");
        QTest::addColumn<int>("expected");
        QTest::newRow("SUCCESS") << QByteArray("SUCCESS") << int(TradeState::Paid);
        QTest::newRow("REFUND") << QByteArray("REFUND") << int(TradeState::Refunded);
        QTest::newRow("NOTPAY") << QByteArray("NOTPAY") << int(TradeState::WaitingForBuyer);
        QTest::newRow("USERPAYING") << QByteArray("USERPAYING") << int(TradeState::WaitingForBuyer);
        QTest::newRow("CLOSED") << QByteArray("CLOSED") << int(TradeState::Closed);
        QTest::newRow("REVOKED") << QByteArray("REVOKED") << int(TradeState::Closed);
        QTest::newRow("PAYERROR") << QByteArray("PAYERROR") << int(TradeState::Failed);
    }
    void queryRequestAndStates() {
        QFETCH(QByteArray, state);
        QFETCH(int, expected);
        auto c = client();
        answer(200, transaction(state.constData()));
        auto r = query(*c);
        QVERIFY(r.has_value());
        QVERIFY2(r->isSuccess(), qPrintable(r->cashierMessage()));
        QCOMPARE(int(r->value().state), expected);
        QCOMPARE(r->value().providerState, QString::fromLatin1(state));
        QCOMPARE(r->value().totalFen, 8888);
        checkRequest(0, "GET", queryTarget);
    }

    void queryOfAnUnknownOrderIsNotCreated() {
        auto c = client();
        answerError(404, "ORDER_NOT_EXIST");
        auto r = query(*c);
        QVERIFY(r.has_value() && r->isSuccess());
        QCOMPARE(r->value().state, TradeState::NotCreated);
        QCOMPARE(m_server->requestCount(), 1);
    }

    void closeTrade() {
        auto c = client();
        m_server->enqueue(signedAction(204, QByteArray()));
        auto closed = close(*c);
        QVERIFY(closed.has_value() && closed->isSuccess());
        QVERIFY(closed->value().existedAtProvider);
        const QJsonObject body = checkRequest(
            0, "POST", "/v3/pay/transactions/out-trade-no/" + kNo.toLatin1() + "/close");
        QCOMPARE(body, QJsonObject({{QStringLiteral("mchid"), kMchId}}));

        answerError(404, "ORDER_NOT_EXIST");
        auto none = close(*c);
        QVERIFY(none->isSuccess() && !none->value().existedAtProvider);
        answerError(400, "ORDERPAID");
        auto paid = close(*c);
        QVERIFY(paid->isRefused());
        QCOMPARE(paid->refused().code, QStringLiteral("ORDERPAID"));

        // A 204 without a signature is not trusted either.
        m_server->enqueue(ScriptedAction::respond(204, QByteArray()));
        auto unsignedClose = close(*c);
        QVERIFY(unsignedClose->isUnknown());
        QCOMPARE(unsignedClose->unknown().reason.code, QStringLiteral("wechat.bad_signature"));
    }

    void cancelUndoesWhateverTheState_data() {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<int>("action");
        QTest::addColumn<QStringList>("calls");
        QTest::newRow("not created") << "not_created" << int(CancelAction::NotCreatedAtProvider)
                                     << QStringList{QStringLiteral("query")};
        QTest::newRow("closed") << "closed" << int(CancelAction::Closed)
                                << QStringList{QStringLiteral("query")};
        QTest::newRow("native unpaid")
            << "native_notpay" << int(CancelAction::Closed)
            << QStringList{QStringLiteral("query"), QStringLiteral("close")};
        QTest::newRow("native paid")
            << "native_paid" << int(CancelAction::Refunded)
            << QStringList{QStringLiteral("query"), QStringLiteral("refund")};
        QTest::newRow("native paid, refund processing")
            << "native_paid_processing" << int(CancelAction::Refunded)
            << QStringList{QStringLiteral("query"), QStringLiteral("refund")};
        QTest::newRow("code pay confirming")
            << "micropay_userpaying" << int(CancelAction::Closed)
            << QStringList{QStringLiteral("query"), QStringLiteral("reverse")};
        QTest::newRow("code pay paid")
            << "micropay_paid" << int(CancelAction::Refunded)
            << QStringList{QStringLiteral("query"), QStringLiteral("reverse")};
        QTest::newRow("paid while closing")
            << "paid_while_closing" << int(CancelAction::Refunded)
            << QStringList{QStringLiteral("query"), QStringLiteral("close"),
                           QStringLiteral("query"), QStringLiteral("refund")};
    }
    void cancelUndoesWhateverTheState() {
        QFETCH(QString, scenario);
        QFETCH(int, action);
        QFETCH(QStringList, calls);
        auto c = client();
        const QString fullRefundNo = kNo + u'C';
        if (scenario == u"not_created") {
            answerError(404, "ORDER_NOT_EXIST");
        } else if (scenario == u"closed") {
            answer(200, transaction("CLOSED"));
        } else if (scenario == u"native_notpay") {
            answer(200, transaction("NOTPAY"));
            m_server->enqueue(signedAction(204, QByteArray()));
        } else if (scenario.startsWith(u"native_paid")) {
            answer(200, transaction("SUCCESS"));
            answer(200, refundAnswer(scenario.endsWith(u"processing") ? "PROCESSING" : "SUCCESS",
                                     fullRefundNo, 8888, 8888));
        } else if (scenario == u"micropay_userpaying") {
            answer(200, transaction("USERPAYING", "MICROPAY"));
            answer(200, "{\"out_trade_no\":\"S01T0120261122000002\"}");
        } else if (scenario == u"micropay_paid") {
            answer(200, transaction("SUCCESS", "MICROPAY"));
            answer(200, "{\"out_trade_no\":\"S01T0120261122000002\",\"transaction_id\":"
                        "\"4200000000202611220000000001\"}");
        } else if (scenario == u"paid_while_closing") {
            answer(200, transaction("NOTPAY"));
            answerError(400, "ORDERPAID");
            answer(200, transaction("SUCCESS"));
            answer(200, refundAnswer("SUCCESS", fullRefundNo, 8888, 8888));
        }
        auto r = cancel(*c);
        QVERIFY(r.has_value());
        QVERIFY2(r->isSuccess(), qPrintable(r->cashierMessage()));
        QCOMPARE(int(r->value().action), action);
        QCOMPARE(r->value().outTradeNo, kNo);
        QCOMPARE(m_server->requestCount(), calls.size());
        const QByteArray base = "/v3/pay/transactions/out-trade-no/" + kNo.toLatin1();
        for (int i = 0; i < calls.size(); ++i) {
            if (calls[i] == u"query") {
                checkRequest(i, "GET", queryTarget);
            } else if (calls[i] == u"close") {
                checkRequest(i, "POST", base + "/close");
            } else if (calls[i] == u"reverse") {
                const QJsonObject body = checkRequest(i, "POST", base + "/reverse");
                QCOMPARE(body.value(u"appid").toString(), kAppId);
                QCOMPARE(body.value(u"mchid").toString(), kMchId);
            } else {
                const QJsonObject body = checkRequest(i, "POST", "/v3/refund/domestic/refunds");
                // The fixed number: a repeated cancel finds this refund, never a second one.
                QCOMPARE(body.value(u"out_refund_no").toString(), fullRefundNo);
                QCOMPARE(body.value(u"amount").toObject().value(u"refund").toInt(), 8888);
                QCOMPARE(body.value(u"amount").toObject().value(u"total").toInt(), 8888);
            }
        }
    }

    void refundRequestAndOutcomes() {
        auto c = client();
        const RefundRequest req = partRefund();
        answer(200, refundAnswer("SUCCESS", req.outRequestNo, 1000, 8888));
        auto r = refund(*c, req);
        QVERIFY(r.has_value());
        QVERIFY2(r->isSuccess(), qPrintable(r->cashierMessage()));
        QCOMPARE(r->value().outRequestNo, req.outRequestNo);
        QCOMPARE(r->value().refundedTotalFen, 0); // a part refund: the ledger counts
        const QJsonObject body = checkRequest(0, "POST", "/v3/refund/domestic/refunds");
        QCOMPARE(body.value(u"out_trade_no").toString(), kNo);
        QCOMPARE(body.value(u"out_refund_no").toString(), req.outRequestNo);
        QCOMPARE(body.value(u"reason").toString(), QStringLiteral("damaged"));
        QCOMPARE(body.value(u"amount").toObject(),
                 QJsonObject({{QStringLiteral("refund"), 1000},
                              {QStringLiteral("total"), 8888},
                              {QStringLiteral("currency"), QStringLiteral("CNY")}}));

        answer(200, refundAnswer("PROCESSING", req.outRequestNo, 1000, 8888));
        QVERIFY(refund(*c, req)->isInProgress());
        answerError(403, "NOT_ENOUGH");
        QCOMPARE(refund(*c, req)->refused().code, QStringLiteral("NOT_ENOUGH"));

        // No trade total: a programming error, refused without sending anything.
        m_server->clearRequests();
        RefundRequest noTotal = req;
        noTotal.tradeTotalFen = 0;
        auto missing = refund(*c, noTotal);
        QVERIFY(missing->isRefused());
        QCOMPARE(missing->refused().subCode, QStringLiteral("wechat.missing_total"));
        QCOMPARE(m_server->requestCount(), 0);
    }

    void refundQuery() {
        auto c = client();
        const RefundQuery q{kNo, {}, kNo + QStringLiteral("R1")};
        auto run = [&] {
            return await<RefundQueryResult>([&](QObject* ctx, Completion<RefundQueryResult> done) {
                c->queryRefund(q, ctx, std::move(done));
            });
        };
        answer(200, refundAnswer("SUCCESS", q.outRequestNo, 1000, 8888));
        auto done = run();
        QVERIFY(done.has_value() && done->isSuccess());
        QCOMPARE(done->value().state, RefundState::Refunded);
        QCOMPARE(done->value().refundFen, 1000);
        checkRequest(0, "GET", "/v3/refund/domestic/refunds/" + q.outRequestNo.toLatin1());
        answer(200, refundAnswer("PROCESSING", q.outRequestNo, 1000, 8888));
        QCOMPARE(run()->value().state, RefundState::Processing);
        answerError(404, "RESOURCE_NOT_EXISTS");
        QCOMPARE(run()->value().state, RefundState::NotFound);
    }

    void unverifiableAnswersAreUnknown_data() {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<QString>("code");
        QTest::newRow("unsigned") << "unsigned"
                                  << "wechat.bad_signature";
        QTest::newRow("unsigned refusal") << "unsigned_refusal"
                                          << "wechat.bad_signature";
        QTest::newRow("tampered") << "tampered"
                                  << "wechat.bad_signature";
        QTest::newRow("wrong key") << "wrong_key"
                                   << "wechat.bad_signature";
        QTest::newRow("unknown serial") << "unknown_serial"
                                        << "wechat.bad_signature";
        QTest::newRow("stale") << "stale"
                               << "wechat.stale_answer";
        QTest::newRow("from the future") << "future"
                                         << "wechat.stale_answer";
        QTest::newRow("not json") << "not_json"
                                  << "wechat.malformed_answer";
        QTest::newRow("http 502") << "502"
                                  << "gateway.http_status";
        QTest::newRow("signed 500 SYSTEM_ERROR") << "system_error"
                                                 << "gateway.http_status";
        QTest::newRow("timeout") << "hang"
                                 << "gateway.timeout";
        QTest::newRow("dropped") << "close"
                                 << "gateway.connection_failed";
        QTest::newRow("truncated") << "truncate"
                                   << "gateway.connection_failed";
        QTest::newRow("unexpected code") << "odd_code"
                                         << "wechat.unexpected_code";
        QTest::newRow("already paid") << "orderpaid"
                                      << "wechat.already_paid";
    }
    void unverifiableAnswersAreUnknown() {
        QFETCH(QString, scenario);
        QFETCH(QString, code);
        auto c = client();
        const QByteArray good = "{\"code_url\":\"weixin://wxpay/bizpayurl?pr=p4lpSuKzz\"}";
        Signing how;
        if (scenario == u"unsigned") {
            how.unsigned_ = true;
            m_server->enqueue(signedAction(200, good, how));
        } else if (scenario == u"unsigned_refusal") {
            how.unsigned_ = true;
            m_server->enqueue(
                signedAction(400, "{\"code\":\"ORDER_CLOSED\",\"message\":\"closed\"}", how));
        } else if (scenario == u"tampered") {
            how.tamper = " ";
            m_server->enqueue(signedAction(200, good, how));
        } else if (scenario == u"wrong_key") {
            how.key = &m_otherKey;
            m_server->enqueue(signedAction(200, good, how));
        } else if (scenario == u"unknown_serial") {
            how.serial = "PUB_KEY_ID_0000000000000000000000000000";
            m_server->enqueue(signedAction(200, good, how));
        } else if (scenario == u"stale") {
            how.skewS = -301;
            m_server->enqueue(signedAction(200, good, how));
        } else if (scenario == u"future") {
            how.skewS = 301;
            m_server->enqueue(signedAction(200, good, how));
        } else if (scenario == u"not_json") {
            m_server->enqueue(signedAction(200, "<html>ok</html>"));
        } else if (scenario == u"502") {
            m_server->enqueue(ScriptedAction::respond(502, "bad gateway", "text/plain"));
        } else if (scenario == u"system_error") {
            answerError(500, "SYSTEM_ERROR");
        } else if (scenario == u"hang") {
            m_server->enqueue(ScriptedAction::hang());
        } else if (scenario == u"close") {
            // Qt's HTTP layer resends a request (even a POST) once when the connection is
            // closed before any answer byte; WeChat treats the same out_trade_no as the same
            // order.
            m_server->enqueue(ScriptedAction::close());
            m_server->setFallback(ScriptedAction::close());
        } else if (scenario == u"truncate") {
            m_server->enqueue(ScriptedAction::truncate(good, 10));
        } else if (scenario == u"odd_code") {
            answerError(400, "SOMETHING_NEW");
        } else if (scenario == u"orderpaid") {
            answerError(400, "ORDERPAID");
        }
        auto r = createQr(*c);
        QVERIFY(r.has_value());
        QCOMPARE(r->kind(), OutcomeKind::Unknown);
        QCOMPARE(r->unknown().reason.code, code);
        QVERIFY(!r->unknown().reason.message.isEmpty());
        if (code.startsWith(u"wechat.bad") || code.startsWith(u"wechat.stale"))
            QVERIFY(r->unknown().reason.message.contains(u"checked again"));
        if (scenario != u"close")
            QCOMPARE(m_server->requestCount(), 1); // a create is never repeated
        QCOMPARE(c->requestsInFlight(), 0);
    }

    void answerWindowIsFiveMinutes() {
        auto c = client();
        Signing how;
        how.skewS = -299;
        m_server->enqueue(signedAction(200, "{\"code_url\":\"weixin://x\"}", how));
        QVERIFY(createQr(*c)->isSuccess());
        how.skewS = 299;
        m_server->enqueue(signedAction(200, "{\"code_url\":\"weixin://x\"}", how));
        QVERIFY(createQr(*c)->isSuccess());
        // The same answer is stale once the till's clock has moved on.
        c->setClock([] { return kNowMs + 400 * 1000; });
        m_server->enqueue(signedAction(200, "{\"code_url\":\"weixin://x\"}"));
        QCOMPARE(createQr(*c)->unknown().reason.code, QStringLiteral("wechat.stale_answer"));
        // Serials compare without regard to case (certificate serials are hex).
        c->setClock([] { return kNowMs; });
        how = Signing{};
        how.serial = kPlatformSerial.toLower();
        m_server->enqueue(signedAction(200, "{\"code_url\":\"weixin://x\"}", how));
        QVERIFY(createQr(*c)->isSuccess());
    }

    void oversizedAnswersAreNotRead() {
        WechatClientSettings s = settings();
        s.maxAnswerBytes = 1000;
        auto c = client(s);
        m_server->enqueue(
            signedAction(200, "{\"code_url\":\"weixin://" + QByteArray(4000, 'x') + "\"}"));
        auto r = createQr(*c);
        QVERIFY(r.has_value());
        QCOMPARE(r->unknown().reason.code, QString::fromLatin1(errc::answerTooLarge));
        QCOMPARE(c->requestsInFlight(), 0);
    }

    void retriesStopAtTheDeadline() {
        WechatClientSettings s = settings();
        test::retryUntilShortDeadline(s);
        auto c = client(s);
        m_server->setFallback(ScriptedAction::hang());
        QElapsedTimer clock;
        clock.start();
        auto r = query(*c);
        const qint64 elapsed = clock.elapsed();
        QVERIFY(r.has_value());
        QCOMPARE(r->unknown().reason.code, QString::fromLatin1(errc::timeout));
        QVERIFY2(m_server->requestCount() >= 2,
                 qPrintable(QString::number(m_server->requestCount())));
        QVERIFY2(elapsed < test::kShortRetryDeadline.count() + 400,
                 qPrintable(QString::number(elapsed)));
        QCOMPARE(c->requestsInFlight(), 0);
    }

    void onlyIdempotentCallsAreRetried() {
        auto c = client();
        m_server->enqueue(ScriptedAction::respond(502, "busy", "text/plain"));
        answerError(429, "FREQUENCY_LIMITED");
        answer(200, transaction("NOTPAY"));
        auto r = query(*c);
        QVERIFY(r.has_value());
        QVERIFY2(r->isSuccess(), qPrintable(r->cashierMessage()));
        QCOMPARE(m_server->requestCount(), 3);
        QSet<QByteArray> nonces;
        for (int i = 0; i < 3; ++i) {
            checkRequest(i, "GET", queryTarget);
            nonces.insert(
                parseAuthorization(m_server->requests().at(i).headers.value("authorization"))
                    ->nonce.toLatin1());
        }
        QCOMPARE(nonces.size(), 3); // each attempt freshly signed

        // Always failing: exactly maxAttempts, then Unknown.
        m_server->clearRequests();
        m_server->setFallback(ScriptedAction::respond(503, "down", "text/plain"));
        auto failing = close(*c);
        QCOMPARE(failing->unknown().reason.code, QString::fromLatin1(errc::httpStatus));
        QCOMPARE(m_server->requestCount(), 3);

        // A refund (same out_refund_no, same body) is retried; create and pay are not.
        m_server->clearRequests();
        QVERIFY(refund(*c, partRefund())->isUnknown());
        QCOMPARE(m_server->requestCount(), 3);
        QCOMPARE(m_server->requests()[0].body, m_server->requests()[2].body);
        m_server->clearRequests();
        QVERIFY(payCode(*c)->isUnknown());
        QCOMPARE(m_server->requestCount(), 1);
        m_server->clearRequests();
        QVERIFY(createQr(*c)->isUnknown());
        QCOMPARE(m_server->requestCount(), 1);

        // A refusal is an answer: never retried.
        m_server->clearRequests();
        m_server->setFallback(signedAction(400, "{\"code\":\"ORDER_CLOSED\",\"message\":\"c\"}"));
        QVERIFY(close(*c)->isRefused());
        QCOMPARE(m_server->requestCount(), 1);
    }

    void circuitBreakerOpensAndFailsFast() {
        WechatClientSettings s = settings();
        test::useQuickBreaker(s);
        auto c = client(s);
        QSignalSpy spy(c.get(), &WechatClient::circuitStateChanged);
        m_server->setFallback(ScriptedAction::respond(502, "down", "text/plain"));
        for (int i = 0; i < 3; ++i)
            QCOMPARE(query(*c)->unknown().reason.code, QString::fromLatin1(errc::httpStatus));
        QCOMPARE(c->circuitState(), CircuitState::Open);
        QCOMPARE(spy.size(), 1);
        auto fast = query(*c);
        QCOMPARE(fast->unknown().reason.code, QString::fromLatin1(errc::unreachable));
        QVERIFY(fast->unknown().reason.message.contains(u"not reachable"));
        QCOMPARE(m_server->requestCount(), 3);

        // After the cool-down a probe that gets any verified answer closes it again.
        QTRY_COMPARE_WITH_TIMEOUT(c->circuitState(), CircuitState::HalfOpen, 3000);
        answerError(404, "ORDER_NOT_EXIST");
        QVERIFY(query(*c)->isSuccess());
        QCOMPARE(c->circuitState(), CircuitState::Closed);
    }

    void resultsArriveLaterAndOnlyToLiveContexts() {
        auto c = client();
        ScriptedAction slow = signedAction(404, "{\"code\":\"ORDER_NOT_EXIST\",\"message\":\"m\"}");
        slow.delayMs = 100;
        m_server->setFallback(slow);
        bool called = false;
        auto context = std::make_unique<QObject>();
        c->queryTrade(TradeRef{kNo, {}}, context.get(),
                      [&called](GatewayResult<TradeSnapshot>) { called = true; });
        bool localCalled = false;
        c->queryTrade(TradeRef{}, context.get(),
                      [&localCalled](GatewayResult<TradeSnapshot>) { localCalled = true; });
        QVERIFY(!localCalled); // even a local refusal arrives later
        context.reset();
        QTRY_COMPARE_WITH_TIMEOUT(m_server->requestCount(), 1, 3000);
        QTest::qWait(300);
        QVERIFY(!called);
        QVERIFY(!localCalled);

        bool viaClient = false;
        c->queryTrade(TradeRef{kNo, {}}, nullptr,
                      [&viaClient](GatewayResult<TradeSnapshot> r) { viaClient = r.isSuccess(); });
        QTRY_VERIFY_WITH_TIMEOUT(viaClient, 3000);

        // Destroying the client aborts in-flight calls without calling back.
        m_server->setFallback(ScriptedAction::hang());
        bool afterDestroy = false;
        QObject keep;
        c->queryTrade(TradeRef{kNo, {}}, &keep,
                      [&afterDestroy](GatewayResult<TradeSnapshot>) { afterDestroy = true; });
        QTRY_COMPARE_WITH_TIMEOUT(c->requestsInFlight(), 1, 3000);
        QTRY_COMPARE_WITH_TIMEOUT(m_server->requestCount(), 3, 3000);
        c.reset();
        QTest::qWait(200);
        QVERIFY(!afterDestroy);
    }

    void billIsFetchedCheckedAndParsed() {
        auto c = client();
        const QByteArray file = gzip(billCsv());
        // hash_value digests the unpacked bill, not the gzip it comes in (wechatpay-java
        // QueryBillEntity).
        const QByteArray sha1 =
            QCryptographicHash::hash(billCsv(), QCryptographicHash::Sha1).toHex();
        QVERIFY(QCryptographicHash::hash(file, QCryptographicHash::Sha1).toHex() != sha1);
        const QByteArray link =
            "{\"download_url\":\"http://127.0.0.1:" + QByteArray::number(m_server->port()) +
            "/v3/billdownload/file?token=T1\",\"hash_type\":\"SHA1\","
            "\"hash_value\":\"" +
            sha1.toUpper() + "\"}";
        answer(200, link);
        m_server->enqueue(ScriptedAction::respond(200, file, "application/octet-stream"));
        auto download = [&](BillRequest::Period period = BillRequest::Period::Day) {
            return await<DownloadedBill>([&](QObject* ctx, Completion<DownloadedBill> done) {
                c->downloadBill(BillRequest{QDate(2026, 12, 1), period}, ctx, std::move(done));
            });
        };
        auto r = download();
        QVERIFY(r.has_value());
        QVERIFY2(r->isSuccess(), qPrintable(r->cashierMessage()));
        QCOMPARE(r->value().availability, BillAvailability::Ready);
        QCOMPARE(r->value().bill.records.size(), 1);
        QCOMPARE(r->value().bill.records[0].outTradeNo, QStringLiteral("S01T0120261201000001"));
        QCOMPARE(r->value().bill.records[0].amountFen, 8888);
        // The file as it came (the gzip), and its SHA-256, beside the bill.
        QCOMPARE(r->value().file, file);
        QCOMPARE(r->value().fileSha256Hex,
                 QCryptographicHash::hash(file, QCryptographicHash::Sha256).toHex());
        checkRequest(0, "GET",
                     "/v3/bill/tradebill?bill_date=2026-12-01&bill_type=ALL&tar_type=GZIP");
        checkRequest(1, "GET", "/v3/billdownload/file?token=T1"); // the file request is signed too

        // A bill that does not match the digest is never used (retried, then Unknown), even
        // when its gzip is sound.
        const QByteArray changed = gzip(billCsv() + "\r\n");
        m_server->clearRequests();
        m_server->setFallback(ScriptedAction::respond(200, changed, "application/octet-stream"));
        for (int i = 0; i < 3; ++i) {
            answer(200, link);
            m_server->enqueue(ScriptedAction::respond(200, changed, "application/octet-stream"));
        }
        auto mismatch = download();
        QCOMPARE(mismatch->unknown().reason.code, QStringLiteral("wechat.bill_hash_mismatch"));

        // No bill for the day (no trades): said so, not a failure; a bill being made: "not
        // ready yet", a third answer to retry on; no monthly bill at WeChat.
        m_server->clearRequests();
        answerError(400, "NO_STATEMENT_EXIST");
        auto none = download();
        QVERIFY2(none->isSuccess(), qPrintable(none->cashierMessage()));
        QCOMPARE(none->value().availability, BillAvailability::NoBill);
        QCOMPARE(none->value().providerCode, QStringLiteral("NO_STATEMENT_EXIST"));
        QVERIFY(none->value().bill.records.isEmpty());
        answerError(400, "STATEMENT_CREATING");
        auto creating = download();
        QVERIFY2(creating->isSuccess(), qPrintable(creating->cashierMessage()));
        QCOMPARE(creating->value().availability, BillAvailability::NotReadyYet);
        QCOMPARE(creating->value().providerCode, QStringLiteral("STATEMENT_CREATING"));
        QVERIFY(!creating->value().message.isEmpty());
        auto month = download(BillRequest::Period::Month);
        QVERIFY(month->isRefused());
        QCOMPARE(month->refused().subCode, QStringLiteral("wechat.no_monthly_bill"));
        QCOMPARE(m_server->requestCount(), 2);

        // A link to another host: the signed request is not sent there.
        m_server->clearRequests();
        answer(200, "{\"download_url\":\"https://elsewhere.example.com/file?token=T1\","
                    "\"hash_type\":\"SHA1\",\"hash_value\":\"" +
                        sha1 + "\"}");
        QCOMPARE(download()->unknown().reason.code, QStringLiteral("wechat.bill_url_foreign"));
        QCOMPARE(m_server->requestCount(), 1);
    }

    void notificationsAreDelegated() {
        auto c = client();
        const NotificationReply ok = c->notificationReply(true);
        QVERIFY(ok.httpStatus == 200 || ok.httpStatus == 204);
        QVERIFY(c->notificationReply(false).httpStatus >= 400);
        IncomingNotification unsignedOne;
        unsignedOne.body = "{}";
        auto r = c->verifyNotification(unsignedOne,
                                       [](const QString&) { return std::optional<Order>(); });
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("wechat.notify_missing_headers"));
    }
};

QTEST_GUILESS_MAIN(TestWechatClient)
#include "tst_wechat_client.moc"
