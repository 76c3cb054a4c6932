#pragma once

#include "core/common/Result.h"
#include "core/gateways/CircuitBreaker.h"
#include "core/gateways/DownloadedBill.h"
#include "core/gateways/GatewayAnswers.h"
#include "core/gateways/GatewayRequests.h"
#include "core/gateways/GatewayResult.h"
#include "core/gateways/PaymentNotification.h"
#include "core/orders/Channel.h"

#include <functional>
#include <memory>
#include <vector>

class QObject;

namespace qpos::gateway {

// One payment provider, as the checkout engine, recovery, refunds and reconciliation see it
// (docs/architecture.md, "Gateways"). Alipay and WeChat Pay implement it (core/gateways/alipay,
// core/gateways/wechat).
//
// Every network call is asynchronous and returns at once; the result arrives through the
// `done` callback, which is:
//  - always called later from the event loop, never from inside the call itself (no
//    re-entrancy surprises for the caller);
//  - called exactly once, in the thread of `context`, and never after `context` has been
//    destroyed (as with QObject::connect and a context object) — so a checkout screen that
//    goes away is never called back. A null `context` means the gateway itself;
//  - never called after the gateway itself has been destroyed (in-flight requests are
//    aborted; their outcome is then unknown to the caller, who resolves it by querying).
// Why callbacks and not a call object with a signal: the caller writes no bookkeeping for
// call objects' lifetimes, a result cannot be missed by connecting too late, and the context
// rule above is the one Qt programmers already know.
//
// Calls must be made from the thread the gateway lives in (it owns a QNetworkAccessManager).
// The outcome rules are in GatewayOutcome.h: a Refused order can be marked failed, an Unknown
// one must be resolved by queryTrade(), InProgress means keep querying.
class PaymentGateway {
public:
    virtual ~PaymentGateway();

    virtual Channel channel() const = 0;

    // A QR order; the QR encodes the answer's qrCode. Never retried: a lost answer is Unknown.
    virtual void createQrOrder(const QrOrderRequest& request, QObject* context,
                               Completion<QrOrder> done) = 0;
    // Charges the buyer's payment code. Success means paid; InProgress means the buyer is
    // confirming (query until final). Never retried: a lost answer is Unknown.
    virtual void payByCode(const PayByCodeRequest& request, QObject* context,
                           Completion<TradeSnapshot> done) = 0;
    // The trade's state now. A trade the provider does not know (yet) is a success with
    // TradeState::NotCreated, not a failure.
    virtual void queryTrade(const TradeRef& trade, QObject* context,
                            Completion<TradeSnapshot> done) = 0;
    // Undoes a trade whatever its state: closes it when unpaid, refunds it when paid. For an
    // outcome that is not known (a pay that timed out).
    virtual void cancelTrade(const TradeRef& trade, QObject* context,
                             Completion<CancelResult> done) = 0;
    // Closes an unpaid trade (QR expired, cashier cancelled).
    virtual void closeTrade(const TradeRef& trade, QObject* context,
                            Completion<CloseResult> done) = 0;
    // Refunds with the caller's stable outRequestNo; retried only with that same number.
    virtual void refund(const RefundRequest& request, QObject* context,
                        Completion<RefundResult> done) = 0;
    virtual void queryRefund(const RefundQuery& query, QObject* context,
                             Completion<RefundQueryResult> done) = 0;
    // Fetches and parses the provider's bill (may take a while; retried as a whole). A bill
    // not made yet, or none at all, is a success whose `availability` says so (retry later /
    // nothing to reconcile); a damaged file (zip, gzip, digest, summary totals) is Unknown,
    // never a partial bill.
    virtual void downloadBill(const BillRequest& request, QObject* context,
                              Completion<DownloadedBill> done) = 0;

    // Verifies an asynchronous notification (no network): the provider's signature, that it
    // is for our app, and that it names a local order with the same amount. Each refusal has
    // its own error code.
    virtual Result<PaymentNotification>
    verifyNotification(const IncomingNotification& notification,
                       const NotificationOrderLookup& lookup) const = 0;
    // verifyNotification() for a caller that can wait: a provider whose keys can be fetched
    // anew (WeChat Pay's platform certificates) first fetches them when the notification names
    // a key it does not have, then verifies once more. `done` is called once, later, in the
    // thread of `context` (null: the caller's thread) and never after `context` is gone; the
    // lookup runs in the gateway's thread. By default: verifyNotification() at once.
    virtual void verifyNotificationLater(const IncomingNotification& notification,
                                         NotificationOrderLookup lookup, QObject* context,
                                         std::function<void(Result<PaymentNotification>)> done);
    // What to answer the provider: `accepted` after the notification was verified and
    // recorded; otherwise the provider will send it again later.
    virtual NotificationReply notificationReply(bool accepted) const = 0;

    // Opens the kept-alive connection to the provider, or keeps the open one, so that the next
    // call needs no TCP or TLS handshake (the till calls it when the cashier starts keying an
    // amount). Returns at once and reports nothing: a failure shows on the next call.
    virtual void warmUp() = 0;

    // Whether the provider is reachable, for the UI and the doctor command; connect to the
    // breaker's stateChanged() to follow it.
    virtual const CircuitBreaker& circuitBreaker() const = 0;
    CircuitState circuitState() const { return circuitBreaker().state(); }
};

// Calls `done` with `verdict` later, as verifyNotificationLater() promises.
void deliverNotificationVerdict(QObject* context,
                                std::function<void(Result<PaymentNotification>)> done,
                                Result<PaymentNotification> verdict);

// The terminal's gateways, one per configured provider.
using GatewayList = std::vector<std::unique_ptr<PaymentGateway>>;

} // namespace qpos::gateway
