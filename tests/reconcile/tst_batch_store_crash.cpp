// Kills a process that keeps saving one day's reconciliation batch with SIGKILL at random
// moments, and checks after each kill that the day still has exactly one batch, that the batch
// is wholly one run (its totals, its items and its pool together), and that it is no older than
// the last run the writer was told had been saved.
#include "core/reconcile/SqliteBatchStore.h"
#include "tests/reconcile/BatchSamples.h"
#include "tests/support/TempDir.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTest>

using namespace qpos;
using namespace qpos::reconcile;

class TestBatchStoreCrash : public QObject {
    Q_OBJECT

private slots:
    void aSaveIsWholeOrAbsentAfterSigkill() {
        test::TempDir dir;
        const QString path = dir.file(QStringLiteral("orders.db"));
        const quint32 seed = QRandomGenerator::system()->generate();
        qInfo("seed %u", seed);
        QRandomGenerator rng(seed);
        const QDate day(2026, 11, 20);
        qint64 lastReported = 0;
        qint64 nextRun = 1;
        int checked = 0;

        for (int round = 0; round < 25; ++round) {
            QProcess writer;
            writer.start(QStringLiteral(QPOS_BATCH_CRASH_WRITER), {path, QString::number(nextRun)});
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
                    if (parts.size() == 2 && parts[0] == "S")
                        lastReported = qMax(lastReported, parts[1].toLongLong());
                }
            };
            // Past start-up however slow it is (sanitizer builds), then somewhere in the loop.
            QElapsedTimer timer;
            timer.start();
            while (!ready && timer.elapsed() < 30000 && writer.state() == QProcess::Running) {
                writer.waitForReadyRead(5);
                drain();
            }
            const int killAfterMs = int(rng.bounded(150));
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

            SqliteBatchStore store;
            const Status opened = store.open(path);
            QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
            const Result<QList<StoredBatch>> batches = store.batches(day, day);
            QVERIFY(batches.ok());
            if (batches->isEmpty()) {
                QCOMPARE(lastReported, 0); // nothing was reported saved yet
                continue;
            }
            QCOMPARE(batches->size(), 1);
            const StoredBatch batch = batches->first();
            const qint64 run = batch.totals.matched;
            QVERIFY2(run >= lastReported,
                     qPrintable(
                         QStringLiteral("run %1 stored, %2 reported").arg(run).arg(lastReported)));
            const Result<QList<StoredItem>> items = store.items(batch.id);
            QVERIFY(items.ok());
            QCOMPARE(items->size(), qsizetype(run % 7 + 1));
            QCOMPARE(batch.itemCount, run % 7 + 1);
            for (const StoredItem& item : *items)
                QVERIFY2(item.item.outTradeNo.startsWith(QStringLiteral("RUN%1_").arg(run)),
                         qPrintable(item.item.outTradeNo));
            const HoldingPool pool = *store.poolBefore(test::sampleScope(), day.addDays(1));
            QCOMPARE(pool.held.size(), 1);
            QCOMPARE(pool.billedAhead.size(), 1);
            ++checked;
            nextRun = run + 1;
        }
        qInfo("%d kills checked, last run reported saved %lld", checked, lastReported);
        QVERIFY2(lastReported > 25, "the writer made too little progress to prove anything");
    }
};

QTEST_GUILESS_MAIN(TestBatchStoreCrash)
#include "tst_batch_store_crash.moc"
