#include "sandbox/wechat/WechatOptions.h"

#include <array>
#include <utility>

namespace qpos::sandbox {

namespace {

constexpr std::array<std::pair<WechatPayBehaviour, const char*>, 5> kBehaviours{{
    {WechatPayBehaviour::Immediate, "immediate"},
    {WechatPayBehaviour::BuyerConfirms, "buyer-confirms"},
    {WechatPayBehaviour::ConfirmThenPay, "confirm-then-pay"},
    {WechatPayBehaviour::ConfirmThenClose, "confirm-then-close"},
    {WechatPayBehaviour::Declined, "declined"},
}};

} // namespace

QString wechatPayBehaviourName(WechatPayBehaviour behaviour) {
    for (const auto& [b, name] : kBehaviours) {
        if (b == behaviour)
            return QString::fromLatin1(name);
    }
    return {};
}

bool parseWechatPayBehaviour(const QString& name, WechatPayBehaviour* out) {
    for (const auto& [b, n] : kBehaviours) {
        if (name == QLatin1String(n)) {
            *out = b;
            return true;
        }
    }
    return false;
}

} // namespace qpos::sandbox
