#include "core/checkout/CashDesk.h"

#include "core/checkout/EngineContext.h"
#include "core/logging/LogCategories.h"
#include "core/money/Money.h"
#include "core/printing/CashDrawer.h"
#include "core/storage/OrderStore.h"

namespace qpos::checkout {

CashDesk::CashDesk(EngineContext& context)
    : m_context(context) {}

CashSaleReport CashDesk::takeCash(const QString& requestId, const NewOrder& order,
                                  money::Fen tenderedFen) {
    CashSaleReport report;
    report.requestId = requestId;
    report.tenderedFen = tenderedFen;
    NewOrder cash = order;
    cash.channel = Channel::Cash;
    cash.flow = PaymentFlow::Cash;
    Result<Order> recorded = m_context.store().recordCashSale(cash, tenderedFen);
    if (!recorded) {
        report.error = recorded.error().message;
        return report;
    }
    report.order = *recorded;
    report.changeFen = tenderedFen - recorded->amountFen;
    m_context.emitOrderChanged(*recorded);
    report.drawerMessage = openDrawer();
    return report;
}

bool CashDesk::isCashOrder(const QString& outTradeNo) const {
    const Result<Order> order = m_context.store().order(outTradeNo);
    return order && order->channel == Channel::Cash;
}

void CashDesk::refund(const RefundCommand& command) {
    RefundReport report;
    report.requestId = command.requestId;
    report.outTradeNo = command.outTradeNo;
    Result<RefundRecord> record = m_context.store().recordCashRefund(
        command.outTradeNo, command.amountFen, command.reason, command.managerId);
    if (!record) {
        report.message = record.error().message;
        m_context.emitRefundFinished(report);
        return;
    }
    report.outRequestNo = record->outRequestNo;
    report.ok = true;
    report.message = tr("Give %1 yuan back to the customer from the drawer.")
                         .arg(money::formatYuan(record->amountFen));
    if (Result<Order> order = m_context.store().order(command.outTradeNo)) {
        report.order = *order;
        m_context.emitOrderChanged(*order);
    }
    report.drawerMessage = openDrawer();
    m_context.emitRefundFinished(report);
}

QString CashDesk::openDrawer() {
    if (!m_drawer)
        return {};
    const Status opened = m_drawer->open();
    if (opened.ok())
        return {};
    qCWarning(lcCheckout).noquote() << "cash drawer did not open:" << opened.error().code;
    return tr("The cash drawer did not open: %1 Open it with its key.").arg(opened.error().message);
}

} // namespace qpos::checkout
