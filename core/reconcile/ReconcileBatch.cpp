#include "core/reconcile/ReconcileBatch.h"

#include <QCoreApplication>

namespace qpos::reconcile {

QString batchStateName(BatchState state) {
    switch (state) {
    case BatchState::Complete:
        return QStringLiteral("complete");
    case BatchState::WaitingForBill:
        return QStringLiteral("waiting_for_bill");
    case BatchState::Overdue:
        return QStringLiteral("overdue");
    case BatchState::NoBill:
        return QStringLiteral("no_bill");
    case BatchState::Failed:
        return QStringLiteral("failed");
    }
    return {};
}

std::optional<BatchState> batchStateFromName(QStringView name) {
    for (BatchState state : kAllBatchStates) {
        if (batchStateName(state) == name)
            return state;
    }
    return std::nullopt;
}

QString batchStateLabel(BatchState state) {
    switch (state) {
    case BatchState::Complete:
        return QCoreApplication::translate("qpos::reconcile", "Reconciled");
    case BatchState::WaitingForBill:
        return QCoreApplication::translate("qpos::reconcile", "Waiting for the bill");
    case BatchState::Overdue:
        return QCoreApplication::translate("qpos::reconcile", "Bill overdue");
    case BatchState::NoBill:
        return QCoreApplication::translate("qpos::reconcile", "No bill (no trades)");
    case BatchState::Failed:
        return QCoreApplication::translate("qpos::reconcile", "Bill unreadable");
    }
    return {};
}

QString itemResolutionName(ItemResolution resolution) {
    switch (resolution) {
    case ItemResolution::Open:
        return QStringLiteral("open");
    case ItemResolution::Automatic:
        return QStringLiteral("automatic");
    case ItemResolution::Handled:
        return QStringLiteral("handled");
    }
    return {};
}

std::optional<ItemResolution> itemResolutionFromName(QStringView name) {
    for (ItemResolution resolution : kAllItemResolutions) {
        if (itemResolutionName(resolution) == name)
            return resolution;
    }
    return std::nullopt;
}

QString itemResolutionLabel(ItemResolution resolution) {
    switch (resolution) {
    case ItemResolution::Open:
        return QCoreApplication::translate("qpos::reconcile", "Open");
    case ItemResolution::Automatic:
        return QCoreApplication::translate("qpos::reconcile", "Settled by the provider's answer");
    case ItemResolution::Handled:
        return QCoreApplication::translate("qpos::reconcile", "Handled by a manager");
    }
    return {};
}

} // namespace qpos::reconcile
