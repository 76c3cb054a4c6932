#include "server/storage/PostgresSchema.h"

#include "core/logging/LogCategories.h"
#include "core/storage/Database.h"

#include <QCoreApplication>
#include <QSqlError>
#include <QSqlQuery>

#include <iterator>

namespace qpos::server::postgres_schema {

namespace {

// pg_advisory_xact_lock(class, object): the class keeps the migration lock apart from the
// stores' per-order locks.
constexpr int kMigrationLockClass = 0x71706f73; // "qpos"
constexpr int kMigrationLockObject = 1;

// Version 1: the tables of SQLite's schema 1 (server/storage/ServerSchema.cpp), with the same
// names and meanings.
const char* const kVersion1[] = {
    R"(CREATE TABLE terminals (
         id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
         store_id TEXT NOT NULL,
         terminal_id TEXT NOT NULL,
         created_at_ms BIGINT NOT NULL,
         enrolled_at_ms BIGINT,
         revoked_at_ms BIGINT,
         UNIQUE (store_id, terminal_id)))",
    // id orders secrets made in the same millisecond, as SQLite's rowid does.
    R"(CREATE TABLE terminal_secrets (
         id BIGINT GENERATED ALWAYS AS IDENTITY,
         terminal BIGINT NOT NULL REFERENCES terminals(id),
         key_id TEXT NOT NULL,
         secret BYTEA NOT NULL,
         created_at_ms BIGINT NOT NULL,
         valid_until_ms BIGINT,
         PRIMARY KEY (terminal, key_id)))",
    R"(CREATE TABLE notifications (
         id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
         provider TEXT NOT NULL,
         provider_id TEXT NOT NULL,
         out_trade_no TEXT NOT NULL,
         channel TEXT NOT NULL,
         total_fen BIGINT NOT NULL,
         raw_headers TEXT NOT NULL,
         raw_body BYTEA NOT NULL,
         received_at_ms BIGINT NOT NULL,
         verdict TEXT NOT NULL,
         UNIQUE (provider, provider_id)))",
    "CREATE INDEX notifications_by_order ON notifications(out_trade_no)",
    "CREATE INDEX notifications_awaiting ON notifications(out_trade_no) "
    "WHERE verdict = 'awaiting_order'",
    R"(CREATE TABLE relay_queue (
         notification BIGINT NOT NULL REFERENCES notifications(id),
         terminal BIGINT NOT NULL REFERENCES terminals(id),
         enqueued_at_ms BIGINT NOT NULL,
         acked_at_ms BIGINT,
         ack_result TEXT,
         ack_code TEXT,
         PRIMARY KEY (notification, terminal)))",
    "CREATE INDEX relay_unacked ON relay_queue(terminal, notification) WHERE acked_at_ms IS NULL",
    R"(CREATE TABLE synced_entries (
         terminal BIGINT NOT NULL REFERENCES terminals(id),
         seq BIGINT NOT NULL,
         out_trade_no TEXT NOT NULL,
         payload TEXT NOT NULL,
         received_at_ms BIGINT NOT NULL,
         PRIMARY KEY (terminal, seq)))",
    R"(CREATE TABLE orders (
         out_trade_no TEXT PRIMARY KEY,
         terminal BIGINT NOT NULL REFERENCES terminals(id),
         channel TEXT NOT NULL,
         amount_fen BIGINT NOT NULL,
         refunded_fen BIGINT NOT NULL,
         state INTEGER NOT NULL,
         last_event_id BIGINT NOT NULL,
         updated_at_ms BIGINT NOT NULL))",
};

// Version 2: SQLite's schema 2, the server's copy of the ledger for reconciliation.
const char* const kVersion2[] = {
    "ALTER TABLE orders ADD COLUMN created_at_ms BIGINT",
    "ALTER TABLE orders ADD COLUMN paid_at_ms BIGINT",
    R"(UPDATE orders SET created_at_ms =
         (SELECT min((s.payload::jsonb ->> 'at_ms')::BIGINT) FROM synced_entries s
          WHERE s.out_trade_no = orders.out_trade_no))",
    R"(UPDATE orders SET paid_at_ms =
         (SELECT min(coalesce(s.payload::jsonb ->> 'paid_at_ms',
                              s.payload::jsonb ->> 'at_ms')::BIGINT)
          FROM synced_entries s WHERE s.out_trade_no = orders.out_trade_no
          AND s.payload::jsonb ->> 'new_state' IN ('paid', 'partially_refunded', 'refunded')))",
    "CREATE INDEX orders_by_channel_created ON orders(channel, created_at_ms)",
    "CREATE INDEX orders_by_channel_paid ON orders(channel, paid_at_ms)",
    R"(CREATE TABLE order_refunds (
         out_trade_no TEXT NOT NULL REFERENCES orders(out_trade_no),
         out_request_no TEXT NOT NULL,
         channel TEXT NOT NULL,
         amount_fen BIGINT NOT NULL,
         settled_at_ms BIGINT NOT NULL,
         event_id BIGINT NOT NULL,
         PRIMARY KEY (out_trade_no, out_request_no)))",
    "CREATE INDEX order_refunds_by_settled ON order_refunds(channel, settled_at_ms)",
};

// Version 3: SQLite's schema 3, reconciliation batches.
const char* const kVersion3[] = {
    R"(CREATE TABLE reconcile_batches (
         id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
         provider TEXT NOT NULL CHECK (provider IN ('alipay', 'wechat')),
         merchant_id TEXT NOT NULL,
         day TEXT NOT NULL,
         state TEXT NOT NULL CHECK (state IN ('complete', 'waiting_for_bill', 'overdue',
                                              'no_bill', 'failed')),
         provider_payment_count BIGINT NOT NULL DEFAULT 0,
         provider_payment_fen BIGINT NOT NULL DEFAULT 0,
         provider_refund_count BIGINT NOT NULL DEFAULT 0,
         provider_refund_fen BIGINT NOT NULL DEFAULT 0,
         local_payment_count BIGINT NOT NULL DEFAULT 0,
         local_payment_fen BIGINT NOT NULL DEFAULT 0,
         local_refund_count BIGINT NOT NULL DEFAULT 0,
         local_refund_fen BIGINT NOT NULL DEFAULT 0,
         fee_thousandths_of_fen BIGINT NOT NULL DEFAULT 0,
         matched BIGINT NOT NULL DEFAULT 0,
         held BIGINT NOT NULL DEFAULT 0,
         bill_sha256 TEXT NOT NULL DEFAULT '',
         bill_file TEXT NOT NULL DEFAULT '',
         error TEXT NOT NULL DEFAULT '',
         attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
         created_at_ms BIGINT NOT NULL,
         updated_at_ms BIGINT NOT NULL,
         UNIQUE (provider, merchant_id, day)))",
    "CREATE INDEX reconcile_batches_by_day ON reconcile_batches(day)",
    "CREATE INDEX reconcile_batches_by_state ON reconcile_batches(provider, state)",
    R"(CREATE TABLE reconcile_items (
         id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
         batch_id BIGINT NOT NULL REFERENCES reconcile_batches(id),
         position INTEGER NOT NULL,
         class TEXT NOT NULL CHECK (class IN ('local_only', 'provider_only', 'status', 'amount',
                                              'refund', 'duplicate')),
         out_trade_no TEXT NOT NULL,
         out_request_no TEXT NOT NULL DEFAULT '',
         local_state TEXT NOT NULL DEFAULT '',
         local_fen BIGINT,
         provider_state TEXT NOT NULL DEFAULT '',
         provider_fen BIGINT,
         provider_trade_no TEXT NOT NULL DEFAULT '',
         bill_line INTEGER NOT NULL DEFAULT 0,
         detail TEXT NOT NULL DEFAULT '',
         resolution TEXT NOT NULL DEFAULT 'open'
                         CHECK (resolution IN ('open', 'automatic', 'handled')),
         evidence TEXT NOT NULL DEFAULT '',
         note TEXT NOT NULL DEFAULT '',
         resolved_by TEXT NOT NULL DEFAULT '',
         resolved_at_ms BIGINT NOT NULL DEFAULT 0))",
    "CREATE INDEX reconcile_items_by_batch ON reconcile_items(batch_id, position)",
    // entry: held or billed_ahead; kind: trade or refund (ReconcileTypes' HoldingPool).
    R"(CREATE TABLE reconcile_pool (
         batch_id BIGINT NOT NULL REFERENCES reconcile_batches(id),
         position INTEGER NOT NULL,
         entry TEXT NOT NULL CHECK (entry IN ('held', 'billed_ahead')),
         kind TEXT NOT NULL CHECK (kind IN ('trade', 'refund')),
         out_trade_no TEXT NOT NULL,
         out_request_no TEXT NOT NULL DEFAULT '',
         day TEXT NOT NULL,
         PRIMARY KEY (batch_id, position)))",
};

// Version 4: SQLite's schema 4, reconciliation's settle requests.
const char* const kVersion4[] = {
    R"(CREATE TABLE settle_requests (
         id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
         terminal BIGINT NOT NULL REFERENCES terminals(id),
         provider TEXT NOT NULL CHECK (provider IN ('alipay', 'wechat')),
         out_trade_no TEXT NOT NULL,
         evidence TEXT NOT NULL DEFAULT '',
         created_at_ms BIGINT NOT NULL,
         answered_at_ms BIGINT,
         result TEXT NOT NULL DEFAULT '' CHECK (result IN ('', 'applied', 'unchanged', 'failed')),
         till_state TEXT NOT NULL DEFAULT '',
         till_provider_state TEXT NOT NULL DEFAULT '',
         code TEXT NOT NULL DEFAULT ''))",
    "CREATE INDEX settle_unanswered ON settle_requests(terminal, id) WHERE answered_at_ms IS NULL",
    "CREATE INDEX settle_by_trade ON settle_requests(out_trade_no)",
};

// Version 5: SQLite's schema 5, the people the store's sales report names, read back from the
// entries uploaded before the upgrade.
const char* const kVersion5[] = {
    "ALTER TABLE orders ADD COLUMN cashier_id TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE order_refunds ADD COLUMN approved_by TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE order_refunds ADD COLUMN reason TEXT NOT NULL DEFAULT ''",
    R"(UPDATE orders AS o SET cashier_id = s.cashier_id
       FROM (SELECT out_trade_no, max(payload::jsonb ->> 'cashier_id') AS cashier_id
             FROM synced_entries WHERE jsonb_typeof(payload::jsonb -> 'cashier_id') = 'string'
             GROUP BY out_trade_no) AS s
       WHERE s.out_trade_no = o.out_trade_no)",
    R"(UPDATE order_refunds AS r SET approved_by = s.approved_by, reason = s.reason
       FROM (SELECT out_trade_no, payload::jsonb ->> 'event_id' AS event_id,
                    payload::jsonb ->> 'approved_by' AS approved_by,
                    payload::jsonb ->> 'reason' AS reason
             FROM synced_entries
             WHERE jsonb_typeof(payload::jsonb -> 'approved_by') = 'string'
             AND jsonb_typeof(payload::jsonb -> 'reason') = 'string') AS s
       WHERE s.out_trade_no = r.out_trade_no AND s.event_id = r.event_id::TEXT)",
};

// Version 6: a settle request may name a refund (the Janitor asks the till about a refund the
// provider made that the till has not recorded); '' names the trade, as every request before.
const char* const kVersion6[] = {
    "ALTER TABLE settle_requests ADD COLUMN out_request_no TEXT NOT NULL DEFAULT ''",
};

struct Migration {
    const char* const* statements;
    std::size_t count;
};

const Migration kMigrations[] = {
    {kVersion1, std::size(kVersion1)}, {kVersion2, std::size(kVersion2)},
    {kVersion3, std::size(kVersion3)}, {kVersion4, std::size(kVersion4)},
    {kVersion5, std::size(kVersion5)}, {kVersion6, std::size(kVersion6)},
};
static_assert(std::size(kMigrations) == kCurrentVersion);

// `what` is marked with QT_TRANSLATE_NOOP in this context.
Error sqlError(const char* what, const QSqlError& error) {
    return databaseError(QCoreApplication::translate("qpos::server::PostgresSchema", what),
                         error.text());
}

// Runs one statement without parameters (DDL, the lock).
Status run(QSqlDatabase& db, const QString& sql) {
    QSqlQuery q(db);
    if (!q.exec(sql))
        return databaseError(sql.left(60), q.lastError().text());
    return Status::success();
}

Status lockAndEnsureVersionTable(QSqlDatabase& db) {
    QSqlQuery lock(db);
    lock.prepare(QStringLiteral("SELECT pg_advisory_xact_lock(?, ?)"));
    lock.addBindValue(kMigrationLockClass);
    lock.addBindValue(kMigrationLockObject);
    if (!lock.exec())
        return sqlError(QT_TRANSLATE_NOOP("qpos::server::PostgresSchema",
                                          "waiting for another server's schema upgrade"),
                        lock.lastError());
    QSqlQuery exists(db);
    if (!exists.exec(QStringLiteral("SELECT to_regclass('schema_version') IS NOT NULL")) ||
        !exists.next())
        return sqlError(
            QT_TRANSLATE_NOOP("qpos::server::PostgresSchema", "reading the schema version"),
            exists.lastError());
    if (exists.value(0).toBool())
        return Status::success();
    return run(db, QStringLiteral("CREATE TABLE schema_version ("
                                  "version INTEGER PRIMARY KEY, applied_at_ms BIGINT NOT NULL)"));
}

Result<int> readVersion(QSqlDatabase& db) {
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT coalesce(max(version), 0) FROM schema_version")) ||
        !q.next())
        return sqlError(
            QT_TRANSLATE_NOOP("qpos::server::PostgresSchema", "reading the schema version"),
            q.lastError());
    return q.value(0).toInt();
}

} // namespace

Result<int> version(QSqlDatabase& db) {
    if (!db.transaction())
        return sqlError(
            QT_TRANSLATE_NOOP("qpos::server::PostgresSchema", "reading the schema version"),
            db.lastError());
    Result<int> v = [&]() -> Result<int> {
        if (Status s = lockAndEnsureVersionTable(db); !s)
            return s.error();
        return readVersion(db);
    }();
    if (!v || !db.commit()) {
        const Error error = v ? sqlError(QT_TRANSLATE_NOOP("qpos::server::PostgresSchema",
                                                           "reading the schema version"),
                                         db.lastError())
                              : v.error();
        db.rollback();
        return error;
    }
    return v;
}

Status migrate(QSqlDatabase& db, qint64 nowMs, int target) {
    for (;;) {
        // One transaction per version, each under the lock: a second instance waits, then
        // finds the version already applied.
        if (!db.transaction())
            return sqlError(
                QT_TRANSLATE_NOOP("qpos::server::PostgresSchema", "starting a schema upgrade"),
                db.lastError());
        Status step = [&]() -> Status {
            if (Status s = lockAndEnsureVersionTable(db); !s)
                return s;
            Result<int> current = readVersion(db);
            if (!current)
                return current.error();
            if (*current > kCurrentVersion)
                return Error{QStringLiteral("db.too_new"),
                             QCoreApplication::translate(
                                 "qpos::server::PostgresSchema",
                                 "The PostgreSQL database %1 was written by a newer qpos-server "
                                 "(schema %2; this program knows up to %3). Install the newer "
                                 "qpos-server on every instance; do not drop the database, it "
                                 "holds the notifications and orders.")
                                 .arg(db.databaseName())
                                 .arg(*current)
                                 .arg(kCurrentVersion)};
            const int next = *current + 1;
            if (next > target)
                return Error{QStringLiteral("db.up_to_date"), QString()};
            const Migration& migration = kMigrations[next - 1];
            for (std::size_t i = 0; i < migration.count; ++i) {
                if (Status s = run(db, QString::fromUtf8(migration.statements[i])); !s)
                    return Error{QStringLiteral("db.migration"),
                                 QCoreApplication::translate(
                                     "qpos::server::PostgresSchema",
                                     "Upgrading the PostgreSQL database to schema %1 failed: %2")
                                     .arg(next)
                                     .arg(s.error().message)};
            }
            QSqlQuery applied(db);
            applied.prepare(QStringLiteral(
                "INSERT INTO schema_version (version, applied_at_ms) VALUES (?, ?)"));
            applied.addBindValue(next);
            applied.addBindValue(nowMs);
            if (!applied.exec())
                return sqlError(QT_TRANSLATE_NOOP("qpos::server::PostgresSchema",
                                                  "recording the schema version"),
                                applied.lastError());
            qCInfo(lcServer) << "PostgreSQL database" << db.databaseName() << "upgraded to schema"
                             << next;
            return Status::success();
        }();
        if (!step) {
            db.rollback();
            if (step.error().code == u"db.up_to_date")
                return Status::success();
            return step;
        }
        if (!db.commit()) {
            const Error error = sqlError(
                QT_TRANSLATE_NOOP("qpos::server::PostgresSchema", "committing a schema upgrade"),
                db.lastError());
            db.rollback();
            return error;
        }
    }
}

} // namespace qpos::server::postgres_schema
