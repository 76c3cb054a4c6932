#include "core/link/ProvisionedEnrollment.h"

#include "core/logging/LogCategories.h"

#include <QDateTime>
#include <QTimer>

namespace qpos::link {

ProvisionedEnrollment::ProvisionedEnrollment(EnrollmentTarget target, EnrollmentCodeFile codeFile,
                                             Backoff::Policy retry, QObject* parent)
    : QObject(parent)
    , m_target(std::move(target))
    , m_codeFile(std::move(codeFile))
    , m_backoff(retry)
    , m_retry(new QTimer(this)) {
    qRegisterMetaType<ProvisioningStatus>();
    m_retry->setSingleShot(true);
    connect(m_retry, &QTimer::timeout, this, &ProvisionedEnrollment::attempt);
}

ProvisionedEnrollment::~ProvisionedEnrollment() = default;

qint64 ProvisionedEnrollment::now() const {
    return m_target.clock ? m_target.clock() : QDateTime::currentMSecsSinceEpoch();
}

void ProvisionedEnrollment::start() {
    attempt();
}

void ProvisionedEnrollment::publish() {
    emit statusChanged(m_status);
}

void ProvisionedEnrollment::attempt() {
    if (m_job)
        return;
    Result<std::optional<EnrollmentCode>> read = m_codeFile.read();
    if (!read) {
        failed(read.error());
        return;
    }
    if (!*read) {
        m_status = {};
        publish();
        return;
    }
    const EnrollmentCode code = std::move(**read);
    // Written by an earlier attempt whose consumption was cut short: the server has already
    // counted the code as used, so asking again would only be refused.
    const Result<TerminalCredentials> existing =
        TerminalCredentials::read(m_target.credentialsPath);
    if (existing && EnrollmentCodeFile::yielded(code, *existing)) {
        enrolled(code.serverUrl);
        return;
    }
    m_status.state = ProvisioningStatus::State::Enrolling;
    m_status.message.clear();
    publish();
    m_job = new TerminalEnrollment(m_target, this);
    connect(m_job, &TerminalEnrollment::finished, this, [this](const EnrollmentOutcome& outcome) {
        m_job->deleteLater();
        m_job = nullptr;
        // The credentials are on disk even when only [store_server] url could not be
        // written: the code is spent, and the message says what to set by hand.
        if (!outcome.error || outcome.error->code == u"enroll.config_not_written") {
            enrolled(outcome.serverUrl);
            if (outcome.error) {
                m_status.message = outcome.error->message;
                m_status.errorCode = outcome.error->code;
                publish();
            }
            return;
        }
        failed(*outcome.error);
    });
    m_job->start(code.encode());
}

void ProvisionedEnrollment::enrolled(const QUrl& serverUrl) {
    m_backoff.reset();
    m_status = {};
    m_status.state = ProvisioningStatus::State::Enrolled;
    m_status.serverUrl = serverUrl;
    if (Status consumed = m_codeFile.consume(); !consumed) {
        m_status.message = consumed.error().message;
        m_status.errorCode = consumed.error().code;
    }
    qCInfo(lcSync).noquote() << "enrolled with the store server" << serverUrl.toString()
                             << "from the enrollment code file" << m_codeFile.path();
    publish();
}

void ProvisionedEnrollment::failed(const Error& error) {
    const qint64 wait = m_backoff.next();
    m_status.state = ProvisioningStatus::State::Waiting;
    m_status.message = error.message;
    m_status.errorCode = error.code;
    m_status.failures = m_backoff.failures();
    m_status.nextAttemptMs = now() + wait;
    qCWarning(lcSync).noquote() << "enrollment from" << m_codeFile.path() << "failed:" << error.code
                                << "- next attempt in" << wait / 1000 << "s";
    publish();
    m_retry->start(std::chrono::milliseconds(wait));
}

} // namespace qpos::link
