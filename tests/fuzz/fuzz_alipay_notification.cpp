// Alipay's asynchronous notifications: parseForm and AlipayNotificationVerifier over raw
// form bodies. Properties: no body is accepted unless signed with the verifier's key; a form
// that parses, once signed with that key, survives formBody -> parseForm unchanged and passes
// the signature check; changing one byte of any signed value makes it fail.
#include "core/gateways/alipay/AlipayNotification.h"
#include "core/gateways/alipay/AlipaySignature.h"
#include "core/money/Money.h"
#include "tests/fuzz/FuzzInput.h"
#include "tests/fuzz/FuzzSupport.h"

#include <optional>

using namespace qpos;
using namespace qpos::alipay;

namespace {

const QString kAppId = QStringLiteral("2021000000000001");

const AlipayNotificationVerifier& verifier() {
    static const AlipayNotificationVerifier v(kAppId, QString(), fuzz::signingKey().publicKey());
    return v;
}

// Every out_trade_no names an Alipay order of exactly the notified amount, so the verifier
// runs its checks to the end.
std::optional<Order> orderFor(const Params& params, const QString& outTradeNo) {
    const Result<money::Fen> amount =
        money::parseYuan(params.value(QStringLiteral("total_amount")), money::Sign::Positive);
    Order order;
    order.outTradeNo = outTradeNo;
    order.channel = Channel::Alipay;
    order.amountFen = amount ? amount.value() : 1;
    return order;
}

bool isSignatureError(const QString& code) {
    return code == u"alipay.bad_signature" || code == u"alipay.unsigned_notification" ||
           code == u"alipay.malformed_form";
}

void checkSigned(Params params, QByteArrayView input) {
    params.remove(QStringLiteral("sign"));
    params.insert(QStringLiteral("sign_type"), QStringLiteral("RSA2"));
    const Result<QByteArray> sign =
        fuzz::signingKey().signBase64(signContent(params, SignScope::Notification));
    QPOS_FUZZ_CHECK(sign.ok());
    params.insert(QStringLiteral("sign"), QString::fromLatin1(*sign));

    const QByteArray body = formBody(params);
    const Result<Params> back = parseForm(body);
    QPOS_FUZZ_CHECK(back.ok() && back.value() == params);
    QPOS_FUZZ_CHECK(verifyNotification(params, fuzz::signingKey().publicKey()).ok());

    const auto lookup = [&params](const QString& outTradeNo) {
        return orderFor(params, outTradeNo);
    };
    const Result<gateway::PaymentNotification> verified = verifier().verify(body, lookup);
    if (verified) {
        QPOS_FUZZ_CHECK(params.value(QStringLiteral("app_id")) == kAppId);
        QPOS_FUZZ_CHECK(verified->outTradeNo == params.value(QStringLiteral("out_trade_no")));
        const Result<money::Fen> total = money::parseYuan(
            params.value(QStringLiteral("total_amount")), money::Sign::NonNegative);
        QPOS_FUZZ_CHECK(total.ok() && total.value() == verified->totalFen);
    } else {
        QPOS_FUZZ_CHECK(!isSignatureError(verified.error().code));
    }

    // One changed byte in one signed value: refused.
    QStringList signedKeys;
    for (auto it = params.cbegin(); it != params.cend(); ++it) {
        if (it.key() != u"sign" && it.key() != u"sign_type" && !it.value().isEmpty())
            signedKeys << it.key();
    }
    if (signedKeys.isEmpty())
        return;
    const quint32 digest = fuzz::digestOf(input);
    const QString key = signedKeys.at(qsizetype(digest % quint32(signedKeys.size())));
    QByteArray value = params.value(key).toUtf8();
    value[qsizetype((digest >> 8) % quint32(value.size()))] ^= char(1 + (digest >> 16) % 255);
    Params tampered = params;
    tampered.insert(key, QString::fromUtf8(value));
    if (tampered.value(key) == params.value(key))
        return; // two invalid UTF-8 forms decode alike: nothing was changed
    QPOS_FUZZ_CHECK(!verifyNotification(tampered, fuzz::signingKey().publicKey()).ok());
    const Result<gateway::PaymentNotification> refused =
        verifier().verify(formBody(tampered), lookup);
    QPOS_FUZZ_CHECK(!refused.ok());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::ensureCoreApplication();
    const QByteArrayView input = fuzz::bytesOf(data, size);

    // Never accepted without the verifier's key's signature (made afresh in this process).
    const auto anyOrder = [](const QString& outTradeNo) {
        return orderFor(Params(), outTradeNo);
    };
    QPOS_FUZZ_CHECK(!verifier().verify(input, anyOrder).ok());

    const Result<Params> params = parseForm(input);
    if (params)
        checkSigned(*params, input);
    return 0;
}
