// The bills' CSV reader (gateway::CsvReader): a line without quotes is split by the reader
// itself, every other line by libcsv, and both must read a line the same way. Each plain line
// is read once as it is and once with a quoted field after it, which sends it through libcsv;
// the fields must be the same. Also: blank lines, quoted fields across lines, a carriage
// return inside a line, and records whose buffers are reused while a copy of an earlier one
// is kept.

#include "core/gateways/CsvReader.h"

#include <QTest>

using namespace qpos;
using namespace Qt::Literals::StringLiterals;
using gateway::CsvReader;
using gateway::CsvRecord;

namespace {

// The fields of every record `lines` make, one list per record.
QList<QStringList> read(const QList<QByteArray>& lines) {
    CsvReader reader;
    QList<QStringList> records;
    int number = 0;
    for (const QByteArray& line : lines) {
        const Status fed = reader.feedUtf8Line(line, ++number);
        if (!fed)
            return {{QStringLiteral("error: ") + fed.error().code}};
        for (const CsvRecord& record : reader.records())
            records << record.fields.texts();
    }
    if (const Status done = reader.finish(); !done)
        return {{QStringLiteral("error: ") + done.error().code}};
    for (const CsvRecord& record : reader.records())
        records << record.fields.texts();
    return records;
}

} // namespace

class TstCsvReader : public QObject {
    Q_OBJECT

private slots:
    void aPlainLineReadsAsLibcsvReadsIt_data() {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QStringList>("fields");
        QTest::newRow("two") << QByteArray("a,b") << QStringList{u"a"_s, u"b"_s};
        QTest::newRow("blanks around") << QByteArray(" a ,\tb\t") << QStringList{u"a"_s, u"b"_s};
        QTest::newRow("blanks inside")
            << QByteArray("a b,c \t d") << QStringList{u"a b"_s, u"c \t d"_s};
        QTest::newRow("empty fields") << QByteArray(",,") << QStringList{u""_s, u""_s, u""_s};
        QTest::newRow("blank fields") << QByteArray(" , \t,") << QStringList{u""_s, u""_s, u""_s};
        QTest::newRow("trailing comma") << QByteArray("a,") << QStringList{u"a"_s, u""_s};
        QTest::newRow("leading comma") << QByteArray(",a") << QStringList{u""_s, u"a"_s};
        QTest::newRow("form feed is text") << QByteArray("\f") << QStringList{u"\f"_s};
        QTest::newRow("backquoted values")
            << QByteArray("`2026-11-20 08:00:05,`W0000000001,`0.00")
            << QStringList{u"`2026-11-20 08:00:05"_s, u"`W0000000001"_s, u"`0.00"_s};
        QTest::newRow("tab-padded values") << QByteArray("2088\t,S01\t,\t,12.00")
                                           << QStringList{u"2088"_s, u"S01"_s, u""_s, u"12.00"_s};
        QTest::newRow("UTF-8") << QByteArray("订单 ,\t茶") << QStringList{u"订单"_s, u"茶"_s};
        QTest::newRow("one field") << QByteArray("x") << QStringList{u"x"_s};
    }
    void aPlainLineReadsAsLibcsvReadsIt() {
        QFETCH(QByteArray, line);
        QFETCH(QStringList, fields);
        QCOMPARE(read({line}), QList<QStringList>{fields});
        // A quote sends the line through libcsv: the fields before it must not change.
        QCOMPARE(read({line + ",\"q\""}), QList<QStringList>{fields + QStringList{u"q"_s}});
    }

    void blankLinesAreNoRecords() {
        QCOMPARE(read({"", " \t ", "a", "  "}), QList<QStringList>{{u"a"_s}});
    }

    void aQuotedFieldMaySpanLines() {
        QCOMPARE(read({"a,\"b", "c\",d", "e,f"}),
                 (QList<QStringList>{{u"a"_s, u"b\nc"_s, u"d"_s}, {u"e"_s, u"f"_s}}));
        // The line after the quoted field is plain again, and read the same way.
        QCOMPARE(read({"\"x\"\"y\",z", " p , q "}),
                 (QList<QStringList>{{u"x\"y"_s, u"z"_s}, {u"p"_s, u"q"_s}}));
    }

    void aCarriageReturnInsideALineIsRefused() {
        QCOMPARE(read({"a\rb,c"}), QList<QStringList>{{u"error: csv.malformed"_s}});
    }

    void aQuoteInsideAnUnquotedFieldIsRefused() {
        QCOMPARE(read({"a\"b,c"}), QList<QStringList>{{u"error: csv.malformed"_s}});
    }

    void anUnclosedQuoteIsTruncation() {
        QCOMPARE(read({"a,\"b"}), QList<QStringList>{{u"error: csv.truncated"_s}});
    }

    void invalidUtf8IsRefusedOnEitherPath() {
        QCOMPARE(read({"a,\xff"}), QList<QStringList>{{u"error: csv.not_utf8"_s}});
        QCOMPARE(read({"\"a\",\xff"}), QList<QStringList>{{u"error: csv.not_utf8"_s}});
    }

    void aKeptRecordSurvivesTheNextLines() {
        CsvReader reader;
        QVERIFY(reader.feedUtf8Line("first,line,of three", 1).ok());
        QCOMPARE(reader.records().size(), std::size_t(1));
        const CsvRecord kept = reader.records().front();
        QVERIFY(reader.feedUtf8Line("x", 2).ok());
        QVERIFY(reader.feedUtf8Line("a much longer second line,to,grow,the,buffers", 3).ok());
        QCOMPARE(reader.records().front().fields.texts(),
                 (QStringList{u"a much longer second line"_s, u"to"_s, u"grow"_s, u"the"_s,
                              u"buffers"_s}));
        QCOMPARE(reader.records().front().lineNumber, 3);
        QCOMPARE(kept.fields.texts(), (QStringList{u"first"_s, u"line"_s, u"of three"_s}));
        QCOMPARE(kept.lineNumber, 1);
        // A line that makes no record leaves none from the line before.
        QVERIFY(reader.feedUtf8Line("  ", 4).ok());
        QVERIFY(reader.records().empty());
    }
};

QTEST_GUILESS_MAIN(TstCsvReader)
#include "tst_csv_reader.moc"
