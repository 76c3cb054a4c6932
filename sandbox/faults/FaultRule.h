#pragma once

#include "core/common/Result.h"
#include "core/money/Money.h"

#include <QDate>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace qpos::sandbox {

// What can go wrong on request. Request faults apply to a provider's API (Alipay's
// /gateway.do, WeChat Pay's /v3 endpoints) and to the bill file download (method
// "bill.download"); notify_* faults apply to asynchronous notifications.
enum class FaultKind {
    Latency,            // answer `latency_ms` later (the request is applied at once)
    HttpError,          // answer HTTP `status` (default 503) with an HTML page; not applied
    Timeout,            // never answer (the connection stays open); not applied
    DropAfterCommit,    // apply the request, then close the connection without an answer
    ServiceUnavailable, // answer code 20000 isp.unknow-error (WeChat Pay: HTTP 503
                        // SYSTEM_ERROR); not applied unless `commit`
    SystemError,        // answer 40004 ACQ.SYSTEM_ERROR (WeChat Pay: HTTP 500 SYSTEM_ERROR);
                        // not applied unless `commit`
    BadSignature,       // apply and answer, but the answer's signature is wrong
    NotifyDuplicate,    // deliver the notification twice
    NotifyOutOfOrder,   // after a newer notification, deliver an older one (Alipay: a stale
                        // WAIT_BUYER_PAY after TRADE_SUCCESS; WeChat Pay: the payment's
                        // TRANSACTION.SUCCESS after REFUND.SUCCESS)
    NotifyBadSignature, // sign the notification with a key that is not the provider's
    // WeChat Pay only: its answers and notifications carry a signed Wechatpay-Timestamp.
    StaleTimestamp,       // apply and answer, signed correctly, with a timestamp 10 minutes old
    NotifyStaleTimestamp, // the same for a notification (what a replay looks like)
    // Alipay only: alipay.trade.refund answers a new refund with fund_change=N, as Alipay may.
    // With `commit` the refund is made (a refund query finds it); without, it is not (the
    // query finds nothing, and a repeat with the same out_request_no makes it).
    RefundUnconfirmed,
    // The trade bill of `bill_date` (a China date) differs from the trades, as a provider's
    // bill may; each bill built for that date counts as one match. The bill stays consistent
    // (its totals follow the change), so only reconciliation can see it.
    BillDropLine,      // the payment line of `out_trade_no` (default: the day's first) is absent
    BillChangeAmount,  // the payment of `out_trade_no` (default: the first) shows `amount_fen`
                       // (default: one yuan more)
    BillForeignTrade,  // a payment of another shop is added (`out_trade_no`, `amount_fen`)
    BillDropRefund,    // the refund line of `out_request_no` (default: the day's first) is absent
    BillChangeState,   // WeChat Pay only: the payment of `out_trade_no` (default: the first) is
                       // listed as REVOKED instead of SUCCESS
    BillDuplicateLine, // the payment line of `out_trade_no` (default: the first) is listed twice
    BillNextDay,       // the payment of `out_trade_no` (default: the first) is dated by the
                       // provider a second after China midnight: absent from this day's bill,
                       // listed in the next day's (each of the two bills counts as a match)
    BillNotReady,      // until `until_ms` (UTC), the bill is not generated yet: Alipay
                       // 40004 isp.bill_not_exist, WeChat Pay 400 STATEMENT_CREATING
    BillTruncated,     // the file is served cut to half its bytes (zip or gzip)
};

QString faultKindName(FaultKind kind);
QStringList faultKindNames();

struct FaultRule {
    int id = 0;
    FaultKind kind = FaultKind::Latency;
    QString provider = QStringLiteral("alipay"); // "alipay" or "wechat"
    // Alipay: gateway method ("alipay.trade.pay"), "bill.download", or for notify_* faults a
    // trade_status. WeChat Pay: "native", "codepay", "query", "close", "reverse", "refund",
    // "refund.query", "tradebill", "bill.download", or for notify_* faults an event_type
    // ("TRANSACTION.SUCCESS", "REFUND.SUCCESS"). Empty matches everything.
    QString method;
    int remaining = 1;        // matches that still fire; -1: no limit
    double probability = 1.0; // chance that a match fires
    int latencyMs = 0;        // Latency
    int httpStatus = 503;     // HttpError
    bool commit = false;      // ServiceUnavailable, SystemError, RefundUnconfirmed: apply it first
    // Bill faults: the China date of the bill they change (required), and what they change.
    QDate billDate;
    QString outTradeNo;
    QString outRequestNo;
    std::optional<money::Fen> amountFen;
    qint64 untilMs = 0; // BillNotReady

    bool isBillFault() const;

    bool matches(const QString& providerName, const QString& methodName) const;

    // JSON form (control API): {"kind":"latency","method":"alipay.trade.query",
    // "latency_ms":500,"count":3,"probability":0.5,"status":502,"commit":true}; bill faults:
    // {"kind":"bill_drop_line","provider":"wechat","bill_date":"2026-12-01",
    // "out_trade_no":"...","out_request_no":"...","amount_fen":100,"until_ms":...}.
    // Without "count" and "probability" a fault fires once; with only "probability" it has no
    // limit; "count": -1 means no limit.
    QJsonObject toJson() const;
    static Result<FaultRule> fromJson(const QJsonObject& json);
    // Command-line form: KIND[:key=value,key=value...] with the JSON keys, for example
    // "latency:latency_ms=800,method=alipay.trade.query,count=-1".
    static Result<FaultRule> fromSpec(const QString& spec);
};

} // namespace qpos::sandbox
