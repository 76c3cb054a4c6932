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

StoreServerHttp::StoreServerHttp(StoreServerEndpoint endpoint, Clock clock, QObject* parent)
    : QObject(parent)
    , m_endpoint(std::move(endpoint))
    , m_clock(std::move(clock))
    , m_network(new QNetworkAccessManager(this)) {}

StoreServerHttp::~StoreServerHttp() = default;

void StoreServerHttp::post(const QString& path, const QByteArray& body, Done done) {
    QUrl url = m_endpoint.baseUrl;
    url.setPath(path);
    const Result<QByteArray> authorization =
        authorizationHeader(m_endpoint.terminal, m_endpoint.secret, "POST",
                            url.path(QUrl::FullyEncoded).toLatin1(), body, m_clock());
    if (!authorization) {
        done(authorization.error());
        return;
    }
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Authorization", *authorization);
    request.setTransferTimeout(kTimeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    if (url.scheme() == u"https")
        request.setSslConfiguration(m_endpoint.pin.tlsConfiguration());

    QNetworkReply* reply = m_network->post(request, body);
    auto mismatch = std::make_shared<bool>(false);
    connect(reply, &QNetworkReply::sslErrors, reply,
            [this, reply, mismatch](const QList<QSslError>& errors) {
                if (m_endpoint.pin.accepts(reply->sslConfiguration().peerCertificate()))
                    reply->ignoreSslErrors(errors);
                else
                    *mismatch = m_endpoint.pin.pinned();
            });
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received, qint64) {
        if (received > kMaxAnswerBytes)
            reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, mismatch, done = std::move(done)] {
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
        if (reply->bytesAvailable() > kMaxAnswerBytes) {
            done(Error{QStringLiteral("link.answer_too_large"),
                       unreadableAnswer(m_endpoint.baseUrl).message});
            return;
        }
        if (!status.isValid()) {
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
