#include "core/gateways/ConnectionSettings.h"

#include <QCoreApplication>
#include <QFile>

namespace qpos::gateway {

Result<QList<QSslCertificate>> loadCaFile(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("config.ca_file"),
                     QCoreApplication::translate(
                         "qpos::gateway::ConnectionSettings",
                         "The CA file %1 ([network] ca_file) cannot be read (%2). Point the "
                         "setting at the sandbox's sandbox-ca.pem, or remove it.")
                         .arg(path, file.errorString())};
    QList<QSslCertificate> certificates = QSslCertificate::fromData(file.readAll(), QSsl::Pem);
    if (certificates.isEmpty())
        return Error{QStringLiteral("config.ca_file"),
                     QCoreApplication::translate(
                         "qpos::gateway::ConnectionSettings",
                         "The CA file %1 ([network] ca_file) holds no PEM certificate. Point the "
                         "setting at the sandbox's sandbox-ca.pem, or remove it.")
                         .arg(path)};
    return certificates;
}

Result<ConnectionSettings> ConnectionSettings::fromConfig(const NetworkConfig& config) {
    ConnectionSettings settings;
    settings.keepAlive = std::chrono::seconds(config.keepAliveS);
    if (!config.caFile.isEmpty()) {
        Result<QList<QSslCertificate>> certificates = loadCaFile(config.caFile);
        if (!certificates)
            return certificates.error();
        settings.extraCaCertificates = std::move(certificates).value();
    }
    return settings;
}

} // namespace qpos::gateway
