#pragma once

#include "core/common/Result.h"
#include "core/crypto/X509Certificate.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QList>
#include <QtGlobal>

namespace qpos::wechat {

// WeChat Pay's platform certificate download, GET /v3/certificates:
//   {"data":[{"serial_no","effective_time","expire_time","encrypt_certificate":{"algorithm":
//   "AEAD_AES_256_GCM","nonce","associated_data","ciphertext"}}]}
// Each certificate is the PEM text encrypted with the merchant's APIv3 key, like a
// notification's resource.

// The certificates of a download's body, in answer order. Every entry must decrypt with the
// APIv3 key (any change of ciphertext, tag, nonce or associated data fails), hold one X.509
// certificate with an RSA key, carry the serial its serial_no names, and be valid at `nowMs`;
// otherwise the whole download is refused ("wechat.certificates_refused") and nothing of it is
// used. The answer's own signature is the caller's to check (WechatCertificateRefresher).
Result<QList<crypto::X509Certificate>>
readCertificateDownload(const QByteArray& body, QByteArrayView apiV3Key, qint64 nowMs);

// One entry of a download's `data`, as WeChat Pay builds it (the sandbox serves these). The
// nonce must be 12 printable characters never reused with the key
// (crypto::randomAlphanumeric(12)).
Result<QJsonObject> certificateDownloadEntry(const crypto::X509Certificate& certificate,
                                             QByteArrayView apiV3Key, QByteArrayView nonce12);

} // namespace qpos::wechat
