#pragma once

#include "core/common/Result.h"
#include "core/crypto/RsaPrivateKey.h"
#include "core/crypto/RsaPublicKey.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QtGlobal>

namespace qpos::wechat {

// WeChat Pay APIv3 signatures (WECHATPAY2-SHA256-RSA2048). Shared by the client (signs
// requests, verifies answers and notifications) and the sandbox (the other way round), so
// both sides build the same bytes.

// "METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n" (every line ends in \n; empty body for GET).
QByteArray requestSignMessage(QByteArrayView method, QByteArrayView pathWithQuery,
                              qint64 timestampS, QByteArrayView nonce, QByteArrayView body);
// "TIMESTAMP\nNONCE\nBODY\n" of an answer or notification (timestamp as the header gave it).
QByteArray answerSignMessage(QByteArrayView timestamp, QByteArrayView nonce, QByteArrayView body);

// The parts of an Authorization header.
struct AuthorizationToken {
    QString mchId;
    QString nonce;
    QString signature; // base64
    qint64 timestampS = 0;
    QString serialNo;
};

// `WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…"`
QByteArray formatAuthorization(const AuthorizationToken& token);
// Strict parse: the scheme, each of the five fields exactly once, quoted; errors have codes
// "wechat.bad_authorization".
Result<AuthorizationToken> parseAuthorization(QByteArrayView header);

// Signs a request and returns the complete Authorization header value.
Result<QByteArray> signRequest(const crypto::RsaPrivateKey& key, const QString& mchId,
                               const QString& serialNo, QByteArrayView method,
                               QByteArrayView pathWithQuery, qint64 timestampS,
                               QByteArrayView nonce, QByteArrayView body);

// The Wechatpay-* headers of an answer or notification.
struct WechatpayHeaders {
    QByteArray timestamp; // Unix seconds, as text
    QByteArray nonce;
    QByteArray signature; // base64
    QByteArray serial;    // PUB_KEY_ID_… or a platform certificate serial
};

// Verifies `signature` (base64 SHA256withRSA) over answerSignMessage(). False on any
// malformed input.
bool verifyAnswerSignature(const crypto::RsaPublicKey& key, const WechatpayHeaders& headers,
                           QByteArrayView body);

} // namespace qpos::wechat
