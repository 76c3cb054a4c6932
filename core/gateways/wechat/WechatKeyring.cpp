#include "core/gateways/wechat/WechatKeyring.h"

#include <algorithm>
#include <utility>

namespace qpos::wechat {

WechatKeyring::WechatKeyring(QList<WechatPlatformKey> keys)
    : m_keys(std::move(keys)) {}

std::optional<WechatPlatformKey> WechatKeyring::find(const QString& id) const {
    QReadLocker lock(&m_lock);
    for (const WechatPlatformKey& key : m_keys) {
        if (key.id.compare(id, Qt::CaseInsensitive) == 0)
            return key;
    }
    return std::nullopt;
}

QList<WechatPlatformKey> WechatKeyring::keys() const {
    QReadLocker lock(&m_lock);
    return m_keys;
}

QList<crypto::X509Certificate> WechatKeyring::certificates() const {
    QList<crypto::X509Certificate> out;
    {
        QReadLocker lock(&m_lock);
        for (const WechatPlatformKey& key : m_keys) {
            if (!key.certificate.isNull())
                out.append(key.certificate);
        }
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const crypto::X509Certificate& a, const crypto::X509Certificate& b) {
                         return a.notAfter() > b.notAfter();
                     });
    return out;
}

QString WechatKeyring::preferredSerial() const {
    {
        QReadLocker lock(&m_lock);
        for (const WechatPlatformKey& key : m_keys) {
            if (key.certificate.isNull())
                return key.id;
        }
    }
    const QList<crypto::X509Certificate> newestFirst = certificates();
    return newestFirst.isEmpty() ? QString() : newestFirst.constFirst().serialHex().toUpper();
}

QStringList WechatKeyring::addCertificates(const QList<crypto::X509Certificate>& certificates) {
    QStringList added;
    QWriteLocker lock(&m_lock);
    for (const crypto::X509Certificate& certificate : certificates) {
        const QString serial = certificate.serialHex().toUpper();
        const bool held = std::any_of(m_keys.cbegin(), m_keys.cend(), [&](const auto& key) {
            return key.id.compare(serial, Qt::CaseInsensitive) == 0;
        });
        if (held)
            continue;
        Result<crypto::RsaPublicKey> publicKey = certificate.publicKey();
        if (!publicKey)
            continue;
        m_keys.append(WechatPlatformKey{serial, *publicKey, certificate});
        added.append(serial);
    }
    return added;
}

} // namespace qpos::wechat
