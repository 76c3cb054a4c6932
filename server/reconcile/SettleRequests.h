#pragma once

#include "core/common/Result.h"
#include "core/link/LinkMessages.h"
#include "core/link/TerminalIdentity.h"
#include "core/orders/Channel.h"

#include <QList>
#include <QPair>
#include <QString>

#include <optional>

namespace qpos::server {

class ServerBatchStore;
class ServerStore;

// One settle request of reconciliation's Janitor (table settle_requests): the till that owns
// the order is asked, over its push link, to settle it from its provider.
struct SettleRequestRecord {
    qint64 id = 0;
    qint64 terminalRowId = 0;
    link::TerminalIdentity terminal;
    Channel provider = Channel::Alipay;
    QString outTradeNo;
    QString outRequestNo; // a refund the till is asked about; empty: the trade
    QString evidence;     // what the provider answered to the server's own query (no secret)
    qint64 createdAtMs = 0;
    // The till's answer, once it came.
    std::optional<qint64> answeredAtMs;
    QString result; // applied, unchanged, failed
    // The till's order state after its commit, or its refund's; empty: no such order (refund).
    QString tillState;
    QString tillProviderState; // what the provider answered to the till's query
    QString code;              // failed: the till's code
};

// The settle requests, in the server's database, through the store's shared SQL (SQLite or
// PostgreSQL). A request is delivered by whichever instance the till is linked to: queued
// with NOTIFY on PostgreSQL (in the same transaction, so heard after the commit); on SQLite,
// which no other process hears, the serving instance reads the queue again on every ping.
// Use from the thread that opened the store.
class SettleRequests {
public:
    explicit SettleRequests(ServerStore& store);

    // Queues a request for the terminal about the trade, or about its refund `outRequestNo`
    // (not empty), or, when one for the same is not answered yet, gives it the new evidence.
    // Returns the request's id.
    Result<qint64> queue(qint64 terminalRowId, Channel provider, const QString& outTradeNo,
                         const QString& outRequestNo, const QString& evidence, qint64 nowMs);
    // The terminal's requests not answered yet, oldest first.
    Result<QList<SettleRequestRecord>> pending(qint64 terminalRowId);
    // How many requests wait for their till's answer, by terminal ("S001/T07"): every
    // terminal not revoked (zeros included) and any other with requests waiting.
    Result<QList<QPair<QString, qint64>>> pendingByTerminal();
    Result<std::optional<SettleRequestRecord>> request(qint64 id);
    // Records the till's answer. Nullopt when the request is not this terminal's; answering
    // again changes nothing and gives the request as first answered.
    Result<std::optional<SettleRequestRecord>>
    answer(qint64 terminalRowId, const link::SettleAnswer& answer, qint64 nowMs);
    // Once the latest request about the trade (or its refund `outRequestNo`) is answered:
    // resolves the open items the Janitor was asked about (status and provider_only for the
    // trade, refund for the refund) that it shows settled (the till's ledger now agrees with
    // the provider), and gives the others the till's answer as evidence. Returns how many
    // were resolved.
    Result<int> resolveAnswered(ServerBatchStore& batches, Channel provider,
                                const QString& outTradeNo, const QString& outRequestNo,
                                qint64 nowMs);

    // The till's word, for an item's evidence: "till S001/T07 settled: order paid (its provider:
    // TRADE_SUCCESS)", "till S001/T07 settled: refund succeeded (its provider: SUCCESS)".
    static QString tillEvidence(const SettleRequestRecord& request);
    // "settle sent to S001/T07, waiting".
    static QString waitingEvidence(const link::TerminalIdentity& terminal);

private:
    ServerStore& m_store;
};

} // namespace qpos::server
