#pragma once

#include "core/checkout/CheckoutTypes.h"
#include "core/orders/Order.h"
#include "core/service/PosService.h"
#include "ui/till/PaymentDialog.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <optional>

class QWidget;

namespace qpos::checkout {
class BuyerSimulator;
}

namespace qpos::ui {

// Runs one payment at a time between the till's worker and the payment dialog: starts the
// checkout, routes its updates to the dialog, turns the dialog's cancel into
// PosService::cancelCheckout, and reports the outcome once the dialog was closed.
class CheckoutController : public QObject {
    Q_OBJECT

public:
    CheckoutController(service::PosService& till, checkout::BuyerSimulator* buyer, bool sandbox,
                       QWidget* dialogParent);
    ~CheckoutController() override;

    bool isOpen() const { return m_dialog != nullptr; }
    PaymentDialog* dialog() const { return m_dialog; }
    void setPaidScreenMs(int ms) { m_paidScreenMs = ms; }

    // Opens the payment dialog and starts the checkout; false when one is already open.
    bool startQr(const NewOrder& order);
    // The code is passed to the worker and not kept.
    bool startCode(const NewOrder& order, const QString& authCode);

signals:
    void opened();
    // The dialog was closed on this final update.
    void finished(const qpos::checkout::CheckoutUpdate& last);

private:
    void open(const NewOrder& order);
    void onUpdate(const checkout::CheckoutUpdate& update);
    void onDialogFinished();

    service::PosService& m_till;
    checkout::BuyerSimulator* m_buyer = nullptr;
    bool m_sandbox = false;
    QPointer<QWidget> m_dialogParent;
    int m_paidScreenMs = 4000;

    QPointer<PaymentDialog> m_dialog;
    QString m_requestId;
    QString m_outTradeNo;
    QString m_actor;
    std::optional<checkout::CheckoutUpdate> m_last;
};

} // namespace qpos::ui
