#include "core/reconcile/ReconcileJanitor.h"

#include "core/reconcile/ReconcileLedger.h"

namespace qpos::reconcile {

bool janitorAsks(const DifferenceItem& item) {
    switch (item.kind) {
    case DifferenceClass::Status:
    case DifferenceClass::ProviderOnly:
        return true;
    case DifferenceClass::Refund:
        return item.billLine > 0 && !item.outRequestNo.isEmpty() && item.providerAmountFen &&
               item.localState != refundStateName(RefundRecordState::Succeeded);
    case DifferenceClass::LocalOnly:
    case DifferenceClass::Amount:
    case DifferenceClass::Duplicate:
        break;
    }
    return false;
}

} // namespace qpos::reconcile
