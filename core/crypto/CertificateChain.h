#pragma once

#include "core/common/Result.h"
#include "core/crypto/X509Certificate.h"

#include <QDateTime>
#include <QList>

namespace qpos::crypto {

// Checks that `certificate` was issued by one of `trustedRoots`, directly or through
// `intermediates` (the rest of a downloaded chain), that every signature on the way holds
// and that every certificate of the path is valid at `at`. This is how a provider's renewed
// certificate earns trust: only its issuer vouches for it, never the answer that carried it.
// Fails with crypto.cert_untrusted and OpenSSL's reason ("unable to get local issuer
// certificate", "certificate has expired").
Status verifyCertificateChain(const X509Certificate& certificate,
                              const QList<X509Certificate>& intermediates,
                              const QList<X509Certificate>& trustedRoots, const QDateTime& at);

} // namespace qpos::crypto
