#include "ui/till/LoginPanel.h"

#include "ui/till/TillStyle.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QRegularExpressionValidator>
#include <QVBoxLayout>

#include <algorithm>

namespace qpos::ui {

LoginPanel::LoginPanel(bool sandbox, QWidget* parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("loginPanel"));
    auto* outer = new QHBoxLayout(this);
    outer->addStretch(1);
    auto* column = new QVBoxLayout;
    column->setSpacing(10);
    outer->addLayout(column, 4);
    outer->addStretch(1);

    m_title = new QLabel(tr("Log in to sell"), this);
    till_style::setPointSize(m_title, till_style::kHeadlinePt, true);
    column->addWidget(m_title);

    m_noStaff = new QLabel(
        tr("No staff is set up on this till yet, so nobody can log in. IT: add a cashier and a "
           "manager with \"qposctl staff add --id ID --name NAME --role cashier|manager\", then "
           "restart qpos."),
        this);
    m_noStaff->setObjectName(QStringLiteral("noStaffMessage"));
    m_noStaff->setWordWrap(true);
    m_noStaff->setTextInteractionFlags(Qt::TextSelectableByMouse);
    till_style::setPointSize(m_noStaff, till_style::kStatusPt);
    m_noStaff->hide();
    column->addWidget(m_noStaff);

    m_form = new QWidget(this);
    auto* form = new QVBoxLayout(m_form);
    form->setContentsMargins(0, 0, 0, 0);
    auto* who = new QLabel(tr("&Who are you?"), m_form);
    till_style::setPointSize(who, till_style::kBodyPt);
    form->addWidget(who);
    m_list = new QListWidget(m_form);
    m_list->setObjectName(QStringLiteral("staffList"));
    till_style::setPointSize(m_list, till_style::kButtonPt);
    m_list->setMinimumHeight(160);
    who->setBuddy(m_list);
    form->addWidget(m_list, 1);

    auto* pinLabel = new QLabel(tr("&PIN"), m_form);
    till_style::setPointSize(pinLabel, till_style::kBodyPt);
    form->addWidget(pinLabel);
    auto* pinRow = new QHBoxLayout;
    m_pin = new QLineEdit(m_form);
    m_pin->setObjectName(QStringLiteral("pinEdit"));
    m_pin->setEchoMode(QLineEdit::Password);
    m_pin->setInputMethodHints(Qt::ImhDigitsOnly | Qt::ImhSensitiveData | Qt::ImhNoPredictiveText);
    m_pin->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[0-9]{0,12}")), m_pin));
    till_style::setPointSize(m_pin, till_style::kHeadlinePt);
    m_pin->installEventFilter(this);
    pinLabel->setBuddy(m_pin);
    pinRow->addWidget(m_pin, 1);
    m_login = new QPushButton(tr("Log in"), m_form);
    m_login->setObjectName(QStringLiteral("loginButton"));
    m_login->setAutoDefault(false);
    m_login->setMinimumHeight(52);
    till_style::setPointSize(m_login, till_style::kButtonPt, true);
    pinRow->addWidget(m_login);
    form->addLayout(pinRow);
    column->addWidget(m_form, 1);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("loginMessage"));
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("color:#b00020;"));
    till_style::setPointSize(m_message, till_style::kStatusPt, true);
    column->addWidget(m_message);

    if (sandbox) {
        auto* hint = new QLabel(tr("Demo shop: log in as cashier 1001 with PIN 1234, or as "
                                   "manager 9001 with PIN 9999."),
                                this);
        hint->setObjectName(QStringLiteral("sandboxLoginHint"));
        hint->setWordWrap(true);
        till_style::setPointSize(hint, till_style::kBodyPt + 1);
        column->addWidget(hint);
    }
    column->addStretch(1);

    connect(m_pin, &QLineEdit::returnPressed, this, &LoginPanel::submit);
    connect(m_login, &QPushButton::clicked, this, &LoginPanel::submit);
    connect(m_list, &QListWidget::itemActivated, this, [this] { m_pin->setFocus(); });
    connect(m_list, &QListWidget::itemClicked, this, [this] { m_pin->setFocus(); });
    setFocusProxy(m_pin);
    m_form->setEnabled(false); // until the staff list arrives
}

void LoginPanel::setStaff(const QList<StaffMember>& staff) {
    const QString selected = selectedStaffId();
    m_staff = staff;
    m_list->clear();
    for (const StaffMember& member : staff) {
        auto* item = new QListWidgetItem(
            tr("%1  (%2) · %3").arg(member.name, member.id, staffRoleLabel(member.role)), m_list);
        item->setData(Qt::UserRole, member.id);
    }
    m_noStaff->setVisible(staff.isEmpty());
    m_form->setEnabled(!staff.isEmpty() && !m_busy);
    if (!selected.isEmpty())
        selectStaff(selected);
    if (m_list->currentRow() < 0 && m_list->count() > 0)
        m_list->setCurrentRow(0);
}

QString LoginPanel::selectedStaffId() const {
    const QListWidgetItem* item = m_list->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

void LoginPanel::selectStaff(const QString& staffId) {
    for (int row = 0; row < m_list->count(); ++row) {
        if (m_list->item(row)->data(Qt::UserRole).toString() == staffId) {
            m_list->setCurrentRow(row);
            return;
        }
    }
}

void LoginPanel::setBusy(bool busy) {
    m_busy = busy;
    m_form->setEnabled(!busy && hasStaff());
    if (busy) {
        m_message->setStyleSheet(QString());
        m_message->setText(tr("Checking the PIN…"));
    } else {
        m_pin->setFocus();
    }
}

void LoginPanel::showError(const QString& text) {
    m_message->setStyleSheet(QStringLiteral("color:#b00020;"));
    m_message->setText(text);
}

QString LoginPanel::message() const {
    return m_message->text();
}

void LoginPanel::reset() {
    m_pin->clear();
    m_message->clear();
    m_pin->setFocus();
}

void LoginPanel::submit() {
    if (m_busy || !hasStaff())
        return;
    const QString staffId = selectedStaffId();
    if (staffId.isEmpty()) {
        showError(tr("Choose your name first."));
        m_list->setFocus();
        return;
    }
    const QString pin = m_pin->text();
    m_pin->clear(); // the PIN does not stay on screen while it is checked
    if (pin.size() < 4) {
        showError(tr("Type your PIN (4 to 12 digits)."));
        m_pin->setFocus();
        return;
    }
    emit loginRequested(staffId, pin);
}

bool LoginPanel::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_pin && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent*>(event)->key();
        if ((key == Qt::Key_Up || key == Qt::Key_Down) && m_list->count() > 0) {
            const int row = std::clamp(m_list->currentRow() + (key == Qt::Key_Up ? -1 : 1), 0,
                                       m_list->count() - 1);
            m_list->setCurrentRow(row);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace qpos::ui
