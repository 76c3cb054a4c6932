#pragma once

#include "core/crypto/RsaPrivateKey.h"
#include "core/crypto/RsaPublicKey.h"

#include <QByteArray>
#include <QString>

namespace qpos::sandbox {

// A merchant registered with the simulated WeChat Pay: its mchid and appid, the public key and
// serial of its API certificate (requests are verified with them), its APIv3 key
// (notifications are encrypted with it) and where its notifications go (empty: nowhere).
struct WechatMerchant {
    QString mchId;
    QString appId;
    crypto::RsaPublicKey publicKey;
    QString serialNo; // hex, compared without regard to case
    QByteArray apiV3Key;
    QString notifyUrl;
};

// What a client needs of a merchant the sandbox made (WechatSimulator::createMerchant).
struct WechatMerchantCredentials {
    QString mchId;
    QString appId;
    crypto::RsaPrivateKey privateKey;
    QString serialNo;
    QByteArray apiV3Key;
};

} // namespace qpos::sandbox
