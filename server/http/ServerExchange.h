#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QUrl>

#include <memory>

class QHttpServerResponder;

namespace qpos::server {

// One HTTP request and its answer, which may come later (a notification is answered only
// after the commit that records it). Copies share the exchange; answering a client that has
// gone away does nothing.
class ServerExchange {
public:
    struct Request {
        QByteArray method; // "GET", "POST", ...
        QUrl url;
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray body;
        QHostAddress remote;
    };

    ServerExchange() = default;
    ServerExchange(Request request, QHttpServerResponder&& responder);

    const Request& request() const;
    QByteArray method() const { return request().method; }
    QString path() const { return request().url.path(); }
    // The path and query exactly as the client sent them, for the request signature.
    QByteArray pathAndQuery() const;
    // The first header of that name (case-insensitive), or empty.
    QByteArray header(QByteArrayView name) const;

    bool isAnswered() const;
    void reply(int status, const QByteArray& contentType, const QByteArray& body) const;
    // {"code":…,"message":…}
    void replyError(int status, const QString& code, const QString& message) const;

private:
    struct State;
    std::shared_ptr<State> m_state;
};

} // namespace qpos::server
