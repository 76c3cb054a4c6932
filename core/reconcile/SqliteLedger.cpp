#include "core/reconcile/SqliteLedger.h"

#include "core/storage/Database.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>

namespace qpos::reconcile {

namespace {

QString nextConnectionName() {
    static QAtomicInteger<quint64> counter;
    return QStringLiteral("qpos-ledger-%1").arg(counter.fetchAndAddRelaxed(1));
}

// The oldest schema with every table read here (refunds came in schema 3).
constexpr int kOldestSchema = 3;

const char* const kTradeColumns = "out_trade_no, state, amount_fen, paid_at_ms";

Error readError(const QSqlQuery& query) {
    return databaseError(
        QCoreApplication::translate("qpos::reconcile", "reading the ledger for reconciliation"),
        query.lastError().text());
}

LocalTrade tradeOf(const QSqlQuery& q) {
    LocalTrade t;
    t.outTradeNo = q.value(0).toString();
    t.state = static_cast<OrderState>(q.value(1).toInt());
    t.amountFen = q.value(2).toLongLong();
    if (!q.value(3).isNull())
        t.paidAtMs = q.value(3).toLongLong();
    return t;
}

LocalRefund refundOf(const QSqlQuery& q) {
    LocalRefund r;
    r.outRequestNo = q.value(0).toString();
    r.outTradeNo = q.value(1).toString();
    r.amountFen = q.value(2).toLongLong();
    r.state = static_cast<RefundRecordState>(q.value(3).toInt());
    r.updatedAtMs = q.value(4).toLongLong();
    return r;
}

} // namespace

struct SqliteLedger::Statements {
    explicit Statements(const QSqlDatabase& db)
        : tradeWindow(db)
        , refundWindow(db)
        , trade(db)
        , refund(db) {}
    QSqlQuery tradeWindow;
    QSqlQuery refundWindow;
    QSqlQuery trade;
    QSqlQuery refund;
};

QString SqliteLedger::tradeWindowSql() {
    // Two ranges ORed: SQLite answers each from its own index and merges the row ids.
    return QStringLiteral("SELECT %1 FROM orders WHERE channel = :channel AND "
                          "((created_at_ms >= :from AND created_at_ms < :to) OR "
                          "(paid_at_ms >= :from AND paid_at_ms < :to))")
        .arg(QLatin1String(kTradeColumns));
}

QString SqliteLedger::refundWindowSql() {
    // CROSS JOIN keeps refunds the outer loop (SQLite does not reorder it): the window is
    // found by the refunds' time indexes, never by scanning a provider's orders.
    return QStringLiteral(
        "SELECT r.out_request_no, o.out_trade_no, r.amount_fen, r.state, r.updated_at_ms "
        "FROM refunds r CROSS JOIN orders o ON o.id = r.order_id "
        "WHERE ((r.created_at_ms >= :from AND r.created_at_ms < :to) OR "
        "(r.updated_at_ms >= :from AND r.updated_at_ms < :to)) AND o.channel = :channel");
}

SqliteLedger::SqliteLedger() = default;

SqliteLedger::~SqliteLedger() {
    close();
}

void SqliteLedger::close() {
    m_sql.reset();
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

Status SqliteLedger::open(const QString& path) {
    close();
    if (!QFileInfo::exists(path))
        return Error{QStringLiteral("reconcile.no_database"),
                     QCoreApplication::translate("qpos::reconcile",
                                                 "The order database %1 does not exist. Give the "
                                                 "path of the till's order database.")
                         .arg(path)};
    m_connectionName = nextConnectionName();
    m_path = path;
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    m_db.setDatabaseName(path);
    m_db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"));
    if (!m_db.open()) {
        const Error error = databaseError(
            QCoreApplication::translate("qpos::reconcile", "opening %1 to read it").arg(path),
            m_db.lastError().text());
        close();
        return error;
    }
    QSqlQuery version(m_db);
    if (!version.exec(QStringLiteral("PRAGMA user_version")) || !version.next() ||
        version.value(0).toInt() < kOldestSchema) {
        close();
        return Error{QStringLiteral("reconcile.old_database"),
                     QCoreApplication::translate("qpos::reconcile",
                                                 "%1 is not an order database this version can "
                                                 "reconcile. Start the till once with it, which "
                                                 "upgrades it, then reconcile again.")
                         .arg(path)};
    }
    m_sql = std::make_unique<Statements>(m_db);
    const bool prepared =
        m_sql->tradeWindow.prepare(tradeWindowSql()) &&
        m_sql->refundWindow.prepare(refundWindowSql()) &&
        m_sql->trade.prepare(QStringLiteral("SELECT %1 FROM orders WHERE out_trade_no = ? AND "
                                            "channel = ?")
                                 .arg(QLatin1String(kTradeColumns))) &&
        m_sql->refund.prepare(QStringLiteral(
            "SELECT r.out_request_no, o.out_trade_no, r.amount_fen, r.state, r.updated_at_ms "
            "FROM refunds r JOIN orders o ON o.id = r.order_id "
            "WHERE r.out_request_no = ? AND o.out_trade_no = ? AND o.channel = ?"));
    if (!prepared) {
        const QString why = m_db.lastError().text();
        close();
        return databaseError(
            QCoreApplication::translate("qpos::reconcile", "reading the ledger for reconciliation"),
            why);
    }
    for (QSqlQuery* q : {&m_sql->tradeWindow, &m_sql->refundWindow})
        q->setForwardOnly(true);
    return Status::success();
}

Status SqliteLedger::forEachTrade(const LedgerScope& scope, const LedgerWindow& window,
                                  const std::function<void(const LocalTrade&)>& visit) {
    QSqlQuery& q = m_sql->tradeWindow;
    q.bindValue(QStringLiteral(":channel"), channelName(scope.provider));
    q.bindValue(QStringLiteral(":from"), window.fromMs);
    q.bindValue(QStringLiteral(":to"), window.toMs);
    if (!q.exec())
        return readError(q);
    while (q.next())
        visit(tradeOf(q));
    if (q.lastError().isValid())
        return readError(q);
    q.finish();
    return Status::success();
}

Status SqliteLedger::forEachRefund(const LedgerScope& scope, const LedgerWindow& window,
                                   const std::function<void(const LocalRefund&)>& visit) {
    QSqlQuery& q = m_sql->refundWindow;
    q.bindValue(QStringLiteral(":channel"), channelName(scope.provider));
    q.bindValue(QStringLiteral(":from"), window.fromMs);
    q.bindValue(QStringLiteral(":to"), window.toMs);
    if (!q.exec())
        return readError(q);
    while (q.next())
        visit(refundOf(q));
    if (q.lastError().isValid())
        return readError(q);
    q.finish();
    return Status::success();
}

Result<std::optional<LocalTrade>> SqliteLedger::findTrade(const LedgerScope& scope,
                                                          QStringView outTradeNo) {
    QSqlQuery& q = m_sql->trade;
    q.bindValue(0, outTradeNo.toString());
    q.bindValue(1, channelName(scope.provider));
    if (!q.exec())
        return readError(q);
    std::optional<LocalTrade> found;
    if (q.next())
        found = tradeOf(q);
    q.finish();
    return found;
}

Result<std::optional<LocalRefund>> SqliteLedger::findRefund(const LedgerScope& scope,
                                                            QStringView outTradeNo,
                                                            QStringView outRequestNo) {
    QSqlQuery& q = m_sql->refund;
    q.bindValue(0, outRequestNo.toString());
    q.bindValue(1, outTradeNo.toString());
    q.bindValue(2, channelName(scope.provider));
    if (!q.exec())
        return readError(q);
    std::optional<LocalRefund> found;
    if (q.next())
        found = refundOf(q);
    q.finish();
    return found;
}

} // namespace qpos::reconcile
