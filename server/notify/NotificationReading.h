#pragma once

#include "core/common/Result.h"
#include "core/gateways/alipay/AlipayNotification.h"
#include "core/gateways/wechat/WechatNotification.h"
#include "server/storage/ServerRecords.h"

#include <QByteArray>
#include <QMap>

#include <variant>

namespace qpos::server {

// Why a provider's notification post was refused, with the HTTP status the provider gets.
struct NotificationRefusal {
    int status = 400;
    Error error;
};

using NotificationReading = std::variant<NotificationRecord, NotificationRefusal>;

// A provider's notification post checked by the core verifier (signature, merchant, freshness;
// the order is matched later, when the server has it) and read into the record the server
// keeps: the original body and headers with what was read from them. Header names in lower
// case. The verdict and the time of receipt are the caller's.
NotificationReading readAlipayNotification(const alipay::AlipayNotificationVerifier& verifier,
                                           const QByteArray& body,
                                           const QMap<QByteArray, QByteArray>& headers);
NotificationReading readWechatNotification(const wechat::WechatNotificationVerifier& verifier,
                                           const QByteArray& body,
                                           const QMap<QByteArray, QByteArray>& headers);

} // namespace qpos::server
