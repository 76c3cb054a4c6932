#include "core/link/TillEndpoint.h"

#include "core/gateways/ConnectionSettings.h"
#include "core/link/TerminalCredentials.h"

#include <QCoreApplication>

namespace qpos::link {

Result<StoreServerEndpoint> tillEndpoint(const AppConfig& config) {
    if (config.storeServer.url.isEmpty())
        return Error{QStringLiteral("link.not_configured"),
                     QCoreApplication::translate("qpos::link",
                                                 "This till has no store server; enroll it with "
                                                 "the code from qpos-server terminal add.")};
    Result<TerminalCredentials> credentials =
        TerminalCredentials::read(config.storeServer.credentialsPath);
    if (!credentials)
        return credentials.error();
    const TerminalIdentity configured{config.store.id, config.terminal.id};
    if (credentials->terminal != configured)
        return Error{QStringLiteral("link.wrong_terminal"),
                     QCoreApplication::translate("qpos::service::StoreLink",
                                                 "The store server credentials are for store %1, "
                                                 "terminal %2, not this till. Enroll it again "
                                                 "with its own code.")
                         .arg(credentials->terminal.storeId, credentials->terminal.terminalId)};
    // A CA file that cannot be read leaves the system's CAs; the doctor names the file.
    QList<QSslCertificate> extraCas;
    if (!config.network.caFile.isEmpty()) {
        if (const Result<QList<QSslCertificate>> cas = gateway::loadCaFile(config.network.caFile))
            extraCas = *cas;
    }
    return StoreServerEndpoint{QUrl(config.storeServer.url), credentials->terminal,
                               credentials->secret,
                               CertificatePin(credentials->certificateFingerprint, extraCas)};
}

} // namespace qpos::link
