// The store backend's outbox upload: decodeSyncBatch and decodeSyncAnswer over any body, and the
// server's reading of each entry (readSyncedEntries). Properties: a decoded batch keeps the
// protocol's limits (size, entry count, strictly increasing sequence numbers) and survives
// encode -> decode unchanged; an entry the server accepts is an order event of the uploading
// terminal whose integers (the payment time too, when sent) are printed exactly as read, with
// the refunded part within the amount, a refund number only as sent, and the cashier, a
// refund's approver and reason absent or texts as sent; the same batch from another terminal
// is refused as such; a decoded answer survives encode -> decode.
#include "core/link/SyncBatch.h"
#include "core/money/Money.h"
#include "server/sync/SyncEntryReader.h"
#include "tests/fuzz/FuzzSupport.h"

#include <variant>

using namespace qpos;
using namespace qpos::link;

namespace {

void checkEntries(const SyncBatch& batch) {
    auto read = server::readSyncedEntries(batch, batch.terminal);
    if (const auto* refused = std::get_if<server::SyncRefusal>(&read)) {
        QPOS_FUZZ_CHECK(refused->status == 400 || refused->status == 403);
        QPOS_FUZZ_CHECK(!refused->error.message.isEmpty());
        return;
    }
    const QList<server::SyncedEntry>& entries = std::get<QList<server::SyncedEntry>>(read);
    QPOS_FUZZ_CHECK(entries.size() == batch.entries.size());
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const server::SyncedEntry& e = entries.at(i);
        QPOS_FUZZ_CHECK(e.seq == batch.entries.at(i).seq);
        QPOS_FUZZ_CHECK(batch.terminal.owns(e.outTradeNo));
        QPOS_FUZZ_CHECK(e.amountFen > 0 && e.amountFen <= money::kMaxFen);
        QPOS_FUZZ_CHECK(e.refundedFen >= 0 && e.refundedFen <= e.amountFen);
        QPOS_FUZZ_CHECK(e.payload.value(u"amount_fen").toString() == QString::number(e.amountFen));
        QPOS_FUZZ_CHECK(e.payload.value(u"refunded_fen").toString() ==
                        QString::number(e.refundedFen));
        QPOS_FUZZ_CHECK(e.payload.value(u"event_id").toString() == QString::number(e.eventId));
        QPOS_FUZZ_CHECK(e.payload.value(u"at_ms").toString() == QString::number(e.atMs));
        // The optional keys: absent, or read exactly as written.
        QPOS_FUZZ_CHECK(e.payload.contains(u"paid_at_ms") == e.paidAtMs.has_value());
        QPOS_FUZZ_CHECK(!e.paidAtMs ||
                        (*e.paidAtMs > 0 && e.payload.value(u"paid_at_ms").toString() ==
                                                QString::number(*e.paidAtMs)));
        QPOS_FUZZ_CHECK(e.outRequestNo == e.payload.value(u"out_request_no").toString());
        QPOS_FUZZ_CHECK(e.payload.contains(u"out_request_no") ==
                        (!e.outRequestNo.isEmpty() && e.outRequestNo.size() <= 64));
        // The people the store's report names: absent, or texts read as they are.
        for (const auto& [key, value] :
             {std::pair{u"cashier_id", &e.cashierId}, std::pair{u"approved_by", &e.approvedBy},
              std::pair{u"reason", &e.reason}}) {
            const QJsonValue sent = e.payload.value(QStringView(key));
            QPOS_FUZZ_CHECK(sent.isUndefined() ? value->isEmpty()
                                               : sent.isString() && sent.toString() == *value);
        }
    }
    // The same entries uploaded by another terminal of the store.
    TerminalIdentity other = batch.terminal;
    other.terminalId = other.terminalId == u"T9" ? QStringLiteral("T8") : QStringLiteral("T9");
    auto foreign = server::readSyncedEntries(batch, other);
    const auto* refused = std::get_if<server::SyncRefusal>(&foreign);
    QPOS_FUZZ_CHECK(refused && refused->status == 403);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::ensureCoreApplication();
    const QByteArrayView input = fuzz::bytesOf(data, size);

    const Result<SyncBatch> batch = decodeSyncBatch(input);
    if (batch) {
        QPOS_FUZZ_CHECK(input.size() <= kMaxSyncBodyBytes);
        QPOS_FUZZ_CHECK(batch->entries.size() <= kMaxSyncEntries);
        for (qsizetype i = 1; i < batch->entries.size(); ++i)
            QPOS_FUZZ_CHECK(batch->entries.at(i - 1).seq < batch->entries.at(i).seq);
        const Result<SyncBatch> again = decodeSyncBatch(encodeSyncBatch(*batch));
        QPOS_FUZZ_CHECK(again.ok());
        QPOS_FUZZ_CHECK(again->terminal == batch->terminal);
        QPOS_FUZZ_CHECK(again->entries.size() == batch->entries.size());
        for (qsizetype i = 0; i < batch->entries.size(); ++i) {
            QPOS_FUZZ_CHECK(again->entries.at(i).seq == batch->entries.at(i).seq);
            QPOS_FUZZ_CHECK(again->entries.at(i).payload == batch->entries.at(i).payload);
        }
        checkEntries(*batch);
    } else {
        QPOS_FUZZ_CHECK(!batch.error().message.isEmpty());
    }

    const Result<SyncAnswer> answer = decodeSyncAnswer(input);
    if (answer) {
        const Result<SyncAnswer> again = decodeSyncAnswer(encodeSyncAnswer(*answer));
        QPOS_FUZZ_CHECK(again.ok() && again->storedSeq == answer->storedSeq &&
                        again->serverTimeMs == answer->serverTimeMs);
    }
    return 0;
}
