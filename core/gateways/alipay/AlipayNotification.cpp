#include "core/gateways/alipay/AlipayNotification.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/gateways/alipay/AlipayAnswers.h"
#include "core/gateways/alipay/AlipaySignature.h"

#include <QCoreApplication>

#include <utility>

namespace qpos::alipay {

using gateway::PaymentNotification;
using gateway::TradeState;

namespace {

Error refuse(const char* code, const QString& message) {
    return Error{QString::fromLatin1(code), message};
}

} // namespace

AlipayNotificationVerifier::AlipayNotificationVerifier(
    QString appId, QString sellerId, crypto::RsaPublicKey alipayKey,
    std::shared_ptr<const AlipayCertificates> certificates)
    : m_appId(std::move(appId))
    , m_sellerId(std::move(sellerId))
    , m_alipayKey(std::move(alipayKey))
    , m_certificates(std::move(certificates)) {}

QByteArray AlipayNotificationVerifier::successReply() {
    return QByteArrayLiteral("success");
}

QByteArray AlipayNotificationVerifier::failureReply() {
    return QByteArrayLiteral("failure");
}

Result<PaymentNotification>
AlipayNotificationVerifier::verify(QByteArrayView formBody,
                                   const gateway::NotificationOrderLookup& lookup) const {
    Result<PaymentNotification> signedNotification = verifySigned(formBody);
    if (!signedNotification)
        return signedNotification;
    const std::optional<Order> order =
        lookup ? lookup(signedNotification->outTradeNo) : std::nullopt;
    if (Status matched = matchOrder(*signedNotification, order); !matched)
        return matched.error();
    return signedNotification;
}

Result<PaymentNotification>
AlipayNotificationVerifier::verifySigned(QByteArrayView formBody) const {
    Result<Params> parsed = parseForm(formBody);
    if (!parsed)
        return parsed.error();
    const Params& params = *parsed;

    const QString signType = params.value(QStringLiteral("sign_type"));
    if (!signType.isEmpty() && signType != u"RSA2")
        return refuse(notification_errc::unsupportedSignType,
                      QCoreApplication::translate("qpos::alipay::AlipayNotification",
                                                  "The notification is signed with %1; only "
                                                  "RSA2 is accepted. It was refused.")
                          .arg(signType));
    const QString charset = params.value(QStringLiteral("charset"));
    if (!charset.isEmpty() && charset.compare(u"utf-8", Qt::CaseInsensitive) != 0)
        return refuse(notification_errc::unsupportedCharset,
                      QCoreApplication::translate("qpos::alipay::AlipayNotification",
                                                  "The notification uses the character set %1; "
                                                  "only utf-8 is accepted. It was refused.")
                          .arg(charset));
    if (Status verified = verifyNotification(params, m_alipayKey); !verified) {
        bool renewedVerifies = false;
        if (m_certificates && verified.error().code == u"alipay.bad_signature") {
            for (const RenewedAlipayCertificate& renewed : m_certificates->renewed())
                renewedVerifies =
                    renewedVerifies || verifyNotification(params, renewed.publicKey).ok();
        }
        if (!renewedVerifies)
            return verified.error();
    }

    const QString appId = params.value(QStringLiteral("app_id"));
    if (appId != m_appId)
        return refuse(notification_errc::wrongAppId,
                      QCoreApplication::translate("qpos::alipay::AlipayNotification",
                                                  "The notification is for Alipay app %1, not "
                                                  "this shop's app %2. It was refused; check "
                                                  "[alipay] app_id and notify_url.")
                          .arg(appId.isEmpty() ? QStringLiteral("-") : appId, m_appId));

    // Alipay's notification rules: the money must go to this shop's account, not merely come
    // through its app (an app can serve several sellers).
    const QString sellerId = params.value(QStringLiteral("seller_id"));
    if (!m_sellerId.isEmpty() && sellerId != m_sellerId)
        return refuse(notification_errc::wrongSeller,
                      QCoreApplication::translate("qpos::alipay::AlipayNotification",
                                                  "The notification is for the Alipay seller %1, "
                                                  "not this shop's account %2. It was refused; "
                                                  "check [alipay] seller_id.")
                          .arg(sellerId.isEmpty() ? QStringLiteral("-") : sellerId, m_sellerId));

    for (const char16_t* field :
         {u"notify_id", u"out_trade_no", u"trade_status", u"total_amount"}) {
        if (params.value(QString::fromUtf16(field)).isEmpty())
            return refuse(notification_errc::missingField,
                          QCoreApplication::translate("qpos::alipay::AlipayNotification",
                                                      "The notification has no %1. It was "
                                                      "refused.")
                              .arg(QString::fromUtf16(field)));
    }

    PaymentNotification n;
    n.channel = Channel::Alipay;
    n.notificationId = params.value(QStringLiteral("notify_id"));
    n.outTradeNo = params.value(QStringLiteral("out_trade_no"));
    n.providerTradeNo = params.value(QStringLiteral("trade_no"));
    n.providerState = params.value(QStringLiteral("trade_status"));
    const std::optional<TradeState> state = answers::tradeStateOf(n.providerState);
    if (!state)
        return refuse(notification_errc::unknownTradeStatus,
                      QCoreApplication::translate("qpos::alipay::AlipayNotification",
                                                  "The notification's trade_status %1 is not one "
                                                  "Alipay defines. It was refused.")
                          .arg(n.providerState));
    n.state = *state;

    // Amounts: total is required and positive; the others are optional.
    auto amount = [&params](const QString& key, money::Sign sign) -> Result<money::Fen> {
        Result<money::Fen> fen = money::parseYuan(params.value(key), sign, key);
        if (!fen)
            return refuse(notification_errc::malformedAmount,
                          QCoreApplication::translate("qpos::alipay::AlipayNotification",
                                                      "The notification's amount is malformed "
                                                      "(%1). It was refused.")
                              .arg(fen.error().message));
        return fen;
    };
    Result<money::Fen> total = amount(QStringLiteral("total_amount"), money::Sign::Positive);
    if (!total)
        return total.error();
    n.totalFen = *total;
    struct OptionalAmount {
        const char16_t* key;
        std::optional<money::Fen>* target;
    };
    for (const OptionalAmount& field : {OptionalAmount{u"receipt_amount", &n.receivedFen},
                                        OptionalAmount{u"buyer_pay_amount", &n.buyerPaidFen},
                                        OptionalAmount{u"refund_fee", &n.refundedTotalFen}}) {
        const QString key = QString::fromUtf16(field.key);
        if (params.value(key).isEmpty())
            continue;
        Result<money::Fen> fen = amount(key, money::Sign::NonNegative);
        if (!fen)
            return fen.error();
        *field.target = *fen;
    }

    struct OptionalTime {
        const char16_t* key;
        std::optional<qint64>* target;
    };
    for (const OptionalTime& field :
         {OptionalTime{u"gmt_create", &n.createdAtMs}, OptionalTime{u"gmt_payment", &n.paidAtMs},
          OptionalTime{u"gmt_refund", &n.refundedAtMs},
          OptionalTime{u"notify_time", &n.notifiedAtMs}}) {
        const QString key = QString::fromUtf16(field.key);
        const QString value = params.value(key);
        if (value.isEmpty())
            continue;
        // gmt_refund carries milliseconds ("2026-11-22 10:30:00.123"); the second is enough.
        const std::optional<qint64> ms =
            china_calendar::parseTimestamp(QStringView(value).left(19));
        if (!ms || (value.size() > 19 && value[19] != u'.'))
            return refuse(notification_errc::malformedTime,
                          QCoreApplication::translate("qpos::alipay::AlipayNotification",
                                                      "The notification's %1 \"%2\" is not a "
                                                      "time. It was refused.")
                              .arg(key, value));
        *field.target = *ms;
    }
    n.outRequestNo = params.value(QStringLiteral("out_biz_no"));

    for (auto it = params.cbegin(); it != params.cend(); ++it) {
        if (it.key() != u"sign") // the signature is no provider "field" and is never stored
            n.providerFields.insert(it.key(), it.value());
    }
    return n;
}

Status AlipayNotificationVerifier::matchOrder(const PaymentNotification& notification,
                                              const std::optional<Order>& order) {
    if (!order || order->channel != Channel::Alipay)
        return refuse(notification_errc::unknownOrder,
                      QCoreApplication::translate("qpos::alipay::AlipayNotification",
                                                  "The notification names order %1, which this "
                                                  "shop does not have as an Alipay order. It was "
                                                  "refused.")
                          .arg(notification.outTradeNo));
    if (order->amountFen != notification.totalFen)
        return refuse(notification_errc::amountMismatch,
                      QCoreApplication::translate("qpos::alipay::AlipayNotification",
                                                  "The notification says order %1 is for %2 "
                                                  "yuan, but the order is for %3 yuan. It was "
                                                  "refused.")
                          .arg(notification.outTradeNo, money::formatYuan(notification.totalFen),
                               money::formatYuan(order->amountFen)));
    return {};
}

} // namespace qpos::alipay
