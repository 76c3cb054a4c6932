#include "alipay/AlipayNotifier.h"

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

AlipayNotifier::AlipayNotifier(QObject* parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this)) {}

AlipayNotifier::~AlipayNotifier() {
    for (QNetworkReply* reply : std::as_const(m_replies)) {
        reply->disconnect(this);
        reply->abort();
    }
}

QList<qint64> AlipayNotifier::retrySchedule() {
    constexpr qint64 minute = 60 * 1000;
    return {4 * minute,   10 * minute,  10 * minute, 60 * minute,
            120 * minute, 360 * minute, 900 * minute};
}

void AlipayNotifier::send(const Notification& notification, const QList<Notification>& followUps) {
    Job job;
    job.id = m_nextId++;
    job.notification = notification;
    job.followUps = followUps;
    m_jobs.insert(job.id, job);
    dispatch(job.id);
}

void AlipayNotifier::dispatch(int jobId) {
    auto it = m_jobs.find(jobId);
    if (it == m_jobs.end())
        return;
    ++it->attempt;
    QNetworkRequest request{QUrl(it->notification.url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArrayLiteral("application/x-www-form-urlencoded; charset=utf-8"));
    request.setTransferTimeout(m_timeoutMs);
    QNetworkReply* reply = m_network->post(request, alipay::formBody(it->notification.params));
    m_replies.append(reply);
    connect(reply, &QNetworkReply::finished, this,
            [this, jobId, reply] { finished(jobId, reply); });
}

void AlipayNotifier::finished(int jobId, QNetworkReply* reply) {
    m_replies.removeOne(reply);
    reply->deleteLater();
    auto it = m_jobs.find(jobId);
    if (it == m_jobs.end())
        return;
    const alipay::Params& p = it->notification.params;
    AlipayNotificationAttempt a;
    a.notifyId = p.value(QStringLiteral("notify_id"));
    a.appId = p.value(QStringLiteral("app_id"));
    a.outTradeNo = p.value(QStringLiteral("out_trade_no"));
    a.tradeStatus = p.value(QStringLiteral("trade_status"));
    a.url = it->notification.url;
    a.variant = it->notification.variant;
    a.attempt = it->attempt;
    a.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    a.answer = reply->readAll().left(200);
    if (reply->error() != QNetworkReply::NoError)
        a.error = reply->errorString();
    a.atMs = QDateTime::currentMSecsSinceEpoch();
    // Alipay wants exactly "success"; anything else, even with a 200, is a failure.
    a.delivered = a.httpStatus == 200 && a.answer == "success";
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
    qCDebug(lcSandbox).noquote() << "alipay notification" << a.notifyId << a.tradeStatus
                                 << "attempt" << a.attempt << "->" << a.httpStatus
                                 << (a.delivered ? "delivered" : "not delivered");
    m_history.append(a);
    if (m_history.size() > kHistoryLimit)
        m_history.removeFirst();
    emit attempted(a);
    for (const Notification& next : followUps)
        send(next);
}

} // namespace qpos::sandbox
