#pragma once

#include <QString>

namespace qpos::sandbox {

// How the simulated buyer answers alipay.trade.pay (a payment code scanned by the cashier).
enum class AlipayPayBehaviour {
    Immediate,        // 10000: paid at once
    BuyerConfirms,    // 10003: waits for the buyer (control API / GUI) or the trade's timeout
    ConfirmThenPay,   // 10003, then paid after confirmDelayMs
    ConfirmThenClose, // 10003, then the buyer declines after confirmDelayMs: TRADE_CLOSED
    Declined,         // 40004 ACQ.BUYER_BALANCE_NOT_ENOUGH
};

QString alipayPayBehaviourName(AlipayPayBehaviour behaviour);
// Accepts the names above in kebab case: "immediate", "buyer-confirms", "confirm-then-pay",
// "confirm-then-close", "declined".
bool parseAlipayPayBehaviour(const QString& name, AlipayPayBehaviour* out);

struct AlipayOptions {
    AlipayPayBehaviour payBehaviour = AlipayPayBehaviour::Immediate;
    int confirmDelayMs = 3000;
    // Multiplies Alipay's notification retry schedule (4m, 10m, 10m, 1h, 2h, 6h, 15h);
    // 0.0001 turns it into milliseconds for tests.
    double notifyScale = 1.0;
    int notifyTimeoutMs = 15000;
    // Alipay also sends WAIT_BUYER_PAY notifications only when the merchant asked for them.
    bool notifyWaitBuyerPay = false;
    // How far a request's timestamp may be from the sandbox's clock.
    int timestampToleranceSecs = 600;
    QString qrBaseUrl = QStringLiteral("https://qr.alipay.com/");
    // How long a bill_download_url stays valid (Alipay: 30 seconds).
    int billUrlTtlMs = 30000;
    // Refuse today's and this month's bills as Alipay does (T+1); off by default so a demo
    // shop can reconcile the day it is in.
    bool strictBillDates = false;
    // Precreate and pay orders close after this when the request has no timeout_express.
    int defaultTimeoutMinutes = 120;
};

} // namespace qpos::sandbox
