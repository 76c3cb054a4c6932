#pragma once

#include "core/crypto/X509Certificate.h"
#include "core/gateways/wechat/WechatClientSettings.h"

#include <QList>
#include <QReadWriteLock>
#include <QString>
#include <QStringList>

#include <optional>

namespace qpos::wechat {

// The keys the till trusts for WeChat Pay's answers and notifications, by the name
// `Wechatpay-Serial` gives them: the configured public key and platform certificates, and the
// platform certificates downloaded since. Shared by the answer reader, the notification
// verifier and the certificate refresher, which adds to it while the till runs; thread-safe.
class WechatKeyring {
public:
    explicit WechatKeyring(QList<WechatPlatformKey> keys);

    // The key named `id` (compared without regard to case).
    std::optional<WechatPlatformKey> find(const QString& id) const;
    QList<WechatPlatformKey> keys() const;
    // The platform certificates held, the one valid the longest first.
    QList<crypto::X509Certificate> certificates() const;
    // The key WeChat Pay is asked to sign its answers with, sent as Wechatpay-Serial on every
    // request: the WeChat Pay public key when the till has one (what a merchant moves to),
    // otherwise the platform certificate valid the longest, downloaded ones included. Empty
    // when the keyring holds nothing.
    QString preferredSerial() const;

    // Adds the certificates whose serial is not held yet; returns the serials added.
    QStringList addCertificates(const QList<crypto::X509Certificate>& certificates);

private:
    mutable QReadWriteLock m_lock;
    QList<WechatPlatformKey> m_keys;
};

} // namespace qpos::wechat
