#include "core/gateways/wechat/WechatCodes.h"

#include "core/gateways/CodeTextTable.h"

#include <QCoreApplication>

#include <array>

namespace qpos::wechat {

namespace {

using gateway::CodeText;

// Refusals in plain words that say what to do. Translated at run time.
constexpr std::array kRefusalTexts{
    CodeText{u"ORDER_CLOSED",
             QT_TRANSLATE_NOOP("qpos::wechat",
                               "This order is already closed at WeChat Pay. Start a new sale to "
                               "charge again.")},
    CodeText{u"ORDERPAID",
             QT_TRANSLATE_NOOP("qpos::wechat",
                               "This order is already paid at WeChat Pay. The till is checking "
                               "its state.")},
    CodeText{u"ORDER_NOT_EXIST",
             QT_TRANSLATE_NOOP("qpos::wechat", "WeChat Pay has no record of this order.")},
    CodeText{u"ORDERNOTEXIST",
             QT_TRANSLATE_NOOP("qpos::wechat", "WeChat Pay has no record of this order.")},
    CodeText{
        u"RESOURCE_NOT_EXISTS",
        QT_TRANSLATE_NOOP("qpos::wechat", "WeChat Pay has no record of this order or refund.")},
    CodeText{u"NOTENOUGH",
             QT_TRANSLATE_NOOP("qpos::wechat",
                               "The customer's WeChat balance is not enough. Ask the customer to "
                               "choose another card in WeChat, or to pay another way.")},
    CodeText{u"NOT_ENOUGH",
             QT_TRANSLATE_NOOP("qpos::wechat",
                               "There is not enough left to refund: the refund is more than what "
                               "can still be refunded on this order, or the shop's WeChat Pay "
                               "balance is too low.")},
    CodeText{u"PARAM_ERROR",
             QT_TRANSLATE_NOOP("qpos::wechat",
                               "WeChat Pay refused the request as invalid. Check the amount and, "
                               "for a payment code, scan it again; if it happens again, ask IT "
                               "to check the till's WeChat Pay settings.")},
    CodeText{u"INVALID_REQUEST",
             QT_TRANSLATE_NOOP("qpos::wechat",
                               "WeChat Pay refused the request: the order's state or details do "
                               "not allow it (for example a refund of an unpaid order, or an "
                               "order number reused with another amount).")},
    CodeText{u"NO_AUTH",
             QT_TRANSLATE_NOOP("qpos::wechat",
                               "WeChat Pay says this shop's merchant account has no permission "
                               "for this payment (NO_AUTH). The manager must check in the WeChat "
                               "Pay merchant platform that the product (付款码支付 or Native支付) "
                               "is enabled and the account is not restricted. Meanwhile take "
                               "the payment another way.")},
    CodeText{u"NOAUTH",
             QT_TRANSLATE_NOOP("qpos::wechat",
                               "This shop's WeChat Pay account is not allowed to do this. The "
                               "manager must check the products enabled in the merchant "
                               "platform.")},
    CodeText{u"SIGN_ERROR",
             QT_TRANSLATE_NOOP("qpos::wechat",
                               "WeChat Pay could not verify the till's signature. Ask IT to "
                               "check [wechat] merchant_private_key and merchant_serial_no "
                               "against the merchant API certificate.")},
    CodeText{u"MCH_NOT_EXISTS",
             QT_TRANSLATE_NOOP("qpos::wechat",
                               "WeChat Pay does not know this merchant. Ask IT to check "
                               "[wechat] mch_id.")},
    CodeText{u"APPID_MCHID_NOT_MATCH",
             QT_TRANSLATE_NOOP("qpos::wechat",
                               "The AppID is not bound to this merchant at WeChat Pay. Ask IT to "
                               "check [wechat] app_id and mch_id.")},
    CodeText{u"TRADE_ERROR",
             QT_TRANSLATE_NOOP("qpos::wechat",
                               "WeChat Pay refused the payment for this customer or order. Ask "
                               "the customer to pay another way.")},
    CodeText{u"ACCOUNT_ERROR",
             QT_TRANSLATE_NOOP("qpos::wechat",
                               "The customer's WeChat Pay account cannot pay at the moment. Ask "
                               "the customer to pay another way.")},
    CodeText{u"RULE_LIMIT",
             QT_TRANSLATE_NOOP("qpos::wechat",
                               "The payment is over a limit of WeChat Pay (amount, count or "
                               "shop rules). Ask the customer to pay another way.")},
    CodeText{u"AUTH_CODE_INVALID",
             QT_TRANSLATE_NOOP("qpos::wechat",
                               "The customer's payment code is not valid or has expired. Ask the "
                               "customer to refresh the payment code, then scan it again.")},
    CodeText{u"AUTHCODEEXPIRE",
             QT_TRANSLATE_NOOP("qpos::wechat",
                               "The customer's payment code has expired. Ask the customer to "
                               "refresh the payment code, then scan it again.")},
    CodeText{u"BUYER_MISMATCH",
             QT_TRANSLATE_NOOP("qpos::wechat",
                               "Another customer has already started paying this order. Start a "
                               "new sale.")},
    CodeText{u"OUT_TRADE_NO_USED",
             QT_TRANSLATE_NOOP("qpos::wechat",
                               "This order number was already used with other details. Start a "
                               "new sale.")},
    CodeText{u"USER_ACCOUNT_ABNORMAL",
             QT_TRANSLATE_NOOP("qpos::wechat",
                               "The customer's WeChat Pay account can no longer receive this "
                               "refund. The manager must refund the customer another way.")},
    CodeText{u"NO_STATEMENT_EXIST",
             QT_TRANSLATE_NOOP("qpos::wechat",
                               "WeChat Pay has no bill for this date: the shop had no WeChat Pay "
                               "payment or refund that day.")},
    CodeText{u"STATEMENT_CREATING",
             QT_TRANSLATE_NOOP("qpos::wechat",
                               "WeChat Pay is still making the bill for this date. A day's bill "
                               "is ready the next day after 10:00; try again later.")},
};

bool isBusyCode(const QString& code) {
    return code == u"SYSTEM_ERROR" || code == u"SYSTEMERROR" || code == u"BANKERROR" ||
           code == u"BANK_ERROR" || code == u"FREQUENCY_LIMITED";
}

} // namespace

QString wechatBuyerBalanceMessage() {
    return QCoreApplication::translate("qpos::wechat",
                                       "The customer's WeChat balance is not enough. Ask the "
                                       "customer to choose another card in WeChat, or to pay "
                                       "another way.");
}

bool isNotEnoughCode(const QString& code) {
    return code == u"NOT_ENOUGH" || code == u"NOTENOUGH";
}

bool isNotExistCode(const QString& code) {
    return code == u"ORDER_NOT_EXIST" || code == u"ORDERNOTEXIST" || code == u"RESOURCE_NOT_EXISTS";
}

QString wechatCashierMessage(const QString& code, const QString& providerMessage) {
    if (const char* text = gateway::lookUpCodeText(kRefusalTexts, code))
        return QCoreApplication::translate("qpos::wechat", text);
    return QCoreApplication::translate("qpos::wechat", "WeChat Pay refused the request: %1 (%2).")
        .arg(providerMessage.isEmpty() ? code : providerMessage,
             code.isEmpty() ? QStringLiteral("-") : code);
}

WechatErrorVerdict classifyWechatError(int httpStatus, const QString& code,
                                       const QString& message) {
    WechatErrorVerdict v;
    v.code = code;
    v.message = message;
    const QString codeText = code.isEmpty() ? QStringLiteral("HTTP %1").arg(httpStatus) : code;
    auto unknown = [&v](const char* errorCode, const QString& text, bool transient) {
        v.setUnknown(errorCode, text, transient);
        return v;
    };

    if (httpStatus >= 500 || httpStatus == 429 || isBusyCode(code)) {
        const bool limited = code == u"FREQUENCY_LIMITED" || httpStatus == 429;
        return unknown(
            limited ? "wechat.frequency_limited" : "wechat.provider_busy",
            limited ? QCoreApplication::translate(
                          "qpos::wechat", "WeChat Pay asked the till to slow down (%1). The till "
                                          "will ask WeChat Pay again.")
                          .arg(codeText)
                    : QCoreApplication::translate(
                          "qpos::wechat", "WeChat Pay is busy and did not say what happened (%1). "
                                          "The till will ask WeChat Pay again.")
                          .arg(codeText),
            true);
    }
    if (code == u"USERPAYING") {
        v.verdict = gateway::OutcomeKind::InProgress;
        v.progress = gateway::InProgress{
            message,
            QCoreApplication::translate("qpos::wechat", "Waiting for the customer to confirm the "
                                                        "payment on the phone.")};
        return v;
    }
    if (code == u"ORDERPAID") {
        // "Already paid" is not a refusal: the buyer's money is taken. A query says the rest.
        return unknown("wechat.already_paid",
                       QCoreApplication::translate("qpos::wechat",
                                                   "WeChat Pay says this order is already paid. "
                                                   "The till is checking its state."),
                       false);
    }
    if (httpStatus >= 400 && gateway::lookUpCodeText(kRefusalTexts, code)) {
        v.verdict = gateway::OutcomeKind::Refused;
        v.refusal = gateway::Refused{code, QString(), message, wechatCashierMessage(code, message)};
        return v;
    }
    // A code (or status) this client does not know: do not guess that nothing happened.
    return unknown("wechat.unexpected_code",
                   QCoreApplication::translate("qpos::wechat",
                                               "WeChat Pay answered with an unexpected code (%1). "
                                               "The till will ask WeChat Pay again.")
                       .arg(codeText),
                   false);
}

} // namespace qpos::wechat
