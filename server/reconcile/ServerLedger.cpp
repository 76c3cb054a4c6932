#include "server/reconcile/ServerLedger.h"

#include "core/reconcile/LedgerTradeRow.h"
#include "core/storage/Database.h"
#include "core/storage/SqliteStatement.h"
#include "server/storage/ServerStore.h"

#include <QCoreApplication>
#include <QSqlError>
#include <QSqlQuery>

#include <utility>

namespace qpos::server {

namespace {

const char* const kTradeColumns = "out_trade_no, state, amount_fen, paid_at_ms";
const char* const kRefundColumns = "out_request_no, out_trade_no, amount_fen, settled_at_ms";

Error readError(const QString& why) {
    return databaseError(QCoreApplication::translate("qpos::server::ServerLedger",
                                                     "reading the orders for reconciliation"),
                         why);
}

// One row as Qt reads it.
class QtRow {
public:
    explicit QtRow(const QSqlQuery& q)
        : m_q(q) {}
    bool isNull(int column) const { return m_q.value(column).isNull(); }
    qint64 int64(int column) const { return m_q.value(column).toLongLong(); }
    void textInto(int column, QString& out) const { out = m_q.value(column).toString(); }

private:
    const QSqlQuery& m_q;
};

// The server keeps only refunds that moved money: an increase of an order's refunded amount.
template <typename Row>
void readRefund(const Row& row, reconcile::LocalRefund& r) {
    row.textInto(0, r.outRequestNo);
    row.textInto(1, r.outTradeNo);
    r.amountFen = row.int64(2);
    r.state = RefundRecordState::Succeeded;
    r.updatedAtMs = row.int64(3);
}

// Runs `sql` with `values` (text or integers) bound, reading each row into one `Value` (its
// strings keep their buffers from row to row) and handing it to `visit`. On SQLite the rows
// are read through SQLite's own API: a day's window is up to a million rows, and Qt would
// make a QVariant of every value. PostgreSQL goes through Qt.
template <typename Value>
Status forEachRow(ServerStore& store, const QString& sql, const QVariantList& values,
                  void (*readSqlite)(const SqliteStatement&, Value&),
                  void (*readQt)(const QtRow&, Value&),
                  const std::function<void(const Value&)>& visit) {
    return store.readSql([&](QSqlDatabase& db) -> Status {
        Value value;
        if (sqlite3* handle = sqliteHandleOf(db)) {
            SqliteStatement q;
            bool ready = q.prepare(handle, sql.toUtf8());
            for (int i = 0; ready && i < values.size(); ++i) {
                const QVariant& v = values[i];
                ready = v.typeId() == QMetaType::QString ? q.bind(i + 1, v.toString().toUtf8())
                                                         : q.bind(i + 1, v.toLongLong());
            }
            if (!ready)
                return readError(q.errorText());
            while (q.next()) {
                readSqlite(q, value);
                visit(value);
            }
            if (q.failed())
                return readError(q.errorText());
            return Status::success();
        }
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.prepare(sql))
            return readError(q.lastError().text());
        for (const QVariant& v : values)
            q.addBindValue(v);
        if (!q.exec())
            return readError(q.lastError().text());
        while (q.next()) {
            readQt(QtRow(q), value);
            visit(value);
        }
        if (q.lastError().isValid())
            return readError(q.lastError().text());
        return Status::success();
    });
}

Status forEachTradeRow(ServerStore& store, const QString& sql, const QVariantList& values,
                       const std::function<void(const reconcile::LocalTrade&)>& visit) {
    return forEachRow<reconcile::LocalTrade>(store, sql, values,
                                             &reconcile::readTradeRow<SqliteStatement>,
                                             &reconcile::readTradeRow<QtRow>, visit);
}

Status forEachRefundRow(ServerStore& store, const QString& sql, const QVariantList& values,
                        const std::function<void(const reconcile::LocalRefund&)>& visit) {
    return forEachRow<reconcile::LocalRefund>(store, sql, values, &readRefund<SqliteStatement>,
                                              &readRefund<QtRow>, visit);
}

} // namespace

ServerLedger::ServerLedger(ServerStore& store, QMap<Channel, QString> merchants)
    : m_store(store)
    , m_merchants(std::move(merchants)) {}

QString ServerLedger::tradeWindowSql() {
    // Two ranges ORed, each answered by its own index.
    return QStringLiteral("SELECT %1 FROM orders WHERE channel = ? AND "
                          "((created_at_ms >= ? AND created_at_ms < ?) OR "
                          "(paid_at_ms >= ? AND paid_at_ms < ?))")
        .arg(QLatin1String(kTradeColumns));
}

QString ServerLedger::tradesCreatedSql() {
    return QStringLiteral("SELECT COUNT(*) FROM orders WHERE channel = ? AND created_at_ms >= ? "
                          "AND created_at_ms < ?");
}

QString ServerLedger::refundWindowSql() {
    return QStringLiteral("SELECT %1 FROM order_refunds WHERE channel = ? AND "
                          "settled_at_ms >= ? AND settled_at_ms < ?")
        .arg(QLatin1String(kRefundColumns));
}

Status ServerLedger::checkScope(const reconcile::LedgerScope& scope) const {
    const QString merchant = m_merchants.value(scope.provider);
    if (!merchant.isEmpty() && merchant == scope.merchantId)
        return Status::success();
    return Error{QStringLiteral("reconcile.unknown_merchant"),
                 QCoreApplication::translate(
                     "qpos::server::ServerLedger",
                     "The store server keeps the orders of %1 merchant account \"%2\" only, not of "
                     "\"%3\". Check the merchant id in the server's [%1] section.")
                     .arg(channelName(scope.provider), merchant, scope.merchantId)};
}

Status ServerLedger::forEachTrade(const reconcile::LedgerScope& scope,
                                  const reconcile::LedgerWindow& window,
                                  const std::function<void(const reconcile::LocalTrade&)>& visit) {
    if (Status s = checkScope(scope); !s)
        return s;
    return forEachTradeRow(
        m_store, tradeWindowSql(),
        {channelName(scope.provider), window.fromMs, window.toMs, window.fromMs, window.toMs},
        visit);
}

Status
ServerLedger::forEachRefund(const reconcile::LedgerScope& scope,
                            const reconcile::LedgerWindow& window,
                            const std::function<void(const reconcile::LocalRefund&)>& visit) {
    if (Status s = checkScope(scope); !s)
        return s;
    return forEachRefundRow(m_store, refundWindowSql(),
                            {channelName(scope.provider), window.fromMs, window.toMs}, visit);
}

Result<qint64> ServerLedger::countTradesCreated(const reconcile::LedgerScope& scope,
                                                const reconcile::LedgerWindow& window) {
    if (Status s = checkScope(scope); !s)
        return s.error();
    qint64 count = 0;
    Status read = m_store.readSql([&](QSqlDatabase& db) -> Status {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.prepare(tradesCreatedSql()))
            return readError(q.lastError().text());
        for (const QVariant& v :
             QVariantList{channelName(scope.provider), window.fromMs, window.toMs})
            q.addBindValue(v);
        if (!q.exec() || !q.next())
            return readError(q.lastError().text());
        count = q.value(0).toLongLong();
        return Status::success();
    });
    if (!read)
        return read.error();
    return count;
}

Result<std::optional<reconcile::LocalTrade>>
ServerLedger::findTrade(const reconcile::LedgerScope& scope, QStringView outTradeNo) {
    if (Status s = checkScope(scope); !s)
        return s.error();
    std::optional<reconcile::LocalTrade> found;
    Status read = forEachTradeRow(
        m_store,
        QStringLiteral("SELECT %1 FROM orders WHERE out_trade_no = ? AND channel = ?")
            .arg(QLatin1String(kTradeColumns)),
        {outTradeNo.toString(), channelName(scope.provider)},
        [&](const reconcile::LocalTrade& t) { found = t; });
    if (!read)
        return read.error();
    return found;
}

Result<std::optional<reconcile::LocalRefund>>
ServerLedger::findRefund(const reconcile::LedgerScope& scope, QStringView outTradeNo,
                         QStringView outRequestNo) {
    if (Status s = checkScope(scope); !s)
        return s.error();
    std::optional<reconcile::LocalRefund> found;
    Status read = forEachRefundRow(
        m_store,
        QStringLiteral("SELECT %1 FROM order_refunds WHERE out_trade_no = ? AND out_request_no = ? "
                       "AND channel = ?")
            .arg(QLatin1String(kRefundColumns)),
        {outTradeNo.toString(), outRequestNo.toString(), channelName(scope.provider)},
        [&](const reconcile::LocalRefund& r) { found = r; });
    if (!read)
        return read.error();
    return found;
}

} // namespace qpos::server
