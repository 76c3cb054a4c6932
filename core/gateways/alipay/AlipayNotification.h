#pragma once

#include "core/common/Result.h"
#include "core/crypto/RsaPublicKey.h"
#include "core/gateways/alipay/AlipayCertificates.h"
#include "core/gateways/PaymentNotification.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <memory>
#include <optional>

namespace qpos::alipay {

// Stable error codes of a refused notification (besides AlipaySignature's
// "alipay.malformed_form" for a garbled body or a field given twice, "alipay.unsigned_notification"
// and "alipay.bad_signature" for a forged, tampered or re-signed one).
namespace notification_errc {
inline constexpr char unsupportedSignType[] = "alipay.notification.unsupported_sign_type";
inline constexpr char unsupportedCharset[] = "alipay.notification.unsupported_charset";
inline constexpr char wrongAppId[] = "alipay.notification.wrong_app_id";
inline constexpr char wrongSeller[] = "alipay.notification.wrong_seller";
inline constexpr char missingField[] = "alipay.notification.missing_field";
inline constexpr char unknownTradeStatus[] = "alipay.notification.unknown_trade_status";
inline constexpr char malformedAmount[] = "alipay.notification.malformed_amount";
inline constexpr char malformedTime[] = "alipay.notification.malformed_time";
inline constexpr char unknownOrder[] = "alipay.notification.unknown_order";
inline constexpr char amountMismatch[] = "alipay.notification.amount_mismatch";
} // namespace notification_errc

// Verifies Alipay's asynchronous notifications (POST to notify_url, form-encoded). In order:
// the form parses (no field twice), sign_type is RSA2 and charset utf-8 when given, the
// signature verifies with Alipay's public key over every field but `sign` and `sign_type`,
// app_id is ours, seller_id is ours (when the shop's PID is configured), the required fields are
// there and well-formed, out_trade_no names a local Alipay order, and total_amount equals that
// order's amount. The signature is checked before anything about orders, so a forger learns nothing
// about them.
class AlipayNotificationVerifier {
public:
    // `sellerId`: the shop's PID every notification must name as seller_id; empty: not
    // checked. `certificates` (certificate mode): notifications name no certificate, so one
    // that does not verify with `alipayKey` is tried with each renewed Alipay certificate the
    // till trusts.
    AlipayNotificationVerifier(QString appId, QString sellerId, crypto::RsaPublicKey alipayKey,
                               std::shared_ptr<const AlipayCertificates> certificates = nullptr);

    Result<gateway::PaymentNotification>
    verify(QByteArrayView formBody, const gateway::NotificationOrderLookup& lookup) const;

    // Everything verify() checks except the order: for the store server, which keeps a
    // notification Alipay signed for an order its till has not uploaded yet.
    Result<gateway::PaymentNotification> verifySigned(QByteArrayView formBody) const;
    // verify()'s last step: `order` is an Alipay order for the notification's amount.
    static Status matchOrder(const gateway::PaymentNotification& notification,
                             const std::optional<Order>& order);

    // The body Alipay expects once the notification is recorded: exactly "success". Anything
    // else (failureReply()) makes Alipay send it again later (about 8 times over 25 hours).
    static QByteArray successReply();
    static QByteArray failureReply();

private:
    QString m_appId;
    QString m_sellerId;
    crypto::RsaPublicKey m_alipayKey;
    std::shared_ptr<const AlipayCertificates> m_certificates;
};

} // namespace qpos::alipay
