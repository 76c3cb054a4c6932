#pragma once

#include "core/crypto/RsaPublicKey.h"
#include "core/gateways/alipay/AlipayCodes.h"
#include "core/gateways/ProviderReply.h"

#include <QByteArrayView>
#include <QJsonObject>
#include <QString>

namespace qpos::alipay {

// What one Alipay call came back with, once its signature and code were checked. `failure`
// also covers a malformed or truncated body, an answer for another method, no signature, a
// bad signature and a certificate SN that is not ours.
struct AlipayReply : gateway::ProviderReply {
    // The verified `*_response` (or error_response) object; empty with `failure`.
    QJsonObject fields;
    // The meaning of fields' code / sub_code; meaningful only without `failure`.
    AlipayCodeVerdict verdict;
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

private:
    crypto::RsaPublicKey m_alipayKey;
    QString m_expectedCertSn;
};

} // namespace qpos::alipay
