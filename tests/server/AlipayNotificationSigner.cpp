#include "tests/server/AlipayNotificationSigner.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/crypto/RsaPublicKey.h"
#include "core/gateways/alipay/AlipaySignature.h"

#include <QDateTime>

#include <utility>

namespace qpos::test {

namespace {

crypto::RsaPrivateKey generatedKey() {
    Result<crypto::RsaPrivateKey> key = crypto::RsaPrivateKey::generate();
    if (!key)
        qFatal("cannot generate an RSA key: %s", qPrintable(key.error().message));
    return *key;
}

} // namespace

AlipayNotificationSigner::AlipayNotificationSigner(QString appId)
    : m_appId(std::move(appId))
    , m_key(generatedKey()) {}

QByteArray AlipayNotificationSigner::publicKeyPem() const {
    return m_key.publicKey().toPem();
}

QByteArray AlipayNotificationSigner::paidNotification(const QString& notifyId,
                                                      const QString& outTradeNo,
                                                      const QString& totalYuan) const {
    const QString now = china_calendar::formatTimestamp(QDateTime::currentMSecsSinceEpoch());
    alipay::Params p{
        {QStringLiteral("notify_time"), now},
        {QStringLiteral("notify_type"), QStringLiteral("trade_status_sync")},
        {QStringLiteral("notify_id"), notifyId},
        {QStringLiteral("app_id"), m_appId},
        {QStringLiteral("charset"), QStringLiteral("utf-8")},
        {QStringLiteral("version"), QStringLiteral("1.0")},
        {QStringLiteral("sign_type"), QStringLiteral("RSA2")},
        {QStringLiteral("trade_no"), QStringLiteral("2026120522001400001") + notifyId.right(6)},
        {QStringLiteral("out_trade_no"), outTradeNo},
        {QStringLiteral("trade_status"), QStringLiteral("TRADE_SUCCESS")},
        {QStringLiteral("total_amount"), totalYuan},
        {QStringLiteral("receipt_amount"), totalYuan},
        {QStringLiteral("gmt_create"), now},
        {QStringLiteral("gmt_payment"), now}};
    Result<QByteArray> sign =
        m_key.signBase64(alipay::signContent(p, alipay::SignScope::Notification));
    if (!sign)
        qFatal("cannot sign: %s", qPrintable(sign.error().message));
    p.insert(QStringLiteral("sign"), QString::fromLatin1(*sign));
    return alipay::formBody(p);
}

} // namespace qpos::test
