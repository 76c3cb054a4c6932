#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

#include <memory>

class QHttpServerResponder;
class QJsonDocument;

namespace qpos::sandbox {

// One HTTP request and the means to answer it: now, later (latency faults use a timer and
// answer from it), never (a hung request), or by closing the connection without a byte of
// answer. Copies share the same exchange, so a handle can be kept in a timer's lambda; an
// exchange whose client has gone away silently ignores the answer.
class HttpExchange {
public:
    struct Request {
        QByteArray method; // "GET", "POST", ...
        QUrl url;
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray body;
        QHostAddress remote;
    };

    HttpExchange() = default;
    HttpExchange(Request request, QHttpServerResponder&& responder);

    const Request& request() const;
    QByteArray method() const { return request().method; }
    QString path() const { return request().url.path(); }
    // The first header of that name (case-insensitive), or empty.
    QByteArray header(QByteArrayView name) const;

    // Not answered yet and the client is still connected.
    bool isOpen() const;

    // Answering does not change the handle, only the exchange it shares: hence const.
    void reply(int status, const QByteArray& contentType, const QByteArray& body,
               const QList<QPair<QByteArray, QByteArray>>& extraHeaders = {}) const;
    void replyJson(int status, const QJsonDocument& document) const;
    // Closes the connection at once: the client sees it closed with no answer.
    void drop() const;

private:
    struct State;
    std::shared_ptr<State> m_state;
};

} // namespace qpos::sandbox
