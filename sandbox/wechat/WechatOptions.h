#pragma once

#include <QString>

namespace qpos::sandbox {

// How the simulated buyer answers a payment code (POST /v3/pay/transactions/codepay) when the
// code itself does not choose (see docs/sandbox.md, "payment codes").
enum class WechatPayBehaviour {
    Immediate,      // 200 SUCCESS at once
    BuyerConfirms,  // 202 USERPAYING until the buyer pays / cancels (control API) or time runs out
    ConfirmThenPay, // 202 USERPAYING, then SUCCESS after confirmDelayMs
    ConfirmThenClose, // 202 USERPAYING, then the buyer declines after confirmDelayMs: PAYERROR
    Declined,         // 403 NOT_ENOUGH (the trade is PAYERROR)
};

QString wechatPayBehaviourName(WechatPayBehaviour behaviour);
// "immediate", "buyer-confirms", "confirm-then-pay", "confirm-then-close", "declined".
bool parseWechatPayBehaviour(const QString& name, WechatPayBehaviour* out);

struct WechatOptions {
    WechatPayBehaviour payBehaviour = WechatPayBehaviour::Immediate;
    int confirmDelayMs = 3000;
    // Multiplies WeChat's notification retry schedule (15s 15s 30s 3m 10m 20m 30m 30m 30m 60m
    // 3h 3h 3h 6h 6h); 0.001 turns it into milliseconds for tests.
    double notifyScale = 1.0;
    int notifyTimeoutMs = 15000;
    // Notify the notify_url of the request when the merchant has none registered.
    bool notifyRequestUrl = false;
    // How far a request's timestamp may be from the clock (WeChat: 5 minutes).
    int timestampToleranceSecs = 300;
    // 0: refunds succeed at once; otherwise they are PROCESSING for this long.
    int refundProcessingMs = 0;
    // How a PROCESSING refund ends: "SUCCESS", "ABNORMAL" (WeChat holds the money until the
    // merchant resolves it) or "CLOSED" (it failed).
    QString refundOutcome = QStringLiteral("SUCCESS");
    QString codeUrlBase = QStringLiteral("weixin://wxpay/bizpayurl?pr=");
    // How long a bill download_url stays valid.
    int billUrlTtlMs = 30000;
    // Refuse today's bill and later, as WeChat does (bills come the next day); off by default
    // so a demo shop can reconcile the day it is in.
    bool strictBillDates = false;
    // Orders without time_expire close after this.
    int defaultTimeoutMinutes = 120;
};

} // namespace qpos::sandbox
