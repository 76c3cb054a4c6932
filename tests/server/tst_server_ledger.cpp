// The store server's copy of the tills' ledgers for reconciliation (server/reconcile/
// ServerLedger), fed through the server's sync path over loopback: a payment dated by the
// provider's time the till sent, else by the till's; refunds from the rises of an order's
// refunded amount; windows by provider and time, read through indexes; another merchant
// refused; a schema-1 database's orders given their times on upgrade.
#include "core/storage/Database.h"
#include "server/QposServer.h"
#include "server/reconcile/ServerLedger.h"
#include "server/storage/PostgresSchema.h"
#include "server/storage/PostgresServerStore.h"
#include "server/storage/ServerSchema.h"
#include "server/storage/SqliteServerStore.h"
#include "tests/server/EnrolledTill.h"
#include "tests/server/StoreUnderTest.h"
#include "tests/support/TempDir.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace qpos;
using namespace qpos::reconcile;
using namespace qpos::server;
using namespace qpos::test;

namespace {

const link::TerminalIdentity kT07{QStringLiteral("S001"), QStringLiteral("T07")};
const QString kAlipayApp = QStringLiteral("2021000000000002");
const QString kWechatMerchant = QStringLiteral("1900000109");
const LedgerScope kAlipay{Channel::Alipay, kAlipayApp};
const LedgerScope kWechat{Channel::WeChat, kWechatMerchant};

// 2026-12-04 10:00 China time.
constexpr qint64 kMorning = 1796349600000;
constexpr qint64 kMinute = 60 * 1000;

QList<LocalTrade> tradesIn(ReconcileLedger& ledger, const LedgerScope& scope, qint64 from,
                           qint64 to) {
    QList<LocalTrade> trades;
    const Status read = ledger.forEachTrade(scope, LedgerWindow{from, to},
                                            [&](const LocalTrade& t) { trades.append(t); });
    if (!read)
        qWarning().noquote() << read.error().message;
    return trades;
}

QList<LocalRefund> refundsIn(ReconcileLedger& ledger, const LedgerScope& scope, qint64 from,
                             qint64 to) {
    QList<LocalRefund> refunds;
    const Status read = ledger.forEachRefund(scope, LedgerWindow{from, to},
                                             [&](const LocalRefund& r) { refunds.append(r); });
    if (!read)
        qWarning().noquote() << read.error().message;
    return refunds;
}

} // namespace

class TestServerLedger : public QObject {
    Q_OBJECT

    TempDir m_dir;
    StoreUnderTest m_backend{m_dir};
    std::unique_ptr<QposServer> m_server;
    std::optional<EnrolledTill> m_till;
    std::unique_ptr<ServerLedger> m_ledger;
    qint64 m_seq = 0;
    qint64 m_event = 0;
    int m_order = 0;

    void upload(QList<TillEvent> events) {
        for (TillEvent& e : events)
            e.eventId = ++m_event;
        const qint64 first = m_seq + 1;
        m_seq += events.size();
        const ServerAnswer a = m_till->upload(first, events);
        QCOMPARE(a.httpStatus, 200);
    }

private slots:
    void initTestCase() {
        QPOS_PREPARE_STORE(m_backend);
        qInfo().noquote() << "server store:" << m_backend.name();
        QposServer::Options o;
        m_server = std::make_unique<QposServer>(m_backend.makeStore(), ProviderVerifiers(), o);
        QVERIFY(m_server->start().ok());
        Result<EnrolledTill> till = EnrolledTill::add(*m_server, kT07);
        QVERIFY2(till.ok(), qPrintable(till.ok() ? QString() : till.error().message));
        m_till = *till;
        m_ledger = std::make_unique<ServerLedger>(
            m_server->store(), QMap<Channel, QString>{{Channel::Alipay, kAlipayApp},
                                                      {Channel::WeChat, kWechatMerchant}});
    }

    void aPaymentIsDatedByTheProvidersTimeTheTillSent() {
        const QString no = m_till->orderNo(++m_order);
        const qint64 providerPaid = kMorning + 2 * kMinute;
        upload({{no, QStringLiteral("alipay"), 1234, 0, QStringLiteral("pending"), 0, kMorning},
                {no, QStringLiteral("alipay"), 1234, 0, QStringLiteral("paid"), 0,
                 kMorning + 5 * kMinute,
                 QJsonObject{{QStringLiteral("paid_at_ms"), QString::number(providerPaid)}}}});

        QList<LocalTrade> trades = tradesIn(*m_ledger, kAlipay, providerPaid, providerPaid + 1);
        QCOMPARE(trades.size(), 1);
        QCOMPARE(trades[0].outTradeNo, no);
        QCOMPARE(trades[0].state, OrderState::Paid);
        QCOMPARE(trades[0].amountFen, money::Fen(1234));
        QCOMPARE(trades[0].paidAtMs, std::optional<qint64>(providerPaid));
        // Created at the first entry's time; nothing of it at the till's time of payment.
        QCOMPARE(tradesIn(*m_ledger, kAlipay, kMorning, kMorning + 1).size(), 1);
        QVERIFY(
            tradesIn(*m_ledger, kAlipay, kMorning + 5 * kMinute, kMorning + 6 * kMinute).isEmpty());

        Result<std::optional<LocalTrade>> found = m_ledger->findTrade(kAlipay, no);
        QVERIFY(found.ok() && found->has_value());
        QCOMPARE((*found)->paidAtMs, std::optional<qint64>(providerPaid));
    }

    void withoutTheProvidersTimeThePaymentIsDatedByTheTill() {
        const QString no = m_till->orderNo(++m_order);
        const qint64 at = kMorning + 60 * kMinute;
        upload({{no, QStringLiteral("wechat"), 500, 0, QStringLiteral("paid"), 0, at}});
        QList<LocalTrade> trades = tradesIn(*m_ledger, kWechat, at, at + 1);
        QCOMPARE(trades.size(), 1);
        QCOMPARE(trades[0].paidAtMs, std::optional<qint64>(at));
        // Each provider's ledger is its own.
        QVERIFY(tradesIn(*m_ledger, kAlipay, at, at + 1).isEmpty());
    }

    void anOrderNotPaidHasNoPaymentTime() {
        const QString no = m_till->orderNo(++m_order);
        const qint64 at = kMorning + 90 * kMinute;
        upload({{no, QStringLiteral("alipay"), 800, 0, QStringLiteral("pending"), 0, at},
                {no, QStringLiteral("alipay"), 800, 0, QStringLiteral("cancelled"), 0, at + 1}});
        QList<LocalTrade> trades = tradesIn(*m_ledger, kAlipay, at, at + kMinute);
        QCOMPARE(trades.size(), 1);
        QCOMPARE(trades[0].state, OrderState::Cancelled);
        QVERIFY(!trades[0].paidAtMs);
    }

    void eachRiseOfTheRefundedAmountIsARefund() {
        const QString no = m_till->orderNo(++m_order);
        const qint64 paid = kMorning + 120 * kMinute;
        upload({{no, QStringLiteral("alipay"), 1000, 0, QStringLiteral("paid"), 0, paid},
                {no, QStringLiteral("alipay"), 1000, 300, QStringLiteral("partially_refunded"), 0,
                 paid + kMinute},
                {no, QStringLiteral("alipay"), 1000, 1000, QStringLiteral("refunded"), 0,
                 paid + 2 * kMinute,
                 QJsonObject{{QStringLiteral("out_request_no"), QStringLiteral("RQ-9")}}}});

        QList<LocalRefund> refunds = refundsIn(*m_ledger, kAlipay, paid, paid + 3 * kMinute);
        QCOMPARE(refunds.size(), 2);
        std::sort(refunds.begin(), refunds.end(), [](const LocalRefund& a, const LocalRefund& b) {
            return a.updatedAtMs < b.updatedAtMs;
        });
        QCOMPARE(refunds[0].outTradeNo, no);
        QCOMPARE(refunds[0].outRequestNo, no + QStringLiteral("R1"));
        QCOMPARE(refunds[0].amountFen, money::Fen(300));
        QCOMPARE(refunds[0].state, RefundRecordState::Succeeded);
        QCOMPARE(refunds[0].updatedAtMs, paid + kMinute);
        QCOMPARE(refunds[1].outRequestNo, QStringLiteral("RQ-9"));
        QCOMPARE(refunds[1].amountFen, money::Fen(700));
        QVERIFY(refundsIn(*m_ledger, kWechat, paid, paid + 3 * kMinute).isEmpty());

        // The payment keeps its time; the refunded order is still paid here.
        Result<std::optional<LocalTrade>> trade = m_ledger->findTrade(kAlipay, no);
        QVERIFY(trade.ok() && trade->has_value());
        QCOMPARE((*trade)->paidAtMs, std::optional<qint64>(paid));
        QCOMPARE((*trade)->state, OrderState::Refunded);

        Result<std::optional<LocalRefund>> found =
            m_ledger->findRefund(kAlipay, no, QStringLiteral("RQ-9"));
        QVERIFY(found.ok() && found->has_value());
        QCOMPARE((*found)->amountFen, money::Fen(700));
        found =
            m_ledger->findRefund(kAlipay, QStringLiteral("S001_T07_other"), QStringLiteral("RQ-9"));
        QVERIFY(found.ok() && !found->has_value());
    }

    // A refund that failed at the provider moves no order, so the till uploads nothing of it:
    // only the till's own request number matches the bill's second refund.
    void aRefundKeepsTheTillsNumberAfterAFailedOne() {
        const QString no = m_till->orderNo(++m_order);
        const qint64 paid = kMorning + 150 * kMinute;
        upload({{no, QStringLiteral("wechat"), 1000, 0, QStringLiteral("paid"), 0, paid},
                {no, QStringLiteral("wechat"), 1000, 250, QStringLiteral("partially_refunded"), 0,
                 paid + kMinute,
                 QJsonObject{{QStringLiteral("out_request_no"), no + QStringLiteral("R2")}}}});

        const QList<LocalRefund> refunds = refundsIn(*m_ledger, kWechat, paid, paid + 2 * kMinute);
        QCOMPARE(refunds.size(), 1);
        QCOMPARE(refunds[0].outRequestNo, no + QStringLiteral("R2"));
        QCOMPARE(refunds[0].amountFen, money::Fen(250));
        Result<std::optional<LocalRefund>> own =
            m_ledger->findRefund(kWechat, no, no + QStringLiteral("R2"));
        QVERIFY(own.ok() && own->has_value());
        Result<std::optional<LocalRefund>> guessed =
            m_ledger->findRefund(kWechat, no, no + QStringLiteral("R1"));
        QVERIFY(guessed.ok() && !guessed->has_value());

        // A later refund without a number (one the till learned from the provider) is numbered
        // past the till's, not dropped on it.
        upload({{no, QStringLiteral("wechat"), 1000, 1000, QStringLiteral("refunded"), 0,
                 paid + 2 * kMinute}});
        const QList<LocalRefund> both = refundsIn(*m_ledger, kWechat, paid, paid + 3 * kMinute);
        QCOMPARE(both.size(), 2);
        Result<std::optional<LocalRefund>> learned =
            m_ledger->findRefund(kWechat, no, no + QStringLiteral("R3"));
        QVERIFY(learned.ok() && learned->has_value());
        QCOMPARE((*learned)->amountFen, money::Fen(750));
    }

    // A refund made outside the till (the provider's console) is uploaded without a number, and
    // the server's guess may be the one the till then gives its own refund: the till's wins.
    void aTillsNumberTakesThePlaceOfTheServersGuess() {
        const QString no = m_till->orderNo(++m_order);
        const qint64 paid = kMorning + 160 * kMinute;
        upload({{no, QStringLiteral("wechat"), 1000, 0, QStringLiteral("paid"), 0, paid},
                {no, QStringLiteral("wechat"), 1000, 100, QStringLiteral("partially_refunded"), 0,
                 paid + kMinute},
                {no, QStringLiteral("wechat"), 1000, 300, QStringLiteral("partially_refunded"), 0,
                 paid + 2 * kMinute,
                 QJsonObject{{QStringLiteral("out_request_no"), no + QStringLiteral("R1")}}}});
        const QList<LocalRefund> refunds = refundsIn(*m_ledger, kWechat, paid, paid + 3 * kMinute);
        QCOMPARE(refunds.size(), 2);
        Result<std::optional<LocalRefund>> own =
            m_ledger->findRefund(kWechat, no, no + QStringLiteral("R1"));
        QVERIFY(own.ok() && own->has_value());
        QCOMPARE((*own)->amountFen, money::Fen(200));
        Result<std::optional<LocalRefund>> outside =
            m_ledger->findRefund(kWechat, no, no + QStringLiteral("R2"));
        QVERIFY(outside.ok() && outside->has_value());
        QCOMPARE((*outside)->amountFen, money::Fen(100));
    }

    // A refund the till recorded from the provider's answer days after it was made (the
    // reconciliation's Janitor) is dated by the provider's time, as the provider's bill is.
    void aRefundIsDatedByTheProvidersTimeTheTillSent() {
        const QString no = m_till->orderNo(++m_order);
        const qint64 paid = kMorning + 165 * kMinute;
        const qint64 refundedAt = paid + 10 * kMinute;
        const qint64 recordedAt = paid + 24 * 60 * kMinute;
        upload({{no, QStringLiteral("alipay"), 1000, 0, QStringLiteral("paid"), 0, paid},
                {no, QStringLiteral("alipay"), 1000, 300, QStringLiteral("partially_refunded"), 0,
                 recordedAt,
                 QJsonObject{{QStringLiteral("out_request_no"), QStringLiteral("MP0001")},
                             {QStringLiteral("refunded_at_ms"), QString::number(refundedAt)}}}});
        const QList<LocalRefund> refunds =
            refundsIn(*m_ledger, kAlipay, refundedAt, refundedAt + 1);
        QCOMPARE(refunds.size(), 1);
        QCOMPARE(refunds[0].outRequestNo, QStringLiteral("MP0001"));
        QCOMPARE(refunds[0].amountFen, money::Fen(300));
        QVERIFY(refundsIn(*m_ledger, kAlipay, recordedAt, recordedAt + 1).isEmpty());
    }

    // As strict as every other field: a malformed value refuses the batch, which keeps nothing.
    void aMalformedPaymentTimeOrRequestNumberIsRefused() {
        const QString no = m_till->orderNo(++m_order);
        const qint64 at = kMorning + 170 * kMinute;
        const QList<QJsonObject> bad{
            {{QStringLiteral("paid_at_ms"), QStringLiteral("+1796349600000")}},
            {{QStringLiteral("paid_at_ms"), QStringLiteral("01796349600000")}},
            {{QStringLiteral("paid_at_ms"), QStringLiteral(" 1796349600000")}},
            {{QStringLiteral("paid_at_ms"), QStringLiteral("0")}},
            {{QStringLiteral("paid_at_ms"), 1796349600000.0}},
            {{QStringLiteral("refunded_at_ms"), QStringLiteral("0")}},
            {{QStringLiteral("refunded_at_ms"), QStringLiteral("17963496x0000")}},
            {{QStringLiteral("refunded_at_ms"), 1796349600000.0}},
            {{QStringLiteral("out_request_no"), QString()}},
            {{QStringLiteral("out_request_no"), QStringLiteral("R 1")}},
            {{QStringLiteral("out_request_no"), QStringLiteral("R") + QChar(0x00e9) + u'1'}},
            {{QStringLiteral("out_request_no"), QString(65, u'7')}},
            {{QStringLiteral("out_request_no"), 12}},
        };
        for (const QJsonObject& extra : bad) {
            const ServerAnswer a = m_till->upload(
                m_seq + 1,
                {{no, QStringLiteral("alipay"), 900, 0, QStringLiteral("pending"), 1, at},
                 {no, QStringLiteral("alipay"), 900, 900, QStringLiteral("refunded"), 2, at + 1,
                  extra}});
            QCOMPARE(a.httpStatus, 400);
            QVERIFY2(a.body.contains("sync.malformed"), a.body.constData());
            QVERIFY2(a.body.contains("Entry " + QByteArray::number(m_seq + 2)), a.body.constData());
        }
        Result<std::optional<LocalTrade>> trade = m_ledger->findTrade(kAlipay, no);
        QVERIFY(trade.ok() && !trade->has_value());

        // The longest and every allowed character are taken.
        const QString longest = QStringLiteral("aZ09_-|*@") + QString(55, u'x');
        upload({{no, QStringLiteral("alipay"), 900, 0, QStringLiteral("paid"), 0, at},
                {no, QStringLiteral("alipay"), 900, 900, QStringLiteral("refunded"), 0, at + 1,
                 QJsonObject{{QStringLiteral("out_request_no"), longest}}}});
        Result<std::optional<LocalRefund>> refund = m_ledger->findRefund(kAlipay, no, longest);
        QVERIFY(refund.ok() && refund->has_value());
    }

    void anUploadRepeatedOrLateAddsNoRefund() {
        const QString no = m_till->orderNo(++m_order);
        const qint64 paid = kMorning + 180 * kMinute;
        upload({{no, QStringLiteral("alipay"), 1000, 0, QStringLiteral("paid"), 0, paid},
                {no, QStringLiteral("alipay"), 1000, 400, QStringLiteral("partially_refunded"), 0,
                 paid + kMinute}});
        // The same rows again (same seq): stored once.
        m_event -= 2;
        m_seq -= 2;
        upload({{no, QStringLiteral("alipay"), 1000, 0, QStringLiteral("paid"), 0, paid},
                {no, QStringLiteral("alipay"), 1000, 400, QStringLiteral("partially_refunded"), 0,
                 paid + kMinute}});
        // An older event arriving late never moves the order back nor adds a refund.
        TillEvent late{no, QStringLiteral("alipay"), 1000, 0, QStringLiteral("pending"), 0, paid};
        late.eventId = 1;
        QCOMPARE(m_till->upload(++m_seq, {late}).httpStatus, 200);

        const QList<LocalRefund> refunds = refundsIn(*m_ledger, kAlipay, paid, paid + kMinute * 2);
        QCOMPARE(refunds.size(), 1);
        QCOMPARE(refunds[0].amountFen, money::Fen(400));
        Result<std::optional<LocalTrade>> trade = m_ledger->findTrade(kAlipay, no);
        QVERIFY(trade.ok() && trade->has_value());
        QCOMPARE((*trade)->state, OrderState::PartiallyRefunded);
    }

    void theTradesCreatedInAWindowAreCounted() {
        // Two orders created in the window, one created before it and paid in it.
        const qint64 from = kMorning + 300 * kMinute;
        const QString before = m_till->orderNo(++m_order);
        const QString first = m_till->orderNo(++m_order);
        const QString second = m_till->orderNo(++m_order);
        upload({{before, QStringLiteral("alipay"), 100, 0, QStringLiteral("pending"), 0,
                 from - kMinute},
                {before, QStringLiteral("alipay"), 100, 0, QStringLiteral("paid"), 0, from + 1},
                {first, QStringLiteral("alipay"), 200, 0, QStringLiteral("pending"), 0, from},
                {second, QStringLiteral("alipay"), 300, 0, QStringLiteral("paid"), 0,
                 from + kMinute}});
        const LedgerWindow window{from, from + 2 * kMinute};
        Result<qint64> created = m_ledger->countTradesCreated(kAlipay, window);
        QVERIFY2(created.ok(), qPrintable(created.ok() ? QString() : created.error().message));
        QCOMPARE(*created, qint64(2));
        QCOMPARE(tradesIn(*m_ledger, kAlipay, window.fromMs, window.toMs).size(), 3);
        Result<qint64> wechat = m_ledger->countTradesCreated(kWechat, window);
        QVERIFY(wechat.ok());
        QCOMPARE(*wechat, qint64(0));
    }

    void anotherMerchantIsRefusedWithWhatToCheck() {
        const LedgerScope stranger{Channel::Alipay, QStringLiteral("2021999999999999")};
        const Status read =
            m_ledger->forEachTrade(stranger, LedgerWindow{0, kMorning}, [](const LocalTrade&) {});
        QVERIFY(!read);
        QCOMPARE(read.error().code, QStringLiteral("reconcile.unknown_merchant"));
        QVERIFY(read.error().message.contains(u"[alipay]"));
        QVERIFY(!m_ledger->findTrade(stranger, m_till->orderNo(1)).ok());
        QVERIFY(!m_ledger->findRefund(stranger, m_till->orderNo(1), QStringLiteral("x")).ok());
        QVERIFY(!m_ledger->forEachRefund(stranger, LedgerWindow{0, 1}, [](const LocalRefund&) {}));
        QVERIFY(!m_ledger->countTradesCreated(stranger, LedgerWindow{0, 1}).ok());
    }

    void theWindowsAreReadThroughIndexes() {
        QSqlDatabase db = StoreUnderTest::sql(m_server->store());
        QSqlQuery q(db);
        if (m_backend.kind() == StoreUnderTest::Kind::Sqlite) {
            const auto plan = [&](QString sql) {
                sql.replace(u'?', u'1');
                QString text;
                if (!q.exec(QStringLiteral("EXPLAIN QUERY PLAN ") + sql))
                    return q.lastError().text();
                while (q.next())
                    text += q.value(3).toString() + u'\n';
                return text;
            };
            const QString trades = plan(ServerLedger::tradeWindowSql());
            QVERIFY2(trades.contains(u"MULTI-INDEX OR") &&
                         trades.contains(u"orders_by_channel_created") &&
                         trades.contains(u"orders_by_channel_paid") && !trades.contains(u"SCAN"),
                     qPrintable(trades));
            const QString refunds = plan(ServerLedger::refundWindowSql());
            QVERIFY2(refunds.contains(u"order_refunds_by_settled") && !refunds.contains(u"SCAN"),
                     qPrintable(refunds));
            const QString created = plan(ServerLedger::tradesCreatedSql());
            QVERIFY2(created.contains(u"orders_by_channel_created") && !created.contains(u"SCAN"),
                     qPrintable(created));
        } else {
            // A store's worth of rows and fresh statistics, so the planner chooses as it would.
            QVERIFY(q.exec(QStringLiteral(
                "INSERT INTO orders (out_trade_no, terminal, channel, amount_fen, refunded_fen, "
                "state, last_event_id, updated_at_ms, created_at_ms, paid_at_ms) "
                "SELECT 'bulk_' || g, (SELECT min(id) FROM terminals), 'alipay', 100, 10, 4, 1, "
                "g, g, g FROM generate_series(1, 50000) g")));
            QVERIFY(q.exec(QStringLiteral(
                "INSERT INTO order_refunds SELECT 'bulk_' || g, 'bulk_' || g || 'R1', 'alipay', "
                "10, g, 1 FROM generate_series(1, 50000) g")));
            QVERIFY(q.exec(QStringLiteral("ANALYZE orders")));
            QVERIFY(q.exec(QStringLiteral("ANALYZE order_refunds")));
            const auto plan = [&](QString sql) {
                const QStringList values{QStringLiteral("'alipay'"), QStringLiteral("25000"),
                                         QStringLiteral("25010")};
                // Bound as (channel, from, to[, from, to]).
                for (int at = 0; sql.contains(u'?'); ++at)
                    sql.replace(sql.indexOf(u'?'), 1, values[at == 0 ? 0 : 2 - at % 2]);
                QString text;
                if (!q.exec(QStringLiteral("EXPLAIN ") + sql))
                    return q.lastError().text();
                while (q.next())
                    text += q.value(0).toString() + u'\n';
                return text;
            };
            const QString trades = plan(ServerLedger::tradeWindowSql());
            const QString refunds = plan(ServerLedger::refundWindowSql());
            const QString created = plan(ServerLedger::tradesCreatedSql());
            QVERIFY(q.exec(
                QStringLiteral("DELETE FROM order_refunds WHERE out_trade_no LIKE 'bulk_%'")));
            QVERIFY(q.exec(QStringLiteral("DELETE FROM orders WHERE out_trade_no LIKE 'bulk_%'")));
            QVERIFY2(trades.contains(u"orders_by_channel_created") &&
                         trades.contains(u"orders_by_channel_paid") &&
                         !trades.contains(u"Seq Scan"),
                     qPrintable(trades));
            QVERIFY2(refunds.contains(u"order_refunds_by_settled") &&
                         !refunds.contains(u"Seq Scan"),
                     qPrintable(refunds));
            QVERIFY2(created.contains(u"orders_by_channel_created") &&
                         !created.contains(u"Seq Scan"),
                     qPrintable(created));
        }
    }

    void anUpgradedDatabaseGivesUploadedOrdersTheirTimes() {
        // A schema-1 database with one order's entries uploaded, then upgraded.
        const char* const kRows[] = {
            "INSERT INTO terminals (store_id, terminal_id, created_at_ms) VALUES ('S001', 'T07', "
            "0)",
            "INSERT INTO synced_entries SELECT min(id), 1, 'S001_T07_1', "
            "'{\"at_ms\":\"1000\",\"new_state\":\"pending\"}', 0 FROM terminals",
            "INSERT INTO synced_entries SELECT min(id), 2, 'S001_T07_1', "
            "'{\"at_ms\":\"2000\",\"new_state\":\"paid\",\"paid_at_ms\":\"1500\"}', 0 "
            "FROM terminals",
            "INSERT INTO synced_entries SELECT min(id), 3, 'S001_T07_1', "
            "'{\"at_ms\":\"3000\",\"new_state\":\"partially_refunded\"}', 0 FROM terminals",
            "INSERT INTO orders SELECT 'S001_T07_1', min(id), 'alipay', 100, 10, 4, 3, 3000 "
            "FROM terminals",
        };
        std::unique_ptr<ServerStore> upgraded;
        if (m_backend.kind() == StoreUnderTest::Kind::Sqlite) {
            const QString path = m_dir.file(QStringLiteral("schema1.db"));
            {
                Database db;
                QVERIFY(db.open(path).ok());
                QVERIFY(server_schema::migrate(db, 1).ok());
                QSqlQuery q(db.handle());
                for (const char* row : kRows)
                    QVERIFY2(q.exec(QString::fromLatin1(row)), qPrintable(q.lastError().text()));
            }
            upgraded = std::make_unique<SqliteServerStore>(path);
        } else {
            const QByteArray password = QByteArrayLiteral("0a1b2c3d4e5f60718293a4b5c6d7e8f9");
            QVERIFY(m_backend.cluster().createDatabase(QStringLiteral("qpos_v1"), password).ok());
            PostgresSettings settings;
            settings.host = m_backend.cluster().socketDir();
            settings.port = PostgresCluster::kPort;
            settings.name = QStringLiteral("qpos_v1");
            settings.user = QStringLiteral("qpos_v1");
            settings.passwordFile =
                m_backend.cluster().writePasswordFile(QStringLiteral("v1.pw"), password);
            {
                QSqlDatabase db =
                    QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("schema1"));
                db.setHostName(settings.host);
                db.setPort(settings.port);
                db.setDatabaseName(settings.name);
                db.setUserName(settings.user);
                db.setPassword(QString::fromLatin1(password));
                QVERIFY2(db.open(), qPrintable(db.lastError().text()));
                QVERIFY(postgres_schema::migrate(db, 0, 1).ok());
                QSqlQuery q(db);
                for (const char* row : kRows)
                    QVERIFY2(q.exec(QString::fromLatin1(row)), qPrintable(q.lastError().text()));
                q.finish();
                db.close();
            }
            QSqlDatabase::removeDatabase(QStringLiteral("schema1"));
            upgraded = std::make_unique<PostgresServerStore>(settings);
        }
        QVERIFY(upgraded->open().ok());
        ServerLedger ledger(*upgraded, {{Channel::Alipay, kAlipayApp}});
        Result<std::optional<LocalTrade>> trade =
            ledger.findTrade(kAlipay, QStringLiteral("S001_T07_1"));
        QVERIFY(trade.ok() && trade->has_value());
        QCOMPARE((*trade)->paidAtMs, std::optional<qint64>(1500));
        QCOMPARE(tradesIn(ledger, kAlipay, 1000, 1001).size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestServerLedger)
#include "tst_server_ledger.moc"
