// The tills' side of qpos-server over loopback: enrollment, every request-authentication
// refusal, outbox uploads (idempotent, never backwards, own orders only), and the push link:
// refused before any WebSocket exists, the provider's original bytes relayed, acknowledged,
// resent on reconnect and after a restart, an older connection replaced.
#include "core/link/EnrollmentCode.h"
#include "core/link/LinkMessages.h"
#include "core/link/RequestSignature.h"
#include "core/link/SyncBatch.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/SandboxServer.h"
#include "server/link/LinkHub.h"
#include "server/QposServer.h"
#include "server/terminals/TerminalAdmin.h"
#include "tests/sandbox/AlipayTestClient.h"
#include "tests/server/ServerTestSupport.h"
#include "tests/server/StoreUnderTest.h"
#include "tests/support/TempDir.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>
#include <QWebSocket>

using namespace qpos;
using namespace qpos::sandbox;
using namespace qpos::server;
using namespace qpos::test;

namespace {

const QString kApp = QStringLiteral("2021000000000002");
const link::TerminalIdentity kT07{QStringLiteral("S001"), QStringLiteral("T07")};
const link::TerminalIdentity kT08{QStringLiteral("S001"), QStringLiteral("T08")};

qint64 nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

QJsonObject outboxPayload(const link::TerminalIdentity& t, const QString& no, qint64 eventId,
                          const QString& state, qint64 amount = 1234) {
    return QJsonObject{{QStringLiteral("idempotency_key"), QStringLiteral("k-%1").arg(eventId)},
                       {QStringLiteral("event_id"), QString::number(eventId)},
                       {QStringLiteral("out_trade_no"), no},
                       {QStringLiteral("store_id"), t.storeId},
                       {QStringLiteral("terminal_id"), t.terminalId},
                       {QStringLiteral("channel"), QStringLiteral("alipay")},
                       {QStringLiteral("amount_fen"), QString::number(amount)},
                       {QStringLiteral("refunded_fen"), QStringLiteral("0")},
                       {QStringLiteral("old_state"), QString()},
                       {QStringLiteral("new_state"), state},
                       {QStringLiteral("source"), QStringLiteral("cashier")},
                       {QStringLiteral("at_ms"), QString::number(nowMs())},
                       {QStringLiteral("provider_trade_no"), QString()}};
}

} // namespace

class TestServerLink : public QObject {
    Q_OBJECT

    std::unique_ptr<SandboxServer> m_sandbox;
    std::unique_ptr<AlipayTestClient> m_alipay;
    TempDir m_dir;
    StoreUnderTest m_backend{m_dir};
    ServerStore* m_store = nullptr;
    std::unique_ptr<QposServer> m_server;
    link::TerminalSecret m_t07;
    link::TerminalSecret m_t08;
    int m_sequence = 0;

    QUrl url(const QString& path, const char* scheme = "http") const {
        return QUrl(QStringLiteral("%1://127.0.0.1:%2%3")
                        .arg(QLatin1String(scheme))
                        .arg(m_server->port())
                        .arg(path));
    }
    QString nextNo(const link::TerminalIdentity& t = kT07) {
        return t.outTradeNoPrefix() +
               QStringLiteral("20261204_%1").arg(++m_sequence, 8, 10, QLatin1Char('0'));
    }

    void startServer() {
        auto alipayVerifier = std::make_shared<alipay::AlipayNotificationVerifier>(
            kApp, QString(), m_sandbox->alipay().alipayPublicKey());
        auto store = m_backend.makeStore();
        m_store = store.get();
        QposServer::Options o;
        o.linkIdleMs = 1500;
        m_server = std::make_unique<QposServer>(std::move(store),
                                                ProviderVerifiers(alipayVerifier, nullptr), o);
        QVERIFY(m_server->start().ok());
    }

    ServerAnswer signedRequest(const link::TerminalIdentity& t, const link::TerminalSecret& s,
                               const QByteArray& verb, const QString& path, const QByteArray& body,
                               qint64 atMs = nowMs()) {
        Result<QByteArray> auth =
            link::authorizationHeader(t, s, verb, path.toLatin1(), body, atMs);
        if (!auth)
            qFatal("cannot sign");
        return httpRequest(verb, url(path), body,
                           {{"Authorization", *auth}, {"Content-Type", "application/json"}});
    }
    static QString codeOf(const ServerAnswer& a) {
        return QJsonDocument::fromJson(a.body).object().value(u"code").toString();
    }
    ServerAnswer upload(const link::TerminalIdentity& t, const link::TerminalSecret& s,
                        const QList<link::SyncEntry>& entries,
                        const link::TerminalIdentity& claimed = {}) {
        link::SyncBatch batch;
        batch.terminal = claimed.storeId.isEmpty() ? t : claimed;
        batch.entries = entries;
        return signedRequest(t, s, "POST", QStringLiteral("/v1/sync"),
                             link::encodeSyncBatch(batch));
    }
    std::optional<ServerOrder> serverOrder(const QString& no) {
        Result<std::optional<ServerOrder>> o = m_store->order(no);
        return o ? *o : std::nullopt;
    }
    // An Alipay order of T07 paid by the simulated buyer; its notification goes to the server.
    QString paidOrder(const link::TerminalIdentity& t = kT07) {
        const QString no = nextNo(t);
        const GatewayResult r = m_alipay->precreate(
            no, QStringLiteral("12.34"), url(QStringLiteral("/notify/alipay")).toString());
        if (r.code() != u"10000")
            qFatal("precreate failed");
        if (!m_sandbox->alipay().buyerPay(no).ok())
            qFatal("pay failed");
        return no;
    }

    struct LinkClient {
        std::unique_ptr<QWebSocket> socket = std::make_unique<QWebSocket>();
        QList<QByteArray> frames;
        bool open = false;
        int closeCode = -1;
    };
    std::unique_ptr<LinkClient> connectLink(const link::TerminalIdentity& t,
                                            const link::TerminalSecret& s) {
        auto client = std::make_unique<LinkClient>();
        LinkClient* c = client.get();
        QNetworkRequest request(url(QStringLiteral("/v1/link"), "ws"));
        Result<QByteArray> auth = link::authorizationHeader(t, s, "GET", "/v1/link", {}, nowMs());
        request.setRawHeader("Authorization", *auth);
        connect(c->socket.get(), &QWebSocket::textMessageReceived, this,
                [c](const QString& text) { c->frames << text.toUtf8(); });
        connect(c->socket.get(), &QWebSocket::connected, this, [c] { c->open = true; });
        connect(c->socket.get(), qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
                [c] { qWarning() << "link client:" << c->socket->errorString(); });
        connect(c->socket.get(), &QWebSocket::disconnected, this, [c] {
            c->open = false;
            c->closeCode = c->socket->closeCode();
        });
        c->socket->open(request);
        return client;
    }
    static std::optional<link::RelayedNotification> relayed(const LinkClient& c,
                                                            const QString& no) {
        for (const QByteArray& f : c.frames) {
            Result<link::LinkMessage> m = link::decodeLinkMessage(f);
            if (!m)
                continue;
            if (const auto* n = std::get_if<link::RelayedNotification>(&*m);
                n && n->outTradeNo == no)
                return *n;
        }
        return std::nullopt;
    }
    void ack(LinkClient& c, qint64 id) {
        c.socket->sendTextMessage(QString::fromUtf8(
            link::encodeLinkMessage(link::LinkAck{id, link::LinkAck::Result::Applied, {}})));
    }

private slots:
    void initTestCase() {
        QPOS_PREPARE_STORE(m_backend);
        qInfo().noquote() << "server store:" << m_backend.name();
        SandboxOptions options;
        options.alipay.notifyScale = 0.0001;
        options.alipay.notifyTimeoutMs = 3000;
        m_sandbox = std::make_unique<SandboxServer>(options);
        QVERIFY(m_sandbox->listen().ok());
        Result<crypto::RsaPrivateKey> appKey = m_sandbox->alipay().createApp(kApp);
        QVERIFY(appKey.ok());
        m_alipay = std::make_unique<AlipayTestClient>(m_sandbox->baseUrl(), kApp, *appKey,
                                                      m_sandbox->alipay().alipayPublicKey());
        startServer();
        TerminalAdmin admin(*m_store, url(QStringLiteral("/")), QString(), 86400 * 1000LL);
        for (const auto& [identity, secret] : {std::pair{kT07, &m_t07}, std::pair{kT08, &m_t08}}) {
            Result<link::EnrollmentCode> code = admin.add(identity, nowMs());
            QVERIFY(code.ok());
            Result<link::EnrollmentCode> decoded = link::EnrollmentCode::decode(code->encode());
            QVERIFY(decoded.ok());
            QCOMPARE(decoded->terminal, identity);
            QVERIFY(decoded->certificateFingerprint.isEmpty()); // plain HTTP: no certificate
            *secret = decoded->secret;
        }
    }

    void aTerminalEnrollsOnce() {
        ServerAnswer a = signedRequest(kT07, m_t07, "POST", QStringLiteral("/v1/enroll"), "{}");
        QCOMPARE(a.httpStatus, 200);
        const QJsonObject o = QJsonDocument::fromJson(a.body).object();
        QCOMPARE(o.value(u"store").toString(), QStringLiteral("S001"));
        QCOMPARE(o.value(u"terminal").toString(), QStringLiteral("T07"));
        QVERIFY(qAbs(o.value(u"server_time_ms").toString().toLongLong() - nowMs()) < 5000);
        a = signedRequest(kT07, m_t07, "POST", QStringLiteral("/v1/enroll"), "{}");
        QCOMPARE(a.httpStatus, 409);
        QCOMPARE(codeOf(a), QStringLiteral("enroll.used"));
    }

    void everyAuthenticationFailureHasItsCode() {
        const QByteArray body = link::encodeSyncBatch(link::SyncBatch{
            kT07, {{500, outboxPayload(kT07, nextNo(), 500, QStringLiteral("created"))}}});
        ServerAnswer a = httpRequest("POST", url(QStringLiteral("/v1/sync")), body);
        QCOMPARE(a.httpStatus, 401);
        QCOMPARE(codeOf(a), QStringLiteral("auth.missing"));
        a = httpRequest("POST", url(QStringLiteral("/v1/sync")), body,
                        {{"Authorization", "QPOS-HMAC-SHA256 store=\"S001\""}});
        QCOMPARE(codeOf(a), QStringLiteral("auth.malformed"));

        const link::TerminalIdentity stranger{QStringLiteral("S001"), QStringLiteral("T99")};
        a = signedRequest(stranger, m_t07, "POST", QStringLiteral("/v1/sync"), body);
        QCOMPARE(codeOf(a), QStringLiteral("auth.unknown_terminal"));
        link::TerminalSecret otherKey = m_t07;
        otherKey.keyId = QStringLiteral("k9");
        a = signedRequest(kT07, otherKey, "POST", QStringLiteral("/v1/sync"), body);
        QCOMPARE(codeOf(a), QStringLiteral("auth.unknown_terminal"));
        // T08's secret under T07's name: the MAC does not match.
        link::TerminalSecret wrong = m_t08;
        wrong.keyId = m_t07.keyId;
        a = signedRequest(kT07, wrong, "POST", QStringLiteral("/v1/sync"), body);
        QCOMPARE(a.httpStatus, 401);
        QCOMPARE(codeOf(a), QStringLiteral("auth.bad_signature"));
        // A body changed after signing.
        Result<QByteArray> auth =
            link::authorizationHeader(kT07, m_t07, "POST", "/v1/sync", body, nowMs());
        a = httpRequest("POST", url(QStringLiteral("/v1/sync")), body + " ",
                        {{"Authorization", *auth}});
        QCOMPARE(codeOf(a), QStringLiteral("auth.bad_signature"));
        // Signed 400 s ago.
        a = signedRequest(kT07, m_t07, "POST", QStringLiteral("/v1/sync"), body,
                          nowMs() - 400 * 1000);
        QCOMPARE(codeOf(a), QStringLiteral("auth.stale"));
        // The same request twice: the second is a replay.
        auth = link::authorizationHeader(kT07, m_t07, "POST", "/v1/sync", body, nowMs());
        a = httpRequest("POST", url(QStringLiteral("/v1/sync")), body, {{"Authorization", *auth}});
        QCOMPARE(a.httpStatus, 200);
        a = httpRequest("POST", url(QStringLiteral("/v1/sync")), body, {{"Authorization", *auth}});
        QCOMPARE(a.httpStatus, 401);
        QCOMPARE(codeOf(a), QStringLiteral("auth.replayed"));
        QVERIFY(m_server->metrics().refusals(QStringLiteral("auth.replayed")) >= 1);
    }

    void uploadsAreIdempotentAndNeverGoBack() {
        const QString no = nextNo();
        ServerAnswer a = upload(kT07, m_t07,
                                {{601, outboxPayload(kT07, no, 1, QStringLiteral("created"))},
                                 {602, outboxPayload(kT07, no, 2, QStringLiteral("paid"))}});
        QCOMPARE(a.httpStatus, 200);
        Result<link::SyncAnswer> answer = link::decodeSyncAnswer(a.body);
        QVERIFY(answer.ok());
        QCOMPARE(answer->storedSeq, 602);
        QVERIFY(qAbs(answer->serverTimeMs - nowMs()) < 5000);
        QCOMPARE(serverOrder(no)->state, OrderState::Paid);

        // The same batch again: nothing changes.
        a = upload(kT07, m_t07,
                   {{601, outboxPayload(kT07, no, 1, QStringLiteral("created"))},
                    {602, outboxPayload(kT07, no, 2, QStringLiteral("paid"))}});
        QCOMPARE(link::decodeSyncAnswer(a.body)->storedSeq, 602);
        QSqlQuery q(StoreUnderTest::sql(*m_store));
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM synced_entries")) && q.next());
        QCOMPARE(q.value(0).toInt(), 3); // with the one of the authentication test

        // An older `pending` arriving late does not overwrite `paid`.
        a = upload(kT07, m_t07, {{603, outboxPayload(kT07, no, 1, QStringLiteral("pending"))}});
        QCOMPARE(a.httpStatus, 200);
        QCOMPARE(link::decodeSyncAnswer(a.body)->storedSeq, 603);
        QCOMPARE(serverOrder(no)->state, OrderState::Paid);
        // A later refund moves it on.
        a = upload(kT07, m_t07, {{604, outboxPayload(kT07, no, 5, QStringLiteral("refunded"))}});
        QCOMPARE(serverOrder(no)->state, OrderState::Refunded);
    }

    void aTerminalActsOnlyOnItsOwnOrders() {
        const QString theirs = nextNo(kT08);
        ServerAnswer a =
            upload(kT07, m_t07, {{10, outboxPayload(kT07, theirs, 10, QStringLiteral("paid"))}});
        QCOMPARE(a.httpStatus, 403);
        QCOMPARE(codeOf(a), QStringLiteral("auth.wrong_terminal"));
        QVERIFY(!serverOrder(theirs));
        // Claiming to be T08 in the batch while signing as T07.
        a = upload(kT07, m_t07, {{10, outboxPayload(kT08, theirs, 10, QStringLiteral("paid"))}},
                   kT08);
        QCOMPARE(a.httpStatus, 403);
        QCOMPARE(codeOf(a), QStringLiteral("auth.wrong_terminal"));
        QVERIFY(!serverOrder(theirs));
    }

    void aBatchTheServerCannotReadStoresNothing() {
        const QString no = nextNo();
        QJsonObject broken = outboxPayload(kT07, no, 20, QStringLiteral("paid"));
        broken.insert(QStringLiteral("amount_fen"), QStringLiteral("12.5"));
        ServerAnswer a =
            upload(kT07, m_t07,
                   {{20, outboxPayload(kT07, no, 19, QStringLiteral("created"))}, {21, broken}});
        QCOMPARE(a.httpStatus, 400);
        QCOMPARE(codeOf(a), QStringLiteral("sync.malformed"));
        QVERIFY(!serverOrder(no));
        a = signedRequest(kT07, m_t07, "POST", QStringLiteral("/v1/sync"), "not json");
        QCOMPARE(a.httpStatus, 400);
        QCOMPARE(codeOf(a), QStringLiteral("sync.malformed"));
    }

    // An integer the till did not write (a sign, a space, a leading zero, a JSON number), an
    // amount of nothing, or more refunded than paid: two texts must never mean one value, and
    // the server's copy never holds what no till could have recorded.
    void anEntryOutsideTheTillsFormIsRefused_data() {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QJsonValue>("value");
        QTest::newRow("plus sign") << "amount_fen" << QJsonValue(QStringLiteral("+1234"));
        QTest::newRow("space") << "amount_fen" << QJsonValue(QStringLiteral(" 1234"));
        QTest::newRow("leading zero") << "event_id" << QJsonValue(QStringLiteral("020"));
        QTest::newRow("json number") << "amount_fen" << QJsonValue(1234);
        QTest::newRow("zero amount") << "amount_fen" << QJsonValue(QStringLiteral("0"));
        QTest::newRow("refunded above amount")
            << "refunded_fen" << QJsonValue(QStringLiteral("1235"));
        QTest::newRow("beyond money's range")
            << "amount_fen" << QJsonValue(QStringLiteral("99999999999999"));
    }
    void anEntryOutsideTheTillsFormIsRefused() {
        QFETCH(QString, field);
        QFETCH(QJsonValue, value);
        const QString no = nextNo();
        QJsonObject entry = outboxPayload(kT07, no, 30, QStringLiteral("paid"));
        QCOMPARE(entry.value(u"amount_fen").toString(), QStringLiteral("1234"));
        entry.insert(field, value);
        const ServerAnswer a = upload(kT07, m_t07, {{30, entry}});
        QCOMPARE(a.httpStatus, 400);
        QCOMPARE(codeOf(a), QStringLiteral("sync.malformed"));
        QVERIFY(!serverOrder(no));
    }

    void aRotatedKeyWorksDuringItsGraceOnly() {
        const link::TerminalIdentity t09{QStringLiteral("S001"), QStringLiteral("T09")};
        TerminalAdmin admin(*m_store, url(QStringLiteral("/")), QString(), 3600 * 1000LL);
        Result<link::EnrollmentCode> first = admin.add(t09, nowMs());
        QVERIFY(first.ok());
        Result<link::EnrollmentCode> second = admin.rotate(t09, nowMs());
        QVERIFY(second.ok());
        QCOMPARE(second->secret.keyId, QStringLiteral("k2"));
        const QByteArray body = link::encodeSyncBatch(link::SyncBatch{
            t09, {{1, outboxPayload(t09, nextNo(t09), 1, QStringLiteral("created"))}}});
        QCOMPARE(
            signedRequest(t09, first->secret, "POST", QStringLiteral("/v1/sync"), body).httpStatus,
            200);
        QCOMPARE(
            signedRequest(t09, second->secret, "POST", QStringLiteral("/v1/sync"), body).httpStatus,
            200);
        // No grace: the old key ends at once.
        TerminalAdmin strict(*m_store, url(QStringLiteral("/")), QString(), 0);
        Result<link::EnrollmentCode> third = strict.rotate(t09, nowMs());
        QVERIFY(third.ok());
        ServerAnswer a =
            signedRequest(t09, second->secret, "POST", QStringLiteral("/v1/sync"), body);
        QCOMPARE(codeOf(a), QStringLiteral("auth.revoked"));
        QCOMPARE(
            signedRequest(t09, third->secret, "POST", QStringLiteral("/v1/sync"), body).httpStatus,
            200);
        // Revoked: nothing works.
        QVERIFY(strict.revoke(t09, nowMs()).ok());
        a = signedRequest(t09, third->secret, "POST", QStringLiteral("/v1/sync"), body);
        QCOMPARE(codeOf(a), QStringLiteral("auth.revoked"));
    }

    void aRefusedUpgradeGetsPlainHttpAndNoWebSocket() {
        bool closed = false;
        const QByteArray upgrade = "GET /v1/link HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                                   "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
        QByteArray answer = rawExchange(m_server->port(), upgrade, 3000, &closed);
        QVERIFY2(answer.startsWith("HTTP/1.1 401"), answer.constData());
        QVERIFY(answer.contains("auth.missing"));
        QVERIFY(closed);
        QByteArray elsewhere = upgrade;
        elsewhere.replace("/v1/link", "/v1/other");
        answer = rawExchange(m_server->port(), elsewhere, 3000, &closed);
        QVERIFY2(answer.startsWith("HTTP/1.1 404"), answer.constData());
        // A stale signature on the upgrade.
        Result<QByteArray> auth =
            link::authorizationHeader(kT07, m_t07, "GET", "/v1/link", {}, nowMs() - 400000);
        QByteArray stale = upgrade;
        stale.replace("Host: x\r\n", "Host: x\r\nAuthorization: " + *auth + "\r\n");
        answer = rawExchange(m_server->port(), stale, 3000, &closed);
        QVERIFY2(answer.startsWith("HTTP/1.1 401"), answer.constData());
        QVERIFY(answer.contains("auth.stale"));
        QCOMPARE(m_server->metrics().refusals(QStringLiteral("auth.stale")) >= 1, true);
    }

    void aNotificationReachesItsTillWithTheProvidersBytes() {
        auto till = connectLink(kT07, m_t07);
        QTRY_VERIFY_WITH_TIMEOUT(till->open, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(!till->frames.isEmpty(), 15000);
        Result<link::LinkMessage> hello = link::decodeLinkMessage(till->frames.first());
        QVERIFY(hello.ok() && std::holds_alternative<link::LinkHello>(*hello));
        QTRY_COMPARE_WITH_TIMEOUT(
            m_server->metrics().render({}).contains("qpos_terminals_connected 1"), true, 15000);

        const QString no = paidOrder();
        QTRY_VERIFY_WITH_TIMEOUT(relayed(*till, no).has_value(), 10000);
        const link::RelayedNotification n = *relayed(*till, no);
        QCOMPARE(n.provider, QStringLiteral("alipay"));
        // The till verifies Alipay's own signature over the untouched bytes.
        Result<alipay::Params> params = alipay::parseForm(n.body);
        QVERIFY(params.ok());
        QVERIFY(alipay::verifyNotification(*params, m_sandbox->alipay().alipayPublicKey()).ok());
        QCOMPARE(params->value(QStringLiteral("out_trade_no")), no);
        QVERIFY(n.headers.contains("content-type"));

        ack(*till, n.id);
        Result<std::optional<TerminalRecord>> t = m_store->terminal(kT07);
        // One read per check: the relays still waiting for this till, without this one.
        const auto acknowledged = [&] {
            const Result<QList<PendingRelay>> pending = m_store->pendingRelays((*t)->rowId);
            return pending.ok() &&
                   std::none_of(pending->cbegin(), pending->cend(),
                                [&](const PendingRelay& p) { return p.id == n.id; });
        };
        QTRY_VERIFY_WITH_TIMEOUT(acknowledged(), 30000);
        // The latency is observed as the acknowledgement is handled, beside its commit.
        QTRY_VERIFY_WITH_TIMEOUT(
            m_server->metrics().render({}).contains("qpos_push_latency_seconds_count 1"), 15000);
        till->socket->close();
    }

    void anotherTerminalsAcknowledgementChangesNothing() {
        auto t07 = connectLink(kT07, m_t07);
        QTRY_VERIFY_WITH_TIMEOUT(t07->open, 15000);
        const QString no = paidOrder();
        QTRY_VERIFY_WITH_TIMEOUT(relayed(*t07, no).has_value(), 10000);
        const qint64 id = relayed(*t07, no)->id;
        auto t08 = connectLink(kT08, m_t08);
        QTRY_VERIFY_WITH_TIMEOUT(t08->open, 15000);
        QVERIFY(!relayed(*t08, no)); // T08 is never sent T07's notification
        const qint64 before = m_server->metrics().refusals(QStringLiteral("auth.wrong_terminal"));
        ack(*t08, id);
        QTRY_COMPARE_WITH_TIMEOUT(
            m_server->metrics().refusals(QStringLiteral("auth.wrong_terminal")), before + 1, 15000);
        Result<std::optional<TerminalRecord>> t = m_store->terminal(kT07);
        const QList<PendingRelay> pending = *m_store->pendingRelays((*t)->rowId);
        QVERIFY(std::any_of(pending.cbegin(), pending.cend(),
                            [&](const PendingRelay& p) { return p.id == id; }));
        ack(*t07, id);
        t07->socket->close();
        t08->socket->close();
    }

    void unacknowledgedMessagesAreResentOnReconnect() {
        auto first = connectLink(kT07, m_t07);
        QTRY_VERIFY_WITH_TIMEOUT(first->open, 15000);
        const QString no = paidOrder();
        QTRY_VERIFY_WITH_TIMEOUT(relayed(*first, no).has_value(), 10000);
        first->socket->close(); // the till goes away without acknowledging
        QTRY_VERIFY_WITH_TIMEOUT(!first->open, 15000);

        auto second = connectLink(kT07, m_t07);
        QTRY_VERIFY_WITH_TIMEOUT(relayed(*second, no).has_value(), 15000);
        QCOMPARE(relayed(*second, no)->id, relayed(*first, no)->id);
        ack(*second, relayed(*second, no)->id);
        QTest::qWait(200);
        second->socket->close();
    }

    void aNewerConnectionReplacesTheOlder() {
        auto older = connectLink(kT07, m_t07);
        QTRY_VERIFY_WITH_TIMEOUT(older->open, 15000);
        auto newer = connectLink(kT07, m_t07);
        QTRY_VERIFY_WITH_TIMEOUT(newer->open, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(!older->open, 15000);
        QCOMPARE(older->closeCode, int(LinkHub::kCloseReplaced));
        QVERIFY(newer->open);
        newer->socket->close();
    }

    void aSilentLinkIsClosed() {
        auto till = connectLink(kT07, m_t07);
        QTRY_VERIFY_WITH_TIMEOUT(till->open, 15000);
        // Qt answers the server's pings by itself: a live till stays connected.
        QTest::qWait(2500);
        QVERIFY(till->open);
        till->socket->close();

        // A till that upgrades and then never answers a ping is closed after the idle time.
        Result<QByteArray> auth =
            link::authorizationHeader(kT07, m_t07, "GET", "/v1/link", {}, nowMs());
        const QByteArray upgrade = "GET /v1/link HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                                   "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                   "Authorization: " +
                                   *auth + "\r\n\r\n";
        bool closed = false;
        QElapsedTimer timer;
        timer.start();
        const QByteArray answer = rawExchange(m_server->port(), upgrade, 6000, &closed);
        QVERIFY2(answer.startsWith("HTTP/1.1 101"), answer.constData());
        QVERIFY(closed);
        QVERIFY2(timer.elapsed() >= 1400 && timer.elapsed() < 5000,
                 qPrintable(QString::number(timer.elapsed())));
    }

    void aKeptNotificationIsMatchedByTheTillsUpload() {
        const QString no = paidOrder();
        auto notifyId = [&] {
            for (const AlipayNotificationAttempt& a : m_sandbox->alipay().notifications()) {
                if (a.outTradeNo == no && a.delivered)
                    return a.notifyId;
            }
            return QString();
        };
        QTRY_VERIFY_WITH_TIMEOUT(!notifyId().isEmpty(), 10000);
        QCOMPARE(**m_store->notificationVerdict(QStringLiteral("alipay"), notifyId()),
                 NotificationVerdict::AwaitingOrder);
        QCOMPARE(upload(kT07, m_t07, {{700, outboxPayload(kT07, no, 700, QStringLiteral("paid"))}})
                     .httpStatus,
                 200);
        QCOMPARE(**m_store->notificationVerdict(QStringLiteral("alipay"), notifyId()),
                 NotificationVerdict::Matched);
    }

    void aRestartedServerResendsWhatWasNotAcknowledged() {
        auto till = connectLink(kT07, m_t07);
        QTRY_VERIFY_WITH_TIMEOUT(till->open, 15000);
        const QString no = paidOrder();
        QTRY_VERIFY_WITH_TIMEOUT(relayed(*till, no).has_value(), 10000);
        const qint64 id = relayed(*till, no)->id;
        till->socket->abort();

        const quint16 port = m_server->port();
        Q_UNUSED(port);
        m_server.reset(); // the server stops with the message unacknowledged
        startServer();
        auto again = connectLink(kT07, m_t07);
        QTRY_VERIFY_WITH_TIMEOUT(relayed(*again, no).has_value(), 15000);
        QCOMPARE(relayed(*again, no)->id, id);
        again->socket->close();
    }
};

QTEST_GUILESS_MAIN(TestServerLink)
#include "tst_server_link.moc"
