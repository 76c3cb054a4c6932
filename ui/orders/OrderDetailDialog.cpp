#include "ui/orders/OrderDetailDialog.h"

#include "core/calendar/LocalTimeText.h"
#include "core/checkout/RefundRuns.h"
#include "core/printing/SaleReceipt.h"
#include "ui/orders/OrderLabels.h"
#include "ui/refund/RefundDialog.h"
#include "ui/support/RequestIds.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace qpos::ui {

namespace {

QLabel* valueLabel(const QString& name, QWidget* parent) {
    auto* label = new QLabel(parent);
    label->setObjectName(name);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    return label;
}

QTableWidgetItem* cell(const QString& text, bool number = false) {
    auto* item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    if (number)
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QTableWidget* table(const QString& name, const QStringList& headers, QWidget* parent) {
    auto* t = new QTableWidget(0, int(headers.size()), parent);
    t->setObjectName(name);
    t->setHorizontalHeaderLabels(headers);
    t->verticalHeader()->hide();
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->setTabKeyNavigation(false);
    t->horizontalHeader()->setStretchLastSection(true);
    t->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    return t;
}

bool canRefund(OrderState state) {
    return state == OrderState::Paid || state == OrderState::PartiallyRefunded;
}

} // namespace

OrderDetailDialog::OrderDetailDialog(service::PosService& till, const QString& outTradeNo,
                                     QWidget* parent)
    : QDialog(parent)
    , m_till(till)
    , m_outTradeNo(outTradeNo) {
    setWindowTitle(tr("Order %1").arg(outTradeNo));
    resize(820, 640);
    auto* layout = new QVBoxLayout(this);

    m_message = new QLabel(tr("Loading…"), this);
    m_message->setObjectName(QStringLiteral("detailMessage"));
    m_message->setWordWrap(true);
    layout->addWidget(m_message);

    auto* form = new QFormLayout;
    m_number = valueLabel(QStringLiteral("detailNumber"), this);
    m_state = valueLabel(QStringLiteral("detailState"), this);
    QFont strong = m_state->font();
    strong.setBold(true);
    m_state->setFont(strong);
    m_channel = valueLabel(QStringLiteral("detailChannel"), this);
    m_amount = valueLabel(QStringLiteral("detailAmount"), this);
    m_refunded = valueLabel(QStringLiteral("detailRefunded"), this);
    m_subject = valueLabel(QStringLiteral("detailSubject"), this);
    m_providerTradeNo = valueLabel(QStringLiteral("detailProviderTradeNo"), this);
    m_shop = valueLabel(QStringLiteral("detailShop"), this);
    m_cashier = valueLabel(QStringLiteral("detailCashier"), this);
    m_created = valueLabel(QStringLiteral("detailCreated"), this);
    m_paid = valueLabel(QStringLiteral("detailPaid"), this);
    form->addRow(tr("Order number:"), m_number);
    form->addRow(tr("State:"), m_state);
    form->addRow(tr("Channel:"), m_channel);
    form->addRow(tr("Amount:"), m_amount);
    form->addRow(tr("Refunded:"), m_refunded);
    m_refundNotice = new QLabel(this);
    m_refundNotice->setObjectName(QStringLiteral("detailRefundNotice"));
    m_refundNotice->setWordWrap(true);
    m_refundNotice->setVisible(false);
    form->addRow(m_refundNotice);
    form->addRow(tr("Subject:"), m_subject);
    form->addRow(tr("Provider's trade number:"), m_providerTradeNo);
    form->addRow(tr("Store / terminal:"), m_shop);
    form->addRow(tr("Cashier:"), m_cashier);
    form->addRow(tr("Created:"), m_created);
    form->addRow(tr("Paid:"), m_paid);
    layout->addLayout(form);

    m_itemsLabel = new QLabel(tr("Items"), this);
    layout->addWidget(m_itemsLabel);
    m_items = table(QStringLiteral("itemsTable"),
                    {tr("Item"), tr("Quantity"), tr("Unit price"), tr("Line total")}, this);
    m_items->setMaximumHeight(140);
    layout->addWidget(m_items);

    layout->addWidget(new QLabel(tr("History"), this));
    auto* splitter = new QSplitter(Qt::Vertical, this);
    m_events =
        table(QStringLiteral("eventsTable"),
              {tr("Time"), tr("Change"), tr("Source"), tr("By"), tr("Refunded total"), tr("Note")},
              splitter);
    m_providerFields = new QPlainTextEdit(splitter);
    m_providerFields->setObjectName(QStringLiteral("providerFields"));
    m_providerFields->setReadOnly(true);
    m_providerFields->setPlaceholderText(
        tr("Select a change above to see the provider's fields that decided it."));
    splitter->addWidget(m_events);
    splitter->addWidget(m_providerFields);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_refund = buttons->addButton(tr("&Refund…"), QDialogButtonBox::ActionRole);
    m_refund->setObjectName(QStringLiteral("refundButton"));
    m_refund->setAutoDefault(false);
    m_print = buttons->addButton(tr("&Print receipt"), QDialogButtonBox::ActionRole);
    m_print->setObjectName(QStringLiteral("printReceiptButton"));
    m_print->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    m_print->setToolTip(tr("Reprint the customer's receipt on the receipt printer (Ctrl+P)"));
    m_print->setAutoDefault(false);
    // Hidden after both are added: adding a button lays the box out again and shows the
    // others, and neither may show before the order is loaded.
    m_refund->setVisible(false);
    m_print->setVisible(false);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_print, &QPushButton::clicked, this, &OrderDetailDialog::printReceipt);
    connect(&m_till, &service::PosService::printFinished, this,
            &OrderDetailDialog::onPrintFinished);
    connect(m_refund, &QPushButton::clicked, this, &OrderDetailDialog::startRefund);
    connect(m_events, &QTableWidget::itemSelectionChanged, this,
            &OrderDetailDialog::showProviderFields);

    connect(&m_till, &service::PosService::orderLoaded, this, &OrderDetailDialog::onOrderLoaded);
    connect(&m_till, &service::PosService::orderChanged, this, [this](const Order& order) {
        if (order.outTradeNo == m_outTradeNo)
            reload();
    });
    reload();
}

void OrderDetailDialog::reload() {
    m_requestId = newRequestId();
    m_till.loadOrder(m_requestId, m_outTradeNo);
}

void OrderDetailDialog::onOrderLoaded(const QString& requestId, const service::OrderReply& reply) {
    if (m_requestId.isEmpty() || requestId != m_requestId)
        return;
    m_requestId.clear();
    if (!reply.error.isEmpty()) {
        m_message->setText(tr("The order could not be loaded: %1").arg(reply.error));
        m_message->setVisible(true);
        return;
    }
    showOrder(reply.order);
    showRefunds(reply.order.order, reply.refunds);
}

void OrderDetailDialog::showRefunds(const Order& order, const QList<RefundRecord>& refunds) {
    QStringList lines;
    for (const RefundRecord& r : refunds) {
        const QString amount = money::formatYuan(r.amountFen);
        switch (r.state) {
        case RefundRecordState::HeldByProvider:
            lines << checkout::heldRefundMessage(r.outRequestNo, r.amountFen,
                                                 channelLabel(order.channel));
            break;
        case RefundRecordState::Requested:
            lines << tr("Refund %1 of %2 yuan is being confirmed with %3.")
                         .arg(r.outRequestNo, amount, channelLabel(order.channel));
            break;
        case RefundRecordState::Failed:
            lines << tr("Refund %1 of %2 yuan failed; no money went back to the customer.")
                         .arg(r.outRequestNo, amount);
            break;
        case RefundRecordState::Succeeded:
            break;
        }
    }
    m_refundNotice->setText(lines.join(u'\n'));
    m_refundNotice->setVisible(!lines.isEmpty());
    // An open refund's amount is not refundable again while it is open.
    money::Fen open = 0;
    for (const RefundRecord& r : refunds)
        if (isOpenRefund(r.state))
            open += r.amountFen;
    if (order.refundedFen + open >= order.amountFen) {
        m_refund->setVisible(false);
        m_refund->setEnabled(false);
    }
}

void OrderDetailDialog::showOrder(const OrderWithEvents& loaded) {
    m_order = loaded;
    const Order& o = loaded.order;
    m_message->clear();
    m_message->setVisible(false);
    m_number->setText(o.outTradeNo);
    m_state->setText(orderStateLabel(o.state));
    m_channel->setText(tr("%1 (%2)").arg(channelLabel(o.channel), paymentFlowLabel(o.flow)));
    m_amount->setText(tr("%1 yuan").arg(money::formatYuan(o.amountFen)));
    m_refunded->setText(o.refundedFen > 0 ? tr("%1 yuan").arg(money::formatYuan(o.refundedFen))
                                          : tr("none"));
    m_subject->setText(o.subject);
    m_providerTradeNo->setText(o.providerTradeNo.isEmpty() ? tr("not known yet")
                                                           : o.providerTradeNo);
    m_shop->setText(tr("%1 / %2").arg(o.storeId, o.terminalId));
    m_cashier->setText(o.cashierId);
    m_created->setText(localTimeText(o.createdAtMs));
    m_paid->setText(o.paidAtMs ? localTimeText(*o.paidAtMs) : tr("not paid"));

    m_items->setRowCount(0);
    for (const OrderItem& item : o.items) {
        const int row = m_items->rowCount();
        m_items->insertRow(row);
        m_items->setItem(row, 0, cell(item.name));
        m_items->setItem(row, 1, cell(QString::number(item.quantity), true));
        m_items->setItem(row, 2, cell(money::formatYuan(item.unitPriceFen), true));
        m_items->setItem(row, 3, cell(money::formatYuan(item.lineTotalFen()), true));
    }
    m_itemsLabel->setVisible(!o.items.isEmpty());
    m_items->setVisible(!o.items.isEmpty());

    const int selected = m_events->currentRow();
    m_events->setRowCount(0);
    for (const OrderEvent& event : loaded.events) {
        const int row = m_events->rowCount();
        m_events->insertRow(row);
        const QString change = event.oldState ? tr("%1 → %2").arg(orderStateLabel(*event.oldState),
                                                                  orderStateLabel(event.newState))
                                              : tr("→ %1").arg(orderStateLabel(event.newState));
        m_events->setItem(row, 0, cell(localTimeText(event.atMs)));
        m_events->setItem(row, 1, cell(change));
        m_events->setItem(row, 2, cell(transitionSourceLabel(event.source)));
        m_events->setItem(row, 3, cell(event.actor));
        m_events->setItem(
            row, 4,
            cell(event.refundedFen > 0 ? money::formatYuan(event.refundedFen) : QString(), true));
        m_events->setItem(row, 5, cell(event.note));
    }
    if (selected >= 0 && selected < m_events->rowCount())
        m_events->selectRow(selected);
    showProviderFields();

    const bool refundable = canRefund(o.state) && o.refundedFen < o.amountFen;
    m_refund->setVisible(refundable);
    m_print->setVisible(printing::receiptAllowed(o).ok());
    m_refund->setEnabled(refundable);
    emit orderShown(o);
}

void OrderDetailDialog::showProviderFields() {
    const int row = m_events->currentRow();
    if (!m_order || row < 0 || row >= m_order->events.size()) {
        m_providerFields->clear();
        return;
    }
    const QJsonObject& fields = m_order->events.at(row).providerFields;
    if (fields.isEmpty()) {
        m_providerFields->setPlainText(tr("No provider fields for this change."));
        return;
    }
    m_providerFields->setPlainText(
        QString::fromUtf8(QJsonDocument(fields).toJson(QJsonDocument::Indented)));
}

void OrderDetailDialog::startRefund() {
    if (!m_order || !canRefund(m_order->order.state))
        return;
    auto* dialog = new RefundDialog(m_till, m_order->order, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void OrderDetailDialog::printReceipt() {
    if (!m_order || !m_printRequestId.isEmpty() || !printing::receiptAllowed(m_order->order).ok())
        return;
    m_printRequestId = newRequestId();
    m_print->setEnabled(false);
    m_message->setText(tr("Printing the receipt…"));
    m_message->setVisible(true);
    m_till.printReceipt(m_printRequestId, m_outTradeNo);
}

void OrderDetailDialog::onPrintFinished(const QString& requestId,
                                        const service::PrintReply& reply) {
    if (m_printRequestId.isEmpty() || requestId != m_printRequestId)
        return;
    m_printRequestId.clear();
    m_print->setEnabled(true);
    m_message->setText(reply.error.isEmpty()
                           ? tr("The receipt was printed.")
                           : tr("The receipt was not printed: %1").arg(reply.error));
    m_message->setVisible(true);
}

} // namespace qpos::ui
