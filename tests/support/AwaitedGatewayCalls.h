#pragma once

// The PaymentGateway calls a suite makes, each awaited: what the round-trip suites of both
// providers send the same way (only the order requests differ, and those the suites build).

#include "core/gateways/PaymentGateway.h"
#include "tests/support/GatewayAwait.h"

#include <QDate>

namespace qpos::test {

inline std::optional<gateway::GatewayResult<gateway::QrOrder>>
createQrOrder(gateway::PaymentGateway& g, const gateway::QrOrderRequest& request) {
    return await<gateway::QrOrder>([&](QObject* ctx, gateway::Completion<gateway::QrOrder> done) {
        g.createQrOrder(request, ctx, done);
    });
}

inline std::optional<gateway::GatewayResult<gateway::TradeSnapshot>>
payByCode(gateway::PaymentGateway& g, const gateway::PayByCodeRequest& request) {
    return await<gateway::TradeSnapshot>(
        [&](QObject* ctx, gateway::Completion<gateway::TradeSnapshot> done) {
            g.payByCode(request, ctx, done);
        });
}

inline std::optional<gateway::GatewayResult<gateway::TradeSnapshot>>
queryTrade(gateway::PaymentGateway& g, const QString& outTradeNo) {
    return await<gateway::TradeSnapshot>(
        [&](QObject* ctx, gateway::Completion<gateway::TradeSnapshot> done) {
            g.queryTrade(gateway::TradeRef{outTradeNo, {}}, ctx, done);
        });
}

// A refund "returned" by the buyer; `tradeTotalFen` 0 where the provider does not need it.
inline std::optional<gateway::GatewayResult<gateway::RefundResult>>
refundTrade(gateway::PaymentGateway& g, const QString& outTradeNo, const QString& outRequestNo,
            money::Fen amountFen, money::Fen tradeTotalFen = 0) {
    gateway::RefundRequest request;
    request.outTradeNo = outTradeNo;
    request.outRequestNo = outRequestNo;
    request.amountFen = amountFen;
    request.tradeTotalFen = tradeTotalFen;
    request.reason = QStringLiteral("returned");
    return await<gateway::RefundResult>(
        [&](QObject* ctx, gateway::Completion<gateway::RefundResult> done) {
            g.refund(request, ctx, done);
        });
}

inline std::optional<gateway::GatewayResult<gateway::RefundQueryResult>>
queryRefund(gateway::PaymentGateway& g, const QString& outTradeNo, const QString& outRequestNo) {
    return await<gateway::RefundQueryResult>(
        [&](QObject* ctx, gateway::Completion<gateway::RefundQueryResult> done) {
            g.queryRefund(gateway::RefundQuery{outTradeNo, {}, outRequestNo}, ctx, done);
        });
}

inline std::optional<gateway::GatewayResult<gateway::CancelResult>>
cancelTrade(gateway::PaymentGateway& g, const QString& outTradeNo) {
    return await<gateway::CancelResult>(
        [&](QObject* ctx, gateway::Completion<gateway::CancelResult> done) {
            g.cancelTrade(gateway::TradeRef{outTradeNo, {}}, ctx, done);
        });
}

inline std::optional<gateway::GatewayResult<gateway::CloseResult>>
closeTrade(gateway::PaymentGateway& g, const QString& outTradeNo) {
    return await<gateway::CloseResult>(
        [&](QObject* ctx, gateway::Completion<gateway::CloseResult> done) {
            g.closeTrade(gateway::TradeRef{outTradeNo, {}}, ctx, done);
        });
}

// The day's bill (one China calendar day).
inline std::optional<gateway::GatewayResult<gateway::DownloadedBill>>
downloadDayBill(gateway::PaymentGateway& g, const QDate& date) {
    gateway::BillRequest request;
    request.date = date;
    return await<gateway::DownloadedBill>(
        [&](QObject* ctx, gateway::Completion<gateway::DownloadedBill> done) {
            g.downloadBill(request, ctx, done);
        });
}

// For a suite that drives one client, derived from next to QObject: the calls by short names,
// awaited, on the client calledGateway() names.
class AwaitedGatewayCalls {
protected:
    virtual ~AwaitedGatewayCalls() = default;
    virtual gateway::PaymentGateway& calledGateway() = 0;

    std::optional<gateway::GatewayResult<gateway::TradeSnapshot>> query(const QString& no) {
        return queryTrade(calledGateway(), no);
    }
    std::optional<gateway::GatewayResult<gateway::RefundResult>>
    refund(const QString& no, const QString& requestNo, money::Fen amountFen,
           money::Fen tradeTotalFen = 0) {
        return refundTrade(calledGateway(), no, requestNo, amountFen, tradeTotalFen);
    }
    std::optional<gateway::GatewayResult<gateway::RefundQueryResult>>
    queryRefund(const QString& no, const QString& requestNo) {
        return test::queryRefund(calledGateway(), no, requestNo);
    }
    std::optional<gateway::GatewayResult<gateway::CancelResult>> cancel(const QString& no) {
        return cancelTrade(calledGateway(), no);
    }
    std::optional<gateway::GatewayResult<gateway::CloseResult>> close(const QString& no) {
        return closeTrade(calledGateway(), no);
    }
    std::optional<gateway::GatewayResult<gateway::DownloadedBill>> dayBill(const QDate& date) {
        return downloadDayBill(calledGateway(), date);
    }
};

} // namespace qpos::test
