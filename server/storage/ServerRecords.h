#pragma once

#include "core/link/TerminalIdentity.h"
#include "core/money/Money.h"
#include "core/orders/OrderState.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QtGlobal>

#include <optional>

namespace qpos::server {

// What the server's tables hold, as values: the rows the storage interface takes and gives.

// How the server judged a notification whose provider signature verified.
enum class NotificationVerdict {
    Matched,        // the server holds its order, for the same amount
    AwaitingOrder,  // its till has not uploaded the order yet: kept, matched on upload
    AmountMismatch, // the uploaded order's amount differs: kept for people to look at
};
QString verdictName(NotificationVerdict verdict);
std::optional<NotificationVerdict> verdictFromName(const QString& name);

// How far along an order is: an upload never moves the server's copy to a lower rank (a late
// `pending` never overwrites `paid`).
int orderStateRank(OrderState state);

// A notification's headers as stored: one JSON object, names in lower case.
QString headersText(const QMap<QByteArray, QByteArray>& headers);
QMap<QByteArray, QByteArray> headersFrom(const QString& text);

// A provider's notification as received, once its signature verified.
struct NotificationRecord {
    QString provider;       // "alipay" or "wechat"
    QString notificationId; // notify_id / the WeChat notification's id
    QString outTradeNo;
    QString channel; // the order channel's name, for matching
    money::Fen totalFen = 0;
    QMap<QByteArray, QByteArray> headers; // as received, names in lower case
    QByteArray body;                      // as received
    qint64 receivedAtMs = 0;
    NotificationVerdict verdict = NotificationVerdict::AwaitingOrder;
};

struct RecordedNotification {
    qint64 id = 0;                       // the server's id: the relay message's id
    bool duplicate = false;              // already recorded: nothing changed
    std::optional<qint64> terminalRowId; // the till it is relayed to, when enrolled
};

// One of a terminal's secrets as stored.
struct StoredSecret {
    QString keyId;
    QByteArray secret;
    std::optional<qint64> validUntilMs; // set once a newer secret replaced it
};

struct TerminalRecord {
    qint64 rowId = 0;
    link::TerminalIdentity identity;
    QList<StoredSecret> secrets; // newest first
    qint64 createdAtMs = 0;
    std::optional<qint64> enrolledAtMs;
    std::optional<qint64> revokedAtMs;
};

// The server's copy of one order, from the till's uploaded events.
struct ServerOrder {
    QString outTradeNo;
    qint64 terminalRowId = 0;
    QString channel;
    money::Fen amountFen = 0;
    money::Fen refundedFen = 0;
    OrderState state = OrderState::Created;
    qint64 lastEventId = 0;
    qint64 updatedAtMs = 0;
};

// One uploaded outbox row, read from its payload.
struct SyncedEntry {
    qint64 seq = 0;
    QJsonObject payload;
    QString outTradeNo;
    QString channel;
    money::Fen amountFen = 0;
    money::Fen refundedFen = 0;
    OrderState newState = OrderState::Created;
    qint64 eventId = 0;
    qint64 atMs = 0;
    std::optional<qint64> paidAtMs; // the provider's payment time; older tills do not send it
    // The provider's time of the refund the entry records, when the till had it.
    std::optional<qint64> refundedAtMs;
    QString outRequestNo; // the refund the entry records; empty from older tills
    // The people the store's report names; empty from older tills.
    QString cashierId;  // the order's cashier
    QString approvedBy; // on a refund: who approved it
    QString reason;     // on a refund: why
};

// A relay message waiting for its till's acknowledgement.
struct PendingRelay {
    qint64 id = 0; // the notification's id
    QString provider;
    QString outTradeNo;
    qint64 receivedAtMs = 0;
    QMap<QByteArray, QByteArray> headers;
    QByteArray body;
};

} // namespace qpos::server
