#pragma once

#include "core/common/Result.h"
#include "core/crypto/X509Certificate.h"

#include <QList>
#include <QString>
#include <QtGlobal>

namespace qpos::wechat {

// The folder where the till keeps the WeChat Pay platform certificates it downloaded, one PEM
// file per certificate named by its serial ("<SERIAL>.pem"), beside the configured
// platform_certificate. Certificates are public: the files are 0644. The APIv3 key that
// decrypts a download is never written here.
class WechatCertificateFolder {
public:
    // The folder for a configured platform_certificate file: "wechatpay_platform_certificates"
    // in the same directory.
    static QString besideConfigured(const QString& platformCertificatePath);

    explicit WechatCertificateFolder(QString path);
    const QString& path() const { return m_path; }

    // Every certificate in the folder valid at `nowMs`; expired, not yet valid, unreadable and
    // misnamed files are skipped (and logged).
    QList<crypto::X509Certificate> loadValid(qint64 nowMs) const;
    // When the newest file was written (UTC ms); 0 when there is none.
    qint64 lastWrittenMs() const;
    // Writes the certificate atomically (a temporary file renamed over the name), creating
    // the folder when needed. Fails with a message that names the folder.
    Status save(const crypto::X509Certificate& certificate) const;

private:
    QString m_path;
};

} // namespace qpos::wechat
