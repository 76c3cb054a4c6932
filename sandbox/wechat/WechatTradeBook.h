#pragma once

#include "core/common/Result.h"
#include "sandbox/wechat/WechatTrade.h"

#include <QHash>
#include <QList>

#include <functional>
#include <memory>
#include <utility>

namespace qpos::sandbox {

// The trades of every registered merchant and WeChat Pay's rules for moving them: which
// request is allowed in which state, which error code refuses it, what changes. No HTTP and
// no JSON here. A refusal is an Error whose `code` is WeChat's error code (ORDERPAID,
// NOT_ENOUGH...) and whose `message` is WeChat's message; wechatHttpStatus() gives its status.
class WechatTradeBook {
public:
    enum class Event {
        Created,         // a Native order or a payment code payment was accepted
        Paid,            // SUCCESS
        Closed,          // CLOSED, REVOKED or PAYERROR without a payment
        Reversed,        // a paid trade was reversed: REVOKED, its money back
        RefundCreated,   // a refund was accepted (PROCESSING or already SUCCESS)
        RefundSucceeded, // a refund reached SUCCESS
        RefundAbnormal,  // WeChat holds a refund's money (ABNORMAL)
        RefundClosed,    // a refund failed (CLOSED)
    };
    using Listener =
        std::function<void(const WechatTrade& trade, Event event, const WechatRefund* refund)>;

    struct NewTrade {
        QString mchId;
        QString appId;
        QString outTradeNo;
        money::Fen total = 0;
        QString description;
        QString deviceId;
        QString storeId;
        QString notifyUrl;
        QString authCode; // payment codes
        qint64 expiresMs = 0;
    };
    struct RefundRequest {
        QString outRefundNo;
        money::Fen amount = 0;
        money::Fen total = 0; // must be the trade's total
        QString reason;
        QString notifyUrl;
        bool processing = false; // starts PROCESSING instead of SUCCESS
    };
    struct RefundOutcome {
        WechatTrade* trade = nullptr;
        WechatRefund refund;
        bool repeated = false; // the same out_refund_no again: nothing moved
    };

    explicit WechatTradeBook(std::function<qint64()> clock);

    void setListener(Listener listener) { m_listener = std::move(listener); }

    WechatTrade* find(const QString& mchId, const QString& outTradeNo);
    WechatTrade* findByTransactionId(const QString& mchId, const QString& transactionId);
    WechatTrade* findByCodeToken(const QString& token);
    QList<WechatTrade*> findAll(const QString& outTradeNo);
    QList<WechatTrade> trades(const QString& mchId = {}) const;
    // The trade holding the merchant's refund `outRefundNo` and the refund's index in it.
    std::pair<WechatTrade*, qsizetype> findRefund(const QString& mchId, const QString& outRefundNo);

    Result<WechatTrade*> createNative(const NewTrade& request, const QString& codeUrlBase);
    // A payment code was presented. `repeated` tells the caller the buyer was already asked.
    Result<WechatTrade*> startCodePay(const NewTrade& request, bool* repeated);

    // The simulated buyer.
    Result<WechatTrade*> pay(WechatTrade* trade);
    Result<WechatTrade*> buyerCancel(WechatTrade* trade);
    Result<WechatTrade*> decline(WechatTrade* trade, const QString& description);
    Result<WechatTrade*> expire(WechatTrade* trade);

    // The merchant's requests.
    Result<WechatTrade*> close(WechatTrade* trade);
    Result<WechatTrade*> reverse(WechatTrade* trade);
    Result<RefundOutcome> refund(WechatTrade* trade, const RefundRequest& request);
    // A PROCESSING refund ends SUCCESS, ABNORMAL or CLOSED; an ABNORMAL one (resolved by the
    // merchant on the merchant platform) SUCCESS or CLOSED. False when it cannot move so.
    bool finishRefund(const QString& mchId, const QString& outRefundNo, WechatRefundStatus to);

    // Closes open trades whose time ran out; returns how many.
    int expireDue();
    bool hasOpenTrades() const;

private:
    WechatTrade* insert(const NewTrade& request, WechatTrade::Kind kind);
    QString nextId(const char* prefix, int digitsAfterDate);
    void closeUnpaid(WechatTrade* trade, WechatTradeState state, const QString& description);
    void emitEvent(const WechatTrade& trade, Event event, const WechatRefund* refund = nullptr);

    std::function<qint64()> m_clock;
    Listener m_listener;
    QList<std::shared_ptr<WechatTrade>> m_trades;         // in creation order
    QHash<QString, std::shared_ptr<WechatTrade>> m_byKey; // mchId + '\n' + outTradeNo
    qint64 m_sequence = 0;
    QString m_stem;
};

// The HTTP status WeChat answers an error code with (400 unless known otherwise).
int wechatHttpStatus(const QString& code);

} // namespace qpos::sandbox
