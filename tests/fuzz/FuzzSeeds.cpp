// Writes the seed corpus of every fuzz harness (tests/fuzz/corpus/<harness>/): the bills come
// from the sandbox's own bill builders, the answers and notifications are signed, sealed and
// formatted by the same functions the sandbox uses to answer clients, with the fields the
// sandbox sends. Run from the ordinary build when a parser's input format changes:
//   build/tests/fuzz/qpos-fuzz-seeds tests/fuzz/corpus
// Keys are made afresh on every run: the harnesses sign with their own key anyway.
#include "core/crypto/RsaPrivateKey.h"
#include "core/gateways/alipay/AlipaySignature.h"
#include "core/gateways/wechat/WechatNotification.h"
#include "core/gateways/wechat/WechatSignature.h"
#include "core/link/EnrollmentCode.h"
#include "core/link/LinkMessages.h"
#include "core/link/RequestSignature.h"
#include "core/link/SyncBatch.h"
#include "core/reconcile/BatchJson.h"
#include "core/reports/SalesReport.h"
#include "core/text/GbkCodec.h"
#include "sandbox/bill/AlipayBill.h"
#include "sandbox/bill/WechatBill.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>
#include <QUrl>

#include <cstdio>
#include <cstdlib>

using namespace qpos;

namespace {

QString g_root;

void write(const char* harness, const char* name, const QByteArray& data) {
    const QString dir = g_root + u'/' + QString::fromLatin1(harness);
    QDir().mkpath(dir);
    QFile file(dir + u'/' + QString::fromLatin1(name));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(data) != data.size()) {
        std::fprintf(stderr, "cannot write %s\n", qPrintable(file.fileName()));
        std::exit(1);
    }
}

QByteArray fields(std::initializer_list<QByteArray> parts) {
    QByteArray out;
    bool first = true;
    for (const QByteArray& part : parts) {
        if (!first)
            out += '\0';
        first = false;
        out += part;
    }
    return out;
}

qint64 chinaMs(int y, int m, int d, int h, int min) {
    return QDateTime(QDate(y, m, d), QTime(h, min), QTimeZone(8 * 3600)).toMSecsSinceEpoch();
}

void moneySeeds() {
    const char* const texts[] = {"0.01",  "12",   "12.3",        "12.34", "100000000.00",
                                 "0",     "0.00", "99999999.99", "1,000", "1e3",
                                 "-1.00", "+1",   " 1",          "01.5",  "0.001",
                                 ".5",    "5.",   "1.2.3",       "١٢",    "100000000.01"};
    int i = 0;
    for (const char* text : texts)
        write("money", qPrintable(QStringLiteral("text-%1").arg(++i, 2, 10, QChar(u'0'))),
              QByteArray(text));
    write("money", "fen-max", QByteArray::fromHex("00e40b5402000000"));
}

// Returns the signed form of a payment's notification, for the server's seeds.
QByteArray alipaySeeds(const crypto::RsaPrivateKey& key) {
    const QByteArray query =
        R"({"code":"10000","msg":"Success","trade_no":"2026010122001400000000000001",)"
        R"("out_trade_no":"20260101000100010001","buyer_logon_id":"158****1562",)"
        R"("trade_status":"TRADE_SUCCESS","total_amount":"12.34","buyer_pay_amount":"12.34",)"
        R"("receipt_amount":"12.34","send_pay_date":"2026-01-01 10:00:05",)"
        R"("fund_bill_list":[{"fund_channel":"ALIPAYACCOUNT","amount":"12.34"}]})";
    const QByteArray paying = R"({"code":"10003","msg":" order success pay inprocess",)"
                              R"("trade_no":"2026010122001400000000000002",)"
                              R"("out_trade_no":"20260101000100010002","total_amount":"0.01"})";
    const QByteArray precreate = R"({"code":"10000","msg":"Success","out_trade_no":"2026010100)"
                                 R"(0100010003","qr_code":"https:\/\/qr.alipay.com\/bax0000"})";
    const QByteArray notExist = R"({"code":"40004","msg":"Business Failed",)"
                                R"("sub_code":"ACQ.TRADE_NOT_EXIST","sub_msg":"交易不存在"})";
    write("alipay_response", "query-success",
          *alipay::buildSignedResponse(QStringLiteral("alipay_trade_query_response"), query, key));
    write(
        "alipay_response", "query-not-exist",
        *alipay::buildSignedResponse(QStringLiteral("alipay_trade_query_response"), notExist, key));
    write("alipay_response", "pay-in-process",
          *alipay::buildSignedResponse(QStringLiteral("alipay_trade_pay_response"), paying, key));
    write("alipay_response", "precreate-cert-sn",
          *alipay::buildSignedResponse(QStringLiteral("alipay_trade_precreate_response"), precreate,
                                       key, "4498aaa8ab0c8986c15c41b36186db7d"));
    write("alipay_response", "error-unsigned",
          R"({"error_response":{"code":"40002","msg":"Invalid Arguments",)"
          R"("sub_code":"isv.invalid-signature","sub_msg":"验签出错"}})");
    write("alipay_response", "object-only", query);

    alipay::Params p;
    p.insert(QStringLiteral("notify_time"), QStringLiteral("2026-01-01 10:00:06"));
    p.insert(QStringLiteral("notify_type"), QStringLiteral("trade_status_sync"));
    p.insert(QStringLiteral("notify_id"), QStringLiteral("2026010100222100006000000001"));
    p.insert(QStringLiteral("app_id"), QStringLiteral("2021000000000001"));
    p.insert(QStringLiteral("charset"), QStringLiteral("utf-8"));
    p.insert(QStringLiteral("version"), QStringLiteral("1.0"));
    p.insert(QStringLiteral("sign_type"), QStringLiteral("RSA2"));
    p.insert(QStringLiteral("trade_no"), QStringLiteral("2026010122001400000000000001"));
    p.insert(QStringLiteral("out_trade_no"), QStringLiteral("20260101000100010001"));
    p.insert(QStringLiteral("buyer_logon_id"), QStringLiteral("158****1562"));
    p.insert(QStringLiteral("trade_status"), QStringLiteral("TRADE_SUCCESS"));
    p.insert(QStringLiteral("total_amount"), QStringLiteral("12.34"));
    p.insert(QStringLiteral("receipt_amount"), QStringLiteral("12.34"));
    p.insert(QStringLiteral("subject"), QStringLiteral("奶茶 x2 & 蛋糕"));
    p.insert(QStringLiteral("gmt_create"), QStringLiteral("2026-01-01 10:00:00"));
    p.insert(QStringLiteral("gmt_payment"), QStringLiteral("2026-01-01 10:00:05"));
    p.insert(QStringLiteral("fund_bill_list"),
             QStringLiteral(R"([{"amount":"12.34","fundChannel":"ALIPAYACCOUNT"}])"));
    auto signedForm = [&key](alipay::Params params) {
        params.insert(QStringLiteral("sign"),
                      QString::fromLatin1(*key.signBase64(
                          alipay::signContent(params, alipay::SignScope::Notification))));
        return alipay::formBody(params);
    };
    write("alipay_notification", "trade-success", signedForm(p));
    alipay::Params refund = p;
    refund.insert(QStringLiteral("out_biz_no"), QStringLiteral("R20260101000100010001"));
    refund.insert(QStringLiteral("refund_fee"), QStringLiteral("2.00"));
    refund.insert(QStringLiteral("gmt_refund"), QStringLiteral("2026-01-01 11:00:00.123"));
    write("alipay_notification", "refund", signedForm(refund));
    alipay::Params closed = p;
    closed.insert(QStringLiteral("trade_status"), QStringLiteral("TRADE_CLOSED"));
    closed.insert(QStringLiteral("gmt_close"), QStringLiteral("2026-01-01 10:15:00"));
    write("alipay_notification", "closed", signedForm(closed));
    write("alipay_notification", "plus-and-escapes",
          "subject=a+b%26c%3D&total_amount=0.01&app_id=2021000000000001&sign=AA%3D%3D");
    return signedForm(p);
}

void alipayBillSeeds() {
    using sandbox::AlipayTrade;
    QList<AlipayTrade> trades;
    for (int i = 0; i < 3; ++i) {
        AlipayTrade t;
        t.appId = QStringLiteral("2021000000000001");
        t.outTradeNo = QStringLiteral("2026010100010001000%1").arg(i);
        t.tradeNo = QStringLiteral("202601012200140000000000000%1").arg(i);
        t.status = sandbox::AlipayTradeStatus::Success;
        t.total = 1234 + i * 100;
        t.subject = QStringLiteral("奶茶");
        t.storeId = QStringLiteral("S001");
        t.terminalId = QStringLiteral("T01");
        t.operatorId = QStringLiteral("c01");
        t.buyerLogonId = QStringLiteral("158****1562");
        t.createdMs = chinaMs(2026, 1, 1, 10, i);
        t.paidMs = t.createdMs + 5000;
        t.visible = true;
        trades << t;
    }
    trades[1].refunds << sandbox::AlipayRefund{QStringLiteral("R1"), 200, 200,
                                               chinaMs(2026, 1, 1, 11, 0), QStringLiteral("退货")};
    const auto period = *sandbox::alipay_bill::Period::parse(QStringLiteral("2026-01-01"));
    const qint64 exportMs = chinaMs(2026, 1, 2, 9, 0);
    const auto bill =
        sandbox::alipay_bill::build(QStringLiteral("2088000000000001"), period, trades, exportMs);
    write("alipay_bill_zip", "day-with-refund", *sandbox::alipay_bill::toZip(bill));
    write("alipay_bill_csv", "day-with-refund",
          fields({*gbk::encode(bill.detailCsv), *gbk::encode(bill.summaryCsv)}));
    const auto empty =
        sandbox::alipay_bill::build(QStringLiteral("2088000000000001"), period, {}, exportMs);
    write("alipay_bill_zip", "empty-day", *sandbox::alipay_bill::toZip(empty));
    write("alipay_bill_csv", "empty-day",
          fields({*gbk::encode(empty.detailCsv), *gbk::encode(empty.summaryCsv)}));
}

// Returns the sealed body of a payment's notification, for the server's seeds.
QByteArray wechatSeeds(const crypto::RsaPrivateKey& key) {
    const QByteArray serial = "PUB_KEY_ID_0114232020262026010100000000000001";
    const QByteArray ts = "1767225600";
    auto answer = [&](const QByteArray& status, const QByteArray& nonce, const QByteArray& body) {
        const QByteArray sig = *key.signBase64(wechat::answerSignMessage(ts, nonce, body));
        return fields({status, ts, nonce, sig, serial, body});
    };
    const QByteArray transaction =
        R"({"mchid":"1900000001","appid":"wx0000000000000001","out_trade_no":"20260101000100020001",)"
        R"("transaction_id":"4200000000202601010000000001","trade_type":"NATIVE",)"
        R"("trade_state":"SUCCESS","trade_state_desc":"支付成功","bank_type":"OTHERS",)"
        R"("success_time":"2026-01-01T10:00:05+08:00","payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},)"
        R"("amount":{"total":1234,"payer_total":1234,"currency":"CNY","payer_currency":"CNY"}})";
    write("wechat_answer", "query-success",
          answer("200", "5K8264ILTKCH16CQ2502SI8ZNMTM67VS", transaction));
    write("wechat_answer", "order-not-exist",
          answer("404", "nonce2", R"({"code":"ORDER_NOT_EXIST","message":"订单不存在"})"));
    write("wechat_answer", "close-204", answer("204", "nonce3", QByteArray()));
    write("wechat_answer", "native-code-url",
          answer("200", "nonce4", R"({"code_url":"weixin://wxpay/bizpayurl?pr=p4lpSuKzz"})"));

    wechat::AuthorizationToken token{QStringLiteral("1900000001"),
                                     QStringLiteral("593BEC0C930BF1AFEB40B4A08C8FB242"),
                                     QStringLiteral("dGVzdA=="), 1767225600,
                                     QStringLiteral("5157F09EFDC096DE15EBE81A47057A7232F1B8E1")};
    write("wechat_authorization", "formatted", wechat::formatAuthorization(token));
    const QByteArray body = R"({"appid":"wx0000000000000001","mchid":"1900000001",)"
                            R"("description":"奶茶","out_trade_no":"20260101000100020001",)"
                            R"("amount":{"total":1234,"currency":"CNY"}})";
    write("wechat_authorization", "signed-request",
          fields({*wechat::signRequest(key, token.mchId, token.serialNo, "POST",
                                       "/v3/pay/transactions/native", 1767225600,
                                       "593BEC0C930BF1AFEB40B4A08C8FB242", body),
                  body}));
    write("wechat_authorization", "reordered",
          R"(WECHATPAY2-SHA256-RSA2048 serial_no="ABC",timestamp="1767225600",)"
          R"(signature="c2ln",nonce_str="n",mchid="1900000001")");

    const QByteArray refund =
        R"({"mchid":"1900000001","out_trade_no":"20260101000100020001",)"
        R"("transaction_id":"4200000000202601010000000001","out_refund_no":"R1",)"
        R"("refund_id":"50000000002026010100000000001","refund_status":"SUCCESS",)"
        R"("success_time":"2026-01-01T11:00:00+08:00","user_received_account":"支付用户零钱",)"
        R"("amount":{"total":1234,"refund":200,"payer_total":1234,"payer_refund":200}})";
    const QByteArray apiV3Key = "0123456789abcdefghijklmnopqrstuv";
    auto notification = [&](const QByteArray& event, const QByteArray& aad,
                            const QByteArray& plaintext) {
        QJsonObject envelope;
        envelope.insert(u"id", QStringLiteral("EV-2026010100000001"));
        envelope.insert(u"create_time", QStringLiteral("2026-01-01T10:00:06+08:00"));
        envelope.insert(u"resource_type", QStringLiteral("encrypt-resource"));
        envelope.insert(u"event_type", QString::fromLatin1(event));
        envelope.insert(u"summary", QStringLiteral("支付成功"));
        envelope.insert(u"resource", *wechat::encryptNotificationResource(apiV3Key, "fdasflkjdsaf",
                                                                          aad, plaintext));
        const QByteArray envelopeBody = QJsonDocument(envelope).toJson(QJsonDocument::Compact);
        const QByteArray sig = *key.signBase64(wechat::answerSignMessage(ts, "n0", envelopeBody));
        return fields({ts, "n0", sig, serial, aad, envelopeBody});
    };
    write("wechat_notification", "transaction-envelope",
          notification("TRANSACTION.SUCCESS", "transaction", transaction));
    write("wechat_notification", "refund-envelope",
          notification("REFUND.SUCCESS", "refund", refund));
    write("wechat_notification", "transaction-plaintext",
          fields({ts, "n0", "sig", serial, "transaction", transaction}));
    write("wechat_notification", "refund-plaintext",
          fields({ts, "n0", "sig", serial, "refund", refund}));
    const QByteArray sealed = notification("TRANSACTION.SUCCESS", "transaction", transaction);
    return sealed.mid(sealed.lastIndexOf('\0') + 1);
}

void wechatBillSeeds() {
    using sandbox::WechatTrade;
    QList<WechatTrade> trades;
    for (int i = 0; i < 3; ++i) {
        WechatTrade t;
        t.mchId = QStringLiteral("1900000001");
        t.appId = QStringLiteral("wx0000000000000001");
        t.outTradeNo = QStringLiteral("2026010100010002000%1").arg(i);
        t.transactionId = QStringLiteral("420000000020260101000000000%1").arg(i);
        t.state = sandbox::WechatTradeState::Success;
        t.total = 1234 + i;
        t.description = QStringLiteral("奶茶");
        t.deviceId = QStringLiteral("T01");
        t.openId = QStringLiteral("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
        t.createdMs = chinaMs(2026, 1, 1, 10, i);
        t.paidMs = t.createdMs + 5000;
        trades << t;
    }
    sandbox::WechatRefund r;
    r.outRefundNo = QStringLiteral("R1");
    r.refundId = QStringLiteral("50000000002026010100000000001");
    r.amount = 200;
    r.status = sandbox::WechatRefundStatus::Success;
    r.createdMs = chinaMs(2026, 1, 1, 11, 0);
    r.successMs = r.createdMs + 1000;
    trades[0].refunds << r;
    trades[0].refunded = 200;
    const QDate day(2026, 1, 1);
    const auto all = sandbox::wechat_bill::build(day, sandbox::wechat_bill::BillType::All, trades);
    write("wechat_bill_csv", "all", all.csv.toUtf8());
    write("wechat_bill_csv", "success",
          sandbox::wechat_bill::build(day, sandbox::wechat_bill::BillType::Success, trades)
              .csv.toUtf8());
    write("wechat_bill_csv", "refund",
          sandbox::wechat_bill::build(day, sandbox::wechat_bill::BillType::Refund, trades)
              .csv.toUtf8());
    write("wechat_bill_gzip", "all", *sandbox::wechat_bill::gzip(all.csv.toUtf8()));
    const QByteArray member = *sandbox::wechat_bill::gzip("a,b\r\n");
    write("wechat_bill_gzip", "two-members", member + member);
}

void keySeeds(const crypto::RsaPrivateKey& key) {
    write("key_import", "private-pkcs8.pem", key.toPkcs8Pem());
    write("key_import", "public.pem", key.publicKey().toPem());
    write("key_import", "public-bare-base64", key.publicKey().toBase64());
    write("key_import", "public.der", key.publicKey().toDer());
    write("key_import", "apiv3-key", "0123456789abcdefghijklmnopqrstuv\n");
}

void scannerSeeds() {
    // Settings: largest gap 50 ms (49 + 1), fewest digits 16 (15 + 1); then key, gap.
    QByteArray scan("\x31\x0f", 2);
    for (int i = 0; i < 18; ++i)
        scan += QByteArray(1, char(i % 10)) + QByteArray(1, char(8));
    write("scanner_burst", "scan-enter", scan + QByteArray("\x0a\x08", 2));
    write("scanner_burst", "scan-line-feed", scan + QByteArray("\x0d\x08", 2));
    QByteArray typed("\x31\x0f", 2);
    for (int i = 0; i < 18; ++i)
        typed += QByteArray(1, char(i % 10)) + QByteArray(1, char(200));
    write("scanner_burst", "typed-slowly", typed + QByteArray("\x0a\xc8", 2));
}

// The store backend's inputs: uploads of order events, its answer, the push link's
// messages, an enrollment code with a signed request, and the providers' notification posts.
void linkSeeds(const QByteArray& alipayForm, const QByteArray& wechatBody) {
    const link::TerminalIdentity terminal{QStringLiteral("S1"), QStringLiteral("T1")};
    auto event = [&terminal](qint64 eventId, const char* oldState, const char* newState,
                             const char* source, qint64 refunded) {
        return QJsonObject{
            {QStringLiteral("idempotency_key"), QStringLiteral("S1_T1_000001-%1").arg(eventId)},
            {QStringLiteral("event_id"), QString::number(eventId)},
            {QStringLiteral("out_trade_no"),
             terminal.outTradeNoPrefix() + QStringLiteral("20260101000001")},
            {QStringLiteral("store_id"), terminal.storeId},
            {QStringLiteral("terminal_id"), terminal.terminalId},
            {QStringLiteral("channel"), QStringLiteral("alipay")},
            {QStringLiteral("amount_fen"), QStringLiteral("1234")},
            {QStringLiteral("refunded_fen"), QString::number(refunded)},
            {QStringLiteral("old_state"), QString::fromLatin1(oldState)},
            {QStringLiteral("new_state"), QString::fromLatin1(newState)},
            {QStringLiteral("source"), QString::fromLatin1(source)},
            {QStringLiteral("at_ms"), QStringLiteral("1767232805000")},
            {QStringLiteral("provider_trade_no"), QStringLiteral("2026010122001400000000000001")}};
    };
    link::SyncBatch batch{terminal,
                          {{41, event(7, "", "pending", "cashier", 0)},
                           {42, event(8, "pending", "paid", "poll", 0)},
                           {43, event(9, "paid", "partially_refunded", "request", 200)}}};
    write("link_sync_batch", "three-events", link::encodeSyncBatch(batch));
    // The keys reconciliation reads: the provider's payment time and the till's refund number.
    QJsonObject paid = event(8, "pending", "paid", "poll", 0);
    paid.insert(QStringLiteral("paid_at_ms"), QStringLiteral("1767232790000"));
    QJsonObject refunded = event(9, "paid", "partially_refunded", "request", 200);
    refunded.insert(QStringLiteral("paid_at_ms"), QStringLiteral("1767232790000"));
    refunded.insert(QStringLiteral("out_request_no"),
                    terminal.outTradeNoPrefix() + QStringLiteral("20260101000001R2"));
    write("link_sync_batch", "ledger-keys",
          link::encodeSyncBatch(link::SyncBatch{terminal, {{42, paid}, {43, refunded}}}));
    // The people the store's report names: the order's cashier, a refund's approver and reason.
    paid.insert(QStringLiteral("cashier_id"), QStringLiteral("C01"));
    refunded.insert(QStringLiteral("cashier_id"), QStringLiteral("C01"));
    refunded.insert(QStringLiteral("approved_by"), QStringLiteral("M01"));
    refunded.insert(QStringLiteral("reason"), QStringLiteral("退货 \"broken\""));
    write("link_sync_batch", "people-keys",
          link::encodeSyncBatch(link::SyncBatch{terminal, {{42, paid}, {43, refunded}}}));
    write("link_sync_batch", "answer", link::encodeSyncAnswer({43, 1767232806000}));

    write("link_message", "hello", link::encodeLinkMessage(link::LinkHello{1767232806000}));
    link::RelayedNotification relayed;
    relayed.id = 17;
    relayed.provider = QStringLiteral("alipay");
    relayed.outTradeNo = terminal.outTradeNoPrefix() + QStringLiteral("20260101000001");
    relayed.receivedAtMs = 1767232806000;
    relayed.headers.insert("content-type", "application/x-www-form-urlencoded; charset=utf-8");
    relayed.body = alipayForm;
    write("link_message", "relayed-alipay", link::encodeLinkMessage(relayed));
    relayed.provider = QStringLiteral("wechat");
    relayed.headers = {{"wechatpay-timestamp", "1767232806"},
                       {"wechatpay-nonce", "5K8264ILTKCH16CQ2502SI8ZNMTM67VS"},
                       {"wechatpay-serial", "PUB_KEY_ID_0114232020262026010100000000000001"},
                       {"wechatpay-signature", "c2lnbmF0dXJl"}};
    relayed.body = wechatBody;
    write("link_message", "relayed-wechat", link::encodeLinkMessage(relayed));
    write("link_message", "ack-applied",
          link::encodeLinkMessage(link::LinkAck{17, link::LinkAck::Result::Applied, {}}));
    write("link_message", "ack-rejected",
          link::encodeLinkMessage(link::LinkAck{18, link::LinkAck::Result::Rejected,
                                                QStringLiteral("wechat.notify_bad_signature")}));
    write("link_message", "settle",
          link::encodeLinkMessage(
              link::SettleRequest{19,
                                  QStringLiteral("wechat"),
                                  terminal.outTradeNoPrefix() + QStringLiteral("20260101000001"),
                                  {}}));
    link::SettleAnswer settled;
    settled.id = 19;
    settled.result = link::SettleAnswer::Result::Applied;
    settled.state = QStringLiteral("paid");
    settled.providerState = QStringLiteral("SUCCESS");
    write("link_message", "settled-applied", link::encodeLinkMessage(settled));
    settled = link::SettleAnswer{};
    settled.id = 20;
    settled.code = QStringLiteral("settle.not_answered");
    write("link_message", "settled-failed", link::encodeLinkMessage(settled));

    link::EnrollmentCode code;
    code.serverUrl = QUrl(QStringLiteral("https://store.example:8443"));
    code.terminal = terminal;
    code.secret = {QStringLiteral("K1"), QByteArray(link::kSecretBytes, '\x5a')};
    code.certificateFingerprint = QString::fromLatin1(QByteArray(32, '\x3c').toHex());
    const QByteArray body = link::encodeSyncBatch(batch);
    const QByteArray header =
        *link::authorizationHeader(terminal, code.secret, "POST", "/v1/sync", body, 1767232806000);
    write("link_enrollment", "code-and-request", fields({code.encode().toUtf8(), header, body}));
    code.certificateFingerprint.clear();
    code.serverUrl = QUrl(QStringLiteral("http://127.0.0.1:8080"));
    write("link_enrollment", "loopback-code", fields({code.encode().toUtf8(), header, {}}));

    write("server_intake", "alipay-and-wechat", fields({alipayForm, wechatBody}));
}

// What a till reads from its store server: a batch, an item, a report (the reader is chosen by
// the first byte, as fuzz_server_answers.cpp says).
void serverAnswerSeeds() {
    reconcile::StoredBatch batch;
    batch.id = 3;
    batch.provider = Channel::WeChat;
    batch.merchantId = QStringLiteral("1900000109");
    batch.day = QDate(2026, 1, 1);
    batch.state = reconcile::BatchState::Complete;
    batch.totals.provider = {12, 152400, 1, 200};
    batch.totals.local = {12, 152400, 1, 200};
    batch.totals.fee = *money::parseSubFenYuan(QStringLiteral("-9.14400"), QStringLiteral("fee"));
    batch.totals.matched = 13;
    batch.itemCount = 1;
    batch.openItemCount = 1;
    batch.billSha256 = QString::fromLatin1(QByteArray(32, '\x2a').toHex());
    batch.billFile = QStringLiteral("wechat-1900000109-2026-01-01.csv.gz");
    batch.attempts = 1;
    batch.createdAtMs = 1767321000000;
    batch.updatedAtMs = 1767321000000;
    write("server_answers", "batch",
          QByteArray(1, '\0') + QJsonDocument(reconcile::batchToJson(batch)).toJson());

    reconcile::StoredItem item;
    item.id = 9;
    item.batchId = 3;
    item.item.kind = reconcile::DifferenceClass::Amount;
    item.item.provider = Channel::WeChat;
    item.item.outTradeNo = QStringLiteral("S1_T1_20260101000001");
    item.item.localState = QStringLiteral("paid");
    item.item.localAmountFen = 1234;
    item.item.providerState = QStringLiteral("SUCCESS");
    item.item.providerAmountFen = 1243;
    item.item.providerTradeNo = QStringLiteral("4200000000202601010000000001");
    item.item.billLine = 7;
    item.item.detail = QStringLiteral("amount differs");
    item.resolution = reconcile::ItemResolution::Handled;
    item.note = QStringLiteral("买家补差价");
    item.resolvedBy = QStringLiteral("M01");
    item.resolvedAtMs = 1767322000000;
    write("server_answers", "item",
          QByteArray(1, '\1') + QJsonDocument(reconcile::itemToJson(item)).toJson());

    reports::SalesReport report;
    report.fromDay = 20260101;
    report.toDay = 20260101;
    report.total = {12, 152400, 1, 200};
    report.channels = {{QStringLiteral("alipay"), {7, 88800, 1, 200}},
                       {QStringLiteral("wechat"), {5, 63600, 0, 0}}};
    for (int hour = 0; hour < 24; ++hour)
        report.hours.append(
            {hour, hour == 12 ? reports::Figures{12, 152400, 1, 200} : reports::Figures{}});
    report.days = {{20260101, {12, 152400, 1, 200}}};
    report.cashiers = {{QStringLiteral("C01"), QStringLiteral("王芳"), {12, 152400, 1, 200}}};
    report.refunds = {{1767240000000, 20260101, QStringLiteral("S1_T1_20260101000001"),
                       QStringLiteral("alipay"), QStringLiteral("C01"), 200, QStringLiteral("M01"),
                       QStringLiteral("退货")}};
    write("server_answers", "report",
          QByteArray(1, '\2') + QJsonDocument(reports::toJson(report)).toJson());
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (argc != 2) {
        std::fprintf(stderr, "usage: qpos-fuzz-seeds CORPUS_DIR (tests/fuzz/corpus)\n");
        return 2;
    }
    g_root = QString::fromLocal8Bit(argv[1]);
    const Result<crypto::RsaPrivateKey> key = crypto::RsaPrivateKey::generate(2048);
    if (!key) {
        std::fprintf(stderr, "cannot make an RSA key: %s\n", qPrintable(key.error().message));
        return 1;
    }
    moneySeeds();
    const QByteArray alipayForm = alipaySeeds(*key);
    alipayBillSeeds();
    const QByteArray wechatBody = wechatSeeds(*key);
    wechatBillSeeds();
    keySeeds(*key);
    scannerSeeds();
    linkSeeds(alipayForm, wechatBody);
    serverAnswerSeeds();
    return 0;
}
