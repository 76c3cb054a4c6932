#include "ui/till/CheckoutController.h"

#include "core/logging/LogCategories.h"
#include "ui/support/RequestIds.h"
#include "ui/till/PaymentDialog.h"

#include <QWidget>

namespace qpos::ui {

CheckoutController::CheckoutController(service::PosService& till, checkout::BuyerSimulator* buyer,
                                       bool sandbox, QWidget* dialogParent)
    : QObject(dialogParent)
    , m_till(till)
    , m_buyer(buyer)
    , m_sandbox(sandbox)
    , m_dialogParent(dialogParent) {
    connect(&m_till, &service::PosService::checkoutUpdated, this, &CheckoutController::onUpdate);
}

CheckoutController::~CheckoutController() = default;

bool CheckoutController::startQr(const NewOrder& order) {
    if (isOpen())
        return false;
    open(order);
    m_till.startQrCheckout(m_requestId, order);
    return true;
}

bool CheckoutController::startCode(const NewOrder& order, const QString& authCode) {
    if (isOpen())
        return false;
    open(order);
    m_till.startCodeCheckout(m_requestId, order, authCode);
    return true;
}

void CheckoutController::open(const NewOrder& order) {
    m_requestId = newRequestId();
    m_outTradeNo.clear();
    m_actor = order.cashierId;
    m_last.reset();
    auto* dialog = new PaymentDialog(order.channel, order.flow, order.amountFen, m_buyer, m_sandbox,
                                     m_dialogParent);
    dialog->setPaidScreenMs(m_paidScreenMs);
    m_dialog = dialog;
    connect(dialog, &PaymentDialog::cancelRequested, this, [this](const QString& outTradeNo) {
        qCInfo(lcUi).noquote() << "cashier cancels" << outTradeNo;
        m_till.cancelCheckout(outTradeNo, m_actor);
    });
    connect(dialog, &QDialog::finished, this, &CheckoutController::onDialogFinished);
    dialog->open();
    emit opened();
}

void CheckoutController::onUpdate(const checkout::CheckoutUpdate& update) {
    if (!m_dialog)
        return;
    const bool ours = update.requestId == m_requestId ||
                      (!m_outTradeNo.isEmpty() && update.outTradeNo == m_outTradeNo);
    if (!ours)
        return;
    if (m_outTradeNo.isEmpty() && !update.outTradeNo.isEmpty())
        m_outTradeNo = update.outTradeNo;
    m_last = update;
    m_dialog->applyUpdate(update);
}

void CheckoutController::onDialogFinished() {
    PaymentDialog* dialog = m_dialog;
    m_dialog = nullptr;
    if (!dialog)
        return;
    const std::optional<checkout::CheckoutUpdate> last = dialog->lastUpdate();
    dialog->deleteLater();
    m_requestId.clear();
    m_outTradeNo.clear();
    if (last)
        emit finished(*last);
}

} // namespace qpos::ui
