// Manager / cashier PIN hashing (scrypt).

#include "core/crypto/PinHash.h"

#include <QTest>

using namespace qpos;
using namespace qpos::crypto;

namespace {

// Cheap parameters for the tests that do not care about the cost.
constexpr ScryptParameters kFast{1024, 8, 1};

} // namespace

class TestPinHash : public QObject {
    Q_OBJECT

private slots:
    void defaultHashVerifies() {
        const auto stored = hashPin(u"482915");
        QVERIFY(stored.ok());
        QVERIFY2(stored->startsWith(QLatin1String("scrypt$32768$8$1$")), qPrintable(*stored));
        QCOMPARE(stored->split(QLatin1Char('$')).size(), 6);
        QVERIFY(!stored->contains(QLatin1String("482915")));
        QVERIFY(verifyPin(u"482915", *stored).ok());

        const Status wrong = verifyPin(u"482916", *stored);
        QVERIFY(!wrong.ok());
        QCOMPARE(wrong.error().code, QStringLiteral("crypto.pin_mismatch"));
        QVERIFY(!pinHashNeedsUpgrade(*stored));
    }

    void wrongPinsRefused() {
        const auto stored = hashPin(u"1234", kFast);
        QVERIFY(stored.ok());
        QVERIFY(verifyPin(u"1234", *stored).ok());
        for (const QString& pin : {QStringLiteral("1235"), QStringLiteral("12345"),
                                   QStringLiteral("123"), QStringLiteral(" 1234"), QString()}) {
            const Status status = verifyPin(pin, *stored);
            QVERIFY(!status.ok());
            QCOMPARE(status.error().code, QStringLiteral("crypto.pin_mismatch"));
        }
        QVERIFY(pinHashNeedsUpgrade(*stored)); // made with other than the default parameters
    }

    void saltsDiffer() {
        const auto a = hashPin(u"0000", kFast);
        const auto b = hashPin(u"0000", kFast);
        QVERIFY(a.ok() && b.ok());
        QVERIFY(a.value() != b.value());
        QVERIFY(a->section(QLatin1Char('$'), 4, 4) != b->section(QLatin1Char('$'), 4, 4));
        QCOMPARE(QByteArray::fromBase64(a->section(QLatin1Char('$'), 4, 4).toLatin1()).size(), 16);
        QCOMPARE(QByteArray::fromBase64(a->section(QLatin1Char('$'), 5, 5).toLatin1()).size(), 32);
        QVERIFY(verifyPin(u"0000", *a).ok());
        QVERIFY(verifyPin(u"0000", *b).ok());
    }

    void unicodePin() {
        const auto stored = hashPin(u"密码１２３", kFast);
        QVERIFY(stored.ok());
        QVERIFY(verifyPin(u"密码１２３", *stored).ok());
        QVERIFY(!verifyPin(u"密码123", *stored).ok());
    }

    void emptyPinRefused() {
        const auto stored = hashPin(u"");
        QVERIFY(!stored.ok());
        QCOMPARE(stored.error().code, QStringLiteral("crypto.pin_empty"));
    }

    void malformedStoredStringsRejected_data() {
        const QString good = hashPin(u"1234", kFast).value();
        const QStringList parts = good.split(QLatin1Char('$'));
        const auto with = [&](int index, const QString& value) {
            QStringList copy = parts;
            copy[index] = value;
            return copy.join(QLatin1Char('$'));
        };
        QTest::addColumn<QString>("stored");
        QTest::newRow("empty") << QString();
        QTest::newRow("word") << QStringLiteral("scrypt");
        QTest::newRow("plain text pin") << QStringLiteral("1234");
        QTest::newRow("other scheme") << with(0, QStringLiteral("bcrypt"));
        QTest::newRow("upper case scheme") << with(0, QStringLiteral("SCRYPT"));
        QTest::newRow("N not a power of two") << with(1, QStringLiteral("1000"));
        QTest::newRow("N too large") << with(1, QStringLiteral("2097152"));
        QTest::newRow("N one") << with(1, QStringLiteral("1"));
        QTest::newRow("N leading zero") << with(1, QStringLiteral("01024"));
        QTest::newRow("N negative") << with(1, QStringLiteral("-1024"));
        QTest::newRow("N huge") << with(1, QStringLiteral("99999999999999999999"));
        QTest::newRow("r zero") << with(2, QStringLiteral("0"));
        QTest::newRow("r too large") << with(2, QStringLiteral("1000"));
        QTest::newRow("p zero") << with(3, QStringLiteral("0"));
        QTest::newRow("p too large") << with(3, QStringLiteral("17"));
        QTest::newRow("salt not base64") << with(4, QStringLiteral("!!!!"));
        QTest::newRow("salt empty") << with(4, QString());
        QTest::newRow("salt too short") << with(4, QStringLiteral("AAAA"));
        QTest::newRow("hash not base64") << with(5, QStringLiteral("@@@@"));
        QTest::newRow("hash too short") << with(5, QStringLiteral("AAAAAAAA"));
        QTest::newRow("hash truncated") << with(5, parts[5].left(parts[5].size() - 2));
        QTest::newRow("extra part") << good + QStringLiteral("$x");
        QTest::newRow("missing part") << parts.mid(0, 5).join(QLatin1Char('$'));
        QTest::newRow("space") << good + QLatin1Char(' ');
        QTest::newRow("memory bomb")
            << with(1, QStringLiteral("1048576"))
                   .replace(QStringLiteral("$8$1$"), QStringLiteral("$32$16$"));
    }

    void malformedStoredStringsRejected() {
        QFETCH(QString, stored);
        const Status status = verifyPin(u"1234", stored);
        QVERIFY(!status.ok());
        QCOMPARE(status.error().code, QStringLiteral("crypto.pin_hash_malformed"));
        QVERIFY(pinHashNeedsUpgrade(stored));
    }

    void outOfRangeParametersRefusedWhenHashing() {
        QVERIFY(!hashPin(u"1234", ScryptParameters{1000, 8, 1}).ok());
        QVERIFY(!hashPin(u"1234", ScryptParameters{1024, 0, 1}).ok());
    }
};

QTEST_GUILESS_MAIN(TestPinHash)
#include "tst_pin_hash.moc"
