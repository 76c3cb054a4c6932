#include "core/gateways/alipay/AlipayRequestBuilder.h"

#include "core/calendar/ChinaCalendar.h"

#include <QJsonDocument>

#include <utility>

namespace qpos::alipay {

AlipayRequestBuilder::AlipayRequestBuilder(Identity identity)
    : m_identity(std::move(identity)) {}

Result<Params> AlipayRequestBuilder::build(const QString& method, const QJsonObject& bizContent,
                                           const QDateTime& nowUtc, bool withNotifyUrl) const {
    Params params;
    params.insert(QStringLiteral("app_id"), m_identity.appId);
    params.insert(QStringLiteral("method"), method);
    params.insert(QStringLiteral("format"), QStringLiteral("JSON"));
    params.insert(QStringLiteral("charset"), QStringLiteral("utf-8"));
    params.insert(QStringLiteral("sign_type"), QStringLiteral("RSA2"));
    params.insert(QStringLiteral("timestamp"),
                  china_calendar::formatTimestamp(nowUtc.toMSecsSinceEpoch()));
    params.insert(QStringLiteral("version"), QStringLiteral("1.0"));
    if (withNotifyUrl && !m_identity.notifyUrl.isEmpty())
        params.insert(QStringLiteral("notify_url"), m_identity.notifyUrl);
    if (!m_identity.appCertSn.isEmpty())
        params.insert(QStringLiteral("app_cert_sn"), m_identity.appCertSn);
    if (!m_identity.alipayRootCertSn.isEmpty())
        params.insert(QStringLiteral("alipay_root_cert_sn"), m_identity.alipayRootCertSn);
    params.insert(QStringLiteral("biz_content"),
                  QString::fromUtf8(QJsonDocument(bizContent).toJson(QJsonDocument::Compact)));
    return signRequest(std::move(params), m_identity.appPrivateKey);
}

QString AlipayRequestBuilder::describe(const Params& params) {
    QString out;
    for (auto it = params.cbegin(); it != params.cend(); ++it) {
        if (it.key() == u"sign")
            continue;
        if (!out.isEmpty())
            out += u' ';
        out += it.key() + u'=' + it.value();
    }
    return out;
}

} // namespace qpos::alipay
