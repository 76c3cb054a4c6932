// The store backend's notification intake: readAlipayNotification and readWechatNotification,
// which decide what the server records and what the provider is answered. The input is an
// Alipay form body, a NUL, then a WeChat Pay body. Properties: nothing is recorded unless the
// provider's key signed it; a signed post is recorded with its original body and headers byte
// for byte and with what its signed fields say; one changed byte of a signed post is refused,
// for WeChat Pay with 401 (a signature problem) so that it is not taken for a bad request.
#include "core/gateways/alipay/AlipayNotification.h"
#include "core/gateways/alipay/AlipaySignature.h"
#include "core/gateways/wechat/WechatNotification.h"
#include "core/gateways/wechat/WechatSignature.h"
#include "core/money/Money.h"
#include "server/notify/NotificationReading.h"
#include "tests/fuzz/FuzzInput.h"
#include "tests/fuzz/FuzzSupport.h"

#include <variant>

using namespace qpos;
using server::NotificationRecord;
using server::NotificationRefusal;

namespace {

const QString kAppId = QStringLiteral("2021000000000001");
const QByteArray kApiV3Key = QByteArrayLiteral("0123456789abcdefghijklmnopqrstuv");
const QString kSerial = QStringLiteral("PUB_KEY_ID_0114232020262026010100000000000001");
constexpr qint64 kNowS = 1767225600; // 2026-01-01T00:00:00Z

const alipay::AlipayNotificationVerifier& alipayVerifier() {
    static const alipay::AlipayNotificationVerifier v(kAppId, QString(),
                                                      fuzz::signingKey().publicKey());
    return v;
}

const wechat::WechatNotificationVerifier& wechatVerifier() {
    static const wechat::WechatNotificationVerifier v(
        QStringLiteral("1900000001"), QStringLiteral("wx0000000000000001"), kApiV3Key,
        {wechat::WechatPlatformKey{kSerial, fuzz::signingKey().publicKey(), {}}},
        [] { return kNowS * 1000; });
    return v;
}

const QMap<QByteArray, QByteArray> kAlipayHeaders{
    {"content-type", "application/x-www-form-urlencoded; charset=utf-8"}};

void checkAlipay(QByteArrayView body, quint32 digest) {
    const server::NotificationReading raw =
        server::readAlipayNotification(alipayVerifier(), body.toByteArray(), kAlipayHeaders);
    const auto* refused = std::get_if<NotificationRefusal>(&raw);
    QPOS_FUZZ_CHECK(refused && refused->status == 400 && !refused->error.message.isEmpty());

    Result<alipay::Params> params = alipay::parseForm(body);
    if (!params)
        return;
    params->remove(QStringLiteral("sign"));
    params->insert(QStringLiteral("sign_type"), QStringLiteral("RSA2"));
    const Result<QByteArray> sign = fuzz::signingKey().signBase64(
        alipay::signContent(*params, alipay::SignScope::Notification));
    QPOS_FUZZ_CHECK(sign.ok());
    params->insert(QStringLiteral("sign"), QString::fromLatin1(*sign));
    const QByteArray signedBody = alipay::formBody(*params);

    const server::NotificationReading read =
        server::readAlipayNotification(alipayVerifier(), signedBody, kAlipayHeaders);
    if (const auto* record = std::get_if<NotificationRecord>(&read)) {
        QPOS_FUZZ_CHECK(record->provider == u"alipay" && record->channel == u"alipay");
        QPOS_FUZZ_CHECK(record->body == signedBody && record->headers == kAlipayHeaders);
        QPOS_FUZZ_CHECK(record->outTradeNo == params->value(QStringLiteral("out_trade_no")));
        QPOS_FUZZ_CHECK(record->notificationId == params->value(QStringLiteral("notify_id")));
        const Result<money::Fen> total = money::parseYuan(
            params->value(QStringLiteral("total_amount")), money::Sign::NonNegative);
        QPOS_FUZZ_CHECK(total.ok() && total.value() == record->totalFen);
        QPOS_FUZZ_CHECK(params->value(QStringLiteral("app_id")) == kAppId);
    } else {
        QPOS_FUZZ_CHECK(std::get<NotificationRefusal>(read).status == 400);
    }

    // One changed byte of the signed body (outside the signature itself): refused.
    const qsizetype signAt = signedBody.indexOf("sign=");
    const qsizetype span = signAt < 0 ? signedBody.size() : signAt;
    if (span == 0)
        return;
    QByteArray tampered = signedBody;
    tampered[qsizetype(digest % quint32(span))] ^= char(1 + (digest >> 8) % 255);
    const Result<alipay::Params> back = alipay::parseForm(tampered);
    if (back && back->value(QStringLiteral("sign")) == params->value(QStringLiteral("sign")) &&
        alipay::signContent(*back, alipay::SignScope::Notification) ==
            alipay::signContent(*params, alipay::SignScope::Notification))
        return; // nothing signed was changed (an empty value, or an encoding that reads alike)
    QPOS_FUZZ_CHECK(std::holds_alternative<NotificationRefusal>(
        server::readAlipayNotification(alipayVerifier(), tampered, kAlipayHeaders)));
}

QMap<QByteArray, QByteArray> wechatHeaders(QByteArrayView body) {
    const QByteArray timestamp = QByteArray::number(kNowS);
    const QByteArray nonce = QByteArrayLiteral("5K8264ILTKCH16CQ2502SI8ZNMTM67VS");
    const Result<QByteArray> signature =
        fuzz::signingKey().signBase64(wechat::answerSignMessage(timestamp, nonce, body));
    QPOS_FUZZ_CHECK(signature.ok());
    return {{"wechatpay-timestamp", timestamp},
            {"wechatpay-nonce", nonce},
            {"wechatpay-signature", *signature},
            {"wechatpay-serial", kSerial.toLatin1()},
            {"content-type", "application/json"}};
}

bool isSignatureCode(const QString& code) {
    using namespace wechat::notification_errc;
    return code == QLatin1String(missingHeaders) || code == QLatin1String(unknownSerial) ||
           code == QLatin1String(badSignature) || code == QLatin1String(stale);
}

void checkWechat(QByteArrayView bodyView, quint32 digest) {
    const QByteArray body = bodyView.toByteArray();
    const QMap<QByteArray, QByteArray> headers = wechatHeaders(body);
    const server::NotificationReading read =
        server::readWechatNotification(wechatVerifier(), body, headers);
    if (const auto* record = std::get_if<NotificationRecord>(&read)) {
        QPOS_FUZZ_CHECK(record->provider == u"wechat" && record->channel == u"wechat");
        QPOS_FUZZ_CHECK(record->body == body && record->headers == headers);
        QPOS_FUZZ_CHECK(!record->notificationId.isEmpty() && !record->outTradeNo.isEmpty());
    } else {
        const NotificationRefusal& refusal = std::get<NotificationRefusal>(read);
        // Signed with the platform key, in time: whatever is wrong is the body's.
        QPOS_FUZZ_CHECK(refusal.status == 400 && !isSignatureCode(refusal.error.code));
    }

    // The headers of this body on another body, and the body without its headers: 401.
    QByteArray tampered = body.isEmpty() ? QByteArrayLiteral("{}") : body;
    if (!body.isEmpty())
        tampered[qsizetype(digest % quint32(tampered.size()))] ^= char(1 + (digest >> 8) % 255);
    const server::NotificationReading forged =
        server::readWechatNotification(wechatVerifier(), tampered, headers);
    const auto* refusal = std::get_if<NotificationRefusal>(&forged);
    QPOS_FUZZ_CHECK(refusal && refusal->status == 401 && isSignatureCode(refusal->error.code));
    const server::NotificationReading bare =
        server::readWechatNotification(wechatVerifier(), body, {});
    refusal = std::get_if<NotificationRefusal>(&bare);
    QPOS_FUZZ_CHECK(refusal && refusal->status == 401);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::ensureCoreApplication();
    const QByteArrayView whole = fuzz::bytesOf(data, size);
    const quint32 digest = fuzz::digestOf(whole);
    fuzz::FuzzInput input(whole);
    const QByteArrayView alipayBody = input.field();
    checkAlipay(alipayBody, digest);
    checkWechat(input.rest(), digest);
    return 0;
}
