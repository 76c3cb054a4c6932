#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QMap>
#include <QString>

namespace qpos::crypto {
class RsaPrivateKey;
class RsaPublicKey;
} // namespace qpos::crypto

namespace qpos::alipay {

// Alipay OpenAPI parameters by name. QMap keeps them sorted; the keys are ASCII, so its
// order is the byte order Alipay signs in.
using Params = QMap<QString, QString>;

enum class SignScope {
    Request,      // what a client sends: every parameter except `sign`
    Notification, // what Alipay posts to notify_url: also without `sign_type`
};

// The text that is signed: parameters sorted by key, empty values dropped, joined as
// key=value with '&', values not URL-encoded, as UTF-8.
QByteArray signContent(const Params& params, SignScope scope);

// Signs `params` (RSA2, SHA256withRSA) and returns them with `sign` set.
Result<Params> signRequest(Params params, const crypto::RsaPrivateKey& key);

// The application/x-www-form-urlencoded body for a signed request (UTF-8, every value
// percent-encoded).
QByteArray formBody(const Params& params);

// Parses an application/x-www-form-urlencoded body ('+' is a space) into parameters. A key
// given twice, a malformed escape or invalid UTF-8 is an error: notifications are forged
// that way.
Result<Params> parseForm(QByteArrayView body);

// What Alipay signed in a response: the exact bytes of the value of the
// `<method with '.' replaced by '_'>_response` key (or of `error_response`) as received, never
// re-serialised, together with the signature and the certificate SN that came with it.
struct SignedResponse {
    QByteArray signedText; // raw JSON object text, exactly as received
    QByteArray sign;       // base64; empty when Alipay sent none (some errors)
    QByteArray certSn;     // `alipay_cert_sn` in certificate mode
    bool isErrorResponse = false;
};

// Finds the response object of `method` in a raw response body. Fails on a truncated or
// malformed body, or one that holds neither the method's response nor error_response.
Result<SignedResponse> extractSignedResponse(QByteArrayView body, const QString& method);

// Verifies `sign` over `signedText` with Alipay's public key.
Status verifyResponse(const SignedResponse& response, const crypto::RsaPublicKey& alipayKey);

// Verifies an asynchronous notification's parameters (rules differ from requests: `sign`
// and `sign_type` are both left out).
Status verifyNotification(const Params& params, const crypto::RsaPublicKey& alipayKey);

// The response key Alipay uses for a method: "alipay.trade.pay" -> "alipay_trade_pay_response".
QString responseKey(const QString& method);

// The sandbox's side: a response body with `object` as the method's response, signed.
// `object` is emitted as given, so callers may reproduce Alipay's escaping (`\/`).
Result<QByteArray> buildSignedResponse(const QString& responseKeyName, const QByteArray& object,
                                       const crypto::RsaPrivateKey& key,
                                       const QByteArray& certSn = {});

} // namespace qpos::alipay
