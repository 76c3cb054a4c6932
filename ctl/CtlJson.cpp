#include "ctl/CtlJson.h"

#include <QDateTime>
#include <QJsonArray>

namespace qpos::ctl {

void putMoney(QJsonObject& object, const QString& name, money::Fen fen) {
    object.insert(name + QStringLiteral("_fen"), fen);
    object.insert(name, money::formatYuan(fen));
}

void putTime(QJsonObject& object, const QString& name, std::optional<qint64> utcMs) {
    if (!utcMs) {
        object.insert(name + QStringLiteral("_ms"), QJsonValue::Null);
        object.insert(name, QJsonValue::Null);
        return;
    }
    object.insert(name + QStringLiteral("_ms"), *utcMs);
    object.insert(name,
                  QDateTime::fromMSecsSinceEpoch(*utcMs, Qt::UTC).toString(Qt::ISODateWithMs));
}

QString refundRecordStateName(RefundRecordState state) {
    switch (state) {
    case RefundRecordState::Requested:
        return QStringLiteral("requested");
    case RefundRecordState::Succeeded:
        return QStringLiteral("succeeded");
    case RefundRecordState::Failed:
        return QStringLiteral("failed");
    case RefundRecordState::HeldByProvider:
        return QStringLiteral("held_by_provider");
    }
    return QStringLiteral("unknown");
}

QJsonObject orderJson(const Order& order) {
    QJsonObject o{
        {QStringLiteral("out_trade_no"), order.outTradeNo},
        {QStringLiteral("channel"), channelName(order.channel)},
        {QStringLiteral("flow"), paymentFlowName(order.flow)},
        {QStringLiteral("state"), orderStateName(order.state)},
        {QStringLiteral("final"), isFinal(order.state)},
        {QStringLiteral("subject"), order.subject},
        {QStringLiteral("provider_trade_no"), order.providerTradeNo},
        {QStringLiteral("store_id"), order.storeId},
        {QStringLiteral("terminal_id"), order.terminalId},
        {QStringLiteral("cashier_id"), order.cashierId},
    };
    putMoney(o, QStringLiteral("amount"), order.amountFen);
    putMoney(o, QStringLiteral("refunded"), order.refundedFen);
    putTime(o, QStringLiteral("created_at"), order.createdAtMs);
    putTime(o, QStringLiteral("updated_at"), order.updatedAtMs);
    putTime(o, QStringLiteral("paid_at"), order.paidAtMs);
    QJsonArray items;
    for (const OrderItem& item : order.items) {
        QJsonObject i{{QStringLiteral("name"), item.name},
                      {QStringLiteral("quantity"), item.quantity}};
        putMoney(i, QStringLiteral("unit_price"), item.unitPriceFen);
        putMoney(i, QStringLiteral("line_total"), item.lineTotalFen());
        items.append(i);
    }
    o.insert(QStringLiteral("items"), items);
    return o;
}

QJsonObject orderEventJson(const OrderEvent& event) {
    QJsonObject o{
        {QStringLiteral("old_state"),
         event.oldState ? QJsonValue(orderStateName(*event.oldState)) : QJsonValue::Null},
        {QStringLiteral("new_state"), orderStateName(event.newState)},
        {QStringLiteral("source"), transitionSourceName(event.source)},
        {QStringLiteral("actor"), event.actor},
        {QStringLiteral("provider_fields"), event.providerFields},
        {QStringLiteral("note"), event.note},
    };
    putTime(o, QStringLiteral("at"), event.atMs);
    putMoney(o, QStringLiteral("refunded"), event.refundedFen);
    return o;
}

QJsonObject refundRecordJson(const RefundRecord& refund) {
    QJsonObject o{
        {QStringLiteral("out_trade_no"), refund.outTradeNo},
        {QStringLiteral("out_request_no"), refund.outRequestNo},
        {QStringLiteral("state"), refundRecordStateName(refund.state)},
        {QStringLiteral("reason"), refund.reason},
        {QStringLiteral("actor"), refund.actor},
    };
    putMoney(o, QStringLiteral("amount"), refund.amountFen);
    putTime(o, QStringLiteral("created_at"), refund.createdAtMs);
    putTime(o, QStringLiteral("updated_at"), refund.updatedAtMs);
    return o;
}

QJsonObject staffJson(const StaffMember& member) {
    return QJsonObject{{QStringLiteral("id"), member.id},
                       {QStringLiteral("name"), member.name},
                       {QStringLiteral("role"), staffRoleName(member.role)}};
}

QJsonObject checkoutUpdateJson(const checkout::CheckoutUpdate& update) {
    QJsonObject o{
        {QStringLiteral("phase"), checkout::checkoutPhaseName(update.phase)},
        {QStringLiteral("final"), checkout::isFinalPhase(update.phase)},
        {QStringLiteral("out_trade_no"), update.outTradeNo},
        {QStringLiteral("channel"), channelName(update.channel)},
        {QStringLiteral("flow"), paymentFlowName(update.flow)},
        {QStringLiteral("qr_code"), update.qrCode},
        {QStringLiteral("message"), update.message},
        {QStringLiteral("state"),
         update.order ? QJsonValue(orderStateName(update.order->state)) : QJsonValue::Null},
    };
    putMoney(o, QStringLiteral("amount"), update.amountFen);
    putTime(o, QStringLiteral("expires_at"),
            update.expiresAtMs > 0 ? std::optional<qint64>(update.expiresAtMs) : std::nullopt);
    return o;
}

QJsonObject refundReportJson(const checkout::RefundReport& report) {
    QJsonObject o{
        {QStringLiteral("out_trade_no"), report.outTradeNo},
        {QStringLiteral("out_request_no"), report.outRequestNo},
        {QStringLiteral("ok"), report.ok},
        {QStringLiteral("pending"), report.pending},
        {QStringLiteral("held_by_provider"), report.heldByProvider},
        {QStringLiteral("message"), report.message},
        {QStringLiteral("order"),
         report.order ? QJsonValue(orderJson(*report.order)) : QJsonValue::Null},
    };
    return o;
}

QJsonObject recoveryReportJson(const checkout::RecoveryReport& report) {
    return QJsonObject{{QStringLiteral("examined"), report.examined},
                       {QStringLiteral("settled"), report.settled},
                       {QStringLiteral("unresolved"), report.unresolved},
                       {QStringLiteral("lines"), QJsonArray::fromStringList(report.lines)}};
}

} // namespace qpos::ctl
