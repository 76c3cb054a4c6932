// The store-wide sales report (GET /v1/reports/sales) on SQLite and PostgreSQL: two tills upload
// their orders, and the server's report, computed by the same accumulator as a till's own
// (reports::ReportAccumulator), counts every till's sales at their payment time and every refund
// at the till's time of it, by channel, hour, day and cashier, and lists each refund with who
// approved it and why; an older till's upload, without those people, is taken and reported under
// no cashier; a person that is not a text refuses the batch; a database an older server kept is
// upgraded with the people its entries already named; the till's client reads the report strictly
// and refuses answers that are cut, miss a section or do not add up; bad requests are refused
// with a code and a message that says what to do.
#include "core/calendar/ChinaCalendar.h"
#include "core/link/RemoteSalesReport.h"
#include "server/QposServer.h"
#include "server/reports/StoreSalesReport.h"
#include "tests/server/EnrolledTill.h"
#include "tests/server/StoreUnderTest.h"
#include "tests/support/TempDir.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include <functional>
#include <utility>

using namespace qpos;
using namespace qpos::server;
using namespace qpos::test;

namespace {

const link::TerminalIdentity kT07{QStringLiteral("S001"), QStringLiteral("T07")};
const link::TerminalIdentity kT08{QStringLiteral("S001"), QStringLiteral("T08")};
const link::TerminalIdentity kT09{QStringLiteral("S001"), QStringLiteral("T09")}; // older release
const QDate kDay(2026, 12, 4);
constexpr qint64 kHour = 3600 * 1000LL;

// `hour` o'clock (and `minute`) China time on `day`.
qint64 at(const QDate& day, int hour, int minute = 0) {
    return china_calendar::dayStartMs(day) + hour * kHour + minute * 60 * 1000LL;
}

TillEvent paid(const QString& no, const QString& channel, qint64 fen, qint64 paidAtMs,
               qint64 eventId) {
    // The till records the payment a little after the provider's time: the report uses the
    // provider's.
    return {no,
            channel,
            fen,
            0,
            QStringLiteral("paid"),
            eventId,
            paidAtMs + 90 * 1000,
            QJsonObject{{QStringLiteral("paid_at_ms"), QString::number(paidAtMs)}}};
}

// The event as a till of this release uploads it: with the order's cashier.
TillEvent by(const QString& cashierId, TillEvent event) {
    event.extra.insert(QStringLiteral("cashier_id"), cashierId);
    return event;
}

const reports::CashierFigures* cashierOf(const reports::SalesReport& r, const QString& id) {
    for (const reports::CashierFigures& c : r.cashiers) {
        if (c.cashierId == id)
            return &c;
    }
    return nullptr;
}

QString codeOf(const ServerAnswer& a) {
    return QJsonDocument::fromJson(a.body).object().value(u"code").toString();
}

reports::ReportScope daysOf(const QDate& from, const QDate& to) {
    return {china_calendar::dayNumber(from), china_calendar::dayNumber(to), 0};
}

reports::Figures channelOf(const reports::SalesReport& r, const QString& channel) {
    for (const reports::ChannelFigures& c : r.channels) {
        if (c.channel == channel)
            return c.figures;
    }
    return {};
}

} // namespace

class TestServerSalesReport : public QObject {
    Q_OBJECT

    TempDir m_dir;
    StoreUnderTest m_backend{m_dir};
    std::unique_ptr<QposServer> m_server;
    std::optional<EnrolledTill> m_t07;
    std::optional<EnrolledTill> m_t08;
    std::optional<EnrolledTill> m_t09;

    Result<reports::SalesReport> fetch(const link::StoreServerEndpoint& endpoint,
                                       const reports::ReportScope& scope) {
        link::StoreServerHttp http(endpoint, [] { return QDateTime::currentMSecsSinceEpoch(); });
        std::optional<Result<reports::SalesReport>> answer;
        link::fetchStoreSalesReport(http, scope,
                                    [&](const Result<reports::SalesReport>& r) { answer = r; });
        if (!QTest::qWaitFor([&] { return answer.has_value(); }, 20000))
            return Error{QStringLiteral("test.timeout"), QStringLiteral("no answer")};
        return *answer;
    }

private slots:
    void initTestCase() {
        QPOS_PREPARE_STORE(m_backend);
        qInfo().noquote() << "server store:" << m_backend.name();
        m_server = std::make_unique<QposServer>(m_backend.makeStore(), ProviderVerifiers(),
                                                QposServer::Options());
        QVERIFY(m_server->start().ok());
        Result<EnrolledTill> t07 = EnrolledTill::add(*m_server, kT07);
        Result<EnrolledTill> t08 = EnrolledTill::add(*m_server, kT08);
        Result<EnrolledTill> t09 = EnrolledTill::add(*m_server, kT09);
        QVERIFY(t07.ok() && t08.ok() && t09.ok());
        m_t07 = *t07;
        m_t08 = *t08;
        m_t09 = *t09;

        const QString a1 = m_t07->orderNo(1);
        const QString a2 = m_t07->orderNo(2);
        const QString a3 = m_t07->orderNo(3);
        const QString b1 = m_t08->orderNo(1);
        const QString b2 = m_t08->orderNo(2);
        const QString b3 = m_t08->orderNo(3);
        // T07: an Alipay sale at 10:15 by C01, a WeChat Pay sale at 11:30 by C02 refunded 5.00 at
        // 14:00 with manager M01's approval, and an order never paid.
        TillEvent refund{
            a2,
            QStringLiteral("wechat"),
            2500,
            500,
            QStringLiteral("partially_refunded"),
            3,
            at(kDay, 14),
            QJsonObject{{QStringLiteral("paid_at_ms"), QString::number(at(kDay, 11, 30))},
                        {QStringLiteral("out_request_no"), a2 + QStringLiteral("R1")},
                        {QStringLiteral("approved_by"), QStringLiteral("M01")},
                        {QStringLiteral("reason"), QStringLiteral("尺码不对 wrong size")}}};
        TillEvent pending{
            a3, QStringLiteral("alipay"), 700, 0, QStringLiteral("pending"), 4, at(kDay, 16)};
        QCOMPARE(
            m_t07
                ->upload(1, {by(QStringLiteral("C01"),
                                paid(a1, QStringLiteral("alipay"), 1000, at(kDay, 10, 15), 1)),
                             by(QStringLiteral("C02"),
                                paid(a2, QStringLiteral("wechat"), 2500, at(kDay, 11, 30), 2)),
                             by(QStringLiteral("C02"), refund), by(QStringLiteral("C01"), pending)})
                .httpStatus,
            200);
        // T08: an Alipay sale at 10:45 by C01, a cash sale at 15:00 by C02, and an Alipay sale
        // the next morning by C02.
        QCOMPARE(m_t08
                     ->upload(1, {by(QStringLiteral("C01"),
                                     paid(b1, QStringLiteral("alipay"), 800, at(kDay, 10, 45), 1)),
                                  by(QStringLiteral("C02"),
                                     paid(b2, QStringLiteral("cash"), 300, at(kDay, 15), 2)),
                                  by(QStringLiteral("C02"), paid(b3, QStringLiteral("alipay"), 1200,
                                                                 at(kDay.addDays(1), 9), 3))})
                     .httpStatus,
                 200);
    }

    void countsEveryTillsSalesAndRefunds() {
        Result<reports::SalesReport> report = fetch(m_t07->endpoint(), daysOf(kDay, kDay));
        QVERIFY2(report.ok(), qPrintable(report ? QString() : report.error().message));
        const reports::SalesReport& r = *report;
        QCOMPARE(r.fromDay, china_calendar::dayNumber(kDay));
        QCOMPARE(r.total.saleCount, 4);
        QCOMPARE(r.total.saleFen, money::Fen(1000 + 2500 + 800 + 300));
        QCOMPARE(r.total.refundCount, 1);
        QCOMPARE(r.total.refundFen, money::Fen(500));
        QCOMPARE(r.total.netFen(), money::Fen(4100));
        QCOMPARE(channelOf(r, QStringLiteral("alipay")), (reports::Figures{2, 1800, 0, 0}));
        QCOMPARE(channelOf(r, QStringLiteral("wechat")), (reports::Figures{1, 2500, 1, 500}));
        QCOMPARE(channelOf(r, QStringLiteral("cash")), (reports::Figures{1, 300, 0, 0}));
        // At the provider's payment time, not the till's record of it.
        QCOMPARE(r.hours[10].figures, (reports::Figures{2, 1800, 0, 0}));
        QCOMPARE(r.hours[11].figures, (reports::Figures{1, 2500, 0, 0}));
        QCOMPARE(r.hours[14].figures, (reports::Figures{0, 0, 1, 500}));
        QCOMPARE(r.hours[16].figures, reports::Figures{});
        QCOMPARE(r.refunds.size(), 1);
        QCOMPARE(r.refunds[0].outTradeNo, m_t07->orderNo(2));
        QCOMPARE(r.refunds[0].amountFen, money::Fen(500));
        QCOMPARE(r.refunds[0].atMs, at(kDay, 14));
        // Who took the sale, who approved the refund and why, as the till's own report says.
        QCOMPARE(r.refunds[0].cashierId, QStringLiteral("C02"));
        QCOMPARE(r.refunds[0].approvedBy, QStringLiteral("M01"));
        QCOMPARE(r.refunds[0].reason, QStringLiteral("尺码不对 wrong size"));
        // By cashier, across both tills: C01 sold on each, C02's refund counts for C02.
        QCOMPARE(r.cashiers.size(), 2);
        QVERIFY(cashierOf(r, QStringLiteral("C01")) && cashierOf(r, QStringLiteral("C02")));
        QCOMPARE(cashierOf(r, QStringLiteral("C01"))->figures, (reports::Figures{2, 1800, 0, 0}));
        QCOMPARE(cashierOf(r, QStringLiteral("C02"))->figures, (reports::Figures{2, 2800, 1, 500}));
        QCOMPARE(cashierOf(r, QStringLiteral("C01"))->name, QString()); // names are each till's
        // The drawer: the cash taken, no float or count (the server keeps no shifts).
        QCOMPARE(r.cash.salesFen, money::Fen(300));
        QCOMPARE(r.cash.expectedFen, money::Fen(300));
        QVERIFY(!r.cash.countedFen);
        QCOMPARE(r.averageTicketFen(), money::Fen(1150));

        // The other till asks the same question and gets the same answer.
        Result<reports::SalesReport> again = fetch(m_t08->endpoint(), daysOf(kDay, kDay));
        QVERIFY(again.ok());
        QCOMPARE(reports::toJson(*again), reports::toJson(r));
    }

    void anOlderTillsUploadIsReportedUnderNoCashier() {
        // A till of the previous release sends neither the cashier nor a refund's approver and
        // reason: its upload is taken, and its figures count under no cashier.
        const QDate day = kDay.addDays(2);
        const QString c1 = m_t09->orderNo(1);
        TillEvent refund{
            c1,         QStringLiteral("alipay"), 800, 300, QStringLiteral("partially_refunded"), 2,
            at(day, 12)};
        QCOMPARE(m_t09->upload(1, {paid(c1, QStringLiteral("alipay"), 800, at(day, 10), 1), refund})
                     .httpStatus,
                 200);
        Result<reports::SalesReport> report = fetch(m_t09->endpoint(), daysOf(day, day));
        QVERIFY2(report.ok(), qPrintable(report ? QString() : report.error().message));
        QCOMPARE(report->cashiers.size(), 1);
        QCOMPARE(report->cashiers[0].cashierId, QString());
        QCOMPARE(report->cashiers[0].figures, (reports::Figures{1, 800, 1, 300}));
        QCOMPARE(report->refunds.size(), 1);
        QCOMPARE(report->refunds[0].outTradeNo, c1);
        QCOMPARE(report->refunds[0].cashierId, QString());
        QCOMPARE(report->refunds[0].approvedBy, QString());
        QCOMPARE(report->refunds[0].reason, QString());
    }

    void aPersonThatIsNotATextRefusesTheBatch() {
        const QDate day = kDay.addDays(3);
        const QString c2 = m_t09->orderNo(2);
        TillEvent sale = paid(c2, QStringLiteral("wechat"), 900, at(day, 10), 3);
        TillEvent refund{
            c2, QStringLiteral("wechat"), 900, 900, QStringLiteral("refunded"), 4, at(day, 11)};
        refund.extra.insert(QStringLiteral("approved_by"), QStringLiteral("M01"));
        for (const auto& [key, value] :
             {std::pair{QStringLiteral("cashier_id"), QJsonValue(7)},
              std::pair{QStringLiteral("approved_by"), QJsonValue(QJsonValue::Null)},
              std::pair{QStringLiteral("reason"), QJsonValue(QJsonObject())}}) {
            TillEvent bad = refund;
            bad.extra.insert(key, value);
            const ServerAnswer a = m_t09->upload(3, {sale, bad});
            QCOMPARE(a.httpStatus, 400);
            QCOMPARE(codeOf(a), QStringLiteral("sync.malformed"));
            const QString message =
                QJsonDocument::fromJson(a.body).object().value(u"message").toString();
            QVERIFY2(message.contains(key) && message.contains(QStringLiteral("update the till")),
                     qPrintable(message));
        }
        // Nothing of those batches was stored: not even the sale before the bad entry.
        Result<reports::SalesReport> report = fetch(m_t09->endpoint(), daysOf(day, day));
        QVERIFY(report.ok());
        QCOMPARE(report->total, reports::Figures{});
        refund.extra.insert(QStringLiteral("reason"), QStringLiteral("顾客取消"));
        QCOMPARE(m_t09->upload(3, {sale, refund}).httpStatus, 200);
        report = fetch(m_t09->endpoint(), daysOf(day, day));
        QVERIFY(report.ok());
        QCOMPARE(report->total, (reports::Figures{1, 900, 1, 900}));
        QCOMPARE(report->refunds.value(0).reason, QStringLiteral("顾客取消"));
    }

    void anUpgradedDatabaseNamesThePeopleItsEntriesCarried() {
        // A schema-4 database: a till of this release uploaded to the older server, which kept
        // the entries as sent (cashier, approver, reason) but not the people in its tables; an
        // older till's order beside it; a refund whose reason is not a text is not taken.
        const QDate day(2026, 12, 20);
        const auto entry = [](int seq, const QString& no, const QString& payload) {
            return QStringLiteral("INSERT INTO synced_entries (terminal, seq, out_trade_no, "
                                  "payload, received_at_ms) SELECT min(id), %1, '%2', '%3', 0 "
                                  "FROM terminals")
                .arg(seq)
                .arg(no, payload);
        };
        const auto order = [&](const QString& no, const char* channel, int amount, int refunded,
                               int event, int hour) {
            return QStringLiteral(
                       "INSERT INTO orders (out_trade_no, terminal, channel, amount_fen, "
                       "refunded_fen, state, last_event_id, updated_at_ms, "
                       "created_at_ms, paid_at_ms) SELECT '%1', min(id), '%2', %3, %4, "
                       "4, %5, 0, %6, %6 FROM terminals")
                .arg(no, QLatin1String(channel))
                .arg(amount)
                .arg(refunded)
                .arg(event)
                .arg(at(day, hour));
        };
        const auto refundRow = [&](const QString& no, const char* channel, int amount, int event,
                                   int hour) {
            return QStringLiteral("INSERT INTO order_refunds (out_trade_no, out_request_no, "
                                  "channel, amount_fen, settled_at_ms, event_id) VALUES ('%1', "
                                  "'%1R1', '%2', %3, %4, %5)")
                .arg(no, QLatin1String(channel))
                .arg(amount)
                .arg(at(day, hour))
                .arg(event);
        };
        const QString newer = QStringLiteral("S001_T10_1");
        const QString older = QStringLiteral("S001_T10_2");
        const QStringList rows{
            QStringLiteral("INSERT INTO terminals (store_id, terminal_id, created_at_ms) VALUES "
                           "('S001', 'T10', 0)"),
            entry(1, newer,
                  QStringLiteral(R"({"event_id":"1","new_state":"paid","cashier_id":"C07"})")),
            entry(2, newer,
                  QStringLiteral(R"({"event_id":"2","new_state":"partially_refunded",)"
                                 R"("cashier_id":"C07","approved_by":"M01","reason":"退货"})")),
            entry(3, older, QStringLiteral(R"({"event_id":"3","new_state":"paid"})")),
            entry(4, older,
                  QStringLiteral(R"({"event_id":"4","new_state":"partially_refunded",)"
                                 R"("approved_by":"M02","reason":7})")),
            order(newer, "alipay", 1000, 400, 2, 10),
            order(older, "wechat", 600, 100, 4, 11),
            refundRow(newer, "alipay", 400, 2, 12),
            refundRow(older, "wechat", 100, 4, 13),
        };
        Result<std::unique_ptr<ServerStore>> made =
            m_backend.makeStoreAtSchema(QStringLiteral("qpos_v4"), 4, rows);
        QVERIFY2(made.ok(), qPrintable(made ? QString() : made.error().message));
        std::unique_ptr<ServerStore> upgraded = std::move(made).value();
        QVERIFY(upgraded->open().ok());

        Result<reports::SalesReport> report = buildStoreSalesReport(*upgraded, daysOf(day, day));
        QVERIFY2(report.ok(), qPrintable(report ? QString() : report.error().message));
        QCOMPARE(report->total, (reports::Figures{2, 1600, 2, 500}));
        QCOMPARE(report->cashiers.size(), 2);
        QVERIFY(cashierOf(*report, QString()) && cashierOf(*report, QStringLiteral("C07")));
        QCOMPARE(cashierOf(*report, QStringLiteral("C07"))->figures,
                 (reports::Figures{1, 1000, 1, 400}));
        QCOMPARE(cashierOf(*report, QString())->figures, (reports::Figures{1, 600, 1, 100}));
        QCOMPARE(report->refunds.size(), 2);
        QCOMPARE(report->refunds[0].outTradeNo, newer);
        QCOMPARE(report->refunds[0].cashierId, QStringLiteral("C07"));
        QCOMPARE(report->refunds[0].approvedBy, QStringLiteral("M01"));
        QCOMPARE(report->refunds[0].reason, QStringLiteral("退货"));
        QCOMPARE(report->refunds[1].outTradeNo, older);
        QCOMPARE(report->refunds[1].approvedBy, QString());
        QCOMPARE(report->refunds[1].reason, QString());
    }

    void aRangeListsEveryDay() {
        Result<reports::SalesReport> report =
            fetch(m_t07->endpoint(), daysOf(kDay.addDays(-1), kDay.addDays(1)));
        QVERIFY2(report.ok(), qPrintable(report ? QString() : report.error().message));
        QCOMPARE(report->days.size(), 3);
        QCOMPARE(report->days[0].figures, reports::Figures{});
        QCOMPARE(report->days[1].figures.saleCount, 4);
        QCOMPARE(report->days[2].figures, (reports::Figures{1, 1200, 0, 0}));
        QCOMPARE(report->total.saleCount, 5);
    }

    void badRequestsAreRefused() {
        ServerAnswer a =
            m_t07->request("GET", QStringLiteral("/v1/reports/sales?from=2026-12-4&to=2026-12-04"));
        QCOMPARE(a.httpStatus, 400);
        QCOMPARE(codeOf(a), QStringLiteral("report.bad_date"));
        a = m_t07->request("GET",
                           QStringLiteral("/v1/reports/sales?from=2026-12-05&to=2026-12-04"));
        QCOMPARE(a.httpStatus, 400);
        QVERIFY(codeOf(a).startsWith(u"report."));
        a = m_t07->request("GET",
                           QStringLiteral("/v1/reports/sales?from=2025-01-01&to=2026-12-04"));
        QCOMPARE(a.httpStatus, 400);
        QVERIFY(codeOf(a).startsWith(u"report."));
        a = m_t07->request("POST",
                           QStringLiteral("/v1/reports/sales?from=2026-12-04&to=2026-12-04"));
        QCOMPARE(a.httpStatus, 405);
        a = m_t07->request("GET", QStringLiteral("/v1/reports/refunds"));
        QCOMPARE(a.httpStatus, 404);
        // Without a till's signature: nothing of the store's sales.
        a = httpRequest("GET", QUrl(QStringLiteral("http://127.0.0.1:%1/v1/reports/sales?from="
                                                   "2026-12-04&to=2026-12-04")
                                        .arg(m_server->port())));
        QCOMPARE(a.httpStatus, 401);
        QVERIFY(!a.body.contains("2500"));

        // The client says the server's words for a range it refused.
        Result<reports::SalesReport> refused =
            fetch(m_t07->endpoint(), daysOf(kDay.addDays(1), kDay));
        QVERIFY(!refused.ok());
        QVERIFY(refused.error().code.startsWith(u"report."));
        link::StoreServerEndpoint stranger = m_t07->endpoint();
        stranger.secret.secret = QByteArray(32, 'x');
        refused = fetch(stranger, daysOf(kDay, kDay));
        QCOMPARE(refused.error().code, QStringLiteral("link.refused"));
    }

    void theClientReadsAnAnswerStrictly() {
        const ServerAnswer a = m_t07->request(
            "GET", QStringLiteral("/v1/reports/sales?from=2026-12-04&to=2026-12-04"));
        QCOMPARE(a.httpStatus, 200);
        const reports::ReportScope scope = daysOf(kDay, kDay);
        QVERIFY(link::readStoreSalesReport(a.body, scope).ok());

        const QJsonObject whole = QJsonDocument::fromJson(a.body).object();
        auto with = [&](const std::function<void(QJsonObject&)>& change) {
            QJsonObject report = whole.value(u"report").toObject();
            change(report);
            return QJsonDocument(QJsonObject{{QStringLiteral("report"), report}})
                .toJson(QJsonDocument::Compact);
        };
        const QList<QByteArray> bad{
            a.body.left(a.body.size() / 2),
            QByteArray(),
            with([](QJsonObject& r) { r.remove(QStringLiteral("refunds")); }),
            with([](QJsonObject& r) {
                QJsonArray hours = r.value(u"hours").toArray();
                hours.removeLast();
                r.insert(QStringLiteral("hours"), hours);
            }),
            with([](QJsonObject& r) {
                QJsonArray channels = r.value(u"channels").toArray();
                channels.removeFirst();
                r.insert(QStringLiteral("channels"), channels);
            }),
            with([](QJsonObject& r) {
                r.insert(QStringLiteral("from_day"), QStringLiteral("20261203"));
            }),
            with([](QJsonObject& r) { r.insert(QStringLiteral("total"), QJsonObject()); }),
        };
        for (const QByteArray& body : bad) {
            const Result<reports::SalesReport> read = link::readStoreSalesReport(body, scope);
            QVERIFY2(!read.ok(), body.left(200).constData());
            QCOMPARE(read.error().code, QStringLiteral("link.unreadable_answer"));
        }
        // Another day's report is not this one's.
        QVERIFY(!link::readStoreSalesReport(a.body, daysOf(kDay.addDays(1), kDay.addDays(1))).ok());
    }
};

QTEST_MAIN(TestServerSalesReport)
#include "tst_server_sales_report.moc"
