#include "ui/refund/RefundDialog.h"

#include "ui/support/ManagerPinDialog.h"
#include "ui/support/RequestIds.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace qpos::ui {

namespace {
// Alipay's refund_reason and WeChat's reason both take at most 80 characters safely.
constexpr int kMaxReasonLength = 80;
} // namespace

RefundDialog::RefundDialog(service::PosService& till, const Order& order, QWidget* parent)
    : QDialog(parent)
    , m_till(till)
    , m_order(order) {
    setWindowTitle(tr("Refund order %1").arg(order.outTradeNo));
    setMinimumWidth(560);
    auto* layout = new QVBoxLayout(this);

    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("refundSummary"));
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);

    auto* form = new QFormLayout;
    auto* amountRow = new QHBoxLayout;
    m_amount = new QLineEdit(this);
    m_amount->setObjectName(QStringLiteral("refundAmount"));
    m_amount->setInputMethodHints(Qt::ImhFormattedNumbersOnly);
    m_amount->setMaxLength(12);
    QFont big = m_amount->font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    m_amount->setFont(big);
    m_full = new QPushButton(tr("&Everything left"), this);
    m_full->setObjectName(QStringLiteral("refundAll"));
    m_full->setAutoDefault(false);
    amountRow->addWidget(m_amount, 1);
    amountRow->addWidget(m_full);
    form->addRow(tr("&Amount (yuan):"), amountRow);
    m_reason = new QLineEdit(this);
    m_reason->setObjectName(QStringLiteral("refundReason"));
    m_reason->setMaxLength(kMaxReasonLength);
    m_reason->setPlaceholderText(tr("e.g. goods returned"));
    form->addRow(tr("Rea&son:"), m_reason);
    layout->addLayout(form);
    if (auto* amountLabel = qobject_cast<QLabel*>(form->labelForField(amountRow)))
        amountLabel->setBuddy(m_amount);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("refundMessage"));
    m_message->setWordWrap(true);
    layout->addWidget(m_message);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 0); // busy: the provider's answer has no known duration
    m_progress->setTextVisible(false);
    m_progress->setVisible(false);
    layout->addWidget(m_progress);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_submit = m_buttons->addButton(tr("&Refund"), QDialogButtonBox::AcceptRole);
    m_submit->setObjectName(QStringLiteral("submitRefund"));
    m_submit->setDefault(true);
    layout->addWidget(m_buttons);

    connect(m_submit, &QPushButton::clicked, this, &RefundDialog::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_full, &QPushButton::clicked, this, [this] {
        m_amount->setText(money::formatYuan(leftFen()));
        m_amount->setFocus();
    });
    connect(&m_till, &service::PosService::refundFinished, this, &RefundDialog::onRefundFinished);
    connect(&m_till, &service::PosService::orderChanged, this, &RefundDialog::onOrderChanged);

    m_amount->setText(money::formatYuan(leftFen()));
    m_amount->selectAll();
    m_amount->setFocus();
    showSummary();
}

void RefundDialog::showSummary() {
    m_summary->setText(tr("Order %1 (%2): paid %3 yuan, refunded %4 yuan, %5 yuan left.")
                           .arg(m_order.outTradeNo, channelLabel(m_order.channel),
                                money::formatYuan(m_order.amountFen),
                                money::formatYuan(m_order.refundedFen),
                                money::formatYuan(leftFen())));
}

void RefundDialog::submit() {
    if (!m_requestId.isEmpty())
        return; // already on its way
    Result<money::Fen> amount =
        money::parseYuan(m_amount->text().trimmed(), money::Sign::Positive, tr("refund amount"));
    if (!amount) {
        showMessage(amount.error().message);
        m_amount->setFocus();
        return;
    }
    if (*amount > leftFen()) {
        showMessage(tr("At most %1 yuan can be refunded for this order.")
                        .arg(money::formatYuan(leftFen())));
        m_amount->setFocus();
        return;
    }

    // Cash leaves the drawer at once: it always takes a manager's PIN.
    const bool cash = m_order.channel == Channel::Cash;
    const QString why = cash ? tr("Approve a cash refund of %1 yuan from the drawer for order %2.")
                                   .arg(money::formatYuan(*amount), m_order.outTradeNo)
                             : tr("Approve a refund of %1 yuan for order %2.")
                                   .arg(money::formatYuan(*amount), m_order.outTradeNo);
    const std::optional<StaffMember> manager = ManagerPinDialog::ask(m_till, why, this);
    if (!manager) {
        showMessage(tr("Nothing was refunded: a manager did not approve."));
        return;
    }

    checkout::RefundCommand command;
    command.requestId = newRequestId();
    command.outTradeNo = m_order.outTradeNo;
    command.amountFen = *amount;
    command.reason = m_reason->text().trimmed();
    command.managerId = manager->id;
    m_requestId = command.requestId;
    m_report.reset();
    setSending(true);
    showMessage(cash ? tr("Recording the cash refund of %1 yuan…").arg(money::formatYuan(*amount))
                     : tr("Sending the refund of %1 yuan to %2…")
                           .arg(money::formatYuan(*amount), channelLabel(m_order.channel)));
    m_till.refund(command);
}

void RefundDialog::onRefundFinished(const checkout::RefundReport& report) {
    if (m_requestId.isEmpty() || report.requestId != m_requestId)
        return;
    m_requestId.clear();
    m_report = report;
    setSending(false);
    if (report.order)
        m_order = *report.order;
    showSummary();

    if (report.ok) {
        showMessage(report.drawerMessage.isEmpty()
                        ? tr("Refund done. %1").arg(report.message)
                        : tr("Refund done. %1\n%2").arg(report.message, report.drawerMessage));
        m_submit->setVisible(false);
    } else if (report.pending) {
        // WeChat Pay takes refunds in and pays them back a little later; a lost answer looks
        // the same. Either way the till keeps asking: nothing to do but not to refund again.
        m_pendingRefundedFen = m_order.refundedFen;
        showMessage(tr("Being confirmed: %1 has the refund request but has not confirmed "
                       "the refund yet. The till keeps checking and records it by "
                       "itself. Do not refund again. You can close this window.\n%2")
                        .arg(channelLabel(m_order.channel), report.message));
        m_submit->setVisible(false);
    } else {
        showMessage(tr("The refund was not made: %1").arg(report.message));
    }
    if (!m_submit->isVisible())
        m_buttons->button(QDialogButtonBox::Cancel)->setText(tr("Close"));
    emit refundReported(report);
}

void RefundDialog::onOrderChanged(const Order& order) {
    if (order.outTradeNo != m_order.outTradeNo)
        return;
    m_order = order;
    showSummary();
    // The refund that was being confirmed has settled.
    if (m_pendingRefundedFen && order.refundedFen > *m_pendingRefundedFen) {
        m_pendingRefundedFen.reset();
        showMessage(tr("Refund confirmed by %1: %2 yuan went back to the customer.")
                        .arg(channelLabel(order.channel), money::formatYuan(order.refundedFen)));
    }
}

void RefundDialog::showMessage(const QString& text) {
    m_message->setText(text);
    adjustSize(); // a long explanation gets the room it needs, never clipped
}

void RefundDialog::setSending(bool sending) {
    m_progress->setVisible(sending);
    m_amount->setEnabled(!sending);
    m_reason->setEnabled(!sending);
    m_full->setEnabled(!sending);
    m_submit->setEnabled(!sending);
}

} // namespace qpos::ui
