#pragma once

#include "core/common/Result.h"
#include "core/crypto/RsaPrivateKey.h"
#include "core/gateways/alipay/AlipaySignature.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace qpos::alipay {

// Builds the signed common parameters of one OpenAPI request: app_id, method, format=JSON,
// charset=utf-8, sign_type=RSA2, timestamp (China time), version=1.0, optional notify_url,
// biz_content, and in certificate mode app_cert_sn and alipay_root_cert_sn; then `sign`.
class AlipayRequestBuilder {
public:
    struct Identity {
        QString appId;
        crypto::RsaPrivateKey appPrivateKey;
        QString notifyUrl;        // sent with requests that create trades; may be empty
        QString appCertSn;        // certificate mode only
        QString alipayRootCertSn; // certificate mode only
    };

    explicit AlipayRequestBuilder(Identity identity);

    // `withNotifyUrl`: whether this method takes the asynchronous notification address.
    Result<Params> build(const QString& method, const QJsonObject& bizContent,
                         const QDateTime& nowUtc, bool withNotifyUrl) const;

    // The request for the debug log: every parameter but `sign`, not URL-encoded, so the
    // Redactor sees (and masks) auth_code and the like.
    static QString describe(const Params& params);

private:
    Identity m_identity;
};

} // namespace qpos::alipay
