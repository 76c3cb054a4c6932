#pragma once

#include "core/orders/Order.h"
#include "core/service/PosService.h"
#include "core/storage/OrderQuery.h"

#include <QString>
#include <QWidget>

#include <optional>

class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTimer;

namespace qpos::ui {

class OrdersModel;

// The orders of the till for the manager and the cashier: today's (China calendar day) by
// default, filtered by date range, state and channel, searched by order number. Pages are
// loaded through the till's worker as the list is scrolled or "Load more" is pressed, and
// rows follow every change of an order (PosService::orderChanged). Enter or a double click
// opens the order's details, from where a manager can refund it.
class OrdersView : public QWidget {
    Q_OBJECT

public:
    explicit OrdersView(service::PosService& till, QWidget* parent = nullptr);

    // Rows asked for per page (default 50).
    void setPageSize(int rows);

public slots:
    // Loads the list again from the first page with the current filters.
    void refresh();
    // Shows today's orders (China calendar day) and clears the search.
    void showToday();
    // Opens the details of one order (non-modal dialog owned by this view).
    void openOrder(const QString& outTradeNo);

protected:
    void showEvent(QShowEvent* event) override;

private:
    OrderFilter currentFilter() const;
    bool matches(const Order& order) const;
    void loadMore();
    void onOrdersListed(const QString& requestId, const service::OrderListReply& reply);
    void onOrderChanged(const Order& order);
    void openCurrent();
    void updateStatus();
    void fitColumns();
    void setDateRange(const QDate& from, const QDate& to);
    void onDatesChanged();

    service::PosService& m_till;
    OrdersModel* m_model = nullptr;
    QDateEdit* m_from = nullptr;
    QDateEdit* m_to = nullptr;
    QComboBox* m_state = nullptr;
    QComboBox* m_channel = nullptr;
    QLineEdit* m_search = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_loadMore = nullptr;
    QPushButton* m_details = nullptr;
    QTimer* m_searchDelay = nullptr;

    int m_pageSize = 50;
    bool m_loadedOnce = false;
    bool m_followToday = true; // the range is "today" and moves on at midnight
    bool m_settingDates = false;
    QString m_requestId; // the page in flight; empty when none
    std::optional<OrderCursor> m_next;
    QString m_error;
};

} // namespace qpos::ui
