// The matcher's table (CompactKeyTable): every key found with its own value and no other,
// whether the table was sized first or grew from nothing through many rehashes; a second
// insert of a key keeps the first value; keys that differ only in length or in a character
// outside Latin-1; entries visited in insertion order with their keys.

#include "core/reconcile/CompactKeyTable.h"

#include <QTest>

using namespace qpos::reconcile;

namespace {

QString keyOf(int i) {
    return QStringLiteral("W%1").arg(i, 10, 10, QLatin1Char('0'));
}

} // namespace

class TstReconcileKeyTable : public QObject {
    Q_OBJECT

private slots:
    void everyKeyFindsItsOwnValue_data() {
        QTest::addColumn<int>("reserved");
        QTest::addColumn<int>("count");
        QTest::newRow("sized first") << 200000 << 200000;
        QTest::newRow("grown from nothing") << 0 << 50000;
        QTest::newRow("grown past its size") << 1000 << 50000;
    }
    void everyKeyFindsItsOwnValue() {
        QFETCH(int, reserved);
        QFETCH(int, count);
        CompactKeyTable<qint64> table;
        if (reserved > 0)
            table.reserve(reserved);
        for (int i = 0; i < count; ++i) {
            const auto [value, added] = table.insert(keyOf(i), i * 7);
            QVERIFY(added);
            QCOMPARE(*value, qint64(i) * 7);
        }
        QCOMPARE(table.size(), count);
        for (int i = 0; i < count; ++i) {
            const qint64* value = table.find(keyOf(i));
            QVERIFY2(value != nullptr, qPrintable(keyOf(i)));
            QCOMPARE(*value, qint64(i) * 7);
        }
        // Keys of the same pattern that were never added: their hashes share the bits the
        // slots keep with some key's, and they must still not be found.
        for (int i = count; i < count * 2; ++i)
            QVERIFY2(table.find(keyOf(i)) == nullptr, qPrintable(keyOf(i)));
        QVERIFY(table.find(u"") == nullptr);
    }

    void aSecondInsertKeepsTheFirstValue() {
        CompactKeyTable<int> table;
        QVERIFY(table.insert(u"A1", 1).second);
        const auto [value, added] = table.insert(u"A1", 2);
        QVERIFY(!added);
        QCOMPARE(*value, 1);
        *value = 3; // the value is the table's own
        QCOMPARE(*table.find(u"A1"), 3);
        QCOMPARE(table.size(), 1);
    }

    void keysDifferingInLengthOrBeyondLatin1AreApart() {
        CompactKeyTable<int> table;
        table.reserve(4);
        QVERIFY(table.insert(u"", 0).second);
        QVERIFY(table.insert(u"A", 1).second);
        QVERIFY(table.insert(QStringView(u"A\0", 2), 2).second);
        QVERIFY(table.insert(u"订单A", 3).second);
        QVERIFY(table.insert(u"订单B", 4).second);
        QCOMPARE(*table.find(u""), 0);
        QCOMPARE(*table.find(u"A"), 1);
        QCOMPARE(*table.find(QStringView(u"A\0", 2)), 2);
        QCOMPARE(*table.find(u"订单A"), 3);
        QCOMPARE(*table.find(u"订单B"), 4);
        QVERIFY(table.find(u"订单") == nullptr);
        QVERIFY(table.find(u"AA") == nullptr);
    }

    void anEmptyTableFindsNothing() {
        CompactKeyTable<int> table;
        QVERIFY(table.find(u"A1") == nullptr);
        QCOMPARE(table.size(), 0);
    }

    void entriesAreVisitedInInsertionOrder() {
        CompactKeyTable<int> table;
        const QStringList keys{QStringLiteral("C"), QStringLiteral("A"), QStringLiteral("B2"),
                               QStringLiteral("B")};
        for (int i = 0; i < keys.size(); ++i)
            table.insert(keys[i], i);
        table.insert(QStringLiteral("A"), 9); // already there: not a second entry
        QStringList seen;
        QList<int> values;
        table.forEach([&](QStringView key, int& value) {
            seen << key.toString();
            values << value;
        });
        QCOMPARE(seen, keys);
        QCOMPARE(values, (QList<int>{0, 1, 2, 3}));
    }
};

QTEST_GUILESS_MAIN(TstReconcileKeyTable)
#include "tst_reconcile_key_table.moc"
