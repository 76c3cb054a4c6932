// The push link's WebSocket frames: decodeLinkMessage over any frame. Properties: a frame that
// decodes is within the size limit and survives encode -> decode unchanged, message by message
// and field by field (a relayed notification's original body and headers byte for byte); a
// notification or settle request that decodes is refused by no other id than its own
// (refusedNotificationId, refusedSettleId).
#include "core/link/LinkMessages.h"
#include "tests/fuzz/FuzzSupport.h"

#include <variant>

using namespace qpos;
using namespace qpos::link;

namespace {

bool same(const LinkMessage& a, const LinkMessage& b) {
    if (a.index() != b.index())
        return false;
    if (const auto* hello = std::get_if<LinkHello>(&a))
        return hello->serverTimeMs == std::get<LinkHello>(b).serverTimeMs;
    if (const auto* relayed = std::get_if<RelayedNotification>(&a)) {
        const RelayedNotification& other = std::get<RelayedNotification>(b);
        return relayed->id == other.id && relayed->provider == other.provider &&
               relayed->outTradeNo == other.outTradeNo &&
               relayed->receivedAtMs == other.receivedAtMs && relayed->headers == other.headers &&
               relayed->body == other.body;
    }
    if (const auto* settle = std::get_if<SettleRequest>(&a)) {
        const SettleRequest& other = std::get<SettleRequest>(b);
        return settle->id == other.id && settle->provider == other.provider &&
               settle->outTradeNo == other.outTradeNo;
    }
    if (const auto* answer = std::get_if<SettleAnswer>(&a)) {
        const SettleAnswer& other = std::get<SettleAnswer>(b);
        return answer->id == other.id && answer->result == other.result &&
               answer->state == other.state && answer->providerState == other.providerState &&
               answer->code == other.code;
    }
    const LinkAck& ack = std::get<LinkAck>(a);
    const LinkAck& other = std::get<LinkAck>(b);
    return ack.id == other.id && ack.result == other.result && ack.code == other.code;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::ensureCoreApplication();
    const QByteArrayView frame = fuzz::bytesOf(data, size);
    const Result<LinkMessage> message = decodeLinkMessage(frame);
    if (!message) {
        QPOS_FUZZ_CHECK(!message.error().code.isEmpty() && !message.error().message.isEmpty());
        return 0;
    }
    QPOS_FUZZ_CHECK(frame.size() <= kMaxLinkMessageBytes);
    if (const auto* relayed = std::get_if<RelayedNotification>(&*message))
        QPOS_FUZZ_CHECK(refusedNotificationId(frame) == relayed->id);
    if (const auto* settle = std::get_if<SettleRequest>(&*message))
        QPOS_FUZZ_CHECK(refusedSettleId(frame) == settle->id);
    const QByteArray encoded = encodeLinkMessage(*message);
    const Result<LinkMessage> again = decodeLinkMessage(encoded);
    QPOS_FUZZ_CHECK(again.ok());
    QPOS_FUZZ_CHECK(same(*message, *again));
    QPOS_FUZZ_CHECK(encodeLinkMessage(*again) == encoded);
    return 0;
}
