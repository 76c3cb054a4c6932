#include "ui/till/OpeningFloatDialog.h"

#include "ui/support/WindowFit.h"
#include "ui/till/TillStyle.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace qpos::ui {

OpeningFloatDialog::OpeningFloatDialog(QWidget* parent)
    : QDialog(parent) {
    setWindowTitle(tr("Opening cash float"));
    setModal(true);
    setMinimumWidth(440);
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Count the cash in the drawer before the first sale."), this);
    intro->setWordWrap(true);
    till_style::setPointSize(intro, till_style::kBodyPt + 1);
    layout->addWidget(intro);

    auto* form = new QFormLayout;
    m_float = new QLineEdit(this);
    m_float->setObjectName(QStringLiteral("openingFloat"));
    m_float->setInputMethodHints(Qt::ImhFormattedNumbersOnly);
    m_float->setMaxLength(12);
    till_style::setPointSize(m_float, till_style::kButtonPt + 4);
    form->addRow(tr("Cash in the &drawer (yuan):"), m_float);
    layout->addLayout(form);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("floatMessage"));
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("color:#b00020;"));
    layout->addWidget(m_message);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Start the shift  (Enter)"));
    buttons->button(QDialogButtonBox::Cancel)->setText(tr("Log out  (Esc)"));
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &OpeningFloatDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    m_float->setFocus();
}

QString OpeningFloatDialog::messageText() const {
    return m_message->text();
}

void OpeningFloatDialog::accept() {
    const Result<money::Fen> fen =
        money::parseYuan(m_float->text().trimmed(), money::Sign::NonNegative, tr("opening float"));
    if (!fen) {
        setTextAndFit(m_message, fen.error().message);
        m_float->setFocus();
        return;
    }
    m_floatFen = *fen;
    QDialog::accept();
}

} // namespace qpos::ui
