#pragma once

namespace qpos::bench {

// Sync: a till whose outbox holds `orders` queued orders (one created event each) uploads
// them with the real OutboxUploader, on a thread of its own, to a real QposServer on SQLite.
// Prints orders per second and the total time; false when the server does not hold them all.
bool runSync(int orders);

} // namespace qpos::bench
