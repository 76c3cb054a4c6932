#pragma once

#include "core/common/Result.h"
#include "core/gateways/GatewayOutcome.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace qpos::wechat {

// One WeChat Pay API answer after transport and signature checks: either a verified answer
// (HTTP status and JSON body) or the reason there is none (`failure`: timeout, dropped
// connection, 5xx, an unverifiable or stale answer, a body that is not JSON).
struct WechatReply {
    int httpStatus = 0;
    QJsonObject fields; // the JSON body; empty for 204 or an empty body
    std::optional<gateway::Unknown> failure;
    bool transient = false; // worth repeating an idempotent call

    bool verified() const { return !failure.has_value(); }
    bool isSuccessStatus() const { return verified() && httpStatus >= 200 && httpStatus < 300; }
    // The error answer's code ("ORDER_NOT_EXIST"); empty on success.
    QString errorCode() const {
        return isSuccessStatus() ? QString() : fields.value(QLatin1String("code")).toString();
    }

    static WechatReply failed(Error reason, bool transient) {
        WechatReply reply;
        reply.failure = gateway::Unknown{std::move(reason)};
        reply.transient = transient;
        return reply;
    }
    static WechatReply answer(int httpStatus, QJsonObject fields) {
        WechatReply reply;
        reply.httpStatus = httpStatus;
        reply.fields = std::move(fields);
        return reply;
    }
};

} // namespace qpos::wechat
