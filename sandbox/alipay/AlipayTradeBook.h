#pragma once

#include "core/common/Result.h"
#include "sandbox/alipay/AlipayTrade.h"

#include <QHash>
#include <QList>

#include <functional>
#include <memory>

namespace qpos::sandbox {

// The trades of every registered app and Alipay's rules for moving them: which request is
// allowed in which status, which sub_code refuses it, what changes. No HTTP and no JSON here:
// the gateway translates requests into these calls and the results into answers. A refusal is
// an Error whose `code` is Alipay's sub_code and whose `message` is its sub_msg.
class AlipayTradeBook {
public:
    enum class Event {
        Created,  // a precreate or a payment code was accepted
        Scanned,  // WAIT_BUYER_PAY
        Paid,     // TRADE_SUCCESS
        Closed,   // TRADE_CLOSED before payment (timeout, close, cancel, buyer gave up)
        Refunded, // a refund; the trade is TRADE_CLOSED when nothing is left to refund
    };
    using Listener =
        std::function<void(const AlipayTrade& trade, Event event, const AlipayRefund* refund)>;

    struct NewTrade {
        QString appId;
        QString outTradeNo;
        money::Fen total = 0;
        QString subject;
        QString body;
        QString storeId;
        QString terminalId;
        QString operatorId;
        QString notifyUrl;
        QString authCode; // bar code payments
        qint64 expiresMs = 0;
    };

    struct CancelOutcome {
        AlipayTrade* trade = nullptr;
        QString action; // "close" or "refund"
    };
    struct RefundOutcome {
        AlipayTrade* trade = nullptr;
        AlipayRefund refund;
        bool fundChange = true; // false when out_request_no repeats an earlier refund
    };

    explicit AlipayTradeBook(std::function<qint64()> clock);

    void setListener(Listener listener) { m_listener = std::move(listener); }
    void setBuyer(const QString& userId, const QString& maskedLogonId);

    // By out_trade_no (preferred, as Alipay) or trade_no, within one app.
    AlipayTrade* find(const QString& appId, const QString& outTradeNo, const QString& tradeNo);
    AlipayTrade* findByQrToken(const QString& token);
    // The trades with this out_trade_no in any app (the control API names trades by it).
    QList<AlipayTrade*> findAll(const QString& outTradeNo);
    QList<AlipayTrade> trades(const QString& appId = {}) const;

    Result<AlipayTrade*> precreate(const NewTrade& request, const QString& qrBaseUrl);
    // A payment code was presented: the trade exists, waiting for the buyer's side.
    Result<AlipayTrade*> startBarCodePayment(const NewTrade& request);

    // The simulated buyer.
    Result<AlipayTrade*> scan(AlipayTrade* trade);
    Result<AlipayTrade*> pay(AlipayTrade* trade);
    Result<AlipayTrade*> buyerGivesUp(AlipayTrade* trade);
    Result<AlipayTrade*> expire(AlipayTrade* trade);

    // The merchant's requests.
    Result<AlipayTrade*> close(AlipayTrade* trade);
    Result<CancelOutcome> cancel(const QString& appId, const QString& outTradeNo,
                                 const QString& tradeNo);
    Result<RefundOutcome> refund(AlipayTrade* trade, money::Fen amount, const QString& outRequestNo,
                                 const QString& reason);

    // Closes open trades whose time ran out; returns how many.
    int expireDue();
    bool hasOpenTrades() const;

private:
    AlipayTrade* insert(const NewTrade& request, AlipayTrade::Kind kind);
    QString nextTradeNo();
    void closeUnpaid(AlipayTrade* trade);
    void emitEvent(const AlipayTrade& trade, Event event, const AlipayRefund* refund = nullptr);

    std::function<qint64()> m_clock;
    Listener m_listener;
    QList<std::shared_ptr<AlipayTrade>> m_trades;         // in creation order
    QHash<QString, std::shared_ptr<AlipayTrade>> m_byKey; // appId + '\n' + outTradeNo
    QString m_buyerUserId;
    QString m_buyerLogonId;
    qint64 m_sequence = 0;
    QString m_tradeNoStem;
};

} // namespace qpos::sandbox
