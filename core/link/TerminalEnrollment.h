#pragma once

#include "core/common/Result.h"
#include "core/config/ConfigLoader.h"
#include "core/link/TerminalIdentity.h"

#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QString>
#include <QUrl>

#include <functional>
#include <optional>

namespace qpos::link {

class StoreServerHttp;

// Where an enrollment writes, and what it must match.
struct EnrollmentTarget {
    TerminalIdentity configured; // the till's [store] id and [terminal] id
    QString credentialsPath;     // [store_server] credentials
    QString configPath;          // the file that gets [store_server] url
    // The till's configuration files, for checking the edited file before it replaces the
    // real one; empty: the edited file alone is checked.
    QList<ConfigSource> configSources;
    ConfigLoadOptions loadOptions;
    QList<QSslCertificate> extraCaCertificates; // [network] ca_file, when the code pins nothing
    std::function<qint64()> clock;              // UTC ms; the system clock when empty
};

// The till's own target: its ids, its [store_server] credentials, `configPath` (the file that
// gets [store_server] url) checked with `sources`, and its [network] ca_file. Error: the CA
// file cannot be read (its message says what to do).
Result<EnrollmentTarget> tillEnrollmentTarget(const AppConfig& config, const QString& configPath,
                                              const QList<ConfigSource>& sources);

// How an enrollment ended.
struct EnrollmentOutcome {
    std::optional<Error> error; // empty: enrolled
    TerminalIdentity terminal;
    QUrl serverUrl;
    qint64 clockDifferenceMs = 0; // server minus till, at the server's answer
};

// Enrolls the till with its store backend from a one-time code (docs/server-protocol.md,
// "Enrollment code"): decodes it, refuses a code for another store or terminal, confirms it
// with POST /v1/enroll (signed, the certificate pinned when the code names one), and only
// after the server's 200 writes the credentials (0600) and then [store_server] url. Any
// failure leaves both files as they were. Used by `qposctl enroll` and the settings dialog
// (which runs it on a thread of its own).
class TerminalEnrollment : public QObject {
    Q_OBJECT

public:
    explicit TerminalEnrollment(EnrollmentTarget target, QObject* parent = nullptr);
    ~TerminalEnrollment() override;

    // Starts; finished() follows once, also for a code refused at once.
    void start(const QString& codeText);

signals:
    void finished(const qpos::link::EnrollmentOutcome& outcome);

private:
    void finish(EnrollmentOutcome outcome);

    EnrollmentTarget m_target;
    StoreServerHttp* m_http = nullptr;
};

} // namespace qpos::link

Q_DECLARE_METATYPE(qpos::link::EnrollmentOutcome)
