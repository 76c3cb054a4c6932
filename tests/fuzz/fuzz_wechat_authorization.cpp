// WeChat Pay's Authorization header, as the sandbox reads a client's requests:
// parseAuthorization over any bytes. Properties: a header that parses, printed again with
// formatAuthorization, parses to the same token (and prints the same); a request signed with
// the parsed fields verifies over its sign message, and not once the body is changed.
#include "core/gateways/wechat/WechatSignature.h"
#include "tests/fuzz/FuzzInput.h"
#include "tests/fuzz/FuzzSupport.h"

using namespace qpos;
using namespace qpos::wechat;

namespace {

bool sameToken(const AuthorizationToken& a, const AuthorizationToken& b) {
    return a.mchId == b.mchId && a.nonce == b.nonce && a.signature == b.signature &&
           a.timestampS == b.timestampS && a.serialNo == b.serialNo;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::ensureCoreApplication();
    const QByteArrayView all = fuzz::bytesOf(data, size);
    fuzz::FuzzInput input(all);
    const QByteArrayView header = input.field();
    const QByteArrayView body = input.rest();

    const Result<AuthorizationToken> token = parseAuthorization(header);
    if (!token) {
        QPOS_FUZZ_CHECK(token.error().code == u"wechat.bad_authorization");
        return 0;
    }
    const QByteArray printed = formatAuthorization(*token);
    const Result<AuthorizationToken> again = parseAuthorization(printed);
    QPOS_FUZZ_CHECK(again.ok() && sameToken(*again, *token));
    QPOS_FUZZ_CHECK(formatAuthorization(*again) == printed);

    const QByteArray path = "/v3/pay/transactions/native";
    const Result<QByteArray> signedHeader =
        signRequest(fuzz::signingKey(), token->mchId, token->serialNo, "POST", path,
                    token->timestampS, token->nonce.toLatin1(), body);
    if (!signedHeader)
        return 0;
    const Result<AuthorizationToken> signedToken = parseAuthorization(*signedHeader);
    QPOS_FUZZ_CHECK(signedToken.ok());
    QPOS_FUZZ_CHECK(signedToken->mchId == token->mchId && signedToken->nonce == token->nonce &&
                    signedToken->timestampS == token->timestampS);
    const QByteArray message =
        requestSignMessage("POST", path, token->timestampS, token->nonce.toLatin1(), body);
    QPOS_FUZZ_CHECK(fuzz::signingKey()
                        .publicKey()
                        .verifyBase64(message, signedToken->signature.toLatin1())
                        .ok());
    QByteArray changed = body.toByteArray() + ' ';
    const quint32 digest = fuzz::digestOf(all);
    changed[qsizetype(digest % quint32(changed.size()))] ^= char(1 + (digest >> 8) % 255);
    const QByteArray changedMessage =
        requestSignMessage("POST", path, token->timestampS, token->nonce.toLatin1(), changed);
    QPOS_FUZZ_CHECK(!fuzz::signingKey()
                         .publicKey()
                         .verifyBase64(changedMessage, signedToken->signature.toLatin1())
                         .ok());
    return 0;
}
