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
// that trade (Kill Bill's Janitor pattern); before a `refund` difference the bill lists and the
// ledger does not have as made (a refund made on the provider's merchant platform, say), about
// that refund (janitorAsks()). On the till, the engine queries and applies the
// answer itself (CheckoutEngine::settleFromProvider); on the store server, the server queries
// and tells the owning till to settle over its push link. Only a provider's answer moves a
// ledger; a verdict that is not `resolved` leaves the item for the manager.
class ReconcileJanitor {
public:
    virtual ~ReconcileJanitor() = default;

    // Called only for the items janitorAsks() names. `done` is called once, later, in the
    // thread of `context`, never after `context` is gone.
    virtual void settle(const DifferenceItem& item, QObject* context,
                        std::function<void(JanitorVerdict)> done) = 0;
};

// Whether the Janitor is asked about `item`: a status or provider_only item, or a refund the
// bill lists that the ledger does not have as made. A refund made here that the bill lacks, or
// of another amount, is the manager's: no query could show the ledger wrong about money it sent.
bool janitorAsks(const DifferenceItem& item);

} // namespace qpos::reconcile
