#include "core/money/Money.h"
#include "core/money/SubFen.h"

#include <QTest>

using namespace qpos;
using namespace qpos::money;
using namespace Qt::StringLiterals;

class TestMoney : public QObject {
    Q_OBJECT

private slots:
    void parsesExactly_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("fen");
        QTest::addColumn<QString>("printed");
        QTest::newRow("one fen") << QStringLiteral("0.01") << qint64(1) << QStringLiteral("0.01");
        QTest::newRow("ten fen") << QStringLiteral("0.1") << qint64(10) << QStringLiteral("0.10");
        QTest::newRow("whole") << QStringLiteral("12") << qint64(1200) << QStringLiteral("12.00");
        QTest::newRow("one decimal")
            << QStringLiteral("12.3") << qint64(1230) << QStringLiteral("12.30");
        QTest::newRow("two decimals")
            << QStringLiteral("12.34") << qint64(1234) << QStringLiteral("12.34");
        QTest::newRow("float trap")
            << QStringLiteral("0.29") << qint64(29) << QStringLiteral("0.29");
        QTest::newRow("float trap 2")
            << QStringLiteral("1.15") << qint64(115) << QStringLiteral("1.15");
        QTest::newRow("maximum") << QStringLiteral("100000000.00") << qint64(10'000'000'000)
                                 << QStringLiteral("100000000.00");
        QTest::newRow("max whole") << QStringLiteral("100000000") << qint64(10'000'000'000)
                                   << QStringLiteral("100000000.00");
    }
    void parsesExactly() {
        QFETCH(QString, text);
        QFETCH(qint64, fen);
        QFETCH(QString, printed);
        const Result<Fen> r = parseYuan(text);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(*r, fen);
        QCOMPARE(formatYuan(fen), printed);
    }

    void refuses_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("code");
        QTest::newRow("empty") << QString() << QStringLiteral("money.empty");
        QTest::newRow("negative") << QStringLiteral("-1.00") << QStringLiteral("money.negative");
        QTest::newRow("plus") << QStringLiteral("+1.00") << QStringLiteral("money.sign");
        QTest::newRow("zero") << QStringLiteral("0") << QStringLiteral("money.zero");
        QTest::newRow("zero decimals") << QStringLiteral("0.00") << QStringLiteral("money.zero");
        QTest::newRow("three decimals")
            << QStringLiteral("1.234") << QStringLiteral("money.precision");
        QTest::newRow("tiny") << QStringLiteral("0.001") << QStringLiteral("money.precision");
        QTest::newRow("exponent") << QStringLiteral("1e3") << QStringLiteral("money.exponent");
        QTest::newRow("exponent upper")
            << QStringLiteral("1E3") << QStringLiteral("money.exponent");
        QTest::newRow("leading space") << QStringLiteral(" 1.00") << QStringLiteral("money.space");
        QTest::newRow("trailing space") << QStringLiteral("1.00 ") << QStringLiteral("money.space");
        QTest::newRow("inner space") << QStringLiteral("1 000") << QStringLiteral("money.space");
        QTest::newRow("ideographic space")
            << QStringLiteral("1\u30000") << QStringLiteral("money.space");
        QTest::newRow("fullwidth digits")
            << QStringLiteral("\uFF11\uFF12") << QStringLiteral("money.character");
        QTest::newRow("arabic-indic digits")
            << QStringLiteral("\u0661\u0662") << QStringLiteral("money.character");
        QTest::newRow("letters") << QStringLiteral("12a") << QStringLiteral("money.character");
        QTest::newRow("yuan sign")
            << QStringLiteral("\u00A512") << QStringLiteral("money.character");
        QTest::newRow("grouping") << QStringLiteral("1,000.00") << QStringLiteral("money.grouping");
        QTest::newRow("two points") << QStringLiteral("1.2.3") << QStringLiteral("money.character");
        QTest::newRow("no whole") << QStringLiteral(".50") << QStringLiteral("money.format");
        QTest::newRow("no fraction") << QStringLiteral("5.") << QStringLiteral("money.format");
        QTest::newRow("leading zeros")
            << QStringLiteral("007.00") << QStringLiteral("money.format");
        QTest::newRow("over max") << QStringLiteral("100000000.01")
                                  << QStringLiteral("money.too_large");
        QTest::newRow("far over max")
            << QStringLiteral("99999999999999999999999") << QStringLiteral("money.too_large");
        QTest::newRow("ten digits")
            << QStringLiteral("1000000000") << QStringLiteral("money.too_large");
        QTest::newRow("nan") << QStringLiteral("nan") << QStringLiteral("money.character");
        QTest::newRow("inf") << QStringLiteral("inf") << QStringLiteral("money.character");
    }
    void refuses() {
        QFETCH(QString, text);
        QFETCH(QString, code);
        const Result<Fen> r = parseYuan(text, Sign::Positive, QStringLiteral("total_amount"));
        QVERIFY2(!r.ok(), qPrintable(text));
        QCOMPARE(r.error().code, code);
        // The message names the field so the person knows which value to fix.
        QVERIFY2(r.error().message.startsWith(QStringLiteral("total_amount: ")),
                 qPrintable(r.error().message));
    }

    void zeroAllowedWhereItIsATotal() {
        const Result<Fen> r = parseYuan(u"0.00", Sign::NonNegative);
        QVERIFY(r.ok());
        QCOMPARE(*r, 0);
        QVERIFY(!parseYuan(u"-0.01", Sign::NonNegative).ok());
    }

    void formats() {
        QCOMPARE(formatYuan(0), QStringLiteral("0.00"));
        QCOMPARE(formatYuan(1), QStringLiteral("0.01"));
        QCOMPARE(formatYuan(10), QStringLiteral("0.10"));
        QCOMPARE(formatYuan(123456), QStringLiteral("1234.56"));
        QCOMPARE(formatYuan(kMaxFen), QStringLiteral("100000000.00"));
        QCOMPARE(formatYuan(-5), QStringLiteral("-0.05"));
        QCOMPARE(formatYuan(std::numeric_limits<qint64>::min()),
                 QStringLiteral("-92233720368547758.08"));
    }

    // WeChat Pay prints fees to 10^-5 yuan: thousandths of a fen, kept exactly.
    void subFenParsesExactly_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("thousandths");
        QTest::addColumn<QString>("printed");
        QTest::newRow("fee") << u"0.01000"_s << qint64(1000) << u"0.01000"_s;
        QTest::newRow("sub-fen") << u"0.00001"_s << qint64(1) << u"0.00001"_s;
        QTest::newRow("refund fee") << u"-0.53328"_s << qint64(-53328) << u"-0.53328"_s;
        QTest::newRow("two decimals") << u"12.34"_s << qint64(1234000) << u"12.34000"_s;
        QTest::newRow("three decimals") << u"0.072"_s << qint64(7200) << u"0.07200"_s;
        QTest::newRow("whole") << u"5"_s << qint64(500000) << u"5.00000"_s;
        QTest::newRow("zero") << u"0.00000"_s << qint64(0) << u"0.00000"_s;
        QTest::newRow("largest") << u"100000000.00000"_s << qint64(10'000'000'000'000)
                                 << u"100000000.00000"_s;
    }

    void subFenParsesExactly() {
        QFETCH(QString, text);
        QFETCH(qint64, thousandths);
        QFETCH(QString, printed);
        const Result<SubFen> r = parseSubFenYuan(text);
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
        QCOMPARE(r->thousandthsOfFen(), thousandths);
        QCOMPARE(formatSubFenYuan(*r), printed);
    }

    void subFenRefuses_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("code");
        QTest::newRow("six decimals") << u"0.010001"_s << u"money.precision"_s;
        QTest::newRow("letter in decimals") << u"0.01x00"_s << u"money.character"_s;
        QTest::newRow("exponent") << u"1e-5"_s << u"money.exponent"_s;
        QTest::newRow("plus") << u"+0.01000"_s << u"money.sign"_s;
        QTest::newRow("double minus") << u"--0.01"_s << u"money.negative"_s;
        QTest::newRow("empty") << QString() << u"money.empty"_s;
        QTest::newRow("space") << u"0.01 00"_s << u"money.character"_s;
        QTest::newRow("too large") << u"100000000.00001"_s << u"money.too_large"_s;
        QTest::newRow("leading zeros") << u"00.01000"_s << u"money.format"_s;
    }

    void subFenRefuses() {
        QFETCH(QString, text);
        QFETCH(QString, code);
        const Result<SubFen> r = parseSubFenYuan(text, u"手续费"_s);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, code);
        QVERIFY(r.error().message.contains(u"手续费"_s));
    }

    void subFenSumsExactly() {
        // 100000 fees of 0.00001 yuan are exactly one fen; a double would drift.
        SubFen sum;
        for (int i = 0; i < 100000; ++i)
            sum += *parseSubFenYuan(u"0.00001"_s);
        QCOMPARE(sum.exactFen(), std::optional<Fen>(100));
        QCOMPARE(sum - SubFen::fromFen(100), SubFen());
        QCOMPARE(-SubFen::fromFen(2), SubFen::fromThousandthsOfFen(-2000));
        QVERIFY(SubFen::fromThousandthsOfFen(1) > SubFen());
        QCOMPARE(SubFen::fromThousandthsOfFen(1500).exactFen(), std::nullopt);
    }

    void roundTripsEveryFenUpToTenYuan() {
        for (Fen fen = 1; fen <= 1000; ++fen) {
            const Result<Fen> r = parseYuan(formatYuan(fen));
            QVERIFY(r.ok());
            QCOMPARE(*r, fen);
        }
    }
};

QTEST_GUILESS_MAIN(TestMoney)
#include "tst_money.moc"
