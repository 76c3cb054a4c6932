#include "sandbox/support/WrongKey.h"

namespace qpos::sandbox {

const crypto::RsaPrivateKey& WrongKey::get(const crypto::RsaPrivateKey& providerKey) {
    if (!m_key) {
        Result<crypto::RsaPrivateKey> k = crypto::RsaPrivateKey::generate();
        m_key = k ? *k : providerKey;
    }
    return *m_key;
}

} // namespace qpos::sandbox
