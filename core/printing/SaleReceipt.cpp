#include "core/printing/SaleReceipt.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/orders/Channel.h"
#include "core/orders/OrderState.h"
#include "core/staff/StaffLabel.h"

#include <QCoreApplication>

namespace qpos::printing {

QString receiptYuan(money::Fen fen) {
    return (fen < 0 ? QStringLiteral("-￥") : QStringLiteral("￥")) +
           money::formatYuan(fen < 0 ? -fen : fen);
}

Status receiptAllowed(const Order& order) {
    if (order.state == OrderState::Paid || order.state == OrderState::PartiallyRefunded ||
        order.state == OrderState::Refunded)
        return Status::success();
    return Error{QStringLiteral("printer.not_paid"),
                 QCoreApplication::translate("qpos::printing::SaleReceipt",
                                             "Order %1 is %2, not paid: a receipt is printed "
                                             "only for a paid order.")
                     .arg(order.outTradeNo, orderStateLabel(order.state))};
}

EscPosDocument saleReceiptDocument(const SaleReceipt& receipt, int columns) {
    const Order& order = receipt.order;
    EscPosDocument doc(columns);
    doc.initialize();
    doc.align(Alignment::Center).doubleSize(true).bold(true);
    doc.text(receipt.shopName.isEmpty() ? order.storeId : receipt.shopName);
    doc.doubleSize(false).bold(false);
    doc.text(QCoreApplication::translate("qpos::printing::SaleReceipt", "Sales receipt"));
    if (receipt.reprint)
        doc.text(QCoreApplication::translate("qpos::printing::SaleReceipt", "** REPRINT **"));
    doc.align(Alignment::Left).rule();

    doc.text(QCoreApplication::translate("qpos::printing::SaleReceipt", "Order no.:"));
    doc.text(order.outTradeNo);
    const qint64 paidAt = order.paidAtMs.value_or(order.createdAtMs);
    doc.twoColumns(QCoreApplication::translate("qpos::printing::SaleReceipt", "Time"),
                   china_calendar::formatTimestamp(paidAt));
    doc.twoColumns(QCoreApplication::translate("qpos::printing::SaleReceipt", "Cashier"),
                   staffLabel(order.cashierId, receipt.cashierName));
    doc.twoColumns(QCoreApplication::translate("qpos::printing::SaleReceipt", "Payment"),
                   channelLabel(order.channel));
    doc.rule();

    for (const OrderItem& item : order.items)
        doc.twoColumns(item.quantity == 1
                           ? item.name
                           : QStringLiteral("%1 ×%2").arg(item.name).arg(item.quantity),
                       receiptYuan(item.lineTotalFen()));
    if (!order.items.isEmpty())
        doc.rule();

    doc.bold(true).doubleSize(true);
    doc.twoColumns(QCoreApplication::translate("qpos::printing::SaleReceipt", "Total"),
                   receiptYuan(order.amountFen));
    doc.doubleSize(false).bold(false);
    if (order.refundedFen > 0) {
        doc.twoColumns(QCoreApplication::translate("qpos::printing::SaleReceipt", "Refunded"),
                       receiptYuan(-order.refundedFen));
        doc.twoColumns(QCoreApplication::translate("qpos::printing::SaleReceipt", "Net paid"),
                       receiptYuan(order.amountFen - order.refundedFen));
    }
    if (!order.providerTradeNo.isEmpty()) {
        doc.text(QCoreApplication::translate("qpos::printing::SaleReceipt",
                                             "Payment provider's trade no.:"));
        doc.text(order.providerTradeNo);
    }
    if (receipt.reprint && receipt.printedAtMs > 0)
        doc.twoColumns(QCoreApplication::translate("qpos::printing::SaleReceipt", "Reprinted"),
                       china_calendar::formatTimestamp(receipt.printedAtMs));
    doc.rule();

    // The order number as a QR, so a refund or a question finds the order by a scan.
    doc.align(Alignment::Center);
    doc.qrCode(order.outTradeNo.toUtf8(), columns >= 48 ? 6 : 5, QrErrorLevel::M);
    doc.text(order.outTradeNo);
    doc.text(QCoreApplication::translate("qpos::printing::SaleReceipt", "Thank you!"));
    doc.align(Alignment::Left).feed(3).cut();
    return doc;
}

} // namespace qpos::printing
