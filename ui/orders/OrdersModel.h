#pragma once

#include "core/orders/Order.h"

#include <QAbstractTableModel>
#include <QList>

namespace qpos::ui {

// The order list as a table, newest first: time, order number, channel, amount, refunded,
// state. Amounts are shown in yuan; times in the terminal's local time.
class OrdersModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        TimeColumn,
        NumberColumn,
        ChannelColumn,
        AmountColumn,
        RefundedColumn,
        StateColumn,
        ColumnCount
    };
    // Qt::UserRole on any cell: the order number.
    static constexpr int OrderNumberRole = Qt::UserRole;

    explicit OrdersModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void clear();
    // Appends the next page (older orders).
    void append(const QList<Order>& orders);
    // Replaces the row of the same order, or inserts the order where its time belongs.
    void upsert(const Order& order);
    void remove(const QString& outTradeNo);

    const Order& orderAt(int row) const { return m_orders.at(row); }
    int rowOf(const QString& outTradeNo) const;
    const QList<Order>& orders() const { return m_orders; }

private:
    QList<Order> m_orders;
};

} // namespace qpos::ui
