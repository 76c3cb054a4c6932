// qpos-server's notification intake over loopback HTTP: real notifications signed by the
// sandbox's providers, recorded once and answered as each provider requires; forged, stale,
// malformed, oversized and slow posts refused and counted; the database going away; health
// and metrics; a notification kept until its order is uploaded.
#include "core/gateways/alipay/AlipayNotification.h"
#include "core/gateways/wechat/WechatNotification.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/faults/FaultRule.h"
#include "sandbox/SandboxServer.h"
#include "sandbox/wechat/WechatSimulator.h"
#include "server/QposServer.h"
#include "tests/sandbox/AlipayTestClient.h"
#include "tests/sandbox/WechatTestClient.h"
#include "tests/server/ServerTestSupport.h"
#include "tests/server/StoreUnderTest.h"
#include "tests/support/TempDir.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTest>

using namespace qpos;
using namespace qpos::sandbox;
using namespace qpos::server;
using namespace qpos::test;

namespace {

const QString kApp = QStringLiteral("2021000000000002");
const QString kMchId = QStringLiteral("1900000109");
const QString kAppId = QStringLiteral("wxd678efh567hg6787");

} // namespace

class TestServerNotify : public QObject {
    Q_OBJECT

    std::unique_ptr<SandboxServer> m_sandbox;
    std::unique_ptr<AlipayTestClient> m_alipay;
    std::unique_ptr<WechatTestClient> m_wechat;
    TempDir m_dir;
    StoreUnderTest m_backend{m_dir};
    ServerStore* m_store = nullptr; // owned by m_server
    std::unique_ptr<QposServer> m_server;
    int m_sequence = 0;

    QUrl url(const QString& path) const {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server->port()).arg(path));
    }
    QString nextNo(const QString& prefix = QStringLiteral("S001_T07_")) {
        return prefix + QStringLiteral("20261204_%1").arg(++m_sequence, 8, 10, QLatin1Char('0'));
    }
    ServerMetrics& metrics() { return m_server->metrics(); }

    int rowsFor(const QString& outTradeNo) {
        QSqlQuery q(StoreUnderTest::sql(*m_store));
        q.prepare(QStringLiteral("SELECT count(*) FROM notifications WHERE out_trade_no = ?"));
        q.addBindValue(outTradeNo);
        if (!q.exec() || !q.next())
            return -1;
        return q.value(0).toInt();
    }
    QString verdictOf(const QString& outTradeNo) {
        QSqlQuery q(StoreUnderTest::sql(*m_store));
        q.prepare(QStringLiteral("SELECT verdict FROM notifications WHERE out_trade_no = ?"));
        q.addBindValue(outTradeNo);
        if (!q.exec() || !q.next())
            return QString();
        return q.value(0).toString();
    }

    // An Alipay order paid by the simulated buyer, its notification sent to the server.
    QString paidAlipayOrder(const QString& amount = QStringLiteral("12.34"),
                            const QString& prefix = QStringLiteral("S001_T07_")) {
        const QString no = nextNo(prefix);
        const GatewayResult r =
            m_alipay->precreate(no, amount, url(QStringLiteral("/notify/alipay")).toString());
        if (r.code() != u"10000")
            qFatal("precreate failed");
        if (!m_sandbox->alipay().buyerPay(no).ok())
            qFatal("pay failed");
        return no;
    }
    QList<AlipayNotificationAttempt> alipayAttempts(const QString& no) {
        QList<AlipayNotificationAttempt> list;
        for (const AlipayNotificationAttempt& a : m_sandbox->alipay().notifications()) {
            if (a.outTradeNo == no)
                list << a;
        }
        return list;
    }
    QString paidWechatOrder(qint64 total = 1234) {
        const QString no = nextNo();
        if (m_wechat->native(no, total).status != 200)
            qFatal("native failed");
        if (!m_sandbox->wechat().buyerPay(no, kMchId).ok())
            qFatal("pay failed");
        return no;
    }
    QList<WechatNotificationAttempt> wechatAttempts(const QString& no) {
        QList<WechatNotificationAttempt> list;
        for (const WechatNotificationAttempt& a : m_sandbox->wechat().notifications()) {
            if (a.outTradeNo == no)
                list << a;
        }
        return list;
    }
    void addFault(const char* spec) {
        Result<FaultRule> rule = FaultRule::fromSpec(QString::fromLatin1(spec));
        QVERIFY(rule.ok());
        m_sandbox->faults().add(*rule);
    }
    // An uploaded order, as a till's sync would store it.
    void uploadOrder(const QString& no, const QString& channel, money::Fen amount, qint64 seq) {
        Result<std::optional<TerminalRecord>> t =
            m_store->terminal({QStringLiteral("S001"), QStringLiteral("T07")});
        QVERIFY(t.ok() && t->has_value());
        SyncedEntry e;
        e.seq = seq;
        e.outTradeNo = no;
        e.channel = channel;
        e.amountFen = amount;
        e.newState = OrderState::Pending;
        e.eventId = seq;
        e.atMs = QDateTime::currentMSecsSinceEpoch();
        e.payload = QJsonObject{{QStringLiteral("out_trade_no"), no}};
        QVERIFY(m_store->storeSyncEntries((*t)->rowId, {e}, e.atMs).ok());
    }

private slots:
    void initTestCase() {
        QPOS_PREPARE_STORE(m_backend);
        qInfo().noquote() << "server store:" << m_backend.name();
        SandboxOptions options;
        options.alipay.notifyScale = 0.0001; // Alipay's 4 minutes become 24 ms
        options.alipay.notifyTimeoutMs = 3000;
        options.wechat.notifyScale = 0.001; // WeChat's 15 s become 15 ms
        m_sandbox = std::make_unique<SandboxServer>(options);
        QVERIFY(m_sandbox->listen().ok());
        Result<crypto::RsaPrivateKey> appKey = m_sandbox->alipay().createApp(kApp);
        QVERIFY(appKey.ok());
        m_alipay = std::make_unique<AlipayTestClient>(m_sandbox->baseUrl(), kApp, *appKey,
                                                      m_sandbox->alipay().alipayPublicKey());
        Result<WechatMerchantCredentials> merchant =
            m_sandbox->wechat().createMerchant(kMchId, kAppId);
        QVERIFY(merchant.ok());
        m_wechat = std::make_unique<WechatTestClient>(m_sandbox->baseUrl(), *merchant,
                                                      m_sandbox->wechat().platformKeyId(),
                                                      m_sandbox->wechat().platformPublicKey());

        auto alipayVerifier = std::make_shared<alipay::AlipayNotificationVerifier>(
            kApp, QString(), m_sandbox->alipay().alipayPublicKey());
        auto wechatVerifier = std::make_shared<wechat::WechatNotificationVerifier>(
            kMchId, kAppId, merchant->apiV3Key,
            QList<wechat::WechatPlatformKey>{{m_sandbox->wechat().platformKeyId(),
                                              m_sandbox->wechat().platformPublicKey(),
                                              {}}});
        auto store = m_backend.makeStore();
        m_store = store.get();
        QposServer::Options o;
        o.limits.requestTimeoutMs = 1000;
        m_server = std::make_unique<QposServer>(
            std::move(store), ProviderVerifiers(alipayVerifier, wechatVerifier), o);
        const Status started = m_server->start();
        QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().message));
        QVERIFY(m_store
                    ->addTerminal({QStringLiteral("S001"), QStringLiteral("T07")},
                                  StoredSecret{QStringLiteral("k1"), QByteArray(32, 'k'), {}},
                                  QDateTime::currentMSecsSinceEpoch())
                    .ok());
        QVERIFY(m_sandbox->wechat()
                    .setNotifyUrl(kMchId, url(QStringLiteral("/notify/wechat")).toString())
                    .ok());
    }

    void init() { m_sandbox->faults().clear(); }

    void alipayNotificationIsRecordedThenAnsweredSuccess() {
        const qint64 accepted = metrics().notifications(QStringLiteral("alipay"), u"accepted"_qs);
        const QString no = paidAlipayOrder();
        QTRY_COMPARE_WITH_TIMEOUT(alipayAttempts(no).size(), 1, 10000);
        const AlipayNotificationAttempt a = alipayAttempts(no).first();
        QVERIFY(a.delivered); // the sandbox saw exactly "success"
        QCOMPARE(rowsFor(no), 1);
        // Its till has not uploaded the order: kept, to be matched.
        QCOMPARE(verdictOf(no), QStringLiteral("awaiting_order"));
        QCOMPARE(metrics().notifications(QStringLiteral("alipay"), u"accepted"_qs), accepted + 1);
        QTest::qWait(100);
        QCOMPARE(alipayAttempts(no).size(), 1); // no retry
    }

    void theRelayQueueHoldsTheProvidersOriginalBytes() {
        const QString no = paidAlipayOrder();
        QTRY_COMPARE_WITH_TIMEOUT(rowsFor(no), 1, 10000);
        Result<std::optional<TerminalRecord>> t =
            m_store->terminal({QStringLiteral("S001"), QStringLiteral("T07")});
        QVERIFY(t.ok() && t->has_value());
        Result<QList<PendingRelay>> pending = m_store->pendingRelays((*t)->rowId);
        QVERIFY(pending.ok());
        const auto it = std::find_if(pending->cbegin(), pending->cend(),
                                     [&](const PendingRelay& p) { return p.outTradeNo == no; });
        QVERIFY(it != pending->cend());
        Result<alipay::Params> params = alipay::parseForm(it->body);
        QVERIFY(params.ok());
        QVERIFY(alipay::verifyNotification(*params, m_sandbox->alipay().alipayPublicKey()).ok());
        QVERIFY(it->headers.value("content-type").startsWith("application/x-www-form-urlencoded"));
    }

    void aNotificationOfAnotherStoreIsRecordedButNotRelayed() {
        const QString no = paidAlipayOrder(QStringLiteral("1.00"), QStringLiteral("S009_T01_"));
        QTRY_COMPARE_WITH_TIMEOUT(rowsFor(no), 1, 10000);
        QSqlQuery q(StoreUnderTest::sql(*m_store));
        q.prepare(QStringLiteral("SELECT count(*) FROM relay_queue r JOIN notifications n ON "
                                 "n.id = r.notification WHERE n.out_trade_no = ?"));
        q.addBindValue(no);
        QVERIFY(q.exec() && q.next());
        QCOMPARE(q.value(0).toInt(), 0);
    }

    void aRepeatIsAnsweredSuccessAndChangesNothing() {
        addFault("notify_duplicate");
        const qint64 duplicates =
            metrics().notifications(QStringLiteral("alipay"), u"duplicate"_qs);
        const QString no = paidAlipayOrder();
        QTRY_COMPARE_WITH_TIMEOUT(alipayAttempts(no).size(), 2, 10000);
        for (const AlipayNotificationAttempt& a : alipayAttempts(no))
            QVERIFY(a.delivered);
        QCOMPARE(alipayAttempts(no).at(0).notifyId, alipayAttempts(no).at(1).notifyId);
        QCOMPARE(rowsFor(no), 1);
        QCOMPARE(metrics().notifications(QStringLiteral("alipay"), u"duplicate"_qs),
                 duplicates + 1);
    }

    void aForgedAlipayNotificationIsRefusedAndNothingRecorded() {
        addFault("notify_bad_signature");
        const qint64 rejected = metrics().notifications(QStringLiteral("alipay"), u"rejected"_qs);
        const QString no = paidAlipayOrder();
        // Every delivery of it carries the forger's signature: each answered "fail".
        QTRY_VERIFY_WITH_TIMEOUT(alipayAttempts(no).size() >= 2, 10000);
        for (const AlipayNotificationAttempt& a : alipayAttempts(no)) {
            QVERIFY(!a.delivered);
            QCOMPARE(a.answer, QByteArray("fail"));
        }
        QVERIFY(metrics().notifications(QStringLiteral("alipay"), u"rejected"_qs) >= rejected + 2);
        QVERIFY(metrics().refusals(QStringLiteral("alipay.bad_signature")) >= 2);
        QCOMPARE(rowsFor(no), 0);
    }

    void aMalformedAlipayPostIsAnsweredFail() {
        const ServerAnswer a =
            httpRequest("POST", url(QStringLiteral("/notify/alipay")), "notify_id=1&notify_id=2",
                        {{"Content-Type", "application/x-www-form-urlencoded"}});
        QCOMPARE(a.httpStatus, 400);
        QCOMPARE(a.body, QByteArray("fail"));
        const ServerAnswer unsignedPost =
            httpRequest("POST", url(QStringLiteral("/notify/alipay")),
                        "notify_id=1&out_trade_no=S001_T07_1&total_amount=1.00",
                        {{"Content-Type", "application/x-www-form-urlencoded"}});
        QCOMPARE(unsignedPost.httpStatus, 400);
        QCOMPARE(unsignedPost.body, QByteArray("fail"));
        QCOMPARE(rowsFor(QStringLiteral("S001_T07_1")), 0);
    }

    void wechatNotificationIsRecordedThenAnswered204() {
        const qint64 accepted = metrics().notifications(QStringLiteral("wechat"), u"accepted"_qs);
        const QString no = paidWechatOrder();
        QTRY_COMPARE_WITH_TIMEOUT(wechatAttempts(no).size(), 1, 10000);
        QVERIFY(wechatAttempts(no).first().delivered);
        QCOMPARE(wechatAttempts(no).first().httpStatus, 204);
        QCOMPARE(rowsFor(no), 1);
        QCOMPARE(metrics().notifications(QStringLiteral("wechat"), u"accepted"_qs), accepted + 1);
    }

    void aWechatRepeatIsAnswered204AndChangesNothing() {
        addFault("notify_duplicate:provider=wechat");
        const QString no = paidWechatOrder();
        QTRY_COMPARE_WITH_TIMEOUT(wechatAttempts(no).size(), 2, 10000);
        for (const WechatNotificationAttempt& a : wechatAttempts(no))
            QCOMPARE(a.httpStatus, 204);
        QCOMPARE(rowsFor(no), 1);
    }

    void aStaleWechatNotificationIsRefusedAsAReplay() {
        addFault("notify_stale_timestamp:provider=wechat");
        const qint64 rejected = metrics().notifications(QStringLiteral("wechat"), u"rejected"_qs);
        const QString no = paidWechatOrder();
        QTRY_VERIFY_WITH_TIMEOUT(wechatAttempts(no).size() >= 2, 10000);
        for (const WechatNotificationAttempt& a : wechatAttempts(no)) {
            QVERIFY(!a.delivered);
            QCOMPARE(a.httpStatus, 401);
            // The sandbox keeps the answer's first 200 bytes.
            QVERIFY2(a.answer.startsWith("{\"code\":\"FAIL\",\"message\":"), a.answer.constData());
        }
        QVERIFY(metrics().refusals(QString::fromLatin1(wechat::notification_errc::stale)) >= 2);
        QVERIFY(metrics().notifications(QStringLiteral("wechat"), u"rejected"_qs) >= rejected + 2);
        QCOMPARE(rowsFor(no), 0);
    }

    void aForgedWechatNotificationIsRefused() {
        addFault("notify_bad_signature:provider=wechat");
        const QString no = paidWechatOrder();
        QTRY_VERIFY_WITH_TIMEOUT(wechatAttempts(no).size() >= 2, 10000);
        for (const WechatNotificationAttempt& a : wechatAttempts(no))
            QCOMPARE(a.httpStatus, 401);
        QVERIFY(metrics().refusals(QString::fromLatin1(wechat::notification_errc::badSignature)) >=
                2);
        QCOMPARE(rowsFor(no), 0);
    }

    void aMalformedWechatPostIsAnsweredFailJson() {
        const ServerAnswer a = httpRequest("POST", url(QStringLiteral("/notify/wechat")), "{}",
                                           {{"Content-Type", "application/json"}});
        QCOMPARE(a.httpStatus, 401); // no Wechatpay-* headers: nothing to trust
        const QJsonObject o = QJsonDocument::fromJson(a.body).object();
        QCOMPARE(o.value(u"code").toString(), QStringLiteral("FAIL"));
        QVERIFY(!o.value(u"message").toString().isEmpty());
    }

    void anOversizedPostIsRefusedBeforeItIsRead() {
        bool closed = false;
        // Announced too large: refused as soon as the headers are in.
        const QByteArray head =
            "POST /notify/alipay HTTP/1.1\r\nHost: x\r\nContent-Type: "
            "application/x-www-form-urlencoded\r\nContent-Length: 70000\r\n\r\n";
        QByteArray answer = rawExchange(m_server->port(), head, 3000, &closed);
        QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.constData());
        QVERIFY(closed);
        // Chunked, with no length: refused once the body passes 64 KiB.
        QByteArray chunked = "POST /notify/wechat HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
                             "chunked\r\n\r\n";
        for (int i = 0; i < 70; ++i)
            chunked += "400\r\n" + QByteArray(1024, 'a') + "\r\n";
        answer = rawExchange(m_server->port(), chunked, 3000, &closed);
        QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.constData());
        QVERIFY(closed);
        QVERIFY(metrics().refusals(QStringLiteral("http.too_large")) >= 2);
        // Too many header bytes.
        const QByteArray longHead =
            "GET /healthz HTTP/1.1\r\nX-Pad: " + QByteArray(20000, 'p') + "\r\n\r\n";
        answer = rawExchange(m_server->port(), longHead, 3000, &closed);
        QVERIFY2(answer.startsWith("HTTP/1.1 431"), answer.constData());
    }

    void aSlowClientIsDropped() {
        bool closed = false;
        QElapsedTimer timer;
        timer.start();
        const QByteArray answer = rawExchange(
            m_server->port(), "POST /notify/alipay HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n",
            5000, &closed);
        QVERIFY2(answer.startsWith("HTTP/1.1 408"), answer.constData());
        QVERIFY(closed);
        QVERIFY(timer.elapsed() < 4000);
        QVERIFY(metrics().refusals(QStringLiteral("http.timeout")) >= 1);
    }

    void healthAnswersOk() {
        const ServerAnswer a = httpRequest("GET", url(QStringLiteral("/healthz")));
        QCOMPARE(a.httpStatus, 200);
        QCOMPARE(a.body, QByteArray("ok"));
    }

    void withTheDatabaseGoneNothingIsAcknowledgedAndNothingLost() {
        StoreUnderTest::close(*m_store);
        const ServerAnswer health = httpRequest("GET", url(QStringLiteral("/healthz")));
        QCOMPARE(health.httpStatus, 503);

        const QString no = paidAlipayOrder();
        QTRY_VERIFY_WITH_TIMEOUT(!alipayAttempts(no).isEmpty(), 10000);
        QVERIFY(!alipayAttempts(no).first().delivered); // "fail": Alipay keeps it
        const QString wx = paidWechatOrder();
        QTRY_VERIFY_WITH_TIMEOUT(!wechatAttempts(wx).isEmpty(), 10000);
        QCOMPARE(wechatAttempts(wx).first().httpStatus, 500);

        QVERIFY(m_store->open().ok());
        QCOMPARE(httpRequest("GET", url(QStringLiteral("/healthz"))).httpStatus, 200);
        // The providers' retries are recorded now, once each.
        QTRY_COMPARE_WITH_TIMEOUT(rowsFor(no), 1, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(rowsFor(wx), 1, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(alipayAttempts(no).last().delivered, 10000);
    }

    void aKeptNotificationIsMatchedWhenItsOrderIsUploaded() {
        const QString no = paidAlipayOrder(QStringLiteral("12.34"));
        QTRY_COMPARE_WITH_TIMEOUT(rowsFor(no), 1, 10000);
        QCOMPARE(verdictOf(no), QStringLiteral("awaiting_order"));
        uploadOrder(no, QStringLiteral("alipay"), 1234, 1000 + m_sequence);
        QCOMPARE(verdictOf(no), QStringLiteral("matched"));

        // Uploaded with another amount: kept apart for people to look at.
        const QString other = paidAlipayOrder(QStringLiteral("5.00"));
        QTRY_COMPARE_WITH_TIMEOUT(rowsFor(other), 1, 10000);
        uploadOrder(other, QStringLiteral("alipay"), 499, 1000 + m_sequence);
        QCOMPARE(verdictOf(other), QStringLiteral("amount_mismatch"));
    }

    void theAmountIsCheckedWhenTheServerHoldsTheOrder() {
        // The order is uploaded first, for 1.00; Alipay then says 12.34.
        const QString no = nextNo();
        uploadOrder(no, QStringLiteral("alipay"), 100, 2000 + m_sequence);
        const GatewayResult r = m_alipay->precreate(
            no, QStringLiteral("12.34"), url(QStringLiteral("/notify/alipay")).toString());
        QCOMPARE(r.code(), QStringLiteral("10000"));
        QVERIFY(m_sandbox->alipay().buyerPay(no).ok());
        QTRY_VERIFY_WITH_TIMEOUT(!alipayAttempts(no).isEmpty(), 10000);
        QVERIFY(!alipayAttempts(no).first().delivered);
        QCOMPARE(rowsFor(no), 0);
        QVERIFY(metrics().refusals(
                    QString::fromLatin1(alipay::notification_errc::amountMismatch)) >= 1);

        // The same amount: matched at once.
        const QString good = nextNo();
        uploadOrder(good, QStringLiteral("alipay"), 1234, 2000 + m_sequence);
        QCOMPARE(m_alipay
                     ->precreate(good, QStringLiteral("12.34"),
                                 url(QStringLiteral("/notify/alipay")).toString())
                     .code(),
                 QStringLiteral("10000"));
        QVERIFY(m_sandbox->alipay().buyerPay(good).ok());
        QTRY_COMPARE_WITH_TIMEOUT(rowsFor(good), 1, 10000);
        QCOMPARE(verdictOf(good), QStringLiteral("matched"));
    }

    void otherPathsAndMethodsAreRefusedWithACode() {
        ServerAnswer a = httpRequest("GET", url(QStringLiteral("/notify/alipay")));
        QCOMPARE(a.httpStatus, 405);
        QCOMPARE(QJsonDocument::fromJson(a.body).object().value(u"code").toString(),
                 QStringLiteral("http.method"));
        a = httpRequest("GET", url(QStringLiteral("/nowhere")));
        QCOMPARE(a.httpStatus, 404);
        QCOMPARE(QJsonDocument::fromJson(a.body).object().value(u"code").toString(),
                 QStringLiteral("http.not_found"));
    }

    void metricsArePrometheusText() {
        const ServerAnswer a = httpRequest("GET", url(QStringLiteral("/metrics")));
        QCOMPARE(a.httpStatus, 200);
        const QByteArray text = a.body;
        const QByteArray accepted =
            "qpos_notifications_total{provider=\"alipay\",result=\"accepted\"} " +
            QByteArray::number(metrics().notifications(QStringLiteral("alipay"), u"accepted"_qs));
        QVERIFY2(text.contains(accepted), text.constData());
        QVERIFY(text.contains("qpos_notifications_total{provider=\"wechat\",result=\"rejected\"}"));
        QVERIFY(text.contains("# TYPE qpos_push_latency_seconds histogram"));
        QVERIFY(text.contains("qpos_push_latency_seconds_bucket{le=\"+Inf\"}"));
        QVERIFY(text.contains("qpos_terminals_connected 0"));
        QVERIFY(text.contains("qpos_sync_lag_orders{terminal=\"S001/T07\"} "));
    }
};

QTEST_GUILESS_MAIN(TestServerNotify)
#include "tst_server_notify.moc"
