#include "core/reconcile/ReconcileLedger.h"

namespace qpos::reconcile {

QString refundStateName(RefundRecordState state) {
    switch (state) {
    case RefundRecordState::Requested:
        return QStringLiteral("requested");
    case RefundRecordState::Succeeded:
        return QStringLiteral("succeeded");
    case RefundRecordState::Failed:
        return QStringLiteral("failed");
    case RefundRecordState::HeldByProvider:
        return QStringLiteral("held_by_provider");
    }
    return {};
}

std::optional<RefundRecordState> refundStateFromName(QStringView name) {
    for (const RefundRecordState state :
         {RefundRecordState::Requested, RefundRecordState::Succeeded, RefundRecordState::Failed,
          RefundRecordState::HeldByProvider}) {
        if (name == refundStateName(state))
            return state;
    }
    return std::nullopt;
}

} // namespace qpos::reconcile
