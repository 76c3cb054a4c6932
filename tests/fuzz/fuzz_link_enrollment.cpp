// What a till shows the store backend before it is trusted: the enrollment code an IT person
// types in (EnrollmentCode::decode) and the Authorization header of every request
// (parseAuthorization). The input is the code, a NUL, then the header. Properties: a code that
// decodes encodes to a code that decodes to the same server, terminal, secret and pin; a header
// that parses, written again in the canonical form, parses to the same fields; its signature
// matches a request exactly when it is that request's HMAC under the secret, and one changed
// byte of the body makes it fail.
#include "core/link/EnrollmentCode.h"
#include "core/link/RequestSignature.h"
#include "tests/fuzz/FuzzInput.h"
#include "tests/fuzz/FuzzSupport.h"

using namespace qpos;
using namespace qpos::link;

namespace {

const QByteArray kSecret = QByteArrayLiteral("0123456789abcdef0123456789abcdef");
const QByteArray kMethod = QByteArrayLiteral("POST");
const QByteArray kPath = QByteArrayLiteral("/v1/sync");

void checkCode(const QString& text) {
    const Result<EnrollmentCode> code = EnrollmentCode::decode(text);
    if (!code) {
        QPOS_FUZZ_CHECK(code.error().code == u"enroll.malformed_code");
        QPOS_FUZZ_CHECK(!code.error().message.isEmpty());
        return;
    }
    const Result<EnrollmentCode> again = EnrollmentCode::decode(code->encode());
    QPOS_FUZZ_CHECK(again.ok());
    QPOS_FUZZ_CHECK(again->serverUrl == code->serverUrl);
    QPOS_FUZZ_CHECK(again->terminal == code->terminal);
    QPOS_FUZZ_CHECK(again->secret.keyId == code->secret.keyId);
    QPOS_FUZZ_CHECK(again->secret.secret == code->secret.secret);
    QPOS_FUZZ_CHECK(again->certificateFingerprint == code->certificateFingerprint);
    QPOS_FUZZ_CHECK(isValidTerminalCode(code->terminal.storeId) &&
                    isValidTerminalCode(code->terminal.terminalId));
}

QByteArray canonicalHeader(const RequestAuthorization& a) {
    return kAuthorizationScheme.toByteArray() + " store=\"" + a.terminal.storeId.toLatin1() +
           "\",terminal=\"" + a.terminal.terminalId.toLatin1() + "\",key=\"" + a.keyId.toLatin1() +
           "\",timestamp=\"" + QByteArray::number(a.timestampS) + "\",nonce=\"" +
           a.nonce.toLatin1() + "\",signature=\"" + a.signature.toBase64() + '"';
}

void checkHeader(QByteArrayView header, QByteArrayView body) {
    const Result<RequestAuthorization> parsed = parseAuthorization(header);
    if (!parsed) {
        QPOS_FUZZ_CHECK(parsed.error().code == u"auth.missing" ||
                        parsed.error().code == u"auth.malformed");
        return;
    }
    QPOS_FUZZ_CHECK(parsed->signature.size() == 32);
    QPOS_FUZZ_CHECK(parsed->nonce.size() == 32);
    const Result<RequestAuthorization> again = parseAuthorization(canonicalHeader(*parsed));
    QPOS_FUZZ_CHECK(again.ok());
    QPOS_FUZZ_CHECK(again->terminal == parsed->terminal && again->keyId == parsed->keyId &&
                    again->timestampS == parsed->timestampS && again->nonce == parsed->nonce &&
                    again->signature == parsed->signature);

    const QByteArray mac =
        requestSignature(kSecret, kMethod, kPath, parsed->timestampS, parsed->nonce, body);
    QPOS_FUZZ_CHECK(signatureMatches(*parsed, kSecret, kMethod, kPath, body) ==
                    (parsed->signature == mac));

    // The header as the till would sign this body: it matches, and not for another body.
    RequestAuthorization signedHeader = *parsed;
    signedHeader.signature = mac;
    QPOS_FUZZ_CHECK(signatureMatches(signedHeader, kSecret, kMethod, kPath, body));
    QByteArray changed = body.toByteArray();
    if (changed.isEmpty())
        changed = "x";
    else
        changed[qsizetype(fuzz::digestOf(body) % quint32(changed.size()))] ^= char(1);
    QPOS_FUZZ_CHECK(!signatureMatches(signedHeader, kSecret, kMethod, kPath, changed));
    QPOS_FUZZ_CHECK(!signatureMatches(signedHeader, kSecret, "PUT", kPath, body));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::ensureCoreApplication();
    fuzz::FuzzInput input(fuzz::bytesOf(data, size));
    const QByteArrayView code = input.field();
    const QByteArrayView header = input.field();
    checkCode(QString::fromUtf8(code));
    checkHeader(header, input.rest());
    return 0;
}
