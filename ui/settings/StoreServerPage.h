#pragma once

#include "core/link/TerminalEnrollment.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QThread;

namespace qpos::ui {

// The settings dialog's "Store server" page: the till's link to the store backend, and a
// field to paste a one-time enrollment code. The enrollment (a network call, then two file
// writes) runs on a thread of its own, so the dialog never freezes while the server answers.
class StoreServerPage : public QWidget {
    Q_OBJECT

public:
    StoreServerPage(const AppConfig& config, link::EnrollmentTarget target, bool readOnly,
                    QWidget* parent = nullptr);
    ~StoreServerPage() override;

    bool busy() const { return m_busy; }

public slots:
    // Enrolls with the code in the field; the result is shown on the page.
    void enroll();

signals:
    void enrolled(const QUrl& serverUrl);

private:
    void showOutcome(const qpos::link::EnrollmentOutcome& outcome);
    void showState(const QString& url);

    link::EnrollmentTarget m_target;
    QLabel* m_state = nullptr;
    QLineEdit* m_code = nullptr;
    QPushButton* m_enroll = nullptr;
    QLabel* m_result = nullptr;
    QPointer<QThread> m_thread;
    bool m_busy = false;
};

} // namespace qpos::ui
