#pragma once

#include "core/checkout/BuyerSimulator.h"

namespace qpos::sandbox {

class AlipaySimulator;
class WechatSimulator;

// The simulated buyer behind the till's SANDBOX banner. Calls may come from any thread: each
// one is posted to the thread the simulators live on and runs there; a refusal (no such
// trade, already paid...) is only logged, as the order's own updates show what happened.
// The simulators must outlive this object and every call made on it.
class SandboxBuyer final : public checkout::BuyerSimulator {
public:
    SandboxBuyer(AlipaySimulator& alipay, WechatSimulator& wechat);

    void buyerPays(Channel channel, const QString& outTradeNo) override;
    void buyerCancels(Channel channel, const QString& outTradeNo) override;

private:
    AlipaySimulator& m_alipay;
    WechatSimulator& m_wechat;
};

} // namespace qpos::sandbox
