#pragma once

#include "sandbox/wechat/WechatTrade.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace qpos::sandbox::wechat_json {

// RFC 3339 in China time, as WeChat writes times: "2026-12-01T10:00:00+08:00".
QString time(qint64 utcMs);

// The transaction JSON of query, codepay and TRANSACTION.SUCCESS notifications.
QJsonObject transaction(const WechatTrade& trade);
// The refund JSON of the refund and refund query answers.
QJsonObject refund(const WechatTrade& trade, const WechatRefund& refund);
// The plaintext of a REFUND.SUCCESS notification.
QJsonObject refundNotification(const WechatTrade& trade, const WechatRefund& refund);
// {"code":…,"message":…}
QByteArray error(const QString& code, const QString& message);
QByteArray compact(const QJsonObject& object);

} // namespace qpos::sandbox::wechat_json
