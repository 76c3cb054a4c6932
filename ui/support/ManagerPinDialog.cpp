#include "ui/support/ManagerPinDialog.h"

#include "ui/support/RequestIds.h"
#include "ui/support/WindowFit.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QRegularExpressionValidator>
#include <QVBoxLayout>

namespace qpos::ui {

ManagerPinDialog::ManagerPinDialog(service::PosService& till, const QString& why, QWidget* parent)
    : QDialog(parent)
    , m_till(till) {
    setWindowTitle(tr("Manager approval"));
    setModal(true);

    auto* layout = new QVBoxLayout(this);
    auto* reason = new QLabel(why, this);
    reason->setObjectName(QStringLiteral("approvalReason"));
    reason->setWordWrap(true);
    layout->addWidget(reason);

    auto* form = new QFormLayout;
    m_pin = new QLineEdit(this);
    m_pin->setObjectName(QStringLiteral("managerPin"));
    m_pin->setEchoMode(QLineEdit::Password);
    m_pin->setInputMethodHints(Qt::ImhDigitsOnly | Qt::ImhSensitiveData | Qt::ImhNoPredictiveText);
    m_pin->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[0-9]{0,12}")), m_pin));
    QFont big = m_pin->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    m_pin->setFont(big);
    form->addRow(tr("Manager &PIN:"), m_pin);
    layout->addLayout(form);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("pinMessage"));
    m_message->setWordWrap(true);
    layout->addWidget(m_message);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Approve"));
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ManagerPinDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ManagerPinDialog::reject);

    connect(&m_till, &service::PosService::staffVerified, this, &ManagerPinDialog::onStaffVerified);
    m_pin->setFocus();
}

std::optional<StaffMember> ManagerPinDialog::ask(service::PosService& till, const QString& why,
                                                 QWidget* parent) {
    ManagerPinDialog dialog(till, why, parent);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    return dialog.approver();
}

void ManagerPinDialog::accept() {
    if (m_approver) {
        QDialog::accept();
        return;
    }
    if (!m_requestId.isEmpty())
        return; // a check is running; its answer decides
    const QString pin = m_pin->text();
    if (pin.size() < 4) {
        setTextAndFit(m_message, tr("Enter the manager's PIN (4 to 12 digits)."));
        m_pin->setFocus();
        return;
    }
    m_pin->clear(); // the PIN does not stay in the widget while it is checked
    m_requestId = newRequestId();
    setChecking(true);
    m_till.verifyManagerPin(m_requestId, pin);
}

void ManagerPinDialog::reject() {
    m_requestId.clear(); // a late answer is ignored
    m_pin->clear();
    QDialog::reject();
}

void ManagerPinDialog::onStaffVerified(const QString& requestId, const service::StaffReply& reply) {
    if (m_requestId.isEmpty() || requestId != m_requestId)
        return;
    m_requestId.clear();
    setChecking(false);
    if (reply.error.isEmpty() && reply.member.canApprove()) {
        m_approver = reply.member;
        QDialog::accept();
        return;
    }
    // The store's message says what happened (wrong PIN, locked for a while, no manager set
    // up); a member who is not a manager is refused here even if the store let it through.
    QString message = reply.error;
    if (message.isEmpty())
        message = tr("This PIN is not a manager's. A manager must approve this.");
    else if (reply.errorCode != QLatin1String("staff.wrong_pin") &&
             reply.errorCode != QLatin1String("staff.locked") &&
             reply.errorCode != QLatin1String("staff.not_manager") &&
             reply.errorCode != QLatin1String("staff.no_manager"))
        message = tr("The PIN could not be checked: %1").arg(reply.error);
    setTextAndFit(m_message, message);
    m_pin->setFocus();
}

void ManagerPinDialog::setChecking(bool checking) {
    m_pin->setEnabled(!checking);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!checking);
    if (checking)
        m_message->setText(tr("Checking…"));
}

} // namespace qpos::ui
