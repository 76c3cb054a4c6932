// The WeChat Pay side of the sandbox over raw HTTP: every /v3 endpoint's success and refusal
// paths, the Authorization check, signed answers, expiry, refunds, reversal, bills,
// notifications and every fault, observed as a client observes them.
#include "core/calendar/ChinaCalendar.h"
#include "core/crypto/Aes256Gcm.h"
#include "core/gateways/wechat/WechatSignature.h"
#include "sandbox/faults/FaultRule.h"
#include "sandbox/SandboxServer.h"
#include "sandbox/wechat/WechatSimulator.h"
#include "tests/sandbox/WechatTestClient.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <zlib.h>

using namespace qpos;
using namespace qpos::sandbox;
using namespace qpos::test;

namespace {

const QString kMchId = QStringLiteral("1900000109");
const QString kAppId = QStringLiteral("wx8888888888888888");
const QString kPaidCode = QStringLiteral("134567890123450001");
const QString kConfirmCode = QStringLiteral("134567890123459991");
const QString kPoorCode = QStringLiteral("134567890123459992");
const QString kConfirmThenPayCode = QStringLiteral("134567890123459993");

QByteArray gunzip(const QByteArray& data) {
    z_stream stream{};
    if (inflateInit2(&stream, 15 + 16) != Z_OK)
        return {};
    QByteArray out;
    char buffer[4096];
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.constData()));
    stream.avail_in = static_cast<uInt>(data.size());
    int rc = Z_OK;
    while (rc == Z_OK) {
        stream.next_out = reinterpret_cast<Bytef*>(buffer);
        stream.avail_out = sizeof buffer;
        rc = inflate(&stream, Z_NO_FLUSH);
        out.append(buffer, static_cast<qsizetype>(sizeof buffer - stream.avail_out));
    }
    inflateEnd(&stream);
    return rc == Z_STREAM_END ? out : QByteArray();
}

QString sha1(const QByteArray& data) {
    return QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha1).toHex());
}

} // namespace

class TestSandboxWechat : public QObject {
    Q_OBJECT

    std::unique_ptr<SandboxServer> m_server;
    std::unique_ptr<WechatTestClient> m_client;
    std::unique_ptr<WechatNotifyReceiver> m_receiver;
    int m_sequence = 0;

    QString nextNo() {
        return QStringLiteral("W%1_%2").arg(QDateTime::currentMSecsSinceEpoch()).arg(++m_sequence);
    }
    WechatSimulator& wechat() { return m_server->wechat(); }
    void addFault(const char* spec) {
        Result<FaultRule> rule = FaultRule::fromSpec(QString::fromLatin1(spec));
        QVERIFY2(rule.ok(), spec);
        m_server->faults().add(*rule);
    }
    // A paid Native order.
    QString paidOrder(qint64 total) {
        const QString no = nextNo();
        const WechatResult created = m_client->native(no, total);
        if (created.status != 200)
            return {};
        return wechat().buyerPay(no).ok() ? no : QString();
    }
    // The decrypted resource of a received notification.
    static QJsonObject decrypt(const QByteArray& body, const QByteArray& apiV3Key) {
        const QJsonObject resource =
            QJsonDocument::fromJson(body).object().value(u"resource").toObject();
        Result<QByteArray> plain = crypto::aes256GcmDecrypt(
            apiV3Key, resource.value(u"nonce").toString().toLatin1(),
            resource.value(u"associated_data").toString().toLatin1(),
            QByteArray::fromBase64(resource.value(u"ciphertext").toString().toLatin1()));
        return plain ? QJsonDocument::fromJson(*plain).object() : QJsonObject{};
    }
    bool notificationVerifies(const WechatNotifyReceiver::Received& r) {
        const qpos::wechat::WechatpayHeaders h{
            r.header("Wechatpay-Timestamp"), r.header("Wechatpay-Nonce"),
            r.header("Wechatpay-Signature"), r.header("Wechatpay-Serial")};
        return QString::fromLatin1(h.serial) == wechat().platformKeyId() &&
               qpos::wechat::verifyAnswerSignature(wechat().platformPublicKey(), h, r.body);
    }

private slots:
    void initTestCase() {
        SandboxOptions options;
        options.faultSeed = 7;
        options.wechat.notifyScale = 0.001; // 15 s retries become 15 ms
        m_server = std::make_unique<SandboxServer>(options);
        QVERIFY(m_server->listen().ok());
        Result<WechatMerchantCredentials> merchant = wechat().createMerchant(kMchId, kAppId);
        QVERIFY(merchant.ok());
        QCOMPARE(merchant->apiV3Key.size(), 32);
        QVERIFY(wechat().platformKeyId().startsWith(u"PUB_KEY_ID_"));
        QCOMPARE(wechat().platformKeyId().size(), 11 + 28);
        m_client = std::make_unique<WechatTestClient>(
            m_server->baseUrl(), *merchant, wechat().platformKeyId(), wechat().platformPublicKey());
        m_receiver = std::make_unique<WechatNotifyReceiver>();
    }

    void init() {
        m_server->faults().clear();
        QVERIFY(wechat().setNotifyUrl(kMchId, {}).ok());
        WechatOptions o = wechat().options();
        o.refundProcessingMs = 0;
        o.payBehaviour = WechatPayBehaviour::Immediate;
        wechat().setOptions(o);
        m_receiver->clear();
        m_receiver->script({});
    }

    void authorizationIsChecked() {
        const QString path =
            QStringLiteral("/v3/pay/transactions/out-trade-no/NOPE_123?mchid=") + kMchId;
        WechatAuthTweak none;
        none.omit = true;
        WechatResult r = m_client->call("GET", path, {}, none);
        QCOMPARE(r.status, 401);
        QCOMPARE(r.code(), QStringLiteral("SIGN_ERROR"));
        // WeChat signs only answers to requests it could verify: this one is not signed.
        QVERIFY(!r.signatureOk);
        QVERIFY(r.header("Wechatpay-Signature").isEmpty());
        QVERIFY(r.header("Wechatpay-Serial").isEmpty());
        WechatAuthTweak serial;
        serial.serialNo = QStringLiteral("0123456789ABCDEF");
        QCOMPARE(m_client->call("GET", path, {}, serial).code(), QStringLiteral("SIGN_ERROR"));
        WechatAuthTweak stranger;
        stranger.mchId = QStringLiteral("1900000999");
        QCOMPARE(m_client->call("GET", path, {}, stranger).status, 401);
        WechatAuthTweak forged;
        forged.wrongKey = true;
        QCOMPARE(m_client->call("GET", path, {}, forged).status, 401);
        WechatAuthTweak old;
        old.skewS = -301;
        QCOMPARE(m_client->call("GET", path, {}, old).status, 401);
        WechatAuthTweak early;
        early.skewS = 301;
        QCOMPARE(m_client->call("GET", path, {}, early).status, 401);
        WechatAuthTweak slightly;
        slightly.skewS = -200;
        QCOMPARE(m_client->call("GET", path, {}, slightly).status, 404);
        // The signature covers the query: changing it after signing is refused.
        QUrl url = m_server->baseUrl();
        url.setPath(QStringLiteral("/v3/pay/transactions/out-trade-no/NOPE_123"));
        url.setQuery(QStringLiteral("mchid=") + kMchId + QStringLiteral("&x=1"));
        QNetworkAccessManager network;
        QNetworkRequest request(url);
        request.setRawHeader(
            "Authorization",
            *qpos::wechat::signRequest(m_client->merchant().privateKey, kMchId,
                                       m_client->merchant().serialNo, "GET", path.toUtf8(),
                                       QDateTime::currentSecsSinceEpoch(), "abc", {}));
        QNetworkReply* reply = network.get(request);
        QTRY_VERIFY(reply->isFinished());
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 401);
        delete reply;
        // The refusal shows what was verified, but never the body (a payment code).
        const QByteArray codeBody = "{\"payer\":{\"auth_code\":\"" + kPaidCode.toLatin1() + "\"}}";
        r = m_client->call("POST", QStringLiteral("/v3/pay/transactions/codepay"), codeBody,
                           forged);
        QCOMPARE(r.status, 401);
        QVERIFY(r.field("message").contains(u"/v3/pay/transactions/codepay"));
        QVERIFY(!r.body.contains(kPaidCode.toLatin1()));
        // An unknown endpoint.
        r = m_client->get(QStringLiteral("/v3/nothing/here"));
        QCOMPARE(r.status, 404);
        QVERIFY(r.signatureOk);
    }

    void nativeOrderIsPaidByTheBuyer() {
        const QString no = nextNo();
        WechatResult r = m_client->native(no, 1234);
        QCOMPARE(r.status, 200);
        QVERIFY(r.signatureOk);
        QVERIFY(qAbs(r.timestampS - QDateTime::currentSecsSinceEpoch()) < 5);
        QVERIFY(!r.header("Request-ID").isEmpty());
        const QString codeUrl = r.field("code_url");
        QVERIFY(codeUrl.startsWith(u"weixin://wxpay/bizpayurl?pr="));
        // The same order again: the same code; another amount: refused.
        QCOMPARE(m_client->native(no, 1234).field("code_url"), codeUrl);
        r = m_client->native(no, 1235);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.code(), QStringLiteral("INVALID_REQUEST"));

        r = m_client->query(no);
        QCOMPARE(r.status, 200);
        QVERIFY(r.signatureOk);
        QCOMPARE(r.field("trade_state"), QStringLiteral("NOTPAY"));
        QCOMPARE(r.field("trade_type"), QStringLiteral("NATIVE"));
        QVERIFY(!r.json.contains(u"transaction_id"));
        QCOMPARE(r.json.value(u"amount").toObject().value(u"total").toInt(), 1234);

        // The buyer scans the code_url (control API, by its token) and pays.
        const QString token = codeUrl.section(u'=', -1);
        int status = 0;
        const QJsonObject paid = m_client->control(
            "POST", QStringLiteral("/sandbox/wechat/code/%1/pay").arg(token), {}, &status);
        QCOMPARE(status, 200);
        QCOMPARE(paid.value(u"trade_state").toString(), QStringLiteral("SUCCESS"));

        r = m_client->query(no);
        QCOMPARE(r.field("trade_state"), QStringLiteral("SUCCESS"));
        QCOMPARE(r.field("transaction_id").size(), 28);
        QVERIFY(r.field("success_time").endsWith(u"+08:00"));
        QCOMPARE(r.json.value(u"amount").toObject().value(u"payer_total").toInt(), 1234);
        QVERIFY(!r.json.value(u"payer").toObject().value(u"openid").toString().isEmpty());
        // By transaction_id too.
        r = m_client->get(QStringLiteral("/v3/pay/transactions/id/%1?mchid=%2")
                              .arg(r.field("transaction_id"), kMchId));
        QCOMPARE(r.field("out_trade_no"), no);

        r = m_client->native(no, 1234);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.code(), QStringLiteral("ORDERPAID"));
        // Paying twice is refused by WeChat's rules.
        m_client->control("POST", QStringLiteral("/sandbox/wechat/trades/%1/pay").arg(no), {},
                          &status);
        QCOMPARE(status, 409);
        // The control API lists it.
        const QJsonObject one =
            m_client->control("GET", QStringLiteral("/sandbox/wechat/trades/%1").arg(no));
        QCOMPARE(one.value(u"trade_state").toString(), QStringLiteral("SUCCESS"));
        QVERIFY(!m_client->control("GET", QStringLiteral("/sandbox/wechat/trades"))
                     .value(u"trades")
                     .toArray()
                     .isEmpty());
        const QJsonObject overview = m_client->control("GET", QStringLiteral("/sandbox/wechat"));
        QCOMPARE(overview.value(u"wechatpay_public_key_id").toString(), wechat().platformKeyId());
        QCOMPARE(overview.value(u"merchants").toArray().size(), 1);
    }

    void requestsAreValidated_data() {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("named");
        QTest::newRow("short number")
            << "out_trade_no" << QJsonValue(QStringLiteral("abc")) << "out_trade_no";
        QTest::newRow("bad character")
            << "out_trade_no" << QJsonValue(QStringLiteral("abc.defg")) << "out_trade_no";
        QTest::newRow("long number")
            << "out_trade_no" << QJsonValue(QString(33, u'1')) << "out_trade_no";
        QTest::newRow("no description") << "description" << QJsonValue() << "description";
        QTest::newRow("number mchid") << "mchid" << QJsonValue(1900000109) << "mchid";
        QTest::newRow("other mchid")
            << "mchid" << QJsonValue(QStringLiteral("1900000110")) << "mchid";
        QTest::newRow("other appid") << "appid" << QJsonValue(QStringLiteral("wx1")) << "appid";
        QTest::newRow("zero") << "amount" << QJsonValue(QJsonObject{{QStringLiteral("total"), 0}})
                              << "amount.total";
        QTest::newRow("fraction") << "amount"
                                  << QJsonValue(QJsonObject{{QStringLiteral("total"), 1.5}})
                                  << "amount.total";
        QTest::newRow("string") << "amount"
                                << QJsonValue(QJsonObject{
                                       {QStringLiteral("total"), QStringLiteral("100")}})
                                << "amount.total";
        QTest::newRow("dollars") << "amount"
                                 << QJsonValue(QJsonObject{
                                        {QStringLiteral("total"), 100},
                                        {QStringLiteral("currency"), QStringLiteral("USD")}})
                                 << "amount.currency";
        QTest::newRow("expire format")
            << "time_expire" << QJsonValue(QStringLiteral("2030-01-01 10:00:00")) << "time_expire";
        QTest::newRow("expire past")
            << "time_expire" << QJsonValue(QStringLiteral("2020-01-01T10:00:00+08:00"))
            << "time_expire";
        QTest::newRow("notify url")
            << "notify_url" << QJsonValue(QStringLiteral("not a url")) << "notify_url";
        QTest::newRow("no notify url") << "notify_url" << QJsonValue() << "notify_url";
        QTest::newRow("notify url with parameters")
            << "notify_url" << QJsonValue(QStringLiteral("https://shop.example.com/n?a=1"))
            << "notify_url";
    }

    void requestsAreValidated() {
        QFETCH(QString, key);
        QFETCH(QJsonValue, value);
        QFETCH(QString, named);
        QJsonObject body{
            {QStringLiteral("appid"), kAppId},
            {QStringLiteral("mchid"), kMchId},
            {QStringLiteral("description"), QStringLiteral("x")},
            {QStringLiteral("out_trade_no"), nextNo()},
            {QStringLiteral("amount"), QJsonObject{{QStringLiteral("total"), 100}}},
            {QStringLiteral("notify_url"), QStringLiteral("https://shop.example.com/notify")},
        };
        if (value.isNull())
            body.remove(key);
        else
            body.insert(key, value);
        const WechatResult r = m_client->post(QStringLiteral("/v3/pay/transactions/native"), body);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.code(), QStringLiteral("PARAM_ERROR"));
        QVERIFY2(r.field("message").contains(named), qPrintable(r.field("message")));
        QVERIFY(r.signatureOk);
        const WechatResult notJson =
            m_client->call("POST", QStringLiteral("/v3/pay/transactions/native"), "[1]");
        QCOMPARE(notJson.code(), QStringLiteral("PARAM_ERROR"));
    }

    void expiredOrdersClose() {
        qint64 offset = 0;
        wechat().setClock([&offset] { return QDateTime::currentMSecsSinceEpoch() + offset; });
        const QString no = nextNo();
        const QString expire =
            china_calendar::dateTimeOf(QDateTime::currentMSecsSinceEpoch() + 120 * 1000)
                .toString(Qt::ISODate);
        QVERIFY(expire.endsWith(u"+08:00"));
        QCOMPARE(m_client->native(no, 100, {{QStringLiteral("time_expire"), expire}}).status, 200);
        QCOMPARE(m_client->query(no).field("trade_state"), QStringLiteral("NOTPAY"));
        offset = 121 * 1000;
        QCOMPARE(m_client->query(no).field("trade_state"), QStringLiteral("CLOSED"));
        QCOMPARE(m_client->native(no, 100).code(), QStringLiteral("ORDER_CLOSED"));
        QCOMPARE(wechat().buyerPay(no).error().code, QStringLiteral("ORDER_CLOSED"));
        wechat().setClock([] { return QDateTime::currentMSecsSinceEpoch(); });
        // The control API runs the timeout at once.
        const QString other = nextNo();
        QCOMPARE(m_client->native(other, 100).status, 200);
        int status = 0;
        const QJsonObject t = m_client->control(
            "POST", QStringLiteral("/sandbox/wechat/trades/%1/expire").arg(other), {}, &status);
        QCOMPARE(status, 200);
        QCOMPARE(t.value(u"trade_state").toString(), QStringLiteral("CLOSED"));
    }

    void closeOrders() {
        const QString path = QStringLiteral("/v3/pay/transactions/out-trade-no/%1/close");
        const QJsonObject body{{QStringLiteral("mchid"), kMchId}};
        WechatResult r = m_client->post(path.arg(QStringLiteral("UNKNOWN_1")), body);
        QCOMPARE(r.status, 404);
        QCOMPARE(r.code(), QStringLiteral("ORDER_NOT_EXIST"));
        const QString no = nextNo();
        QCOMPARE(m_client->native(no, 100).status, 200);
        r = m_client->post(path.arg(no), body);
        QCOMPARE(r.status, 204);
        QVERIFY(r.body.isEmpty());
        QVERIFY(r.signatureOk);
        QCOMPARE(m_client->query(no).field("trade_state"), QStringLiteral("CLOSED"));
        QCOMPARE(m_client->post(path.arg(no), body).status, 204); // again: fine
        QCOMPARE(m_client->post(path.arg(no), QJsonObject{}).code(), QStringLiteral("PARAM_ERROR"));
        int status = 0;
        m_client->control("POST", QStringLiteral("/sandbox/wechat/trades/%1/pay").arg(no), {},
                          &status);
        QCOMPARE(status, 409);
        const QString paid = paidOrder(100);
        QVERIFY(!paid.isEmpty());
        r = m_client->post(path.arg(paid), body);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.code(), QStringLiteral("ORDERPAID"));
        // The buyer who gives up closes a Native order.
        const QString left = nextNo();
        QCOMPARE(m_client->native(left, 100).status, 200);
        QCOMPARE(wechat().buyerCancel(left)->state, WechatTradeState::Closed);
    }

    void paymentCodes() {
        // Paid at once.
        QString no = nextNo();
        WechatResult r = m_client->codepay(no, 500, kPaidCode);
        QCOMPARE(r.status, 200);
        QVERIFY(r.signatureOk);
        QCOMPARE(r.field("trade_state"), QStringLiteral("SUCCESS"));
        QCOMPARE(r.field("trade_type"), QStringLiteral("MICROPAY"));
        QCOMPARE(m_client->codepay(no, 500, kPaidCode).code(), QStringLiteral("ORDERPAID"));
        // The buyer must confirm: 202 until the buyer pays.
        no = nextNo();
        r = m_client->codepay(no, 500, kConfirmCode);
        QCOMPARE(r.status, 202);
        QCOMPARE(r.field("trade_state"), QStringLiteral("USERPAYING"));
        QCOMPARE(m_client->codepay(no, 500, kConfirmCode).status, 202);
        QCOMPARE(m_client->query(no).field("trade_state"), QStringLiteral("USERPAYING"));
        int status = 0;
        m_client->control("POST", QStringLiteral("/sandbox/wechat/trades/%1/pay").arg(no), {},
                          &status);
        QCOMPARE(status, 200);
        QCOMPARE(m_client->query(no).field("trade_state"), QStringLiteral("SUCCESS"));
        // The buyer cancels the password prompt.
        no = nextNo();
        QCOMPARE(m_client->codepay(no, 500, kConfirmCode).status, 202);
        QCOMPARE(wechat().buyerCancel(no)->state, WechatTradeState::PayError);
        QCOMPARE(m_client->query(no).field("trade_state"), QStringLiteral("PAYERROR"));
        // Not enough balance.
        no = nextNo();
        r = m_client->codepay(no, 500, kPoorCode);
        QCOMPARE(r.status, 403);
        // Code pay requires scene_info.store_info.out_id.
        QJsonObject noScene{
            {QStringLiteral("appid"), kAppId},
            {QStringLiteral("mchid"), kMchId},
            {QStringLiteral("description"), QStringLiteral("x")},
            {QStringLiteral("out_trade_no"), nextNo()},
            {QStringLiteral("payer"), QJsonObject{{QStringLiteral("auth_code"), kPaidCode}}},
            {QStringLiteral("amount"), QJsonObject{{QStringLiteral("total"), 100}}},
        };
        WechatResult sceneless =
            m_client->post(QStringLiteral("/v3/pay/transactions/codepay"), noScene);
        QCOMPARE(sceneless.status, 400);
        QCOMPARE(sceneless.code(), QStringLiteral("PARAM_ERROR"));
        QVERIFY(sceneless.field("message").contains(u"scene_info"));
        noScene.insert(QStringLiteral("scene_info"),
                       QJsonObject{{QStringLiteral("device_id"), QStringLiteral("T01")}});
        sceneless = m_client->post(QStringLiteral("/v3/pay/transactions/codepay"), noScene);
        QVERIFY(sceneless.field("message").contains(u"store_info.out_id"));
        QVERIFY(!wechat().trade(noScene.value(u"out_trade_no").toString()));
        QCOMPARE(r.status, 403);
        QCOMPARE(r.code(), QStringLiteral("NOT_ENOUGH"));
        QCOMPARE(m_client->query(no).field("trade_state"), QStringLiteral("PAYERROR"));
        // The buyer confirms by himself a moment later.
        WechatOptions o = wechat().options();
        o.confirmDelayMs = 100;
        wechat().setOptions(o);
        no = nextNo();
        QCOMPARE(m_client->codepay(no, 500, kConfirmThenPayCode).status, 202);
        QTRY_COMPARE(m_client->query(no).field("trade_state"), QStringLiteral("SUCCESS"));
        // The default behaviour applies to other codes.
        o.payBehaviour = WechatPayBehaviour::Declined;
        wechat().setOptions(o);
        QCOMPARE(m_client->codepay(nextNo(), 500, kPaidCode).code(), QStringLiteral("NOT_ENOUGH"));
        // Not a WeChat code (an Alipay one, a short one).
        for (const QString& bad :
             {QStringLiteral("284567890123456789"), QStringLiteral("1345678901234567"),
              QStringLiteral("16456789012345678a")}) {
            r = m_client->codepay(nextNo(), 500, bad);
            QCOMPARE(r.status, 400);
            QCOMPARE(r.code(), QStringLiteral("PARAM_ERROR"));
            QVERIFY(r.field("message").contains(u"payer.auth_code"));
        }
    }

    void reverseTrades() {
        const QString path = QStringLiteral("/v3/pay/transactions/out-trade-no/%1/reverse");
        const QJsonObject body{{QStringLiteral("appid"), kAppId},
                               {QStringLiteral("mchid"), kMchId}};
        QCOMPARE(m_client->post(path.arg(QStringLiteral("UNKNOWN_2")), body).code(),
                 QStringLiteral("ORDER_NOT_EXIST"));
        // Waiting for the buyer: closed as REVOKED.
        QString no = nextNo();
        QCOMPARE(m_client->codepay(no, 300, kConfirmCode).status, 202);
        WechatResult r = m_client->post(path.arg(no), body);
        QCOMPARE(r.status, 200);
        QVERIFY(r.signatureOk);
        QCOMPARE(r.field("out_trade_no"), no);
        QCOMPARE(m_client->query(no).field("trade_state"), QStringLiteral("REVOKED"));
        QCOMPARE(wechat().buyerPay(no).error().code, QStringLiteral("ORDER_CLOSED"));
        // Paid: the money goes back.
        no = nextNo();
        QCOMPARE(m_client->codepay(no, 300, kPaidCode).status, 200);
        r = m_client->post(path.arg(no), body);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.field("transaction_id").size(), 28);
        QCOMPARE(m_client->query(no).field("trade_state"), QStringLiteral("REVOKED"));
        QCOMPARE(wechat().trade(no)->refunded, 300);
        QCOMPARE(m_client->post(path.arg(no), body).status, 200); // again: the same
        // A Native order is not reversed.
        const QString native = nextNo();
        QCOMPARE(m_client->native(native, 100).status, 200);
        QCOMPARE(m_client->post(path.arg(native), body).code(), QStringLiteral("INVALID_REQUEST"));
    }

    void refunds() {
        const QString no = paidOrder(1000);
        QVERIFY(!no.isEmpty());
        const QString refundNo = no + QStringLiteral("R1");
        WechatResult r = m_client->refund(no, refundNo, 300, 1000);
        QCOMPARE(r.status, 200);
        QVERIFY(r.signatureOk);
        QCOMPARE(r.field("status"), QStringLiteral("SUCCESS"));
        QCOMPARE(r.field("channel"), QStringLiteral("ORIGINAL"));
        QCOMPARE(r.field("out_refund_no"), refundNo);
        QVERIFY(!r.field("success_time").isEmpty());
        QCOMPARE(r.json.value(u"amount").toObject().value(u"refund").toInt(), 300);
        QCOMPARE(r.json.value(u"amount").toObject().value(u"total").toInt(), 1000);
        const QString refundId = r.field("refund_id");
        QCOMPARE(m_client->query(no).field("trade_state"), QStringLiteral("REFUND"));
        // The same refund again: the same answer, nothing moves twice.
        r = m_client->refund(no, refundNo, 300, 1000);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.field("refund_id"), refundId);
        QCOMPARE(wechat().trade(no)->refunded, 300);
        QCOMPARE(m_client->refund(no, refundNo, 301, 1000).code(),
                 QStringLiteral("INVALID_REQUEST"));
        // More than is left.
        r = m_client->refund(no, no + QStringLiteral("R2"), 701, 1000);
        QCOMPARE(r.status, 403);
        QCOMPARE(r.code(), QStringLiteral("NOT_ENOUGH"));
        QCOMPARE(m_client->refund(no, no + QStringLiteral("R2"), 700, 1000).status, 200);
        QCOMPARE(m_client->refund(no, no + QStringLiteral("R3"), 1, 1000).code(),
                 QStringLiteral("NOT_ENOUGH"));
        // A total that is not the trade's; a trade not paid; an unknown trade.
        const QString other = paidOrder(500);
        QCOMPARE(m_client->refund(other, other + QStringLiteral("R1"), 100, 400).code(),
                 QStringLiteral("PARAM_ERROR"));
        const QString unpaid = nextNo();
        QCOMPARE(m_client->native(unpaid, 500).status, 200);
        r = m_client->refund(unpaid, unpaid + QStringLiteral("R1"), 100, 500);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.code(), QStringLiteral("INVALID_REQUEST"));
        r = m_client->refund(QStringLiteral("UNKNOWN_3"), QStringLiteral("UNKNOWN_3R"), 100, 500);
        QCOMPARE(r.status, 404);
        QCOMPARE(r.code(), QStringLiteral("RESOURCE_NOT_EXISTS"));
        QCOMPARE(m_client->refund(other, QStringLiteral("bad refund no"), 100, 500).code(),
                 QStringLiteral("PARAM_ERROR"));
        // Refund query.
        r = m_client->get(QStringLiteral("/v3/refund/domestic/refunds/") + refundNo);
        QCOMPARE(r.status, 200);
        QVERIFY(r.signatureOk);
        QCOMPARE(r.field("refund_id"), refundId);
        QCOMPARE(r.field("status"), QStringLiteral("SUCCESS"));
        r = m_client->get(QStringLiteral("/v3/refund/domestic/refunds/NOPE_R"));
        QCOMPARE(r.status, 404);
        QCOMPARE(r.code(), QStringLiteral("RESOURCE_NOT_EXISTS"));
        // Refunds that take a while.
        WechatOptions o = wechat().options();
        o.refundProcessingMs = 150;
        wechat().setOptions(o);
        r = m_client->refund(other, other + QStringLiteral("R9"), 100, 500);
        QCOMPARE(r.field("status"), QStringLiteral("PROCESSING"));
        QVERIFY(!r.json.contains(u"success_time"));
        QTRY_COMPARE(
            m_client
                ->get(QStringLiteral("/v3/refund/domestic/refunds/") + other + QStringLiteral("R9"))
                .field("status"),
            QStringLiteral("SUCCESS"));
    }

    // A PROCESSING refund may end ABNORMAL (WeChat holds the money until the merchant
    // resolves it) or CLOSED (failed, its amount refundable again).
    void refundsEndingAbnormalOrClosed() {
        QVERIFY(wechat().setNotifyUrl(kMchId, m_receiver->url().toString()).ok());
        const QString no = paidOrder(1000);
        QVERIFY(!no.isEmpty());
        const QString query = QStringLiteral("/v3/refund/domestic/refunds/");
        int status = 0;
        m_client->control(
            "POST", QStringLiteral("/sandbox/wechat/settings"),
            QJsonObject{{QStringLiteral("refund_processing_ms"), 100},
                        {QStringLiteral("refund_outcome"), QStringLiteral("ABNORMAL")}},
            &status);
        QCOMPARE(status, 200);
        m_client->control("POST", QStringLiteral("/sandbox/wechat/settings"),
                          QJsonObject{{QStringLiteral("refund_outcome"), QStringLiteral("LATER")}},
                          &status);
        QCOMPARE(status, 400);
        QCOMPARE(m_client->refund(no, no + QStringLiteral("A"), 300, 1000).field("status"),
                 QStringLiteral("PROCESSING"));
        QTRY_COMPARE(m_client->get(query + no + QStringLiteral("A")).field("status"),
                     QStringLiteral("ABNORMAL"));
        // Held, not refundable again; the same number answers the same held refund.
        QCOMPARE(m_client->refund(no, no + QStringLiteral("A"), 300, 1000).field("status"),
                 QStringLiteral("ABNORMAL"));
        QCOMPARE(m_client->refund(no, no + QStringLiteral("B"), 701, 1000).code(),
                 QStringLiteral("NOT_ENOUGH"));
        // The merchant resolves it on the merchant platform.
        QVERIFY(
            wechat().resolveRefund(kMchId, no + QStringLiteral("A"), WechatRefundStatus::Success));
        QCOMPARE(m_client->get(query + no + QStringLiteral("A")).field("status"),
                 QStringLiteral("SUCCESS"));
        QVERIFY(
            !wechat().resolveRefund(kMchId, no + QStringLiteral("A"), WechatRefundStatus::Closed));

        WechatOptions o = wechat().options();
        o.refundOutcome = QStringLiteral("CLOSED");
        wechat().setOptions(o);
        QCOMPARE(m_client->refund(no, no + QStringLiteral("C"), 700, 1000).field("status"),
                 QStringLiteral("PROCESSING"));
        QTRY_COMPARE(m_client->get(query + no + QStringLiteral("C")).field("status"),
                     QStringLiteral("CLOSED"));
        QCOMPARE(wechat().trade(no)->refunded, 300); // the closed amount is the merchant's again
        // Each end of a refund is notified, as WeChat Pay's 退款结果通知 does: the held refund,
        // its resolution, and the closed one, each with its own event type and summary.
        const auto notified = [this](const QString& refundNo) {
            QStringList events;
            for (const WechatNotifyReceiver::Received& n : m_receiver->received()) {
                if (!notificationVerifies(n))
                    continue;
                const QJsonObject refund = decrypt(n.body, m_client->merchant().apiV3Key);
                if (refund.value(u"out_refund_no").toString() != refundNo)
                    continue;
                const QJsonObject envelope = QJsonDocument::fromJson(n.body).object();
                events << envelope.value(u"event_type").toString() + u' ' +
                              envelope.value(u"summary").toString() + u' ' +
                              refund.value(u"refund_status").toString();
            }
            return events;
        };
        QTRY_COMPARE(notified(no + QStringLiteral("A")),
                     QStringList({QStringLiteral("REFUND.ABNORMAL 退款异常 ABNORMAL"),
                                  QStringLiteral("REFUND.SUCCESS 退款成功 SUCCESS")}));
        QTRY_COMPARE(notified(no + QStringLiteral("C")),
                     QStringList({QStringLiteral("REFUND.CLOSED 退款关闭 CLOSED")}));
        o.refundProcessingMs = 0;
        o.refundOutcome = QStringLiteral("SUCCESS");
        wechat().setOptions(o);
    }

    void tradeBills() {
        const QString no = paidOrder(1234);
        QVERIFY(!no.isEmpty());
        QCOMPARE(m_client->refund(no, no + QStringLiteral("R"), 234, 1234).status, 200);
        const QString today =
            china_calendar::dateOf(QDateTime::currentMSecsSinceEpoch()).toString(Qt::ISODate);
        WechatResult r = m_client->get(
            QStringLiteral("/v3/bill/tradebill?bill_date=%1&bill_type=ALL").arg(today));
        QCOMPARE(r.status, 200);
        QVERIFY(r.signatureOk);
        QCOMPARE(r.field("hash_type"), QStringLiteral("SHA1"));
        const QUrl url(r.field("download_url"));
        QCOMPARE(url.path(), QStringLiteral("/v3/billdownload/file"));
        WechatResult file = m_client->getUrl(url);
        QCOMPARE(file.status, 200);
        QVERIFY(file.header("Wechatpay-Signature").isEmpty()); // the hash proves the file
        QCOMPARE(sha1(file.body), r.field("hash_value"));
        const QStringList lines =
            QString::fromUtf8(file.body).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
        QVERIFY(lines.first().startsWith(QStringLiteral("交易时间,公众账号ID,商户号")));
        QCOMPARE(lines.first().split(u',').size(), 27);
        const QString payment = lines.filter(no).filter(QStringLiteral("`SUCCESS")).value(0);
        QVERIFY2(!payment.isEmpty(), qPrintable(lines.join(u'\n')));
        QCOMPARE(payment.split(u',').size(), 27);
        QCOMPARE(payment.split(u',').value(12), QStringLiteral("`12.34"));
        // 手续费 has five decimals (0.60 % of 12.34 yuan); a refund gives its share back.
        QCOMPARE(payment.split(u',').value(22), QStringLiteral("`0.07404"));
        const QString refund = lines.filter(no).filter(QStringLiteral("`REFUND")).value(0);
        QCOMPARE(refund.split(u',').value(16), QStringLiteral("`2.34"));
        QCOMPARE(refund.split(u',').value(22), QStringLiteral("`-0.01404"));
        QVERIFY(lines.last().split(u',').value(4).contains(u'.'));
        QCOMPARE(lines.last().split(u',').value(4).section(u'.', 1).size(), 5);
        QCOMPARE(
            lines.at(lines.size() - 2),
            QStringLiteral("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,"
                           "订单总金额,申请退款总金额"));
        QVERIFY(lines.last().startsWith(u'`'));
        // A link without a signature, or unknown.
        QCOMPARE(m_client->getUrl(url, false).status, 401);
        QUrl unknown = url;
        unknown.setQuery(QStringLiteral("token=nothing"));
        QCOMPARE(m_client->getUrl(unknown).code(), QStringLiteral("RESOURCE_NOT_EXISTS"));

        // gzip: the hash is that of the bill itself, unpacked (wechatpay-java QueryBillEntity).
        r = m_client->get(
            QStringLiteral("/v3/bill/tradebill?bill_date=%1&bill_type=ALL&tar_type=GZIP")
                .arg(today));
        QCOMPARE(r.status, 200);
        file = m_client->getUrl(QUrl(r.field("download_url")));
        QCOMPARE(sha1(gunzip(file.body)), r.field("hash_value"));
        QVERIFY(sha1(file.body) != r.field("hash_value"));
        QVERIFY(file.body.startsWith("\x1f\x8b"));
        QVERIFY(QString::fromUtf8(gunzip(file.body)).contains(no));

        // No trades that day, a day to come, a bad date.
        const QString longAgo = QStringLiteral("2020-01-01");
        r = m_client->get(QStringLiteral("/v3/bill/tradebill?bill_date=%1").arg(longAgo));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.code(), QStringLiteral("NO_STATEMENT_EXIST"));
        const QString tomorrow =
            QDateTime::currentDateTimeUtc().addDays(2).date().toString(Qt::ISODate);
        QCOMPARE(
            m_client->get(QStringLiteral("/v3/bill/tradebill?bill_date=%1").arg(tomorrow)).code(),
            QStringLiteral("NO_STATEMENT_EXIST"));
        QCOMPARE(m_client->get(QStringLiteral("/v3/bill/tradebill?bill_date=20240101")).code(),
                 QStringLiteral("PARAM_ERROR"));
        QCOMPARE(
            m_client->get(QStringLiteral("/v3/bill/tradebill?bill_date=%1&tar_type=ZIP").arg(today))
                .code(),
            QStringLiteral("PARAM_ERROR"));
        // SUCCESS only: no refund rows.
        r = m_client->get(
            QStringLiteral("/v3/bill/tradebill?bill_date=%1&bill_type=SUCCESS").arg(today));
        file = m_client->getUrl(QUrl(r.field("download_url")));
        QVERIFY(!QString::fromUtf8(file.body).contains(QStringLiteral("`REFUND")));
    }

    void notificationsAreEncryptedAndSigned() {
        QVERIFY(wechat().setNotifyUrl(kMchId, m_receiver->url().toString()).ok());
        const QString no = paidOrder(888);
        QVERIFY(!no.isEmpty());
        QVERIFY(m_receiver->waitFor(1));
        const WechatNotifyReceiver::Received& paid = m_receiver->received().first();
        QVERIFY(notificationVerifies(paid));
        const QJsonObject envelope = QJsonDocument::fromJson(paid.body).object();
        QCOMPARE(envelope.value(u"event_type").toString(), QStringLiteral("TRANSACTION.SUCCESS"));
        QCOMPARE(envelope.value(u"resource_type").toString(), QStringLiteral("encrypt-resource"));
        const QJsonObject resource = envelope.value(u"resource").toObject();
        QCOMPARE(resource.value(u"algorithm").toString(), QStringLiteral("AEAD_AES_256_GCM"));
        QCOMPARE(resource.value(u"associated_data").toString(), QStringLiteral("transaction"));
        QCOMPARE(resource.value(u"nonce").toString().size(), 12);
        const QJsonObject transaction = decrypt(paid.body, m_client->merchant().apiV3Key);
        QCOMPARE(transaction.value(u"out_trade_no").toString(), no);
        QCOMPARE(transaction.value(u"trade_state").toString(), QStringLiteral("SUCCESS"));
        QCOMPARE(transaction.value(u"mchid").toString(), kMchId);
        QCOMPARE(transaction.value(u"appid").toString(), kAppId);
        QCOMPARE(transaction.value(u"amount").toObject().value(u"total").toInt(), 888);

        QCOMPARE(m_client->refund(no, no + QStringLiteral("R"), 88, 888).status, 200);
        QVERIFY(m_receiver->waitFor(2));
        const WechatNotifyReceiver::Received& refunded = m_receiver->received().at(1);
        QVERIFY(notificationVerifies(refunded));
        QCOMPARE(QJsonDocument::fromJson(refunded.body).object().value(u"event_type").toString(),
                 QStringLiteral("REFUND.SUCCESS"));
        const QJsonObject refund = decrypt(refunded.body, m_client->merchant().apiV3Key);
        QCOMPARE(refund.value(u"out_refund_no").toString(), no + QStringLiteral("R"));
        QCOMPARE(refund.value(u"refund_status").toString(), QStringLiteral("SUCCESS"));
        QCOMPARE(refund.value(u"amount").toObject().value(u"refund").toInt(), 88);
        // Nothing for orders that are only created or closed.
        const QString closed = nextNo();
        QCOMPARE(m_client->native(closed, 100).status, 200);
        QVERIFY(wechat().buyerCancel(closed).ok());
        QTest::qWait(100);
        QCOMPARE(m_receiver->received().size(), 2);
        // The history.
        const QJsonArray history =
            m_client->control("GET", QStringLiteral("/sandbox/wechat/notifications"))
                .value(u"notifications")
                .toArray();
        QVERIFY(history.size() >= 2);
        QVERIFY(history.last().toObject().value(u"delivered").toBool());
    }

    void notificationsAreRetriedUntilAccepted() {
        QVERIFY(wechat().setNotifyUrl(kMchId, m_receiver->url().toString()).ok());
        m_receiver->script({500, 404}); // then 204
        const QString no = paidOrder(100);
        QVERIFY(m_receiver->waitFor(3, 10000));
        QTest::qWait(200);
        QCOMPARE(m_receiver->received().size(), 3);
        const QJsonObject first =
            QJsonDocument::fromJson(m_receiver->received().at(0).body).object();
        const QJsonObject third =
            QJsonDocument::fromJson(m_receiver->received().at(2).body).object();
        QCOMPARE(third.value(u"id"), first.value(u"id"));
        QVERIFY(notificationVerifies(m_receiver->received().at(2)));
        const QList<WechatNotificationAttempt> attempts = wechat().notifications();
        QCOMPARE(attempts.last().attempt, 3);
        QVERIFY(attempts.last().delivered);
        QCOMPARE(attempts.at(attempts.size() - 2).httpStatus, 404);
        QCOMPARE(WechatNotifier::retrySchedule().size(), 15);
        QCOMPARE(WechatNotifier::retrySchedule().first(), 15000);
    }

    void notificationsGiveUpAfterTheSchedule() {
        QVERIFY(wechat().setNotifyUrl(kMchId, m_receiver->url().toString()).ok());
        WechatOptions o = wechat().options();
        const double scale = o.notifyScale;
        o.notifyScale = 0.00001; // the whole day's schedule in under a second
        wechat().setOptions(o);
        m_receiver->script(QList<int>(16, 503));
        const QString no = paidOrder(100);
        QVERIFY(m_receiver->waitFor(16, 15000));
        QTRY_COMPARE(wechat().pendingNotifications(), 0);
        QCOMPARE(m_receiver->received().size(), 16);
        const WechatNotificationAttempt last = wechat().notifications().last();
        QCOMPARE(last.outTradeNo, no);
        QCOMPARE(last.attempt, 16);
        QVERIFY(last.gaveUp);
        QVERIFY(!last.delivered);
        o.notifyScale = scale;
        wechat().setOptions(o);
    }

    void notifyFaults() {
        QVERIFY(wechat().setNotifyUrl(kMchId, m_receiver->url().toString()).ok());
        addFault("notify_duplicate:provider=wechat,method=TRANSACTION.SUCCESS");
        QString no = paidOrder(100);
        QVERIFY(m_receiver->waitFor(2));
        QCOMPARE(m_receiver->received().at(0).body, m_receiver->received().at(1).body);
        m_receiver->clear();

        addFault("notify_bad_signature:provider=wechat");
        no = paidOrder(100);
        QVERIFY(m_receiver->waitFor(1));
        QVERIFY(!notificationVerifies(m_receiver->received().at(0)));
        QCOMPARE(decrypt(m_receiver->received().at(0).body, m_client->merchant().apiV3Key)
                     .value(u"out_trade_no")
                     .toString(),
                 no);
        m_receiver->clear();

        addFault("notify_stale_timestamp:provider=wechat");
        no = paidOrder(100);
        QVERIFY(m_receiver->waitFor(1));
        const WechatNotifyReceiver::Received& stale = m_receiver->received().at(0);
        QVERIFY(notificationVerifies(stale)); // signed right, but 10 minutes old
        QVERIFY(QDateTime::currentSecsSinceEpoch() -
                    stale.header("Wechatpay-Timestamp").toLongLong() >=
                599);
        m_receiver->clear();

        addFault("notify_out_of_order:provider=wechat,method=REFUND.SUCCESS");
        no = paidOrder(100);
        QVERIFY(m_receiver->waitFor(1));
        QCOMPARE(m_client->refund(no, no + QStringLiteral("R"), 100, 100).status, 200);
        QVERIFY(m_receiver->waitFor(3));
        const QJsonObject last =
            QJsonDocument::fromJson(m_receiver->received().at(2).body).object();
        QCOMPARE(last.value(u"event_type").toString(), QStringLiteral("TRANSACTION.SUCCESS"));
        QCOMPARE(decrypt(m_receiver->received().at(2).body, m_client->merchant().apiV3Key)
                     .value(u"trade_state")
                     .toString(),
                 QStringLiteral("SUCCESS"));
        QVERIFY(notificationVerifies(m_receiver->received().at(2)));
    }

    void requestFaults() {
        // Alipay's faults leave WeChat alone, and the other way round.
        addFault("http_error:method=native");
        QCOMPARE(m_client->native(nextNo(), 100).status, 200);
        m_server->faults().clear();

        addFault("latency:provider=wechat,method=query,latency_ms=400");
        WechatResult r = m_client->query(QStringLiteral("UNKNOWN_4"));
        QVERIFY2(r.elapsedMs >= 390, qPrintable(QString::number(r.elapsedMs)));
        QCOMPARE(r.status, 404);
        QVERIFY(m_client->query(QStringLiteral("UNKNOWN_4")).elapsedMs < 390);

        addFault("http_error:provider=wechat,method=native,status=502");
        QString no = nextNo();
        r = m_client->native(no, 100);
        QCOMPARE(r.status, 502);
        QVERIFY(r.header("Wechatpay-Signature").isEmpty());
        QVERIFY(!wechat().trade(no));

        addFault("timeout:provider=wechat,method=native");
        no = nextNo();
        r = m_client->call("POST", QStringLiteral("/v3/pay/transactions/native"), "{}", {}, 500);
        QVERIFY(r.timedOut);
        QVERIFY(!wechat().trade(no));

        addFault("drop_after_commit:provider=wechat,method=native,count=3");
        no = nextNo();
        r = m_client->native(no, 100);
        QCOMPARE(r.status, 0);
        QVERIFY(r.error != QNetworkReply::NoError);
        QVERIFY(wechat().trade(no)); // applied
        m_server->faults().clear();

        addFault("service_unavailable:provider=wechat,method=native");
        no = nextNo();
        r = m_client->native(no, 100);
        QCOMPARE(r.status, 503);
        QCOMPARE(r.code(), QStringLiteral("SYSTEM_ERROR"));
        QVERIFY(r.signatureOk);
        QVERIFY(!wechat().trade(no));
        addFault("service_unavailable:provider=wechat,method=native,commit=true");
        r = m_client->native(no, 100);
        QCOMPARE(r.status, 503);
        QVERIFY(wechat().trade(no));

        addFault("system_error:provider=wechat,method=refund");
        const QString paid = paidOrder(100);
        r = m_client->refund(paid, paid + QStringLiteral("R"), 50, 100);
        QCOMPARE(r.status, 500);
        QCOMPARE(r.code(), QStringLiteral("SYSTEM_ERROR"));
        QCOMPARE(wechat().trade(paid)->refunded, 0);
        addFault("system_error:provider=wechat,method=refund,commit=true");
        r = m_client->refund(paid, paid + QStringLiteral("R"), 50, 100);
        QCOMPARE(r.status, 500);
        QCOMPARE(wechat().trade(paid)->refunded, 50);

        addFault("bad_signature:provider=wechat,method=close");
        no = nextNo();
        QCOMPARE(m_client->native(no, 100).status, 200);
        r = m_client->post(QStringLiteral("/v3/pay/transactions/out-trade-no/%1/close").arg(no),
                           QJsonObject{{QStringLiteral("mchid"), kMchId}});
        QCOMPARE(r.status, 204);
        QVERIFY(!r.signatureOk);
        QCOMPARE(wechat().trade(no)->state, WechatTradeState::Closed);

        addFault("stale_timestamp:provider=wechat,method=query");
        r = m_client->query(no);
        QCOMPARE(r.status, 200);
        QVERIFY(r.signatureOk);
        QVERIFY(QDateTime::currentSecsSinceEpoch() - r.timestampS >= 599);
        QVERIFY(QDateTime::currentSecsSinceEpoch() - m_client->query(no).timestampS < 5);

        // The bill file: not signed, so a "bad signature" is a changed file.
        const QString today =
            china_calendar::dateOf(QDateTime::currentMSecsSinceEpoch()).toString(Qt::ISODate);
        r = m_client->get(QStringLiteral("/v3/bill/tradebill?bill_date=%1").arg(today));
        addFault("bad_signature:provider=wechat,method=bill.download");
        WechatResult file = m_client->getUrl(QUrl(r.field("download_url")));
        QCOMPARE(file.status, 200);
        QVERIFY(sha1(file.body) != r.field("hash_value"));
        addFault("http_error:provider=wechat,method=bill.download");
        QCOMPARE(m_client->getUrl(QUrl(r.field("download_url"))).status, 503);
        QCOMPARE(sha1(m_client->getUrl(QUrl(r.field("download_url"))).body), r.field("hash_value"));
    }

    void faultsAreSetOverHttp() {
        int status = 0;
        const QJsonObject added = m_client->control(
            "POST", QStringLiteral("/sandbox/faults"),
            QJsonObject{{QStringLiteral("kind"), QStringLiteral("stale_timestamp")},
                        {QStringLiteral("provider"), QStringLiteral("wechat")},
                        {QStringLiteral("method"), QStringLiteral("refund.query")}},
            &status);
        QCOMPARE(status, 201);
        QCOMPARE(added.value(u"faults").toArray().first().toObject().value(u"provider").toString(),
                 QStringLiteral("wechat"));
        m_client->control("POST", QStringLiteral("/sandbox/faults"),
                          QJsonObject{{QStringLiteral("kind"), QStringLiteral("latency")},
                                      {QStringLiteral("provider"), QStringLiteral("paypal")},
                                      {QStringLiteral("latency_ms"), 1}},
                          &status);
        QCOMPARE(status, 400);
        QVERIFY(!FaultRule::fromSpec(QStringLiteral("timeout:provider=nobody")).ok());
        QCOMPARE(
            FaultRule::fromSpec(QStringLiteral("timeout:provider=wechat,method=query"))->provider,
            QStringLiteral("wechat"));
    }

    void controlApi() {
        int status = 0;
        // Settings.
        QJsonObject s = m_client->control(
            "POST", QStringLiteral("/sandbox/wechat/settings"),
            QJsonObject{{QStringLiteral("pay_behaviour"), QStringLiteral("buyer-confirms")}},
            &status);
        QCOMPARE(status, 200);
        QCOMPARE(wechat().options().payBehaviour, WechatPayBehaviour::BuyerConfirms);
        m_client->control("POST", QStringLiteral("/sandbox/wechat/settings"),
                          QJsonObject{{QStringLiteral("nope"), 1}}, &status);
        QCOMPARE(status, 400);
        // A merchant with its own key.
        const crypto::RsaPrivateKey key = *crypto::RsaPrivateKey::generate();
        s = m_client->control(
            "POST", QStringLiteral("/sandbox/wechat/merchants"),
            QJsonObject{
                {QStringLiteral("mchid"), QStringLiteral("1230000109")},
                {QStringLiteral("appid"), QStringLiteral("wxd678efh567hg6787")},
                {QStringLiteral("public_key"), QString::fromLatin1(key.publicKey().toPem())},
                {QStringLiteral("serial_no"),
                 QStringLiteral("5157F09EFDC096DE15EBE81A47057A7232F1B8E1")},
                {QStringLiteral("api_v3_key"), QString(32, u'k')}},
            &status);
        QCOMPARE(status, 201);
        QVERIFY(wechat().merchant(QStringLiteral("1230000109")));
        m_client->control("POST", QStringLiteral("/sandbox/wechat/merchants"),
                          QJsonObject{{QStringLiteral("mchid"), QStringLiteral("1230000110")},
                                      {QStringLiteral("appid"), QStringLiteral("wx")},
                                      {QStringLiteral("public_key"),
                                       QString::fromLatin1(key.publicKey().toPem())},
                                      {QStringLiteral("serial_no"), QStringLiteral("AB")},
                                      {QStringLiteral("api_v3_key"), QStringLiteral("short")}},
                          &status);
        QCOMPARE(status, 400);
        m_client->control("GET", QStringLiteral("/sandbox/wechat/trades/NOPE_5"), {}, &status);
        QCOMPARE(status, 404);
        m_client->control("GET", QStringLiteral("/sandbox/wechat/nothing"), {}, &status);
        QCOMPARE(status, 404);
        // The whole sandbox overview names both providers.
        const QJsonObject all = m_client->control("GET", QStringLiteral("/sandbox"));
        QVERIFY(all.contains(u"wechat"));
        QVERIFY(all.contains(u"alipay"));
    }
};

QTEST_GUILESS_MAIN(TestSandboxWechat)
#include "tst_sandbox_wechat.moc"
