// The pure mapping from WeChat Pay answers (status, error code, JSON) to the gateway's typed
// results: codes, trade states, amounts, times, refunds and the bill link.

#include "core/gateways/wechat/WechatAnswers.h"
#include "core/gateways/wechat/WechatCodes.h"
#include "core/gateways/wechat/WechatTime.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace qpos;
using namespace qpos::gateway;
using namespace qpos::wechat;

namespace {

const QString kNo = QStringLiteral("S01T0120261122000002");

QJsonObject json(const char* text) {
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

WechatReply ok(const char* text, int status = 200) {
    return WechatReply::answer(status, json(text));
}

WechatReply error(int status, const char* code) {
    return WechatReply::answer(
        status, QJsonObject{{QStringLiteral("code"), QString::fromLatin1(code)},
                            {QStringLiteral("message"), QStringLiteral("provider says so")}});
}

const char* kPaid =
    "{\"appid\":\"wxd678efh567hg6787\",\"mchid\":\"1230000109\","
    "\"out_trade_no\":\"S01T0120261122000002\",\"transaction_id\":\"4200000000202611220000000001\","
    "\"trade_type\":\"NATIVE\",\"trade_state\":\"SUCCESS\",\"trade_state_desc\":\"ok\","
    "\"success_time\":\"2026-11-22T10:21:05+08:00\",\"payer\":{\"openid\":\"oUpF8uMuAJO\"},"
    "\"amount\":{\"total\":8888,\"payer_total\":8800,\"currency\":\"CNY\"}}";

} // namespace

class TestWechatAnswers : public QObject {
    Q_OBJECT

private slots:
    void codesMapToOutcomes_data() {
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("verdict");
        QTest::addColumn<bool>("transient");
        const int refused = int(OutcomeKind::Refused);
        const int unknown = int(OutcomeKind::Unknown);
        const int progress = int(OutcomeKind::InProgress);
        QTest::newRow("SYSTEM_ERROR") << 500 << "SYSTEM_ERROR" << unknown << true;
        QTest::newRow("SYSTEM_ERROR 4xx") << 400 << "SYSTEM_ERROR" << unknown << true;
        QTest::newRow("BANKERROR") << 500 << "BANKERROR" << unknown << true;
        QTest::newRow("FREQUENCY_LIMITED") << 429 << "FREQUENCY_LIMITED" << unknown << true;
        QTest::newRow("502 no code") << 502 << "" << unknown << true;
        QTest::newRow("USERPAYING") << 403 << "USERPAYING" << progress << false;
        QTest::newRow("ORDERPAID") << 400 << "ORDERPAID" << unknown << false;
        QTest::newRow("unknown code") << 400 << "WHATEVER_NEW" << unknown << false;
        for (const char* code :
             {"ORDER_CLOSED", "ORDERNOTEXIST", "ORDER_NOT_EXIST", "NOTENOUGH", "NOT_ENOUGH",
              "PARAM_ERROR", "INVALID_REQUEST", "NOAUTH", "SIGN_ERROR", "MCH_NOT_EXISTS",
              "APPID_MCHID_NOT_MATCH", "RESOURCE_NOT_EXISTS", "TRADE_ERROR", "ACCOUNT_ERROR",
              "RULE_LIMIT", "AUTH_CODE_INVALID", "NO_STATEMENT_EXIST"})
            QTest::newRow(code) << 400 << QString::fromLatin1(code) << refused << false;
    }
    void codesMapToOutcomes() {
        QFETCH(int, status);
        QFETCH(QString, code);
        QFETCH(int, verdict);
        QFETCH(bool, transient);
        const WechatErrorVerdict v = classifyWechatError(status, code, QStringLiteral("m"));
        QCOMPARE(int(v.verdict), verdict);
        QCOMPARE(v.transient, transient);
        if (v.verdict == OutcomeKind::Refused) {
            QCOMPARE(v.refusal.code, code);
            QCOMPARE(v.refusal.providerMessage, QStringLiteral("m"));
            QVERIFY(!v.refusal.cashierMessage.isEmpty());
            QVERIFY(!v.refusal.cashierMessage.contains(u"refused the request: m")); // own words
        } else if (v.verdict == OutcomeKind::Unknown) {
            QVERIFY(v.unknownReason.code.startsWith(u"wechat."));
            QVERIFY(!v.unknownReason.message.isEmpty());
        } else {
            QVERIFY(!v.progress.cashierMessage.isEmpty());
        }
    }

    void signErrorTellsItWhatToCheck() {
        const QString text = wechatCashierMessage(QStringLiteral("SIGN_ERROR"), QString());
        QVERIFY(text.contains(u"merchant_private_key"));
        QVERIFY(text.contains(u"merchant_serial_no"));
        // An unknown code falls back to WeChat's own words.
        QVERIFY(
            wechatCashierMessage(QStringLiteral("NEW"), QStringLiteral("新的")).contains(u"新的"));
    }

    void times() {
        QCOMPARE(parseRfc3339(u"2026-11-22T10:21:05+08:00"),
                 std::optional<qint64>(
                     QDateTime(QDate(2026, 11, 22), QTime(2, 21, 5), Qt::UTC).toMSecsSinceEpoch()));
        QCOMPARE(parseRfc3339(u"2026-11-22T02:21:05Z"), parseRfc3339(u"2026-11-22T10:21:05+08:00"));
        QCOMPARE(*parseRfc3339(u"2026-11-22T02:21:05.250Z") -
                     *parseRfc3339(u"2026-11-22T02:21:05Z"),
                 250);
        for (const char16_t* bad :
             {u"", u"2026-11-22 10:21:05+08:00", u"2026-11-22T10:21:05", u"2026-02-30T10:21:05Z",
              u"2026-11-22T24:21:05Z", u"2026-11-22T10:21:05+0800", u"2026-11-22T10:21:05+08:00x",
              u"2026-11-22T10:21:05.Z"})
            QVERIFY2(!parseRfc3339(bad), qPrintable(QString::fromUtf16(bad)));
        const qint64 ms =
            QDateTime(QDate(2026, 12, 1), QTime(17, 30, 0), Qt::UTC).toMSecsSinceEpoch() + 999;
        QCOMPARE(chinaRfc3339(ms), QStringLiteral("2026-12-02T01:30:00+08:00"));
        QCOMPARE(parseRfc3339(chinaRfc3339(ms)), std::optional<qint64>(ms - 999));
        QCOMPARE(billDate(QDate(2026, 1, 5)), QStringLiteral("2026-01-05"));
    }

    void tradeStates() {
        QCOMPARE(answers::tradeStateOf(QStringLiteral("SUCCESS")), TradeState::Paid);
        QCOMPARE(answers::tradeStateOf(QStringLiteral("REFUND")), TradeState::Refunded);
        QVERIFY(isPaidState(*answers::tradeStateOf(QStringLiteral("REFUND"))));
        QCOMPARE(answers::tradeStateOf(QStringLiteral("NOTPAY")), TradeState::WaitingForBuyer);
        QCOMPARE(answers::tradeStateOf(QStringLiteral("USERPAYING")), TradeState::WaitingForBuyer);
        QCOMPARE(answers::tradeStateOf(QStringLiteral("CLOSED")), TradeState::Closed);
        QCOMPARE(answers::tradeStateOf(QStringLiteral("REVOKED")), TradeState::Closed);
        QCOMPARE(answers::tradeStateOf(QStringLiteral("PAYERROR")), TradeState::Failed);
        QVERIFY(!answers::tradeStateOf(QStringLiteral("PAID")));
    }

    void queryReadsATransactionExactly() {
        auto r = answers::transaction(ok(kPaid), TradeRef{kNo, {}});
        QVERIFY2(r.isSuccess(), qPrintable(r.cashierMessage()));
        const TradeSnapshot& s = r.value();
        QCOMPARE(s.outTradeNo, kNo);
        QCOMPARE(s.providerTradeNo, QStringLiteral("4200000000202611220000000001"));
        QCOMPARE(s.state, TradeState::Paid);
        QCOMPARE(s.providerState, QStringLiteral("SUCCESS"));
        QCOMPARE(s.totalFen, 8888);
        QCOMPARE(s.buyerPaidFen, std::optional<money::Fen>(8800));
        QCOMPARE(s.paidAtMs, parseRfc3339(u"2026-11-22T02:21:05Z"));
        QCOMPARE(s.buyerAccount, QStringLiteral("oUpF8uMuAJO"));
        QCOMPARE(r.providerFields().value(u"trade_type").toString(), QStringLiteral("NATIVE"));

        // An unpaid Native order may leave out the amount and transaction id.
        auto notPaid = answers::transaction(
            ok("{\"out_trade_no\":\"S01T0120261122000002\",\"trade_state\":\"NOTPAY\"}"),
            TradeRef{kNo, {}});
        QVERIFY(notPaid.isSuccess());
        QCOMPARE(notPaid.value().state, TradeState::WaitingForBuyer);
        QCOMPARE(notPaid.value().totalFen, 0);
        QVERIFY(!notPaid.value().paidAtMs);
    }

    void queryOfAnUnknownOrderIsNotCreated() {
        for (const char* code : {"ORDER_NOT_EXIST", "ORDERNOTEXIST"}) {
            auto r = answers::transaction(error(404, code), TradeRef{kNo, QStringLiteral("42")});
            QVERIFY(r.isSuccess());
            QCOMPARE(r.value().state, TradeState::NotCreated);
            QCOMPARE(r.value().providerTradeNo, QStringLiteral("42"));
        }
    }

    void malformedSignedAnswersAreUnknown_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("code");
        QTest::newRow("no state") << QByteArray("{\"out_trade_no\":\"S01T0120261122000002\"}")
                                  << "wechat.malformed_answer";
        QTest::newRow("odd state")
            << QByteArray("{\"out_trade_no\":\"S01T0120261122000002\",\"trade_state\":\"PAID\"}")
            << "wechat.malformed_answer";
        QTest::newRow("paid without amount")
            << QByteArray("{\"out_trade_no\":\"S01T0120261122000002\",\"trade_state\":\"SUCCESS\","
                          "\"transaction_id\":\"1\"}")
            << "wechat.malformed_answer";
        QTest::newRow("fractional fen")
            << QByteArray("{\"out_trade_no\":\"S01T0120261122000002\",\"trade_state\":\"SUCCESS\","
                          "\"transaction_id\":\"1\",\"amount\":{\"total\":88.5}}")
            << "wechat.malformed_answer";
        QTest::newRow("amount as text")
            << QByteArray("{\"out_trade_no\":\"S01T0120261122000002\",\"trade_state\":\"SUCCESS\","
                          "\"transaction_id\":\"1\",\"amount\":{\"total\":\"8888\"}}")
            << "wechat.malformed_answer";
        QTest::newRow("negative")
            << QByteArray("{\"out_trade_no\":\"S01T0120261122000002\",\"trade_state\":\"SUCCESS\","
                          "\"transaction_id\":\"1\",\"amount\":{\"total\":-1}}")
            << "wechat.malformed_answer";
        QTest::newRow("bad time")
            << QByteArray("{\"out_trade_no\":\"S01T0120261122000002\",\"trade_state\":\"SUCCESS\","
                          "\"transaction_id\":\"1\",\"amount\":{\"total\":1},"
                          "\"success_time\":\"yesterday\"}")
            << "wechat.malformed_answer";
        QTest::newRow("other order")
            << QByteArray("{\"out_trade_no\":\"OTHER\",\"trade_state\":\"NOTPAY\"}")
            << "wechat.answer_mismatch";
    }
    void malformedSignedAnswersAreUnknown() {
        QFETCH(QByteArray, body);
        QFETCH(QString, code);
        auto r = answers::transaction(
            WechatReply::answer(200, QJsonDocument::fromJson(body).object()), TradeRef{kNo, {}});
        QVERIFY(r.isUnknown());
        QCOMPARE(r.unknown().reason.code, code);
        QVERIFY(!r.providerFields().isEmpty());
    }

    void nativeAndCodePay() {
        auto qr = answers::nativeOrder(
            ok("{\"code_url\":\"weixin://wxpay/bizpayurl?pr=p4lpSuKzz\"}"), kNo);
        QVERIFY(qr.isSuccess());
        QCOMPARE(qr.value().qrCode, QStringLiteral("weixin://wxpay/bizpayurl?pr=p4lpSuKzz"));
        QCOMPARE(qr.value().outTradeNo, kNo);
        QVERIFY(answers::nativeOrder(ok("{}"), kNo).isUnknown());
        QVERIFY(answers::nativeOrder(error(400, "ORDER_CLOSED"), kNo).isRefused());
        QCOMPARE(answers::nativeOrder(error(400, "ORDERPAID"), kNo).unknown().reason.code,
                 QStringLiteral("wechat.already_paid"));

        auto paid = answers::codePay(ok(kPaid), kNo);
        QVERIFY(paid.isSuccess());
        QCOMPARE(paid.value().state, TradeState::Paid);
        QCOMPARE(paid.value().totalFen, 8888);
        QVERIFY(answers::codePay(ok("{\"trade_state\":\"USERPAYING\"}", 202), kNo).isInProgress());
        QVERIFY(answers::codePay(ok("", 202), kNo).isInProgress());
        QVERIFY(answers::codePay(ok("{\"trade_state\":\"USERPAYING\"}"), kNo).isInProgress());
        QVERIFY(answers::codePay(error(403, "USERPAYING"), kNo).isInProgress());
        auto payError = answers::codePay(
            ok("{\"trade_state\":\"PAYERROR\",\"trade_state_desc\":\"bank said no\"}"), kNo);
        QVERIFY(payError.isRefused());
        QCOMPARE(payError.refused().code, QStringLiteral("PAYERROR"));
        QCOMPARE(answers::codePay(error(403, "NOTENOUGH"), kNo).refused().code,
                 QStringLiteral("NOTENOUGH"));
        QVERIFY(answers::codePay(error(500, "SYSTEM_ERROR"), kNo).isUnknown());
        QVERIFY(answers::codePay(ok("{\"out_trade_no\":\"S01T0120261122000002\","
                                    "\"trade_state\":\"CLOSED\"}"),
                                 kNo)
                    .isUnknown());
    }

    void closeAndReverse() {
        const TradeRef ref{kNo, {}};
        auto closed = answers::close(WechatReply::answer(204, {}), ref);
        QVERIFY(closed.isSuccess() && closed.value().existedAtProvider);
        auto none = answers::close(error(404, "ORDER_NOT_EXIST"), ref);
        QVERIFY(none.isSuccess() && !none.value().existedAtProvider);
        auto paid = answers::close(error(400, "ORDERPAID"), ref);
        QVERIFY(paid.isRefused());
        QCOMPARE(paid.refused().code, QStringLiteral("ORDERPAID"));
        QVERIFY(answers::close(error(500, "SYSTEM_ERROR"), ref).isUnknown());

        auto reversed = answers::reverse(
            ok("{\"out_trade_no\":\"S01T0120261122000002\",\"transaction_id\":\"42\"}"), ref, true);
        QVERIFY(reversed.isSuccess());
        QCOMPARE(reversed.value().action, CancelAction::Refunded);
        QCOMPARE(reversed.value().providerTradeNo, QStringLiteral("42"));
        QCOMPARE(answers::reverse(ok("{}"), ref, false).value().action, CancelAction::Closed);
        QCOMPARE(answers::reverse(error(404, "ORDER_NOT_EXIST"), ref, false).value().action,
                 CancelAction::NotCreatedAtProvider);
    }

    void refunds() {
        RefundRequest req;
        req.outTradeNo = kNo;
        req.outRequestNo = kNo + QStringLiteral("R1");
        req.amountFen = 1000;
        req.tradeTotalFen = 8888;
        auto body = [](const char* status, int refund, int total) {
            return WechatReply::answer(
                200, QJsonDocument::fromJson(
                         QStringLiteral("{\"refund_id\":\"50000\",\"out_refund_no\":"
                                        "\"S01T0120261122000002R1\",\"transaction_id\":\"42\","
                                        "\"out_trade_no\":\"S01T0120261122000002\",\"status\":"
                                        "\"%1\",\"success_time\":\"2026-11-22T11:00:00+08:00\","
                                        "\"amount\":{\"refund\":%2,\"total\":%3,\"currency\":"
                                        "\"CNY\"}}")
                             .arg(QLatin1String(status))
                             .arg(refund)
                             .arg(total)
                             .toUtf8())
                         .object());
        };
        auto r = answers::refund(body("SUCCESS", 1000, 8888), req);
        QVERIFY2(r.isSuccess(), qPrintable(r.cashierMessage()));
        QCOMPARE(r.value().outRequestNo, req.outRequestNo);
        QCOMPARE(r.value().providerTradeNo, QStringLiteral("42"));
        QCOMPARE(r.value().refundedTotalFen, 0); // a part refund: WeChat does not give the total
        QVERIFY(r.value().fundChanged);
        QCOMPARE(r.value().refundedAtMs, parseRfc3339(u"2026-11-22T03:00:00Z"));
        req.amountFen = 8888;
        QCOMPARE(answers::refund(body("SUCCESS", 8888, 8888), req).value().refundedTotalFen, 8888);
        QVERIFY(answers::refund(body("PROCESSING", 8888, 8888), req).isInProgress());
        // ABNORMAL: WeChat holds the money; neither refunded nor failed.
        const auto held = answers::refund(body("ABNORMAL", 8888, 8888), req);
        QVERIFY(held.isSuccess());
        QCOMPARE(held.value().state, RefundState::HeldByProvider);
        QVERIFY(!held.value().fundChanged);
        QCOMPARE(answers::refund(body("CLOSED", 8888, 8888), req).refused().code,
                 QStringLiteral("CLOSED"));
        QVERIFY(answers::refund(body("WHAT", 8888, 8888), req).isUnknown());
        // A refund of another amount than asked (an earlier refund with this number).
        QCOMPARE(answers::refund(body("SUCCESS", 1000, 8888), req).unknown().reason.code,
                 QStringLiteral("wechat.malformed_answer"));
        QCOMPARE(answers::refund(error(403, "NOT_ENOUGH"), req).refused().code,
                 QStringLiteral("NOT_ENOUGH"));
        req.outRequestNo = QStringLiteral("OTHER");
        QCOMPARE(answers::refund(body("SUCCESS", 8888, 8888), req).unknown().reason.code,
                 QStringLiteral("wechat.answer_mismatch"));

        const RefundQuery q{kNo, {}, kNo + QStringLiteral("R1")};
        auto done = answers::refundQuery(body("SUCCESS", 1000, 8888), q);
        QVERIFY(done.isSuccess());
        QCOMPARE(done.value().state, RefundState::Refunded);
        QCOMPARE(done.value().refundFen, 1000);
        QCOMPARE(done.value().tradeTotalFen, std::optional<money::Fen>(8888));
        QCOMPARE(answers::refundQuery(body("PROCESSING", 1000, 8888), q).value().state,
                 RefundState::Processing);
        QCOMPARE(answers::refundQuery(body("CLOSED", 1000, 8888), q).value().state,
                 RefundState::Closed);
        QCOMPARE(answers::refundQuery(body("ABNORMAL", 1000, 8888), q).value().state,
                 RefundState::HeldByProvider);
        QCOMPARE(answers::refundQuery(error(404, "RESOURCE_NOT_EXISTS"), q).value().state,
                 RefundState::NotFound);
        QVERIFY(answers::refundQuery(error(500, "SYSTEM_ERROR"), q).isUnknown());
        QVERIFY(answers::refundQuery(body("SUCCESS", 1000, 8888),
                                     RefundQuery{kNo, {}, QStringLiteral("X")})
                    .isUnknown());
    }

    void billLink() {
        auto link = answers::tradeBill(
            ok("{\"download_url\":\"https://api.mch.weixin.qq.com/v3/billdownload/"
               "file?token=abc\",\"hash_type\":\"SHA1\",\"hash_value\":"
               "\"79BB0F45FC6BB7F7A2B9F5C0E2B8C5A7D0E1F2A3\"}"));
        QVERIFY(link.isSuccess());
        QCOMPARE(link.value().downloadUrl.path(), QStringLiteral("/v3/billdownload/file"));
        QCOMPARE(link.value().hashHex, QByteArray("79bb0f45fc6bb7f7a2b9f5c0e2b8c5a7d0e1f2a3"));
        QVERIFY(answers::tradeBill(ok("{\"download_url\":\"x\",\"hash_type\":\"SHA1\","
                                      "\"hash_value\":\"zz\"}"))
                    .isUnknown());
        auto none = answers::tradeBill(error(400, "NO_STATEMENT_EXIST"));
        QVERIFY(none.isRefused());
        QVERIFY(none.refused().cashierMessage.contains(u"no bill"));
        auto making = answers::tradeBill(error(400, "STATEMENT_CREATING"));
        QVERIFY(making.isRefused());
        QVERIFY(making.refused().cashierMessage.contains(u"10:00"));
        // No verified answer at all.
        auto lost = answers::tradeBill(failedReply<WechatReply>(
            Error{QStringLiteral("gateway.timeout"), QStringLiteral("t")}, true));
        QCOMPARE(lost.unknown().reason.code, QStringLiteral("gateway.timeout"));
    }
};

QTEST_GUILESS_MAIN(TestWechatAnswers)
#include "tst_wechat_answers.moc"
