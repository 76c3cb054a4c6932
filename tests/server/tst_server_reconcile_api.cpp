// The store server's reconciliation API over loopback HTTP with an enrolled till's
// credentials, on SQLite and PostgreSQL: batches listed by day range and read with their
// items in the wire format, an item marked handled once, and every bad request answered 4xx
// with a code and a message that says what to do, changing nothing; the reconciliation
// gauges of /metrics.
#include "core/reconcile/BatchJson.h"
#include "server/QposServer.h"
#include "server/reconcile/ServerBatchStore.h"
#include "server/reconcile/SettleRequests.h"
#include "tests/reconcile/BatchSamples.h"
#include "tests/server/EnrolledTill.h"
#include "tests/server/StoreUnderTest.h"
#include "tests/support/TempDir.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace qpos;
using namespace qpos::reconcile;
using namespace qpos::server;
using namespace qpos::test;

namespace {

const link::TerminalIdentity kT07{QStringLiteral("S001"), QStringLiteral("T07")};
const QDate kDay(2026, 11, 20);
const QString kOrder1 = QStringLiteral("S001_T07_20261120_00000001");
const QString kOrder2 = QStringLiteral("S001_T07_20261120_00000002");

QJsonObject bodyOf(const ServerAnswer& a) {
    return QJsonDocument::fromJson(a.body).object();
}

QString codeOf(const ServerAnswer& a) {
    return bodyOf(a).value(u"code").toString();
}

QByteArray handledBody(const QString& staff, const QString& note) {
    return QJsonDocument(
               QJsonObject{{QStringLiteral("staff_id"), staff}, {QStringLiteral("note"), note}})
        .toJson(QJsonDocument::Compact);
}

} // namespace

class TestServerReconcileApi : public QObject {
    Q_OBJECT

    TempDir m_dir;
    StoreUnderTest m_backend{m_dir};
    std::unique_ptr<QposServer> m_server;
    std::optional<EnrolledTill> m_till;
    qint64 m_batchId = 0;
    QList<StoredItem> m_items;

    // A refusal: its status, a code and a message, and nothing else.
    static void expectRefusal(const ServerAnswer& a, int status, const QString& code) {
        QCOMPARE(a.httpStatus, status);
        QCOMPARE(codeOf(a), code);
        QVERIFY(!bodyOf(a).value(u"message").toString().isEmpty());
    }

private slots:
    void initTestCase() {
        QPOS_PREPARE_STORE(m_backend);
        qInfo().noquote() << "server store:" << m_backend.name();
        m_server = std::make_unique<QposServer>(m_backend.makeStore(), ProviderVerifiers(),
                                                QposServer::Options());
        QVERIFY(m_server->start().ok());
        Result<EnrolledTill> till = EnrolledTill::add(*m_server, kT07);
        QVERIFY(till.ok());
        m_till = *till;

        ServerBatchStore& batches = m_server->batches();
        Result<qint64> id =
            batches.saveCompleted(sampleRun(kDay,
                                            {sampleItem(DifferenceClass::LocalOnly, kOrder1),
                                             sampleItem(DifferenceClass::Amount, kOrder2)},
                                            1795700000000));
        QVERIFY(id.ok());
        m_batchId = *id;
        m_items = *batches.items(m_batchId);
        QVERIFY(batches.saveCompleted(sampleRun(kDay, {}, 1795700000000, Channel::WeChat)).ok());
        QVERIFY(batches
                    .saveIncomplete(sampleScope(), kDay.addDays(1), BatchState::Overdue,
                                    QStringLiteral("No bill by 18:00"), 1795800000000)
                    .ok());
    }

    void listsTheBatchesOfADayRange() {
        ServerAnswer a = m_till->request(
            "GET", QStringLiteral("/v1/reconcile/batches?from=2026-11-20&to=2026-11-21"));
        QCOMPARE(a.httpStatus, 200);
        const QJsonArray list = bodyOf(a).value(u"batches").toArray();
        QCOMPARE(list.size(), 3);
        // Newest day first, each in the wire format.
        Result<StoredBatch> first = batchFromJson(list[0].toObject());
        QVERIFY(first.ok());
        QCOMPARE(first->state, BatchState::Overdue);
        QCOMPARE(first->day, kDay.addDays(1));
        QCOMPARE(list[0].toObject().value(u"error").toString(), QStringLiteral("No bill by 18:00"));
        Result<StoredBatch> alipay = batchFromJson(list[1].toObject());
        QVERIFY(alipay.ok());
        QCOMPARE(alipay->id, m_batchId);
        QVERIFY(alipay->totals == sampleRun(kDay, {}, 0).result.totals);
        QCOMPARE(alipay->itemCount, 2);
        QCOMPARE(list[1].toObject().value(u"provider").toString(), QStringLiteral("alipay"));
        QCOMPARE(list[1].toObject().value(u"day").toString(), QStringLiteral("2026-11-20"));

        a = m_till->request("GET",
                            QStringLiteral("/v1/reconcile/batches?from=2026-11-22&to=2026-11-30"));
        QCOMPARE(a.httpStatus, 200);
        QVERIFY(bodyOf(a).value(u"batches").toArray().isEmpty());
    }

    void showsABatchWithItsItems() {
        ServerAnswer a =
            m_till->request("GET", QStringLiteral("/v1/reconcile/batches/%1").arg(m_batchId));
        QCOMPARE(a.httpStatus, 200);
        const QJsonObject o = bodyOf(a);
        QCOMPARE(batchFromJson(o.value(u"batch").toObject())->id, m_batchId);
        const QJsonArray items = o.value(u"items").toArray();
        QCOMPARE(items.size(), 2);
        Result<StoredItem> amount = itemFromJson(items[1].toObject());
        QVERIFY(amount.ok());
        QCOMPARE(amount->id, m_items[1].id);
        QCOMPARE(amount->item.kind, DifferenceClass::Amount);
        QCOMPARE(amount->item.providerAmountFen, std::optional<money::Fen>(1250));
        // An amount the ledger does not know is absent, not zero.
        QVERIFY(!items[0].toObject().contains(u"provider_fen"));

        for (const QString& id : {QStringLiteral("999999"), QStringLiteral("abc"),
                                  QStringLiteral("-1"), QStringLiteral("01")})
            expectRefusal(m_till->request("GET", QStringLiteral("/v1/reconcile/batches/") + id),
                          404, QStringLiteral("reconcile.no_such_batch"));
    }

    void aManagerMarksAnItemHandledOnce() {
        const QString path = QStringLiteral("/v1/reconcile/items/%1/handled").arg(m_items[0].id);
        ServerAnswer a = m_till->request(
            "POST", path, handledBody(QStringLiteral("M01"), QStringLiteral("Refunded in cash")));
        QCOMPARE(a.httpStatus, 200);
        Result<StoredItem> item = itemFromJson(bodyOf(a).value(u"item").toObject());
        QVERIFY(item.ok());
        QCOMPARE(item->id, m_items[0].id);
        QCOMPARE(item->resolution, ItemResolution::Handled);
        QCOMPARE(item->note, QStringLiteral("Refunded in cash"));
        QCOMPARE(item->resolvedBy, QStringLiteral("M01"));
        QVERIFY(item->resolvedAtMs > 0);

        // Again, by anyone: refused, the first note kept.
        expectRefusal(m_till->request("POST", path,
                                      handledBody(QStringLiteral("M02"), QStringLiteral("again"))),
                      409, QStringLiteral("reconcile.already_resolved"));
        QCOMPARE(m_server->batches().items(m_batchId)->at(0).resolvedBy, QStringLiteral("M01"));
        QCOMPARE(m_server->batches().batch(m_batchId)->value().openItemCount, 1);

        expectRefusal(m_till->request("POST", QStringLiteral("/v1/reconcile/items/999999/handled"),
                                      handledBody(QStringLiteral("M01"), QStringLiteral("n"))),
                      404, QStringLiteral("reconcile.no_such_item"));
    }

    void badDatesAndRangesAreRefusedWithWhatToSend() {
        const QString base = QStringLiteral("/v1/reconcile/batches");
        for (const QString& query :
             {QString(), QStringLiteral("?from=2026-11-20"), QStringLiteral("?to=2026-11-20"),
              QStringLiteral("?from=yesterday&to=2026-11-20"),
              QStringLiteral("?from=2026-02-30&to=2026-03-01"),
              QStringLiteral("?from=2026-11-2&to=2026-11-20"),
              QStringLiteral("?from=20261120&to=20261121")})
            expectRefusal(m_till->request("GET", base + query), 400,
                          QStringLiteral("reconcile.bad_date"));
        const ServerAnswer a = m_till->request("GET", base + QStringLiteral("?from=2026-11-20"));
        QVERIFY(bodyOf(a).value(u"message").toString().contains(u"yyyy-MM-dd"));
        expectRefusal(
            m_till->request("GET", base + QStringLiteral("?from=2026-11-21&to=2026-11-20")), 400,
            QStringLiteral("reconcile.bad_range"));
        // 366 days is a leap year's worth; one more is refused.
        QCOMPARE(m_till->request("GET", base + QStringLiteral("?from=2027-01-01&to=2028-01-01"))
                     .httpStatus,
                 200);
        expectRefusal(
            m_till->request("GET", base + QStringLiteral("?from=2027-01-01&to=2028-01-02")), 400,
            QStringLiteral("reconcile.range_too_long"));
    }

    void aBadMarkIsRefusedAndChangesNothing() {
        const QString path = QStringLiteral("/v1/reconcile/items/%1/handled").arg(m_items[1].id);
        expectRefusal(m_till->request("POST", path, handledBody(QStringLiteral("M01"), QString())),
                      400, QStringLiteral("reconcile.note_required"));
        expectRefusal(m_till->request("POST", path,
                                      QJsonDocument(QJsonObject{{QStringLiteral("staff_id"),
                                                                 QStringLiteral("M01")}})
                                          .toJson()),
                      400, QStringLiteral("reconcile.bad_request"));
        expectRefusal(
            m_till->request("POST", path, handledBody(QStringLiteral("M01"), QString(501, u'x'))),
            400, QStringLiteral("reconcile.note_too_long"));
        expectRefusal(m_till->request("POST", path, handledBody(QString(), QStringLiteral("note"))),
                      400, QStringLiteral("reconcile.staff_required"));
        expectRefusal(m_till->request("POST", path, "not json"), 400,
                      QStringLiteral("reconcile.bad_request"));
        expectRefusal(
            m_till->request("POST", path, handledBody(QStringLiteral("M01"), QString(5000, u'x'))),
            413, QStringLiteral("reconcile.too_large"));
        expectRefusal(m_till->request("POST", QStringLiteral("/v1/reconcile/items/x/handled"),
                                      handledBody(QStringLiteral("M01"), QStringLiteral("n"))),
                      404, QStringLiteral("reconcile.no_such_item"));
        QCOMPARE(m_server->batches().items(m_batchId)->at(1).resolution, ItemResolution::Open);
    }

    void wrongMethodsAndPathsAreRefused() {
        expectRefusal(
            m_till->request("POST", QStringLiteral("/v1/reconcile/batches?from=2026-11-20&to="
                                                   "2026-11-20")),
            405, QStringLiteral("http.method"));
        expectRefusal(
            m_till->request("GET",
                            QStringLiteral("/v1/reconcile/items/%1/handled").arg(m_items[1].id)),
            405, QStringLiteral("http.method"));
        expectRefusal(m_till->request("GET", QStringLiteral("/v1/reconcile/other")), 404,
                      QStringLiteral("http.not_found"));
    }

    void metricsCountBatchesByProviderAndState() {
        const ServerAnswer a = httpRequest(
            "GET", QUrl(QStringLiteral("http://127.0.0.1:%1/metrics").arg(m_server->port())));
        QCOMPARE(a.httpStatus, 200);
        QVERIFY(a.body.contains("# TYPE qpos_reconcile_batches gauge\n"));
        QVERIFY(
            a.body.contains("qpos_reconcile_batches{provider=\"alipay\",state=\"overdue\"} 1\n"));
        QVERIFY(
            a.body.contains("qpos_reconcile_batches{provider=\"alipay\",state=\"complete\"} 1\n"));
        QVERIFY(
            a.body.contains("qpos_reconcile_batches{provider=\"wechat\",state=\"complete\"} 1\n"));
        // Zeros too, so an alert on overdue has a series before the first one.
        QVERIFY(
            a.body.contains("qpos_reconcile_batches{provider=\"wechat\",state=\"overdue\"} 0\n"));
    }

    void metricsCountSettleRequestsWaitingPerTill() {
        const QUrl url(QStringLiteral("http://127.0.0.1:%1/metrics").arg(m_server->port()));
        QByteArray body = httpRequest("GET", url).body;
        QVERIFY(body.contains("# TYPE qpos_settle_requests_pending gauge\n"));
        QVERIFY2(body.contains("qpos_settle_requests_pending{terminal=\"S001/T07\"} 0\n"),
                 body.constData());

        Result<std::optional<TerminalRecord>> t07 = m_server->store().terminal(kT07);
        QVERIFY(t07.ok() && t07->has_value());
        const qint64 row = (*t07)->rowId;
        SettleRequests requests(m_server->store());
        const QString evidence = QStringLiteral("alipay.trade.query: TRADE_SUCCESS 12.00");
        Result<qint64> first =
            requests.queue(row, Channel::Alipay, kOrder1, {}, evidence, 1795700000000);
        QVERIFY(first.ok());
        QVERIFY(requests.queue(row, Channel::Alipay, kOrder2, {}, evidence, 1795700000000).ok());
        body = httpRequest("GET", url).body;
        QVERIFY2(body.contains("qpos_settle_requests_pending{terminal=\"S001/T07\"} 2\n"),
                 body.constData());

        // An answered request no longer waits.
        link::SettleAnswer answer;
        answer.id = *first;
        answer.result = link::SettleAnswer::Result::Applied;
        answer.state = QStringLiteral("paid");
        answer.providerState = QStringLiteral("TRADE_SUCCESS");
        Result<std::optional<SettleRequestRecord>> answered =
            requests.answer(row, answer, 1795700001000);
        QVERIFY(answered.ok() && answered->has_value());
        body = httpRequest("GET", url).body;
        QVERIFY2(body.contains("qpos_settle_requests_pending{terminal=\"S001/T07\"} 1\n"),
                 body.constData());
    }

    void onlyAnEnrolledTillIsAnswered() {
        const QUrl url(QStringLiteral("http://127.0.0.1:%1/v1/reconcile/batches?from=2026-11-20&"
                                      "to=2026-11-20")
                           .arg(m_server->port()));
        const ServerAnswer a = httpRequest("GET", url);
        QCOMPARE(a.httpStatus, 401);
        QVERIFY(!codeOf(a).isEmpty());
        QVERIFY(!a.body.contains("batches"));
        const ServerAnswer mark =
            httpRequest("POST",
                        QUrl(QStringLiteral("http://127.0.0.1:%1/v1/reconcile/items/%2/handled")
                                 .arg(m_server->port())
                                 .arg(m_items[1].id)),
                        handledBody(QStringLiteral("M01"), QStringLiteral("n")));
        QCOMPARE(mark.httpStatus, 401);
        QCOMPARE(m_server->batches().items(m_batchId)->at(1).resolution, ItemResolution::Open);
    }
};

QTEST_GUILESS_MAIN(TestServerReconcileApi)
#include "tst_server_reconcile_api.moc"
