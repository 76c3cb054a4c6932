#pragma once

#include "core/link/Backoff.h"
#include "core/link/EnrollmentCodeFile.h"
#include "core/link/TerminalEnrollment.h"

#include <QMetaType>
#include <QObject>
#include <QString>
#include <QUrl>

class QTimer;

namespace qpos::link {

// What the till shows of its unattended enrollment.
struct ProvisioningStatus {
    enum class State {
        NoCode,    // no code file, or an empty one: nothing to do
        Enrolling, // asking the store server
        Waiting,   // the last attempt failed (`message`); the next starts at `nextAttemptMs`
        Enrolled,  // the credentials are written and the code consumed (`message`: unless not)
    };
    State state = State::NoCode;
    QString message;   // translated: what went wrong and what to do
    QString errorCode; // the failure's code, e.g. enroll.used, link.unreachable
    qint64 nextAttemptMs = 0;
    int failures = 0;
    QUrl serverUrl; // Enrolled: the store server the till is linked to
};

// The till's first start on a provisioned terminal (docs/deploy.md, "Provisioning"): enrolls
// with the code an IT person left in the code file, with the till's own TerminalEnrollment,
// and consumes the file only once the credentials are on disk. A failure is reported and
// retried with a growing wait (the file is read again each time, so a corrected code or
// configuration is picked up); a code whose credentials are already on disk is consumed
// without asking the server again. Runs on whatever thread it lives on: the till gives it
// a thread of its own, so the window never waits on it.
class ProvisionedEnrollment : public QObject {
    Q_OBJECT

public:
    static constexpr Backoff::Policy kRetry{5000, 5 * 60 * 1000, 20};

    ProvisionedEnrollment(EnrollmentTarget target, EnrollmentCodeFile codeFile,
                          Backoff::Policy retry = kRetry, QObject* parent = nullptr);
    ~ProvisionedEnrollment() override;

    void start();
    const ProvisioningStatus& status() const { return m_status; }

signals:
    void statusChanged(const qpos::link::ProvisioningStatus& status);

private:
    void attempt();
    void enrolled(const QUrl& serverUrl);
    void failed(const Error& error);
    void publish();
    qint64 now() const;

    EnrollmentTarget m_target;
    EnrollmentCodeFile m_codeFile;
    Backoff m_backoff;
    QTimer* m_retry = nullptr;
    TerminalEnrollment* m_job = nullptr;
    ProvisioningStatus m_status;
};

} // namespace qpos::link

Q_DECLARE_METATYPE(qpos::link::ProvisioningStatus)
