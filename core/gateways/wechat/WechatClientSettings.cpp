#include "core/gateways/wechat/WechatClientSettings.h"

#include "core/crypto/KeyFiles.h"
#include "core/gateways/alipay/AlipayClientSettings.h" // isLoopbackHost
#include "core/gateways/wechat/WechatCertificateFolder.h"
#include "core/gateways/wechat/WechatKeyring.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>

#include <algorithm>

namespace qpos::wechat {

namespace {

constexpr qsizetype kApiV3KeySize = 32;

// Overwrites a buffer that held a secret before it is released.
void wipeBytes(QByteArray& bytes) {
    if (bytes.isEmpty())
        return;
    volatile char* p = bytes.data();
    for (qsizetype i = 0; i < bytes.size(); ++i)
        p[i] = 0;
    bytes.clear();
}

Error settingsError(const QString& message) {
    return Error{QStringLiteral("wechat.settings_invalid"), message};
}

bool isPrintableAscii(QByteArrayView text) {
    for (char c : text) {
        if (c < 0x21 || c > 0x7e)
            return false;
    }
    return true;
}

// The APIv3 key file holds the 32 characters set in the merchant platform; one trailing line
// break (an editor's) is allowed.
Result<QByteArray> loadApiV3Key(const QString& path) {
    Result<QByteArray> contents = crypto::readSecretFile(path);
    if (!contents)
        return contents.error();
    QByteArray bytes = std::move(contents).value();
    if (bytes.endsWith("\r\n"))
        bytes.chop(2);
    else if (bytes.endsWith('\n'))
        bytes.chop(1);
    if (bytes.size() != kApiV3KeySize || !isPrintableAscii(bytes)) {
        const qsizetype size = bytes.size();
        wipeBytes(bytes);
        return Error{QStringLiteral("wechat.apiv3_key_invalid"),
                     QCoreApplication::translate(
                         "qpos::wechat",
                         "%1: the APIv3 key must be exactly 32 characters (letters and digits, "
                         "as set in the WeChat Pay merchant platform under API security), "
                         "but the file holds %2 bytes or other characters. Put only the key in "
                         "the file, on one line.")
                         .arg(QDir::toNativeSeparators(path))
                         .arg(size)};
    }
    return bytes;
}

// WeChat Pay answers are verified with the WeChat Pay public key (pub_key.pem, named by its
// id "PUB_KEY_ID_…") or, on older merchant accounts, a platform certificate (named by its
// serial number).
Result<WechatPlatformKey> loadPlatformKey(const QString& path, const QString& publicKeyId) {
    QByteArray head;
    {
        QFile file(path);
        if (file.open(QIODevice::ReadOnly))
            head = file.read(crypto::kMaxKeyFileSize);
    }
    if (head.contains("-----BEGIN CERTIFICATE-----")) {
        Result<QList<crypto::X509Certificate>> chain = crypto::loadCertificateFile(path);
        if (!chain)
            return chain.error();
        const crypto::X509Certificate& certificate = chain->constFirst();
        Result<crypto::RsaPublicKey> key = certificate.publicKey();
        if (!key)
            return key.error();
        return WechatPlatformKey{certificate.serialHex().toUpper(), *key, certificate};
    }
    Result<crypto::RsaPublicKey> key = crypto::loadPublicKeyFile(path);
    if (!key)
        return key.error();
    if (publicKeyId.isEmpty())
        return settingsError(QCoreApplication::translate(
            "qpos::wechat",
            "The id of the WeChat Pay public key is missing. Copy it (PUB_KEY_ID_…) from the "
            "merchant platform into [wechat] wechatpay_public_key_id."));
    return WechatPlatformKey{publicKeyId, *key, {}};
}

// Every certificate of a platform certificate file (WeChat Pay may have two while it renews
// one), each named by its serial, the one valid the longest first.
Result<QList<WechatPlatformKey>> loadPlatformCertificates(const QString& path) {
    Result<QList<crypto::X509Certificate>> chain = crypto::loadCertificateFile(path);
    if (!chain)
        return chain.error();
    QList<crypto::X509Certificate> certificates = *chain;
    std::stable_sort(certificates.begin(), certificates.end(),
                     [](const crypto::X509Certificate& a, const crypto::X509Certificate& b) {
                         return a.notAfter() > b.notAfter();
                     });
    QList<WechatPlatformKey> keys;
    for (const crypto::X509Certificate& certificate : certificates) {
        Result<crypto::RsaPublicKey> key = certificate.publicKey();
        if (!key)
            return Error{key.error().code, QDir::toNativeSeparators(path) + QStringLiteral(": ") +
                                               key.error().message};
        keys.append(WechatPlatformKey{certificate.serialHex().toUpper(), *key, certificate});
    }
    return keys;
}

} // namespace

QString WechatClientSettings::wechatpaySerial() const {
    if (!requestSerial.isEmpty())
        return requestSerial;
    return platformKeys.isEmpty() ? QString() : platformKeys.constFirst().id;
}

Result<WechatNotificationKeys> WechatNotificationKeys::fromConfig(const WechatConfig& config) {
    WechatNotificationKeys keys;
    Result<QByteArray> apiV3Key = loadApiV3Key(config.apiV3KeyPath);
    if (!apiV3Key)
        return apiV3Key.error();
    keys.apiV3Key = *apiV3Key;

    // The public key and the platform certificates may both be set while the merchant moves
    // from one to the other: each verifies what names it.
    if (!config.wechatpayPublicKeyPath.isEmpty()) {
        Result<WechatPlatformKey> platformKey =
            loadPlatformKey(config.wechatpayPublicKeyPath, config.wechatpayPublicKeyId.trimmed());
        if (!platformKey)
            return platformKey.error();
        keys.platformKeys.append(*platformKey);
    }
    if (!config.platformCertPath.isEmpty()) {
        Result<QList<WechatPlatformKey>> certificates =
            loadPlatformCertificates(config.platformCertPath);
        if (!certificates)
            return certificates.error();
        for (const WechatPlatformKey& certificate : *certificates) {
            const bool known =
                std::any_of(keys.platformKeys.cbegin(), keys.platformKeys.cend(),
                            [&](const WechatPlatformKey& k) { return k.id == certificate.id; });
            if (!known)
                keys.platformKeys.append(certificate);
        }
    }
    // A merchant on platform certificates has them downloaded (WechatCertificateRefresher);
    // those kept from earlier downloads are trusted from the start, while still valid.
    const QString configuredCertificate =
        !config.platformCertPath.isEmpty() ? config.platformCertPath
        : !keys.platformKeys.isEmpty() && !keys.platformKeys.constFirst().certificate.isNull()
            ? config.wechatpayPublicKeyPath
            : QString();
    if (!configuredCertificate.isEmpty()) {
        keys.certificateDir = WechatCertificateFolder::besideConfigured(configuredCertificate);
        WechatKeyring keyring(keys.platformKeys);
        keyring.addCertificates(WechatCertificateFolder(keys.certificateDir)
                                    .loadValid(QDateTime::currentMSecsSinceEpoch()));
        keys.platformKeys = keyring.keys();
    }
    return keys;
}

Result<WechatClientSettings> WechatClientSettings::fromConfig(const WechatConfig& config) {
    WechatClientSettings s;
    s.gatewayUrl = QUrl(config.gatewayUrl);
    s.mchId = config.mchId.trimmed();
    s.appId = config.appId.trimmed();
    s.merchantSerialNo = config.merchantSerialNo.trimmed();
    s.notifyUrl = config.notifyUrl.trimmed();
    s.requestTimeout = std::chrono::milliseconds(config.timeoutMs);

    Result<crypto::RsaPrivateKey> merchantKey =
        crypto::loadPrivateKeyFile(config.merchantPrivateKeyPath);
    if (!merchantKey)
        return merchantKey.error();
    s.merchantPrivateKey = *merchantKey;

    Result<WechatNotificationKeys> keys = WechatNotificationKeys::fromConfig(config);
    if (!keys)
        return keys.error();
    s.apiV3Key = keys->apiV3Key;
    s.platformKeys = keys->platformKeys;
    s.certificateDir = keys->certificateDir;
    // The public key, when there is one, is what the merchant moves to; otherwise the platform
    // certificate valid the longest.
    s.requestSerial = s.platformKeys.isEmpty() ? QString() : s.platformKeys.constFirst().id;
    if (!s.platformKeys.isEmpty() && !s.platformKeys.constFirst().certificate.isNull()) {
        const QList<crypto::X509Certificate> newestFirst =
            WechatKeyring(s.platformKeys).certificates();
        s.requestSerial = newestFirst.constFirst().serialHex().toUpper();
    }

    if (Status valid = s.validate(); !valid)
        return valid.error();
    return s;
}

Status WechatClientSettings::validate() const {
    auto bad = [](const char* text) {
        return settingsError(QCoreApplication::translate("qpos::wechat", text));
    };
    if (!gatewayUrl.isValid() || gatewayUrl.host().isEmpty())
        return bad(QT_TRANSLATE_NOOP("qpos::wechat",
                                     "The WeChat Pay gateway address is not a valid URL. Check "
                                     "[wechat] gateway_url."));
    if (gatewayUrl.scheme() != u"https" &&
        !(gatewayUrl.scheme() == u"http" && alipay::isLoopbackHost(gatewayUrl.host())))
        return bad(QT_TRANSLATE_NOOP("qpos::wechat",
                                     "The WeChat Pay gateway must be reached over https (plain "
                                     "http only to this machine's sandbox). Check [wechat] "
                                     "gateway_url."));
    if (mchId.isEmpty())
        return bad(QT_TRANSLATE_NOOP("qpos::wechat",
                                     "The WeChat Pay merchant id is missing. Check [wechat] "
                                     "mch_id."));
    if (appId.isEmpty())
        return bad(QT_TRANSLATE_NOOP("qpos::wechat",
                                     "The WeChat Pay AppID is missing. Check [wechat] app_id."));
    if (merchantPrivateKey.isNull())
        return bad(QT_TRANSLATE_NOOP("qpos::wechat",
                                     "The WeChat Pay merchant private key is not loaded. Check "
                                     "[wechat] merchant_private_key."));
    if (merchantSerialNo.isEmpty())
        return bad(QT_TRANSLATE_NOOP("qpos::wechat",
                                     "The serial number of the merchant API certificate is "
                                     "missing. Check [wechat] merchant_serial_no."));
    if (apiV3Key.size() != kApiV3KeySize)
        return bad(QT_TRANSLATE_NOOP("qpos::wechat",
                                     "The WeChat Pay APIv3 key must be exactly 32 characters. "
                                     "Check the file named by [wechat] apiv3_key_file."));
    if (platformKeys.isEmpty())
        return bad(QT_TRANSLATE_NOOP("qpos::wechat",
                                     "No WeChat Pay public key or platform certificate is "
                                     "loaded, so answers cannot be verified. Check [wechat] "
                                     "wechatpay_public_key and platform_certificate."));
    for (const WechatPlatformKey& key : platformKeys) {
        if (key.id.isEmpty() || key.key.isNull())
            return bad(QT_TRANSLATE_NOOP("qpos::wechat",
                                         "A WeChat Pay public key has no id or is not loaded. "
                                         "Check [wechat] wechatpay_public_key and "
                                         "wechatpay_public_key_id."));
    }
    if (requestTimeout.count() <= 0)
        return bad(QT_TRANSLATE_NOOP("qpos::wechat",
                                     "The WeChat Pay request timeout must be positive. Check "
                                     "[wechat] timeout_ms."));
    if (maxClockSkew.count() <= 0)
        return bad(QT_TRANSLATE_NOOP("qpos::wechat",
                                     "The allowed clock difference for WeChat Pay answers must "
                                     "be positive."));
    return Status::success();
}

} // namespace qpos::wechat
