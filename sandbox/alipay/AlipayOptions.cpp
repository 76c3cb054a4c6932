#include "sandbox/alipay/AlipayOptions.h"

#include <array>
#include <utility>

namespace qpos::sandbox {

namespace {

constexpr std::array<std::pair<AlipayPayBehaviour, const char*>, 5> kBehaviours{{
    {AlipayPayBehaviour::Immediate, "immediate"},
    {AlipayPayBehaviour::BuyerConfirms, "buyer-confirms"},
    {AlipayPayBehaviour::ConfirmThenPay, "confirm-then-pay"},
    {AlipayPayBehaviour::ConfirmThenClose, "confirm-then-close"},
    {AlipayPayBehaviour::Declined, "declined"},
}};

} // namespace

QString alipayPayBehaviourName(AlipayPayBehaviour behaviour) {
    for (const auto& [b, name] : kBehaviours) {
        if (b == behaviour)
            return QString::fromLatin1(name);
    }
    return {};
}

bool parseAlipayPayBehaviour(const QString& name, AlipayPayBehaviour* out) {
    for (const auto& [b, n] : kBehaviours) {
        if (name == QLatin1String(n)) {
            *out = b;
            return true;
        }
    }
    return false;
}

} // namespace qpos::sandbox
