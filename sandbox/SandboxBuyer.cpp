#include "SandboxBuyer.h"

#include "alipay/AlipaySimulator.h"
#include "logging/LogCategories.h"

#include <QMetaObject>

namespace qpos::sandbox {

namespace {

void logOutcome(const char* action, const QString& outTradeNo, const Result<AlipayTrade>& r) {
    if (r)
        qCInfo(lcSandbox).noquote() << "simulated buyer:" << action << outTradeNo << "->"
                                    << alipayTradeStatusName(r->status);
    else
        qCWarning(lcSandbox).noquote() << "simulated buyer:" << action << outTradeNo
                                       << "refused:" << r.error().code << r.error().message;
}

void logNotSimulated(Channel channel, const char* action, const QString& outTradeNo) {
    qCWarning(lcSandbox).noquote() << "simulated buyer:" << action << outTradeNo
                                   << "ignored:" << channelName(channel) << "is not simulated yet";
}

} // namespace

SandboxBuyer::SandboxBuyer(AlipaySimulator& alipay)
    : m_alipay(alipay) {}

void SandboxBuyer::buyerPays(Channel channel, const QString& outTradeNo) {
    if (channel != Channel::Alipay)
        return logNotSimulated(channel, "pay", outTradeNo);
    AlipaySimulator* alipay = &m_alipay;
    // Queued even on the simulator's own thread: the caller (a button's slot) never runs
    // the buyer's side, its notifications and signals re-entrantly.
    QMetaObject::invokeMethod(
        alipay,
        [alipay, outTradeNo] { logOutcome("pay", outTradeNo, alipay->buyerPay(outTradeNo)); },
        Qt::QueuedConnection);
}

void SandboxBuyer::buyerCancels(Channel channel, const QString& outTradeNo) {
    if (channel != Channel::Alipay)
        return logNotSimulated(channel, "cancel", outTradeNo);
    AlipaySimulator* alipay = &m_alipay;
    QMetaObject::invokeMethod(
        alipay,
        [alipay, outTradeNo] {
            // The buyer scans, then walks away: Alipay then shows the till a closed trade
            // (a QR nobody scanned is no trade at Alipay, and would only run out).
            const Result<AlipayTrade> scanned = alipay->buyerScan(outTradeNo);
            logOutcome("cancel", outTradeNo, scanned ? alipay->buyerCancel(outTradeNo) : scanned);
        },
        Qt::QueuedConnection);
}

} // namespace qpos::sandbox
