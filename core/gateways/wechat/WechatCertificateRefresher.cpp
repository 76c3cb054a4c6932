#include "core/gateways/wechat/WechatCertificateRefresher.h"

#include "core/gateways/wechat/WechatCertificateDownload.h"
#include "core/logging/LogCategories.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QLoggingCategory>
#include <QNetworkReply>

#include <utility>

namespace qpos::wechat {

using namespace qpos::gateway;

namespace {

const QString kName = QStringLiteral("certificates");
const QByteArray kPath = QByteArrayLiteral("/v3/certificates");

Error downloadFailed(const QString& why) {
    return Error{QStringLiteral("wechat.certificates_unverified"),
                 QCoreApplication::translate("qpos::wechat",
                                             "WeChat Pay's platform certificate download could not "
                                             "be verified (%1); the till keeps the certificates "
                                             "it has.")
                     .arg(why)};
}

} // namespace

WechatCertificateRefresher::WechatCertificateRefresher(const WechatClientSettings& settings,
                                                       std::shared_ptr<WechatKeyring> keyring,
                                                       const WechatRequestBuilder& builder,
                                                       HttpCallRunner& calls,
                                                       std::function<qint64()> nowMs,
                                                       QObject* parent)
    : QObject(parent)
    , m_keyring(std::move(keyring))
    , m_builder(builder)
    , m_calls(calls)
    , m_folder(settings.certificateDir)
    , m_apiV3Key(settings.apiV3Key)
    , m_nowMs(std::move(nowMs))
    , m_refreshEvery(settings.certificateRefreshEvery)
    , m_unknownSerialMinGap(settings.unknownSerialMinGap)
    , m_maxClockSkew(settings.maxClockSkew)
    , m_timer(new QTimer(this)) {
    // Every download rewrites the folder, so its newest file tells when the last one was, across
    // a restart too.
    m_lastSuccessMs = m_folder.lastWrittenMs();
    m_timer->setInterval(settings.certificateCheckEvery);
    connect(m_timer, &QTimer::timeout, this, &WechatCertificateRefresher::check);
    m_timer->start();
}

void WechatCertificateRefresher::setScheduleClock(std::function<qint64()> nowMs) {
    m_scheduleClock = std::move(nowMs);
}

qint64 WechatCertificateRefresher::scheduleNow() const {
    return m_scheduleClock ? m_scheduleClock() : QDateTime::currentMSecsSinceEpoch();
}

void WechatCertificateRefresher::check() {
    if (!m_downloading && scheduleNow() - m_lastSuccessMs >= m_refreshEvery.count())
        refresh();
}

void WechatCertificateRefresher::refresh(std::function<void()> done) {
    if (done)
        m_waiting.append(std::move(done));
    if (!m_downloading)
        start();
}

void WechatCertificateRefresher::refreshForUnknownSerial(std::function<void()> done) {
    const qint64 now = scheduleNow();
    if (!m_downloading && m_lastUnknownSerialMs &&
        now - *m_lastUnknownSerialMs < m_unknownSerialMinGap.count()) {
        if (done)
            done();
        return;
    }
    if (!m_downloading)
        m_lastUnknownSerialMs = now;
    refresh(std::move(done));
}

void WechatCertificateRefresher::start() {
    m_downloading = true;
    ++m_started;
    auto certificates = std::make_shared<QList<crypto::X509Certificate>>();
    m_calls.run<WechatReply>(downloadCall(certificates),
                             [this, certificates](const WechatReply& reply) {
                                 if (reply.failure) {
                                     finish(reply.failure->reason, {});
                                     return;
                                 }
                                 // Every download is kept whole, so the folder's newest file dates
                                 // the last one.
                                 for (const crypto::X509Certificate& certificate : *certificates) {
                                     if (Status saved = m_folder.save(certificate); !saved)
                                         qCWarning(lcWechat).noquote() << saved.error().message;
                                 }
                                 finish(std::nullopt, m_keyring->addCertificates(*certificates));
                             });
}

HttpCall<WechatReply> WechatCertificateRefresher::downloadCall(
    std::shared_ptr<QList<crypto::X509Certificate>> certificates) {
    auto prepare = [this]() -> Result<HttpRequest> {
        Result<QNetworkRequest> request = m_builder.build("GET", kPath, QByteArray(), m_nowMs());
        if (!request)
            return request.error();
        return HttpRequest{*request, "GET", QByteArray(),
                           WechatRequestBuilder::describe("GET", kPath, QByteArray())};
    };
    auto read = [this, certificates](QNetworkReply* answer, int status) {
        // WeChat failed: nothing is known whatever the body says.
        if (status >= 500)
            return failedReply<WechatReply>(m_calls.statusFailure(status));
        const WechatpayHeaders headers{
            answer->rawHeader("Wechatpay-Timestamp"), answer->rawHeader("Wechatpay-Nonce"),
            answer->rawHeader("Wechatpay-Signature"), answer->rawHeader("Wechatpay-Serial")};
        const QByteArray body = answer->readAll();
        Result<QList<crypto::X509Certificate>> verified = readAnswer(status, headers, body);
        if (!verified)
            return failedReply<WechatReply>(verified.error(), status == 429);
        *certificates = *verified;
        return WechatReply::answer(status, QJsonObject());
    };
    auto answerCode = [](const WechatReply& reply) {
        return reply.errorCode();
    };
    return HttpCall<WechatReply>{
        kName, true, {}, std::move(prepare), std::move(read), std::move(answerCode), {}};
}

Result<QList<crypto::X509Certificate>>
WechatCertificateRefresher::readAnswer(int status, const WechatpayHeaders& headers,
                                       const QByteArray& body) const {
    if (status != 200)
        return downloadFailed(
            QCoreApplication::translate("qpos::wechat", "WeChat Pay answered HTTP %1").arg(status));
    if (headers.timestamp.isEmpty() || headers.nonce.isEmpty() || headers.signature.isEmpty() ||
        headers.serial.isEmpty())
        return downloadFailed(
            QCoreApplication::translate("qpos::wechat", "it carries no WeChat Pay signature"));
    bool numeric = false;
    const qint64 timestampS = headers.timestamp.toLongLong(&numeric);
    if (!numeric || qAbs(m_nowMs() / 1000 - timestampS) > m_maxClockSkew.count())
        return downloadFailed(QCoreApplication::translate(
            "qpos::wechat", "its timestamp is not within 5 minutes of the till's clock"));
    Result<QList<crypto::X509Certificate>> certificates =
        readCertificateDownload(body, m_apiV3Key, m_nowMs());
    if (!certificates)
        return certificates.error();
    const QString serial = QString::fromLatin1(headers.serial);
    std::optional<crypto::RsaPublicKey> key;
    if (std::optional<WechatPlatformKey> trusted = m_keyring->find(serial))
        key = trusted->key;
    for (const crypto::X509Certificate& certificate : *certificates) {
        if (!key && certificate.serialHex().compare(serial, Qt::CaseInsensitive) == 0)
            key = *certificate.publicKey();
    }
    if (!key)
        return downloadFailed(QCoreApplication::translate(
                                  "qpos::wechat", "it is signed with %1, a key neither the till "
                                                  "nor the download holds")
                                  .arg(serial.left(64)));
    if (!verifyAnswerSignature(*key, headers, body))
        return downloadFailed(
            QCoreApplication::translate("qpos::wechat", "the signature does not match"));
    return certificates;
}

void WechatCertificateRefresher::finish(std::optional<Error> failure, QStringList added) {
    m_downloading = false;
    m_lastFailure = failure;
    if (failure) {
        qCWarning(lcWechat).noquote()
            << QStringLiteral("platform certificate download failed, keeping %1 certificates: %2")
                   .arg(m_keyring->certificates().size())
                   .arg(failure->message);
    } else {
        m_lastSuccessMs = scheduleNow();
        qCInfo(lcWechat).noquote()
            << QStringLiteral("platform certificates downloaded: %1 new (%2), %3 held")
                   .arg(added.size())
                   .arg(added.join(u','))
                   .arg(m_keyring->certificates().size());
    }
    const QList<std::function<void()>> waiting = std::exchange(m_waiting, {});
    for (const std::function<void()>& done : waiting)
        done();
    emit refreshed(added);
}

} // namespace qpos::wechat
