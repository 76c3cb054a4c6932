// qposctl reconcile as a user runs it: a separate process against a sandbox started with
// `qposctl sandbox`, the bill faults switched through the sandbox's control API, checked by
// exit code, text and JSON output, and the batches kept in the till's database.

#include "core/calendar/ChinaCalendar.h"
#include "core/reconcile/SqliteBatchStore.h"
#include "tests/ctl/CtlHarness.h"
#include "tests/support/TempDir.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QTest>

using namespace qpos;
using namespace qpos::test;

namespace {

const QString kAlipayCode = QStringLiteral("287951669656380001");

QString describe(const CtlRun& run) {
    return QStringLiteral("exit %1\n--- stdout\n%2\n--- stderr\n%3")
        .arg(run.exitCode)
        .arg(QString::fromUtf8(run.out), QString::fromUtf8(run.err));
}

QString today() {
    return china_calendar::dateOf(QDateTime::currentMSecsSinceEpoch()).toString(Qt::ISODate);
}

QString yesterday() {
    return china_calendar::dateOf(QDateTime::currentMSecsSinceEpoch())
        .addDays(-1)
        .toString(Qt::ISODate);
}

} // namespace

class TestCtlReconcile : public QObject {
    Q_OBJECT

    TempDir m_dir;
    std::unique_ptr<CtlHarness> m_h;
    QString m_config;
    QString m_paid;

    CtlRun reconcile(const QStringList& extra) {
        return m_h->run(m_config, QStringList{QStringLiteral("reconcile")} + extra, {}, 120000);
    }

    bool addFault(const QJsonObject& fault) {
        return m_h->post(QStringLiteral("/sandbox/faults"), QJsonDocument(fault).toJson()).status ==
               201;
    }

private slots:
    void initTestCase() {
        m_h = std::make_unique<CtlHarness>(m_dir.path());
        QVERIFY2(m_h->startSandbox(QStringLiteral(QPOSCTL_PATH), {QStringLiteral("sandbox")}),
                 qPrintable(m_h->error()));
        m_config = m_h->writeConfig(QStringLiteral("qpos.ini"));
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (china_calendar::dayEndMs(china_calendar::dateOf(now)) - now < 180'000)
            QTest::qWait(181'000);
        const CtlRun charge =
            m_h->run(m_config, {QStringLiteral("charge"), QStringLiteral("--code"), kAlipayCode,
                                QStringLiteral("--amount"), QStringLiteral("12.34"),
                                QStringLiteral("--json")});
        QVERIFY2(charge.exitCode == 0, qPrintable(describe(charge)));
        m_paid = charge.jsonLines().constLast().value(u"out_trade_no").toString();
        QVERIFY(!m_paid.isEmpty());
    }

    void cleanup() { m_h->remove(QStringLiteral("/sandbox/faults")); }

    void usageErrorsExitTwo() {
        QCOMPARE(reconcile({}).exitCode, 2); // --date is required
        QCOMPARE(reconcile({QStringLiteral("--date"), QStringLiteral("01/12/2026")}).exitCode, 2);
        QCOMPARE(reconcile({QStringLiteral("--date"), today(), QStringLiteral("--provider"),
                            QStringLiteral("cash")})
                     .exitCode,
                 2);
        QCOMPARE(reconcile({QStringLiteral("--date"), today(), QStringLiteral("--until"),
                            QStringLiteral("25:00")})
                     .exitCode,
                 2);
        const CtlRun badRetry = reconcile({QStringLiteral("--date"), today(),
                                           QStringLiteral("--retry-seconds"), QStringLiteral("0")});
        QCOMPARE(badRetry.exitCode, 2);
        QVERIFY(badRetry.text().contains(QStringLiteral("--retry-seconds")));
        // A provider not set up is an error that says so.
        const CtlRun wechat = reconcile({QStringLiteral("--date"), today(),
                                         QStringLiteral("--provider"), QStringLiteral("wechat")});
        QCOMPARE(wechat.exitCode, 1);
        QVERIFY2(wechat.text().contains(QStringLiteral("not set up")),
                 qPrintable(describe(wechat)));
    }

    void aFaithfulBillExitsZero() {
        const CtlRun run = reconcile({QStringLiteral("--date"), today()});
        QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
        const QString text = QString::fromUtf8(run.out);
        QVERIFY2(text.contains(QStringLiteral("Alipay %1: Reconciled").arg(today())),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("1 payments 12.34")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("0 differences, 0 open")), qPrintable(text));
        // The bill is kept beside the database.
        const QDir bills(QFileInfo(m_h->databasePath()).dir().filePath(QStringLiteral("bills")));
        QVERIFY(!bills.entryList({QStringLiteral("alipay-*-%1.zip").arg(today())}, QDir::Files)
                     .isEmpty());
    }

    void anOpenDifferenceExitsFourWithJson() {
        QVERIFY(addFault({{QStringLiteral("kind"), QStringLiteral("bill_change_amount")},
                          {QStringLiteral("provider"), QStringLiteral("alipay")},
                          {QStringLiteral("bill_date"), today()},
                          {QStringLiteral("out_trade_no"), m_paid},
                          {QStringLiteral("amount_fen"), 1334},
                          {QStringLiteral("count"), -1}}));
        const CtlRun run = reconcile({QStringLiteral("--date"), today(), QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 4, qPrintable(describe(run)));
        QCOMPARE(run.jsonLines().size(), 1);
        const QJsonArray batches = run.jsonLines().constFirst().value(u"batches").toArray();
        QCOMPARE(batches.size(), 1);
        const QJsonObject batch = batches[0].toObject().value(u"batch").toObject();
        QCOMPARE(batch.value(u"provider").toString(), QStringLiteral("alipay"));
        QCOMPARE(batch.value(u"day").toString(), today());
        QCOMPARE(batch.value(u"state").toString(), QStringLiteral("complete"));
        QCOMPARE(batch.value(u"open_item_count").toInt(), 1);
        const QJsonArray items = batches[0].toObject().value(u"items").toArray();
        QCOMPARE(items.size(), 1);
        const QJsonObject item = items[0].toObject();
        QCOMPARE(item.value(u"class").toString(), QStringLiteral("amount"));
        QCOMPARE(item.value(u"out_trade_no").toString(), m_paid);
        QCOMPARE(item.value(u"local_fen").toInteger(), 1234);
        QCOMPARE(item.value(u"provider_fen").toInteger(), 1334);
        QCOMPARE(item.value(u"resolution").toString(), QStringLiteral("open"));

        // In text: the class and the resolution, for people.
        const CtlRun text = reconcile({QStringLiteral("--date"), today()});
        QCOMPARE(text.exitCode, 4);
        QVERIFY2(text.out.contains(m_paid.toUtf8()), qPrintable(describe(text)));
        QVERIFY2(text.out.contains("12.34 / "), qPrintable(describe(text)));
        QVERIFY2(text.out.contains("13.34"), qPrintable(describe(text)));
        QVERIFY2(text.out.contains("1 differences, 1 open"), qPrintable(describe(text)));

        // The same day run twice is one batch in the till's database.
        reconcile::SqliteBatchStore store;
        QVERIFY(store.open(m_h->databasePath()).ok());
        const QDate day = QDate::fromString(today(), Qt::ISODate);
        Result<QList<reconcile::StoredBatch>> kept = store.batches(day, day);
        QVERIFY(kept.ok());
        QCOMPARE(kept->size(), 1);
        QCOMPARE(kept->first().itemCount, 1);
    }

    void aBillNotMadeYetExitsFiveOrIsWaitedFor() {
        auto notReady = [](int count) {
            return QJsonObject{
                {QStringLiteral("kind"), QStringLiteral("bill_not_ready")},
                {QStringLiteral("provider"), QStringLiteral("alipay")},
                {QStringLiteral("bill_date"), yesterday()},
                {QStringLiteral("until_ms"), QDateTime::currentMSecsSinceEpoch() + 3600'000},
                {QStringLiteral("count"), count}};
        };
        QVERIFY(addFault(notReady(-1)));
        // Before the deadline: waiting.
        const CtlRun waiting =
            reconcile({QStringLiteral("--date"), yesterday(), QStringLiteral("--until"),
                       QStringLiteral("23:59"), QStringLiteral("--json")});
        QVERIFY2(waiting.exitCode == 5, qPrintable(describe(waiting)));
        const QJsonObject batch = waiting.jsonLines()
                                      .value(0)
                                      .value(u"batches")
                                      .toArray()
                                      .at(0)
                                      .toObject()
                                      .value(u"batch")
                                      .toObject();
        QCOMPARE(batch.value(u"state").toString(), QStringLiteral("waiting_for_bill"));
        QVERIFY(!batch.value(u"error").toString().isEmpty());
        // The deadline (today 00:00 China time) has passed: overdue.
        const CtlRun overdue = reconcile({QStringLiteral("--date"), yesterday(),
                                          QStringLiteral("--until"), QStringLiteral("00:00")});
        QVERIFY2(overdue.exitCode == 5, qPrintable(describe(overdue)));
        QVERIFY2(overdue.out.contains("Bill overdue"), qPrintable(describe(overdue)));

        // --wait asks again until the bill is made: twice not ready, then ready.
        m_h->remove(QStringLiteral("/sandbox/faults"));
        QVERIFY(addFault(notReady(2)));
        const CtlRun waited =
            reconcile({QStringLiteral("--date"), yesterday(), QStringLiteral("--wait"),
                       QStringLiteral("--retry-seconds"), QStringLiteral("1"),
                       QStringLiteral("--until"), QStringLiteral("23:59")});
        QVERIFY2(waited.exitCode == 0, qPrintable(describe(waited)));
        QVERIFY2(waited.err.count("not made yet") == 2, qPrintable(describe(waited)));
        QVERIFY2(waited.out.contains("Reconciled"), qPrintable(describe(waited)));
    }

    void anUnreadableBillExitsOne() {
        QVERIFY(addFault({{QStringLiteral("kind"), QStringLiteral("bill_truncated")},
                          {QStringLiteral("provider"), QStringLiteral("alipay")},
                          {QStringLiteral("bill_date"), today()},
                          {QStringLiteral("count"), -1}}));
        const CtlRun run = reconcile({QStringLiteral("--date"), today(), QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 1, qPrintable(describe(run)));
        // A matched batch of the day stays as it was: the last good match is kept.
        const QJsonObject batch = run.jsonLines()
                                      .value(0)
                                      .value(u"batches")
                                      .toArray()
                                      .at(0)
                                      .toObject()
                                      .value(u"batch")
                                      .toObject();
        QCOMPARE(batch.value(u"state").toString(), QStringLiteral("complete"));
        const QJsonObject outcome = run.jsonLines()
                                        .value(0)
                                        .value(u"batches")
                                        .toArray()
                                        .at(0)
                                        .toObject()
                                        .value(u"run")
                                        .toObject();
        QCOMPARE(outcome.value(u"state").toString(), QStringLiteral("failed"));
        QVERIFY(!outcome.value(u"message").toString().isEmpty());
    }
};

QTEST_MAIN(TestCtlReconcile)
#include "tst_ctl_reconcile.moc"
