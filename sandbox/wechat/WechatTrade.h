#pragma once

#include "core/money/Money.h"

#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

namespace qpos::sandbox {

// WeChat Pay's trade_state values.
enum class WechatTradeState {
    NotPay,     // a Native order nobody paid yet
    UserPaying, // a payment code payment waiting for the buyer's password
    Success,
    Refund, // paid, and at least one refund was asked for
    Closed,
    Revoked,  // reversed (撤销)
    PayError, // the payment failed (balance, the buyer declined)
};

// "NOTPAY", "USERPAYING", "SUCCESS", "REFUND", "CLOSED", "REVOKED", "PAYERROR".
QString wechatTradeStateName(WechatTradeState state);

enum class WechatRefundStatus {
    Processing,
    Success,
    // WeChat holds the money (the buyer's card was closed, say) until the merchant resolves it
    // on the merchant platform, when it becomes SUCCESS or CLOSED.
    Abnormal,
    Closed, // the refund failed; its amount is the merchant's again
};

// "PROCESSING", "SUCCESS", "ABNORMAL", "CLOSED".
QString wechatRefundStatusName(WechatRefundStatus status);
std::optional<WechatRefundStatus> wechatRefundStatusFromName(const QString& name);

struct WechatRefund {
    QString outRefundNo;
    QString refundId;
    money::Fen amount = 0;
    QString reason;
    QString notifyUrl; // the refund request's own notify_url, if any
    WechatRefundStatus status = WechatRefundStatus::Processing;
    qint64 createdMs = 0;
    qint64 successMs = 0;
};

struct WechatTrade {
    enum class Kind { Native, CodePay };

    QString mchId;
    QString appId;
    QString outTradeNo;
    QString transactionId; // given at creation; shown to clients once paid
    Kind kind = Kind::Native;
    WechatTradeState state = WechatTradeState::NotPay;
    QString stateDesc; // trade_state_desc of a failed payment
    money::Fen total = 0;
    money::Fen refunded = 0; // every refund asked for, processing or done
    QString description;
    QString deviceId;
    QString storeId;
    QString notifyUrl; // the request's notify_url
    QString codeUrl;   // weixin://wxpay/bizpayurl?pr=TOKEN (Native)
    QString codeToken; // its pr value
    QString authCode;  // payment code (kept only to tell the behaviour; never shown)
    QString openId;    // the payer, once known
    qint64 createdMs = 0;
    qint64 paidMs = 0;
    qint64 closedMs = 0;
    qint64 expiresMs = 0;
    QList<WechatRefund> refunds;
    // Set only on the copy a bill is built from (the bill_change_state fault): its payment
    // line says REVOKED where the trade is SUCCESS.
    bool listedAsRevoked = false;

    bool isOpen() const {
        return state == WechatTradeState::NotPay || state == WechatTradeState::UserPaying;
    }
    bool isPaid() const { return paidMs > 0; }
};

} // namespace qpos::sandbox

Q_DECLARE_METATYPE(qpos::sandbox::WechatTrade)
