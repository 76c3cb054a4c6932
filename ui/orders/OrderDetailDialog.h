#pragma once

#include "core/orders/Order.h"
#include "core/service/PosService.h"

#include <QDialog>
#include <QString>

#include <optional>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace qpos::ui {

// One order: its fields, its item lines and its event history (time, old → new state,
// source, actor, note; the provider's raw fields of the selected event). Loaded through the
// till's worker and reloaded whenever the order changes. Offers "Refund…" while the order
// is Paid or PartiallyRefunded.
class OrderDetailDialog : public QDialog {
    Q_OBJECT

public:
    OrderDetailDialog(service::PosService& till, const QString& outTradeNo,
                      QWidget* parent = nullptr);

    QString outTradeNo() const { return m_outTradeNo; }
    // The order as last loaded; empty until the first answer.
    const std::optional<OrderWithEvents>& order() const { return m_order; }

public slots:
    void reload();
    // Opens the refund dialog for this order (window-modal; the manager PIN is asked there).
    void startRefund();
    // Reprints the customer's receipt on the receipt printer (a paid order only).
    void printReceipt();

signals:
    // Each time the order was (re)loaded and shown.
    void orderShown(const qpos::Order& order);

private:
    void onOrderLoaded(const QString& requestId, const service::OrderReply& reply);
    void showOrder(const OrderWithEvents& order);
    // What the manager must know of refunds not settled as made: held, being confirmed, failed.
    void showRefunds(const Order& order, const QList<RefundRecord>& refunds);
    void showProviderFields();
    void onPrintFinished(const QString& requestId, const service::PrintReply& reply);

    service::PosService& m_till;
    QString m_outTradeNo;
    QString m_requestId;
    std::optional<OrderWithEvents> m_order;

    QLabel* m_message = nullptr;
    QLabel* m_number = nullptr;
    QLabel* m_state = nullptr;
    QLabel* m_channel = nullptr;
    QLabel* m_amount = nullptr;
    QLabel* m_refunded = nullptr;
    QLabel* m_refundNotice = nullptr;
    QLabel* m_subject = nullptr;
    QLabel* m_providerTradeNo = nullptr;
    QLabel* m_shop = nullptr;
    QLabel* m_cashier = nullptr;
    QLabel* m_created = nullptr;
    QLabel* m_paid = nullptr;
    QLabel* m_itemsLabel = nullptr;
    QTableWidget* m_items = nullptr;
    QTableWidget* m_events = nullptr;
    QPlainTextEdit* m_providerFields = nullptr;
    QPushButton* m_refund = nullptr;
    QPushButton* m_print = nullptr;
    QString m_printRequestId;
};

} // namespace qpos::ui
