#include "server/http/ServerExchange.h"

#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QJsonObject>

namespace qpos::server {

struct ServerExchange::State {
    Request request;
    std::unique_ptr<QHttpServerResponder> responder;
    bool answered = false;
};

ServerExchange::ServerExchange(Request request, QHttpServerResponder&& responder)
    : m_state(std::make_shared<State>()) {
    m_state->request = std::move(request);
    m_state->responder = std::make_unique<QHttpServerResponder>(std::move(responder));
}

const ServerExchange::Request& ServerExchange::request() const {
    static const Request empty;
    return m_state ? m_state->request : empty;
}

QByteArray ServerExchange::pathAndQuery() const {
    return request().url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority |
                                   QUrl::RemoveFragment);
}

QByteArray ServerExchange::header(QByteArrayView name) const {
    for (const auto& [key, value] : request().headers) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

bool ServerExchange::isAnswered() const {
    return !m_state || m_state->answered;
}

void ServerExchange::reply(int status, const QByteArray& contentType,
                           const QByteArray& body) const {
    if (isAnswered())
        return;
    m_state->answered = true;
    QHttpServerResponder& r = *m_state->responder;
    r.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(status));
    if (!contentType.isEmpty())
        r.writeHeader("Content-Type", contentType);
    if (status != 204) // a 204 has no body and no length (RFC 9110, 8.6)
        r.writeHeader("Content-Length", QByteArray::number(body.size()));
    r.writeBody(body);
}

void ServerExchange::replyError(int status, const QString& code, const QString& message) const {
    const QJsonObject o{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    reply(status, "application/json", QJsonDocument(o).toJson(QJsonDocument::Compact));
}

} // namespace qpos::server
