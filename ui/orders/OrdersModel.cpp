#include "ui/orders/OrdersModel.h"

#include "core/calendar/LocalTimeText.h"

namespace qpos::ui {

namespace {

// Newest first, as the store lists them.
bool isNewer(const Order& a, const Order& b) {
    if (a.createdAtMs != b.createdAtMs)
        return a.createdAtMs > b.createdAtMs;
    return a.id > b.id;
}

} // namespace

OrdersModel::OrdersModel(QObject* parent)
    : QAbstractTableModel(parent) {}

int OrdersModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_orders.size());
}

int OrdersModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant OrdersModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= m_orders.size())
        return {};
    const Order& order = m_orders.at(index.row());
    if (role == OrderNumberRole)
        return order.outTradeNo;
    if (role == Qt::TextAlignmentRole) {
        if (index.column() == AmountColumn || index.column() == RefundedColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return int(Qt::AlignLeft | Qt::AlignVCenter);
    }
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case TimeColumn:
        return localTimeText(order.createdAtMs);
    case NumberColumn:
        return order.outTradeNo;
    case ChannelColumn:
        return channelLabel(order.channel);
    case AmountColumn:
        return money::formatYuan(order.amountFen);
    case RefundedColumn:
        return order.refundedFen > 0 ? money::formatYuan(order.refundedFen) : QString();
    case StateColumn:
        return orderStateLabel(order.state);
    default:
        break;
    }
    return {};
}

QVariant OrdersModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case NumberColumn:
        return tr("Order number");
    case ChannelColumn:
        return tr("Channel");
    case AmountColumn:
        return tr("Amount (yuan)");
    case RefundedColumn:
        return tr("Refunded");
    case StateColumn:
        return tr("State");
    default:
        break;
    }
    return {};
}

void OrdersModel::clear() {
    beginResetModel();
    m_orders.clear();
    endResetModel();
}

void OrdersModel::append(const QList<Order>& orders) {
    QList<Order> fresh;
    for (const Order& order : orders) {
        // A row already shown (pushed by a change while the page was on its way) stays once.
        if (rowOf(order.outTradeNo) < 0)
            fresh.append(order);
    }
    if (fresh.isEmpty())
        return;
    const int first = int(m_orders.size());
    beginInsertRows(QModelIndex(), first, first + int(fresh.size()) - 1);
    m_orders.append(fresh);
    endInsertRows();
}

void OrdersModel::upsert(const Order& order) {
    const int row = rowOf(order.outTradeNo);
    if (row >= 0) {
        m_orders[row] = order;
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    int at = 0;
    while (at < m_orders.size() && isNewer(m_orders.at(at), order))
        ++at;
    beginInsertRows(QModelIndex(), at, at);
    m_orders.insert(at, order);
    endInsertRows();
}

void OrdersModel::remove(const QString& outTradeNo) {
    const int row = rowOf(outTradeNo);
    if (row < 0)
        return;
    beginRemoveRows(QModelIndex(), row, row);
    m_orders.removeAt(row);
    endRemoveRows();
}

int OrdersModel::rowOf(const QString& outTradeNo) const {
    for (qsizetype i = 0; i < m_orders.size(); ++i) {
        if (m_orders.at(i).outTradeNo == outTradeNo)
            return int(i);
    }
    return -1;
}

} // namespace qpos::ui
