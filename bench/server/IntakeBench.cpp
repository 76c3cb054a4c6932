#include "bench/server/IntakeBench.h"

#include "bench/server/DurableInsertRate.h"
#include "bench/server/NotificationSenders.h"
#include "core/calendar/ChinaCalendar.h"
#include "core/gateways/alipay/AlipayNotification.h"
#include "core/gateways/alipay/AlipaySignature.h"
#include "core/money/Money.h"
#include "core/storage/Database.h"
#include "server/QposServer.h"
#include "server/storage/ServerStore.h"
#include "server/terminals/TerminalAdmin.h"
#include "tests/server/StoreUnderTest.h"
#include "tests/support/TempDir.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>

#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/time.h>

#include <algorithm>
#include <cstdio>
#include <thread>
#include <vector>

namespace qpos::bench {

namespace {

const QString kAppId = QStringLiteral("2021000000000002");
const link::TerminalIdentity kTill{QStringLiteral("S001"), QStringLiteral("T07")};
constexpr int kRepeatEvery = 20; // Alipay repeats a notification it got no "success" for

qint64 nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

// A TRADE_SUCCESS notification with the fields Alipay sends (as the sandbox makes them,
// sandbox/alipay/AlipaySimulator.cpp), signed with the notification rules.
QByteArray signedNotification(const crypto::RsaPrivateKey& key, const QString& notifyId, int n,
                              qint64 atMs, QByteArray* content, QByteArray* signature) {
    const QString total = money::formatYuan(1 + n % 50000);
    alipay::Params p;
    p.insert(QStringLiteral("notify_time"), china_calendar::formatTimestamp(atMs));
    p.insert(QStringLiteral("notify_type"), QStringLiteral("trade_status_sync"));
    p.insert(QStringLiteral("notify_id"), notifyId);
    p.insert(QStringLiteral("app_id"), kAppId);
    p.insert(QStringLiteral("auth_app_id"), kAppId);
    p.insert(QStringLiteral("charset"), QStringLiteral("utf-8"));
    p.insert(QStringLiteral("version"), QStringLiteral("1.0"));
    p.insert(QStringLiteral("sign_type"), QStringLiteral("RSA2"));
    p.insert(QStringLiteral("trade_no"),
             QStringLiteral("2026120422001%1").arg(n, 10, 10, QChar(u'0')));
    p.insert(QStringLiteral("out_trade_no"),
             kTill.outTradeNoPrefix() + QStringLiteral("20261204_%1").arg(n, 8, 10, QChar(u'0')));
    p.insert(QStringLiteral("buyer_id"), QStringLiteral("2088102177846880"));
    p.insert(QStringLiteral("buyer_logon_id"), QStringLiteral("159****5620"));
    p.insert(QStringLiteral("seller_id"), QStringLiteral("2088102146225135"));
    p.insert(QStringLiteral("trade_status"), QStringLiteral("TRADE_SUCCESS"));
    p.insert(QStringLiteral("total_amount"), total);
    p.insert(QStringLiteral("receipt_amount"), total);
    p.insert(QStringLiteral("invoice_amount"), total);
    p.insert(QStringLiteral("buyer_pay_amount"), total);
    p.insert(QStringLiteral("point_amount"), QStringLiteral("0.00"));
    p.insert(QStringLiteral("subject"), QStringLiteral("Bench sale"));
    p.insert(QStringLiteral("gmt_create"), china_calendar::formatTimestamp(atMs - 20000));
    p.insert(QStringLiteral("gmt_payment"), china_calendar::formatTimestamp(atMs - 1000));
    p.insert(QStringLiteral("fund_bill_list"),
             QStringLiteral(R"([{"amount":"%1","fundChannel":"ALIPAYACCOUNT"}])").arg(total));
    const QByteArray text = alipay::signContent(p, alipay::SignScope::Notification);
    Result<QByteArray> sign = key.signBase64(text);
    if (!sign)
        return {};
    if (content)
        *content = text;
    if (signature)
        *signature = *sign;
    p.insert(QStringLiteral("sign"), QString::fromLatin1(*sign));
    return alipay::formBody(p);
}

// RSA-2048 SHA256withRSA verifications of one notification per second, on this thread.
double verifyRate(const crypto::RsaPublicKey& key, const QByteArray& content,
                  const QByteArray& signature, int windowMs) {
    qint64 count = 0;
    QElapsedTimer timer;
    timer.start();
    do {
        for (int i = 0; i < 16; ++i) {
            if (key.verifyBase64(content, signature).ok())
                ++count;
        }
    } while (timer.elapsed() < windowMs);
    return double(count) * 1e9 / double(timer.nsecsElapsed());
}

// CPU time of the calling thread: the server's, since it runs on the bench's main thread.
qint64 threadCpuNs() {
    rusage usage{};
    getrusage(RUSAGE_THREAD, &usage);
    return (qint64(usage.ru_utime.tv_sec) + qint64(usage.ru_stime.tv_sec)) * 1'000'000'000 +
           (qint64(usage.ru_utime.tv_usec) + qint64(usage.ru_stime.tv_usec)) * 1'000;
}

// Counts the commits on a SQLite connection: the server's group commits.
int countCommit(void* commits) {
    ++*static_cast<qint64*>(commits);
    return 0; // 0: let the commit go on
}

sqlite3* sqliteHandle(const QSqlDatabase& db) {
    const QVariant handle = db.driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3* const*>(handle.constData());
}

double perSecond(qsizetype count, qint64 ns) {
    return ns > 0 ? double(count) * 1e9 / double(ns) : 0;
}

} // namespace

IntakeBench::IntakeBench(Counts counts)
    : m_counts(counts) {}

bool IntakeBench::prepare() {
    Result<crypto::RsaPrivateKey> key = crypto::RsaPrivateKey::generate(2048);
    if (!key) {
        std::fprintf(stderr, "bench_server: %s\n", qPrintable(key.error().message));
        return false;
    }
    m_key = *key;
    const int count = m_counts.notifications;
    for (int i = 0; i < count; ++i)
        m_notifyIds.append(QStringLiteral("2026120400%1").arg(i, 12, 10, QChar(u'0')));
    QList<QByteArray> signedBodies(count);
    QByteArray* signedBody = signedBodies.data(); // detached once, before the threads
    const qint64 atMs = nowMs();
    QElapsedTimer timer;
    timer.start();
    // Signing is slow (a private-key operation each): on every core, before any timing.
    const int workers = std::max(1, int(std::thread::hardware_concurrency()));
    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w) {
        threads.emplace_back([&, w] {
            for (int i = w; i < count; i += workers)
                signedBody[i] =
                    signedNotification(*m_key, m_notifyIds.at(i), i, atMs, nullptr, nullptr);
        });
    }
    for (std::thread& t : threads)
        t.join();
    for (int i = 0; i < count; ++i) {
        if (signedBodies.at(i).isEmpty()) {
            std::fprintf(stderr, "bench_server: signing a notification failed\n");
            return false;
        }
        m_bodies.append(signedBodies.at(i));
        m_notifyOf.append(i);
        // A repeat of a notification posted shortly before, likely still in flight.
        if (i % kRepeatEvery == kRepeatEvery - 1) {
            m_bodies.append(signedBodies.at(i - kRepeatEvery / 2));
            m_notifyOf.append(i - kRepeatEvery / 2);
        }
    }
    signedNotification(*m_key, m_notifyIds.constFirst(), 0, atMs, &m_signedContent,
                       &m_signatureBase64);
    std::printf("signed %d notifications (%lld posts with the repeats) in %.1f s\n", count,
                qint64(m_bodies.size()), timer.elapsed() / 1000.0);
    return true;
}

bool IntakeBench::run(Store kind) {
    const bool sqlite = kind == Store::Sqlite;
    const char* name = sqlite ? "sqlite" : "postgresql";
    std::printf("\n(1%s) notification intake on %s: %lld posts, %d concurrent senders\n",
                sqlite ? "a" : "b", name, qint64(m_bodies.size()), m_counts.senders);
    std::fflush(stdout);
    test::TempDir dir;
    test::StoreUnderTest backend(dir, sqlite ? test::StoreUnderTest::Kind::Sqlite
                                             : test::StoreUnderTest::Kind::Postgresql);
    if (Status prepared = backend.prepare(); !prepared) {
        std::printf("%s: skipped (%s)\n", name, qPrintable(prepared.error().message));
        return true;
    }

    // The baselines, measured just before the intake on the same database server and disk.
    const double verify =
        verifyRate(m_key->publicKey(), m_signedContent, m_signatureBase64, m_counts.baselineMs);
    double rawInsert = 0;
    QString problem;
    if (sqlite) {
        Database raw;
        if (Status opened = raw.open(dir.file(QStringLiteral("raw.db"))); !opened)
            problem = opened.error().message;
        else
            rawInsert = durableInsertRate(raw.handle(), true, m_counts.baselineMs, &problem);
    } else {
        std::unique_ptr<server::ServerStore> raw = backend.makeStore();
        if (Status opened = raw->open(); !opened)
            problem = opened.error().message;
        else
            rawInsert = durableInsertRate(test::StoreUnderTest::sql(*raw), false,
                                          m_counts.baselineMs, &problem);
    }
    if (!problem.isEmpty()) {
        std::printf("    the raw insert baseline failed: %s\n", qPrintable(problem));
        return false;
    }

    auto verifier =
        std::make_shared<alipay::AlipayNotificationVerifier>(kAppId, QString(), m_key->publicKey());
    server::QposServer qpos(backend.makeStore(), server::ProviderVerifiers(verifier, nullptr),
                            server::QposServer::Options());
    if (Status started = qpos.start(); !started) {
        std::printf("    the server did not start: %s\n", qPrintable(started.error().message));
        return false;
    }
    // The notifications are for this till's orders, so each is queued for its push link too.
    server::TerminalAdmin admin(qpos.store(),
                                QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(qpos.port())),
                                QString(), 86400 * 1000LL);
    if (Result<link::EnrollmentCode> code = admin.add(kTill, nowMs()); !code) {
        std::printf("    adding the till failed: %s\n", qPrintable(code.error().message));
        return false;
    }

    const NotificationSenders senders(qpos.port(), "/notify/alipay",
                                      "application/x-www-form-urlencoded; charset=utf-8",
                                      m_counts.senders);
    // Profile counters: the server thread's CPU time and, on SQLite, its group commits.
    qint64 commits = 0;
    sqlite3* handle = sqlite ? sqliteHandle(test::StoreUnderTest::sql(qpos.store())) : nullptr;
    if (handle)
        sqlite3_commit_hook(handle, countCommit, &commits);
    const qint64 cpuBefore = threadCpuNs();
    const SentNotifications sent = senders.post(m_bodies);
    const qint64 serverCpuNs = threadCpuNs() - cpuBefore;
    if (handle)
        sqlite3_commit_hook(handle, nullptr, nullptr);

    qsizetype success = 0;
    qsizetype refused = 0;
    qsizetype unanswered = 0;
    QSet<qsizetype> acknowledged;
    for (qsizetype i = 0; i < m_bodies.size(); ++i) {
        if (sent.status.at(i) == 200 && sent.answers.at(i) == "success") {
            ++success;
            acknowledged.insert(m_notifyOf.at(i));
        } else if (sent.status.at(i) == 0) {
            ++unanswered;
        } else {
            ++refused;
        }
    }

    // Every acknowledged notification must be in the database exactly once, and queued for
    // its till exactly once.
    QSqlDatabase db = test::StoreUnderTest::sql(qpos.store());
    QSqlQuery q(db);
    QHash<QString, int> rows;
    if (!q.exec(QStringLiteral("SELECT provider_id, count(*) FROM notifications WHERE provider = "
                               "'alipay' GROUP BY provider_id"))) {
        std::printf("    reading the notifications failed: %s\n", qPrintable(q.lastError().text()));
        return false;
    }
    while (q.next())
        rows.insert(q.value(0).toString(), q.value(1).toInt());
    qsizetype lost = 0;
    for (qsizetype n : std::as_const(acknowledged))
        lost += rows.contains(m_notifyIds.at(n)) ? 0 : 1;
    qsizetype doubled = 0;
    for (int count : std::as_const(rows))
        doubled += count > 1 ? 1 : 0;
    qint64 relayRows = -1;
    qint64 relayDoubled = -1;
    if (q.exec(QStringLiteral("SELECT count(*), count(DISTINCT notification) FROM relay_queue")) &&
        q.next()) {
        relayRows = q.value(0).toLongLong();
        relayDoubled = relayRows - q.value(1).toLongLong();
    }
    const qsizetype unacknowledgedRecorded = rows.size() - acknowledged.size();

    const double intake = perSecond(success, sent.elapsedNs);
    const double recorded = perSecond(rows.size(), sent.elapsedNs);
    std::printf("    answered success                  %8lld of %lld posts (%lld refused, %lld "
                "unanswered, %d connections failed) in %.2f s\n",
                qint64(success), qint64(m_bodies.size()), qint64(refused), qint64(unanswered),
                sent.connectionsFailed, sent.elapsedNs / 1e9);
    std::printf(
        "    verified and durably recorded     %8.0f /s  (success answers; %.0f /s distinct "
        "notifications)  target >= 5000/s on SQLite%s\n",
        intake, recorded, sqlite ? (intake >= 5000 ? ": met" : ": MISSED") : "");
    std::printf("    baseline: RSA-2048 verify, 1 core %8.0f /s  ratio intake/verify %.2f\n",
                verify, verify > 0 ? intake / verify : 0);
    std::printf("    baseline: raw durable insert      %8.0f /s  ratio intake/insert %.2f  (%s)\n",
                rawInsert, rawInsert > 0 ? intake / rawInsert : 0,
                sqlite ? "WAL, synchronous=FULL, one transaction per row" : "one commit per row");
    std::printf("    database check: %lld acknowledged, %lld lost, %lld doubled; %lld relay rows, "
                "%lld doubled; %lld recorded without a success answer\n",
                qint64(acknowledged.size()), qint64(lost), qint64(doubled), relayRows, relayDoubled,
                qint64(std::max<qsizetype>(unacknowledgedRecorded, 0)));
    std::printf("    profile: server thread busy %.2f s of %.2f s (%.0f us CPU per post)",
                serverCpuNs / 1e9, sent.elapsedNs / 1e9,
                m_bodies.isEmpty() ? 0 : serverCpuNs / 1e3 / double(m_bodies.size()));
    if (handle && commits > 0 && rawInsert > 0)
        std::printf("; %lld group commits, %.1f posts each, about %.2f s in durable commits at "
                    "the raw rate",
                    commits, double(m_bodies.size()) / double(commits),
                    double(commits) / rawInsert);
    std::printf("\n");
    std::printf("    server metrics: %lld accepted, %lld duplicate, %lld rejected\n",
                qpos.metrics().notifications(QStringLiteral("alipay"), u"accepted"_qs),
                qpos.metrics().notifications(QStringLiteral("alipay"), u"duplicate"_qs),
                qpos.metrics().notifications(QStringLiteral("alipay"), u"rejected"_qs));
    std::fflush(stdout);
    return lost == 0 && doubled == 0 && relayDoubled == 0 && relayRows == rows.size() &&
           success > 0;
}

} // namespace qpos::bench
