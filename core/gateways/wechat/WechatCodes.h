#pragma once

#include "core/common/Result.h"
#include "core/gateways/ProviderReply.h"

#include <QString>

namespace qpos::wechat {

// What a verified WeChat Pay error answer (HTTP 4xx/5xx with {"code","message"}) means for
// the till, by HTTP status and `code`:
//  - Unknown: WeChat was busy or failed (5xx, SYSTEM_ERROR, BANKERROR, FREQUENCY_LIMITED):
//    nothing is known, only a query tells (transient: an idempotent call may be repeated);
//    ORDERPAID (the order is already paid: the buyer's money is taken, a query says the
//    rest); a code this client does not know;
//  - InProgress: USERPAYING (the buyer is confirming the payment on the phone);
//  - Refused: every other known code: WeChat refused and nothing happened.
// Call-specific meanings (ORDER_NOT_EXIST on a query is "not created", ORDERPAID on a close
// is a refusal the engine answers with a query) are the answer reader's business.
struct WechatErrorVerdict : gateway::CodeVerdict {
    QString code;    // WeChat's code ("ORDER_NOT_EXIST"), empty when there was none
    QString message; // WeChat's message
};

// Classifies an error answer. `code` and `message` come from the verified body (empty when
// it had none).
WechatErrorVerdict classifyWechatError(int httpStatus, const QString& code, const QString& message);

// Translated words a cashier can act on for a refusal code; falls back to WeChat's message.
// NOT_ENOUGH is worded for a refund (the shop's balance); a payment's is
// wechatBuyerBalanceMessage().
QString wechatCashierMessage(const QString& code, const QString& providerMessage);

// NOT_ENOUGH (or NOTENOUGH) on a payment: the buyer's balance is too low.
QString wechatBuyerBalanceMessage();
bool isNotEnoughCode(const QString& code);

// The code names "the trade (or refund) does not exist" (ORDER_NOT_EXIST, ORDERNOTEXIST,
// RESOURCE_NOT_EXISTS).
bool isNotExistCode(const QString& code);

} // namespace qpos::wechat
