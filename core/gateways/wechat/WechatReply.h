#pragma once

#include "core/gateways/ProviderReply.h"
#include "core/gateways/wechat/WechatCodes.h"
#include "core/gateways/wechat/WechatSignature.h"

#include <QByteArray>

#include <QJsonObject>
#include <QString>

#include <memory>
#include <utility>

namespace qpos::wechat {

// One WeChat Pay API answer after transport and signature checks: either a verified answer
// (HTTP status and JSON body) or the reason there is none (`failure`: timeout, dropped
// connection, 5xx, an unverifiable or stale answer, a body that is not JSON).
struct WechatReply : gateway::ProviderReply {
    int httpStatus = 0;
    QJsonObject fields; // the JSON body; empty for 204 or an empty body

    // An answer signed with a key the till does not have (its Wechatpay-Serial names none):
    // kept as it came, so that it can be verified once more after the platform certificates
    // were downloaded. Set only beside `failure`.
    struct Unverified {
        int httpStatus = 0;
        WechatpayHeaders headers;
        QByteArray body;
    };
    std::shared_ptr<const Unverified> unknownKey;

    bool isSuccessStatus() const { return verified() && httpStatus >= 200 && httpStatus < 300; }
    // The error answer's code ("ORDER_NOT_EXIST"); empty on success.
    QString errorCode() const {
        return isSuccessStatus() ? QString() : fields.value(QLatin1String("code")).toString();
    }
    // What the error answer means (classifyWechatError()); meaningful only for a verified
    // answer that is not a success.
    WechatErrorVerdict errorVerdict() const {
        return classifyWechatError(httpStatus, errorCode(),
                                   fields.value(QLatin1String("message")).toString());
    }

    static WechatReply answer(int httpStatus, QJsonObject fields) {
        WechatReply reply;
        reply.httpStatus = httpStatus;
        reply.fields = std::move(fields);
        return reply;
    }
};

} // namespace qpos::wechat
