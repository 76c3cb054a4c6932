#include "ui/till/CashTenderDialog.h"

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

CashTenderDialog::CashTenderDialog(money::Fen amountFen, QWidget* parent)
    : QDialog(parent)
    , m_amountFen(amountFen) {
    setWindowTitle(tr("Cash"));
    setModal(true);
    setMinimumWidth(480);
    auto* layout = new QVBoxLayout(this);

    auto* due = new QLabel(tr("To pay: %1").arg(yuanText(amountFen)), this);
    due->setObjectName(QStringLiteral("cashDue"));
    till_style::setPointSize(due, till_style::kAmountPt, true);
    layout->addWidget(due);

    auto* form = new QFormLayout;
    m_tendered = new QLineEdit(this);
    m_tendered->setObjectName(QStringLiteral("cashTendered"));
    m_tendered->setInputMethodHints(Qt::ImhFormattedNumbersOnly);
    m_tendered->setMaxLength(12);
    till_style::setPointSize(m_tendered, till_style::kAmountPt);
    form->addRow(tr("Cash &received (yuan):"), m_tendered);
    layout->addLayout(form);

    m_change = new QLabel(this);
    m_change->setObjectName(QStringLiteral("cashChange"));
    m_change->setAlignment(Qt::AlignCenter);
    till_style::setPointSize(m_change, till_style::kAmountPt + 8, true);
    layout->addWidget(m_change);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("cashMessage"));
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("color:#b00020;"));
    layout->addWidget(m_message);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Take cash  (Enter)"));
    buttons->button(QDialogButtonBox::Cancel)->setText(tr("Cancel  (Esc)"));
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &CashTenderDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_tendered, &QLineEdit::textEdited, this, &CashTenderDialog::showChange);

    // The exact amount is the common case: Enter takes it as it is, typing replaces it.
    m_tendered->setText(money::formatYuan(amountFen));
    m_tendered->selectAll();
    m_tendered->setFocus();
    showChange();
}

QString CashTenderDialog::changeText() const {
    return m_change->text();
}

QString CashTenderDialog::messageText() const {
    return m_message->text();
}

void CashTenderDialog::showChange() {
    m_message->clear();
    const Result<money::Fen> tendered =
        money::parseYuan(m_tendered->text().trimmed(), money::Sign::Positive);
    if (!tendered || *tendered < m_amountFen) {
        m_change->setText(tr("Change: —"));
        return;
    }
    m_change->setText(tr("Change: %1").arg(yuanText(*tendered - m_amountFen)));
}

void CashTenderDialog::accept() {
    const Result<money::Fen> tendered =
        money::parseYuan(m_tendered->text().trimmed(), money::Sign::Positive, tr("cash received"));
    if (!tendered) {
        setTextAndFit(m_message, tendered.error().message);
        m_tendered->setFocus();
        return;
    }
    if (*tendered < m_amountFen) {
        setTextAndFit(m_message, tr("%1 is less than the %2 to pay. Take at least %2, or press Esc "
                                    "and let the customer pay another way.")
                                     .arg(yuanText(*tendered), yuanText(m_amountFen)));
        m_tendered->setFocus();
        m_tendered->selectAll();
        return;
    }
    m_tenderedFen = *tendered;
    QDialog::accept();
}

} // namespace qpos::ui
