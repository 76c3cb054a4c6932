#include "core/link/EnrollmentCode.h"
#include "core/link/LinkMessages.h"
#include "core/link/ReplayGuard.h"
#include "core/link/RequestSignature.h"
#include "core/link/SyncBatch.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace qpos;
using namespace qpos::link;

// The till-server protocol's codec (docs/server-protocol.md): both sides use it, so these
// tests pin the bytes against values computed outside the project.
class TestLinkCodec : public QObject {
    Q_OBJECT

    static QByteArray secretBytes() { return QByteArray(32, '\xab'); }
    static const TerminalIdentity& terminal() {
        static const TerminalIdentity t{QStringLiteral("S001"), QStringLiteral("T07")};
        return t;
    }

private slots:
    void signatureMatchesAnIndependentlyComputedVector() {
        // openssl dgst -sha256 -mac HMAC -macopt hexkey:abab…ab over the string below.
        const QString nonce = QStringLiteral("00112233445566778899aabbccddeeff");
        QCOMPARE(stringToSign("POST", "/v1/sync", 1764806400, nonce, "{\"a\":1}"),
                 QByteArray("POST\n/v1/sync\n1764806400\n00112233445566778899aabbccddeeff\n"
                            "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862\n"));
        QCOMPARE(requestSignature(secretBytes(), "POST", "/v1/sync", 1764806400, nonce, "{\"a\":1}")
                     .toBase64(),
                 QByteArray("xY2zeqaB3eDNWRC8DxeQz8qMRbQFVIHwsvBJelBbHJU="));
    }

    void headerRoundTripsAndVerifies() {
        const TerminalSecret secret{QStringLiteral("k1"), secretBytes()};
        const Result<QByteArray> header =
            authorizationHeader(terminal(), secret, "POST", "/v1/sync", "{}", 1764806400123);
        QVERIFY(header.ok());
        const Result<RequestAuthorization> parsed = parseAuthorization(*header);
        QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
        QCOMPARE(parsed->terminal, terminal());
        QCOMPARE(parsed->keyId, QStringLiteral("k1"));
        QCOMPARE(parsed->timestampS, 1764806400);
        QVERIFY(signatureMatches(*parsed, secretBytes(), "POST", "/v1/sync", "{}"));
        // Any change of what was signed, or another secret, fails.
        QVERIFY(!signatureMatches(*parsed, secretBytes(), "POST", "/v1/sync", "{ }"));
        QVERIFY(!signatureMatches(*parsed, secretBytes(), "GET", "/v1/sync", "{}"));
        QVERIFY(!signatureMatches(*parsed, secretBytes(), "POST", "/v1/link", "{}"));
        QVERIFY(!signatureMatches(*parsed, QByteArray(32, '\xac'), "POST", "/v1/sync", "{}"));
        RequestAuthorization shifted = *parsed;
        shifted.timestampS += 1;
        QVERIFY(!signatureMatches(shifted, secretBytes(), "POST", "/v1/sync", "{}"));
    }

    void malformedHeadersAreRefusedWithTheirCode_data() {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QString>("code");
        const QByteArray sig = QByteArray(32, 'x').toBase64();
        const QByteArray good = "store=\"S001\",terminal=\"T07\",key=\"k1\",timestamp=\"1\","
                                "nonce=\"00112233445566778899aabbccddeeff\",signature=\"" +
                                sig + '"';
        QTest::newRow("empty") << QByteArray() << "auth.missing";
        QTest::newRow("other scheme") << QByteArray("Bearer abc") << "auth.missing";
        QTest::newRow("good") << "QPOS-HMAC-SHA256 " + good << "";
        QTest::newRow("repeated field") << "QPOS-HMAC-SHA256 " + good + ",store=\"S002\""
                                        << "auth.malformed";
        QTest::newRow("unknown field") << "QPOS-HMAC-SHA256 " + good + ",x=\"1\""
                                       << "auth.malformed";
        QTest::newRow("missing nonce")
            << QByteArray("QPOS-HMAC-SHA256 store=\"S001\",terminal=\"T07\",key=\"k1\","
                          "timestamp=\"1\",signature=\"" +
                          sig + "\"")
            << "auth.malformed";
        QTest::newRow("upper-case nonce")
            << QByteArray(good).replace("aabbcc", "AABBCC").prepend("QPOS-HMAC-SHA256 ")
            << "auth.malformed";
        QTest::newRow("short signature")
            << QByteArray(good).replace(sig, "AAAA").prepend("QPOS-HMAC-SHA256 ")
            << "auth.malformed";
        QTest::newRow("negative timestamp") << QByteArray(good)
                                                   .replace("timestamp=\"1\"", "timestamp=\"-1\"")
                                                   .prepend("QPOS-HMAC-SHA256 ")
                                            << "auth.malformed";
        QTest::newRow("unterminated")
            << QByteArray("QPOS-HMAC-SHA256 store=\"S001") << "auth.malformed";
        QTest::newRow("bad terminal")
            << QByteArray(good).replace("T07", "T 7").prepend("QPOS-HMAC-SHA256 ")
            << "auth.malformed";
    }
    void malformedHeadersAreRefusedWithTheirCode() {
        QFETCH(QByteArray, header);
        QFETCH(QString, code);
        const Result<RequestAuthorization> parsed = parseAuthorization(header);
        if (code.isEmpty()) {
            QVERIFY(parsed.ok());
        } else {
            QVERIFY(!parsed.ok());
            QCOMPARE(parsed.error().code, code);
            QVERIFY(!parsed.error().message.isEmpty());
        }
    }

    void replayGuardRefusesStaleAndRepeatedRequests() {
        ReplayGuard guard;
        const qint64 now = 1764806400000;
        RequestAuthorization a;
        a.terminal = terminal();
        a.nonce = QStringLiteral("00112233445566778899aabbccddeeff");
        a.timestampS = now / 1000 - 301;
        QCOMPARE(guard.admit(a, now).error().code, QStringLiteral("auth.stale"));
        a.timestampS = now / 1000 + 301;
        QCOMPARE(guard.admit(a, now).error().code, QStringLiteral("auth.stale"));
        a.timestampS = now / 1000 + 300;
        QVERIFY(guard.admit(a, now).ok());
        QCOMPARE(guard.admit(a, now + 1000).error().code, QStringLiteral("auth.replayed"));
        // Another terminal may use the same nonce.
        RequestAuthorization other = a;
        other.terminal.terminalId = QStringLiteral("T08");
        QVERIFY(guard.admit(other, now).ok());
        // Still refused for as long as the timestamp could pass; forgotten after that.
        QCOMPARE(guard.admit(a, now + 600'000).error().code, QStringLiteral("auth.replayed"));
        QCOMPARE(guard.admit(a, now + 600'001).error().code, QStringLiteral("auth.stale"));
        QCOMPARE(guard.rememberedNonces(), 0);
    }

    void enrollmentCodeRoundTrips() {
        EnrollmentCode code;
        code.serverUrl = QUrl(QStringLiteral("https://pos.example.cn:8443"));
        code.terminal = terminal();
        code.secret = {QStringLiteral("k1"), secretBytes()};
        code.certificateFingerprint = QString(64, u'a');
        const QString text = code.encode();
        QVERIFY(text.startsWith(u"QPOS1-"));
        QVERIFY(!text.contains(u'=') && !text.contains(u'+') && !text.contains(u'/'));
        const Result<EnrollmentCode> back =
            EnrollmentCode::decode(QStringLiteral("  ") + text + u'\n');
        QVERIFY(back.ok());
        QCOMPARE(back->serverUrl, code.serverUrl);
        QCOMPARE(back->terminal, code.terminal);
        QCOMPARE(back->secret.keyId, code.secret.keyId);
        QCOMPARE(back->secret.secret, code.secret.secret);
        QCOMPARE(back->certificateFingerprint, code.certificateFingerprint);
    }

    void malformedEnrollmentCodesAreRefused_data() {
        QTest::addColumn<QString>("text");
        auto wrap = [](const QByteArray& json) {
            return QStringLiteral("QPOS1-") +
                   QString::fromLatin1(json.toBase64(QByteArray::Base64UrlEncoding |
                                                     QByteArray::OmitTrailingEquals));
        };
        const QByteArray secret = QByteArray(32, 'x').toBase64(QByteArray::Base64UrlEncoding |
                                                               QByteArray::OmitTrailingEquals);
        QTest::newRow("empty") << QString();
        QTest::newRow("no prefix") << QStringLiteral("abc");
        QTest::newRow("cut") << wrap("{\"v\":1,\"url\":\"https://a\"").left(20);
        QTest::newRow("newer version") << wrap("{\"v\":2}");
        QTest::newRow("plain http to another host")
            << wrap("{\"v\":1,\"url\":\"http://pos.example.cn\",\"store\":\"S1\",\"terminal\":"
                    "\"T1\",\"key\":\"k1\",\"secret\":\"" +
                    secret + "\"}");
        QTest::newRow("short secret")
            << wrap("{\"v\":1,\"url\":\"https://pos.example.cn\",\"store\":\"S1\",\"terminal\":"
                    "\"T1\",\"key\":\"k1\",\"secret\":\"abcd\"}");
        QTest::newRow("bad fingerprint")
            << wrap("{\"v\":1,\"url\":\"https://pos.example.cn\",\"store\":\"S1\",\"terminal\":"
                    "\"T1\",\"key\":\"k1\",\"secret\":\"" +
                    secret + "\",\"fingerprint\":\"zz\"}");
    }
    void malformedEnrollmentCodesAreRefused() {
        QFETCH(QString, text);
        const Result<EnrollmentCode> code = EnrollmentCode::decode(text);
        QVERIFY(!code.ok());
        QCOMPARE(code.error().code, QStringLiteral("enroll.malformed_code"));
    }

    void loopbackHttpIsAllowedForTheSandbox() {
        EnrollmentCode code;
        code.serverUrl = QUrl(QStringLiteral("http://127.0.0.1:18443"));
        code.terminal = terminal();
        code.secret = {QStringLiteral("k1"), secretBytes()};
        QVERIFY(EnrollmentCode::decode(code.encode()).ok());
    }

    void linkMessagesRoundTrip() {
        RelayedNotification n;
        n.id = 1207;
        n.provider = QStringLiteral("wechat");
        n.outTradeNo = QStringLiteral("S001_T07_20261204_0001");
        n.receivedAtMs = 1764806400100;
        n.headers.insert("wechatpay-serial", "5157F09EFDC096DE15EBE81A47057A7232F1B8E1");
        n.body = QByteArray("{\"id\":\"x\"}\x00\xff", 12);
        const Result<LinkMessage> back = decodeLinkMessage(encodeLinkMessage(n));
        QVERIFY(back.ok());
        const auto* got = std::get_if<RelayedNotification>(&*back);
        QVERIFY(got);
        QCOMPARE(got->id, n.id);
        QCOMPARE(got->provider, n.provider);
        QCOMPARE(got->outTradeNo, n.outTradeNo);
        QCOMPARE(got->receivedAtMs, n.receivedAtMs);
        QCOMPARE(got->headers, n.headers);
        QCOMPARE(got->body, n.body); // the provider's bytes, untouched

        const Result<LinkMessage> ack = decodeLinkMessage(
            encodeLinkMessage(LinkAck{9, LinkAck::Result::Rejected, QStringLiteral("x.bad")}));
        QVERIFY(ack.ok());
        QCOMPARE(std::get<LinkAck>(*ack).code, QStringLiteral("x.bad"));
        QCOMPARE(std::get<LinkAck>(*ack).result, LinkAck::Result::Rejected);
        const Result<LinkMessage> hello = decodeLinkMessage(encodeLinkMessage(LinkHello{42}));
        QCOMPARE(std::get<LinkHello>(*hello).serverTimeMs, 42);
    }

    void settleMessagesRoundTrip() {
        const SettleRequest request{
            31, QStringLiteral("alipay"), QStringLiteral("S001_T07_20261204_00000042"), {}};
        const Result<LinkMessage> back = decodeLinkMessage(encodeLinkMessage(request));
        QVERIFY(back.ok());
        const auto* got = std::get_if<SettleRequest>(&*back);
        QVERIFY(got);
        QCOMPARE(got->id, 31);
        QCOMPARE(got->provider, request.provider);
        QCOMPARE(got->outTradeNo, request.outTradeNo);

        QVERIFY(!encodeLinkMessage(request).contains("out_request_no"));
        // About one refund of the trade: its request number goes along.
        const SettleRequest refund{32, QStringLiteral("wechat"),
                                   QStringLiteral("S001_T07_20261204_00000042"),
                                   QStringLiteral("MP-2026|12*04@1")};
        const Result<LinkMessage> refundBack = decodeLinkMessage(encodeLinkMessage(refund));
        QVERIFY(refundBack.ok());
        QCOMPARE(std::get<SettleRequest>(*refundBack).outRequestNo, refund.outRequestNo);
        SettleAnswer recorded;
        recorded.id = 32;
        recorded.result = SettleAnswer::Result::Applied;
        recorded.state = QStringLiteral("succeeded");
        recorded.providerState = QStringLiteral("SUCCESS");
        const Result<LinkMessage> r = decodeLinkMessage(encodeLinkMessage(recorded));
        QVERIFY(r.ok());
        QCOMPARE(std::get<SettleAnswer>(*r).state, QStringLiteral("succeeded"));

        SettleAnswer applied;
        applied.id = 31;
        applied.result = SettleAnswer::Result::Applied;
        applied.state = QStringLiteral("paid");
        applied.providerState = QStringLiteral("TRADE_SUCCESS");
        const Result<LinkMessage> a = decodeLinkMessage(encodeLinkMessage(applied));
        QVERIFY(a.ok());
        const auto& answer = std::get<SettleAnswer>(*a);
        QCOMPARE(answer.id, 31);
        QCOMPARE(answer.result, SettleAnswer::Result::Applied);
        QCOMPARE(answer.state, QStringLiteral("paid"));
        QCOMPARE(answer.providerState, QStringLiteral("TRADE_SUCCESS"));

        // The till has no such order: no state, the provider's word still.
        SettleAnswer noOrder = applied;
        noOrder.result = SettleAnswer::Result::Unchanged;
        noOrder.state.clear();
        const Result<LinkMessage> n = decodeLinkMessage(encodeLinkMessage(noOrder));
        QVERIFY(n.ok());
        QVERIFY(std::get<SettleAnswer>(*n).state.isEmpty());
        QCOMPARE(std::get<SettleAnswer>(*n).result, SettleAnswer::Result::Unchanged);

        SettleAnswer failed;
        failed.id = 32;
        failed.code = QStringLiteral("settle.not_answered");
        const Result<LinkMessage> f = decodeLinkMessage(encodeLinkMessage(failed));
        QVERIFY(f.ok());
        QCOMPARE(std::get<SettleAnswer>(*f).result, SettleAnswer::Result::Failed);
        QCOMPARE(std::get<SettleAnswer>(*f).code, failed.code);

        // A settle request the till cannot read is still answered by its id.
        const QByteArray bad("{\"type\":\"settle\",\"id\":\"33\",\"provider\":\"paypal\","
                             "\"out_trade_no\":\"a\"}");
        QVERIFY(!decodeLinkMessage(bad).ok());
        QCOMPARE(refusedSettleId(bad), 33);
        QVERIFY(!refusedNotificationId(bad));
    }

    void malformedLinkMessagesAreRefused_data() {
        QTest::addColumn<QByteArray>("frame");
        QTest::newRow("not json") << QByteArray("{");
        QTest::newRow("array") << QByteArray("[]");
        QTest::newRow("unknown type") << QByteArray("{\"type\":\"pay\"}");
        QTest::newRow("number id")
            << QByteArray("{\"type\":\"ack\",\"id\":5,\"result\":\"applied\"}");
        QTest::newRow("bad result")
            << QByteArray("{\"type\":\"ack\",\"id\":\"5\",\"result\":\"ok\"}");
        QTest::newRow("bad provider")
            << QByteArray("{\"type\":\"notification\",\"id\":\"1\",\"received_at_ms\":\"1\","
                          "\"provider\":\"paypal\",\"out_trade_no\":\"a\",\"headers\":{},"
                          "\"body\":\"\"}");
        QTest::newRow("bad body") << QByteArray(
            "{\"type\":\"notification\",\"id\":\"1\",\"received_at_ms\":\"1\","
            "\"provider\":\"alipay\",\"out_trade_no\":\"a\",\"headers\":{},"
            "\"body\":\"@@\"}");
        QTest::newRow("upper-case header") << QByteArray(
            "{\"type\":\"notification\",\"id\":\"1\",\"received_at_ms\":\"1\","
            "\"provider\":\"alipay\",\"out_trade_no\":\"a\",\"headers\":{\"A\":\"b\"},"
            "\"body\":\"\"}");
        QTest::newRow("settle without out_trade_no")
            << QByteArray("{\"type\":\"settle\",\"id\":\"1\",\"provider\":\"alipay\"}");
        QTest::newRow("settle with an empty out_request_no") << QByteArray(
            "{\"type\":\"settle\",\"id\":\"1\",\"provider\":\"alipay\","
            "\"out_trade_no\":\"S001_T07_20261204_00000042\",\"out_request_no\":\"\"}");
        QTest::newRow("settle with a bad out_request_no") << QByteArray(
            "{\"type\":\"settle\",\"id\":\"1\",\"provider\":\"alipay\","
            "\"out_trade_no\":\"S001_T07_20261204_00000042\",\"out_request_no\":\"R 1\"}");
        QTest::newRow("settle with a number out_request_no")
            << QByteArray("{\"type\":\"settle\",\"id\":\"1\",\"provider\":\"alipay\","
                          "\"out_trade_no\":\"S001_T07_20261204_00000042\",\"out_request_no\":7}");
        QTest::newRow("settle with a number id")
            << QByteArray("{\"type\":\"settle\",\"id\":1,\"provider\":\"alipay\","
                          "\"out_trade_no\":\"a\"}");
        QTest::newRow("settled with an unknown result")
            << QByteArray("{\"type\":\"settled\",\"id\":\"1\",\"result\":\"paid\","
                          "\"provider_state\":\"\"}");
        QTest::newRow("settled with an unknown state")
            << QByteArray("{\"type\":\"settled\",\"id\":\"1\",\"result\":\"applied\","
                          "\"state\":\"rich\",\"provider_state\":\"TRADE_SUCCESS\"}");
        QTest::newRow("settled without the provider's word")
            << QByteArray("{\"type\":\"settled\",\"id\":\"1\",\"result\":\"applied\","
                          "\"state\":\"paid\"}");
        QTest::newRow("settled failed without a code")
            << QByteArray("{\"type\":\"settled\",\"id\":\"1\",\"result\":\"failed\"}");
        QTest::newRow("settled failed with a sentence")
            << QByteArray("{\"type\":\"settled\",\"id\":\"1\",\"result\":\"failed\","
                          "\"code\":\"it broke\"}");
        QTest::newRow("too large") << QByteArray(kMaxLinkMessageBytes + 1, ' ');
    }
    void malformedLinkMessagesAreRefused() {
        QFETCH(QByteArray, frame);
        const Result<LinkMessage> m = decodeLinkMessage(frame);
        QVERIFY(!m.ok());
        QVERIFY(m.error().code.startsWith(u"link."));
    }

    void syncBatchRoundTripsAndRefusesBadBatches() {
        SyncBatch batch{terminal(), {}};
        batch.entries.append(
            {41, QJsonObject{{QStringLiteral("new_state"), QStringLiteral("paid")}}});
        batch.entries.append(
            {45, QJsonObject{{QStringLiteral("amount_fen"), QStringLiteral("1")}}});
        const Result<SyncBatch> back = decodeSyncBatch(encodeSyncBatch(batch));
        QVERIFY(back.ok());
        QCOMPARE(back->terminal, batch.terminal);
        QCOMPARE(back->entries.size(), 2);
        QCOMPARE(back->entries[1].seq, 45);
        QCOMPARE(back->entries[0].payload, batch.entries[0].payload);

        SyncBatch backwards = batch;
        std::swap(backwards.entries[0], backwards.entries[1]);
        QCOMPARE(decodeSyncBatch(encodeSyncBatch(backwards)).error().code,
                 QStringLiteral("sync.malformed"));
        QCOMPARE(decodeSyncBatch(encodeSyncBatch(SyncBatch{terminal(), {}})).error().code,
                 QStringLiteral("sync.malformed"));
        QCOMPARE(decodeSyncBatch("{\"store\":\"S001\",\"terminal\":\"T07\",\"entries\":"
                                 "[{\"seq\":1,\"payload\":{}}]")
                     .error()
                     .code,
                 QStringLiteral("sync.malformed"));
        QCOMPARE(decodeSyncBatch(QByteArray(kMaxSyncBodyBytes + 1, ' ')).error().code,
                 QStringLiteral("sync.too_large"));

        const Result<SyncAnswer> answer = decodeSyncAnswer(encodeSyncAnswer({45, 1764806400123}));
        QVERIFY(answer.ok());
        QCOMPARE(answer->storedSeq, 45);
        QCOMPARE(answer->serverTimeMs, 1764806400123);
        QCOMPARE(decodeSyncAnswer("{\"stored_seq\":45}").error().code,
                 QStringLiteral("sync.malformed_answer"));
    }

    void terminalOwnsOnlyItsOrders() {
        QVERIFY(terminal().owns(QStringLiteral("S001_T07_20261204_0001")));
        QVERIFY(!terminal().owns(QStringLiteral("S001_T070_20261204_0001")));
        QVERIFY(!terminal().owns(QStringLiteral("S001_T08_20261204_0001")));
    }
};

QTEST_GUILESS_MAIN(TestLinkCodec)
#include "tst_link_codec.moc"
