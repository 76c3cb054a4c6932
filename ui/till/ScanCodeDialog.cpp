#include "ui/till/ScanCodeDialog.h"

#include "ui/support/WindowFit.h"
#include "ui/till/TillStyle.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QRegularExpressionValidator>
#include <QVBoxLayout>

namespace qpos::ui {

ScanCodeDialog::ScanCodeDialog(money::Fen amountFen, routing::ChannelRouting routing,
                               QWidget* parent)
    : QDialog(parent)
    , m_amountFen(amountFen)
    , m_routing(std::move(routing)) {
    setWindowTitle(tr("Scan customer's code"));
    setModal(true);
    setMinimumWidth(560);

    auto* layout = new QVBoxLayout(this);
    auto* amount = new QLabel(tr("Charge %1 yuan").arg(money::formatYuan(amountFen)), this);
    amount->setObjectName(QStringLiteral("scanAmount"));
    till_style::setPointSize(amount, till_style::kHeadlinePt, true);
    layout->addWidget(amount);

    auto* hint = new QLabel(tr("Scan the payment code on the customer's phone now, or type the "
                               "digits under its barcode and press Enter."),
                            this);
    hint->setWordWrap(true);
    till_style::setPointSize(hint, till_style::kStatusPt);
    layout->addWidget(hint);

    m_code = new QLineEdit(this);
    m_code->setObjectName(QStringLiteral("paymentCodeEdit"));
    m_code->setEchoMode(QLineEdit::Password); // the code is the customer's money: not on screen
    m_code->setInputMethodHints(Qt::ImhDigitsOnly | Qt::ImhSensitiveData | Qt::ImhNoPredictiveText);
    m_code->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[0-9]{0,24}")), m_code));
    till_style::setPointSize(m_code, till_style::kHeadlinePt);
    layout->addWidget(m_code);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("scanMessage"));
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("color:#b00020;"));
    till_style::setPointSize(m_message, till_style::kBodyPt + 1, true);
    layout->addWidget(m_message);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Charge"));
    till_style::setPointSize(buttons, till_style::kButtonPt);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &ScanCodeDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ScanCodeDialog::reject);
    m_code->setFocus();
}

ScanCodeDialog::~ScanCodeDialog() {
    m_taken.fill(u'0');
}

QString ScanCodeDialog::takeCode() {
    QString code = m_taken;
    m_taken.fill(u'0');
    m_taken.clear();
    return code;
}

void ScanCodeDialog::accept() {
    const QString code = m_code->text();
    m_code->clear();
    const Result<Channel> channel = m_routing.routeCode(code, m_amountFen);
    if (!channel) {
        setTextAndFit(m_message, channel.error().message);
        m_code->setFocus();
        return;
    }
    m_channel = *channel;
    m_taken = code;
    QDialog::accept();
}

} // namespace qpos::ui
