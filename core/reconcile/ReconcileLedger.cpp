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

} // namespace qpos::reconcile
