// The simulated Alipay gateway over real loopback HTTP: the wire protocol, signatures and
// the trade rules, played from the merchant's side with the AlipaySignature primitives.
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/SandboxServer.h"
#include "tests/sandbox/AlipayTestClient.h"
#include "tests/support/TempDir.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace qpos;
using namespace qpos::sandbox;
using namespace qpos::test;

namespace {

const QString kApp = QStringLiteral("2021000000000001");
const QString kPrecreate = QStringLiteral("alipay.trade.precreate");
const QString kPay = QStringLiteral("alipay.trade.pay");
const QString kQuery = QStringLiteral("alipay.trade.query");
const QString kCancel = QStringLiteral("alipay.trade.cancel");
const QString kClose = QStringLiteral("alipay.trade.close");
const QString kRefund = QStringLiteral("alipay.trade.refund");
const QString kRefundQuery = QStringLiteral("alipay.trade.fastpay.refund.query");

QJsonObject byNo(const QString& outTradeNo) {
    return QJsonObject{{QStringLiteral("out_trade_no"), outTradeNo}};
}

QJsonObject barCode(const QString& outTradeNo, const QString& amount, const QString& code) {
    return QJsonObject{{QStringLiteral("out_trade_no"), outTradeNo},
                       {QStringLiteral("scene"), QStringLiteral("bar_code")},
                       {QStringLiteral("auth_code"), code},
                       {QStringLiteral("total_amount"), amount},
                       {QStringLiteral("subject"), QStringLiteral("Coffee")}};
}

QJsonObject refundBiz(const QString& outTradeNo, const QString& amount, const QString& request) {
    QJsonObject o{{QStringLiteral("out_trade_no"), outTradeNo},
                  {QStringLiteral("refund_amount"), amount}};
    if (!request.isEmpty())
        o.insert(QStringLiteral("out_request_no"), request);
    return o;
}

} // namespace

class TestSandboxAlipayGateway : public QObject {
    Q_OBJECT

    std::unique_ptr<SandboxServer> m_server;
    std::unique_ptr<AlipayTestClient> m_client;
    crypto::RsaPrivateKey m_appKey;
    int m_sequence = 0;

    QString nextNo() {
        return QStringLiteral("T%1_%2").arg(QDateTime::currentMSecsSinceEpoch()).arg(++m_sequence);
    }
    AlipaySimulator& alipay() { return m_server->alipay(); }

    // A signed answer of the method with that code (and sub_code).
    static bool is(const GatewayResult& r, const char* code, const char* subCode = nullptr) {
        if (!r.extracted || !r.signatureOk || r.raw.isErrorResponse)
            return false;
        if (r.code() != QLatin1String(code))
            return false;
        return !subCode || r.subCode() == QLatin1String(subCode);
    }

private slots:
    void initTestCase() {
        m_server = std::make_unique<SandboxServer>();
        QVERIFY(m_server->listen().ok());
        Result<crypto::RsaPrivateKey> key = alipay().createApp(kApp);
        QVERIFY(key.ok());
        m_appKey = *key;
        m_client = std::make_unique<AlipayTestClient>(m_server->baseUrl(), kApp, m_appKey,
                                                      alipay().alipayPublicKey());
    }

    void init() {
        AlipayOptions o = alipay().options();
        o.payBehaviour = AlipayPayBehaviour::Immediate;
        o.confirmDelayMs = 50;
        alipay().setOptions(o);
        m_server->faults().clear();
    }

    void badSignatureIsRefusedUnsigned() {
        // Signed with another key.
        Result<crypto::RsaPrivateKey> other = crypto::RsaPrivateKey::generate();
        QVERIFY(other.ok());
        AlipayTestClient impostor(m_server->baseUrl(), kApp, *other, alipay().alipayPublicKey());
        GatewayResult r = impostor.call(kQuery, byNo(nextNo()));
        QCOMPARE(r.http.status, 200);
        QVERIFY(r.extracted);
        QVERIFY(r.raw.isErrorResponse);
        QVERIFY(r.raw.sign.isEmpty());
        QCOMPARE(r.code(), QStringLiteral("40002"));
        QCOMPARE(r.subCode(), QStringLiteral("isv.invalid-signature"));
        // Alipay tells what it verified, which is what a developer needs to see.
        QVERIFY(r.field("sub_msg").contains(QStringLiteral("method=alipay.trade.query")));

        // Signed correctly, then a parameter changed on the way.
        Result<alipay::Params> p =
            alipay::signRequest(m_client->params(kQuery, byNo(nextNo())), m_appKey);
        QVERIFY(p.ok());
        p->insert(QStringLiteral("biz_content"), QStringLiteral("{\"out_trade_no\":\"X1\"}"));
        r = m_client->read(kQuery, m_client->postRaw(alipay::formBody(*p)));
        QCOMPARE(r.subCode(), QStringLiteral("isv.invalid-signature"));
        QVERIFY(r.raw.sign.isEmpty());
    }

    void unknownAppIsRefused() {
        AlipayTestClient stranger(m_server->baseUrl(), QStringLiteral("2021999999999999"), m_appKey,
                                  alipay().alipayPublicKey());
        const GatewayResult r = stranger.call(kQuery, byNo(nextNo()));
        QVERIFY(r.raw.isErrorResponse);
        QCOMPARE(r.code(), QStringLiteral("40002"));
        QCOMPARE(r.subCode(), QStringLiteral("isv.invalid-app-id"));
        QVERIFY(r.raw.sign.isEmpty());
    }

    void commonParametersAreChecked_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("value"); // empty: removed
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("subCode");
        QTest::newRow("no timestamp") << "timestamp"
                                      << ""
                                      << "40001"
                                      << "isv.missing-timestamp";
        QTest::newRow("no version") << "version"
                                    << ""
                                    << "40001"
                                    << "isv.missing-version";
        QTest::newRow("no sign_type") << "sign_type"
                                      << ""
                                      << "40001"
                                      << "isv.missing-signature-type";
        QTest::newRow("no biz_content") << "biz_content"
                                        << ""
                                        << "40001"
                                        << "isv.missing-biz-content";
        QTest::newRow("no app_id") << "app_id"
                                   << ""
                                   << "40001"
                                   << "isv.missing-app-id";
        QTest::newRow("no method") << "method"
                                   << ""
                                   << "40001"
                                   << "isv.missing-method";
        QTest::newRow("unknown method") << "method"
                                        << "alipay.trade.create"
                                        << "40002"
                                        << "isv.invalid-method";
        QTest::newRow("RSA1") << "sign_type"
                              << "RSA"
                              << "40002"
                              << "isv.invalid-signature-type";
        QTest::newRow("gbk") << "charset"
                             << "gbk"
                             << "40002"
                             << "isv.invalid-charset";
        QTest::newRow("xml") << "format"
                             << "XML"
                             << "40002"
                             << "isv.invalid-format";
        QTest::newRow("version 2") << "version"
                                   << "2.0"
                                   << "40002"
                                   << "isv.invalid-version";
        QTest::newRow("old timestamp") << "timestamp"
                                       << "2020-01-01 00:00:00"
                                       << "40002"
                                       << "isv.invalid-timestamp";
        QTest::newRow("timestamp format") << "timestamp"
                                          << "2020-01-01T00:00:00"
                                          << "40002"
                                          << "isv.invalid-timestamp";
        QTest::newRow("biz not json") << "biz_content"
                                      << "out_trade_no=1"
                                      << "40002"
                                      << "isv.invalid-biz-content";
    }

    void commonParametersAreChecked() {
        QFETCH(QString, name);
        QFETCH(QString, value);
        QFETCH(QString, code);
        QFETCH(QString, subCode);
        alipay::Params p = m_client->params(kQuery, byNo(nextNo()));
        if (value.isEmpty())
            p.remove(name);
        else
            p.insert(name, value);
        const GatewayResult r = m_client->send(kQuery, p);
        QVERIFY2(r.extracted, r.http.body.constData());
        QVERIFY(r.raw.isErrorResponse);
        QCOMPARE(r.code(), code);
        QCOMPARE(r.subCode(), subCode);
    }

    void parametersMayComeInTheQueryString() {
        // Some SDKs put the common parameters in the URL and only biz_content in the body.
        const QString no = nextNo();
        Result<alipay::Params> p =
            alipay::signRequest(m_client->params(kQuery, byNo(no)), m_appKey);
        QVERIFY(p.ok());
        alipay::Params body{
            {QStringLiteral("biz_content"), p->take(QStringLiteral("biz_content"))}};
        const GatewayResult r =
            m_client->read(kQuery, m_client->postRaw(alipay::formBody(body), alipay::formBody(*p)));
        QVERIFY(is(r, "40004", "ACQ.TRADE_NOT_EXIST"));
        QCOMPARE(r.field("out_trade_no"), no);
    }

    void precreateAnswersASignedQrCode() {
        const QString no = nextNo();
        const GatewayResult r = m_client->precreate(no, QStringLiteral("88.88"));
        QVERIFY2(is(r, "10000"), r.http.body.constData());
        QCOMPARE(r.http.headers.isEmpty(), false);
        const QString qr = r.field("qr_code");
        QVERIFY(qr.startsWith(QStringLiteral("https://qr.alipay.com/bax")));
        // Escaped as Alipay escapes, in the signed text itself; keys in Alipay's order.
        QVERIFY(r.raw.signedText.contains("\"qr_code\":\"https:\\/\\/qr.alipay.com\\/bax"));
        QVERIFY(r.raw.signedText.startsWith(
            "{\"code\":\"10000\",\"msg\":\"Success\",\"out_trade_no\""));
        // The sandbox can resolve its QR code.
        QCOMPARE(alipay().tradeByQrCode(qr)->outTradeNo, no);

        // The same order again: the same code. A different amount: refused.
        const GatewayResult again = m_client->precreate(no, QStringLiteral("88.88"));
        QVERIFY(is(again, "10000"));
        QCOMPARE(again.field("qr_code"), qr);
        QVERIFY(is(m_client->precreate(no, QStringLiteral("88.89")), "40004",
                   "ACQ.CONTEXT_INCONSISTENT"));
    }

    void precreateValidatesItsFields_data() {
        QTest::addColumn<QString>("outTradeNo");
        QTest::addColumn<QString>("amount");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("max") << "MAX_1"
                             << "100000000.00" << true;
        QTest::newRow("min") << "MIN_1"
                             << "0.01" << true;
        QTest::newRow("one decimal") << "ONE_1"
                                     << "12.5" << true;
        QTest::newRow("over max") << "OVER_1"
                                  << "100000000.01" << false;
        QTest::newRow("zero") << "ZERO_1"
                              << "0.00" << false;
        QTest::newRow("three decimals") << "THREE_1"
                                        << "1.001" << false;
        QTest::newRow("negative") << "NEG_1"
                                  << "-1.00" << false;
        QTest::newRow("exponent") << "EXP_1"
                                  << "1e2" << false;
        QTest::newRow("dash in number") << "A-1"
                                        << "1.00" << false;
        QTest::newRow("65 characters") << QString(65, u'A') << "1.00" << false;
        QTest::newRow("64 characters") << QString(64, u'B') << "1.00" << true;
    }

    void precreateValidatesItsFields() {
        QFETCH(QString, outTradeNo);
        QFETCH(QString, amount);
        QFETCH(bool, accepted);
        const GatewayResult r = m_client->precreate(outTradeNo, amount);
        if (accepted)
            QVERIFY2(is(r, "10000"), r.http.body.constData());
        else
            QVERIFY2(is(r, "40004", "ACQ.INVALID_PARAMETER"), r.http.body.constData());
    }

    void aQrTradeExistsOnlyOnceScanned() {
        const QString no = nextNo();
        QVERIFY(is(m_client->precreate(no, QStringLiteral("10.00")), "10000"));
        QVERIFY(is(m_client->call(kQuery, byNo(no)), "40004", "ACQ.TRADE_NOT_EXIST"));
        // Closing before the scan: there is nothing at Alipay to close yet.
        QVERIFY(is(m_client->call(kClose, byNo(no)), "40004", "ACQ.TRADE_NOT_EXIST"));

        int status = 0;
        QJsonObject t = m_client->controlJson(
            "POST", QStringLiteral("/sandbox/alipay/trades/%1/scan").arg(no), {}, &status);
        QCOMPARE(status, 200);
        QCOMPARE(t.value(u"status").toString(), QStringLiteral("WAIT_BUYER_PAY"));
        GatewayResult q = m_client->call(kQuery, byNo(no));
        QVERIFY(is(q, "10000"));
        QCOMPARE(q.field("trade_status"), QStringLiteral("WAIT_BUYER_PAY"));
        QCOMPARE(q.field("total_amount"), QStringLiteral("10.00"));
        QCOMPARE(q.field("receipt_amount"), QStringLiteral("0.00"));

        t = m_client->controlJson("POST", QStringLiteral("/sandbox/alipay/trades/%1/pay").arg(no),
                                  {}, &status);
        QCOMPARE(status, 200);
        q = m_client->call(kQuery, byNo(no));
        QVERIFY(is(q, "10000"));
        QCOMPARE(q.field("trade_status"), QStringLiteral("TRADE_SUCCESS"));
        QCOMPARE(q.field("receipt_amount"), QStringLiteral("10.00"));
        QCOMPARE(q.field("buyer_logon_id"), QStringLiteral("138****8000"));
        QCOMPARE(q.field("trade_no").size(), 28);
        QVERIFY(!q.field("send_pay_date").isEmpty());
        QVERIFY(q.object.value(u"fund_bill_list").isArray());
        // By trade_no as well.
        GatewayResult byTradeNo =
            m_client->call(kQuery, QJsonObject{{QStringLiteral("trade_no"), q.field("trade_no")}});
        QCOMPARE(byTradeNo.field("out_trade_no"), no);

        QVERIFY(is(m_client->call(kClose, byNo(no)), "40004", "ACQ.TRADE_STATUS_ERROR"));
        QVERIFY(
            is(m_client->precreate(no, QStringLiteral("10.00")), "40004", "ACQ.TRADE_HAS_SUCCESS"));
        // Paying twice is refused by the buyer side too.
        m_client->controlJson("POST", QStringLiteral("/sandbox/alipay/trades/%1/pay").arg(no), {},
                              &status);
        QCOMPARE(status, 409);
    }

    void closeAScannedTrade() {
        const QString no = nextNo();
        QVERIFY(is(m_client->precreate(no, QStringLiteral("3.00")), "10000"));
        QVERIFY(alipay().buyerScan(no).ok());
        QVERIFY(is(m_client->call(kClose, byNo(no)), "10000"));
        GatewayResult q = m_client->call(kQuery, byNo(no));
        QCOMPARE(q.field("trade_status"), QStringLiteral("TRADE_CLOSED"));
        QVERIFY(
            is(m_client->precreate(no, QStringLiteral("3.00")), "40004", "ACQ.TRADE_HAS_CLOSE"));
        QVERIFY(!alipay().buyerPay(no).ok());
    }

    void payWithAPaymentCode() {
        const QString no = nextNo();
        GatewayResult r = m_client->call(
            kPay, barCode(no, QStringLiteral("25.00"), QStringLiteral("287654321098765432")));
        QVERIFY2(is(r, "10000"), r.http.body.constData());
        QCOMPARE(r.field("total_amount"), QStringLiteral("25.00"));
        QVERIFY(!r.field("gmt_payment").isEmpty());
        QCOMPARE(m_client->call(kQuery, byNo(no)).field("trade_status"),
                 QStringLiteral("TRADE_SUCCESS"));
        // The same payment again: it is paid already.
        QVERIFY(is(m_client->call(kPay, barCode(no, QStringLiteral("25.00"),
                                                QStringLiteral("287654321098765432"))),
                   "40004", "ACQ.TRADE_HAS_SUCCESS"));
    }

    void paymentCodeShapeIsChecked_data() {
        QTest::addColumn<QString>("code");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("25 16 digits") << "2512345678901234" << true;
        QTest::newRow("30 24 digits") << "301234567890123456789012" << true;
        QTest::newRow("24 prefix") << "241234567890123456" << false;
        QTest::newRow("31 prefix") << "311234567890123456" << false;
        QTest::newRow("15 digits") << "251234567890123" << false;
        QTest::newRow("25 digits") << "2512345678901234567890123" << false;
        QTest::newRow("letters") << "28123456789012345A" << false;
        QTest::newRow("wechat code") << "134567890123456789" << false;
    }

    void paymentCodeShapeIsChecked() {
        QFETCH(QString, code);
        QFETCH(bool, accepted);
        const GatewayResult r =
            m_client->call(kPay, barCode(nextNo(), QStringLiteral("1.00"), code));
        if (accepted)
            QVERIFY(is(r, "10000"));
        else
            QVERIFY(is(r, "40004", "ACQ.PAYMENT_AUTH_CODE_INVALID"));
    }

    void buyerConfirmsAPaymentCode() {
        alipay().setPayBehaviour(AlipayPayBehaviour::BuyerConfirms);
        const QString no = nextNo();
        const QString code = QStringLiteral("281234567890123456");
        GatewayResult r = m_client->call(kPay, barCode(no, QStringLiteral("9.90"), code));
        QVERIFY2(is(r, "10003"), r.http.body.constData());
        QCOMPARE(r.field("msg"), QStringLiteral("order success pay inprocess"));
        QCOMPARE(m_client->call(kQuery, byNo(no)).field("trade_status"),
                 QStringLiteral("WAIT_BUYER_PAY"));
        // Asking again while the buyer confirms: still 10003.
        QVERIFY(is(m_client->call(kPay, barCode(no, QStringLiteral("9.90"), code)), "10003"));
        QSignalSpy changed(&alipay(), &AlipaySimulator::tradeChanged);
        QVERIFY(alipay().buyerPay(no).ok());
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().first().value<AlipayTrade>().status, AlipayTradeStatus::Success);
        QCOMPARE(m_client->call(kQuery, byNo(no)).field("trade_status"),
                 QStringLiteral("TRADE_SUCCESS"));
    }

    void buyerConfirmsThenPaysOrCloses() {
        alipay().setPayBehaviour(AlipayPayBehaviour::ConfirmThenPay);
        const QString paid = nextNo();
        QVERIFY(is(m_client->call(kPay, barCode(paid, QStringLiteral("1.00"),
                                                QStringLiteral("261234567890123456"))),
                   "10003"));
        alipay().setPayBehaviour(AlipayPayBehaviour::ConfirmThenClose);
        const QString closed = nextNo();
        QVERIFY(is(m_client->call(kPay, barCode(closed, QStringLiteral("1.00"),
                                                QStringLiteral("261234567890123456"))),
                   "10003"));
        QTRY_COMPARE_WITH_TIMEOUT(m_client->call(kQuery, byNo(paid)).field("trade_status"),
                                  QStringLiteral("TRADE_SUCCESS"), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(m_client->call(kQuery, byNo(closed)).field("trade_status"),
                                  QStringLiteral("TRADE_CLOSED"), 5000);

        alipay().setPayBehaviour(AlipayPayBehaviour::Declined);
        const QString declined = nextNo();
        QVERIFY(is(m_client->call(kPay, barCode(declined, QStringLiteral("1.00"),
                                                QStringLiteral("261234567890123456"))),
                   "40004", "ACQ.BUYER_BALANCE_NOT_ENOUGH"));
        QCOMPARE(m_client->call(kQuery, byNo(declined)).field("trade_status"),
                 QStringLiteral("TRADE_CLOSED"));
    }

    void cancelClosesOrRefunds() {
        // Unpaid, never scanned: closed, and nobody can pay it any more.
        const QString unpaid = nextNo();
        QVERIFY(is(m_client->precreate(unpaid, QStringLiteral("5.00")), "10000"));
        GatewayResult r = m_client->call(kCancel, byNo(unpaid));
        QVERIFY2(is(r, "10000"), r.http.body.constData());
        QCOMPARE(r.field("action"), QStringLiteral("close"));
        QCOMPARE(r.field("retry_flag"), QStringLiteral("N"));
        QCOMPARE(m_client->call(kQuery, byNo(unpaid)).field("trade_status"),
                 QStringLiteral("TRADE_CLOSED"));
        QVERIFY(!alipay().buyerPay(unpaid).ok());
        // Cancelling again is harmless.
        QCOMPARE(m_client->call(kCancel, byNo(unpaid)).field("action"), QStringLiteral("close"));

        // Paid: refunded in full.
        const QString paid = nextNo();
        QVERIFY(is(m_client->call(kPay, barCode(paid, QStringLiteral("7.00"),
                                                QStringLiteral("281234567890123456"))),
                   "10000"));
        r = m_client->call(kCancel, byNo(paid));
        QVERIFY(is(r, "10000"));
        QCOMPARE(r.field("action"), QStringLiteral("refund"));
        QCOMPARE(m_client->call(kQuery, byNo(paid)).field("trade_status"),
                 QStringLiteral("TRADE_CLOSED"));
        QCOMPARE(alipay().trade(paid)->refunded, money::Fen(700));

        // An order Alipay never saw (the precreate was lost): closed so it can never be paid.
        const QString lost = nextNo();
        r = m_client->call(kCancel, byNo(lost));
        QVERIFY(is(r, "10000"));
        QCOMPARE(r.field("action"), QStringLiteral("close"));
        QVERIFY(
            is(m_client->precreate(lost, QStringLiteral("1.00")), "40004", "ACQ.TRADE_HAS_CLOSE"));
    }

    void refundsAreIdempotent() {
        const QString no = nextNo();
        QVERIFY(is(m_client->precreate(no, QStringLiteral("1.00")), "10000"));
        // Not paid yet.
        QVERIFY(
            is(m_client->call(kRefund, refundBiz(no, QStringLiteral("0.10"), QStringLiteral("R0"))),
               "40004", "ACQ.TRADE_NOT_EXIST"));
        QVERIFY(alipay().buyerScan(no).ok());
        QVERIFY(
            is(m_client->call(kRefund, refundBiz(no, QStringLiteral("0.10"), QStringLiteral("R0"))),
               "40004", "ACQ.TRADE_STATUS_ERROR"));
        QVERIFY(alipay().buyerPay(no).ok());

        GatewayResult r =
            m_client->call(kRefund, refundBiz(no, QStringLiteral("0.30"), QStringLiteral("R1")));
        QVERIFY2(is(r, "10000"), r.http.body.constData());
        QCOMPARE(r.field("fund_change"), QStringLiteral("Y"));
        QCOMPARE(r.field("refund_fee"), QStringLiteral("0.30"));
        const QString when = r.field("gmt_refund_pay");

        // The same request again: the same result, no money moved.
        GatewayResult again =
            m_client->call(kRefund, refundBiz(no, QStringLiteral("0.30"), QStringLiteral("R1")));
        QVERIFY(is(again, "10000"));
        QCOMPARE(again.field("fund_change"), QStringLiteral("N"));
        QCOMPARE(again.field("refund_fee"), QStringLiteral("0.30"));
        QCOMPARE(again.field("gmt_refund_pay"), when);
        QCOMPARE(alipay().trade(no)->refunded, money::Fen(30));

        QVERIFY(
            is(m_client->call(kRefund, refundBiz(no, QStringLiteral("0.80"), QStringLiteral("R2"))),
               "40004", "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL"));
        QCOMPARE(m_client->call(kQuery, byNo(no)).field("trade_status"),
                 QStringLiteral("TRADE_SUCCESS"));
        r = m_client->call(kRefund, refundBiz(no, QStringLiteral("0.70"), QStringLiteral("R2")));
        QVERIFY(is(r, "10000"));
        QCOMPARE(r.field("refund_fee"), QStringLiteral("1.00"));
        // Refunded in full: the trade is closed.
        QCOMPARE(m_client->call(kQuery, byNo(no)).field("trade_status"),
                 QStringLiteral("TRADE_CLOSED"));
        QVERIFY(
            is(m_client->call(kRefund, refundBiz(no, QStringLiteral("0.01"), QStringLiteral("R3"))),
               "40004", "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL"));
        // A repeat of an earlier request still answers as before.
        QCOMPARE(
            m_client->call(kRefund, refundBiz(no, QStringLiteral("0.30"), QStringLiteral("R1")))
                .field("fund_change"),
            QStringLiteral("N"));

        // Refund queries.
        QJsonObject q = refundBiz(no, {}, QStringLiteral("R2"));
        q.remove(QStringLiteral("refund_amount"));
        q.insert(QStringLiteral("query_options"), QJsonArray{QStringLiteral("gmt_refund_pay")});
        r = m_client->call(kRefundQuery, q);
        QVERIFY(is(r, "10000"));
        QCOMPARE(r.field("refund_status"), QStringLiteral("REFUND_SUCCESS"));
        QCOMPARE(r.field("refund_amount"), QStringLiteral("0.70"));
        QCOMPARE(r.field("total_amount"), QStringLiteral("1.00"));
        QVERIFY(!r.field("gmt_refund_pay").isEmpty());
        q.insert(QStringLiteral("out_request_no"), QStringLiteral("NEVER"));
        r = m_client->call(kRefundQuery, q);
        QVERIFY(is(r, "10000"));
        QVERIFY(!r.object.contains(u"refund_status"));
        QVERIFY(
            is(m_client->call(kRefundQuery,
                              QJsonObject{{QStringLiteral("out_trade_no"), nextNo()},
                                          {QStringLiteral("out_request_no"), QStringLiteral("X")}}),
               "40004", "ACQ.TRADE_NOT_EXIST"));
    }

    void refundWithoutRequestNumberIsOneFullRefund() {
        const QString no = nextNo();
        QVERIFY(is(m_client->call(kPay, barCode(no, QStringLiteral("2.00"),
                                                QStringLiteral("281234567890123456"))),
                   "10000"));
        GatewayResult r = m_client->call(kRefund, refundBiz(no, QStringLiteral("2.00"), {}));
        QVERIFY(is(r, "10000"));
        QCOMPARE(alipay().trade(no)->refunds.first().outRequestNo, no);
        QCOMPARE(
            m_client->call(kRefund, refundBiz(no, QStringLiteral("2.00"), {})).field("fund_change"),
            QStringLiteral("N"));
    }

    void theBuyerGivesUpAndTradesExpire() {
        const QString gaveUp = nextNo();
        QVERIFY(is(m_client->precreate(gaveUp, QStringLiteral("4.00")), "10000"));
        QVERIFY(alipay().buyerScan(gaveUp).ok());
        int status = 0;
        m_client->controlJson(
            "POST", QStringLiteral("/sandbox/alipay/trades/%1/cancel").arg(gaveUp), {}, &status);
        QCOMPARE(status, 200);
        QCOMPARE(m_client->call(kQuery, byNo(gaveUp)).field("trade_status"),
                 QStringLiteral("TRADE_CLOSED"));

        // timeout_express is honoured; "expire" runs the timeout now.
        const QString timed = nextNo();
        GatewayResult r = m_client->call(
            kPrecreate, QJsonObject{{QStringLiteral("out_trade_no"), timed},
                                    {QStringLiteral("total_amount"), QStringLiteral("1.00")},
                                    {QStringLiteral("subject"), QStringLiteral("x")},
                                    {QStringLiteral("timeout_express"), QStringLiteral("5m")}});
        QVERIFY(is(r, "10000"));
        const AlipayTrade t = *alipay().trade(timed);
        QVERIFY(qAbs(t.expiresMs - t.createdMs - 5 * 60 * 1000) < 2000);
        QVERIFY(alipay().buyerScan(timed).ok());
        QVERIFY(alipay().expire(timed).ok());
        QCOMPARE(m_client->call(kQuery, byNo(timed)).field("trade_status"),
                 QStringLiteral("TRADE_CLOSED"));
        QVERIFY(is(
            m_client->call(kPrecreate,
                           QJsonObject{{QStringLiteral("out_trade_no"), nextNo()},
                                       {QStringLiteral("total_amount"), QStringLiteral("1.00")},
                                       {QStringLiteral("subject"), QStringLiteral("x")},
                                       {QStringLiteral("timeout_express"), QStringLiteral("16d")}}),
            "40004", "ACQ.INVALID_PARAMETER"));
    }

    void controlApiListsAndResolvesQrCodes() {
        const QString no = nextNo();
        const GatewayResult r = m_client->precreate(no, QStringLiteral("6.60"));
        const QString token = r.field("qr_code").section(u'/', -1);
        int status = 0;
        QJsonObject t = m_client->controlJson(
            "GET", QStringLiteral("/sandbox/alipay/qr/%1").arg(token), {}, &status);
        QCOMPARE(status, 200);
        QCOMPARE(t.value(u"out_trade_no").toString(), no);
        t = m_client->controlJson("POST", QStringLiteral("/sandbox/alipay/qr/%1/pay").arg(token),
                                  {}, &status);
        QCOMPARE(status, 200);
        QCOMPARE(t.value(u"status").toString(), QStringLiteral("TRADE_SUCCESS"));
        const QJsonObject list = m_client->controlJson(
            "GET", QStringLiteral("/sandbox/alipay/trades?app_id=%1").arg(kApp));
        bool found = false;
        for (const QJsonValue& v : list.value(u"trades").toArray())
            found = found || v.toObject().value(u"out_trade_no").toString() == no;
        QVERIFY(found);
        m_client->controlJson("GET", QStringLiteral("/sandbox/alipay/trades/NOPE"), {}, &status);
        QCOMPARE(status, 404);
        m_client->controlJson("POST", QStringLiteral("/sandbox/alipay/trades/NOPE/pay"), {},
                              &status);
        QCOMPARE(status, 404);
    }

    void appsCanBeRegisteredOverHttp() {
        Result<crypto::RsaPrivateKey> key = crypto::RsaPrivateKey::generate();
        QVERIFY(key.ok());
        int status = 0;
        m_client->controlJson(
            "POST", QStringLiteral("/sandbox/alipay/apps"),
            QJsonObject{
                {QStringLiteral("app_id"), QStringLiteral("2021000000000777")},
                {QStringLiteral("public_key"), QString::fromLatin1(key->publicKey().toBase64())}},
            &status);
        QCOMPARE(status, 201);
        AlipayTestClient other(m_server->baseUrl(), QStringLiteral("2021000000000777"), *key,
                               alipay().alipayPublicKey());
        QVERIFY(
            is(other.precreate(QStringLiteral("SHARED_NO_1"), QStringLiteral("1.00")), "10000"));
        // The same number in another app is another order.
        QVERIFY(is(m_client->precreate(QStringLiteral("SHARED_NO_1"), QStringLiteral("2.00")),
                   "10000"));
        QVERIFY(!alipay().buyerScan(QStringLiteral("SHARED_NO_1")).ok()); // ambiguous
        QVERIFY(alipay().buyerScan(QStringLiteral("SHARED_NO_1"), kApp).ok());
        m_client->controlJson("POST", QStringLiteral("/sandbox/alipay/apps"),
                              QJsonObject{{QStringLiteral("app_id"), QStringLiteral("x")},
                                          {QStringLiteral("public_key"), QStringLiteral("nope")}},
                              &status);
        QCOMPARE(status, 400);
    }

    void settingsOverHttp() {
        int status = 0;
        QJsonObject s = m_client->controlJson(
            "POST", QStringLiteral("/sandbox/alipay/settings"),
            QJsonObject{{QStringLiteral("pay_behaviour"), QStringLiteral("buyer-confirms")}},
            &status);
        QCOMPARE(status, 200);
        QCOMPARE(s.value(u"pay_behaviour").toString(), QStringLiteral("buyer-confirms"));
        QCOMPARE(alipay().options().payBehaviour, AlipayPayBehaviour::BuyerConfirms);
        m_client->controlJson(
            "POST", QStringLiteral("/sandbox/alipay/settings"),
            QJsonObject{{QStringLiteral("pay_behaviour"), QStringLiteral("maybe")}}, &status);
        QCOMPARE(status, 400);
        m_client->controlJson("POST", QStringLiteral("/sandbox/alipay/settings"),
                              QJsonObject{{QStringLiteral("colour"), 1}}, &status);
        QCOMPARE(status, 400);
    }

    void keysCanBePinnedInADirectory() {
        TempDir dir;
        SandboxOptions options;
        options.keyDir = dir.file(QStringLiteral("keys"));
        QByteArray first;
        {
            SandboxServer a(options);
            QVERIFY(a.initialize().ok());
            first = a.alipay().alipayPublicKey().toPem();
        }
        SandboxServer b(options);
        QVERIFY(b.initialize().ok());
        QCOMPARE(b.alipay().alipayPublicKey().toPem(), first);
        QFile pub(dir.file(QStringLiteral("keys/alipay_public_key.pem")));
        QVERIFY(pub.open(QIODevice::ReadOnly));
        QCOMPARE(pub.readAll(), first);
        QCOMPARE(QFile::permissions(dir.file(QStringLiteral("keys/alipay_private_key.pem"))) &
                     (QFileDevice::ReadOther | QFileDevice::ReadGroup),
                 QFileDevice::Permissions());
        // A key others can read is refused.
        QFile::setPermissions(dir.file(QStringLiteral("keys/alipay_private_key.pem")),
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                  QFileDevice::ReadOther);
        SandboxServer c(options);
        const Status s = c.initialize();
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, QStringLiteral("sandbox.key_permissions"));
    }
};

QTEST_GUILESS_MAIN(TestSandboxAlipayGateway)
#include "tst_sandbox_alipay_gateway.moc"
