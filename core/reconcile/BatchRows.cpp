#include "core/reconcile/BatchRows.h"

#include <QCoreApplication>
#include <QSqlQuery>

namespace qpos::reconcile {

namespace {

std::optional<money::Fen> fenOrEmpty(const QVariant& value) {
    if (value.isNull())
        return std::nullopt;
    return value.toLongLong();
}

} // namespace

QString batchColumnsSql() {
    return QStringLiteral(
        "b.id, b.provider, b.merchant_id, b.day, b.state, b.provider_payment_count, "
        "b.provider_payment_fen, b.provider_refund_count, b.provider_refund_fen, "
        "b.local_payment_count, b.local_payment_fen, b.local_refund_count, b.local_refund_fen, "
        "b.fee_thousandths_of_fen, b.matched, b.held, b.bill_sha256, b.bill_file, b.error, "
        "b.attempts, b.created_at_ms, b.updated_at_ms, "
        "(SELECT count(*) FROM reconcile_items i WHERE i.batch_id = b.id), "
        "(SELECT count(*) FROM reconcile_items i WHERE i.batch_id = b.id AND "
        "i.resolution = 'open')");
}

QString itemSelectSql() {
    return QStringLiteral(
        "SELECT i.id, i.batch_id, i.class, i.out_trade_no, i.out_request_no, i.local_state, "
        "i.local_fen, i.provider_state, i.provider_fen, i.provider_trade_no, i.bill_line, "
        "i.detail, i.resolution, i.evidence, i.note, i.resolved_by, i.resolved_at_ms, "
        "b.provider FROM reconcile_items i JOIN reconcile_batches b ON b.id = i.batch_id");
}

StoredBatch batchFromRow(const QSqlQuery& q) {
    StoredBatch b;
    b.id = q.value(0).toLongLong();
    b.provider = channelFromName(q.value(1).toString()).value_or(Channel::Alipay);
    b.merchantId = q.value(2).toString();
    b.day = QDate::fromString(q.value(3).toString(), Qt::ISODate);
    b.state = batchStateFromName(q.value(4).toString()).value_or(BatchState::Failed);
    b.totals.provider = {q.value(5).toLongLong(), q.value(6).toLongLong(), q.value(7).toLongLong(),
                         q.value(8).toLongLong()};
    b.totals.local = {q.value(9).toLongLong(), q.value(10).toLongLong(), q.value(11).toLongLong(),
                      q.value(12).toLongLong()};
    b.totals.fee = money::SubFen::fromThousandthsOfFen(q.value(13).toLongLong());
    b.totals.matched = q.value(14).toLongLong();
    b.totals.held = q.value(15).toLongLong();
    b.billSha256 = q.value(16).toString();
    b.billFile = q.value(17).toString();
    b.error = q.value(18).toString();
    b.attempts = q.value(19).toInt();
    b.createdAtMs = q.value(20).toLongLong();
    b.updatedAtMs = q.value(21).toLongLong();
    b.itemCount = q.value(22).toLongLong();
    b.openItemCount = q.value(23).toLongLong();
    return b;
}

StoredItem itemFromRow(const QSqlQuery& q) {
    StoredItem s;
    s.id = q.value(0).toLongLong();
    s.batchId = q.value(1).toLongLong();
    s.item.kind =
        differenceClassFromName(q.value(2).toString()).value_or(DifferenceClass::LocalOnly);
    s.item.outTradeNo = q.value(3).toString();
    s.item.outRequestNo = q.value(4).toString();
    s.item.localState = q.value(5).toString();
    s.item.localAmountFen = fenOrEmpty(q.value(6));
    s.item.providerState = q.value(7).toString();
    s.item.providerAmountFen = fenOrEmpty(q.value(8));
    s.item.providerTradeNo = q.value(9).toString();
    s.item.billLine = q.value(10).toInt();
    s.item.detail = q.value(11).toString();
    s.resolution = itemResolutionFromName(q.value(12).toString()).value_or(ItemResolution::Open);
    s.evidence = q.value(13).toString();
    s.note = q.value(14).toString();
    s.resolvedBy = q.value(15).toString();
    s.resolvedAtMs = q.value(16).toLongLong();
    s.item.provider = channelFromName(q.value(17).toString()).value_or(Channel::Alipay);
    return s;
}

QString dayText(const QDate& day) {
    return day.toString(Qt::ISODate);
}

QString notNull(const QString& text) {
    return text.isNull() ? QStringLiteral("") : text;
}

QVariant optionalFen(const std::optional<money::Fen>& fen) {
    return fen ? QVariant(qlonglong(*fen)) : QVariant(QMetaType::fromType<qlonglong>());
}

QString poolKindName(PoolKind kind) {
    return kind == PoolKind::Refund ? QStringLiteral("refund") : QStringLiteral("trade");
}

PoolKind poolKindFromName(const QString& name) {
    return name == u"refund" ? PoolKind::Refund : PoolKind::Trade;
}

QString sameDifferenceKey(const QString& kind, const QString& outTradeNo,
                          const QString& outRequestNo) {
    return kind + QChar(0x1f) + outTradeNo + QChar(0x1f) + outRequestNo;
}

Error noSuchItem(qint64 itemId) {
    return Error{QStringLiteral("reconcile.no_such_item"),
                 QCoreApplication::translate("qpos::reconcile",
                                             "There is no difference number %1; reload the batch "
                                             "and choose it again.")
                     .arg(itemId)};
}

Error alreadyResolved(qint64 itemId, ItemResolution resolution) {
    return Error{QStringLiteral("reconcile.already_resolved"),
                 QCoreApplication::translate("qpos::reconcile",
                                             "Difference number %1 is already settled (%2); "
                                             "nothing was changed. Reload the batch to see how.")
                     .arg(itemId)
                     .arg(itemResolutionLabel(resolution))};
}

Error badBatchInput(const QString& message) {
    return Error{QStringLiteral("reconcile.bad_input"), message};
}

Status checkBatchScope(const LedgerScope& scope, const QDate& day) {
    if (!isProviderChannel(scope.provider))
        return badBatchInput(QCoreApplication::translate(
                                 "qpos::reconcile",
                                 "A reconciliation batch belongs to Alipay or WeChat Pay, not to "
                                 "%1; nothing was saved.")
                                 .arg(channelName(scope.provider)));
    if (!day.isValid())
        return badBatchInput(QCoreApplication::translate(
            "qpos::reconcile",
            "A reconciliation batch needs a valid China date; nothing was saved."));
    return Status::success();
}

namespace {

bool matched(BatchState state) {
    return state == BatchState::Complete || state == BatchState::NoBill;
}

} // namespace

Status checkMatchedState(BatchState state) {
    if (matched(state))
        return Status::success();
    return badBatchInput(QCoreApplication::translate(
        "qpos::reconcile", "A run that matched no bill is saved without results; nothing was "
                           "saved."));
}

Status checkUnmatchedState(BatchState state) {
    if (!matched(state))
        return Status::success();
    return badBatchInput(QCoreApplication::translate(
        "qpos::reconcile", "A complete or no-bill batch is saved with its run's results, not as "
                           "a run that matched nothing; nothing was saved."));
}

bool batchOutlives(BatchState kept, BatchState incoming) {
    if (kept == BatchState::Complete)
        return incoming != BatchState::Complete;
    return kept == BatchState::NoBill && !matched(incoming);
}

} // namespace qpos::reconcile
