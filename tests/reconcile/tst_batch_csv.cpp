// A reconciliation batch as a spreadsheet file (BatchCsv) and the formula-injection guard it
// shares with the sales report (CsvSheet): a BOM, quoted fields, yuan amounts, and text from a
// bill or a person that a spreadsheet would run as a formula written with a leading "'".

#include "core/calendar/ChinaCalendar.h"
#include "core/reconcile/BatchCsv.h"
#include "core/reports/CsvSheet.h"
#include "core/reports/ReportCsv.h"
#include "tests/reconcile/BatchSamples.h"

#include <QTest>

using namespace qpos;
using namespace qpos::reconcile;

namespace {

StoredBatch sampleBatch() {
    const CompletedRun run = test::sampleRun(QDate(2026, 11, 20), {}, 1795700000000);
    StoredBatch b;
    b.id = 1;
    b.provider = Channel::Alipay;
    b.merchantId = QStringLiteral("2088000000000001");
    b.day = QDate(2026, 11, 20);
    b.totals = run.result.totals;
    b.itemCount = 2;
    b.openItemCount = 1;
    return b;
}

QList<QByteArray> lines(const QByteArray& csv) {
    return csv.split('\n');
}

} // namespace

class TestBatchCsv : public QObject {
    Q_OBJECT

private slots:
    void guardsWhatASpreadsheetWouldRun_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("written");
        QTest::addRow("equals") << QStringLiteral("=HYPERLINK(\"http://x\")")
                                << QStringLiteral("'=HYPERLINK(\"http://x\")");
        QTest::addRow("plus") << QStringLiteral("+1+1") << QStringLiteral("'+1+1");
        QTest::addRow("minus") << QStringLiteral("-2+3") << QStringLiteral("'-2+3");
        QTest::addRow("at") << QStringLiteral("@SUM(A1)") << QStringLiteral("'@SUM(A1)");
        QTest::addRow("tab") << QStringLiteral("\t=1") << QStringLiteral("'\t=1");
        QTest::addRow("carriage return") << QStringLiteral("\r=1") << QStringLiteral("'\r=1");
        QTest::addRow("inside is fine") << QStringLiteral("a=b") << QStringLiteral("a=b");
        QTest::addRow("chinese") << QStringLiteral("退款") << QStringLiteral("退款");
        QTest::addRow("empty") << QString() << QString();
    }

    void guardsWhatASpreadsheetWouldRun() {
        QFETCH(QString, text);
        QFETCH(QString, written);
        QCOMPARE(reports::guardAgainstFormula(text), written);
    }

    void numbersPrintedHereAreWrittenAsTheyAre() {
        reports::CsvSheet sheet;
        sheet.row(
            {reports::CsvField::number(QStringLiteral("-0.74040")), QStringLiteral("-0.74040")});
        QCOMPARE(sheet.bytes(), QByteArray("\xEF\xBB\xBF\"-0.74040\",\"'-0.74040\"\r\n"));
    }

    void writesTheBatchAndItsItems() {
        StoredItem amount;
        amount.id = 10;
        amount.item =
            test::sampleItem(DifferenceClass::Amount, QStringLiteral("S001_T01_20261120_00000002"));
        amount.resolution = ItemResolution::Handled;
        amount.note = QStringLiteral("=cmd|' /C calc'!A0 \"quoted\"");
        amount.resolvedBy = QStringLiteral("M01");
        amount.resolvedAtMs = 1795700000000;
        StoredItem local;
        local.id = 11;
        local.item = test::sampleItem(DifferenceClass::LocalOnly,
                                      QStringLiteral("S001_T01_20261120_00000001"));
        local.item.detail = QStringLiteral("@出错");

        const QByteArray csv = batchCsv(sampleBatch(), {amount, local});
        QVERIFY(csv.startsWith("\xEF\xBB\xBF"));
        const QList<QByteArray> rows = lines(csv);
        QVERIFY2(rows.size() >= 8, csv.constData());
        QVERIFY(rows[0].contains("\"2026-11-20\""));
        // The figures: counts, two-decimal yuan, the exact fee unguarded, the state's label.
        QVERIFY2(rows[3].startsWith("\"2026-11-20\",\""), rows[3].constData());
        QVERIFY2(rows[3].contains("\"10\",\"120.50\",\"1\",\"3.00\",\"10\",\"120.00\",\"1\","
                                  "\"3.00\",\"-0.74040\",\"10\",\"1\",\"2\",\"1\""),
                 rows[3].constData());
        QVERIFY(rows[3].contains(batchStateLabel(BatchState::Complete).toUtf8()));
        QVERIFY(rows[3].contains("\"2088000000000001\""));
        // One row per item, in the given order.
        QVERIFY2(rows[6].contains("\"S001_T01_20261120_00000002\",\"\",\"paid\",\"12.00\","
                                  "\"\xE4\xBA\xA4\xE6\x98\x93\",\"12.50\""),
                 rows[6].constData());
        QVERIFY(rows[6].contains("\"7\"")); // the bill line
        QVERIFY2(rows[6].contains("\"'=cmd|' /C calc'!A0 \"\"quoted\"\"\""), rows[6].constData());
        QVERIFY(rows[6].contains(u'"' + china_calendar::formatTimestamp(1795700000000).toUtf8() +
                                 "\"\r"));
        QVERIFY(rows[6].contains(itemResolutionLabel(ItemResolution::Handled).toUtf8()));
        QVERIFY(rows[7].contains("\"S001_T01_20261120_00000001\""));
        QVERIFY(rows[7].contains("\"'@\xE5\x87\xBA\xE9\x94\x99\""));
        QVERIFY(rows[7].contains(",\"12.00\",\"\",\"\",\"\",")); // no bill side
        QVERIFY(rows[7].endsWith(",\"\",\"\",\"\",\"\"\r"));     // nothing settled yet
    }

    void theSalesReportIsGuardedToo() {
        reports::SalesReport report;
        report.fromDay = report.toDay = 20261120;
        report.cash.openingFloatFen = 10000;
        report.cash.countedFen = 9500;
        report.cash.differenceFen = -500;
        report.cash.differenceReason = QStringLiteral("=1+1");
        const QByteArray csv = reports::salesReportCsv(report, QStringLiteral("-title"));
        QVERIFY(csv.startsWith("\xEF\xBB\xBF\"'-title\"\r\n"));
        QVERIFY(csv.contains(",\"-5.00\"\r\n")); // the shortfall, a number printed here
        QVERIFY(csv.contains(",\"'=1+1\"\r\n")); // the reason someone typed
    }
};

QTEST_GUILESS_MAIN(TestBatchCsv)
#include "tst_batch_csv.moc"
