#include "core/gateways/alipay/AlipayClientSettings.h"

#include "core/crypto/AlipayCertSn.h"
#include "core/crypto/KeyFiles.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QHostAddress>

namespace qpos::alipay {

bool isLoopbackHost(const QString& host) {
    if (host.compare(u"localhost", Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

Result<AlipayClientSettings> AlipayClientSettings::fromConfig(const AlipayConfig& config) {
    AlipayClientSettings s;
    s.gatewayUrl = QUrl(config.gatewayUrl);
    s.appId = config.appId;
    s.notifyUrl = config.notifyUrl;
    s.sellerId = config.sellerId;
    s.requestTimeout = std::chrono::milliseconds(config.timeoutMs);
    // A gateway on this machine is the sandbox, which serves its bills from the same host.
    if (s.gatewayUrl.scheme() == u"http" && isLoopbackHost(s.gatewayUrl.host()))
        s.billHttpHosts = {s.gatewayUrl.host()};

    Result<crypto::RsaPrivateKey> appKey = crypto::loadPrivateKeyFile(config.appPrivateKeyPath);
    if (!appKey)
        return appKey.error();
    s.appPrivateKey = *appKey;

    if (!config.certMode) {
        Result<crypto::RsaPublicKey> alipayKey =
            crypto::loadPublicKeyFile(config.alipayPublicKeyPath);
        if (!alipayKey)
            return alipayKey.error();
        s.alipayPublicKey = *alipayKey;
    } else {
        Result<QList<crypto::X509Certificate>> appCert =
            crypto::loadCertificateFile(config.appCertPath);
        if (!appCert)
            return appCert.error();
        Result<QList<crypto::X509Certificate>> alipayCert =
            crypto::loadCertificateFile(config.alipayCertPath);
        if (!alipayCert)
            return alipayCert.error();
        Result<QList<crypto::X509Certificate>> roots =
            crypto::loadCertificateFile(config.alipayRootCertPath);
        if (!roots)
            return roots.error();
        // Each file's first certificate is the one that counts (loadCertificateFile fails
        // on a file without any).
        Result<crypto::RsaPublicKey> alipayKey = alipayCert->constFirst().publicKey();
        if (!alipayKey)
            return alipayKey.error();
        Result<QString> rootSn = crypto::alipayRootCertSn(*roots);
        if (!rootSn)
            return rootSn.error();
        s.alipayPublicKey = *alipayKey;
        s.appCertSn = crypto::appCertSn(appCert->constFirst());
        s.alipayCertSn = crypto::alipayCertSn(alipayCert->constFirst());
        s.alipayRootCertSn = *rootSn;
        // Renewed certificates live beside the configured one.
        Result<AlipayCertificates> certificates = AlipayCertificates::load(
            *alipayCert, *roots, QFileInfo(config.alipayCertPath).absolutePath());
        if (!certificates)
            return certificates.error();
        s.certificates = std::make_shared<AlipayCertificates>(std::move(certificates).value());
    }
    if (Status valid = s.validate(); !valid)
        return valid.error();
    return s;
}

Status AlipayClientSettings::validate() const {
    auto bad = [](const QString& message) {
        return Error{QStringLiteral("alipay.settings_invalid"), message};
    };
    if (!gatewayUrl.isValid() || gatewayUrl.host().isEmpty())
        return bad(QCoreApplication::translate("qpos::alipay::AlipayClientSettings",
                                               "The Alipay gateway address is not a valid URL. "
                                               "Check [alipay] gateway_url."));
    if (gatewayUrl.scheme() != u"https" &&
        !(gatewayUrl.scheme() == u"http" && isLoopbackHost(gatewayUrl.host())))
        return bad(QCoreApplication::translate("qpos::alipay::AlipayClientSettings",
                                               "The Alipay gateway must be reached over https "
                                               "(plain http only to this machine's sandbox). "
                                               "Check [alipay] gateway_url."));
    if (appId.isEmpty())
        return bad(QCoreApplication::translate("qpos::alipay::AlipayClientSettings",
                                               "The Alipay app id is missing. Check [alipay] "
                                               "app_id."));
    if (appPrivateKey.isNull())
        return bad(QCoreApplication::translate("qpos::alipay::AlipayClientSettings",
                                               "The Alipay app private key is not loaded. Check "
                                               "[alipay] app_private_key_path."));
    if (alipayPublicKey.isNull())
        return bad(QCoreApplication::translate("qpos::alipay::AlipayClientSettings",
                                               "Alipay's public key is not loaded. Check "
                                               "[alipay] alipay_public_key_path (or the Alipay "
                                               "certificate in certificate mode)."));
    const bool anySn =
        !appCertSn.isEmpty() || !alipayRootCertSn.isEmpty() || !alipayCertSn.isEmpty();
    const bool allSn =
        !appCertSn.isEmpty() && !alipayRootCertSn.isEmpty() && !alipayCertSn.isEmpty();
    if (anySn && !allSn)
        return bad(QCoreApplication::translate("qpos::alipay::AlipayClientSettings",
                                               "Certificate mode needs the app, Alipay and "
                                               "Alipay root certificates. Check [alipay] "
                                               "app_cert_path, alipay_cert_path and "
                                               "alipay_root_cert_path."));
    if (requestTimeout.count() <= 0)
        return bad(QCoreApplication::translate("qpos::alipay::AlipayClientSettings",
                                               "The Alipay request timeout must be positive. "
                                               "Check [alipay] timeout_ms."));
    return Status::success();
}

} // namespace qpos::alipay
