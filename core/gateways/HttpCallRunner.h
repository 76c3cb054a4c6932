#pragma once

#include "core/common/Result.h"
#include "core/gateways/CircuitBreaker.h"
#include "core/gateways/ConnectionSettings.h"
#include "core/gateways/GatewayResult.h"
#include "core/gateways/ProviderReply.h"
#include "core/gateways/RetryPolicy.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QNetworkRequest>
#include <QObject>
#include <QPointer>
#include <QRandomGenerator>
#include <QSet>
#include <QSslConfiguration>
#include <QString>
#include <QUrl>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

class QNetworkAccessManager;
class QNetworkReply;

namespace qpos::gateway {

// A request ready to go out, signed for this attempt.
struct HttpRequest {
    QNetworkRequest request;
    QByteArray method; // "GET" or "POST"
    QByteArray body;   // POST only
    QString logged;    // the request as the debug log may show it: no secrets
};

// A failure found before any answer could be read (not sent, unreachable, timeout, size,
// connection, TLS) or an HTTP status that says nothing is known.
struct HttpFailure {
    Error reason;
    bool transient = false; // worth repeating an idempotent call
};

// A provider's reply that is only `failure`.
template <typename Reply>
Reply failedReply(const HttpFailure& failure) {
    return failedReply<Reply>(failure.reason, failure.transient);
}

// The provider's own words for the failures the runner finds, translated in the provider's
// context (so each provider keeps its translations). `later` is appended: what happens next.
struct HttpCallTexts {
    QString unreachable; // %1: seconds until the breaker lets a probe through
    QString timedOut;
    QString tooLarge;
    QString tlsFailed;        // %1: Qt's error text
    QString connectionFailed; // %1: Qt's error text
    QString serverStatus;     // %1: the HTTP status
    QString later;
};

// Who the runner talks to, and how.
struct HttpProvider {
    QString name;                    // "Alipay": in the breaker's and the outcome log
    CircuitBreaker::LogCategory log; // the client's: its messages stay in it
    HttpCallTexts texts;
    std::chrono::milliseconds requestTimeout; // one exchange; also what a call sent once waits
    RetryPolicy retry;
    CircuitBreakerPolicy breaker;
    qint64 maxAnswerBytes = 0;
    ConnectionSettings connection;
};

// A client's provider: its name, log and words, and the limits its settings give
// (requestTimeout, retry, breaker, maxAnswerBytes, connection).
template <typename Settings>
HttpProvider httpProvider(QString name, CircuitBreaker::LogCategory log, HttpCallTexts texts,
                          const Settings& settings) {
    return HttpProvider{std::move(name),         log,
                        std::move(texts),        settings.requestTimeout,
                        settings.retry,          settings.breaker,
                        settings.maxAnswerBytes, settings.connection};
}

// One API call, its provider-specific side. `Reply` is the provider's reading of an answer, a
// ProviderReply.
template <typename Reply>
struct HttpCall {
    QString name;                // for the log: "alipay.trade.query", "query", ...
    bool retryTransient = false; // idempotent: repeat transient failures
    // When valid, the deadline runs from here (a bill's link query inside its retries).
    QElapsedTimer sharedClock;
    // Builds and signs the request afresh for each attempt; an error means it is not sent.
    std::function<Result<HttpRequest>()> prepare;
    // Reads an HTTP answer of any status (the breaker already counted it).
    std::function<Reply(QNetworkReply* answer, int status)> read;
    // The code that makes a verified answer transient, for the retry log.
    std::function<QString(const Reply&)> answerCode;
    // Empty, or a last look at the final reply before the caller gets it, which may wait
    // (WeChat Pay: an answer signed with a platform certificate the till does not have yet is
    // verified again once the certificates were downloaded). Calls `next` once.
    std::function<void(const Reply& reply, std::function<void(const Reply&)> next)> recheck;
};

// A caller's operation of several exchanges (a bill: its link, then its file), retried as a
// whole and delivered once.
template <typename Request, typename T>
struct RetriedOperation {
    RetriedOperation(Request what, QObject* caller, Completion<T> completion)
        : request(std::move(what))
        , context(caller)
        , done(std::move(completion)) {
        clock.start();
    }
    Request request;
    QPointer<QObject> context;
    Completion<T> done;
    int attempt = 0;
    QElapsedTimer clock;
};

// The HTTP side every payment client shares: sends a prepared request on its own
// QNetworkAccessManager (redirects never followed; one kept-alive connection per provider
// host, its TLS session kept for resumption) with a per-attempt timeout and an answer
// size limit, classifies transport failures into Unknown, retries transient failures of
// idempotent calls with full-jitter backoff within the policy's deadline, keeps the circuit
// breaker, aborts what is in flight when destroyed (calling nobody back), and delivers
// results to the caller's context with the outcome logged. What a request looks like and
// what an answer means stay with the provider's client.
class HttpCallRunner : public QObject {
    Q_OBJECT

public:
    HttpCallRunner(HttpProvider provider, QObject* parent);
    ~HttpCallRunner() override;

    CircuitBreaker& breaker() { return *m_breaker; }
    const CircuitBreaker& breaker() const { return *m_breaker; }
    // Requests sent but not answered yet.
    int inFlight() const { return static_cast<int>(m_inFlight.size()); }

    // Opens the connection to `address`'s host, or keeps the open one, so that the next call
    // finds it ready: TCP and TLS handshakes happen now, not between Charge and the QR. Returns
    // at once; a failure here is not reported (the next call meets it and reports it).
    void warmUp(const QUrl& address);
    // What every request to the provider carries: the TLS configuration (extra CAs, the session
    // to resume), HTTP/1.1 (the warm-up connection is HTTP/1.1, so a request finds it in the
    // same connection cache entry) and the keep-alive.
    void applyConnection(QNetworkRequest& request) const;

    // Runs one API call (with retries when it allows) and hands the final reply to `handler`.
    template <typename Reply>
    void run(HttpCall<Reply> call, std::function<void(const Reply&)> handler);

    // run(), then `parse` turns the reply into the result delivered to `context` while it
    // lives (no context: in the runner's thread, while the runner lives).
    template <typename T, typename Reply, typename Parse>
    void runTyped(HttpCall<Reply> call, QObject* context, Completion<T> done, Parse parse);

    // Logs the outcome of `name` and delivers it later in the context's thread.
    template <typename T>
    void deliver(QObject* context, Completion<T> done, GatewayResult<T> result,
                 const QString& name);

    // Delivers a refusal of a request that was not sent, later, to `context` (no context: the
    // runner). Not logged as an outcome: nothing happened at the provider.
    template <typename T>
    void refuse(QObject* context, Completion<T> done, Refused refusal);

    // Ends an attempt of `operation`: when `transient` and the policy allows another, runs
    // `again` after a backoff; otherwise delivers `result` (if the caller still lives).
    template <typename Request, typename T>
    void retryOrDeliver(const std::shared_ptr<RetriedOperation<Request, T>>& operation,
                        bool transient, GatewayResult<T> result, const QString& name,
                        std::function<void()> again);

    // GETs a file (not from the API: the breaker does not move) with the time left of `clock`'s
    // deadline and `maxBytes`; `onFinished` gets the transport failure, if any, and the reply.
    void fetch(const QNetworkRequest& request, const QString& what, const QElapsedTimer& clock,
               qint64 maxBytes,
               std::function<void(std::optional<HttpFailure>, QNetworkReply*)> onFinished);

    // The failure an HTTP status means (5xx, 408 and 429 are transient).
    HttpFailure statusFailure(int status) const;

    // Logs an answer's body at debug, redacted and clipped: "<- <what>: <body>".
    void logAnswer(const QString& what, const QByteArray& body) const;
    // A body as the debug log may show it: redacted and clipped.
    static QString forLog(const QByteArray& body);

private:
    // One call's attempts, without its reply type.
    struct Attempts {
        QString name;
        bool retryTransient = false;
        bool bounded = false;
        int attempt = 0;
        QElapsedTimer clock;
        std::function<Result<HttpRequest>()> prepare;
        // Makes the provider's reply from a failure or an answer; returns why it is worth
        // repeating (empty: it is not).
        std::function<std::optional<QString>(const HttpFailure*, QNetworkReply*, int)> end;
        std::function<void()> handOver; // the last reply to the caller
    };

    void startAttempt(const std::shared_ptr<Attempts>& attempts);
    void finishAttempt(const std::shared_ptr<Attempts>& attempts, QNetworkReply* reply);
    void endAttempt(const std::shared_ptr<Attempts>& attempts, const HttpFailure* failure,
                    QNetworkReply* answer, int status);
    // The pause before the next attempt when one fits the policy after `attempt`.
    std::optional<std::chrono::milliseconds> nextDelay(int attempt, const QElapsedTimer& clock);
    bool retryLater(int attempt, const QElapsedTimer& clock, std::function<void()> again);

    void send(QNetworkReply* reply, std::chrono::milliseconds timeout, qint64 maxBytes,
              std::function<void(QNetworkReply*)> onFinished);
    // The reply's failure when no HTTP answer arrived; `transport` says whether it counts as
    // a transport failure on the breaker.
    std::optional<HttpFailure> transportFailure(QNetworkReply* reply, bool* transport) const;
    HttpFailure unreachable() const;

    void logOutcome(const QString& name, OutcomeKind kind, const Refused* refused,
                    const Unknown* unknown) const;

    // Keeps the TLS session the provider gave, for the next connection to resume.
    void keepSession(QNetworkReply* reply);

    HttpProvider m_provider;
    QSslConfiguration m_tls;
    QNetworkAccessManager* m_network;
    CircuitBreaker* m_breaker;
    QRandomGenerator m_random;
    QSet<QNetworkReply*> m_inFlight;
};

template <typename Reply>
void HttpCallRunner::run(HttpCall<Reply> call, std::function<void(const Reply&)> handler) {
    auto attempts = std::make_shared<Attempts>();
    attempts->name = std::move(call.name);
    attempts->retryTransient = call.retryTransient;
    attempts->bounded = call.retryTransient || call.sharedClock.isValid();
    if (call.sharedClock.isValid())
        attempts->clock = call.sharedClock;
    else
        attempts->clock.start();
    attempts->prepare = std::move(call.prepare);
    auto last = std::make_shared<Reply>();
    attempts->end = [last, read = std::move(call.read), answerCode = std::move(call.answerCode)](
                        const HttpFailure* failure, QNetworkReply* answer,
                        int status) -> std::optional<QString> {
        *last = failure ? failedReply<Reply>(*failure) : read(answer, status);
        if (!last->transient)
            return std::nullopt;
        return last->failure ? last->failure->reason.code : answerCode(*last);
    };
    attempts->handOver = [last, handler = std::move(handler), recheck = std::move(call.recheck)] {
        if (recheck)
            recheck(*last, handler);
        else
            handler(*last);
    };
    startAttempt(attempts);
}

template <typename T, typename Reply, typename Parse>
void HttpCallRunner::runTyped(HttpCall<Reply> call, QObject* context, Completion<T> done,
                              Parse parse) {
    QPointer<QObject> target(context ? context : this);
    const QString name = call.name;
    run<Reply>(std::move(call), [this, target, done = std::move(done), parse = std::move(parse),
                                 name](const Reply& reply) {
        if (!target)
            return; // the caller went away: nobody to tell
        deliver<T>(target.data(), done, parse(reply), name);
    });
}

template <typename T>
void HttpCallRunner::deliver(QObject* context, Completion<T> done, GatewayResult<T> result,
                             const QString& name) {
    logOutcome(name, result.kind(), result.isRefused() ? &result.refused() : nullptr,
               result.isUnknown() ? &result.unknown() : nullptr);
    deliverLater(context, std::move(done), std::move(result));
}

template <typename T>
void HttpCallRunner::refuse(QObject* context, Completion<T> done, Refused refusal) {
    deliverLater(context ? context : this, std::move(done),
                 GatewayResult<T>::refused(std::move(refusal)));
}

template <typename Request, typename T>
void HttpCallRunner::retryOrDeliver(const std::shared_ptr<RetriedOperation<Request, T>>& operation,
                                    bool transient, GatewayResult<T> result, const QString& name,
                                    std::function<void()> again) {
    if (transient && retryLater(operation->attempt, operation->clock, std::move(again)))
        return;
    if (operation->context)
        deliver<T>(operation->context.data(), operation->done, std::move(result), name);
}

} // namespace qpos::gateway
