#include "core/link/CertificatePin.h"

#include <QCryptographicHash>

namespace qpos::link {

CertificatePin::CertificatePin(QString fingerprint, QList<QSslCertificate> extraCaCertificates)
    : m_fingerprint(std::move(fingerprint))
    , m_extraCaCertificates(std::move(extraCaCertificates)) {}

QSslConfiguration CertificatePin::tlsConfiguration() const {
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
    if (pinned())
        tls.setCaCertificates({}); // also stops Qt loading the system's CAs on demand
    else if (!m_extraCaCertificates.isEmpty())
        tls.addCaCertificates(m_extraCaCertificates);
    return tls;
}

bool CertificatePin::accepts(const QSslCertificate& peer) const {
    return pinned() && !peer.isNull() && certificateFingerprint(peer) == m_fingerprint;
}

QString certificateFingerprint(const QSslCertificate& certificate) {
    return QString::fromLatin1(
        QCryptographicHash::hash(certificate.toDer(), QCryptographicHash::Sha256).toHex());
}

} // namespace qpos::link
