#include "core/checkout/GatewayDirectory.h"

namespace qpos::checkout {

void GatewayDirectory::add(std::unique_ptr<gateway::PaymentGateway> gateway) {
    const Channel channel = gateway->channel();
    m_gateways[channel] = std::move(gateway);
}

gateway::PaymentGateway* GatewayDirectory::find(Channel channel) const {
    const auto it = m_gateways.find(channel);
    return it == m_gateways.end() ? nullptr : it->second.get();
}

QList<Channel> GatewayDirectory::channels() const {
    QList<Channel> all;
    for (const auto& [channel, gateway] : m_gateways)
        all << channel;
    return all;
}

} // namespace qpos::checkout
