#include "server/reconcile/SettleRequests.h"

#include "core/orders/OrderState.h"
#include "core/reconcile/BatchRows.h"
#include "core/reconcile/ReconcileLedger.h"
#include "core/storage/Database.h"
#include "server/reconcile/ServerBatchStore.h"
#include "server/storage/PostgresServerStore.h"
#include "server/storage/ServerStore.h"

#include <QCoreApplication>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace qpos::server {

namespace {

// One prepared statement on `db`, `values` bound in order, run; `what` is marked with
// QT_TRANSLATE_NOOP in this context.
struct Statement {
    Statement(QSqlDatabase& db, const QString& text, const QVariantList& values, const char* what)
        : query(db) {
        query.setForwardOnly(true);
        bool ok = query.prepare(text);
        for (const QVariant& value : values)
            query.addBindValue(value);
        ok = ok && query.exec();
        if (!ok)
            status =
                databaseError(QCoreApplication::translate("qpos::server::SettleRequests", what),
                              query.lastError().text());
    }
    QSqlQuery query;
    Status status = Status::success();
};

const char* const kRead =
    QT_TRANSLATE_NOOP("qpos::server::SettleRequests", "reading the settle requests");
const char* const kWrite =
    QT_TRANSLATE_NOOP("qpos::server::SettleRequests", "recording a settle request");

const QString kColumns = QStringLiteral(
    "SELECT r.id, r.terminal, t.store_id, t.terminal_id, r.provider, r.out_trade_no, r.evidence, "
    "r.created_at_ms, r.answered_at_ms, r.result, r.till_state, r.till_provider_state, r.code, "
    "r.out_request_no FROM settle_requests r JOIN terminals t ON t.id = r.terminal");

SettleRequestRecord recordFrom(const QSqlQuery& q) {
    SettleRequestRecord r;
    r.id = q.value(0).toLongLong();
    r.terminalRowId = q.value(1).toLongLong();
    r.terminal = {q.value(2).toString(), q.value(3).toString()};
    r.provider = channelFromName(q.value(4).toString()).value_or(Channel::Alipay);
    r.outTradeNo = q.value(5).toString();
    r.evidence = q.value(6).toString();
    r.createdAtMs = q.value(7).toLongLong();
    if (!q.value(8).isNull())
        r.answeredAtMs = q.value(8).toLongLong();
    r.result = q.value(9).toString();
    r.tillState = q.value(10).toString();
    r.tillProviderState = q.value(11).toString();
    r.code = q.value(12).toString();
    r.outRequestNo = q.value(13).toString();
    return r;
}

// Whether the till's ledger, as its answer says, now agrees with the provider's side of an
// item of class `kind` (as the till's own Janitor decides, EngineJanitor::ledgerAgrees).
bool tillAgrees(reconcile::DifferenceClass kind, const SettleRequestRecord& r) {
    if (!r.answeredAtMs || r.result == u"failed" || r.tillState.isEmpty())
        return false;
    // The server asked the provider first: the refund it confirmed, of the bill's amount, is
    // now the till's, made.
    if (kind == reconcile::DifferenceClass::Refund)
        return !r.outRequestNo.isEmpty() &&
               r.tillState == reconcile::refundStateName(RefundRecordState::Succeeded);
    const std::optional<OrderState> state = orderStateFromName(r.tillState);
    if (!state)
        return false;
    switch (kind) {
    case reconcile::DifferenceClass::ProviderOnly:
        return reconcile::isPaidHere(*state);
    case reconcile::DifferenceClass::Status:
        return *state != OrderState::Paid && *state != OrderState::PartiallyRefunded;
    case reconcile::DifferenceClass::LocalOnly:
    case reconcile::DifferenceClass::Amount:
    case reconcile::DifferenceClass::Refund:
    case reconcile::DifferenceClass::Duplicate:
        break;
    }
    return false;
}

} // namespace

SettleRequests::SettleRequests(ServerStore& store)
    : m_store(store) {}

Result<qint64> SettleRequests::queue(qint64 terminalRowId, Channel provider,
                                     const QString& outTradeNo, const QString& outRequestNo,
                                     const QString& evidence, qint64 nowMs) {
    qint64 id = 0;
    const Status written = m_store.writeSql([&](QSqlDatabase& db) -> Status {
        const QVariantList key{terminalRowId, channelName(provider), outTradeNo,
                               reconcile::notNull(outRequestNo)};
        Statement open(db,
                       QStringLiteral("SELECT id FROM settle_requests WHERE terminal = ? AND "
                                      "provider = ? AND out_trade_no = ? AND out_request_no = ? "
                                      "AND answered_at_ms IS NULL ORDER BY id"),
                       key, kRead);
        if (!open.status)
            return open.status;
        if (open.query.next()) {
            id = open.query.value(0).toLongLong();
            Statement refresh(
                db, QStringLiteral("UPDATE settle_requests SET evidence = ? WHERE id = ?"),
                {reconcile::notNull(evidence), id}, kWrite);
            if (!refresh.status)
                return refresh.status;
        } else {
            Statement insert(db,
                             QStringLiteral("INSERT INTO settle_requests (terminal, provider, "
                                            "out_trade_no, out_request_no, evidence, "
                                            "created_at_ms) VALUES (?, ?, ?, ?, ?, ?) RETURNING "
                                            "id"),
                             key + QVariantList{reconcile::notNull(evidence), nowMs}, kWrite);
            if (!insert.status)
                return insert.status;
            if (!insert.query.next())
                return databaseError(
                    QCoreApplication::translate("qpos::server::SettleRequests", kWrite),
                    QStringLiteral("no id"));
            id = insert.query.value(0).toLongLong();
        }
        // The other instances hear of it after the commit, as of a relayed notification; the
        // second word is no instance's tag, so every one of them looks.
        if (db.driverName() == u"QPSQL") {
            Statement notify(db, QStringLiteral("SELECT pg_notify(?, ?)"),
                             {QString::fromLatin1(PostgresServerStore::kRelayChannel),
                              QStringLiteral("%1 settle").arg(terminalRowId)},
                             kWrite);
            if (!notify.status)
                return notify.status;
        }
        return Status::success();
    });
    if (!written)
        return written.error();
    return id;
}

Result<QList<SettleRequestRecord>> SettleRequests::pending(qint64 terminalRowId) {
    QList<SettleRequestRecord> found;
    const Status read = m_store.readSql([&](QSqlDatabase& db) -> Status {
        Statement q(db,
                    kColumns + QStringLiteral(" WHERE r.terminal = ? AND r.answered_at_ms IS NULL "
                                              "ORDER BY r.id"),
                    {terminalRowId}, kRead);
        if (!q.status)
            return q.status;
        while (q.query.next())
            found.append(recordFrom(q.query));
        return Status::success();
    });
    if (!read)
        return read.error();
    return found;
}

Result<QList<QPair<QString, qint64>>> SettleRequests::pendingByTerminal() {
    QList<QPair<QString, qint64>> counts;
    const Status read = m_store.readSql([&](QSqlDatabase& db) -> Status {
        // Answered on the partial index settle_unanswered, one terminal at a time.
        Statement q(
            db,
            QStringLiteral("SELECT t.store_id, t.terminal_id, COUNT(r.id) FROM terminals t "
                           "LEFT JOIN settle_requests r ON r.terminal = t.id AND "
                           "r.answered_at_ms IS NULL GROUP BY t.id, t.store_id, t.terminal_id, "
                           "t.revoked_at_ms HAVING t.revoked_at_ms IS NULL OR COUNT(r.id) > 0 "
                           "ORDER BY t.store_id, t.terminal_id"),
            {}, kRead);
        if (!q.status)
            return q.status;
        while (q.query.next())
            counts.append({q.query.value(0).toString() + u'/' + q.query.value(1).toString(),
                           q.query.value(2).toLongLong()});
        return Status::success();
    });
    if (!read)
        return read.error();
    return counts;
}

Result<std::optional<SettleRequestRecord>> SettleRequests::request(qint64 id) {
    std::optional<SettleRequestRecord> found;
    const Status read = m_store.readSql([&](QSqlDatabase& db) -> Status {
        Statement q(db, kColumns + QStringLiteral(" WHERE r.id = ?"), {id}, kRead);
        if (!q.status)
            return q.status;
        if (q.query.next())
            found = recordFrom(q.query);
        return Status::success();
    });
    if (!read)
        return read.error();
    return found;
}

Result<std::optional<SettleRequestRecord>>
SettleRequests::answer(qint64 terminalRowId, const link::SettleAnswer& answer, qint64 nowMs) {
    std::optional<SettleRequestRecord> found;
    const Status written = m_store.writeSql([&](QSqlDatabase& db) -> Status {
        found.reset();
        // Only the first answer counts; the guard on the terminal refuses another till's.
        Statement mark(db,
                       QStringLiteral("UPDATE settle_requests SET answered_at_ms = ?, result = ?, "
                                      "till_state = ?, till_provider_state = ?, code = ? WHERE "
                                      "id = ? AND terminal = ? AND answered_at_ms IS NULL"),
                       {nowMs, link::settleResultName(answer.result),
                        reconcile::notNull(answer.state), reconcile::notNull(answer.providerState),
                        reconcile::notNull(answer.code), answer.id, terminalRowId},
                       kWrite);
        if (!mark.status)
            return mark.status;
        Statement q(db, kColumns + QStringLiteral(" WHERE r.id = ? AND r.terminal = ?"),
                    {answer.id, terminalRowId}, kRead);
        if (!q.status)
            return q.status;
        if (q.query.next())
            found = recordFrom(q.query);
        return Status::success();
    });
    if (!written)
        return written.error();
    return found;
}

Result<int> SettleRequests::resolveAnswered(ServerBatchStore& batches, Channel provider,
                                            const QString& outTradeNo, const QString& outRequestNo,
                                            qint64 nowMs) {
    // The latest request only: an older answer says nothing about a difference found since.
    std::optional<SettleRequestRecord> latest;
    const Status read = m_store.readSql([&](QSqlDatabase& db) -> Status {
        Statement q(db,
                    kColumns + QStringLiteral(" WHERE r.provider = ? AND r.out_trade_no = ? "
                                              "AND r.out_request_no = ? ORDER BY r.id DESC"),
                    {channelName(provider), outTradeNo, reconcile::notNull(outRequestNo)}, kRead);
        if (!q.status)
            return q.status;
        if (q.query.next())
            latest = recordFrom(q.query);
        return Status::success();
    });
    if (!read)
        return read.error();
    if (!latest || !latest->answeredAtMs)
        return 0;
    Result<QList<reconcile::StoredItem>> open = batches.openJanitorItems(provider, outTradeNo);
    if (!open)
        return open.error();
    int resolved = 0;
    const QString evidence = latest->evidence + QStringLiteral("; ") + tillEvidence(*latest);
    for (const reconcile::StoredItem& item : std::as_const(*open)) {
        // A request about the trade answers for the trade's items, one about a refund for
        // that refund's.
        const bool refundItem = item.item.kind == reconcile::DifferenceClass::Refund;
        if (refundItem != !outRequestNo.isEmpty() ||
            (refundItem && item.item.outRequestNo != outRequestNo))
            continue;
        if (!tillAgrees(item.item.kind, *latest)) {
            // Left for the manager, with what the till answered rather than "waiting".
            if (Status noted = batches.setOpenEvidence(item.id, evidence); !noted)
                return noted.error();
            continue;
        }
        const Status marked = batches.resolveAutomatically(item.id, evidence, nowMs);
        // Settled meanwhile (a manager, another instance): nothing left to do for it.
        if (!marked && marked.error().code != u"reconcile.already_resolved")
            return marked.error();
        resolved += marked ? 1 : 0;
    }
    return resolved;
}

QString SettleRequests::tillEvidence(const SettleRequestRecord& r) {
    const QString till = r.terminal.storeId + u'/' + r.terminal.terminalId;
    if (r.result == u"failed")
        return QCoreApplication::translate("qpos::server::SettleRequests",
                                           "till %1 could not settle (%2)")
            .arg(till, r.code);
    if (!r.outRequestNo.isEmpty()) {
        // A till older than refund requests settled the trade instead and named its order.
        if (orderStateFromName(r.tillState) && !reconcile::refundStateFromName(r.tillState))
            return QCoreApplication::translate(
                       "qpos::server::SettleRequests",
                       "till %1 cannot record refunds made at the provider; update its software")
                .arg(till);
        if (r.tillState.isEmpty())
            return QCoreApplication::translate(
                       "qpos::server::SettleRequests",
                       "till %1 did not record refund %2 (its provider: %3)")
                .arg(till, r.outRequestNo, r.tillProviderState);
        return QCoreApplication::translate("qpos::server::SettleRequests",
                                           "till %1 settled: refund %2 %3 (its provider: %4)")
            .arg(till, r.outRequestNo, r.tillState, r.tillProviderState);
    }
    if (r.tillState.isEmpty())
        return QCoreApplication::translate("qpos::server::SettleRequests",
                                           "till %1 has no such order (its provider: %2)")
            .arg(till, r.tillProviderState);
    return QCoreApplication::translate("qpos::server::SettleRequests",
                                       "till %1 settled: order %2 (its provider: %3)")
        .arg(till, r.tillState, r.tillProviderState);
}

QString SettleRequests::waitingEvidence(const link::TerminalIdentity& terminal) {
    return QCoreApplication::translate("qpos::server::SettleRequests",
                                       "settle sent to %1/%2, waiting")
        .arg(terminal.storeId, terminal.terminalId);
}

} // namespace qpos::server
