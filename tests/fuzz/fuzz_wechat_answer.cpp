// WeChat Pay's answers: WechatResponseReader over raw Wechatpay-* headers and bodies. The
// input is the HTTP status, Wechatpay-Timestamp, -Nonce, -Signature, -Serial and the body,
// separated by NULs. Properties: nothing is trusted unless signed with the reader's key; a body
// signed with it is trusted exactly when it is a JSON object (or empty), and its fields are
// the body's; one changed byte of the body, the timestamp or the nonce is never trusted.
#include "core/gateways/wechat/WechatResponseReader.h"
#include "core/gateways/wechat/WechatSignature.h"
#include "tests/fuzz/FuzzInput.h"
#include "tests/fuzz/FuzzSupport.h"

#include <QJsonDocument>

using namespace qpos;
using namespace qpos::wechat;

namespace {

const QString kSerial = QStringLiteral("PUB_KEY_ID_0114232020262026010100000000000001");
constexpr qint64 kNowS = 1767225600; // 2026-01-01T00:00:00Z

const WechatResponseReader& reader() {
    static const WechatResponseReader r(
        {WechatPlatformKey{kSerial, fuzz::signingKey().publicKey(), {}}},
        std::chrono::seconds(300));
    return r;
}

// A nonce the reader takes: visible ASCII without quotes or backslashes, as it can be quoted in
// an Authorization header. Anything else is refused before the signature is looked at.
bool isUsableNonce(QByteArrayView nonce) {
    for (char c : nonce) {
        if (c < 0x21 || c > 0x7e || c == '"' || c == '\\')
            return false;
    }
    return !nonce.isEmpty();
}

void checkSigned(int status, QByteArrayView nonceField, const QByteArray& body, quint32 digest) {
    WechatpayHeaders headers;
    headers.timestamp = QByteArray::number(kNowS - qint64(digest % 200));
    headers.nonce = nonceField.isEmpty() ? QByteArray("n") : nonceField.toByteArray();
    headers.serial = kSerial.toLatin1();
    const Result<QByteArray> signature =
        fuzz::signingKey().signBase64(answerSignMessage(headers.timestamp, headers.nonce, body));
    QPOS_FUZZ_CHECK(signature.ok());
    headers.signature = *signature;

    const WechatReply reply = reader().read(status, headers, body, kNowS * 1000);
    const QJsonDocument document = QJsonDocument::fromJson(body);
    const bool isJsonObject = document.isObject();
    if (!isUsableNonce(headers.nonce)) {
        QPOS_FUZZ_CHECK(!reply.verified());
        return;
    }
    if (isJsonObject || body.trimmed().isEmpty()) {
        QPOS_FUZZ_CHECK(reply.verified());
        QPOS_FUZZ_CHECK(reply.httpStatus == status);
        QPOS_FUZZ_CHECK(reply.fields == document.object());
    } else {
        QPOS_FUZZ_CHECK(!reply.verified());
    }

    WechatpayHeaders changedNonce = headers;
    changedNonce.nonce[qsizetype(digest % quint32(changedNonce.nonce.size()))] ^=
        char(1 + (digest >> 8) % 255);
    QPOS_FUZZ_CHECK(!reader().read(status, changedNonce, body, kNowS * 1000).verified());
    WechatpayHeaders changedTime = headers;
    changedTime.timestamp = QByteArray::number(kNowS - qint64(digest % 200) - 1);
    QPOS_FUZZ_CHECK(!reader().read(status, changedTime, body, kNowS * 1000).verified());
    if (!body.isEmpty()) {
        QByteArray tampered = body;
        tampered[qsizetype((digest >> 3) % quint32(tampered.size()))] ^=
            char(1 + (digest >> 16) % 255);
        QPOS_FUZZ_CHECK(!reader().read(status, headers, tampered, kNowS * 1000).verified());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::ensureCoreApplication();
    const QByteArrayView all = fuzz::bytesOf(data, size);
    fuzz::FuzzInput input(all);
    const int status = 200 + int(QByteArray(input.field().toByteArray()).toUInt() % 300);
    WechatpayHeaders headers;
    headers.timestamp = input.field().toByteArray();
    headers.nonce = input.field().toByteArray();
    headers.signature = input.field().toByteArray();
    headers.serial = input.field().toByteArray();
    const QByteArray body = input.rest().toByteArray();

    // The key is made afresh in this process: no input carries its signature.
    QPOS_FUZZ_CHECK(!reader().read(status, headers, body, kNowS * 1000).verified());

    checkSigned(status, headers.nonce, body, fuzz::digestOf(all));
    return 0;
}
