#include "core/orders/OrderState.h"
#include "core/storage/Database.h"
#include "tests/support/TempDir.h"

#include <QElapsedTimer>
#include <QHash>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QTest>

using namespace qpos;

namespace {

struct Reported {
    int eventNo = 0;
    QString state;
};

qint64 scalar(Database& db, const QString& sql) {
    QSqlQuery q(db.handle());
    if (!q.exec(sql) || !q.next())
        return -1;
    return q.value(0).toLongLong();
}

} // namespace

// Kills a writer with SIGKILL at random moments and checks after each kill that the database
// is intact, that every transition is wholly present or wholly absent, and that nothing the
// writer was told had been applied is missing.
class TestStoreCrash : public QObject {
    Q_OBJECT

private slots:
    void survivesSigkillAtRandomMoments() {
        test::TempDir dir;
        const QString path = dir.file(QStringLiteral("orders.db"));
        const quint32 seed = QRandomGenerator::system()->generate();
        qInfo("seed %u", seed);
        QRandomGenerator rng(seed);
        const int kills = qEnvironmentVariableIntValue("QPOS_CRASH_KILLS") > 0
                              ? qEnvironmentVariableIntValue("QPOS_CRASH_KILLS")
                              : 60;
        QHash<QString, Reported> reported;
        qint64 totalReported = 0;

        for (int round = 0; round < kills; ++round) {
            QProcess writer;
            writer.setProcessChannelMode(QProcess::SeparateChannels);
            writer.start(QStringLiteral(QPOS_CRASH_WRITER),
                         {path, QString::number(rng.generate())});
            QVERIFY2(writer.waitForStarted(10000), qPrintable(writer.errorString()));

            QByteArray buffer;
            bool ready = false;
            auto drain = [&] {
                buffer += writer.readAllStandardOutput();
                qsizetype nl;
                while ((nl = buffer.indexOf('\n')) >= 0) {
                    const QList<QByteArray> parts = buffer.left(nl).split(' ');
                    buffer.remove(0, nl + 1);
                    if (parts.value(0) == "ready")
                        ready = true;
                    if (parts.size() == 4 && parts[0] == "A") {
                        reported[QString::fromLatin1(parts[1])] =
                            Reported{parts[2].toInt(), QString::fromLatin1(parts[3])};
                        ++totalReported;
                    }
                }
            };
            // One round in four kills during start-up (open, migration); the others let the
            // writer reach its loop first, however slow start-up is (sanitizer builds), then
            // kill somewhere in it.
            const bool duringStartUp = rng.bounded(4) == 0;
            const int killAfterMs = int(rng.bounded(120));
            QElapsedTimer timer;
            timer.start();
            while (!duringStartUp && !ready && timer.elapsed() < 30000 &&
                   writer.state() == QProcess::Running) {
                writer.waitForReadyRead(5);
                drain();
            }
            timer.restart();
            while (timer.elapsed() < killAfterMs && writer.state() == QProcess::Running) {
                writer.waitForReadyRead(5);
                drain();
            }
            QVERIFY2(writer.state() == QProcess::Running,
                     qPrintable(QString::fromLocal8Bit(writer.readAllStandardError())));
            writer.kill(); // SIGKILL
            QVERIFY(writer.waitForFinished(10000));
            drain();
            QCOMPARE(writer.exitStatus(), QProcess::CrashExit);

            if (!QFile::exists(path))
                continue; // killed before the file was created
            Database db;
            const Status opened = db.open(path);
            QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
            {
                QSqlQuery q(db.handle());
                QVERIFY(q.exec(QStringLiteral("PRAGMA integrity_check")));
                QVERIFY(q.next());
                QCOMPARE(q.value(0).toString(), QStringLiteral("ok"));
            }
            if (scalar(db, QStringLiteral("PRAGMA user_version")) < 2)
                continue; // killed before the schema was in place; the next start migrates

            // Every event has its outbox row, and nothing else is in the outbox.
            QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM order_events e LEFT JOIN "
                                               "outbox o ON o.event_id = e.id WHERE o.id IS NULL")),
                     0);
            QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM outbox")),
                     scalar(db, QStringLiteral("SELECT COUNT(*) FROM order_events")));
            // Every order says what its last event says, and has its creation event.
            QCOMPARE(scalar(db, QStringLiteral(
                                    "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 "
                                    "FROM order_events e WHERE e.order_id = o.id AND "
                                    "e.old_state IS NULL) OR (SELECT e.new_state || '/' || "
                                    "e.refunded_fen FROM order_events e WHERE e.order_id = o.id "
                                    "ORDER BY e.id DESC LIMIT 1) <> o.state || '/' || "
                                    "o.refunded_fen")),
                     0);
            // The daily totals equal what the orders say.
            QCOMPARE(scalar(db, QStringLiteral(
                                    "SELECT COUNT(*) FROM (SELECT CAST(strftime('%Y%m%d', "
                                    "created_at_ms / 1000, 'unixepoch', '+8 hours') AS INTEGER) "
                                    "AS day, channel, COUNT(*) AS n, SUM(amount_fen) AS paid, "
                                    "SUM(refunded_fen) AS refunded FROM orders WHERE state IN "
                                    "(3, 4, 5) GROUP BY 1, 2) r FULL OUTER JOIN daily_totals t "
                                    "USING (day, channel) WHERE t.paid_count IS NOT r.n OR "
                                    "t.paid_fen IS NOT r.paid OR t.refunded_fen IS NOT "
                                    "r.refunded")),
                     0);
            // Nothing the writer was told had been applied is missing.
            QSqlQuery event(db.handle());
            QVERIFY(event.prepare(QStringLiteral(
                "SELECT e.new_state FROM order_events e JOIN orders o ON o.id = e.order_id "
                "WHERE o.out_trade_no = ? ORDER BY e.id LIMIT 1 OFFSET ?")));
            for (auto it = reported.cbegin(); it != reported.cend(); ++it) {
                event.bindValue(0, it.key());
                event.bindValue(1, it->eventNo - 1);
                QVERIFY(event.exec());
                QVERIFY2(
                    event.next(),
                    qPrintable(QStringLiteral("lost: %1 event %2").arg(it.key()).arg(it->eventNo)));
                QCOMPARE(orderStateName(OrderState(event.value(0).toInt())), it->state);
            }
        }
        qInfo("%d kills, %lld transitions reported durable and found", kills, totalReported);
        QVERIFY2(totalReported > kills, "the writer made too little progress to prove anything");
    }
};

QTEST_GUILESS_MAIN(TestStoreCrash)
#include "tst_store_crash.moc"
