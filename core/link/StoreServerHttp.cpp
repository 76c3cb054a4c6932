#include "core/link/StoreServerHttp.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>

#include <memory>

namespace qpos::link {

namespace {

QString serverName(const QUrl& url) {
    return url.toString(QUrl::RemoveUserInfo | QUrl::RemovePath | QUrl::RemoveQuery);
}

} // namespace

QString StoreServerAnswer::errorCode() const {
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    return doc.object().value(QStringLiteral("code")).toString().left(64);
}

Error unreadableAnswer(const QUrl& server) {
    return {QStringLiteral("link.unreadable_answer"),
            QCoreApplication::translate(
                "qpos::link",
                "The store server at %1 sent an answer the till cannot read. Nothing was "
                "changed; check that the address is the store's qpos-server and that it is up "
                "to date.")
                .arg(serverName(server))};
}

Error refusedAnswer(const StoreServerAnswer& answer, const QUrl& server) {
    const QString code = answer.errorCode();
    const QString why = code.isEmpty() ? QString::number(answer.status)
                                       : QStringLiteral("%1 %2").arg(answer.status).arg(code);
    if (answer.status == 401 || answer.status == 403)
        return {QStringLiteral("link.refused"),
                QCoreApplication::translate(
                    "qpos::link",
                    "The store server at %1 refused this till's credentials (%2). Check that the "
                    "till's clock is right; if it is, the till may have been revoked: enroll it "
                    "again with a new code from the store's administrator.")
                    .arg(serverName(server), why)};
    return {QStringLiteral("link.server_error"),
            QCoreApplication::translate("qpos::link",
                                        "The store server at %1 could not answer (%2). Nothing "
                                        "was changed; try again in a minute.")
                .arg(serverName(server), why)};
}

StoreServerHttp::StoreServerHttp(StoreServerEndpoint endpoint, Clock clock, QObject* parent)
    : QObject(parent)
    , m_endpoint(std::move(endpoint))
    , m_clock(std::move(clock))
    , m_network(new QNetworkAccessManager(this)) {}

StoreServerHttp::~StoreServerHttp() = default;

void StoreServerHttp::post(const QString& path, const QByteArray& body, Done done,
                           qint64 maxAnswerBytes) {
    QUrl url = m_endpoint.baseUrl;
    url.setPath(path);
    send("POST", url, body, maxAnswerBytes, std::move(done));
}

void StoreServerHttp::get(const QString& path, const QString& query, Done done,
                          qint64 maxAnswerBytes) {
    QUrl url = m_endpoint.baseUrl;
    url.setPath(path);
    if (!query.isEmpty())
        url.setQuery(query, QUrl::StrictMode);
    send("GET", url, {}, maxAnswerBytes, std::move(done));
}

void StoreServerHttp::send(const QByteArray& verb, const QUrl& url, const QByteArray& body,
                           qint64 maxAnswerBytes, Done done) {
    // Signed exactly as the request line carries it: the path, then the query when there is one.
    const QByteArray target =
        url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::RemoveFragment);
    const Result<QByteArray> authorization =
        authorizationHeader(m_endpoint.terminal, m_endpoint.secret, verb, target, body, m_clock());
    if (!authorization) {
        done(authorization.error());
        return;
    }
    QNetworkRequest request(url);
    if (verb == "POST")
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
    request.setRawHeader("Authorization", *authorization);
    request.setTransferTimeout(kTimeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    if (url.scheme() == u"https")
        request.setSslConfiguration(m_endpoint.pin.tlsConfiguration());

    QNetworkReply* reply =
        verb == "POST" ? m_network->post(request, body) : m_network->get(request);
    auto mismatch = std::make_shared<bool>(false);
    connect(reply, &QNetworkReply::sslErrors, reply,
            [this, reply, mismatch](const QList<QSslError>& errors) {
                if (m_endpoint.pin.accepts(reply->sslConfiguration().peerCertificate()))
                    reply->ignoreSslErrors(errors);
                else
                    *mismatch = m_endpoint.pin.pinned();
            });
    auto tooLarge = std::make_shared<bool>(false);
    connect(reply, &QNetworkReply::downloadProgress, reply,
            [reply, maxAnswerBytes, tooLarge](qint64 received, qint64) {
                if (received > maxAnswerBytes) {
                    *tooLarge = true;
                    reply->abort();
                }
            });
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, mismatch, tooLarge, maxAnswerBytes, done = std::move(done)] {
                reply->deleteLater();
                const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
                if (*mismatch) {
                    done(Error{QStringLiteral("link.certificate_mismatch"),
                               QCoreApplication::translate(
                                   "qpos::link",
                                   "The store server at %1 presented a certificate other than "
                                   "the one in the enrollment code, so the till did not talk to "
                                   "it. If the server's certificate was replaced, enroll again "
                                   "with a new code; otherwise someone may be intercepting the "
                                   "connection.")
                                   .arg(serverName(m_endpoint.baseUrl))});
                    return;
                }
                // An aborted answer is cut: never handed on as if whole.
                if (*tooLarge || reply->bytesAvailable() > maxAnswerBytes) {
                    done(Error{QStringLiteral("link.answer_too_large"),
                               unreadableAnswer(m_endpoint.baseUrl).message});
                    return;
                }
                // A connection lost in the middle of the answer leaves a status but a cut body.
                const bool cut = reply->error() > QNetworkReply::NoError &&
                                 reply->error() < QNetworkReply::ProxyConnectionRefusedError;
                if (!status.isValid() || cut) {
                    done(Error{QStringLiteral("link.unreachable"),
                               QCoreApplication::translate(
                                   "qpos::link",
                                   "The store server at %1 cannot be reached (%2). The till keeps "
                                   "working and tries again later; check the network and that "
                                   "qpos-server is running.")
                                   .arg(serverName(m_endpoint.baseUrl), reply->errorString())});
                    return;
                }
                done(StoreServerAnswer{status.toInt(), reply->readAll()});
            });
}

} // namespace qpos::link
