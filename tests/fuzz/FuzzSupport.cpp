#include "tests/fuzz/FuzzSupport.h"

#include <QCoreApplication>

#include <cstdio>
#include <cstdlib>

namespace qpos::fuzz {

void propertyFailed(const char* what, const char* file, int line) {
    std::fprintf(stderr, "qpos fuzz: property failed at %s:%d: %s\n", file, line, what);
    std::fflush(stderr);
    __builtin_trap();
}

void ensureCoreApplication() {
    if (QCoreApplication::instance())
        return;
    static int argc = 1;
    static char name[] = "qpos-fuzz";
    static char* argv[] = {name, nullptr};
    // Never destroyed, like the process's other caches: nothing to report as a leak at exit.
    static QCoreApplication* const app = new QCoreApplication(argc, argv);
    Q_UNUSED(app);
}

const crypto::RsaPrivateKey& signingKey() {
    static const crypto::RsaPrivateKey key = [] {
        Result<crypto::RsaPrivateKey> made = crypto::RsaPrivateKey::generate(2048);
        if (!made)
            propertyFailed("an RSA test key could be generated", __FILE__, __LINE__);
        return made.value();
    }();
    return key;
}

} // namespace qpos::fuzz
