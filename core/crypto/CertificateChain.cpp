#include "core/crypto/CertificateChain.h"

#include "core/crypto/OpenSslSupport.h"

#include <QCoreApplication>

#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

namespace qpos::crypto {

using namespace detail;

namespace {

using StorePtr = std::unique_ptr<X509_STORE, OpenSslDeleter<X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, OpenSslDeleter<X509_STORE_CTX_free>>;

void freeCertificateStack(STACK_OF(X509) * stack) {
    sk_X509_pop_free(stack, X509_free);
}
using CertStackPtr = std::unique_ptr<STACK_OF(X509), OpenSslDeleter<freeCertificateStack>>;

// The OpenSSL object of a certificate (a copy decoded from its DER).
X509Ptr toX509(const X509Certificate& certificate) {
    const QByteArray der = certificate.toDer();
    const auto* bytes = reinterpret_cast<const unsigned char*>(der.constData());
    return X509Ptr(d2i_X509(nullptr, &bytes, der.size()));
}

Error untrusted(const QString& reason) {
    return makeError(code::certUntrusted,
                     QCoreApplication::translate("qpos::crypto",
                                                 "The certificate was not issued by a trusted "
                                                 "root certificate (%1).")
                         .arg(reason));
}

} // namespace

Status verifyCertificateChain(const X509Certificate& certificate,
                              const QList<X509Certificate>& intermediates,
                              const QList<X509Certificate>& trustedRoots, const QDateTime& at) {
    OpenSslErrorScope errors;
    if (certificate.isNull() || trustedRoots.isEmpty())
        return untrusted(QCoreApplication::translate("qpos::crypto", "no root certificate"));
    StorePtr store(X509_STORE_new());
    CertStackPtr chain(sk_X509_new_null());
    X509Ptr leaf = toX509(certificate);
    if (!store || !chain || !leaf)
        return openSslError(code::internal, QCoreApplication::translate(
                                                "qpos::crypto", "The certificate check failed."));
    for (const X509Certificate& root : trustedRoots) {
        X509Ptr raw = toX509(root);
        if (!raw || X509_STORE_add_cert(store.get(), raw.get()) != 1)
            return openSslError(code::internal,
                                QCoreApplication::translate(
                                    "qpos::crypto", "A root certificate could not be used."));
    }
    for (const X509Certificate& link : intermediates) {
        X509Ptr raw = toX509(link);
        if (!raw || sk_X509_push(chain.get(), raw.get()) <= 0)
            return openSslError(
                code::internal,
                QCoreApplication::translate("qpos::crypto", "The certificate check failed."));
        raw.release(); // the stack owns it now
    }
    StoreCtxPtr context(X509_STORE_CTX_new());
    if (!context || X509_STORE_CTX_init(context.get(), store.get(), leaf.get(), chain.get()) != 1)
        return openSslError(code::internal, QCoreApplication::translate(
                                                "qpos::crypto", "The certificate check failed."));
    X509_STORE_CTX_set_time(context.get(), 0, static_cast<time_t>(at.toSecsSinceEpoch()));
    if (X509_verify_cert(context.get()) != 1) {
        const int error = X509_STORE_CTX_get_error(context.get());
        return untrusted(QString::fromLatin1(X509_verify_cert_error_string(error)));
    }
    return Status::success();
}

} // namespace qpos::crypto
