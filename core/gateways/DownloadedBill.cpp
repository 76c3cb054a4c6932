#include "core/gateways/DownloadedBill.h"

namespace qpos::gateway {

QString billAvailabilityName(BillAvailability availability) {
    switch (availability) {
    case BillAvailability::Ready:
        return QStringLiteral("ready");
    case BillAvailability::NotReadyYet:
        return QStringLiteral("not_ready_yet");
    case BillAvailability::NoBill:
        return QStringLiteral("no_bill");
    }
    return {};
}

} // namespace qpos::gateway
