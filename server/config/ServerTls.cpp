#include "server/config/ServerTls.h"

#include "core/crypto/KeyFiles.h"

#include <QCoreApplication>
#include <QSslCertificate>
#include <QSslKey>

namespace qpos::server {

namespace {} // namespace

Result<QSslConfiguration> loadServerTls(const QString& certPath, const QString& keyPath) {
    const QList<QSslCertificate> chain = QSslCertificate::fromPath(certPath, QSsl::Pem);
    if (chain.isEmpty())
        return Error{QStringLiteral("server.tls_cert"),
                     QCoreApplication::translate(
                         "qpos::server::ServerTls",
                         "%1 holds no PEM certificate. Set [server] tls_cert to the server's "
                         "certificate file (PEM, the server's certificate first).")
                         .arg(certPath)};

    Result<QByteArray> keyText = crypto::readSecretFile(keyPath);
    if (!keyText)
        return Error{QStringLiteral("server.tls_key"), keyText.error().message};
    QSslKey key(*keyText, QSsl::Rsa, QSsl::Pem);
    if (key.isNull())
        key = QSslKey(*keyText, QSsl::Ec, QSsl::Pem);
    keyText.value().fill('\0');
    if (key.isNull())
        return Error{QStringLiteral("server.tls_key"),
                     QCoreApplication::translate(
                         "qpos::server::ServerTls",
                         "%1 holds no unencrypted PEM RSA or EC private key. Set [server] "
                         "tls_key to the key of the certificate in tls_cert.")
                         .arg(keyPath)};
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificateChain(chain);
    tls.setPrivateKey(key);
    tls.setPeerVerifyMode(QSslSocket::VerifyNone); // tills authenticate with their HMAC
    return tls;
}

} // namespace qpos::server
