#include "core/gateways/alipay/AlipayCodes.h"

#include "core/gateways/CodeTextTable.h"

#include <QCoreApplication>

#include <array>

namespace qpos::alipay {

namespace {

using gateway::CodeText;

// Refusals a cashier meets, in plain words that say what to do. Translated at run time.
constexpr std::array kRefusalTexts{
    CodeText{u"ACQ.TRADE_HAS_CLOSE",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "This order is already closed at Alipay. Start a new sale to "
                               "charge again.")},
    CodeText{u"ACQ.BUYER_BALANCE_NOT_ENOUGH",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "The customer's Alipay balance is not enough. Ask the customer to "
                               "choose another way to pay in Alipay, or to pay another way.")},
    CodeText{u"ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "The customer's bank card has not enough money. Ask the customer "
                               "to choose another card in Alipay, or to pay another way.")},
    CodeText{u"ACQ.PAYMENT_AUTH_CODE_INVALID",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "The customer's payment code is not valid or has expired. Ask the "
                               "customer to refresh the payment code, then scan it again.")},
    CodeText{u"ACQ.TRADE_NOT_EXIST",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes", "Alipay has no record of this order.")},
    CodeText{u"ACQ.TOTAL_FEE_EXCEED",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "Alipay does not accept this amount. Check the amount and try "
                               "again.")},
    CodeText{u"ACQ.EXIST_FORBIDDEN_WORD",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "Alipay refused the order's description. Change the item names "
                               "and try again.")},
    CodeText{u"ACQ.CONTEXT_INCONSISTENT",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "This order number was already used with other details. Start a "
                               "new sale.")},
    CodeText{u"ACQ.TRADE_BUYER_NOT_MATCH",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "Another customer has already started paying this order. Start a "
                               "new sale.")},
    CodeText{u"ACQ.BUYER_SELLER_EQUAL",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "The customer's Alipay account is the shop's own account. Ask the "
                               "customer to pay with another account.")},
    CodeText{u"ACQ.BUYER_ENABLE_STATUS_FORBID",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "The customer's Alipay account cannot pay at the moment. Ask the "
                               "customer to pay another way.")},
    CodeText{u"ACQ.BUYER_PAYMENT_AMOUNT_DAY_LIMIT_ERROR",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "The customer has reached the daily payment limit of Alipay. Ask "
                               "the customer to pay another way.")},
    CodeText{u"ACQ.BUYER_PAYMENT_AMOUNT_MONTH_LIMIT_ERROR",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "The customer has reached the monthly payment limit of Alipay. Ask "
                               "the customer to pay another way.")},
    CodeText{u"ACQ.BEYOND_PAY_RESTRICTION",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "The amount is over the payment limit of this shop or customer. "
                               "Ask the customer to pay another way.")},
    CodeText{u"ACQ.BEYOND_PER_RECEIPT_RESTRICTION",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "The amount is over the limit for one payment. Ask the customer to "
                               "pay another way.")},
    CodeText{u"ACQ.ERROR_BUYER_CERTIFY_LEVEL_LIMIT",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "The customer's Alipay account is not verified enough for this "
                               "payment. Ask the customer to pay another way.")},
    CodeText{u"ACQ.PAYMENT_FAIL",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "The payment failed at Alipay. Ask the customer to try again, or "
                               "to pay another way.")},
    CodeText{u"ACQ.PAYMENT_REQUEST_HAS_RISK",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "Alipay stopped this payment for safety reasons. Ask the customer "
                               "to pay another way.")},
    CodeText{u"ACQ.NO_PAYMENT_INSTRUMENTS_AVAILABLE",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "The customer has no usable way to pay in Alipay. Ask the customer "
                               "to add one, or to pay another way.")},
    CodeText{u"ACQ.USER_FACE_PAYMENT_SWITCH_OFF",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "The customer has turned off paying by payment code. Ask the "
                               "customer to turn it on in Alipay, or show the QR code instead.")},
    CodeText{u"ACQ.MOBILE_PAYMENT_SWITCH_OFF",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "The customer has turned off paying by payment code. Ask the "
                               "customer to turn it on in Alipay, or show the QR code instead.")},
    CodeText{u"ACQ.PULL_MOBILE_CASHIER_FAIL",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "Alipay could not ask the customer to confirm on the phone. Ask "
                               "the customer to scan the QR code instead.")},
    CodeText{u"ACQ.SELLER_BEEN_BLOCKED",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "This shop's Alipay account is restricted. The manager must "
                               "contact Alipay.")},
    CodeText{u"ACQ.INVALID_STORE_ID",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "Alipay does not know this store. Ask IT to check [store] id.")},
    CodeText{u"ACQ.ACCESS_FORBIDDEN",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "This shop's Alipay contract does not allow this. The manager must "
                               "check the contract with Alipay.")},
    CodeText{u"ACQ.INVALID_PARAMETER",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "Alipay refused the request as invalid. Ask IT to check the till's "
                               "Alipay settings.")},
    CodeText{u"ACQ.SELLER_BALANCE_NOT_ENOUGH",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "The shop's Alipay balance is too low for this refund. Top up the "
                               "balance, then refund again.")},
    CodeText{u"ACQ.REFUND_AMT_NOT_EQUAL_TOTAL",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "The refund amount does not match the paid amount.")},
    CodeText{u"ACQ.REASON_TRADE_BEEN_FREEZEN",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "This order is frozen at Alipay and cannot be refunded now. The "
                               "manager must contact Alipay.")},
    CodeText{u"ACQ.TRADE_HAS_FINISHED",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "This order is finished at Alipay and can no longer be refunded.")},
    CodeText{u"ACQ.TRADE_STATUS_ERROR",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "The order's state at Alipay does not allow this. Check the "
                               "order's state and try again.")},
    CodeText{u"ACQ.DISCORDANT_REPEAT_REQUEST",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "This refund was already requested with a different amount. Check "
                               "the refund and start it again.")},
    CodeText{u"ACQ.REASON_TRADE_REFUND_FEE_ERR",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "The refund is more than what can still be refunded on this "
                               "order.")},
    CodeText{u"ACQ.REFUND_FEE_ERROR",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "The refund is more than what can still be refunded on this "
                               "order.")},
    CodeText{u"ACQ.TRADE_NOT_ALLOW_REFUND",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes", "This order cannot be refunded.")},
    CodeText{u"isp.bill_not_exist",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "Alipay has no bill for this date yet. A day's bill is ready the "
                               "next day after 10:00; try again later.")},
    CodeText{u"isv.invalid-signature",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "Alipay could not verify the till's signature. Ask IT to check "
                               "[alipay] app_private_key against the public key uploaded to "
                               "Alipay.")},
    CodeText{u"isv.invalid-app-id",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "Alipay does not know this app. Ask IT to check [alipay] "
                               "app_id.")},
};

// By code when the sub_code has no text of its own.
constexpr std::array kCodeTexts{
    CodeText{u"20001",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "Alipay did not accept the app's authorisation. Ask IT to check "
                               "the till's Alipay settings.")},
    CodeText{u"40001",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "Alipay refused the request as incomplete. Ask IT to check the "
                               "till's Alipay settings.")},
    CodeText{u"40002",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "Alipay refused the request as invalid. Ask IT to check the till's "
                               "Alipay settings.")},
    CodeText{u"40006",
             QT_TRANSLATE_NOOP("qpos::alipay::AlipayCodes",
                               "This shop's Alipay app is not allowed to do this. The manager "
                               "must check the app's permissions with Alipay.")},
};

bool isSystemError(const QString& subCode) {
    // ACQ.SYSTEM_ERROR and its relatives, and isp.* (Alipay's own service errors) leave the
    // outcome open; isp.bill_not_exist is a plain answer ("no bill yet").
    if (subCode == u"isp.bill_not_exist")
        return false;
    return subCode.endsWith(u"SYSTEM_ERROR") || subCode.startsWith(u"isp.");
}

} // namespace

QString alipayCashierMessage(const QString& code, const QString& subCode, const QString& subMsg) {
    if (const char* text = gateway::lookUpCodeText(kRefusalTexts, subCode))
        return QCoreApplication::translate("qpos::alipay::AlipayCodes", text);
    if (const char* text = gateway::lookUpCodeText(kCodeTexts, code))
        return QCoreApplication::translate("qpos::alipay::AlipayCodes", text);
    const QString detail = subMsg.isEmpty() ? subCode : subMsg;
    return QCoreApplication::translate("qpos::alipay::AlipayCodes",
                                       "Alipay refused the request: %1 (%2).")
        .arg(detail.isEmpty() ? code : detail, subCode.isEmpty() ? code : subCode);
}

AlipayCodeVerdict classifyAlipayAnswer(const QJsonObject& fields) {
    AlipayCodeVerdict v;
    v.code = fields.value(u"code").toString();
    v.msg = fields.value(u"msg").toString();
    v.subCode = fields.value(u"sub_code").toString();
    v.subMsg = fields.value(u"sub_msg").toString();
    const bool retryRequested = fields.value(u"retry_flag").toString() == u"Y";

    auto unknown = [&v](const char* errorCode, const QString& message, bool transient) {
        v.setUnknown(errorCode, message, transient);
        return v;
    };
    const QString busy = QCoreApplication::translate(
        "qpos::alipay::AlipayCodes",
        "Alipay is busy and did not say what happened (%1). The till will ask Alipay again.");
    const QString codeText = v.subCode.isEmpty() ? v.code : v.code + u'/' + v.subCode;

    if (retryRequested) {
        return unknown("alipay.retry_requested",
                       QCoreApplication::translate(
                           "qpos::alipay::AlipayCodes",
                           "Alipay asked for the request to be repeated (%1). The till will "
                           "repeat it.")
                           .arg(codeText),
                       true);
    }
    if (v.code == u"10000") {
        v.verdict = gateway::OutcomeKind::Success;
        return v;
    }
    if (v.code == u"10003") {
        v.verdict = gateway::OutcomeKind::InProgress;
        v.progress = gateway::InProgress{
            v.subMsg.isEmpty() ? v.msg : v.subMsg,
            QCoreApplication::translate("qpos::alipay::AlipayCodes",
                                        "Waiting for the customer to confirm the payment on "
                                        "the phone.")};
        return v;
    }
    if (v.code == u"20000")
        return unknown("alipay.provider_busy", busy.arg(codeText), true);
    if (v.code == u"40004" && isSystemError(v.subCode))
        return unknown("alipay.provider_busy", busy.arg(codeText), true);
    if (v.code == u"40004" && v.subCode == u"ACQ.TRADE_HAS_SUCCESS") {
        // "Already paid" is not a refusal: the buyer's money is taken. A query says the rest.
        return unknown("alipay.already_paid",
                       QCoreApplication::translate("qpos::alipay::AlipayCodes",
                                                   "Alipay says this order is already paid. The "
                                                   "till is checking its state."),
                       false);
    }
    if (v.code == u"20001" || v.code == u"40001" || v.code == u"40002" || v.code == u"40004" ||
        v.code == u"40006") {
        v.verdict = gateway::OutcomeKind::Refused;
        v.refusal = gateway::Refused{v.code, v.subCode, v.subMsg.isEmpty() ? v.msg : v.subMsg,
                                     alipayCashierMessage(v.code, v.subCode, v.subMsg)};
        return v;
    }
    return unknown("alipay.unexpected_code",
                   QCoreApplication::translate("qpos::alipay::AlipayCodes",
                                               "Alipay answered with an unexpected code (%1). The "
                                               "till will ask Alipay again.")
                       .arg(codeText.isEmpty() ? QStringLiteral("-") : codeText),
                   false);
}

} // namespace qpos::alipay
