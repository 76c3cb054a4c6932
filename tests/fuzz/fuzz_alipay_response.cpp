// Alipay's answers: AlipayResponseReader (extractSignedResponse + verifyResponse) over raw
// response bodies. Properties: no body is ever trusted unless signed with the key the reader
// holds; a JSON object signed with that key is read back exactly (the signed text is the
// object's bytes as sent) and verifies; and once one byte of the signed object is changed the
// answer is never trusted again.
#include "core/gateways/alipay/AlipayResponseReader.h"
#include "core/gateways/alipay/AlipaySignature.h"
#include "tests/fuzz/FuzzInput.h"
#include "tests/fuzz/FuzzSupport.h"

#include <QJsonDocument>
#include <QJsonParseError>

using namespace qpos;
using namespace qpos::alipay;

namespace {

const QString kMethod = QStringLiteral("alipay.trade.query");

const AlipayResponseReader& reader() {
    static const AlipayResponseReader r(fuzz::signingKey().publicKey(), nullptr);
    return r;
}

void checkSignedObject(QByteArrayView input) {
    const QByteArray object = input.toByteArray().trimmed();
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(object, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return;
    const Result<QByteArray> body =
        buildSignedResponse(responseKey(kMethod), object, fuzz::signingKey());
    QPOS_FUZZ_CHECK(body.ok());

    const Result<SignedResponse> extracted = extractSignedResponse(*body, kMethod);
    QPOS_FUZZ_CHECK(extracted.ok());
    QPOS_FUZZ_CHECK(extracted->signedText == object);
    const AlipayReply reply = reader().read(kMethod, *body);
    QPOS_FUZZ_CHECK(reply.verified());
    QPOS_FUZZ_CHECK(reply.fields == document.object());

    // One changed byte inside the signed object: never trusted.
    const qsizetype start = body->indexOf(object);
    QPOS_FUZZ_CHECK(start >= 0);
    const quint32 digest = fuzz::digestOf(input);
    QByteArray tampered = *body;
    tampered[start + qsizetype(digest % quint32(object.size()))] ^= char(1 + (digest >> 8) % 255);
    QPOS_FUZZ_CHECK(!reader().read(kMethod, tampered).verified());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::ensureCoreApplication();
    const QByteArrayView input = fuzz::bytesOf(data, size);

    // Whatever arrives, nothing is trusted without the reader's key's signature (the key is
    // made afresh in this process, so no input can carry one).
    QPOS_FUZZ_CHECK(!reader().read(kMethod, input).verified());
    QPOS_FUZZ_CHECK(!reader().read(QStringLiteral("alipay.trade.pay"), input).verified());
    if (const Result<SignedResponse> extracted = extractSignedResponse(input, kMethod)) {
        QPOS_FUZZ_CHECK(extracted->signedText.startsWith('{'));
        QPOS_FUZZ_CHECK(input.toByteArray().contains(extracted->signedText));
    }

    checkSignedObject(input);
    return 0;
}
