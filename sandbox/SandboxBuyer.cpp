#include "sandbox/SandboxBuyer.h"

#include "core/logging/LogCategories.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/wechat/WechatSimulator.h"

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

void logOutcome(const char* action, const QString& outTradeNo, const Result<WechatTrade>& r) {
    if (r)
        qCInfo(lcSandbox).noquote() << "simulated WeChat buyer:" << action << outTradeNo << "->"
                                    << wechatTradeStateName(r->state);
    else
        qCWarning(lcSandbox).noquote() << "simulated WeChat buyer:" << action << outTradeNo
                                       << "refused:" << r.error().code << r.error().message;
}

} // namespace

SandboxBuyer::SandboxBuyer(AlipaySimulator& alipay, WechatSimulator& wechat)
    : m_alipay(alipay)
    , m_wechat(wechat) {}

void SandboxBuyer::buyerPays(Channel channel, const QString& outTradeNo) {
    // Queued even on the simulator's own thread: the caller (a button's slot) never runs
    // the buyer's side, its notifications and signals re-entrantly.
    if (channel == Channel::WeChat) {
        WechatSimulator* wechat = &m_wechat;
        QMetaObject::invokeMethod(
            wechat,
            [wechat, outTradeNo] { logOutcome("pay", outTradeNo, wechat->buyerPay(outTradeNo)); },
            Qt::QueuedConnection);
        return;
    }
    AlipaySimulator* alipay = &m_alipay;
    QMetaObject::invokeMethod(
        alipay,
        [alipay, outTradeNo] { logOutcome("pay", outTradeNo, alipay->buyerPay(outTradeNo)); },
        Qt::QueuedConnection);
}

void SandboxBuyer::buyerCancels(Channel channel, const QString& outTradeNo) {
    if (channel == Channel::WeChat) {
        // A Native order closes (as when its time runs out); a code payment fails (PAYERROR).
        WechatSimulator* wechat = &m_wechat;
        QMetaObject::invokeMethod(
            wechat,
            [wechat, outTradeNo] {
                logOutcome("cancel", outTradeNo, wechat->buyerCancel(outTradeNo));
            },
            Qt::QueuedConnection);
        return;
    }
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
