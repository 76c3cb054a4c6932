#include "ui/settings/StoreServerPage.h"

#include <QDir>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QThread>
#include <QVBoxLayout>

namespace qpos::ui {

StoreServerPage::StoreServerPage(const AppConfig& config, link::EnrollmentTarget target,
                                 bool readOnly, QWidget* parent)
    : QWidget(parent)
    , m_target(std::move(target)) {
    auto* layout = new QVBoxLayout(this);
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("storeServerState"));
    m_state->setWordWrap(true);
    layout->addWidget(m_state);
    showState(config.storeServer.url);

    auto* form = new QFormLayout;
    m_code = new QLineEdit(this);
    m_code->setObjectName(QStringLiteral("enrollmentCode"));
    m_code->setPlaceholderText(tr("QPOS1-…, from qpos-server terminal add"));
    // The code holds the terminal's secret: never shown once pasted.
    m_code->setEchoMode(QLineEdit::Password);
    form->addRow(tr("Enrollment &code:"), m_code);
    layout->addLayout(form);

    m_enroll = new QPushButton(tr("&Enroll"), this);
    m_enroll->setObjectName(QStringLiteral("enrollButton"));
    layout->addWidget(m_enroll, 0, Qt::AlignLeft);
    connect(m_enroll, &QPushButton::clicked, this, &StoreServerPage::enroll);
    connect(m_code, &QLineEdit::returnPressed, this, &StoreServerPage::enroll);

    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("enrollmentResult"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_result);
    layout->addStretch(1);

    if (readOnly) {
        m_code->setEnabled(false);
        m_enroll->setEnabled(false);
    }
}

StoreServerPage::~StoreServerPage() {
    if (m_thread) {
        m_thread->quit();
        m_thread->wait();
    }
}

void StoreServerPage::showState(const QString& url) {
    m_state->setText(url.isEmpty()
                         ? tr("This till is not linked to a store server. Payment results come "
                              "by polling the providers, and the orders stay on this till. To "
                              "link it, paste the enrollment code the store's administrator "
                              "gave you.")
                         : tr("This till is linked to the store server at %1. A new code "
                              "enrolls it again (after the server's secret was rotated).")
                               .arg(url));
}

void StoreServerPage::enroll() {
    if (m_busy || !m_enroll->isEnabled())
        return;
    const QString code = m_code->text().trimmed();
    if (code.isEmpty()) {
        m_result->setText(tr("Paste the enrollment code first."));
        return;
    }
    m_enroll->setEnabled(false);
    m_result->setText(tr("Asking the store server…"));

    // No parent: it deletes itself once finished, and the destructor waits for it.
    auto* thread = new QThread;
    thread->setObjectName(QStringLiteral("enrollment"));
    auto* job = new link::TerminalEnrollment(m_target);
    job->moveToThread(thread);
    connect(job, &link::TerminalEnrollment::finished, this, &StoreServerPage::showOutcome);
    connect(job, &link::TerminalEnrollment::finished, thread, &QThread::quit);
    connect(thread, &QThread::finished, job, &QObject::deleteLater);
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    m_thread = thread;
    m_busy = true;
    thread->start();
    QMetaObject::invokeMethod(
        job, [job, code] { job->start(code); }, Qt::QueuedConnection);
}

void StoreServerPage::showOutcome(const link::EnrollmentOutcome& outcome) {
    m_busy = false;
    m_enroll->setEnabled(true);
    if (outcome.error) {
        m_result->setText(outcome.error->message);
        return;
    }
    m_code->clear();
    const QString url = outcome.serverUrl.toString();
    showState(url);
    m_result->setText(tr("Enrolled: store %1, terminal %2 is linked to %3. The till uses the "
                         "link from its next start.")
                          .arg(outcome.terminal.storeId, outcome.terminal.terminalId, url));
    emit enrolled(outcome.serverUrl);
}

} // namespace qpos::ui
