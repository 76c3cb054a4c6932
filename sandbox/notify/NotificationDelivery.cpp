#include "sandbox/notify/NotificationDelivery.h"

#include <QDateTime>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <cmath>

namespace qpos::sandbox {

NotificationDelivery::NotificationDelivery(Policy policy, QObject* parent)
    : QObject(parent)
    , m_policy(std::move(policy))
    , m_network(new QNetworkAccessManager(this)) {}

NotificationDelivery::~NotificationDelivery() {
    for (QNetworkReply* reply : std::as_const(m_replies)) {
        reply->disconnect(this);
        reply->abort();
    }
}

void NotificationDelivery::send(const Message& message, const QList<Message>& followUps) {
    const int id = m_nextId++;
    m_jobs.insert(id, Job{message, followUps, 0});
    dispatch(id);
}

void NotificationDelivery::dispatch(int jobId) {
    auto it = m_jobs.find(jobId);
    if (it == m_jobs.end())
        return;
    ++it->attempt;
    const Message& m = it->message;
    QNetworkRequest request{QUrl(m.url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, m.contentType);
    if (m.headers) {
        for (const auto& [name, value] : m.headers(m.body))
            request.setRawHeader(name, value);
    }
    request.setTransferTimeout(m_timeoutMs);
    QNetworkReply* reply = m_network->post(request, m.body);
    m_replies.append(reply);
    connect(reply, &QNetworkReply::finished, this,
            [this, jobId, reply] { finished(jobId, reply); });
}

void NotificationDelivery::finished(int jobId, QNetworkReply* reply) {
    m_replies.removeOne(reply);
    reply->deleteLater();
    auto it = m_jobs.find(jobId);
    if (it == m_jobs.end())
        return;
    NotificationAttempt a;
    a.url = it->message.url;
    a.variant = it->message.variant;
    a.attempt = it->attempt;
    a.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    a.answer = reply->readAll().left(200);
    if (reply->error() != QNetworkReply::NoError)
        a.error = reply->errorString();
    a.atMs = QDateTime::currentMSecsSinceEpoch();
    a.delivered = m_policy.accepts(a.httpStatus, a.answer);
    const QList<qint64>& schedule = m_policy.retrySchedule;
    const bool retry = !a.delivered && a.attempt <= schedule.size();
    a.gaveUp = !a.delivered && !retry;

    const std::function<void(const NotificationAttempt&)> attempted = it->message.attempted;
    const QList<Message> followUps = it->followUps;
    it->followUps.clear();
    if (retry) {
        const auto delay = static_cast<qint64>(
            std::llround(static_cast<double>(schedule[a.attempt - 1]) * m_scale));
        QTimer::singleShot(std::chrono::milliseconds(delay), this,
                           [this, jobId] { dispatch(jobId); });
    } else {
        m_jobs.erase(it);
    }
    if (attempted)
        attempted(a);
    for (const Message& next : followUps)
        send(next);
}

} // namespace qpos::sandbox
