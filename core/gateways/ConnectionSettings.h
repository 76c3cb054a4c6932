#pragma once

#include "core/common/Result.h"
#include "core/config/AppConfig.h"

#include <QList>
#include <QSslCertificate>
#include <QString>

#include <chrono>

namespace qpos::gateway {

// How a gateway holds its connection to the provider (docs/protocols/wechatpay.md, "The
// connection"): one kept-alive HTTPS connection per provider host, TLS verified against the
// system's CA store plus `extraCaCertificates`, the TLS session kept for resumption.
struct ConnectionSettings {
    // Trusted besides the system's CA store: the sandbox's own CA. Verification is never off.
    QList<QSslCertificate> extraCaCertificates;
    // An idle connection is closed after this (Qt's connection cache), before the provider
    // closes it (WeChat Pay: 8 s): a request never goes out on a connection the server is
    // closing. The till's warm-up opens a fresh one, resuming the TLS session, before Charge.
    std::chrono::seconds keepAlive{7};

    // [network] ca_file and keep_alive_s. Fails with a message naming the key and what to do
    // when the CA file cannot be read or holds no PEM certificate.
    static Result<ConnectionSettings> fromConfig(const NetworkConfig& config);
};

// The certificates of a PEM file; an error names the file, the key and what to do.
Result<QList<QSslCertificate>> loadCaFile(const QString& path);

} // namespace qpos::gateway
