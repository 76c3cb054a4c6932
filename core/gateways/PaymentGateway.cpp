#include "core/gateways/PaymentGateway.h"

namespace qpos::gateway {

PaymentGateway::~PaymentGateway() = default;

} // namespace qpos::gateway
