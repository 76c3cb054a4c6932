#include "core/crypto/AlipayCertSn.h"

#include <QCoreApplication>

#include "core/crypto/OpenSslSupport.h"

#include <QCryptographicHash>
#include <QStringList>

namespace qpos::crypto {

using namespace detail;

QString alipayCertSn(const X509Certificate& certificate) {
    if (certificate.isNull())
        return {};
    const QByteArray input = (certificate.issuerDn() + certificate.serialDecimal()).toUtf8();
    // MD5 here is an identifier, not a security function: Alipay defines the SN this way.
    return QString::fromLatin1(QCryptographicHash::hash(input, QCryptographicHash::Md5).toHex());
}

Result<QString> alipayRootCertSn(const QList<X509Certificate>& rootChain) {
    QStringList sns;
    for (const X509Certificate& certificate : rootChain) {
        if (certificate.isSignedWithRsa())
            sns.append(alipayCertSn(certificate));
    }
    if (sns.isEmpty()) {
        return makeError(code::certInvalid,
                         QCoreApplication::translate(
                             "qpos::crypto",
                             "The Alipay root certificate file holds no RSA-signed certificate, "
                             "so alipay_root_cert_sn cannot be computed. Download "
                             "alipayRootCert.crt again from the Alipay open platform."));
    }
    return sns.join(QLatin1Char('_'));
}

Result<QString> alipayRootCertSnFromPem(QByteArrayView pem) {
    auto chain = X509Certificate::chainFromPem(pem);
    if (!chain)
        return chain.error();
    return alipayRootCertSn(*chain);
}

} // namespace qpos::crypto
