#include "core/gateways/HttpCallRunner.h"

#include "core/gateways/GatewayErrors.h"
#include "core/logging/Redactor.h"

#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslSocket>
#include <QTimer>

namespace qpos::gateway {

using std::chrono::milliseconds;

namespace {

constexpr char kTimedOut[] = "qpos_timed_out";
constexpr char kTooLarge[] = "qpos_too_large";
// A retry with less time than this left before the deadline is not worth starting.
constexpr qint64 kShortestAttemptMs = 50;
constexpr qsizetype kLoggedBodyChars = 4000;

QString clipped(const QString& text) {
    return text.size() <= kLoggedBodyChars ? text : text.left(kLoggedBodyChars) + u'…';
}

} // namespace

HttpCallRunner::HttpCallRunner(HttpProvider provider, QObject* parent)
    : QObject(parent)
    , m_provider(std::move(provider))
    , m_tls(QSslConfiguration::defaultConfiguration())
    , m_network(new QNetworkAccessManager(this))
    , m_breaker(new CircuitBreaker(m_provider.name, m_provider.log, m_provider.breaker, this))
    , m_random(QRandomGenerator::global()->generate()) {
    // A payment API never redirects; following one could send a signed request elsewhere.
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    // Added to the system's CA store, never instead of it; peer verification stays on.
    if (!m_provider.connection.extraCaCertificates.isEmpty())
        m_tls.addCaCertificates(m_provider.connection.extraCaCertificates);
    m_tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
    // Qt's default drops the session after the handshake; keeping it lets a fresh connection
    // (after the keep-alive ran out) resume instead of a full handshake.
    m_tls.setSslOption(QSsl::SslOptionDisableSessionTickets, false);
    m_tls.setSslOption(QSsl::SslOptionDisableSessionSharing, false);
    m_tls.setSslOption(QSsl::SslOptionDisableSessionPersistence, false);
}

HttpCallRunner::~HttpCallRunner() {
    // Abort what is still in flight without calling anyone back: the client is going away.
    const QSet<QNetworkReply*> replies = std::exchange(m_inFlight, {});
    for (QNetworkReply* reply : replies) {
        disconnect(reply, nullptr, this, nullptr);
        reply->abort();
        delete reply;
    }
}

// ---- the connection

void HttpCallRunner::warmUp(const QUrl& address) {
    const quint16 defaultPort = address.scheme() == u"https" ? 443 : 80;
    const quint16 port = quint16(address.port(defaultPort));
    qCDebug(m_provider.log).noquote() << "warming up the connection to" << address.host() << port;
    if (address.scheme() == u"https")
        m_network->connectToHostEncrypted(address.host(), port, m_tls);
    else
        m_network->connectToHost(address.host(), port);
}

void HttpCallRunner::applyConnection(QNetworkRequest& request) const {
    // Qt files HTTP/2-capable and HTTP/1.1 connections apart; a request must ask for what the
    // warm-up opened: connectToHostEncrypted() without h2 in ALPN is HTTP/1.1, connectToHost()
    // keeps Qt's default.
    if (request.url().scheme() == u"https") {
        request.setSslConfiguration(m_tls);
        request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    }
    request.setAttribute(QNetworkRequest::ConnectionCacheExpiryTimeoutSecondsAttribute,
                         int(m_provider.connection.keepAlive.count()));
}

void HttpCallRunner::keepSession(QNetworkReply* reply) {
    if (reply->url().scheme() != u"https" || reply->error() != QNetworkReply::NoError)
        return;
    const QByteArray ticket = reply->sslConfiguration().sessionTicket();
    if (!ticket.isEmpty() && ticket != m_tls.sessionTicket())
        m_tls.setSessionTicket(ticket);
}

// ---- one call's attempts

void HttpCallRunner::startAttempt(const std::shared_ptr<Attempts>& attempts) {
    ++attempts->attempt;
    // Sign before asking the breaker, so a half-open probe slot is never taken by a request
    // that then is not sent.
    Result<HttpRequest> prepared = attempts->prepare();
    if (!prepared) {
        const HttpFailure notSent{
            Error{QString::fromLatin1(errc::notSent), prepared.error().message}, false};
        endAttempt(attempts, &notSent, nullptr, 0);
        return;
    }
    if (!m_breaker->tryAcquire()) {
        const HttpFailure failure = unreachable();
        endAttempt(attempts, &failure, nullptr, 0);
        return;
    }
    qCDebug(m_provider.log).noquote()
        << QStringLiteral("-> attempt %1: %2").arg(attempts->attempt).arg(prepared->logged);
    applyConnection(prepared->request);
    QNetworkReply* reply = prepared->method == "GET"
                               ? m_network->get(prepared->request)
                               : m_network->post(prepared->request, prepared->body);
    send(reply,
         m_provider.retry.attemptTimeout(m_provider.requestTimeout, attempts->clock,
                                         attempts->bounded),
         m_provider.maxAnswerBytes,
         [this, attempts](QNetworkReply* finished) { finishAttempt(attempts, finished); });
}

void HttpCallRunner::finishAttempt(const std::shared_ptr<Attempts>& attempts,
                                   QNetworkReply* reply) {
    bool transport = false;
    if (std::optional<HttpFailure> failure = transportFailure(reply, &transport)) {
        if (transport)
            m_breaker->recordFailure();
        else
            m_breaker->recordSuccess();
        endAttempt(attempts, &*failure, nullptr, 0);
        return;
    }
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    // An answer arrived, so the network works, unless the provider itself failed.
    if (status >= 500)
        m_breaker->recordFailure();
    else
        m_breaker->recordSuccess();
    endAttempt(attempts, nullptr, reply, status);
}

void HttpCallRunner::endAttempt(const std::shared_ptr<Attempts>& attempts,
                                const HttpFailure* failure, QNetworkReply* answer, int status) {
    const std::optional<QString> why = attempts->end(failure, answer, status);
    if (why && attempts->retryTransient) {
        if (std::optional<milliseconds> delay = nextDelay(attempts->attempt, attempts->clock)) {
            qCInfo(m_provider.log).noquote()
                << QStringLiteral("%1 attempt %2 failed (%3); retrying in %4 ms")
                       .arg(attempts->name)
                       .arg(attempts->attempt)
                       .arg(*why)
                       .arg(delay->count());
            QTimer::singleShot(*delay, this, [this, attempts] { startAttempt(attempts); });
            return;
        }
    }
    attempts->handOver();
}

std::optional<milliseconds> HttpCallRunner::nextDelay(int attempt, const QElapsedTimer& clock) {
    if (attempt >= m_provider.retry.maxAttempts || m_breaker->state() == CircuitState::Open)
        return std::nullopt;
    const milliseconds delay = m_provider.retry.backoffBefore(attempt + 1, m_random);
    const qint64 left = m_provider.retry.deadline.count() - clock.elapsed();
    if (delay.count() + kShortestAttemptMs > left)
        return std::nullopt;
    return delay;
}

bool HttpCallRunner::retryLater(int attempt, const QElapsedTimer& clock,
                                std::function<void()> again) {
    const std::optional<milliseconds> delay = nextDelay(attempt, clock);
    if (!delay)
        return false;
    QTimer::singleShot(*delay, this, std::move(again));
    return true;
}

// ---- the exchange

void HttpCallRunner::fetch(
    const QNetworkRequest& request, const QString& what, const QElapsedTimer& clock,
    qint64 maxBytes, std::function<void(std::optional<HttpFailure>, QNetworkReply*)> onFinished) {
    qCDebug(m_provider.log).noquote() << "->" << what << request.url().host();
    QNetworkRequest connected = request;
    applyConnection(connected);
    send(m_network->get(connected),
         m_provider.retry.attemptTimeout(m_provider.requestTimeout, clock, true), maxBytes,
         [this, onFinished = std::move(onFinished)](QNetworkReply* reply) {
             bool transport = false;
             onFinished(transportFailure(reply, &transport), reply);
         });
}

void HttpCallRunner::send(QNetworkReply* reply, milliseconds timeout, qint64 maxBytes,
                          std::function<void(QNetworkReply*)> onFinished) {
    m_inFlight.insert(reply);
    auto* timer = new QTimer(reply);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [reply] {
        reply->setProperty(kTimedOut, true);
        reply->abort();
    });
    connect(reply, &QNetworkReply::downloadProgress, this,
            [reply, maxBytes](qint64 received, qint64 total) {
                if (received > maxBytes || total > maxBytes) {
                    reply->setProperty(kTooLarge, true);
                    reply->abort();
                }
            });
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, timer, onFinished = std::move(onFinished)] {
                timer->stop();
                m_inFlight.remove(reply);
                keepSession(reply);
                reply->deleteLater();
                onFinished(reply);
            });
    timer->start(timeout);
}

std::optional<HttpFailure> HttpCallRunner::transportFailure(QNetworkReply* reply,
                                                            bool* transport) const {
    const HttpCallTexts& texts = m_provider.texts;
    auto fail = [&texts, transport](const char* code, const QString& message, bool transient,
                                    bool isTransportFailure) {
        *transport = isTransportFailure;
        return std::optional<HttpFailure>(
            HttpFailure{Error{QString::fromLatin1(code), message + u' ' + texts.later}, transient});
    };
    if (reply->property(kTimedOut).toBool())
        return fail(errc::timeout, texts.timedOut, true, true);
    if (reply->property(kTooLarge).toBool())
        return fail(errc::answerTooLarge, texts.tooLarge, false, false);
    const QNetworkReply::NetworkError error = reply->error();
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (error == QNetworkReply::SslHandshakeFailedError)
        return fail(errc::tlsFailed, texts.tlsFailed.arg(reply->errorString()), false, true);
    // Codes below ContentAccessDenied are network and proxy failures: no complete answer.
    if ((error != QNetworkReply::NoError && error < QNetworkReply::ContentAccessDenied) ||
        !status.isValid())
        return fail(errc::connectionFailed, texts.connectionFailed.arg(reply->errorString()), true,
                    true);
    *transport = false;
    return std::nullopt;
}

HttpFailure HttpCallRunner::statusFailure(int status) const {
    return HttpFailure{
        Error{QString::fromLatin1(errc::httpStatus),
              m_provider.texts.serverStatus.arg(status) + u' ' + m_provider.texts.later},
        status >= 500 || status == 408 || status == 429};
}

HttpFailure HttpCallRunner::unreachable() const {
    return HttpFailure{
        Error{QString::fromLatin1(errc::unreachable),
              m_provider.texts.unreachable.arg((m_provider.breaker.coolDown.count() + 999) / 1000)},
        false};
}

// ---- the log

void HttpCallRunner::logAnswer(const QString& what, const QByteArray& body) const {
    qCDebug(m_provider.log).noquote() << QStringLiteral("<- %1: %2").arg(what, forLog(body));
}

QString HttpCallRunner::forLog(const QByteArray& body) {
    return clipped(Redactor::redact(QString::fromUtf8(body)));
}

void HttpCallRunner::logOutcome(const QString& name, OutcomeKind kind, const Refused* refused,
                                const Unknown* unknown) const {
    switch (kind) {
    case OutcomeKind::Success:
        qCDebug(m_provider.log).noquote() << name << "succeeded";
        break;
    case OutcomeKind::InProgress:
        qCInfo(m_provider.log).noquote()
            << name << QStringLiteral("is in progress at %1").arg(m_provider.name);
        break;
    case OutcomeKind::Refused:
        qCInfo(m_provider.log).noquote()
            << QStringLiteral("%1 refused: %2 %3 %4")
                   .arg(name, refused->code, refused->subCode, refused->providerMessage);
        break;
    case OutcomeKind::Unknown:
        qCWarning(m_provider.log).noquote()
            << QStringLiteral("%1 outcome unknown: %2 %3")
                   .arg(name, unknown->reason.code, Redactor::redact(unknown->reason.message));
        break;
    }
}

} // namespace qpos::gateway
