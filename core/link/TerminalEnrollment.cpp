#include "core/link/TerminalEnrollment.h"

#include "core/config/ConfigWriter.h"
#include "core/gateways/ConnectionSettings.h"
#include "core/link/EnrollmentCode.h"
#include "core/link/StoreServerHttp.h"
#include "core/link/TerminalCredentials.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

namespace qpos::link {

namespace {

Error refusedByServer(const StoreServerAnswer& answer) {
    const QString code = answer.errorCode();
    if (answer.status == 409)
        return {QStringLiteral("enroll.used"),
                QCoreApplication::translate(
                    "qpos::link",
                    "The store server says this code was already used (%1). A code enrolls one "
                    "till once: ask the store's administrator for a new one (qpos-server "
                    "terminal rotate).")
                    .arg(code.isEmpty() ? QStringLiteral("409") : code)};
    if (answer.status == 401 || answer.status == 403)
        return {QStringLiteral("enroll.refused"),
                QCoreApplication::translate(
                    "qpos::link",
                    "The store server refused this code (%1). It may have been revoked or "
                    "replaced, or the till's clock may be more than 5 minutes off: check the "
                    "clock, then ask the store's administrator for a new code.")
                    .arg(code.isEmpty() ? QString::number(answer.status) : code)};
    return {QStringLiteral("enroll.server_error"),
            QCoreApplication::translate(
                "qpos::link",
                "The store server could not enroll the till (HTTP %1). Nothing was changed; try "
                "again later or ask the store's administrator.")
                .arg(answer.status)};
}

} // namespace

Result<EnrollmentTarget> tillEnrollmentTarget(const AppConfig& config, const QString& configPath,
                                              const QList<ConfigSource>& sources) {
    EnrollmentTarget target;
    target.configured = {config.store.id, config.terminal.id};
    target.credentialsPath = config.storeServer.credentialsPath;
    target.configPath = configPath;
    target.configSources = sources;
    target.loadOptions.sandbox = config.sandbox;
    if (!config.network.caFile.isEmpty()) {
        Result<QList<QSslCertificate>> cas = gateway::loadCaFile(config.network.caFile);
        if (!cas)
            return cas.error();
        target.extraCaCertificates = std::move(cas).value();
    }
    return target;
}

TerminalEnrollment::TerminalEnrollment(EnrollmentTarget target, QObject* parent)
    : QObject(parent)
    , m_target(std::move(target)) {
    if (!m_target.clock)
        m_target.clock = [] {
            return QDateTime::currentMSecsSinceEpoch();
        };
}

TerminalEnrollment::~TerminalEnrollment() = default;

void TerminalEnrollment::finish(EnrollmentOutcome outcome) {
    // Always from the event loop, so a caller that connects after start() hears it.
    QTimer::singleShot(0, this, [this, outcome = std::move(outcome)] { emit finished(outcome); });
}

void TerminalEnrollment::start(const QString& codeText) {
    Result<EnrollmentCode> decoded = EnrollmentCode::decode(codeText);
    if (!decoded) {
        finish({decoded.error(), {}, {}, 0});
        return;
    }
    const EnrollmentCode code = std::move(decoded).value();
    if (code.terminal != m_target.configured) {
        finish({Error{QStringLiteral("enroll.wrong_terminal"),
                      QCoreApplication::translate(
                          "qpos::link",
                          "This code is for store %1, terminal %2, but this till is store %3, "
                          "terminal %4. Use the code made for this till, or correct [store] id "
                          "and [terminal] id first.")
                          .arg(code.terminal.storeId, code.terminal.terminalId,
                               m_target.configured.storeId, m_target.configured.terminalId)},
                code.terminal, code.serverUrl, 0});
        return;
    }
    delete m_http;
    m_http = new StoreServerHttp(
        {code.serverUrl, code.terminal, code.secret,
         CertificatePin(code.certificateFingerprint, m_target.extraCaCertificates)},
        m_target.clock, this);
    m_http->post(
        QStringLiteral("/v1/enroll"), QByteArrayLiteral("{}"),
        [this, code](const Result<StoreServerAnswer>& answer) {
            EnrollmentOutcome outcome{std::nullopt, code.terminal, code.serverUrl, 0};
            if (!answer) {
                outcome.error = answer.error();
                finish(outcome);
                return;
            }
            if (answer->status != 200) {
                outcome.error = refusedByServer(*answer);
                finish(outcome);
                return;
            }
            const QJsonObject o = QJsonDocument::fromJson(answer->body).object();
            bool timeOk = false;
            const qint64 serverMs =
                o.value(QStringLiteral("server_time_ms")).toString().toLongLong(&timeOk);
            if (o.value(QStringLiteral("store")).toString() != code.terminal.storeId ||
                o.value(QStringLiteral("terminal")).toString() != code.terminal.terminalId ||
                !timeOk) {
                outcome.error = unreadableAnswer(code.serverUrl);
                finish(outcome);
                return;
            }
            outcome.clockDifferenceMs = serverMs - m_target.clock();
            const TerminalCredentials credentials{code.terminal, code.secret,
                                                  code.certificateFingerprint};
            if (Status s = credentials.write(m_target.credentialsPath); !s) {
                outcome.error = s.error();
                finish(outcome);
                return;
            }
            const QString target = QFileInfo(m_target.configPath).absoluteFilePath();
            auto validate = [this, &target](const QString& candidate) -> Status {
                const ConfigLoadResult checked = ConfigLoader::loadReplacing(
                    m_target.configSources, target, candidate, m_target.loadOptions);
                if (checked.ok())
                    return Status::success();
                QStringList lines;
                for (const ConfigIssue& issue : checked.errors)
                    lines << QString(issue.message).replace(candidate, target);
                return Error{QStringLiteral("config.invalid"), lines.join(u'\n')};
            };
            const QString url = code.serverUrl.toString(QUrl::FullyEncoded);
            if (Status s = ConfigWriter::write(
                    target,
                    {ConfigEdit{QStringLiteral("store_server"), QStringLiteral("url"), url}},
                    validate);
                !s) {
                outcome.error =
                    Error{QStringLiteral("enroll.config_not_written"),
                          QCoreApplication::translate(
                              "qpos::link",
                              "The till is enrolled (its credentials are in %1), but %2 could "
                              "not be changed: %3\nSet [store_server] url = %4 there by "
                              "hand.")
                              .arg(QDir::toNativeSeparators(m_target.credentialsPath),
                                   QDir::toNativeSeparators(target), s.error().message, url)};
            }
            finish(outcome);
        });
}

} // namespace qpos::link
