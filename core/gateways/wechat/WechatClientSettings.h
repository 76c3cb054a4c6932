#pragma once

#include "core/common/Result.h"
#include "core/config/AppConfig.h"
#include "core/crypto/RsaPrivateKey.h"
#include "core/crypto/RsaPublicKey.h"
#include "core/crypto/X509Certificate.h"
#include "core/gateways/CircuitBreaker.h"
#include "core/gateways/ConnectionSettings.h"
#include "core/gateways/RetryPolicy.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QtGlobal>
#include <QUrl>

#include <chrono>

namespace qpos::wechat {

// A key WeChat Pay signs answers and notifications with, and the id it names it by in the
// `Wechatpay-Serial` header: the WeChat Pay public key's id ("PUB_KEY_ID_…") or a platform
// certificate's serial number (hex, compared without regard to case).
struct WechatPlatformKey {
    QString id;
    crypto::RsaPublicKey key;
    crypto::X509Certificate certificate; // a platform certificate's; null for the public key
};

// What verifies a notification: the APIv3 key and the keys WeChat Pay signs with. The store
// server needs these and nothing else of [wechat].
struct WechatNotificationKeys {
    QByteArray apiV3Key; // exactly 32 bytes
    QList<WechatPlatformKey> platformKeys;
    QString certificateDir; // where downloaded platform certificates are kept; empty without one

    // Loads [wechat] api_v3_key, wechatpay_public_key (with its id) and platform_cert, and the
    // still-valid certificates downloaded beside the configured one.
    static Result<WechatNotificationKeys> fromConfig(const WechatConfig& config);
};

// Everything a WechatClient needs, with keys already loaded (the composition root loads them
// from the files named in [wechat]; key bytes never pass through here as text).
struct WechatClientSettings {
    QUrl gatewayUrl; // https://api.mch.weixin.qq.com; plain http only to a loopback host
    QString mchId;
    QString appId;
    crypto::RsaPrivateKey merchantPrivateKey; // apiclient_key.pem
    QString merchantSerialNo;                 // the merchant API certificate's serial (hex)
    QByteArray apiV3Key;                      // exactly 32 bytes: decrypts notifications
    QList<WechatPlatformKey> platformKeys;    // verify answers and notifications
    // Sent as Wechatpay-Serial on every request: the key WeChat Pay is asked to sign the
    // answer with. fromConfig() sets the WeChat Pay public key's id when one is configured,
    // else the serial of the platform certificate valid the longest. Empty: the first of
    // platformKeys.
    QString requestSerial;
    QString notifyUrl; // WeChat requires one for Native orders

    // Platform certificates: where the downloaded ones are kept (beside the configured
    // platform_certificate). Empty: the merchant is on the WeChat Pay public key alone and
    // nothing is downloaded.
    QString certificateDir;
    // A download is due this long after the last one...
    std::chrono::milliseconds certificateRefreshEvery{std::chrono::hours(12)};
    // ...which the client checks this often (the clock may jump; a timer of 12 h would not
    // notice a suspended till).
    std::chrono::milliseconds certificateCheckEvery{std::chrono::minutes(10)};
    // An answer naming a serial the till does not have downloads at once, but not again within
    // this time: a forged serial cannot make the till hammer WeChat Pay.
    std::chrono::milliseconds unknownSerialMinGap{std::chrono::seconds(60)};

    // One HTTP exchange; also the most a create or pay call waits.
    std::chrono::milliseconds requestTimeout{15000};
    // Answers and notifications whose Wechatpay-Timestamp is further than this from the local
    // clock are not trusted (a replay, or a clock to fix).
    std::chrono::seconds maxClockSkew{300};
    gateway::RetryPolicy retry;
    gateway::CircuitBreakerPolicy breaker;
    qsizetype maxAnswerBytes = qsizetype(1) << 20;
    // Trusted CAs besides the system's, keep-alive ([network]; the factory fills it).
    gateway::ConnectionSettings connection;
    qsizetype maxBillBytes = qsizetype(64) << 20;

    // Loads the merchant key, the APIv3 key file (32 characters, private to the service user)
    // and the WeChat Pay public key or platform certificate named in [wechat]. Fails with the
    // loader's message, which names the file and what to do.
    static Result<WechatClientSettings> fromConfig(const WechatConfig& config);

    // The key WeChat Pay should sign answers with: requestSerial, else the first platform key.
    QString wechatpaySerial() const;

    // Checks the settings hold together: a usable gateway URL (https, or http to loopback),
    // mchid, appid, merchant key and serial, a 32-byte APIv3 key, at least one platform key.
    Status validate() const;
};

} // namespace qpos::wechat
