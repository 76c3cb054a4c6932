// The shop's calendar: China time (UTC+8) whatever the machine's time zone. Expected values are
// worked out by hand here, independently of the module.
#include "core/calendar/ChinaCalendar.h"
#include "core/calendar/LocalTimeText.h"

#include <QTest>

#include <ctime>
#include <optional>

using namespace qpos;

namespace {

constexpr qint64 kHourMs = 3600LL * 1000;
constexpr qint64 kDayMs = 24 * kHourMs;
// 2026-11-22 16:00:00.000 UTC, which is 2026-11-23 00:00:00.000 in China.
constexpr qint64 kMidnight = 1795363200000;

} // namespace

class TestChinaCalendar : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        // A machine far from China, so that nothing can lean on the local zone by accident.
        qputenv("TZ", "America/Los_Angeles");
        tzset();
    }

    void offsetIsEightHours() {
        QCOMPARE(china_calendar::kUtcOffsetS, 28800);
        QCOMPARE(china_calendar::kUtcOffsetMs, 8 * kHourMs);
        const QDateTime china = china_calendar::dateTimeOf(kMidnight);
        QCOMPARE(china.offsetFromUtc(), 28800);
        QCOMPARE(china.toMSecsSinceEpoch(), kMidnight);
    }

    void midnightBoundary() {
        // 23:59:59.999 China is still the 22nd; one millisecond later is the 23rd.
        const qint64 lastMs = kMidnight - 1;
        QCOMPARE(china_calendar::dateOf(lastMs), QDate(2026, 11, 22));
        QCOMPARE(china_calendar::dateTimeOf(lastMs).time(), QTime(23, 59, 59, 999));
        QCOMPARE(china_calendar::dayNumberOf(lastMs), 20261122);
        QCOMPARE(china_calendar::formatTimestamp(lastMs), QStringLiteral("2026-11-22 23:59:59"));

        QCOMPARE(china_calendar::dateOf(kMidnight), QDate(2026, 11, 23));
        QCOMPARE(china_calendar::dateTimeOf(kMidnight).time(), QTime(0, 0));
        QCOMPARE(china_calendar::dayNumberOf(kMidnight), 20261123);
        QCOMPARE(china_calendar::formatTimestamp(kMidnight), QStringLiteral("2026-11-23 00:00:00"));

        // UTC is still on the 22nd for eight more hours.
        QCOMPARE(china_calendar::dateOf(kMidnight + 8 * kHourMs - 1), QDate(2026, 11, 23));
        // New Year: 2026-12-31 16:00 UTC is 2027-01-01 in China.
        QCOMPARE(china_calendar::dayNumberOf(1798732800000 - 1), 20261231);
        QCOMPARE(china_calendar::dayNumberOf(1798732800000), 20270101);
    }

    void timestampsRoundDown() {
        QCOMPARE(china_calendar::formatTimestamp(kMidnight + 999),
                 QStringLiteral("2026-11-23 00:00:00"));
        QCOMPARE(china_calendar::formatTimestamp(-1), QStringLiteral("1970-01-01 07:59:59"));
    }

    void dayRange() {
        const QDate day(2026, 11, 23);
        QCOMPARE(china_calendar::dayStartMs(day), kMidnight);
        QCOMPARE(china_calendar::dayEndMs(day), kMidnight + kDayMs);
        QCOMPARE(china_calendar::dayEndMs(day), china_calendar::dayStartMs(day.addDays(1)));
        QCOMPARE(china_calendar::dateOf(china_calendar::dayStartMs(day)), day);
        QCOMPARE(china_calendar::dateOf(china_calendar::dayEndMs(day) - 1), day);
        QCOMPARE(china_calendar::dateOf(china_calendar::dayEndMs(day)), day.addDays(1));
        QCOMPARE(china_calendar::dayStartMs(QDate(2027, 1, 1)), 1798732800000);
        QCOMPARE(china_calendar::dayStartMs(QDate(1970, 1, 1)), -8 * kHourMs);
        // Every instant lies in the range of its own date.
        for (qint64 ms = kMidnight - kDayMs; ms < kMidnight + kDayMs; ms += 7 * 60 * 1000 + 1) {
            const QDate date = china_calendar::dateOf(ms);
            QVERIFY(china_calendar::dayStartMs(date) <= ms);
            QVERIFY(ms < china_calendar::dayEndMs(date));
        }
    }

    void parsesTimestamps() {
        QCOMPARE(china_calendar::parseTimestamp(u"2026-11-23 00:00:00"),
                 std::optional<qint64>(kMidnight));
        QCOMPARE(china_calendar::parseTimestamp(u"2026-11-22 23:59:59"),
                 std::optional<qint64>(kMidnight - 1000));
        QCOMPARE(
            china_calendar::parseTimestamp(u"2028-02-29 12:00:00"),
            std::optional<qint64>(china_calendar::dayStartMs(QDate(2028, 2, 29)) + 12 * kHourMs));
        for (const QString& text :
             {QStringLiteral("2026-11-23 00:00:00"), QStringLiteral("1999-12-31 23:59:59")}) {
            const std::optional<qint64> ms = china_calendar::parseTimestamp(text);
            QVERIFY(ms.has_value());
            QCOMPARE(china_calendar::formatTimestamp(*ms), text);
        }
    }

    void refusesMalformedTimestamps_data() {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << QString();
        QTest::newRow("date only") << QStringLiteral("2026-11-23");
        QTest::newRow("no seconds") << QStringLiteral("2026-11-23 00:00");
        QTest::newRow("ISO T") << QStringLiteral("2026-11-23T00:00:00");
        QTest::newRow("milliseconds") << QStringLiteral("2026-11-23 00:00:00.123");
        QTest::newRow("trailing space") << QStringLiteral("2026-11-23 00:00:00 ");
        QTest::newRow("leading space") << QStringLiteral(" 2026-11-23 00:00:00");
        QTest::newRow("slashes") << QStringLiteral("2026/11/23 00:00:00");
        QTest::newRow("sign") << QStringLiteral("+026-11-23 00:00:00");
        QTest::newRow("full-width digit") << QStringLiteral("２026-11-23 00:00:00");
        QTest::newRow("February 30") << QStringLiteral("2026-02-30 00:00:00");
        QTest::newRow("month 13") << QStringLiteral("2026-13-01 00:00:00");
        QTest::newRow("hour 24") << QStringLiteral("2026-11-23 24:00:00");
        QTest::newRow("minute 60") << QStringLiteral("2026-11-23 00:60:00");
        QTest::newRow("year 0") << QStringLiteral("0000-01-01 00:00:00");
    }
    void refusesMalformedTimestamps() {
        QFETCH(QString, text);
        QCOMPARE(china_calendar::parseTimestamp(text), std::nullopt);
    }

    void parsesDates() {
        // "today" and "yesterday" are China dates: one millisecond decides.
        QCOMPARE(china_calendar::parseDate(QStringLiteral("today"), kMidnight - 1),
                 std::optional<QDate>(QDate(2026, 11, 22)));
        QCOMPARE(china_calendar::parseDate(QStringLiteral("today"), kMidnight),
                 std::optional<QDate>(QDate(2026, 11, 23)));
        QCOMPARE(china_calendar::parseDate(QStringLiteral("yesterday"), kMidnight),
                 std::optional<QDate>(QDate(2026, 11, 22)));
        QCOMPARE(china_calendar::parseDate(QStringLiteral("yesterday"), kMidnight - 1),
                 std::optional<QDate>(QDate(2026, 11, 21)));
        QCOMPARE(china_calendar::parseDate(QStringLiteral("2024-01-15"), kMidnight),
                 std::optional<QDate>(QDate(2024, 1, 15)));
        QCOMPARE(china_calendar::parseDate(QStringLiteral("2024-02-29"), kMidnight),
                 std::optional<QDate>(QDate(2024, 2, 29)));
    }

    void refusesMalformedDates_data() {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << QString();
        QTest::newRow("capital") << QStringLiteral("Today");
        QTest::newRow("tomorrow") << QStringLiteral("tomorrow");
        QTest::newRow("short month") << QStringLiteral("2024-1-15");
        QTest::newRow("with time") << QStringLiteral("2024-01-15T00:00");
        QTest::newRow("no dashes") << QStringLiteral("20240115");
        QTest::newRow("February 30") << QStringLiteral("2024-02-30");
        QTest::newRow("leading space") << QStringLiteral(" 2024-01-15");
        QTest::newRow("trailing space") << QStringLiteral("2024-01-15 ");
    }
    void refusesMalformedDates() {
        QFETCH(QString, text);
        QCOMPARE(china_calendar::parseDate(text, kMidnight), std::nullopt);
    }

    void localTimeIsTheMachinesZone() {
        // Los Angeles is on standard time (UTC-8) in November.
        QCOMPARE(localTimeText(kMidnight), QStringLiteral("2026-11-22 08:00:00"));
    }
};

QTEST_GUILESS_MAIN(TestChinaCalendar)
#include "tst_china_calendar.moc"
