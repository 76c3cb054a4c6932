#pragma once

// Alipay's side of a notification for tests that post to a qpos-server directly: a fresh
// RSA2 key pair standing in for Alipay's, and paid-trade notifications signed with it exactly
// as Alipay signs them (core/gateways/alipay/AlipaySignature, the notification scope).

#include "core/crypto/RsaPrivateKey.h"

#include <QByteArray>
#include <QString>

namespace qpos::test {

class AlipayNotificationSigner {
public:
    // qFatal when no key can be made: nothing else could run.
    explicit AlipayNotificationSigner(QString appId);

    const QString& appId() const { return m_appId; }
    // Alipay's public key (PEM), as [alipay] alipay_public_key names it.
    QByteArray publicKeyPem() const;
    // The form body of a TRADE_SUCCESS notification for this order, signed.
    QByteArray paidNotification(const QString& notifyId, const QString& outTradeNo,
                                const QString& totalYuan) const;

private:
    QString m_appId;
    crypto::RsaPrivateKey m_key;
};

} // namespace qpos::test
