#include "ui/till/ShiftCountDialog.h"

#include "ui/support/RequestIds.h"
#include "ui/support/WindowFit.h"
#include "ui/support/YuanText.h"
#include "ui/till/TillStyle.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace qpos::ui {

namespace {
constexpr int kMaxReasonLength = 200;
} // namespace

ShiftCountDialog::ShiftCountDialog(service::PosService& till, qint64 shiftId, QString cashierId,
                                   QWidget* parent)
    : QDialog(parent)
    , m_till(till)
    , m_shiftId(shiftId)
    , m_cashierId(std::move(cashierId)) {
    setWindowTitle(tr("End of shift %1: count the cash").arg(shiftId));
    setModal(true);
    setMinimumWidth(560);
    auto* layout = new QVBoxLayout(this);

    m_figures = new QLabel(tr("Reading the shift's figures…"), this);
    m_figures->setObjectName(QStringLiteral("shiftCashFigures"));
    m_figures->setWordWrap(true);
    till_style::setPointSize(m_figures, till_style::kBodyPt + 1);
    layout->addWidget(m_figures);
    m_expected = new QLabel(this);
    m_expected->setObjectName(QStringLiteral("shiftCashExpected"));
    till_style::setPointSize(m_expected, till_style::kButtonPt + 4, true);
    layout->addWidget(m_expected);

    auto* form = new QFormLayout;
    m_counted = new QLineEdit(this);
    m_counted->setObjectName(QStringLiteral("shiftCashCounted"));
    m_counted->setInputMethodHints(Qt::ImhFormattedNumbersOnly);
    m_counted->setMaxLength(12);
    till_style::setPointSize(m_counted, till_style::kButtonPt + 4);
    form->addRow(tr("Cash &counted (yuan):"), m_counted);
    m_reason = new QLineEdit(this);
    m_reason->setObjectName(QStringLiteral("shiftCashReason"));
    m_reason->setMaxLength(kMaxReasonLength);
    m_reason->setPlaceholderText(tr("Needed when the count differs, e.g. wrong change given"));
    form->addRow(tr("&Why it differs:"), m_reason);
    layout->addLayout(form);

    m_difference = new QLabel(this);
    m_difference->setObjectName(QStringLiteral("shiftCashDifference"));
    till_style::setPointSize(m_difference, till_style::kButtonPt + 4, true);
    layout->addWidget(m_difference);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("shiftCashMessage"));
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("color:#b00020;"));
    layout->addWidget(m_message);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_confirm = buttons->addButton(tr("End the shift  (Enter)"), QDialogButtonBox::AcceptRole);
    m_confirm->setObjectName(QStringLiteral("endShiftConfirm"));
    m_confirm->setDefault(true);
    m_confirm->setEnabled(false); // until the expected cash is known
    buttons->button(QDialogButtonBox::Cancel)->setText(tr("Keep the shift open  (Esc)"));
    layout->addWidget(buttons);
    connect(m_confirm, &QPushButton::clicked, this, &ShiftCountDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_counted, &QLineEdit::textEdited, this, &ShiftCountDialog::showDifference);
    connect(&m_till, &service::PosService::salesReportLoaded, this, &ShiftCountDialog::onReport);
    connect(&m_till, &service::PosService::shiftChanged, this, &ShiftCountDialog::onShiftChanged);

    m_counted->setFocus();
    m_reportRequestId = newRequestId();
    m_till.loadSalesReport(m_reportRequestId, reports::ReportScope{0, 0, m_shiftId});
}

QString ShiftCountDialog::expectedText() const {
    return m_expected->text();
}

QString ShiftCountDialog::differenceText() const {
    return m_difference->text();
}

QString ShiftCountDialog::messageText() const {
    return m_message->text();
}

void ShiftCountDialog::onReport(const QString& requestId, const service::SalesReportReply& reply) {
    if (requestId != m_reportRequestId)
        return;
    m_reportRequestId.clear();
    if (!reply.error.isEmpty()) {
        m_figures->setText(reply.error);
        return;
    }
    m_cash = reply.report.cash;
    m_figures->setText(tr("Opening float %1 + cash sales %2 − cash refunds %3")
                           .arg(yuanText(m_cash->openingFloatFen), yuanText(m_cash->salesFen),
                                yuanText(m_cash->refundsFen)));
    m_expected->setText(tr("Expected in the drawer: %1").arg(yuanText(m_cash->expectedFen)));
    m_confirm->setEnabled(true);
    showDifference();
    growToFit(this);
}

std::optional<money::Fen> ShiftCountDialog::typedCount() const {
    const Result<money::Fen> fen =
        money::parseYuan(m_counted->text().trimmed(), money::Sign::NonNegative);
    return fen ? std::optional<money::Fen>(*fen) : std::nullopt;
}

void ShiftCountDialog::showDifference() {
    m_message->clear();
    const std::optional<money::Fen> counted = typedCount();
    if (!m_cash || !counted) {
        m_difference->setText(tr("Difference: —"));
        return;
    }
    const money::Fen difference = *counted - m_cash->expectedFen;
    if (difference == 0)
        m_difference->setText(tr("Difference: none"));
    else
        m_difference->setText(tr("Difference: %1 %2")
                                  .arg(difference > 0 ? tr("over") : tr("short"),
                                       yuanText(difference > 0 ? difference : -difference)));
    m_difference->setStyleSheet(difference == 0 ? QString() : QStringLiteral("color:#b00020;"));
}

void ShiftCountDialog::accept() {
    if (!m_cash || !m_closeRequestId.isEmpty())
        return;
    const Result<money::Fen> counted =
        money::parseYuan(m_counted->text().trimmed(), money::Sign::NonNegative, tr("counted cash"));
    if (!counted) {
        setTextAndFit(m_message, counted.error().message);
        m_counted->setFocus();
        return;
    }
    const QString reason = m_reason->text().trimmed();
    if (*counted != m_cash->expectedFen && reason.isEmpty()) {
        setTextAndFit(m_message,
                      tr("The count differs from what the till expected. Count again, or "
                         "write why it differs, then end the shift."));
        m_reason->setFocus();
        return;
    }
    m_confirm->setEnabled(false);
    m_closeRequestId = newRequestId();
    m_till.closeShift(m_closeRequestId, m_shiftId, m_cashierId,
                      reports::CashCount{*counted, reason});
}

void ShiftCountDialog::onShiftChanged(const QString& requestId, const service::ShiftReply& reply) {
    if (m_closeRequestId.isEmpty() || requestId != m_closeRequestId)
        return;
    m_closeRequestId.clear();
    m_confirm->setEnabled(true);
    if (!reply.error.isEmpty()) {
        setTextAndFit(m_message, reply.error);
        return;
    }
    QDialog::accept();
}

} // namespace qpos::ui
