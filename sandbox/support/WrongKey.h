#pragma once

#include "core/crypto/RsaPrivateKey.h"

#include <optional>

namespace qpos::sandbox {

// A key that is not the provider's, for answers and notifications whose signature must not
// verify (bad-signature faults). Made on first use: generating a key takes a while.
class WrongKey {
public:
    // `providerKey` stands in only if no key can be generated.
    const crypto::RsaPrivateKey& get(const crypto::RsaPrivateKey& providerKey);

private:
    std::optional<crypto::RsaPrivateKey> m_key;
};

} // namespace qpos::sandbox
