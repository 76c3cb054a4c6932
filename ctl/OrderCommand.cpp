#include "ctl/OrderCommand.h"

#include "core/calendar/LocalTimeText.h"
#include "core/checkout/RefundRuns.h"
#include "core/storage/OrderStore.h"
#include "ctl/CommandOptions.h"
#include "ctl/CtlContext.h"
#include "ctl/CtlExit.h"
#include "ctl/CtlJson.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

namespace qpos::ctl {

namespace {

void printOrder(const CtlOutput& out, const OrderWithEvents& found,
                const QList<RefundRecord>& refunds) {
    const Order& o = found.order;
    auto row = [&out](const char* label, const QString& value) {
        out.line(QCoreApplication::translate("qpos::ctl", label).leftJustified(18) + value);
    };
    row(QT_TRANSLATE_NOOP("qpos::ctl", "Order:"), o.outTradeNo);
    row(QT_TRANSLATE_NOOP("qpos::ctl", "State:"),
        orderStateName(o.state) + QStringLiteral(" (") + orderStateLabel(o.state) + u')');
    row(QT_TRANSLATE_NOOP("qpos::ctl", "Channel:"),
        channelName(o.channel) + QStringLiteral(", ") + paymentFlowName(o.flow));
    row(QT_TRANSLATE_NOOP("qpos::ctl", "Amount:"), money::formatYuan(o.amountFen));
    row(QT_TRANSLATE_NOOP("qpos::ctl", "Refunded:"), money::formatYuan(o.refundedFen));
    row(QT_TRANSLATE_NOOP("qpos::ctl", "Subject:"), o.subject);
    row(QT_TRANSLATE_NOOP("qpos::ctl", "Provider trade:"), o.providerTradeNo);
    row(QT_TRANSLATE_NOOP("qpos::ctl", "Store/terminal:"), o.storeId + u'/' + o.terminalId);
    row(QT_TRANSLATE_NOOP("qpos::ctl", "Cashier:"), o.cashierId);
    row(QT_TRANSLATE_NOOP("qpos::ctl", "Created:"), localTimeText(o.createdAtMs));
    row(QT_TRANSLATE_NOOP("qpos::ctl", "Updated:"), localTimeText(o.updatedAtMs));
    if (o.paidAtMs)
        row(QT_TRANSLATE_NOOP("qpos::ctl", "Paid:"), localTimeText(*o.paidAtMs));
    for (const OrderItem& item : o.items)
        row(QT_TRANSLATE_NOOP("qpos::ctl", "Item:"),
            QStringLiteral("%1 x %2 @ %3 = %4")
                .arg(item.name)
                .arg(item.quantity)
                .arg(money::formatYuan(item.unitPriceFen), money::formatYuan(item.lineTotalFen())));
    out.line(QString());
    out.line(QCoreApplication::translate("qpos::ctl", "History:"));
    for (const OrderEvent& e : found.events) {
        QString text =
            QCoreApplication::translate("qpos::ctl", "  %1  %2 -> %3  by %4 (%5)")
                .arg(localTimeText(e.atMs),
                     e.oldState ? orderStateName(*e.oldState) : QStringLiteral("-"),
                     orderStateName(e.newState), transitionSourceName(e.source), e.actor);
        if (!e.note.isEmpty())
            text += QStringLiteral(": ") + e.note;
        out.line(text);
        if (!e.providerFields.isEmpty())
            out.line(
                QStringLiteral("      ") +
                QString::fromUtf8(QJsonDocument(e.providerFields).toJson(QJsonDocument::Compact)));
    }
    if (refunds.isEmpty())
        return;
    out.line(QString());
    out.line(QCoreApplication::translate("qpos::ctl", "Refunds:"));
    for (const RefundRecord& r : refunds)
        out.line(QStringLiteral("  %1  %2  %3  %4  %5")
                     .arg(r.outRequestNo, localTimeText(r.createdAtMs),
                          money::formatYuan(r.amountFen).rightJustified(12),
                          refundRecordStateName(r.state), r.reason));
    for (const RefundRecord& r : refunds)
        if (r.state == RefundRecordState::HeldByProvider)
            out.line(checkout::heldRefundMessage(r.outRequestNo, r.amountFen,
                                                 channelLabel(found.order.channel)));
}

} // namespace

int runOrderCommand(CtlContext& context, const QStringList& arguments) {
    CommandOptions options(
        QStringLiteral("order"), QStringLiteral("ORDER_NO [--json]"),
        QCoreApplication::translate("qpos::ctl",
                                    "Shows one order with its history (every state change, who "
                                    "or what made it, and the provider's fields) and its "
                                    "refunds."));
    options.addJson();
    CtlOutput& out = context.out();
    if (std::optional<int> done = options.parse(arguments, out))
        return *done;
    const std::optional<QString> orderNumber = options.orderNumber(out);
    if (!orderNumber)
        return kExitUsage;
    const QString& outTradeNo = *orderNumber;

    const std::unique_ptr<OrderStore> store = context.openStore(StoreUse::Read);
    if (!store)
        return kExitError;
    Result<OrderWithEvents> found = store->orderWithEvents(outTradeNo);
    if (!found) {
        out.error(found.error().message);
        return kExitError;
    }
    Result<QList<RefundRecord>> refunds = store->refunds(outTradeNo);
    if (!refunds) {
        out.error(refunds.error().message);
        return kExitError;
    }
    if (out.json()) {
        QJsonArray events;
        for (const OrderEvent& e : found->events)
            events.append(orderEventJson(e));
        QJsonArray refundList;
        for (const RefundRecord& r : *refunds)
            refundList.append(refundRecordJson(r));
        out.object(QJsonObject{{QStringLiteral("order"), orderJson(found->order)},
                               {QStringLiteral("events"), events},
                               {QStringLiteral("refunds"), refundList}});
    } else {
        printOrder(out, *found, *refunds);
    }
    return kExitOk;
}

} // namespace qpos::ctl
