#pragma once

#include "core/service/PosService.h"
#include "core/staff/Staff.h"

#include <QDialog>
#include <QString>

#include <optional>

class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace qpos::ui {

// Asks for a manager's PIN before a manager action (refund, settings, reports). The PIN is
// checked by the till's worker (PosService::verifyManagerPin), never on the GUI thread; a
// wrong PIN, a locked id or a PIN that is not a manager's keeps the dialog open with a
// message. Accepted only with the approving manager. The PIN is never logged or shown.
class ManagerPinDialog : public QDialog {
    Q_OBJECT

public:
    // `why` says what is being approved ("Refund 12.00 yuan of order ...").
    ManagerPinDialog(service::PosService& till, const QString& why, QWidget* parent = nullptr);

    // The manager whose PIN was entered; set once the dialog was accepted.
    std::optional<StaffMember> approver() const { return m_approver; }

    // Shows the dialog modally and returns the approving manager, or nothing when it was
    // cancelled.
    static std::optional<StaffMember> ask(service::PosService& till, const QString& why,
                                          QWidget* parent = nullptr);

public slots:
    void accept() override;
    void reject() override;

private:
    void onStaffVerified(const QString& requestId, const service::StaffReply& reply);
    void setChecking(bool checking);

    service::PosService& m_till;
    QLineEdit* m_pin = nullptr;
    QLabel* m_message = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    QString m_requestId; // the check in flight; empty when none
    std::optional<StaffMember> m_approver;
};

} // namespace qpos::ui
