#pragma once

#include "core/crypto/RsaPublicKey.h"
#include "core/gateways/alipay/AlipayCertificates.h"
#include "core/gateways/alipay/AlipayCodes.h"
#include "core/gateways/ProviderReply.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QString>

#include <memory>
#include <optional>

namespace qpos::alipay {

// What one Alipay call came back with, once its signature and code were checked. `failure`
// also covers a malformed or truncated body, an answer for another method, no signature, a
// bad signature and a certificate SN the till does not know.
struct AlipayReply : gateway::ProviderReply {
    // The verified `*_response` (or error_response) object; empty with `failure`.
    QJsonObject fields;
    // The meaning of fields' code / sub_code; meaningful only without `failure`.
    AlipayCodeVerdict verdict;
    // Certificate mode: the answer names an alipay_cert_sn the till does not have yet. It is
    // not verified (`failure` says so); `body` keeps it, to verify once that certificate is
    // downloaded and checked.
    QString unknownCertSn;
    QByteArray body;
};

// Turns a raw HTTP body into an AlipayReply: takes the raw `*_response` text (never
// re-serialised), picks the key by `alipay_cert_sn` in certificate mode, verifies the
// signature, parses the object and classifies its code.
class AlipayResponseReader {
public:
    // `alipayKey`: Alipay's public key (public-key mode), or the configured certificate's key,
    // used for an answer that names no certificate. `certificates`: certificate mode's keys by
    // SN; null in public-key mode.
    AlipayResponseReader(crypto::RsaPublicKey alipayKey,
                         std::shared_ptr<const AlipayCertificates> certificates);

    AlipayReply read(const QString& method, QByteArrayView body) const;

    // The certificate download's own answer when no key the till has verifies it: verified
    // with the key of the certificate it carries (which the caller checked against the root
    // first), if it names that certificate's SN or none.
    AlipayReply readSignedBy(const QString& method, QByteArrayView body, const QString& certSn,
                             const crypto::RsaPublicKey& key) const;

private:
    struct Signer {
        QString certSn;
        crypto::RsaPublicKey key;
    };
    AlipayReply readWith(const QString& method, QByteArrayView body,
                         const std::optional<Signer>& carried) const;

    crypto::RsaPublicKey m_alipayKey;
    std::shared_ptr<const AlipayCertificates> m_certificates;
};

} // namespace qpos::alipay
