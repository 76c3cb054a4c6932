#include "sandbox/wechat/WechatTradeBook.h"

#include "core/calendar/ChinaCalendar.h"

#include <QRandomGenerator>

namespace qpos::sandbox {

namespace {

Error refusal(const char* code, const char* message) {
    return Error{QString::fromLatin1(code), QString::fromUtf8(message)};
}

Error orderPaid() {
    return refusal("ORDERPAID", "该订单已支付");
}
Error orderClosed() {
    return refusal("ORDER_CLOSED", "订单已关闭");
}
Error invalidRequest(const char* message) {
    return refusal("INVALID_REQUEST", message);
}

QString key(const QString& mchId, const QString& outTradeNo) {
    return mchId + u'\n' + outTradeNo;
}

QString randomToken(int length) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    QString out;
    for (int i = 0; i < length; ++i)
        out += QLatin1Char(alphabet[QRandomGenerator::global()->bounded(62)]);
    return out;
}

// The simulated payer, as WeChat shows it to the merchant.
const QString kOpenId = QStringLiteral("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");

} // namespace

QString wechatTradeStateName(WechatTradeState state) {
    switch (state) {
    case WechatTradeState::NotPay:
        return QStringLiteral("NOTPAY");
    case WechatTradeState::UserPaying:
        return QStringLiteral("USERPAYING");
    case WechatTradeState::Success:
        return QStringLiteral("SUCCESS");
    case WechatTradeState::Refund:
        return QStringLiteral("REFUND");
    case WechatTradeState::Closed:
        return QStringLiteral("CLOSED");
    case WechatTradeState::Revoked:
        return QStringLiteral("REVOKED");
    case WechatTradeState::PayError:
        return QStringLiteral("PAYERROR");
    }
    return {};
}

QString wechatRefundStatusName(WechatRefundStatus status) {
    switch (status) {
    case WechatRefundStatus::Processing:
        return QStringLiteral("PROCESSING");
    case WechatRefundStatus::Success:
        return QStringLiteral("SUCCESS");
    case WechatRefundStatus::Abnormal:
        return QStringLiteral("ABNORMAL");
    case WechatRefundStatus::Closed:
        return QStringLiteral("CLOSED");
    }
    return {};
}

std::optional<WechatRefundStatus> wechatRefundStatusFromName(const QString& name) {
    for (WechatRefundStatus s : {WechatRefundStatus::Processing, WechatRefundStatus::Success,
                                 WechatRefundStatus::Abnormal, WechatRefundStatus::Closed})
        if (wechatRefundStatusName(s) == name)
            return s;
    return std::nullopt;
}

int wechatHttpStatus(const QString& code) {
    if (code == u"SIGN_ERROR")
        return 401;
    if (code == u"NOTENOUGH" || code == u"NOT_ENOUGH" || code == u"NO_AUTH" ||
        code == u"TRADE_ERROR" || code == u"RULE_LIMIT")
        return 403;
    if (code == u"ORDER_NOT_EXIST" || code == u"ORDERNOTEXIST" || code == u"RESOURCE_NOT_EXISTS" ||
        code == u"NOT_FOUND")
        return 404;
    if (code == u"FREQUENCY_LIMITED")
        return 429;
    if (code == u"SYSTEM_ERROR")
        return 500;
    return 400;
}

WechatTradeBook::WechatTradeBook(std::function<qint64()> clock)
    : m_clock(std::move(clock))
    , m_stem(QString::number(QRandomGenerator::global()->bounded(10000, 99999))) {}

WechatTrade* WechatTradeBook::find(const QString& mchId, const QString& outTradeNo) {
    auto it = m_byKey.find(key(mchId, outTradeNo));
    return it == m_byKey.end() ? nullptr : it->get();
}

WechatTrade* WechatTradeBook::findByTransactionId(const QString& mchId,
                                                  const QString& transactionId) {
    for (const auto& t : m_trades) {
        if (t->mchId == mchId && t->transactionId == transactionId && t->isPaid())
            return t.get();
    }
    return nullptr;
}

WechatTrade* WechatTradeBook::findByCodeToken(const QString& token) {
    for (const auto& t : m_trades) {
        if (!t->codeToken.isEmpty() && t->codeToken == token)
            return t.get();
    }
    return nullptr;
}

QList<WechatTrade*> WechatTradeBook::findAll(const QString& outTradeNo) {
    QList<WechatTrade*> out;
    for (const auto& t : m_trades) {
        if (t->outTradeNo == outTradeNo)
            out.append(t.get());
    }
    return out;
}

QList<WechatTrade> WechatTradeBook::trades(const QString& mchId) const {
    QList<WechatTrade> out;
    for (const auto& t : m_trades) {
        if (mchId.isEmpty() || t->mchId == mchId)
            out.append(*t);
    }
    return out;
}

std::pair<WechatTrade*, qsizetype> WechatTradeBook::findRefund(const QString& mchId,
                                                               const QString& outRefundNo) {
    for (const auto& t : m_trades) {
        if (t->mchId != mchId)
            continue;
        for (qsizetype i = 0; i < t->refunds.size(); ++i) {
            if (t->refunds[i].outRefundNo == outRefundNo)
                return {t.get(), i};
        }
    }
    return {nullptr, -1};
}

QString WechatTradeBook::nextId(const char* prefix, int digitsAfterDate) {
    // WeChat's shapes: a prefix, the China date, then digits (28 for transaction_id).
    const QString date = china_calendar::dateOf(m_clock()).toString(QStringLiteral("yyyyMMdd"));
    const QString tail =
        m_stem + QString::number(++m_sequence)
                     .rightJustified(digitsAfterDate - static_cast<int>(m_stem.size()), u'0');
    return QString::fromLatin1(prefix) + date + tail;
}

WechatTrade* WechatTradeBook::insert(const NewTrade& request, WechatTrade::Kind kind) {
    auto trade = std::make_shared<WechatTrade>();
    trade->mchId = request.mchId;
    trade->appId = request.appId;
    trade->outTradeNo = request.outTradeNo;
    trade->transactionId = nextId("42000", 15);
    trade->kind = kind;
    trade->total = request.total;
    trade->description = request.description;
    trade->deviceId = request.deviceId;
    trade->storeId = request.storeId;
    trade->notifyUrl = request.notifyUrl;
    trade->authCode = request.authCode;
    trade->createdMs = m_clock();
    trade->expiresMs = request.expiresMs;
    m_trades.append(trade);
    m_byKey.insert(key(request.mchId, request.outTradeNo), trade);
    return trade.get();
}

Result<WechatTrade*> WechatTradeBook::createNative(const NewTrade& request,
                                                   const QString& codeUrlBase) {
    if (WechatTrade* existing = find(request.mchId, request.outTradeNo)) {
        if (existing->isPaid())
            return orderPaid();
        if (!existing->isOpen())
            return orderClosed();
        if (existing->kind != WechatTrade::Kind::Native)
            return invalidRequest("商户订单号重复");
        if (existing->total != request.total)
            return invalidRequest("订单金额与原订单不一致");
        return existing; // the same order again: the same code_url
    }
    WechatTrade* trade = insert(request, WechatTrade::Kind::Native);
    trade->codeToken = randomToken(7);
    trade->codeUrl = codeUrlBase + trade->codeToken;
    emitEvent(*trade, Event::Created);
    return trade;
}

Result<WechatTrade*> WechatTradeBook::startCodePay(const NewTrade& request, bool* repeated) {
    *repeated = false;
    if (WechatTrade* existing = find(request.mchId, request.outTradeNo)) {
        if (existing->isPaid())
            return orderPaid();
        if (!existing->isOpen())
            return orderClosed();
        if (existing->kind != WechatTrade::Kind::CodePay)
            return invalidRequest("商户订单号重复");
        if (existing->total != request.total)
            return invalidRequest("订单金额与原订单不一致");
        *repeated = true;
        return existing; // still waiting for the same buyer
    }
    WechatTrade* trade = insert(request, WechatTrade::Kind::CodePay);
    trade->state = WechatTradeState::UserPaying;
    trade->openId = kOpenId;
    emitEvent(*trade, Event::Created);
    return trade;
}

Result<WechatTrade*> WechatTradeBook::pay(WechatTrade* trade) {
    if (trade->isOpen() && trade->expiresMs > 0 && m_clock() >= trade->expiresMs)
        (void)expire(trade);
    if (trade->isPaid())
        return orderPaid();
    if (!trade->isOpen())
        return orderClosed();
    trade->state = WechatTradeState::Success;
    trade->paidMs = m_clock();
    trade->openId = kOpenId;
    emitEvent(*trade, Event::Paid);
    return trade;
}

void WechatTradeBook::closeUnpaid(WechatTrade* trade, WechatTradeState state,
                                  const QString& description) {
    trade->state = state;
    trade->stateDesc = description;
    trade->closedMs = m_clock();
    emitEvent(*trade, Event::Closed);
}

Result<WechatTrade*> WechatTradeBook::buyerCancel(WechatTrade* trade) {
    if (trade->isPaid())
        return orderPaid();
    if (!trade->isOpen())
        return orderClosed();
    // A Native buyer who gives up leaves an order that runs out (closed now, as when its time
    // ends); a buyer who cancels the password prompt makes the code payment fail.
    if (trade->kind == WechatTrade::Kind::CodePay)
        closeUnpaid(trade, WechatTradeState::PayError, QStringLiteral("用户取消支付"));
    else
        closeUnpaid(trade, WechatTradeState::Closed, {});
    return trade;
}

Result<WechatTrade*> WechatTradeBook::decline(WechatTrade* trade, const QString& description) {
    if (trade->isPaid())
        return orderPaid();
    if (!trade->isOpen())
        return orderClosed();
    closeUnpaid(trade, WechatTradeState::PayError, description);
    return trade;
}

Result<WechatTrade*> WechatTradeBook::expire(WechatTrade* trade) {
    if (trade->isPaid())
        return orderPaid();
    if (!trade->isOpen())
        return orderClosed();
    if (trade->kind == WechatTrade::Kind::CodePay)
        closeUnpaid(trade, WechatTradeState::PayError, QStringLiteral("支付超时"));
    else
        closeUnpaid(trade, WechatTradeState::Closed, {});
    return trade;
}

Result<WechatTrade*> WechatTradeBook::close(WechatTrade* trade) {
    if (trade->isPaid())
        return orderPaid();
    if (trade->isOpen())
        closeUnpaid(trade, WechatTradeState::Closed, {});
    return trade; // closing a closed order again is accepted
}

Result<WechatTrade*> WechatTradeBook::reverse(WechatTrade* trade) {
    if (trade->kind != WechatTrade::Kind::CodePay)
        return invalidRequest("撤销仅支持付款码支付的订单");
    if (trade->state == WechatTradeState::Revoked)
        return trade;
    if (!trade->isPaid()) {
        closeUnpaid(trade, WechatTradeState::Revoked, QStringLiteral("订单已撤销"));
        return trade;
    }
    // Paid: whatever is left goes back to the buyer at once.
    const money::Fen left = trade->total - trade->refunded;
    if (left > 0) {
        WechatRefund r;
        r.outRefundNo = QStringLiteral("REVOKE_") + trade->outTradeNo;
        r.refundId = nextId("50300", 16);
        r.amount = left;
        r.reason = QStringLiteral("撤销");
        r.status = WechatRefundStatus::Success;
        r.createdMs = m_clock();
        r.successMs = r.createdMs;
        trade->refunded = trade->total;
        trade->refunds.append(r);
    }
    trade->state = WechatTradeState::Revoked;
    trade->stateDesc = QStringLiteral("订单已撤销");
    trade->closedMs = m_clock();
    emitEvent(*trade, Event::Reversed, trade->refunds.isEmpty() ? nullptr : &trade->refunds.last());
    return trade;
}

Result<WechatTradeBook::RefundOutcome> WechatTradeBook::refund(WechatTrade* trade,
                                                               const RefundRequest& request) {
    const auto [earlierTrade, index] = findRefund(trade->mchId, request.outRefundNo);
    if (earlierTrade) {
        const WechatRefund& earlier = earlierTrade->refunds[index];
        if (earlierTrade != trade || earlier.amount != request.amount)
            return invalidRequest("同一商户退款单号的退款信息与原退款不一致");
        return RefundOutcome{trade, earlier, true};
    }
    if (!trade->isPaid())
        return invalidRequest("订单未支付，不能退款");
    if (request.total != trade->total)
        return refusal("PARAM_ERROR", "amount.total 与订单金额不一致");
    if (trade->state != WechatTradeState::Success && trade->state != WechatTradeState::Refund)
        return invalidRequest("订单状态不允许退款");
    if (request.amount > trade->total - trade->refunded)
        return refusal("NOT_ENOUGH", "退款金额超过订单可退金额");
    WechatRefund r;
    r.outRefundNo = request.outRefundNo;
    r.refundId = nextId("50300", 16);
    r.amount = request.amount;
    r.reason = request.reason;
    r.notifyUrl = request.notifyUrl;
    r.createdMs = m_clock();
    r.status = request.processing ? WechatRefundStatus::Processing : WechatRefundStatus::Success;
    if (!request.processing)
        r.successMs = r.createdMs;
    trade->refunded += r.amount;
    trade->state = WechatTradeState::Refund;
    trade->refunds.append(r);
    emitEvent(*trade, Event::RefundCreated, &trade->refunds.last());
    if (!request.processing)
        emitEvent(*trade, Event::RefundSucceeded, &trade->refunds.last());
    return RefundOutcome{trade, r, false};
}

bool WechatTradeBook::finishRefund(const QString& mchId, const QString& outRefundNo,
                                   WechatRefundStatus to) {
    const auto [trade, index] = findRefund(mchId, outRefundNo);
    if (!trade || to == WechatRefundStatus::Processing)
        return false;
    WechatRefund& r = trade->refunds[index];
    // PROCESSING ends any way; ABNORMAL only by the merchant's hand, as SUCCESS or CLOSED.
    const bool open = r.status == WechatRefundStatus::Processing ||
                      (r.status == WechatRefundStatus::Abnormal && to != r.status);
    if (!open)
        return false;
    r.status = to;
    if (to == WechatRefundStatus::Success) {
        r.successMs = m_clock();
        emitEvent(*trade, Event::RefundSucceeded, &r);
    } else if (to == WechatRefundStatus::Closed) {
        trade->refunded -= r.amount;
        emitEvent(*trade, Event::RefundClosed, &r);
    } else {
        emitEvent(*trade, Event::RefundAbnormal, &r);
    }
    return true;
}

int WechatTradeBook::expireDue() {
    const qint64 now = m_clock();
    int closed = 0;
    for (const auto& t : m_trades) {
        if (t->isOpen() && t->expiresMs > 0 && now >= t->expiresMs) {
            (void)expire(t.get());
            ++closed;
        }
    }
    return closed;
}

bool WechatTradeBook::hasOpenTrades() const {
    for (const auto& t : m_trades) {
        if (t->isOpen())
            return true;
    }
    return false;
}

void WechatTradeBook::emitEvent(const WechatTrade& trade, Event event, const WechatRefund* refund) {
    if (m_listener)
        m_listener(trade, event, refund);
}

} // namespace qpos::sandbox
