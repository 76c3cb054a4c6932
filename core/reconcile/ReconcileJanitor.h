#pragma once

#include "core/reconcile/ReconcileTypes.h"

#include <QString>

#include <functional>

class QObject;

namespace qpos::reconcile {

// The Janitor's word on one difference.
struct JanitorVerdict {
    bool resolved = false; // the provider's answer settled it: the ledger now agrees
    QString evidence;      // what the provider answered, for the item (no secret)
};

// Before a `status` or `provider_only` difference is recorded, the provider is asked about
// that trade (Kill Bill's Janitor pattern). On the till, the engine queries and applies the
// answer itself (CheckoutEngine::settleFromProvider); on the store server, the server queries
// and tells the owning till to settle over its push link. Only a provider's answer moves a
// ledger; a verdict that is not `resolved` leaves the item for the manager.
class ReconcileJanitor {
public:
    virtual ~ReconcileJanitor() = default;

    // Called for status and provider_only items only. `done` is called once, later, in the
    // thread of `context`, never after `context` is gone.
    virtual void settle(const DifferenceItem& item, QObject* context,
                        std::function<void(JanitorVerdict)> done) = 0;
};

} // namespace qpos::reconcile
