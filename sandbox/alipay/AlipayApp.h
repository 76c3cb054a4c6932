#pragma once

#include "core/crypto/RsaPublicKey.h"

#include <QString>

namespace qpos::sandbox {

// A merchant application registered with the simulated Alipay: its app_id, the public key
// its requests are verified with, and the seller account (PID, 2088...) its trades go to.
struct AlipayApp {
    QString appId;
    crypto::RsaPublicKey publicKey;
    QString pid;
};

} // namespace qpos::sandbox
