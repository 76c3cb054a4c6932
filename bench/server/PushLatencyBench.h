#pragma once

namespace qpos::bench {

// Push latency: a real till (PosService with its push link) linked to a real QposServer, the
// sandbox as Alipay. For each of `sales` QR sales the buyer pays in the sandbox, which posts
// its signed notification to the server; the time from that post to the till's durable Paid
// commit is taken. Prints p50, p99 and max; false when a sale was not settled by the push.
bool runPushLatency(int sales);

} // namespace qpos::bench
