#pragma once

#include "core/money/Money.h"

#include <QList>
#include <QMetaType>
#include <QString>

namespace qpos::sandbox {

// Alipay's trade statuses, plus the state of a precreated QR order that no buyer has scanned
// yet: Alipay has not created the trade then, and a query answers ACQ.TRADE_NOT_EXIST.
enum class AlipayTradeStatus {
    NotScanned,
    WaitBuyerPay,
    Success,
    Closed,
};

// "WAIT_BUYER_PAY", "TRADE_SUCCESS", "TRADE_CLOSED"; "NOT_SCANNED" for the sandbox's own
// state before the scan (never sent to a client as a trade_status).
QString alipayTradeStatusName(AlipayTradeStatus status);

struct AlipayRefund {
    QString outRequestNo;
    money::Fen amount = 0;
    money::Fen refundedAfter = 0; // the trade's refunded total after this refund
    qint64 atMs = 0;
    QString reason;
};

struct AlipayTrade {
    enum class Kind { QrCode, BarCode };

    QString appId;
    QString outTradeNo;
    QString tradeNo;
    Kind kind = Kind::QrCode;
    AlipayTradeStatus status = AlipayTradeStatus::NotScanned;
    money::Fen total = 0;
    money::Fen refunded = 0;
    QString subject;
    QString body;
    QString storeId;
    QString terminalId;
    QString operatorId;
    QString notifyUrl;
    QString qrCode;  // the URL answered by precreate
    QString qrToken; // its last path segment
    QString authCode;
    QString buyerUserId;
    QString buyerLogonId; // masked, as Alipay shows it to merchants
    qint64 createdMs = 0;
    qint64 paidMs = 0;
    qint64 closedMs = 0;
    qint64 expiresMs = 0;
    // Alipay shows the trade to queries once a buyer scanned it, a payment code was used, or
    // alipay.trade.cancel closed it (a cancel also closes a QR nobody scanned yet).
    bool visible = false;
    QList<AlipayRefund> refunds;

    bool exists() const { return visible; }
    bool isOpen() const {
        return status == AlipayTradeStatus::NotScanned || status == AlipayTradeStatus::WaitBuyerPay;
    }
};

} // namespace qpos::sandbox

Q_DECLARE_METATYPE(qpos::sandbox::AlipayTrade)
