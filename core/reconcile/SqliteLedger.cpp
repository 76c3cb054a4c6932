#include "core/reconcile/SqliteLedger.h"

#include "core/reconcile/LedgerTradeRow.h"
#include "core/storage/Database.h"
#include "core/storage/SqliteStatement.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>

#include <utility>

namespace qpos::reconcile {

namespace {

QString nextConnectionName() {
    static QAtomicInteger<quint64> counter;
    return QStringLiteral("qpos-ledger-%1").arg(counter.fetchAndAddRelaxed(1));
}

// The oldest schema with every table read here (refunds came in schema 3).
constexpr int kOldestSchema = 3;

const char* const kTradeColumns = "out_trade_no, state, amount_fen, paid_at_ms";

Error readError(const QString& why) {
    return databaseError(
        QCoreApplication::translate("qpos::reconcile", "reading the ledger for reconciliation"),
        why);
}

void readRefund(const SqliteStatement& row, LocalRefund& r) {
    row.textInto(0, r.outRequestNo);
    row.textInto(1, r.outTradeNo);
    r.amountFen = row.int64(2);
    r.state = static_cast<RefundRecordState>(row.int64(3));
    r.updatedAtMs = row.int64(4);
}

// Runs a bound statement to its end, reading each row into `value` and handing it on.
template <typename Value>
Status forEachRow(SqliteStatement& q, void (*read)(const SqliteStatement&, Value&),
                  const std::function<void(const Value&)>& visit) {
    Value value;
    while (q.next()) {
        read(q, value);
        visit(value);
    }
    const bool failed = q.failed();
    const QString why = failed ? q.errorText() : QString();
    q.reset();
    if (failed)
        return readError(why);
    return Status::success();
}

// The one row of a bound lookup, if any.
template <typename Value>
Result<std::optional<Value>> firstRow(SqliteStatement& q,
                                      void (*read)(const SqliteStatement&, Value&)) {
    std::optional<Value> found;
    if (Status s = forEachRow<Value>(q, read,
                                     [&found](const Value& v) {
                                         if (!found)
                                             found = v;
                                     });
        !s)
        return s.error();
    return found;
}

} // namespace

// Read through SQLite's own API: a window is a million rows, and Qt would make a QVariant of
// every value.
struct SqliteLedger::Statements {
    SqliteStatement tradesCreated;
    SqliteStatement tradeWindow;
    SqliteStatement refundWindow;
    SqliteStatement trade;
    SqliteStatement refund;
};

QString SqliteLedger::tradeWindowSql() {
    // Two ranges ORed: SQLite answers each from its own index and merges the row ids.
    return QStringLiteral("SELECT %1 FROM orders WHERE channel = :channel AND "
                          "((created_at_ms >= :from AND created_at_ms < :to) OR "
                          "(paid_at_ms >= :from AND paid_at_ms < :to))")
        .arg(QLatin1String(kTradeColumns));
}

QString SqliteLedger::tradesCreatedSql() {
    // Counted in the index alone (orders_by_channel), without reading a row.
    return QStringLiteral("SELECT COUNT(*) FROM orders WHERE channel = :channel AND "
                          "created_at_ms >= :from AND created_at_ms < :to");
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
    version.finish();
    m_sql = std::make_unique<Statements>();
    sqlite3* handle = sqliteHandleOf(m_db);
    for (auto [statement, sql] :
         {std::pair{&m_sql->tradesCreated, tradesCreatedSql()},
          std::pair{&m_sql->tradeWindow, tradeWindowSql()},
          std::pair{&m_sql->refundWindow, refundWindowSql()},
          std::pair{&m_sql->trade,
                    QStringLiteral("SELECT %1 FROM orders WHERE out_trade_no = ? AND channel = ?")
                        .arg(QLatin1String(kTradeColumns))},
          std::pair{&m_sql->refund,
                    QStringLiteral("SELECT r.out_request_no, o.out_trade_no, r.amount_fen, "
                                   "r.state, r.updated_at_ms FROM refunds r JOIN orders o ON "
                                   "o.id = r.order_id WHERE r.out_request_no = ? AND "
                                   "o.out_trade_no = ? AND o.channel = ?")}}) {
        if (!statement->prepare(handle, sql.toUtf8())) {
            const QString why = statement->errorText();
            close();
            return readError(why);
        }
    }
    return Status::success();
}

Status SqliteLedger::forEachTrade(const LedgerScope& scope, const LedgerWindow& window,
                                  const std::function<void(const LocalTrade&)>& visit) {
    SqliteStatement& q = m_sql->tradeWindow;
    if (!q.bind(":channel", channelName(scope.provider).toUtf8()) ||
        !q.bind(":from", window.fromMs) || !q.bind(":to", window.toMs))
        return readError(q.errorText());
    return forEachRow<LocalTrade>(q, &readTradeRow<SqliteStatement>, visit);
}

Status SqliteLedger::forEachRefund(const LedgerScope& scope, const LedgerWindow& window,
                                   const std::function<void(const LocalRefund&)>& visit) {
    SqliteStatement& q = m_sql->refundWindow;
    if (!q.bind(":channel", channelName(scope.provider).toUtf8()) ||
        !q.bind(":from", window.fromMs) || !q.bind(":to", window.toMs))
        return readError(q.errorText());
    return forEachRow<LocalRefund>(q, &readRefund, visit);
}

Result<qint64> SqliteLedger::countTradesCreated(const LedgerScope& scope,
                                                const LedgerWindow& window) {
    SqliteStatement& q = m_sql->tradesCreated;
    if (!q.bind(":channel", channelName(scope.provider).toUtf8()) ||
        !q.bind(":from", window.fromMs) || !q.bind(":to", window.toMs))
        return readError(q.errorText());
    const bool counted = q.next();
    const qint64 count = counted ? q.int64(0) : 0;
    const QString why = counted ? QString() : q.errorText();
    q.reset();
    if (!counted)
        return readError(why);
    return count;
}

Result<std::optional<LocalTrade>> SqliteLedger::findTrade(const LedgerScope& scope,
                                                          QStringView outTradeNo) {
    SqliteStatement& q = m_sql->trade;
    if (!q.bind(1, outTradeNo.toUtf8()) || !q.bind(2, channelName(scope.provider).toUtf8()))
        return readError(q.errorText());
    return firstRow<LocalTrade>(q, &readTradeRow<SqliteStatement>);
}

Result<std::optional<LocalRefund>> SqliteLedger::findRefund(const LedgerScope& scope,
                                                            QStringView outTradeNo,
                                                            QStringView outRequestNo) {
    SqliteStatement& q = m_sql->refund;
    if (!q.bind(1, outRequestNo.toUtf8()) || !q.bind(2, outTradeNo.toUtf8()) ||
        !q.bind(3, channelName(scope.provider).toUtf8()))
        return readError(q.errorText());
    return firstRow<LocalRefund>(q, &readRefund);
}

} // namespace qpos::reconcile
