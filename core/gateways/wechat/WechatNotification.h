#pragma once

#include "core/common/Result.h"
#include "core/gateways/PaymentNotification.h"
#include "core/gateways/wechat/WechatClientSettings.h"
#include "core/gateways/wechat/WechatKeyring.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QtGlobal>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace qpos::wechat {

// Stable error codes of a refused notification, one per reason.
namespace notification_errc {
inline constexpr char missingHeaders[] = "wechat.notify_missing_headers";
inline constexpr char unknownSerial[] = "wechat.notify_unknown_serial";
inline constexpr char badSignature[] = "wechat.notify_bad_signature";
inline constexpr char stale[] = "wechat.notify_stale";
inline constexpr char malformed[] = "wechat.notify_malformed";
inline constexpr char decryptFailed[] = "wechat.notify_decrypt_failed";
inline constexpr char foreign[] = "wechat.notify_foreign";
inline constexpr char unknownOrder[] = "wechat.notify_unknown_order";
inline constexpr char amountMismatch[] = "wechat.notify_amount_mismatch";
inline constexpr char unsupportedEvent[] = "wechat.notify_unsupported_event";
} // namespace notification_errc

// Verifies WeChat Pay APIv3 notifications (POST JSON to notify_url). In order:
//  1. the Wechatpay-Timestamp/-Nonce/-Signature/-Serial headers are there;
//  2. the serial names one of our platform keys (WeChat Pay public key id or certificate
//     serial, compared without regard to case);
//  3. the timestamp is within the allowed skew of the local clock (older is a replay; either
//     way the signature cannot be trusted);
//  4. the signature verifies over "timestamp\nnonce\nbody\n" with that key;
//  5. the body is the notification envelope (resource_type encrypt-resource, algorithm
//     AEAD_AES_256_GCM) with an event type we handle: TRANSACTION.SUCCESS, REFUND.SUCCESS,
//     REFUND.ABNORMAL, REFUND.CLOSED;
//  6. the resource decrypts with the APIv3 key (AES-256-GCM; any change of ciphertext, tag,
//     nonce or associated data fails here);
//  7. the plaintext is well-formed, for our mchid (and appid, for transactions), names a
//     local WeChat order, and its amount.total equals the order's amount.
// Everything about orders comes after the signature, so a forger learns nothing about them.
// Duplicates verify the same way each time: de-duplication (by notificationId) and
// idempotent handling are the caller's job.
//
// Refund notifications: WeChat gives the amount of this one refund, not the trade's refunded
// total, so `refundedTotalFen` is set only when it is certain: a successful refund of the
// whole trade amount. Otherwise it stays empty and the refund's own amounts are in
// providerFields (amount.refund); the refund ledger learns the total from a refund query.
class WechatNotificationVerifier {
public:
    // `apiV3Key` must be the 32-byte APIv3 key; `nowMs` gives the local UTC clock in ms
    // (empty: the system clock).
    WechatNotificationVerifier(QString mchId, QString appId, QByteArray apiV3Key,
                               QList<WechatPlatformKey> platformKeys,
                               std::function<qint64()> nowMs = {},
                               std::chrono::seconds maxClockSkew = std::chrono::seconds(300));
    // Verifies with the keys of `keyring` as they are at each notification.
    WechatNotificationVerifier(QString mchId, QString appId, QByteArray apiV3Key,
                               std::shared_ptr<const WechatKeyring> keyring,
                               std::function<qint64()> nowMs, std::chrono::seconds maxClockSkew);

    Result<gateway::PaymentNotification>
    verify(const gateway::IncomingNotification& notification,
           const gateway::NotificationOrderLookup& lookup) const;

    // Steps 1 to 7 without the order: for the store server, which keeps a notification WeChat
    // Pay signed for an order its till has not uploaded yet.
    Result<gateway::PaymentNotification>
    verifySigned(const gateway::IncomingNotification& notification) const;
    // Step 7's order check: `order` is a WeChat Pay order for the notification's amount.
    static Status matchOrder(const gateway::PaymentNotification& notification,
                             const std::optional<Order>& order);

    // What WeChat Pay expects: 204 without a body once the notification is recorded; anything
    // else (500 {"code":"FAIL","message":…}) makes it send the notification again later.
    static gateway::NotificationReply reply(bool accepted);

private:
    QString m_mchId;
    QString m_appId;
    QByteArray m_apiV3Key;
    std::shared_ptr<const WechatKeyring> m_keyring;
    std::function<qint64()> m_nowMs;
    std::chrono::seconds m_maxClockSkew;
};

// Builds a notification's `resource` object: {algorithm:"AEAD_AES_256_GCM", ciphertext
// (base64 of ciphertext + 16-byte tag), associated_data, nonce, original_type}. Used by the
// sandbox so the bytes it sends are exactly those the verifier decrypts. `original_type` is
// set to the associated data (WeChat uses the same word, "transaction" or "refund", for both).
// The key must be 32 bytes, the nonce 12 printable ASCII characters (never reused with the
// same key: make it with crypto::randomAlphanumeric(12)), the associated data UTF-8 text.
Result<QJsonObject> encryptNotificationResource(QByteArrayView apiV3Key, QByteArrayView nonce12,
                                                QByteArrayView associatedData,
                                                QByteArrayView plaintext);

} // namespace qpos::wechat
