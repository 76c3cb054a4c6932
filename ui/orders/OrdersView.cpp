#include "ui/orders/OrdersView.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/orders/OutTradeNo.h"
#include "ui/orders/OrderDetailDialog.h"
#include "ui/orders/OrdersModel.h"
#include "ui/support/RequestIds.h"

#include <QComboBox>
#include <QDateEdit>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QShowEvent>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <limits>

namespace qpos::ui {

namespace {

// A whole order number is looked up across all dates: the manager has it from a receipt.
bool isWholeOrderNumber(const QString& text) {
    return text.size() >= 16 && out_trade_no::isWellFormed(text);
}

QDate today() {
    return china_calendar::dateOf(QDateTime::currentMSecsSinceEpoch());
}

} // namespace

OrdersView::OrdersView(service::PosService& till, QWidget* parent)
    : QWidget(parent)
    , m_till(till) {
    auto* layout = new QVBoxLayout(this);

    auto* filters = new QHBoxLayout;
    auto* fromLabel = new QLabel(tr("&From"), this);
    m_from = new QDateEdit(this);
    m_from->setObjectName(QStringLiteral("fromDate"));
    fromLabel->setBuddy(m_from);
    auto* toLabel = new QLabel(tr("&To"), this);
    m_to = new QDateEdit(this);
    m_to->setObjectName(QStringLiteral("toDate"));
    toLabel->setBuddy(m_to);
    for (QDateEdit* edit : {m_from, m_to}) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    }
    auto* todayButton = new QPushButton(tr("To&day"), this);
    todayButton->setObjectName(QStringLiteral("todayButton"));

    m_state = new QComboBox(this);
    m_state->setObjectName(QStringLiteral("stateFilter"));
    m_state->addItem(tr("All states"), -1);
    for (OrderState state : kAllOrderStates)
        m_state->addItem(orderStateLabel(state), int(state));
    m_channel = new QComboBox(this);
    m_channel->setObjectName(QStringLiteral("channelFilter"));
    m_channel->addItem(tr("All channels"), -1);
    for (Channel channel : {Channel::Alipay, Channel::WeChat})
        m_channel->addItem(channelLabel(channel), int(channel));

    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("orderSearch"));
    m_search->setPlaceholderText(tr("Search order number"));
    m_search->setClearButtonEnabled(true);

    filters->addWidget(fromLabel);
    filters->addWidget(m_from);
    filters->addWidget(toLabel);
    filters->addWidget(m_to);
    filters->addWidget(todayButton);
    filters->addWidget(m_state);
    filters->addWidget(m_channel);
    filters->addWidget(m_search, 1);
    layout->addLayout(filters);

    m_model = new OrdersModel(this);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("ordersTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setTabKeyNavigation(false);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false);
    // Whole order numbers and times, never elided; the state takes the remaining width.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setSectionResizeMode(OrdersModel::StateColumn,
                                                      QHeaderView::Stretch);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    layout->addWidget(m_table, 1);

    auto* bottom = new QHBoxLayout;
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("ordersStatus"));
    m_status->setWordWrap(true);
    m_loadMore = new QPushButton(tr("Load &more"), this);
    m_loadMore->setObjectName(QStringLiteral("loadMoreButton"));
    m_loadMore->setEnabled(false);
    m_details = new QPushButton(tr("D&etails…"), this);
    m_details->setObjectName(QStringLiteral("detailsButton"));
    auto* refreshButton = new QPushButton(tr("&Refresh"), this);
    refreshButton->setObjectName(QStringLiteral("refreshButton"));
    bottom->addWidget(m_status, 1);
    bottom->addWidget(m_loadMore);
    bottom->addWidget(m_details);
    bottom->addWidget(refreshButton);
    layout->addLayout(bottom);

    m_searchDelay = new QTimer(this);
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(300);

    const QDate day = today();
    setDateRange(day, day);

    connect(todayButton, &QPushButton::clicked, this, &OrdersView::showToday);
    connect(refreshButton, &QPushButton::clicked, this, &OrdersView::refresh);
    connect(m_loadMore, &QPushButton::clicked, this, &OrdersView::loadMore);
    connect(m_details, &QPushButton::clicked, this, &OrdersView::openCurrent);
    connect(m_table, &QTableView::activated, this, &OrdersView::openCurrent);
    // Keep the range the right way round: the other end follows the one just moved.
    connect(m_from, &QDateEdit::dateChanged, this, [this](const QDate& from) {
        if (!m_settingDates && from > m_to->date())
            setDateRange(from, from);
        onDatesChanged();
    });
    connect(m_to, &QDateEdit::dateChanged, this, [this](const QDate& to) {
        if (!m_settingDates && to < m_from->date())
            setDateRange(to, to);
        onDatesChanged();
    });
    connect(m_state, &QComboBox::currentIndexChanged, this, &OrdersView::refresh);
    connect(m_channel, &QComboBox::currentIndexChanged, this, &OrdersView::refresh);
    connect(m_search, &QLineEdit::textEdited, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        m_searchDelay->stop();
        refresh();
        m_table->setFocus(); // the first row becomes current when the page arrives: Enter opens it
    });
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString& text) {
        if (text.isEmpty()) // the clear button
            refresh();
    });
    connect(m_searchDelay, &QTimer::timeout, this, &OrdersView::refresh);
    connect(m_table->verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        if (value == m_table->verticalScrollBar()->maximum())
            loadMore();
    });

    connect(&m_till, &service::PosService::ordersListed, this, &OrdersView::onOrdersListed);
    connect(&m_till, &service::PosService::orderChanged, this, &OrdersView::onOrderChanged);
    // Shown before the till finished opening: list again once it is open.
    connect(&m_till, &service::PosService::ready, this, [this] {
        if (m_loadedOnce)
            refresh();
    });

    setWindowTitle(tr("Orders"));
    setFocusProxy(m_table); // keyboard first: arrows move through the orders, Enter opens one
}

void OrdersView::setPageSize(int rows) {
    m_pageSize = qBound(1, rows, 1000);
}

void OrdersView::setDateRange(const QDate& from, const QDate& to) {
    m_settingDates = true;
    m_from->setDate(from);
    m_to->setDate(to);
    m_settingDates = false;
}

void OrdersView::onDatesChanged() {
    if (m_settingDates)
        return;
    m_followToday = false;
    refresh();
}

void OrdersView::showToday() {
    m_followToday = true;
    const QDate day = today();
    setDateRange(day, day);
    m_search->clear();
    refresh();
}

void OrdersView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (m_followToday && m_from->date() != today()) {
        showToday(); // the day changed while the list was hidden
        return;
    }
    if (!m_loadedOnce)
        refresh();
}

OrderFilter OrdersView::currentFilter() const {
    OrderFilter filter;
    const QString search = m_search->text().trimmed();
    if (isWholeOrderNumber(search)) {
        filter.fromMs = 0;
        filter.toMs = std::numeric_limits<qint64>::max();
    } else {
        filter.fromMs = china_calendar::dayStartMs(m_from->date());
        filter.toMs = china_calendar::dayEndMs(m_to->date());
    }
    const int state = m_state->currentData().toInt();
    if (state >= 0)
        filter.states = {static_cast<OrderState>(state)};
    const int channel = m_channel->currentData().toInt();
    if (channel >= 0)
        filter.channel = static_cast<Channel>(channel);
    filter.search = search;
    filter.limit = m_pageSize;
    return filter;
}

bool OrdersView::matches(const Order& order) const {
    const OrderFilter filter = currentFilter();
    if (order.createdAtMs < filter.fromMs || order.createdAtMs >= filter.toMs)
        return false;
    if (!filter.states.isEmpty() && !filter.states.contains(order.state))
        return false;
    if (filter.channel && *filter.channel != order.channel)
        return false;
    if (!filter.search.isEmpty()) {
        if (isWholeOrderNumber(filter.search))
            return order.outTradeNo == filter.search || order.providerTradeNo == filter.search;
        return order.outTradeNo.contains(filter.search, Qt::CaseInsensitive);
    }
    return true;
}

void OrdersView::refresh() {
    m_loadedOnce = true;
    m_searchDelay->stop();
    m_model->clear();
    m_next.reset();
    m_error.clear();
    m_requestId = newRequestId();
    m_till.listOrders(m_requestId, currentFilter());
    updateStatus();
}

void OrdersView::loadMore() {
    if (!m_requestId.isEmpty() || !m_next)
        return;
    OrderFilter filter = currentFilter();
    filter.after = m_next;
    m_requestId = newRequestId();
    m_till.listOrders(m_requestId, filter);
    updateStatus();
}

void OrdersView::onOrdersListed(const QString& requestId, const service::OrderListReply& reply) {
    if (m_requestId.isEmpty() || requestId != m_requestId)
        return; // another screen's request, or one the filters have overtaken
    m_requestId.clear();
    if (!reply.error.isEmpty()) {
        m_error = reply.error;
        updateStatus();
        return;
    }
    const bool first = m_model->rowCount() == 0;
    m_model->append(reply.page.orders);
    m_next = reply.page.next;
    if (first)
        fitColumns();
    if (first && m_model->rowCount() > 0 && !m_table->currentIndex().isValid())
        m_table->setCurrentIndex(m_model->index(0, 0));
    updateStatus();
}

void OrdersView::onOrderChanged(const Order& order) {
    if (!matches(order)) {
        m_model->remove(order.outTradeNo);
        updateStatus();
        return;
    }
    if (m_model->rowOf(order.outTradeNo) < 0 && m_next && m_model->rowCount() > 0) {
        // Older than every row shown while more pages follow: its page will bring it.
        const Order& last = m_model->orderAt(m_model->rowCount() - 1);
        if (order.createdAtMs < last.createdAtMs)
            return;
    }
    const bool wasEmpty = m_model->rowCount() == 0;
    m_model->upsert(order);
    if (wasEmpty)
        fitColumns();
    updateStatus();
}

void OrdersView::fitColumns() {
    for (int column = 0; column < OrdersModel::StateColumn; ++column)
        m_table->resizeColumnToContents(column);
}

void OrdersView::updateStatus() {
    m_loadMore->setEnabled(m_next.has_value() && m_requestId.isEmpty());
    m_details->setEnabled(m_model->rowCount() > 0);
    if (!m_error.isEmpty()) {
        m_status->setText(tr("The orders could not be loaded: %1").arg(m_error));
        return;
    }
    QString text;
    if (!m_requestId.isEmpty())
        text = tr("Loading…");
    else if (m_model->rowCount() == 0)
        text = tr("No orders match.");
    else if (m_next)
        text = tr("%n order(s) shown; more are available.", "", m_model->rowCount());
    else
        text = tr("%n order(s).", "", m_model->rowCount());
    if (isWholeOrderNumber(m_search->text().trimmed()))
        text += QLatin1Char(' ') + tr("(Order number searched on all dates.)");
    m_status->setText(text);
}

void OrdersView::openCurrent() {
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid())
        return;
    openOrder(m_model->orderAt(current.row()).outTradeNo);
}

void OrdersView::openOrder(const QString& outTradeNo) {
    auto* dialog = new OrderDetailDialog(m_till, outTradeNo, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

} // namespace qpos::ui
