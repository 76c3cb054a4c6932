#include "sandbox/http/HttpExchange.h"

#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QPointer>
#include <QTcpSocket>

#include <optional>

namespace qpos::sandbox {

struct HttpExchange::State {
    Request request;
    std::optional<QHttpServerResponder> responder;
    // The server deletes a socket when its client disconnects; the responder keeps a raw
    // pointer to it, so every write first checks that the socket is still there.
    QPointer<QTcpSocket> socket;
    bool answered = false;
};

HttpExchange::HttpExchange(Request request, QHttpServerResponder&& responder)
    : m_state(std::make_shared<State>()) {
    m_state->request = std::move(request);
    m_state->socket = responder.socket();
    m_state->responder.emplace(std::move(responder));
}

const HttpExchange::Request& HttpExchange::request() const {
    static const Request empty;
    return m_state ? m_state->request : empty;
}

QByteArray HttpExchange::header(QByteArrayView name) const {
    for (const auto& [key, value] : request().headers) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

bool HttpExchange::isOpen() const {
    return m_state && !m_state->answered && m_state->socket &&
           m_state->socket->state() == QAbstractSocket::ConnectedState;
}

void HttpExchange::reply(int status, const QByteArray& contentType, const QByteArray& body,
                         const QList<QPair<QByteArray, QByteArray>>& extraHeaders) const {
    if (!isOpen())
        return;
    m_state->answered = true;
    QHttpServerResponder& r = *m_state->responder;
    r.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(status));
    r.writeHeader("Content-Type", contentType);
    r.writeHeader("Content-Length", QByteArray::number(body.size()));
    for (const auto& [key, value] : extraHeaders)
        r.writeHeader(key, value);
    r.writeBody(body);
}

void HttpExchange::replyJson(int status, const QJsonDocument& document) const {
    reply(status, "application/json;charset=utf-8", document.toJson(QJsonDocument::Indented));
}

void HttpExchange::drop() const {
    if (!m_state || m_state->answered)
        return;
    m_state->answered = true;
    if (m_state->socket)
        m_state->socket->abort();
}

} // namespace qpos::sandbox
