#pragma once

#include "core/gateways/PaymentGateway.h"
#include "core/orders/Channel.h"

#include <QList>

#include <map>
#include <memory>

namespace qpos::checkout {

// The payment gateways a terminal offers, by channel. Owns them; they live in the thread
// that uses them (the till's worker thread, or qposctl's main thread).
class GatewayDirectory {
public:
    GatewayDirectory() = default;
    GatewayDirectory(const GatewayDirectory&) = delete;
    GatewayDirectory& operator=(const GatewayDirectory&) = delete;

    // Replaces any gateway of the same channel.
    void add(std::unique_ptr<gateway::PaymentGateway> gateway);
    // Null when the terminal does not offer this channel.
    gateway::PaymentGateway* find(Channel channel) const;
    QList<Channel> channels() const;
    bool isEmpty() const { return m_gateways.empty(); }

private:
    std::map<Channel, std::unique_ptr<gateway::PaymentGateway>> m_gateways;
};

} // namespace qpos::checkout
