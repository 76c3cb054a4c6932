#include "sandbox/wechat/WechatJson.h"

#include "core/gateways/wechat/WechatTime.h"

#include <QJsonDocument>

namespace qpos::sandbox::wechat_json {

namespace {

QString stateDescription(const WechatTrade& t) {
    if (!t.stateDesc.isEmpty())
        return t.stateDesc;
    switch (t.state) {
    case WechatTradeState::NotPay:
        return QStringLiteral("订单未支付");
    case WechatTradeState::UserPaying:
        return QStringLiteral("需要用户输入支付密码");
    case WechatTradeState::Success:
        return QStringLiteral("支付成功");
    case WechatTradeState::Refund:
        return QStringLiteral("订单发生过退款");
    case WechatTradeState::Closed:
        return QStringLiteral("订单已关闭");
    case WechatTradeState::Revoked:
        return QStringLiteral("订单已撤销");
    case WechatTradeState::PayError:
        return QStringLiteral("支付失败");
    }
    return {};
}

} // namespace

QString time(qint64 utcMs) {
    return wechat::chinaRfc3339(utcMs);
}

QJsonObject transaction(const WechatTrade& t) {
    const bool paid = t.isPaid();
    QJsonObject amount{{QStringLiteral("total"), t.total},
                       {QStringLiteral("currency"), QStringLiteral("CNY")}};
    if (paid) {
        amount.insert(QStringLiteral("payer_total"), t.total);
        amount.insert(QStringLiteral("payer_currency"), QStringLiteral("CNY"));
    }
    QJsonObject o{
        {QStringLiteral("appid"), t.appId},
        {QStringLiteral("mchid"), t.mchId},
        {QStringLiteral("out_trade_no"), t.outTradeNo},
        {QStringLiteral("trade_type"), t.kind == WechatTrade::Kind::Native
                                           ? QStringLiteral("NATIVE")
                                           : QStringLiteral("MICROPAY")},
        {QStringLiteral("trade_state"), wechatTradeStateName(t.state)},
        {QStringLiteral("trade_state_desc"), stateDescription(t)},
        {QStringLiteral("attach"), QString()},
        {QStringLiteral("amount"), amount},
    };
    if (paid) {
        o.insert(QStringLiteral("transaction_id"), t.transactionId);
        o.insert(QStringLiteral("bank_type"), QStringLiteral("OTHERS"));
        o.insert(QStringLiteral("success_time"), time(t.paidMs));
    }
    if (!t.openId.isEmpty())
        o.insert(QStringLiteral("payer"), QJsonObject{{QStringLiteral("openid"), t.openId}});
    if (!t.deviceId.isEmpty())
        o.insert(QStringLiteral("scene_info"),
                 QJsonObject{{QStringLiteral("device_id"), t.deviceId}});
    return o;
}

QJsonObject refund(const WechatTrade& t, const WechatRefund& r) {
    QJsonObject o{
        {QStringLiteral("refund_id"), r.refundId},
        {QStringLiteral("out_refund_no"), r.outRefundNo},
        {QStringLiteral("transaction_id"), t.transactionId},
        {QStringLiteral("out_trade_no"), t.outTradeNo},
        {QStringLiteral("channel"), QStringLiteral("ORIGINAL")},
        {QStringLiteral("user_received_account"), QStringLiteral("支付用户零钱")},
        {QStringLiteral("create_time"), time(r.createdMs)},
        {QStringLiteral("status"), wechatRefundStatusName(r.status)},
        {QStringLiteral("funds_account"), QStringLiteral("AVAILABLE")},
        {QStringLiteral("amount"),
         QJsonObject{{QStringLiteral("total"), t.total},
                     {QStringLiteral("refund"), r.amount},
                     {QStringLiteral("payer_total"), t.total},
                     {QStringLiteral("payer_refund"), r.amount},
                     {QStringLiteral("settlement_total"), t.total},
                     {QStringLiteral("settlement_refund"), r.amount},
                     {QStringLiteral("discount_refund"), 0},
                     {QStringLiteral("currency"), QStringLiteral("CNY")}}},
    };
    if (r.successMs > 0)
        o.insert(QStringLiteral("success_time"), time(r.successMs));
    return o;
}

QJsonObject refundNotification(const WechatTrade& t, const WechatRefund& r) {
    return QJsonObject{
        {QStringLiteral("mchid"), t.mchId},
        {QStringLiteral("out_trade_no"), t.outTradeNo},
        {QStringLiteral("transaction_id"), t.transactionId},
        {QStringLiteral("out_refund_no"), r.outRefundNo},
        {QStringLiteral("refund_id"), r.refundId},
        {QStringLiteral("refund_status"), wechatRefundStatusName(r.status)},
        {QStringLiteral("success_time"), time(r.successMs)},
        {QStringLiteral("user_received_account"), QStringLiteral("支付用户零钱")},
        {QStringLiteral("amount"), QJsonObject{{QStringLiteral("total"), t.total},
                                               {QStringLiteral("refund"), r.amount},
                                               {QStringLiteral("payer_total"), t.total},
                                               {QStringLiteral("payer_refund"), r.amount}}},
    };
}

QByteArray error(const QString& code, const QString& message) {
    return compact(
        QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}});
}

QByteArray compact(const QJsonObject& object) {
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace qpos::sandbox::wechat_json
