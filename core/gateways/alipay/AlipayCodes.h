#pragma once

#include "core/common/Result.h"
#include "core/gateways/ProviderReply.h"

#include <QJsonObject>
#include <QString>

namespace qpos::alipay {

// What an Alipay `code` / `sub_code` pair means for the till. Alipay's public codes:
// 10000 success · 10003 in progress (pay: the buyer is confirming) · 20000 service
// unavailable · 20001 authorisation invalid · 40001 missing argument · 40002 invalid argument
// · 40004 business failed (see sub_code) · 40006 insufficient permissions. `transient`: Alipay
// was busy (20000, ACQ.SYSTEM_ERROR, isp.*) or asked for a retry (retry_flag=Y).
struct AlipayCodeVerdict : gateway::CodeVerdict {
    QString code;
    QString msg;
    QString subCode;
    QString subMsg;
};

// Classifies a verified `*_response` object (or error_response) by its code, sub_code and
// retry_flag. Method-specific meanings (ACQ.TRADE_NOT_EXIST on query is not a failure) are
// the answer parser's business; this gives the general rule.
AlipayCodeVerdict classifyAlipayAnswer(const QJsonObject& fields);

// Translated words a cashier understands for a refusal; falls back to Alipay's own sub_msg.
QString alipayCashierMessage(const QString& code, const QString& subCode, const QString& subMsg);

} // namespace qpos::alipay
