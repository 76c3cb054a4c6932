#include "core/gateways/GatewayOutcome.h"

namespace qpos::gateway {

QString outcomeKindName(OutcomeKind kind) {
    switch (kind) {
    case OutcomeKind::Success:
        return QStringLiteral("success");
    case OutcomeKind::InProgress:
        return QStringLiteral("in_progress");
    case OutcomeKind::Refused:
        return QStringLiteral("refused");
    case OutcomeKind::Unknown:
        return QStringLiteral("unknown");
    }
    return {};
}

} // namespace qpos::gateway
