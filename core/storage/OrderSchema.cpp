#include "core/storage/OrderSchema.h"

#include "core/logging/LogCategories.h"
#include "core/storage/Database.h"
#include "core/storage/DatabaseBackup.h"

#include <QCoreApplication>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>

namespace qpos::order_schema {

namespace {

// Version 1: the ledger. Orders, their items, every applied change, and the outbox that
// carries each change to the store backend.
const char* const kVersion1[] = {
    R"(CREATE TABLE orders (
        id                INTEGER PRIMARY KEY,
        out_trade_no      TEXT    NOT NULL UNIQUE,
        channel           TEXT    NOT NULL CHECK (channel IN ('alipay', 'wechat')),
        flow              TEXT    NOT NULL CHECK (flow IN ('qr', 'code')),
        amount_fen        INTEGER NOT NULL CHECK (amount_fen > 0),
        refunded_fen      INTEGER NOT NULL DEFAULT 0
                                  CHECK (refunded_fen >= 0 AND refunded_fen <= amount_fen),
        subject           TEXT    NOT NULL,
        state             INTEGER NOT NULL CHECK (state BETWEEN 0 AND 7),
        provider_trade_no TEXT,
        store_id          TEXT    NOT NULL,
        terminal_id       TEXT    NOT NULL,
        cashier_id        TEXT,
        created_at_ms     INTEGER NOT NULL,
        updated_at_ms     INTEGER NOT NULL,
        paid_at_ms        INTEGER
    ))",
    R"(CREATE TABLE order_items (
        order_id       INTEGER NOT NULL REFERENCES orders(id),
        line_no        INTEGER NOT NULL,
        name           TEXT    NOT NULL,
        quantity       INTEGER NOT NULL CHECK (quantity > 0),
        unit_price_fen INTEGER NOT NULL CHECK (unit_price_fen >= 0),
        PRIMARY KEY (order_id, line_no)
    ) WITHOUT ROWID)",
    R"(CREATE TABLE order_events (
        id              INTEGER PRIMARY KEY,
        order_id        INTEGER NOT NULL REFERENCES orders(id),
        old_state       INTEGER,
        new_state       INTEGER NOT NULL,
        source          TEXT    NOT NULL,
        actor           TEXT    NOT NULL DEFAULT '',
        at_ms           INTEGER NOT NULL,
        refunded_fen    INTEGER NOT NULL DEFAULT 0,
        provider_fields TEXT    NOT NULL DEFAULT '{}',
        note            TEXT    NOT NULL DEFAULT ''
    ))",
    "CREATE INDEX order_events_by_order ON order_events(order_id, id)",
    R"(CREATE TABLE outbox (
        id                 INTEGER PRIMARY KEY,
        event_id           INTEGER NOT NULL UNIQUE REFERENCES order_events(id),
        idempotency_key    TEXT    NOT NULL UNIQUE,
        payload            TEXT    NOT NULL,
        created_at_ms      INTEGER NOT NULL,
        attempts           INTEGER NOT NULL DEFAULT 0,
        next_attempt_at_ms INTEGER NOT NULL DEFAULT 0,
        sent_at_ms         INTEGER
    ))",
    "CREATE INDEX outbox_unsent ON outbox(next_attempt_at_ms, id) WHERE sent_at_ms IS NULL",
    R"(CREATE TABLE sequences (
        name  TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    ) WITHOUT ROWID)",
    "CREATE INDEX orders_by_created ON orders(created_at_ms, id)",
};

// Version 2: what the reports and the order list need at a million orders. Daily totals are
// kept up to date in the same transaction as each change, so a report never scans orders.
// The day is the China calendar date (UTC+8) of the order's creation.
const char* const kVersion2[] = {
    R"(CREATE TABLE daily_totals (
        day          INTEGER NOT NULL,
        channel      TEXT    NOT NULL,
        paid_count   INTEGER NOT NULL DEFAULT 0,
        paid_fen     INTEGER NOT NULL DEFAULT 0,
        refunded_fen INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (day, channel)
    ) WITHOUT ROWID)",
    R"(INSERT INTO daily_totals (day, channel, paid_count, paid_fen, refunded_fen)
       SELECT CAST(strftime('%Y%m%d', created_at_ms / 1000, 'unixepoch', '+8 hours') AS INTEGER),
              channel, COUNT(*), SUM(amount_fen), SUM(refunded_fen)
       FROM orders WHERE state IN (3, 4, 5)
       GROUP BY 1, 2)",
    "CREATE INDEX orders_by_state ON orders(state, created_at_ms, id)",
    "CREATE INDEX orders_by_channel ON orders(channel, created_at_ms, id)",
    "CREATE INDEX orders_open ON orders(created_at_ms) WHERE state IN (0, 1, 2)",
    "CREATE INDEX orders_by_provider_trade_no ON orders(provider_trade_no)",
};

// Version 3: refunds the till asked for (so a refund's request number is stable across
// retries and restarts, and recovery can settle one whose answer was lost), and the staff
// who may use the till, with scrypt hashes of their PINs.
const char* const kVersion3[] = {
    R"(CREATE TABLE refunds (
        id              INTEGER PRIMARY KEY,
        order_id        INTEGER NOT NULL REFERENCES orders(id),
        out_request_no  TEXT    NOT NULL UNIQUE,
        amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
        reason          TEXT    NOT NULL DEFAULT '',
        actor           TEXT    NOT NULL DEFAULT '',
        state           INTEGER NOT NULL CHECK (state BETWEEN 0 AND 2),
        created_at_ms   INTEGER NOT NULL,
        updated_at_ms   INTEGER NOT NULL
    ))",
    "CREATE INDEX refunds_by_order ON refunds(order_id, id)",
    "CREATE INDEX refunds_open ON refunds(created_at_ms) WHERE state = 0",
    R"(CREATE TABLE staff (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        role       TEXT NOT NULL CHECK (role IN ('cashier', 'manager')),
        pin_hash   TEXT NOT NULL,
        updated_at_ms INTEGER NOT NULL
    ) WITHOUT ROWID)",
};

// Version 4: wrong-PIN counts and lockouts, so restarting the till does not lift a lockout.
// `key` is a staff id, or the shared manager-PIN prompt's key.
const char* const kVersion4[] = {
    R"(CREATE TABLE pin_failures (
        key             TEXT    PRIMARY KEY,
        count           INTEGER NOT NULL CHECK (count >= 0),
        locked_until_ms INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID)",
};

// Version 5: a refund may be held by the provider (RefundRecordState::HeldByProvider, 3),
// still open like a requested one. SQLite cannot change a CHECK constraint, so the table is
// rebuilt with its rows and ids.
const char* const kVersion5[] = {
    R"(CREATE TABLE refunds_v5 (
        id              INTEGER PRIMARY KEY,
        order_id        INTEGER NOT NULL REFERENCES orders(id),
        out_request_no  TEXT    NOT NULL UNIQUE,
        amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
        reason          TEXT    NOT NULL DEFAULT '',
        actor           TEXT    NOT NULL DEFAULT '',
        state           INTEGER NOT NULL CHECK (state BETWEEN 0 AND 3),
        created_at_ms   INTEGER NOT NULL,
        updated_at_ms   INTEGER NOT NULL
    ))",
    R"(INSERT INTO refunds_v5 (id, order_id, out_request_no, amount_fen, reason, actor, state,
                              created_at_ms, updated_at_ms)
       SELECT id, order_id, out_request_no, amount_fen, reason, actor, state, created_at_ms,
              updated_at_ms
       FROM refunds)",
    "DROP TABLE refunds",
    "ALTER TABLE refunds_v5 RENAME TO refunds",
    "CREATE INDEX refunds_by_order ON refunds(order_id, id)",
    "CREATE INDEX refunds_open ON refunds(created_at_ms) WHERE state IN (0, 3)",
};

// Version 6: the manager's reports, shifts and Z reports (docs/reports.md). report_totals
// keeps sales and refunds per business day, China hour, channel, cashier and shift, and
// report_refunds one row per refund that moved money; both are written in the same
// transaction as the order change. Unlike daily_totals (a refund counts on its sale's day)
// a change counts on the business day it happened, so a day closed by a Z never changes.
// The backfill replays the ledger's events: a sale at the order's paid time, a refund at its
// event's time, no shift.
const char* const kVersion6[] = {
    R"(CREATE TABLE shifts (
        id                INTEGER PRIMARY KEY,
        cashier_id        TEXT    NOT NULL,
        opened_at_ms      INTEGER NOT NULL,
        opening_float_fen INTEGER CHECK (opening_float_fen IS NULL OR opening_float_fen >= 0),
        closed_at_ms      INTEGER,
        closed_by         TEXT    NOT NULL DEFAULT ''
    ))",
    R"(CREATE UNIQUE INDEX shifts_one_open ON shifts((closed_at_ms IS NULL))
       WHERE closed_at_ms IS NULL)",
    R"(CREATE TABLE z_reports (
        seq          INTEGER PRIMARY KEY CHECK (seq > 0),
        business_day INTEGER NOT NULL UNIQUE,
        from_day     INTEGER NOT NULL,
        taken_at_ms  INTEGER NOT NULL,
        taken_by     TEXT    NOT NULL,
        snapshot     TEXT    NOT NULL
    ))",
    R"(CREATE TRIGGER z_reports_never_change BEFORE UPDATE ON z_reports
       BEGIN SELECT RAISE(ABORT, 'a Z report is never changed'); END)",
    R"(CREATE TRIGGER z_reports_never_deleted BEFORE DELETE ON z_reports
       BEGIN SELECT RAISE(ABORT, 'a Z report is never deleted'); END)",
    R"(CREATE TABLE report_totals (
        business_day INTEGER NOT NULL,
        hour         INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
        channel      TEXT    NOT NULL,
        cashier_id   TEXT    NOT NULL,
        shift_id     INTEGER NOT NULL,
        sale_count   INTEGER NOT NULL DEFAULT 0,
        sale_fen     INTEGER NOT NULL DEFAULT 0,
        refund_count INTEGER NOT NULL DEFAULT 0,
        refund_fen   INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (business_day, hour, channel, cashier_id, shift_id)
    ) WITHOUT ROWID)",
    "CREATE INDEX report_totals_by_shift ON report_totals(shift_id)",
    R"(CREATE TABLE report_refunds (
        id           INTEGER PRIMARY KEY,
        business_day INTEGER NOT NULL,
        at_ms        INTEGER NOT NULL,
        order_id     INTEGER NOT NULL REFERENCES orders(id),
        event_id     INTEGER NOT NULL UNIQUE REFERENCES order_events(id),
        channel      TEXT    NOT NULL,
        cashier_id   TEXT    NOT NULL,
        shift_id     INTEGER NOT NULL,
        amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0),
        approved_by  TEXT    NOT NULL,
        reason       TEXT    NOT NULL
    ))",
    "CREATE INDEX report_refunds_by_day ON report_refunds(business_day, id)",
    "CREATE INDEX report_refunds_by_shift ON report_refunds(shift_id, id)",
    R"(INSERT INTO report_totals (business_day, hour, channel, cashier_id, shift_id, sale_count,
                                 sale_fen)
       SELECT CAST(strftime('%Y%m%d', t / 1000, 'unixepoch', '+8 hours') AS INTEGER),
              CAST(strftime('%H', t / 1000, 'unixepoch', '+8 hours') AS INTEGER),
              channel, cashier, 0, COUNT(*), SUM(amount_fen)
       FROM (SELECT COALESCE(paid_at_ms, updated_at_ms) AS t, channel,
                    COALESCE(cashier_id, '') AS cashier, amount_fen
             FROM orders WHERE state IN (3, 4, 5))
       GROUP BY 1, 2, 3, 4)",
    R"(INSERT INTO report_refunds (business_day, at_ms, order_id, event_id, channel, cashier_id,
                                  shift_id, amount_fen, approved_by, reason)
       SELECT CAST(strftime('%Y%m%d', e.at_ms / 1000, 'unixepoch', '+8 hours') AS INTEGER),
              e.at_ms, e.order_id, e.id, o.channel, COALESCE(o.cashier_id, ''), 0,
              e.refunded_fen - e.before_fen, e.actor,
              COALESCE((SELECT r.reason FROM refunds r WHERE r.order_id = e.order_id
                          AND r.state = 1 AND r.amount_fen = e.refunded_fen - e.before_fen
                        ORDER BY r.id LIMIT 1), e.note)
       FROM (SELECT id, order_id, at_ms, actor, note, refunded_fen,
                    COALESCE(LAG(refunded_fen) OVER (PARTITION BY order_id ORDER BY id), 0)
                        AS before_fen
             FROM order_events) e
       JOIN orders o ON o.id = e.order_id
       WHERE e.refunded_fen > e.before_fen
       ORDER BY e.id)",
    R"(INSERT INTO report_totals (business_day, hour, channel, cashier_id, shift_id,
                                 refund_count, refund_fen)
       SELECT business_day,
              CAST(strftime('%H', at_ms / 1000, 'unixepoch', '+8 hours') AS INTEGER),
              channel, cashier_id, 0, COUNT(*), SUM(amount_fen)
       FROM report_refunds WHERE true GROUP BY 1, 2, 3, 4
       ON CONFLICT (business_day, hour, channel, cashier_id, shift_id) DO UPDATE SET
           refund_count = refund_count + excluded.refund_count,
           refund_fen = refund_fen + excluded.refund_fen)",
};

// Version 7: cash (docs/checkout.md, "Cash"). Orders may be paid in cash (channel and flow
// 'cash'); SQLite cannot change a CHECK constraint, so `orders` is rebuilt with its rows, ids
// and indexes, with foreign keys off while the table is swapped (SQLite's documented way to
// change a table's schema; every reference is checked before the commit). A shift keeps its
// cash count: what the till expected, what the cashier counted and why they differ.
const char* const kVersion7[] = {
    R"(CREATE TABLE orders_v7 (
        id                INTEGER PRIMARY KEY,
        out_trade_no      TEXT    NOT NULL UNIQUE,
        channel           TEXT    NOT NULL CHECK (channel IN ('alipay', 'wechat', 'cash')),
        flow              TEXT    NOT NULL CHECK (flow IN ('qr', 'code', 'cash')),
        amount_fen        INTEGER NOT NULL CHECK (amount_fen > 0),
        refunded_fen      INTEGER NOT NULL DEFAULT 0
                                  CHECK (refunded_fen >= 0 AND refunded_fen <= amount_fen),
        subject           TEXT    NOT NULL,
        state             INTEGER NOT NULL CHECK (state BETWEEN 0 AND 7),
        provider_trade_no TEXT,
        store_id          TEXT    NOT NULL,
        terminal_id       TEXT    NOT NULL,
        cashier_id        TEXT,
        created_at_ms     INTEGER NOT NULL,
        updated_at_ms     INTEGER NOT NULL,
        paid_at_ms        INTEGER,
        CHECK ((channel = 'cash') = (flow = 'cash'))
    ))",
    R"(INSERT INTO orders_v7 (id, out_trade_no, channel, flow, amount_fen, refunded_fen, subject,
                             state, provider_trade_no, store_id, terminal_id, cashier_id,
                             created_at_ms, updated_at_ms, paid_at_ms)
       SELECT id, out_trade_no, channel, flow, amount_fen, refunded_fen, subject, state,
              provider_trade_no, store_id, terminal_id, cashier_id, created_at_ms, updated_at_ms,
              paid_at_ms
       FROM orders)",
    "DROP TABLE orders",
    "ALTER TABLE orders_v7 RENAME TO orders",
    "CREATE INDEX orders_by_created ON orders(created_at_ms, id)",
    "CREATE INDEX orders_by_state ON orders(state, created_at_ms, id)",
    "CREATE INDEX orders_by_channel ON orders(channel, created_at_ms, id)",
    "CREATE INDEX orders_open ON orders(created_at_ms) WHERE state IN (0, 1, 2)",
    "CREATE INDEX orders_by_provider_trade_no ON orders(provider_trade_no)",
    "ALTER TABLE shifts ADD COLUMN expected_cash_fen INTEGER",
    R"(ALTER TABLE shifts ADD COLUMN counted_cash_fen INTEGER
       CHECK (counted_cash_fen IS NULL OR counted_cash_fen >= 0))",
    "ALTER TABLE shifts ADD COLUMN cash_difference_reason TEXT NOT NULL DEFAULT ''",
};

// Version 8: reconciliation reads one provider's payments of a day by their payment time and
// the refunds created or settled in a span (core/reconcile/SqliteLedger); without these a run
// would scan every order of the provider.
const char* const kVersion8[] = {
    "CREATE INDEX orders_by_channel_paid ON orders(channel, paid_at_ms)",
    "CREATE INDEX refunds_by_created ON refunds(created_at_ms)",
    "CREATE INDEX refunds_by_updated ON refunds(updated_at_ms)",
};

// Version 9: reconciliation's batches (core/reconcile/SqliteBatchStore). One batch per
// provider, merchant and China day ("yyyy-MM-dd"); its differences, with how each was settled;
// and the holding pool it left for the next day's run. Names are the stable ones of
// ReconcileBatch.h and DifferenceClass.h; fees are thousandths of a fen (money::SubFen).
const char* const kVersion9[] = {
    R"(CREATE TABLE reconcile_batches (
        id                     INTEGER PRIMARY KEY,
        provider               TEXT    NOT NULL CHECK (provider IN ('alipay', 'wechat')),
        merchant_id            TEXT    NOT NULL,
        day                    TEXT    NOT NULL,
        state                  TEXT    NOT NULL CHECK (state IN ('complete', 'waiting_for_bill',
                                                              'overdue', 'no_bill', 'failed')),
        provider_payment_count INTEGER NOT NULL DEFAULT 0,
        provider_payment_fen   INTEGER NOT NULL DEFAULT 0,
        provider_refund_count  INTEGER NOT NULL DEFAULT 0,
        provider_refund_fen    INTEGER NOT NULL DEFAULT 0,
        local_payment_count    INTEGER NOT NULL DEFAULT 0,
        local_payment_fen      INTEGER NOT NULL DEFAULT 0,
        local_refund_count     INTEGER NOT NULL DEFAULT 0,
        local_refund_fen       INTEGER NOT NULL DEFAULT 0,
        fee_thousandths_of_fen INTEGER NOT NULL DEFAULT 0,
        matched                INTEGER NOT NULL DEFAULT 0,
        held                   INTEGER NOT NULL DEFAULT 0,
        bill_sha256            TEXT    NOT NULL DEFAULT '',
        bill_file              TEXT    NOT NULL DEFAULT '',
        error                  TEXT    NOT NULL DEFAULT '',
        attempts               INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        created_at_ms          INTEGER NOT NULL,
        updated_at_ms          INTEGER NOT NULL,
        UNIQUE (provider, merchant_id, day)
    ))",
    "CREATE INDEX reconcile_batches_by_day ON reconcile_batches(day)",
    R"(CREATE TABLE reconcile_items (
        id                INTEGER PRIMARY KEY,
        batch_id          INTEGER NOT NULL REFERENCES reconcile_batches(id),
        position          INTEGER NOT NULL,
        class             TEXT    NOT NULL CHECK (class IN ('local_only', 'provider_only',
                                                            'status', 'amount', 'refund',
                                                            'duplicate')),
        out_trade_no      TEXT    NOT NULL,
        out_request_no    TEXT    NOT NULL DEFAULT '',
        local_state       TEXT    NOT NULL DEFAULT '',
        local_fen         INTEGER,
        provider_state    TEXT    NOT NULL DEFAULT '',
        provider_fen      INTEGER,
        provider_trade_no TEXT    NOT NULL DEFAULT '',
        bill_line         INTEGER NOT NULL DEFAULT 0,
        detail            TEXT    NOT NULL DEFAULT '',
        resolution        TEXT    NOT NULL DEFAULT 'open'
                                  CHECK (resolution IN ('open', 'automatic', 'handled')),
        evidence          TEXT    NOT NULL DEFAULT '',
        note              TEXT    NOT NULL DEFAULT '',
        resolved_by       TEXT    NOT NULL DEFAULT '',
        resolved_at_ms    INTEGER NOT NULL DEFAULT 0
    ))",
    "CREATE INDEX reconcile_items_by_batch ON reconcile_items(batch_id, position)",
    R"(CREATE TABLE reconcile_pool (
        batch_id       INTEGER NOT NULL REFERENCES reconcile_batches(id),
        position       INTEGER NOT NULL,
        entry          TEXT    NOT NULL CHECK (entry IN ('held', 'billed_ahead')),
        kind           TEXT    NOT NULL CHECK (kind IN ('trade', 'refund')),
        out_trade_no   TEXT    NOT NULL,
        out_request_no TEXT    NOT NULL DEFAULT '',
        day            TEXT    NOT NULL,
        PRIMARY KEY (batch_id, position)
    ) WITHOUT ROWID)",
};

struct Migration {
    const char* const* statements;
    std::size_t count;
    bool rebuildsReferencedTable = false; // foreign keys off while it runs, checked after
};

const Migration kMigrations[] = {
    {kVersion1, std::size(kVersion1)},       {kVersion2, std::size(kVersion2)},
    {kVersion3, std::size(kVersion3)},       {kVersion4, std::size(kVersion4)},
    {kVersion5, std::size(kVersion5)},       {kVersion6, std::size(kVersion6)},
    {kVersion7, std::size(kVersion7), true}, {kVersion8, std::size(kVersion8)},
    {kVersion9, std::size(kVersion9)},
};

// Foreign keys cannot be switched inside a transaction: around the one that swaps a table
// others refer to, they are off, and back on whatever happened.
class ForeignKeysOff {
public:
    explicit ForeignKeysOff(Database& db)
        : m_db(db) {}
    ~ForeignKeysOff() {
        if (m_off)
            (void)m_db.exec(QStringLiteral("PRAGMA foreign_keys = ON"));
    }
    ForeignKeysOff(const ForeignKeysOff&) = delete;
    ForeignKeysOff& operator=(const ForeignKeysOff&) = delete;
    Status switchOff() {
        Status s = m_db.exec(QStringLiteral("PRAGMA foreign_keys = OFF"));
        m_off = s.ok();
        return s;
    }

private:
    Database& m_db;
    bool m_off = false;
};

// Every reference still points at a row (PRAGMA foreign_key_check returns no row).
Status checkForeignKeys(Database& db) {
    QSqlQuery q(db.handle());
    if (!q.exec(QStringLiteral("PRAGMA foreign_key_check")))
        return databaseError(
            QCoreApplication::translate("qpos::OrderSchema", "checking the database's references"),
            q.lastError().text());
    if (q.next())
        return Error{QStringLiteral("db.migration"),
                     QCoreApplication::translate("qpos::OrderSchema",
                                                 "The order database has a row of %1 that "
                                                 "refers to a missing row; it was not upgraded. "
                                                 "Keep the file and call IT.")
                         .arg(q.value(0).toString())};
    return Status::success();
}
static_assert(std::size(kMigrations) == kCurrentVersion);

} // namespace

Result<int> version(Database& db) {
    QSqlQuery query(db.handle());
    if (!query.exec(QStringLiteral("PRAGMA user_version")) || !query.next())
        return databaseError(
            QCoreApplication::translate("qpos::OrderSchema", "reading the schema version"),
            query.lastError().text());
    return query.value(0).toInt();
}

Status migrate(Database& db, int target, qint64 nowMs) {
    Result<int> current = version(db);
    if (!current)
        return current.error();
    if (*current > kCurrentVersion)
        return Error{QStringLiteral("db.too_new"),
                     QCoreApplication::translate(
                         "qpos::OrderSchema",
                         "The order database %1 was written by a newer qpos (schema %2; this "
                         "program knows up to %3). Install the newer qpos again; do not delete "
                         "the file, it holds the orders.")
                         .arg(db.path())
                         .arg(*current)
                         .arg(kCurrentVersion)};

    // An existing database is copied before its first change of schema: the copy is what an
    // IT person restores if the new version has to be rolled back.
    if (*current > 0 && *current < target) {
        Result<QString> backup = database_backup::backupBeside(db, *current, nowMs);
        if (!backup)
            return backup.error();
        qCInfo(lcStore) << "order database" << db.path() << "backed up to" << *backup
                        << "before upgrading it";
    }

    for (int next = *current + 1; next <= target; ++next) {
        const Migration& migration = kMigrations[next - 1];
        ForeignKeysOff references(db);
        if (migration.rebuildsReferencedTable) {
            if (Status s = references.switchOff(); !s.ok())
                return s;
        }
        WriteTransaction tx(db);
        if (Status s = tx.begin(); !s.ok())
            return s;
        for (std::size_t i = 0; i < migration.count; ++i) {
            if (Status s = db.exec(QString::fromUtf8(migration.statements[i])); !s.ok())
                return Error{
                    QStringLiteral("db.migration"),
                    QCoreApplication::translate(
                        "qpos::OrderSchema", "Upgrading the order database to schema %1 failed: %2")
                        .arg(next)
                        .arg(s.error().message)};
        }
        if (migration.rebuildsReferencedTable) {
            if (Status s = checkForeignKeys(db); !s.ok())
                return s;
        }
        // PRAGMA takes no bound parameters; the value is our own integer.
        if (Status s = db.exec(QStringLiteral("PRAGMA user_version = %1").arg(next)); !s.ok())
            return s;
        if (Status s = tx.commit(); !s.ok())
            return s;
        qCInfo(lcStore) << "order database" << db.path() << "upgraded to schema" << next;
    }
    return Status::success();
}

} // namespace qpos::order_schema
