#pragma once

#include "core/gateways/ProviderBill.h"

namespace qpos::fuzz {

// What holds for every bill a parser accepts, whatever the provider: detail lines in file
// order, every amount within what a provider can charge, refunds given back as positive
// amounts, and the kind matching the provider's word for it.
void checkBill(const gateway::ProviderBill& bill, const QString& paymentWord,
               const QString& refundWord);

} // namespace qpos::fuzz
