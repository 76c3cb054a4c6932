#include "tests/support/FakeStoreServer.h"

#include "core/link/RequestSignature.h"

#include <QDateTime>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSslServer>
#include <QWebSocket>

namespace qpos::test {

namespace {

using HttpStatus = QHttpServerResponder::StatusCode;

QByteArray errorBody(const QString& code) {
    return QJsonDocument(
               QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("message"), code}})
        .toJson(QJsonDocument::Compact);
}

void answer(QHttpServerResponder& responder, int status, const QByteArray& body) {
    responder.write(body, "application/json", static_cast<HttpStatus>(status));
}

} // namespace

FakeStoreServer::FakeStoreServer(QObject* parent)
    : QObject(parent) {}

FakeStoreServer::~FakeStoreServer() {
    stop();
}

qint64 FakeStoreServer::now() const {
    return QDateTime::currentMSecsSinceEpoch() + clockOffsetMs;
}

bool FakeStoreServer::start(quint16 port) {
    return listen(port, nullptr, nullptr);
}

bool FakeStoreServer::startTls(const QSslCertificate& certificate, const QSslKey& key,
                               quint16 port) {
    return listen(port, &certificate, &key);
}

bool FakeStoreServer::listen(quint16 port, const QSslCertificate* certificate, const QSslKey* key) {
    stop();
    m_server = std::make_unique<QHttpServer>();
    m_tls = certificate != nullptr;
    if (m_tls)
        m_server->sslSetup(*certificate, *key);
    m_server->route(QStringLiteral("/v1/enroll"),
                    [this](const QHttpServerRequest& request, QHttpServerResponder&& responder) {
                        handleEnroll(request, std::move(responder));
                    });
    m_server->route(QStringLiteral("/v1/sync"),
                    [this](const QHttpServerRequest& request, QHttpServerResponder&& responder) {
                        handleSync(request, std::move(responder));
                    });
    // Qt HttpServer 6.4 upgrades a WebSocket request only when a route took it: this one
    // leaves the answer to the WebSocket handshake.
    m_server->route(QStringLiteral("/v1/link"),
                    [](const QHttpServerRequest&, QHttpServerResponder&&) {});
    connect(m_server.get(), &QHttpServer::newWebSocketConnection, this,
            &FakeStoreServer::acceptWebSockets);
    m_port = m_server->listen(QHostAddress::LocalHost, port);
    if (m_port == 0) {
        m_server.reset();
        return false;
    }
    return true;
}

void FakeStoreServer::stop() {
    for (const QPointer<QWebSocket>& socket : std::as_const(m_links)) {
        if (socket) {
            socket->abort();
            socket->deleteLater();
        }
    }
    m_links.clear();
    m_held.clear();
    m_server.reset();
}

QUrl FakeStoreServer::url() const {
    QUrl u;
    u.setScheme(m_tls ? QStringLiteral("https") : QStringLiteral("http"));
    u.setHost(QStringLiteral("127.0.0.1"));
    u.setPort(m_port);
    return u;
}

link::EnrollmentCode FakeStoreServer::addTerminal(const link::TerminalIdentity& terminal,
                                                  const QString& fingerprint) {
    link::TerminalSecret secret;
    secret.keyId = QStringLiteral("k1");
    secret.secret.resize(link::kSecretBytes);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32*>(secret.secret.data()),
                                          link::kSecretBytes / 4);
    m_terminals.removeIf([&](const Known& k) { return k.terminal == terminal; });
    m_terminals << Known{terminal, secret};
    link::EnrollmentCode code;
    code.serverUrl = url();
    code.terminal = terminal;
    code.secret = secret;
    code.certificateFingerprint = fingerprint;
    return code;
}

FakeStoreServer::Verdict FakeStoreServer::authenticate(const QByteArray& authorization,
                                                       QByteArrayView method, QByteArrayView path,
                                                       QByteArrayView body) {
    Verdict verdict;
    const Result<link::RequestAuthorization> parsed = link::parseAuthorization(authorization);
    if (!parsed) {
        verdict.failure = parsed.error().code;
    } else {
        const Known* known = nullptr;
        for (const Known& k : std::as_const(m_terminals)) {
            if (k.terminal == parsed->terminal && k.secret.keyId == parsed->keyId)
                known = &k;
        }
        if (!known) {
            verdict.failure = QStringLiteral("auth.unknown_terminal");
        } else if (!link::signatureMatches(*parsed, known->secret.secret, method, path, body)) {
            verdict.failure = QStringLiteral("auth.bad_signature");
        } else if (Status s = m_replay.admit(*parsed, now()); !s) {
            verdict.failure = s.error().code;
        } else {
            verdict.terminal = parsed->terminal;
        }
    }
    if (!verdict.failure.isEmpty())
        authFailures << verdict.failure;
    return verdict;
}

void FakeStoreServer::handleEnroll(const QHttpServerRequest& request,
                                   QHttpServerResponder&& responder) {
    ++enrollCalls;
    const Verdict verdict = authenticate(request.value("Authorization"), "POST",
                                         request.url().path().toLatin1(), request.body());
    if (!verdict.terminal) {
        answer(responder, 401, errorBody(verdict.failure));
        return;
    }
    if (enrollAnswer) {
        answer(responder, enrollAnswer->first, enrollAnswer->second);
        return;
    }
    answer(responder, 200,
           QJsonDocument(QJsonObject{{QStringLiteral("store"), verdict.terminal->storeId},
                                     {QStringLiteral("terminal"), verdict.terminal->terminalId},
                                     {QStringLiteral("server_time_ms"), QString::number(now())}})
               .toJson(QJsonDocument::Compact));
}

void FakeStoreServer::handleSync(const QHttpServerRequest& request,
                                 QHttpServerResponder&& responder) {
    ++syncCalls;
    const Verdict verdict = authenticate(request.value("Authorization"), "POST",
                                         request.url().path().toLatin1(), request.body());
    if (!verdict.terminal) {
        answer(responder, 401, errorBody(verdict.failure));
        return;
    }
    if (holdSync) {
        m_held.push_back(std::make_unique<QHttpServerResponder>(std::move(responder)));
        return;
    }
    if (syncAnswer) {
        answer(responder, syncAnswer->first, syncAnswer->second);
        return;
    }
    const Result<link::SyncBatch> batch = link::decodeSyncBatch(request.body());
    if (!batch) {
        answer(responder, 400, errorBody(QStringLiteral("sync.malformed")));
        return;
    }
    if (batch->terminal != *verdict.terminal) {
        answer(responder, 403, errorBody(QStringLiteral("auth.wrong_terminal")));
        return;
    }
    batches << *batch;
    qsizetype stored = 0;
    for (const link::SyncEntry& entry : batch->entries) {
        if (storeAtMost >= 0 && stored >= storeAtMost)
            break;
        if (!storedEntries.contains(entry.seq))
            storedEntries.insert(entry.seq, entry.payload);
        ++stored;
    }
    if (storeThenHold) {
        m_held.push_back(std::make_unique<QHttpServerResponder>(std::move(responder)));
        return;
    }
    const qint64 highest = storedEntries.isEmpty() ? 0 : storedEntries.lastKey();
    answer(responder, 200, link::encodeSyncAnswer({highest, now()}));
}

void FakeStoreServer::acceptWebSockets() {
    while (m_server && m_server->hasPendingWebSocketConnections()) {
        std::unique_ptr<QWebSocket> owned = m_server->nextPendingWebSocketConnection();
        QWebSocket* socket = owned.release();
        socket->setParent(this);
        ++linkUpgrades;
        const QNetworkRequest handshake = socket->request();
        const Verdict verdict =
            authenticate(handshake.rawHeader("Authorization"), "GET",
                         handshake.url().path(QUrl::FullyEncoded).toLatin1(), QByteArrayView());
        if (!verdict.terminal || handshake.url().path() != u"/v1/link") {
            // Qt HttpServer 6.4 upgrades before any handler sees the request, so a refusal
            // can only close the new WebSocket at once.
            socket->close(static_cast<QWebSocketProtocol::CloseCode>(4401), QStringLiteral("auth"));
            socket->deleteLater();
            continue;
        }
        m_links << socket;
        connect(socket, &QWebSocket::textMessageReceived, this, [this](const QString& text) {
            const QByteArray frame = text.toUtf8();
            const Result<link::LinkMessage> message = link::decodeLinkMessage(frame);
            if (message && std::holds_alternative<link::SettleAnswer>(*message)) {
                settleAnswers << std::get<link::SettleAnswer>(*message);
                return;
            }
            if (!message || !std::holds_alternative<link::LinkAck>(*message)) {
                unreadableFrames << frame;
                return;
            }
            acks << std::get<link::LinkAck>(*message);
            emit ackReceived(acks.constLast());
        });
        connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        socket->sendTextMessage(QString::fromUtf8(link::encodeLinkMessage(link::LinkHello{now()})));
    }
}

int FakeStoreServer::linkConnections() const {
    int n = 0;
    for (const QPointer<QWebSocket>& socket : m_links) {
        if (socket && socket->state() == QAbstractSocket::ConnectedState)
            ++n;
    }
    return n;
}

bool FakeStoreServer::sendFrame(const QByteArray& frame) {
    bool sent = false;
    for (const QPointer<QWebSocket>& socket : std::as_const(m_links)) {
        if (socket && socket->state() == QAbstractSocket::ConnectedState) {
            socket->sendTextMessage(QString::fromUtf8(frame));
            sent = true;
        }
    }
    return sent;
}

void FakeStoreServer::dropLinks(int closeCode) {
    for (const QPointer<QWebSocket>& socket : std::as_const(m_links)) {
        if (socket)
            socket->close(static_cast<QWebSocketProtocol::CloseCode>(closeCode));
    }
}

} // namespace qpos::test
