#pragma once

#include "core/gateways/GatewayAnswers.h"
#include "core/money/Money.h"
#include "core/orders/Channel.h"
#include "core/orders/Order.h"
#include "core/storage/OrderQuery.h"

#include <QList>
#include <QMetaType>
#include <QString>
#include <QtGlobal>

#include <optional>

namespace qpos::checkout {

// Where one checkout stands, as the cashier's payment dialog shows it.
enum class CheckoutPhase {
    Creating,   // the order is written; the request to the provider is on its way
    Waiting,    // QR on screen / payment code submitted: waiting for the buyer
    Confirming, // the buyer is confirming on the phone (payment code, password asked)
    Checking,   // an answer was lost: asking the provider what happened
    Cancelling, // the cashier cancelled or the QR expired: closing it at the provider
    Paid,       // final: the buyer paid
    Cancelled,  // final: closed at the provider before payment (cashier cancelled)
    Expired,    // final: nobody paid in time; closed at the provider
    Failed,     // final: the provider refused (the message says why)
    Reversed,   // final: paid in the race with the cashier's cancel, and refunded by it (or
                // its refund is being confirmed: the order is paid until the provider ends it)
};

QString checkoutPhaseName(CheckoutPhase phase); // "waiting", "paid", ...
bool isFinalPhase(CheckoutPhase phase);

// One change of a running checkout. `requestId` echoes the caller's id from the start call,
// so the caller can tell its own checkout before it knows the order number.
struct CheckoutUpdate {
    QString requestId;
    QString outTradeNo; // empty only when the order could not even be written
    Channel channel = Channel::Alipay;
    PaymentFlow flow = PaymentFlow::QrCode;
    money::Fen amountFen = 0;
    CheckoutPhase phase = CheckoutPhase::Creating;
    QString qrCode;             // QR flow, once the provider answered: the text to encode
    qint64 expiresAtMs = 0;     // QR flow: when the till gives up on the QR (UTC ms)
    QString message;            // translated, plain words for the cashier; empty when none
    std::optional<Order> order; // the order as stored after this change
};

// A refund asked for by a manager.
struct RefundCommand {
    QString requestId;
    QString outTradeNo;
    money::Fen amountFen = 0;
    QString reason;
    QString managerId; // who approved it (checked by PIN before)
};

struct RefundReport {
    QString requestId;
    QString outTradeNo;
    QString outRequestNo;
    bool ok = false;      // the provider confirmed the refund
    bool pending = false; // the outcome is not known yet: recovery will settle it
    // The provider holds the money (WeChat Pay ABNORMAL): a manager must handle it on the
    // provider's merchant platform. Also pending.
    bool heldByProvider = false;
    // Translated, for the manager. A report with no requestId tells of a refund that ended
    // after its own report (closed, refused or held by the provider).
    QString message;
    std::optional<Order> order;
    // A cash refund: the configured drawer did not open; what to do. Empty otherwise.
    QString drawerMessage;
};

// A cash sale as the till recorded it (paid at once: there is no provider to wait for).
struct CashSaleReport {
    QString requestId;
    QString error; // translated; empty when the sale was recorded
    std::optional<Order> order;
    money::Fen tenderedFen = 0;
    money::Fen changeFen = 0;
    // The drawer is configured but did not open: what to do. Empty when it opened or when no
    // drawer is configured (then it is opened by hand and nothing is said).
    QString drawerMessage;
};

// What start-up recovery did before the till opened.
struct RecoveryReport {
    int examined = 0;   // open orders and open refunds looked at
    int settled = 0;    // moved to a final state
    int unresolved = 0; // still open (the provider could not be asked); retried later
    QStringList lines;  // translated, one per settled or unresolved order
};

// How asking the provider about one trade for reconciliation ended
// (CheckoutEngine::settleFromProvider).
enum class SettleFromProviderOutcome {
    Answered,   // the provider answered; its answer is applied to the order, when the till has it
    Running,    // a checkout of the order is running: it settles the order itself, not asked
    NoGateway,  // the provider is not set up on this till
    NotAnswered // the provider could not be asked (network, refusal): `message`
};

struct SettleFromProviderResult {
    SettleFromProviderOutcome outcome = SettleFromProviderOutcome::NotAnswered;
    QString outTradeNo;
    // The till's order before and after the answer; empty when the till does not have it.
    std::optional<OrderState> before;
    std::optional<OrderState> after;
    money::Fen orderFen = 0;
    gateway::TradeSnapshot snapshot; // Answered only
    QString message;                 // translated, unless Answered
};

// Reconciliation's question about one refund the bill lists that the till does not have as
// made: the provider is asked about that refund, and a refund it says was made is recorded.
struct SettleRefundResult {
    SettleFromProviderOutcome outcome = SettleFromProviderOutcome::NotAnswered;
    Channel provider = Channel::Alipay;
    QString outTradeNo;
    QString outRequestNo;
    bool orderKnown = false; // the till has the order, of this provider
    // The till's refund before and after the answer; empty when the till does not have it.
    std::optional<RefundRecordState> before;
    std::optional<RefundRecordState> after;
    money::Fen refundFen = 0;          // the till's refund's amount after
    gateway::RefundQueryResult answer; // Answered only
    QString message; // translated: why it was not asked, or why the answer was not recorded
    QString code;    // why a refund the provider made was not recorded ("refund.number_taken")
};

} // namespace qpos::checkout

Q_DECLARE_METATYPE(qpos::checkout::CheckoutUpdate)
Q_DECLARE_METATYPE(qpos::checkout::RefundReport)
Q_DECLARE_METATYPE(qpos::checkout::RecoveryReport)
Q_DECLARE_METATYPE(qpos::checkout::CashSaleReport)
