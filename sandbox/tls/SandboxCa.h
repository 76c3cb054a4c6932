#pragma once

#include "core/common/Result.h"

#include <QSslCertificate>
#include <QSslKey>
#include <QString>

namespace qpos::sandbox {

// The sandbox's own certificate authority and the server certificate it signs for the
// loopback listener (127.0.0.1, ::1, localhost), so the sandbox can serve HTTPS that the
// gateways verify like a provider's. Only a configuration that names the CA's file
// ([network] ca_file) trusts it; nothing turns verification off.
struct SandboxTlsIdentity {
    QSslCertificate ca;
    QSslCertificate server;
    QSslKey serverKey;
};

// Loads the CA from `dir` (sandbox-ca.pem and its key sandbox-ca-key.pem, private to the
// user) or makes one and writes it there; empty `dir`: a CA in memory for this run only.
// The server certificate is made fresh at every start. EC P-256 keys, SHA-256 signatures.
Result<SandboxTlsIdentity> loadOrCreateTlsIdentity(const QString& dir);

// The CA certificate's file name in the key directory: what [network] ca_file names.
QString sandboxCaFileName();

} // namespace qpos::sandbox
