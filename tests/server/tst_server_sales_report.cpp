// The store-wide sales report (GET /v1/reports/sales) on SQLite and PostgreSQL: two tills upload
// their orders, and the server's report, computed by the same accumulator as a till's own
// (reports::ReportAccumulator), counts every till's sales at their payment time and every refund
// at the till's time of it, by channel, hour and day; the till's client reads it strictly and
// refuses answers that are cut, miss a section or do not add up; bad requests are refused with a
// code and a message that says what to do.
#include "core/calendar/ChinaCalendar.h"
#include "core/link/RemoteSalesReport.h"
#include "server/QposServer.h"
#include "tests/server/EnrolledTill.h"
#include "tests/server/StoreUnderTest.h"
#include "tests/support/TempDir.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include <functional>

using namespace qpos;
using namespace qpos::server;
using namespace qpos::test;

namespace {

const link::TerminalIdentity kT07{QStringLiteral("S001"), QStringLiteral("T07")};
const link::TerminalIdentity kT08{QStringLiteral("S001"), QStringLiteral("T08")};
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
        QVERIFY(t07.ok() && t08.ok());
        m_t07 = *t07;
        m_t08 = *t08;

        const QString a1 = m_t07->orderNo(1);
        const QString a2 = m_t07->orderNo(2);
        const QString a3 = m_t07->orderNo(3);
        const QString b1 = m_t08->orderNo(1);
        const QString b2 = m_t08->orderNo(2);
        const QString b3 = m_t08->orderNo(3);
        // T07: an Alipay sale at 10:15, a WeChat Pay sale at 11:30 refunded 5.00 at 14:00, and an
        // order never paid.
        TillEvent refund{
            a2,
            QStringLiteral("wechat"),
            2500,
            500,
            QStringLiteral("partially_refunded"),
            3,
            at(kDay, 14),
            QJsonObject{{QStringLiteral("paid_at_ms"), QString::number(at(kDay, 11, 30))},
                        {QStringLiteral("out_request_no"), a2 + QStringLiteral("R1")}}};
        TillEvent pending{
            a3, QStringLiteral("alipay"), 700, 0, QStringLiteral("pending"), 4, at(kDay, 16)};
        QCOMPARE(m_t07
                     ->upload(1, {paid(a1, QStringLiteral("alipay"), 1000, at(kDay, 10, 15), 1),
                                  paid(a2, QStringLiteral("wechat"), 2500, at(kDay, 11, 30), 2),
                                  refund, pending})
                     .httpStatus,
                 200);
        // T08: an Alipay sale at 10:45, a cash sale at 15:00, and an Alipay sale the next morning.
        QCOMPARE(
            m_t08
                ->upload(1, {paid(b1, QStringLiteral("alipay"), 800, at(kDay, 10, 45), 1),
                             paid(b2, QStringLiteral("cash"), 300, at(kDay, 15), 2),
                             paid(b3, QStringLiteral("alipay"), 1200, at(kDay.addDays(1), 9), 3)})
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
