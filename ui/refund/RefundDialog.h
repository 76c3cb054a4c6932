#pragma once

#include "core/checkout/CheckoutTypes.h"
#include "core/orders/Order.h"
#include "core/service/PosService.h"

#include <QDialog>
#include <QString>

#include <optional>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace qpos::ui {

// A full or partial refund of a paid order. The amount defaults to what is left and cannot
// exceed it; a manager approves with a PIN (ManagerPinDialog) before anything is sent. The
// provider's answer is shown in plain words; an answer that did not arrive is shown as a
// refund being confirmed (recovery settles it), never as a failure.
class RefundDialog : public QDialog {
    Q_OBJECT

public:
    RefundDialog(service::PosService& till, const Order& order, QWidget* parent = nullptr);

    // The provider's answer, once it arrived.
    const std::optional<checkout::RefundReport>& report() const { return m_report; }

public slots:
    // Checks the amount, asks the manager's PIN, and sends the refund.
    void submit();

signals:
    void refundReported(const qpos::checkout::RefundReport& report);

private:
    void onRefundFinished(const checkout::RefundReport& report);
    void onOrderChanged(const Order& order);
    void setSending(bool sending);
    void showMessage(const QString& text);
    void showSummary();
    money::Fen leftFen() const { return m_order.amountFen - m_order.refundedFen; }

    service::PosService& m_till;
    Order m_order;
    QString m_requestId; // the refund in flight; empty when none
    std::optional<checkout::RefundReport> m_report;
    // While a refund is being confirmed: the refunded total before it.
    std::optional<money::Fen> m_pendingRefundedFen;

    QLabel* m_summary = nullptr;
    QLineEdit* m_amount = nullptr;
    QLineEdit* m_reason = nullptr;
    QLabel* m_message = nullptr;
    QProgressBar* m_progress = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    QPushButton* m_submit = nullptr;
    QPushButton* m_full = nullptr;
};

} // namespace qpos::ui
