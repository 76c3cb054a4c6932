#pragma once

#include "core/staff/Staff.h"

#include <QList>
#include <QString>
#include <QWidget>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace qpos::ui {

// Who is at the till: the cashier picks their name (or moves with Up/Down from the PIN
// field) and types their PIN (masked); Enter logs in. The PIN is handed over once and not
// kept in the field while it is checked.
class LoginPanel : public QWidget {
    Q_OBJECT

public:
    explicit LoginPanel(bool sandbox, QWidget* parent = nullptr);

    // The staff to choose from (none until it is set); an empty list says that IT must add
    // staff first.
    void setStaff(const QList<StaffMember>& staff);
    bool hasStaff() const { return !m_staff.isEmpty(); }
    QString selectedStaffId() const;
    void selectStaff(const QString& staffId);

    // While the PIN is being checked.
    void setBusy(bool busy);
    void showError(const QString& text);
    QString message() const;
    // Back to an empty PIN and no message.
    void reset();
    QLineEdit* pinEdit() const { return m_pin; }

public slots:
    void submit();

signals:
    void loginRequested(const QString& staffId, const QString& pin);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QList<StaffMember> m_staff;
    bool m_busy = false;
    QLabel* m_title = nullptr;
    QListWidget* m_list = nullptr;
    QLineEdit* m_pin = nullptr;
    QPushButton* m_login = nullptr;
    QLabel* m_message = nullptr;
    QLabel* m_noStaff = nullptr;
    QWidget* m_form = nullptr;
};

} // namespace qpos::ui
