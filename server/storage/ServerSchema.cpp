#include "server/storage/ServerSchema.h"

#include "core/logging/LogCategories.h"
#include "core/storage/Database.h"

#include <QCoreApplication>
#include <QSqlError>
#include <QSqlQuery>

#include <iterator>

namespace qpos::server::server_schema {

namespace {

// Version 1: notifications, terminals and their secrets, the relay queue, uploaded outbox
// rows and the server's copy of each order.
const char* const kVersion1[] = {
    R"(CREATE TABLE terminals (
         id INTEGER PRIMARY KEY,
         store_id TEXT NOT NULL,
         terminal_id TEXT NOT NULL,
         created_at_ms INTEGER NOT NULL,
         enrolled_at_ms INTEGER,
         revoked_at_ms INTEGER,
         UNIQUE (store_id, terminal_id)))",
    // A terminal's secrets; valid_until_ms is set when a newer one replaced it.
    R"(CREATE TABLE terminal_secrets (
         terminal INTEGER NOT NULL REFERENCES terminals(id),
         key_id TEXT NOT NULL,
         secret BLOB NOT NULL,
         created_at_ms INTEGER NOT NULL,
         valid_until_ms INTEGER,
         PRIMARY KEY (terminal, key_id)))",
    // verdict: matched, awaiting_order, amount_mismatch. raw_headers: JSON object.
    R"(CREATE TABLE notifications (
         id INTEGER PRIMARY KEY,
         provider TEXT NOT NULL,
         provider_id TEXT NOT NULL,
         out_trade_no TEXT NOT NULL,
         channel TEXT NOT NULL,
         total_fen INTEGER NOT NULL,
         raw_headers TEXT NOT NULL,
         raw_body BLOB NOT NULL,
         received_at_ms INTEGER NOT NULL,
         verdict TEXT NOT NULL,
         UNIQUE (provider, provider_id)))",
    "CREATE INDEX notifications_by_order ON notifications(out_trade_no)",
    "CREATE INDEX notifications_awaiting ON notifications(out_trade_no) "
    "WHERE verdict = 'awaiting_order'",
    // One row per notification and the till it is relayed to; acked_at_ms once acknowledged.
    R"(CREATE TABLE relay_queue (
         notification INTEGER NOT NULL REFERENCES notifications(id),
         terminal INTEGER NOT NULL REFERENCES terminals(id),
         enqueued_at_ms INTEGER NOT NULL,
         acked_at_ms INTEGER,
         ack_result TEXT,
         ack_code TEXT,
         PRIMARY KEY (notification, terminal)))",
    "CREATE INDEX relay_unacked ON relay_queue(terminal, notification) WHERE acked_at_ms IS NULL",
    R"(CREATE TABLE synced_entries (
         terminal INTEGER NOT NULL REFERENCES terminals(id),
         seq INTEGER NOT NULL,
         out_trade_no TEXT NOT NULL,
         payload TEXT NOT NULL,
         received_at_ms INTEGER NOT NULL,
         PRIMARY KEY (terminal, seq)))",
    // state: core's OrderState number; last_event_id: the till's event that set it.
    R"(CREATE TABLE orders (
         out_trade_no TEXT PRIMARY KEY,
         terminal INTEGER NOT NULL REFERENCES terminals(id),
         channel TEXT NOT NULL,
         amount_fen INTEGER NOT NULL,
         refunded_fen INTEGER NOT NULL,
         state INTEGER NOT NULL,
         last_event_id INTEGER NOT NULL,
         updated_at_ms INTEGER NOT NULL))",
};

// Version 2: the server's copy of the ledger for reconciliation (server/reconcile/ServerLedger):
// when each order was created and paid, and each refund the tills recorded, with the indexes
// the run's window scans use. Times already uploaded are read back from the entries.
const char* const kVersion2[] = {
    "ALTER TABLE orders ADD COLUMN created_at_ms INTEGER",
    // The provider's payment time when the till sent it, else the till's time of the change.
    "ALTER TABLE orders ADD COLUMN paid_at_ms INTEGER",
    R"(UPDATE orders SET created_at_ms =
         (SELECT min(CAST(json_extract(s.payload, '$.at_ms') AS INTEGER)) FROM synced_entries s
          WHERE s.out_trade_no = orders.out_trade_no))",
    R"(UPDATE orders SET paid_at_ms =
         (SELECT min(CAST(coalesce(json_extract(s.payload, '$.paid_at_ms'),
                                   json_extract(s.payload, '$.at_ms')) AS INTEGER))
          FROM synced_entries s WHERE s.out_trade_no = orders.out_trade_no
          AND json_extract(s.payload, '$.new_state') IN ('paid', 'partially_refunded',
                                                          'refunded')))",
    "CREATE INDEX orders_by_channel_created ON orders(channel, created_at_ms)",
    "CREATE INDEX orders_by_channel_paid ON orders(channel, paid_at_ms)",
    // One row per increase of an order's refunded amount; settled_at_ms: the till's time of it.
    R"(CREATE TABLE order_refunds (
         out_trade_no TEXT NOT NULL REFERENCES orders(out_trade_no),
         out_request_no TEXT NOT NULL,
         channel TEXT NOT NULL,
         amount_fen INTEGER NOT NULL,
         settled_at_ms INTEGER NOT NULL,
         event_id INTEGER NOT NULL,
         PRIMARY KEY (out_trade_no, out_request_no)))",
    "CREATE INDEX order_refunds_by_settled ON order_refunds(channel, settled_at_ms)",
};

// Version 3: reconciliation batches (server/reconcile/ServerBatchStore), the same tables as the
// till's order database (core/storage/OrderSchema, version 9): one batch per provider, merchant
// and China day, its differences and the holding pool it left.
const char* const kVersion3[] = {
    R"(CREATE TABLE reconcile_batches (
         id INTEGER PRIMARY KEY,
         provider TEXT NOT NULL CHECK (provider IN ('alipay', 'wechat')),
         merchant_id TEXT NOT NULL,
         day TEXT NOT NULL,
         state TEXT NOT NULL CHECK (state IN ('complete', 'waiting_for_bill', 'overdue',
                                              'no_bill', 'failed')),
         provider_payment_count INTEGER NOT NULL DEFAULT 0,
         provider_payment_fen INTEGER NOT NULL DEFAULT 0,
         provider_refund_count INTEGER NOT NULL DEFAULT 0,
         provider_refund_fen INTEGER NOT NULL DEFAULT 0,
         local_payment_count INTEGER NOT NULL DEFAULT 0,
         local_payment_fen INTEGER NOT NULL DEFAULT 0,
         local_refund_count INTEGER NOT NULL DEFAULT 0,
         local_refund_fen INTEGER NOT NULL DEFAULT 0,
         fee_thousandths_of_fen INTEGER NOT NULL DEFAULT 0,
         matched INTEGER NOT NULL DEFAULT 0,
         held INTEGER NOT NULL DEFAULT 0,
         bill_sha256 TEXT NOT NULL DEFAULT '',
         bill_file TEXT NOT NULL DEFAULT '',
         error TEXT NOT NULL DEFAULT '',
         attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
         created_at_ms INTEGER NOT NULL,
         updated_at_ms INTEGER NOT NULL,
         UNIQUE (provider, merchant_id, day)))",
    "CREATE INDEX reconcile_batches_by_day ON reconcile_batches(day)",
    "CREATE INDEX reconcile_batches_by_state ON reconcile_batches(provider, state)",
    R"(CREATE TABLE reconcile_items (
         id INTEGER PRIMARY KEY,
         batch_id INTEGER NOT NULL REFERENCES reconcile_batches(id),
         position INTEGER NOT NULL,
         class TEXT NOT NULL CHECK (class IN ('local_only', 'provider_only', 'status', 'amount',
                                              'refund', 'duplicate')),
         out_trade_no TEXT NOT NULL,
         out_request_no TEXT NOT NULL DEFAULT '',
         local_state TEXT NOT NULL DEFAULT '',
         local_fen INTEGER,
         provider_state TEXT NOT NULL DEFAULT '',
         provider_fen INTEGER,
         provider_trade_no TEXT NOT NULL DEFAULT '',
         bill_line INTEGER NOT NULL DEFAULT 0,
         detail TEXT NOT NULL DEFAULT '',
         resolution TEXT NOT NULL DEFAULT 'open'
                         CHECK (resolution IN ('open', 'automatic', 'handled')),
         evidence TEXT NOT NULL DEFAULT '',
         note TEXT NOT NULL DEFAULT '',
         resolved_by TEXT NOT NULL DEFAULT '',
         resolved_at_ms INTEGER NOT NULL DEFAULT 0))",
    "CREATE INDEX reconcile_items_by_batch ON reconcile_items(batch_id, position)",
    // entry: held or billed_ahead; kind: trade or refund (ReconcileTypes' HoldingPool).
    R"(CREATE TABLE reconcile_pool (
         batch_id INTEGER NOT NULL REFERENCES reconcile_batches(id),
         position INTEGER NOT NULL,
         entry TEXT NOT NULL CHECK (entry IN ('held', 'billed_ahead')),
         kind TEXT NOT NULL CHECK (kind IN ('trade', 'refund')),
         out_trade_no TEXT NOT NULL,
         out_request_no TEXT NOT NULL DEFAULT '',
         day TEXT NOT NULL,
         PRIMARY KEY (batch_id, position)))",
};

// Version 4: reconciliation's settle requests (server/reconcile/SettleRequests): the Janitor
// asks the till that owns an order to settle it from its provider; the till's answer once it
// came. One row per request, delivered over the push link until answered.
const char* const kVersion4[] = {
    R"(CREATE TABLE settle_requests (
         id INTEGER PRIMARY KEY,
         terminal INTEGER NOT NULL REFERENCES terminals(id),
         provider TEXT NOT NULL CHECK (provider IN ('alipay', 'wechat')),
         out_trade_no TEXT NOT NULL,
         evidence TEXT NOT NULL DEFAULT '',
         created_at_ms INTEGER NOT NULL,
         answered_at_ms INTEGER,
         result TEXT NOT NULL DEFAULT '' CHECK (result IN ('', 'applied', 'unchanged', 'failed')),
         till_state TEXT NOT NULL DEFAULT '',
         till_provider_state TEXT NOT NULL DEFAULT '',
         code TEXT NOT NULL DEFAULT ''))",
    "CREATE INDEX settle_unanswered ON settle_requests(terminal, id) WHERE answered_at_ms IS NULL",
    "CREATE INDEX settle_by_trade ON settle_requests(out_trade_no)",
};

// Version 5: the people the store's sales report names (server/reports/StoreSalesReport), as
// tills now upload them: each order's cashier, and each refund's approver and reason. Entries
// a newer till uploaded before the upgrade already carry them: they are read back, the texts
// only, as the sync reader takes them.
const char* const kVersion5[] = {
    "ALTER TABLE orders ADD COLUMN cashier_id TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE order_refunds ADD COLUMN approved_by TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE order_refunds ADD COLUMN reason TEXT NOT NULL DEFAULT ''",
    R"(UPDATE orders SET cashier_id = s.cashier_id
       FROM (SELECT out_trade_no, max(json_extract(payload, '$.cashier_id')) AS cashier_id
             FROM synced_entries WHERE json_type(payload, '$.cashier_id') = 'text'
             GROUP BY out_trade_no) AS s
       WHERE s.out_trade_no = orders.out_trade_no)",
    R"(UPDATE order_refunds SET approved_by = s.approved_by, reason = s.reason
       FROM (SELECT out_trade_no, json_extract(payload, '$.event_id') AS event_id,
                    json_extract(payload, '$.approved_by') AS approved_by,
                    json_extract(payload, '$.reason') AS reason
             FROM synced_entries WHERE json_type(payload, '$.approved_by') = 'text'
             AND json_type(payload, '$.reason') = 'text') AS s
       WHERE s.out_trade_no = order_refunds.out_trade_no
       AND s.event_id = CAST(order_refunds.event_id AS TEXT))",
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

} // namespace

Result<int> version(Database& db) {
    QSqlQuery query(db.handle());
    if (!query.exec(QStringLiteral("PRAGMA user_version")) || !query.next())
        return databaseError(
            QCoreApplication::translate("qpos::server::ServerSchema", "reading the schema version"),
            query.lastError().text());
    return query.value(0).toInt();
}

Status migrate(Database& db, int target) {
    Result<int> current = version(db);
    if (!current)
        return current.error();
    if (*current > kCurrentVersion)
        return Error{QStringLiteral("db.too_new"),
                     QCoreApplication::translate(
                         "qpos::server::ServerSchema",
                         "The server database %1 was written by a newer qpos-server (schema %2; "
                         "this program knows up to %3). Install the newer qpos-server again; do "
                         "not delete the file, it holds the notifications and orders.")
                         .arg(db.path())
                         .arg(*current)
                         .arg(kCurrentVersion)};

    for (int next = *current + 1; next <= target; ++next) {
        const Migration& migration = kMigrations[next - 1];
        WriteTransaction tx(db);
        if (Status s = tx.begin(); !s.ok())
            return s;
        for (std::size_t i = 0; i < migration.count; ++i) {
            if (Status s = db.exec(QString::fromUtf8(migration.statements[i])); !s.ok())
                return Error{QStringLiteral("db.migration"),
                             QCoreApplication::translate(
                                 "qpos::server::ServerSchema",
                                 "Upgrading the server database to schema %1 failed: %2")
                                 .arg(next)
                                 .arg(s.error().message)};
        }
        // PRAGMA takes no bound parameters; the value is our own integer.
        if (Status s = db.exec(QStringLiteral("PRAGMA user_version = %1").arg(next)); !s.ok())
            return s;
        if (Status s = tx.commit(); !s.ok())
            return s;
        qCInfo(lcServer) << "server database" << db.path() << "upgraded to schema" << next;
    }
    return Status::success();
}

} // namespace qpos::server::server_schema
