#pragma once

#include "core/crypto/RsaPublicKey.h"
#include "core/gateways/alipay/AlipayCodes.h"
#include "core/gateways/GatewayOutcome.h"

#include <QByteArrayView>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace qpos::alipay {

// What one Alipay call came back with, once its signature and code were checked.
struct AlipayReply {
    // Set when there is no trustworthy answer: malformed or truncated body, an answer for
    // another method, no signature, a bad signature, a certificate SN that is not ours, or a
    // transport failure (filled in by the client).
    std::optional<gateway::Unknown> failure;
    // Worth repeating an idempotent call (transport failure, truncated body, Alipay busy).
    bool transient = false;
    // The verified `*_response` (or error_response) object; empty with `failure`.
    QJsonObject fields;
    // The meaning of fields' code / sub_code; meaningful only without `failure`.
    AlipayCodeVerdict verdict;

    bool ok() const { return !failure.has_value(); }
};

// Turns a raw HTTP body into an AlipayReply: takes the raw `*_response` text (never
// re-serialised), checks `alipay_cert_sn` in certificate mode, verifies the signature with
// Alipay's public key, parses the object and classifies its code.
class AlipayResponseReader {
public:
    // `expectedCertSn`: in certificate mode the SN of the configured Alipay certificate (an
    // answer naming another one is refused); empty in public-key mode.
    AlipayResponseReader(crypto::RsaPublicKey alipayKey, QString expectedCertSn);

    AlipayReply read(const QString& method, QByteArrayView body) const;

    static AlipayReply failed(Error reason, bool transient);

private:
    crypto::RsaPublicKey m_alipayKey;
    QString m_expectedCertSn;
};

} // namespace qpos::alipay
