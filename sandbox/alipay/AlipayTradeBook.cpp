#include "sandbox/alipay/AlipayTradeBook.h"

#include "core/calendar/ChinaCalendar.h"

#include <QRandomGenerator>

namespace qpos::sandbox {

namespace {

Error refusal(const char* subCode, const char* subMsg) {
    return Error{QString::fromLatin1(subCode), QString::fromUtf8(subMsg)};
}

Error notExist() {
    return refusal("ACQ.TRADE_NOT_EXIST", "交易不存在");
}
Error hasSuccess() {
    return refusal("ACQ.TRADE_HAS_SUCCESS", "交易已被支付");
}
Error hasClose() {
    return refusal("ACQ.TRADE_HAS_CLOSE", "交易已经关闭");
}
Error inconsistent() {
    return refusal("ACQ.CONTEXT_INCONSISTENT", "交易信息被篡改");
}
Error statusError() {
    return refusal("ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
}

QString key(const QString& appId, const QString& outTradeNo) {
    return appId + u'\n' + outTradeNo;
}

QString randomToken(int length) {
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    QString out;
    for (int i = 0; i < length; ++i)
        out += QLatin1Char(alphabet[QRandomGenerator::global()->bounded(36)]);
    return out;
}

} // namespace

QString alipayTradeStatusName(AlipayTradeStatus status) {
    switch (status) {
    case AlipayTradeStatus::NotScanned:
        return QStringLiteral("NOT_SCANNED");
    case AlipayTradeStatus::WaitBuyerPay:
        return QStringLiteral("WAIT_BUYER_PAY");
    case AlipayTradeStatus::Success:
        return QStringLiteral("TRADE_SUCCESS");
    case AlipayTradeStatus::Closed:
        return QStringLiteral("TRADE_CLOSED");
    }
    return {};
}

AlipayTradeBook::AlipayTradeBook(std::function<qint64()> clock)
    : m_clock(std::move(clock))
    , m_buyerUserId(QStringLiteral("2088102177846880"))
    , m_buyerLogonId(QStringLiteral("138****8000"))
    , m_tradeNoStem(QString::number(QRandomGenerator::global()->bounded(10000, 99999))) {}

void AlipayTradeBook::setBuyer(const QString& userId, const QString& maskedLogonId) {
    m_buyerUserId = userId;
    m_buyerLogonId = maskedLogonId;
}

AlipayTrade* AlipayTradeBook::find(const QString& appId, const QString& outTradeNo,
                                   const QString& tradeNo) {
    if (!outTradeNo.isEmpty()) {
        auto it = m_byKey.find(key(appId, outTradeNo));
        if (it == m_byKey.end())
            return nullptr;
        // Both given: they must name the same trade.
        if (!tradeNo.isEmpty() && (*it)->tradeNo != tradeNo)
            return nullptr;
        return it->get();
    }
    if (tradeNo.isEmpty())
        return nullptr;
    for (const auto& t : m_trades) {
        if (t->appId == appId && t->tradeNo == tradeNo)
            return t.get();
    }
    return nullptr;
}

AlipayTrade* AlipayTradeBook::findByQrToken(const QString& token) {
    for (const auto& t : m_trades) {
        if (!t->qrToken.isEmpty() && t->qrToken == token)
            return t.get();
    }
    return nullptr;
}

QList<AlipayTrade*> AlipayTradeBook::findAll(const QString& outTradeNo) {
    QList<AlipayTrade*> out;
    for (const auto& t : m_trades) {
        if (t->outTradeNo == outTradeNo)
            out.append(t.get());
    }
    return out;
}

QList<AlipayTrade> AlipayTradeBook::trades(const QString& appId) const {
    QList<AlipayTrade> out;
    for (const auto& t : m_trades) {
        if (appId.isEmpty() || t->appId == appId)
            out.append(*t);
    }
    return out;
}

QString AlipayTradeBook::nextTradeNo() {
    // Alipay's shape: 28 digits, the China date first.
    const QString date = china_calendar::dateOf(m_clock()).toString(QStringLiteral("yyyyMMdd"));
    return date + QStringLiteral("22001") + m_tradeNoStem +
           QString::number(++m_sequence).rightJustified(10, u'0');
}

AlipayTrade* AlipayTradeBook::insert(const NewTrade& request, AlipayTrade::Kind kind) {
    auto trade = std::make_shared<AlipayTrade>();
    trade->appId = request.appId;
    trade->outTradeNo = request.outTradeNo;
    trade->tradeNo = nextTradeNo();
    trade->kind = kind;
    trade->total = request.total;
    trade->subject = request.subject;
    trade->body = request.body;
    trade->storeId = request.storeId;
    trade->terminalId = request.terminalId;
    trade->operatorId = request.operatorId;
    trade->notifyUrl = request.notifyUrl;
    trade->authCode = request.authCode;
    trade->createdMs = m_clock();
    trade->expiresMs = request.expiresMs;
    m_trades.append(trade);
    m_byKey.insert(key(request.appId, request.outTradeNo), trade);
    return trade.get();
}

Result<AlipayTrade*> AlipayTradeBook::precreate(const NewTrade& request, const QString& qrBaseUrl) {
    if (AlipayTrade* existing = find(request.appId, request.outTradeNo, {})) {
        if (existing->status == AlipayTradeStatus::Success)
            return hasSuccess();
        if (existing->status == AlipayTradeStatus::Closed)
            return hasClose();
        if (existing->total != request.total || existing->kind != AlipayTrade::Kind::QrCode)
            return inconsistent();
        return existing; // the same order again: the same QR code
    }
    AlipayTrade* trade = insert(request, AlipayTrade::Kind::QrCode);
    trade->qrToken = QStringLiteral("bax") + randomToken(21);
    trade->qrCode = qrBaseUrl + trade->qrToken;
    emitEvent(*trade, Event::Created);
    return trade;
}

Result<AlipayTrade*> AlipayTradeBook::startBarCodePayment(const NewTrade& request) {
    AlipayTrade* trade = find(request.appId, request.outTradeNo, {});
    if (trade) {
        if (trade->status == AlipayTradeStatus::Success)
            return hasSuccess();
        if (trade->status == AlipayTradeStatus::Closed)
            return hasClose();
        if (trade->total != request.total)
            return inconsistent();
        if (trade->status == AlipayTradeStatus::WaitBuyerPay)
            return trade; // still waiting for the same buyer
        // A precreated QR nobody scanned, now paid with a payment code instead.
        trade->kind = AlipayTrade::Kind::BarCode;
        trade->authCode = request.authCode;
    } else {
        trade = insert(request, AlipayTrade::Kind::BarCode);
        emitEvent(*trade, Event::Created);
    }
    trade->status = AlipayTradeStatus::WaitBuyerPay;
    trade->visible = true;
    trade->buyerUserId = m_buyerUserId;
    trade->buyerLogonId = m_buyerLogonId;
    emitEvent(*trade, Event::Scanned);
    return trade;
}

Result<AlipayTrade*> AlipayTradeBook::scan(AlipayTrade* trade) {
    if (trade->status == AlipayTradeStatus::Success)
        return hasSuccess();
    if (trade->status == AlipayTradeStatus::Closed)
        return hasClose();
    if (trade->status == AlipayTradeStatus::WaitBuyerPay)
        return trade;
    trade->status = AlipayTradeStatus::WaitBuyerPay;
    trade->visible = true;
    trade->buyerUserId = m_buyerUserId;
    trade->buyerLogonId = m_buyerLogonId;
    emitEvent(*trade, Event::Scanned);
    return trade;
}

Result<AlipayTrade*> AlipayTradeBook::pay(AlipayTrade* trade) {
    if (trade->status == AlipayTradeStatus::NotScanned) {
        Result<AlipayTrade*> scanned = scan(trade);
        if (!scanned)
            return scanned;
    }
    if (trade->status == AlipayTradeStatus::Success)
        return hasSuccess();
    if (trade->status == AlipayTradeStatus::Closed)
        return hasClose();
    trade->status = AlipayTradeStatus::Success;
    trade->paidMs = m_clock();
    emitEvent(*trade, Event::Paid);
    return trade;
}

void AlipayTradeBook::closeUnpaid(AlipayTrade* trade) {
    trade->status = AlipayTradeStatus::Closed;
    trade->closedMs = m_clock();
    emitEvent(*trade, Event::Closed);
}

Result<AlipayTrade*> AlipayTradeBook::buyerGivesUp(AlipayTrade* trade) {
    if (trade->status == AlipayTradeStatus::Success)
        return hasSuccess();
    if (trade->status == AlipayTradeStatus::Closed)
        return hasClose();
    closeUnpaid(trade);
    return trade;
}

Result<AlipayTrade*> AlipayTradeBook::expire(AlipayTrade* trade) {
    return buyerGivesUp(trade);
}

Result<AlipayTrade*> AlipayTradeBook::close(AlipayTrade* trade) {
    // Before the buyer scans there is no trade at Alipay to close: the QR stays payable.
    if (!trade->exists())
        return notExist();
    if (trade->status == AlipayTradeStatus::Success)
        return statusError();
    if (trade->status == AlipayTradeStatus::Closed)
        return trade->refunded > 0 ? Result<AlipayTrade*>(statusError())
                                   : Result<AlipayTrade*>(trade);
    closeUnpaid(trade);
    return trade;
}

Result<AlipayTradeBook::CancelOutcome>
AlipayTradeBook::cancel(const QString& appId, const QString& outTradeNo, const QString& tradeNo) {
    AlipayTrade* trade = find(appId, outTradeNo, tradeNo);
    if (!trade) {
        if (outTradeNo.isEmpty())
            return notExist();
        // Cancel works whatever happened to the order, even when the precreate never arrived:
        // Alipay records the number as closed so nobody can pay it later.
        NewTrade tombstone;
        tombstone.appId = appId;
        tombstone.outTradeNo = outTradeNo;
        trade = insert(tombstone, AlipayTrade::Kind::QrCode);
        trade->visible = true;
        closeUnpaid(trade);
        return CancelOutcome{trade, QStringLiteral("close")};
    }
    trade->visible = true;
    switch (trade->status) {
    case AlipayTradeStatus::NotScanned:
    case AlipayTradeStatus::WaitBuyerPay:
        closeUnpaid(trade);
        return CancelOutcome{trade, QStringLiteral("close")};
    case AlipayTradeStatus::Success: {
        Result<RefundOutcome> r = refund(trade, trade->total - trade->refunded,
                                         QStringLiteral("CANCEL_") + trade->outTradeNo, {});
        if (!r)
            return r.error();
        return CancelOutcome{trade, QStringLiteral("refund")};
    }
    case AlipayTradeStatus::Closed:
        return CancelOutcome{trade, trade->refunded > 0 ? QStringLiteral("refund")
                                                        : QStringLiteral("close")};
    }
    return notExist();
}

Result<AlipayTradeBook::RefundOutcome> AlipayTradeBook::refund(AlipayTrade* trade,
                                                               money::Fen amount,
                                                               const QString& outRequestNo,
                                                               const QString& reason) {
    if (!trade->exists())
        return notExist();
    for (const AlipayRefund& earlier : trade->refunds) {
        if (earlier.outRequestNo == outRequestNo) {
            if (earlier.amount != amount)
                return inconsistent();
            return RefundOutcome{trade, earlier, false};
        }
    }
    const bool paid = trade->paidMs > 0;
    if (!paid)
        return statusError();
    if (amount > trade->total - trade->refunded)
        return refusal("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限");
    trade->refunded += amount;
    AlipayRefund refund{outRequestNo, amount, trade->refunded, m_clock(), reason};
    trade->refunds.append(refund);
    if (trade->refunded == trade->total) {
        trade->status = AlipayTradeStatus::Closed;
        trade->closedMs = refund.atMs;
    }
    emitEvent(*trade, Event::Refunded, &trade->refunds.last());
    return RefundOutcome{trade, refund, true};
}

int AlipayTradeBook::expireDue() {
    const qint64 now = m_clock();
    int closed = 0;
    for (const auto& t : m_trades) {
        if (t->isOpen() && t->expiresMs > 0 && now >= t->expiresMs) {
            closeUnpaid(t.get());
            ++closed;
        }
    }
    return closed;
}

bool AlipayTradeBook::hasOpenTrades() const {
    for (const auto& t : m_trades) {
        if (t->isOpen())
            return true;
    }
    return false;
}

void AlipayTradeBook::emitEvent(const AlipayTrade& trade, Event event, const AlipayRefund* refund) {
    if (m_listener)
        m_listener(trade, event, refund);
}

} // namespace qpos::sandbox
