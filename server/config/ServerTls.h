#pragma once

#include "core/common/Result.h"

#include <QSslConfiguration>
#include <QString>

namespace qpos::server {

// The HTTPS identity from [server] tls_cert and tls_key. The key file is read like every
// secret (core/crypto/KeyFiles): refused when group- or world-readable or owned by another
// user, with the chmod to run. The certificate file may hold the chain after the server's
// own certificate.
Result<QSslConfiguration> loadServerTls(const QString& certPath, const QString& keyPath);

} // namespace qpos::server
