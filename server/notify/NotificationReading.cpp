#include "server/notify/NotificationReading.h"

#include "core/orders/Channel.h"

namespace qpos::server {

namespace {

// WeChat Pay: a signature or timestamp problem is 401, anything else about the body 400.
int wechatRefusalStatus(const QString& code) {
    using namespace wechat::notification_errc;
    for (const char* unauthorized : {missingHeaders, unknownSerial, badSignature, stale}) {
        if (code == QLatin1String(unauthorized))
            return 401;
    }
    return 400;
}

NotificationRecord recordOf(const gateway::PaymentNotification& verified, const QString& provider,
                            Channel channel, const QByteArray& body,
                            const QMap<QByteArray, QByteArray>& headers) {
    NotificationRecord record;
    record.provider = provider;
    record.notificationId = verified.notificationId;
    record.outTradeNo = verified.outTradeNo;
    record.channel = channelName(channel);
    record.totalFen = verified.totalFen;
    record.headers = headers;
    record.body = body;
    return record;
}

} // namespace

NotificationReading readAlipayNotification(const alipay::AlipayNotificationVerifier& verifier,
                                           const QByteArray& body,
                                           const QMap<QByteArray, QByteArray>& headers) {
    const Result<gateway::PaymentNotification> verified = verifier.verifySigned(body);
    if (!verified)
        return NotificationRefusal{400, verified.error()};
    return recordOf(*verified, QStringLiteral("alipay"), Channel::Alipay, body, headers);
}

NotificationReading readWechatNotification(const wechat::WechatNotificationVerifier& verifier,
                                           const QByteArray& body,
                                           const QMap<QByteArray, QByteArray>& headers) {
    const Result<gateway::PaymentNotification> verified =
        verifier.verifySigned(gateway::IncomingNotification{body, headers});
    if (!verified)
        return NotificationRefusal{wechatRefusalStatus(verified.error().code), verified.error()};
    return recordOf(*verified, QStringLiteral("wechat"), Channel::WeChat, body, headers);
}

} // namespace qpos::server
