#pragma once

#include "core/crypto/RsaPrivateKey.h"

#include <QByteArray>
#include <QByteArrayView>

#include <cstddef>
#include <cstdint>

// What every harness shares: the libFuzzer entry point's signature, a failed property that
// libFuzzer records as a crash, and keys made once per process.

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace qpos::fuzz {

// Ends the process the way libFuzzer records a finding (and a replay run fails): a property
// that must hold for every input did not. `what` says which one.
[[noreturn]] void propertyFailed(const char* what, const char* file, int line);

// A QCoreApplication for code that translates messages or reads the application's paths;
// made on first use and kept for the process.
void ensureCoreApplication();

// A 2048-bit RSA key made once per process: the harness signs inputs with it so that
// verification succeeds, then checks that a changed byte makes it fail.
const crypto::RsaPrivateKey& signingKey();

// The input as bytes (no copy).
inline QByteArrayView bytesOf(const uint8_t* data, size_t size) {
    return QByteArrayView(reinterpret_cast<const char*>(data), qsizetype(size));
}

} // namespace qpos::fuzz

#define QPOS_FUZZ_CHECK(condition)                                                                 \
    do {                                                                                           \
        if (!(condition))                                                                          \
            ::qpos::fuzz::propertyFailed(#condition, __FILE__, __LINE__);                          \
    } while (false)
