#include "wechat/WechatNotifier.h"

#include "logging/LogCategories.h"

#include <QDateTime>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <cmath>

namespace qpos::sandbox {

namespace {

constexpr int kHistoryLimit = 500;

} // namespace

WechatNotifier::WechatNotifier(QObject* parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this)) {}

WechatNotifier::~WechatNotifier() {
    for (QNetworkReply* reply : std::as_const(m_replies)) {
        reply->disconnect(this);
        reply->abort();
    }
}

QList<qint64> WechatNotifier::retrySchedule() {
    constexpr qint64 second = 1000;
    constexpr qint64 minute = 60 * second;
    constexpr qint64 hour = 60 * minute;
    return {15 * second, 15 * second, 30 * second, 3 * minute,  10 * minute,
            20 * minute, 30 * minute, 30 * minute, 30 * minute, 60 * minute,
            3 * hour,    3 * hour,    3 * hour,    6 * hour,    6 * hour};
}

void WechatNotifier::send(const Notification& notification, const QList<Notification>& followUps) {
    Job job;
    job.id = m_nextId++;
    job.notification = notification;
    job.followUps = followUps;
    m_jobs.insert(job.id, job);
    dispatch(job.id);
}

void WechatNotifier::dispatch(int jobId) {
    auto it = m_jobs.find(jobId);
    if (it == m_jobs.end())
        return;
    ++it->attempt;
    QNetworkRequest request{QUrl(it->notification.url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Accept", "*/*");
    request.setRawHeader("User-Agent", "Mozilla/4.0");
    request.setRawHeader("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048");
    if (it->notification.sign) {
        for (const auto& [name, value] : it->notification.sign(it->notification.body))
            request.setRawHeader(name, value);
    }
    request.setTransferTimeout(m_timeoutMs);
    QNetworkReply* reply = m_network->post(request, it->notification.body);
    m_replies.append(reply);
    connect(reply, &QNetworkReply::finished, this,
            [this, jobId, reply] { finished(jobId, reply); });
}

void WechatNotifier::finished(int jobId, QNetworkReply* reply) {
    m_replies.removeOne(reply);
    reply->deleteLater();
    auto it = m_jobs.find(jobId);
    if (it == m_jobs.end())
        return;
    const Notification& n = it->notification;
    WechatNotificationAttempt a;
    a.id = n.id;
    a.mchId = n.mchId;
    a.outTradeNo = n.outTradeNo;
    a.outRefundNo = n.outRefundNo;
    a.eventType = n.eventType;
    a.url = n.url;
    a.variant = n.variant;
    a.attempt = it->attempt;
    a.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    a.answer = reply->readAll().left(200);
    if (reply->error() != QNetworkReply::NoError)
        a.error = reply->errorString();
    a.atMs = QDateTime::currentMSecsSinceEpoch();
    // WeChat takes any 2xx (204 or 200) as received.
    a.delivered = a.httpStatus >= 200 && a.httpStatus < 300;
    const QList<qint64> schedule = retrySchedule();
    const bool retry = !a.delivered && a.attempt <= schedule.size();
    a.gaveUp = !a.delivered && !retry;

    const QList<Notification> followUps = it->followUps;
    it->followUps.clear();
    if (retry) {
        const auto delay = static_cast<qint64>(
            std::llround(static_cast<double>(schedule[a.attempt - 1]) * m_scale));
        QTimer::singleShot(std::chrono::milliseconds(delay), this,
                           [this, jobId] { dispatch(jobId); });
    } else {
        m_jobs.erase(it);
    }
    qCDebug(lcSandbox).noquote() << "wechat notification" << a.id << a.eventType << "attempt"
                                 << a.attempt << "->" << a.httpStatus
                                 << (a.delivered ? "delivered" : "not delivered");
    m_history.append(a);
    if (m_history.size() > kHistoryLimit)
        m_history.removeFirst();
    emit attempted(a);
    for (const Notification& next : followUps)
        send(next);
}

} // namespace qpos::sandbox
