#pragma once

#include <QList>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslError>
#include <QString>

namespace qpos::link {

// How the till trusts the store backend's TLS certificate (docs/server-protocol.md,
// "Enrollment code"). With a pinned fingerprint, no CA is trusted at all: every handshake
// reports errors, and the one certificate whose SHA-256 matches is then accepted and any
// other refused. Without one, the system's CAs (plus [network] ca_file) decide as for any
// HTTPS server.
class CertificatePin {
public:
    CertificatePin() = default;
    CertificatePin(QString fingerprint, QList<QSslCertificate> extraCaCertificates);

    bool pinned() const { return !m_fingerprint.isEmpty(); }
    QSslConfiguration tlsConfiguration() const;
    // Whether the handshake's errors may be ignored: only for the pinned certificate.
    bool accepts(const QSslCertificate& peer) const;

private:
    QString m_fingerprint;
    QList<QSslCertificate> m_extraCaCertificates;
};

// Lower-case hex SHA-256 of the certificate's DER encoding.
QString certificateFingerprint(const QSslCertificate& certificate);

} // namespace qpos::link
