#include "core/gateways/GatewayProbe.h"

#include "core/gateways/GatewayErrors.h"
#include "core/gateways/PaymentGateway.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QRegularExpression>

#include <memory>

namespace qpos::gateway {

namespace {

bool isTransportCode(const QString& code) {
    for (const char* c : {errc::timeout, errc::connectionFailed, errc::tlsFailed, errc::httpStatus,
                          errc::answerTooLarge, errc::unreachable}) {
        if (code == QLatin1String(c))
            return true;
    }
    return false;
}

// Alipay's sub_code in a refusal, or inside the message of an unsigned refusal (Alipay sends
// signature and app-id refusals without a signature, so the client reports them as Unknown
// and quotes their codes).
bool mentions(const QString& text, const char* subCode) {
    const QRegularExpression pattern(QStringLiteral("(^|[^A-Za-z0-9_.-])") +
                                     QRegularExpression::escape(QLatin1String(subCode)) +
                                     QStringLiteral("($|[^A-Za-z0-9_-])"));
    return pattern.match(text).hasMatch();
}

ProbeResult make(ProbeVerdict verdict, QString message, QString detail) {
    return ProbeResult{verdict, std::move(message), std::move(detail), 0};
}

} // namespace

QString probeVerdictName(ProbeVerdict verdict) {
    switch (verdict) {
    case ProbeVerdict::Ok:
        return QStringLiteral("ok");
    case ProbeVerdict::Unreachable:
        return QStringLiteral("unreachable");
    case ProbeVerdict::OurKeyRefused:
        return QStringLiteral("our_key_refused");
    case ProbeVerdict::TheirKeyWrong:
        return QStringLiteral("their_key_wrong");
    case ProbeVerdict::AppUnknown:
        return QStringLiteral("app_unknown");
    case ProbeVerdict::Refused:
        return QStringLiteral("refused");
    case ProbeVerdict::Inconclusive:
        return QStringLiteral("inconclusive");
    }
    return QStringLiteral("inconclusive");
}

QString probeOrderNumber() {
    QString number = QStringLiteral("QPOSPROBE");
    for (int i = 0; i < 24; ++i)
        number += QChar(u'0' + char16_t(QRandomGenerator::system()->bounded(10)));
    return number;
}

ProbeResult classifyProbe(Channel channel, const GatewayResult<TradeSnapshot>& result) {
    const QString provider = channelLabel(channel);
    const bool alipay = channel == Channel::Alipay;
    const QString privateKeySetting = alipay ? QStringLiteral("[alipay] app_private_key")
                                             : QStringLiteral("[wechat] merchant_private_key");
    const QString publicKeySetting = alipay ? QStringLiteral("[alipay] alipay_public_key")
                                            : QStringLiteral("[wechat] wechatpay_public_key");
    const QString appIdSetting =
        alipay ? QStringLiteral("[alipay] app_id") : QStringLiteral("[wechat] mch_id");

    auto ourKeyRefused = [&](const QString& detail) {
        if (!alipay)
            // WeChat Pay checks the merchant id and the certificate serial with the signature.
            return make(ProbeVerdict::OurKeyRefused,
                        QCoreApplication::translate(
                            "qpos::gateway::GatewayProbe",
                            "WeChat Pay refused the till's request signature. Check [wechat] "
                            "mch_id, merchant_serial_no (the serial of the merchant API "
                            "certificate) and %1 (the key of that certificate).")
                            .arg(privateKeySetting),
                        detail);
        return make(ProbeVerdict::OurKeyRefused,
                    QCoreApplication::translate(
                        "qpos::gateway::GatewayProbe",
                        "%1 refused the till's signature: the private key in %2 does not match "
                        "the public key registered at %1. Upload the public key that belongs to "
                        "this private key in %1's console, or configure the private key that "
                        "belongs to the registered public key.")
                        .arg(provider, privateKeySetting),
                    detail);
    };
    auto appUnknown = [&](const QString& detail) {
        return make(ProbeVerdict::AppUnknown,
                    QCoreApplication::translate("qpos::gateway::GatewayProbe",
                                                "%1 does not know this app: check %2.")
                        .arg(provider, appIdSetting),
                    detail);
    };

    switch (result.kind()) {
    case OutcomeKind::Success:
        return make(ProbeVerdict::Ok,
                    QCoreApplication::translate("qpos::gateway::GatewayProbe",
                                                "%1 accepted the till's signature and its answer "
                                                "verified with %2.")
                        .arg(provider, publicKeySetting),
                    QStringLiteral("%1 (%2)").arg(tradeStateName(result.value().state),
                                                  result.value().providerState));
    case OutcomeKind::InProgress:
        return make(ProbeVerdict::Ok,
                    QCoreApplication::translate("qpos::gateway::GatewayProbe",
                                                "%1 accepted the till's signature.")
                        .arg(provider),
                    result.inProgress().providerMessage);
    case OutcomeKind::Refused: {
        const Refused& r = result.refused();
        const QString detail = QStringLiteral("%1 %2 %3").arg(r.code, r.subCode, r.providerMessage);
        // Alipay names these in sub_code, WeChat Pay in code.
        if (r.subCode == u"isv.invalid-signature" || r.code == u"SIGN_ERROR")
            return ourKeyRefused(detail);
        if (r.subCode == u"isv.invalid-app-id" || r.code == u"MCH_NOT_EXISTS" ||
            r.code == u"APPID_MCHID_NOT_MATCH")
            return appUnknown(detail);
        return make(ProbeVerdict::Refused,
                    QCoreApplication::translate("qpos::gateway::GatewayProbe",
                                                "%1 answered but refused the query: %2")
                        .arg(provider, r.cashierMessage),
                    detail);
    }
    case OutcomeKind::Unknown:
        break;
    }

    const Error& reason = result.unknown().reason;
    const QString detail = reason.code + QStringLiteral(": ") + reason.message;
    if (isTransportCode(reason.code))
        return make(ProbeVerdict::Unreachable,
                    QCoreApplication::translate("qpos::gateway::GatewayProbe",
                                                "%1 cannot be reached: %2 Check the network, "
                                                "proxy and firewall, and the gateway URL.")
                        .arg(provider, reason.message),
                    reason.code);
    // A refusal of our signature that came unsigned still says whose key is wrong.
    if (reason.code == u"wechat.request_signature_refused" ||
        mentions(reason.message, "SIGN_ERROR"))
        return ourKeyRefused(detail);
    if (reason.code == u"alipay.bad_signature" || reason.code == u"alipay.cert_sn_unknown" ||
        reason.code.endsWith(u".bad_signature"))
        return make(ProbeVerdict::TheirKeyWrong,
                    QCoreApplication::translate(
                        "qpos::gateway::GatewayProbe",
                        "%1 answered, but its answer did not verify with %2: the %1 public key "
                        "is wrong. Copy %1's public key again from %1's console (not the app's "
                        "own public key).")
                        .arg(provider, publicKeySetting),
                    detail);
    if (mentions(reason.message, "isv.invalid-signature"))
        return ourKeyRefused(detail);
    if (mentions(reason.message, "isv.invalid-app-id"))
        return appUnknown(detail);
    if (reason.code == u"alipay.unsigned_response")
        return make(
            ProbeVerdict::Refused,
            QCoreApplication::translate("qpos::gateway::GatewayProbe", "%1 refused the request: %2")
                .arg(provider, reason.message),
            detail);
    return make(ProbeVerdict::Inconclusive,
                QCoreApplication::translate("qpos::gateway::GatewayProbe",
                                            "%1 answered, but the answer says nothing about the "
                                            "keys: %2 Try again later.")
                    .arg(provider, reason.message),
                detail);
}

void probeGateway(PaymentGateway& gateway, QObject* context,
                  std::function<void(const ProbeResult&)> done) {
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    const Channel channel = gateway.channel();
    gateway.queryTrade(TradeRef{probeOrderNumber(), QString()}, context,
                       [channel, clock, done = std::move(done)](GatewayResult<TradeSnapshot> r) {
                           ProbeResult result = classifyProbe(channel, r);
                           result.elapsedMs = clock->elapsed();
                           done(result);
                       });
}

} // namespace qpos::gateway
