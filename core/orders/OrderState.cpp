#include "core/orders/OrderState.h"

#include <QCoreApplication>

namespace qpos {

QString orderStateName(OrderState state) {
    switch (state) {
    case OrderState::Created:
        return QStringLiteral("created");
    case OrderState::Pending:
        return QStringLiteral("pending");
    case OrderState::Unknown:
        return QStringLiteral("unknown");
    case OrderState::Paid:
        return QStringLiteral("paid");
    case OrderState::PartiallyRefunded:
        return QStringLiteral("partially_refunded");
    case OrderState::Refunded:
        return QStringLiteral("refunded");
    case OrderState::Cancelled:
        return QStringLiteral("cancelled");
    case OrderState::Failed:
        return QStringLiteral("failed");
    }
    return QStringLiteral("invalid(%1)").arg(int(state));
}

std::optional<OrderState> orderStateFromName(QStringView name) {
    for (OrderState state : kAllOrderStates) {
        if (orderStateName(state) == name)
            return state;
    }
    return std::nullopt;
}

QString transitionSourceName(TransitionSource source) {
    switch (source) {
    case TransitionSource::Cashier:
        return QStringLiteral("cashier");
    case TransitionSource::Request:
        return QStringLiteral("request");
    case TransitionSource::Poll:
        return QStringLiteral("poll");
    case TransitionSource::Push:
        return QStringLiteral("push");
    case TransitionSource::Recovery:
        return QStringLiteral("recovery");
    case TransitionSource::Reconcile:
        return QStringLiteral("reconcile");
    case TransitionSource::Cash:
        return QStringLiteral("cash");
    }
    return QStringLiteral("invalid(%1)").arg(int(source));
}

std::optional<TransitionSource> transitionSourceFromName(QStringView name) {
    for (TransitionSource source : kAllTransitionSources) {
        if (transitionSourceName(source) == name)
            return source;
    }
    return std::nullopt;
}

QString orderStateLabel(OrderState state) {
    switch (state) {
    case OrderState::Created:
        return QCoreApplication::translate("qpos::OrderState", "New");
    case OrderState::Pending:
        return QCoreApplication::translate("qpos::OrderState", "Waiting for payment");
    case OrderState::Unknown:
        return QCoreApplication::translate("qpos::OrderState", "Checking with provider");
    case OrderState::Paid:
        return QCoreApplication::translate("qpos::OrderState", "Paid");
    case OrderState::PartiallyRefunded:
        return QCoreApplication::translate("qpos::OrderState", "Partially refunded");
    case OrderState::Refunded:
        return QCoreApplication::translate("qpos::OrderState", "Refunded");
    case OrderState::Cancelled:
        return QCoreApplication::translate("qpos::OrderState", "Cancelled");
    case OrderState::Failed:
        return QCoreApplication::translate("qpos::OrderState", "Failed");
    }
    return orderStateName(state);
}

bool isFinal(OrderState state) {
    return !needsRecovery(state);
}

bool needsRecovery(OrderState state) {
    return state == OrderState::Created || state == OrderState::Pending ||
           state == OrderState::Unknown;
}

} // namespace qpos
