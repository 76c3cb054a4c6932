#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QMap>
#include <QString>

#include <optional>
#include <variant>

namespace qpos::link {

// The messages on the push link between the store backend and a till
// (docs/server-protocol.md, "Push link"): one JSON object per WebSocket text frame.

inline constexpr qsizetype kMaxLinkMessageBytes = 256 * 1024;

// Sent by the server when a connection opens.
struct LinkHello {
    qint64 serverTimeMs = 0;
};

// A provider's notification, relayed with its original bytes and headers.
struct RelayedNotification {
    qint64 id = 0;    // the server's message id; acknowledged by the till
    QString provider; // "alipay" or "wechat"
    QString outTradeNo;
    qint64 receivedAtMs = 0;
    QMap<QByteArray, QByteArray> headers; // names in lower case
    QByteArray body;                      // untouched
};

// The till's acknowledgement, after its durable commit or its refusal.
struct LinkAck {
    enum class Result { Applied, Rejected };
    qint64 id = 0;
    Result result = Result::Applied;
    QString code; // the till's error code when rejected
};

// Reconciliation's Janitor asks the till to settle one of its orders: the till queries the
// provider itself and applies the answer through its engine. The server never says a state.
// With a refund's request number, the till asks about that refund instead and records it when
// the provider made it (a refund made on the provider's merchant platform).
struct SettleRequest {
    qint64 id = 0;    // the server's request id; answered by the till
    QString provider; // "alipay" or "wechat"
    QString outTradeNo;
    QString outRequestNo; // empty: the trade
};

// The till's answer to a settle request, after its durable commit.
struct SettleAnswer {
    enum class Result {
        Applied,   // the provider answered and the order moved
        Unchanged, // the provider answered and the order stayed, or the till has no such order
        Failed,    // the provider could not be asked: `code`
    };
    qint64 id = 0;
    Result result = Result::Failed;
    // Applied, Unchanged: the till's order state after, or for a refund the refund's ("succeeded");
    // empty: no such order (or refund)
    QString state;
    QString providerState; // Applied, Unchanged: the provider's word ("TRADE_SUCCESS")
    QString code;          // Failed: why ("settle.not_answered")
};

using LinkMessage =
    std::variant<LinkHello, RelayedNotification, LinkAck, SettleRequest, SettleAnswer>;

QByteArray encodeLinkMessage(const LinkMessage& message);
// Errors: link.malformed (not JSON, unknown type, a field missing or of the wrong form),
// link.too_large.
Result<LinkMessage> decodeLinkMessage(QByteArrayView frame);
// The id of a notification frame that decodeLinkMessage() refused but whose id is readable
// (a provider this protocol does not know, a field of the wrong form), so that the till can
// refuse it by id and the server stops sending it again. Nullopt for any other frame.
std::optional<qint64> refusedNotificationId(QByteArrayView frame);
// The same for a settle request, which the till then answers Failed with the decoding's code.
std::optional<qint64> refusedSettleId(QByteArrayView frame);

QString settleResultName(SettleAnswer::Result result);

} // namespace qpos::link
