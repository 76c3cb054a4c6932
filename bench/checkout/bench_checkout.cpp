// Checkout latency: the real CheckoutEngine over a real AlipayClient against the in-process
// sandbox with no latency, next to a floor measured in the same run (one RSA-2048 SHA256 sign
// + one verify of a request-sized message + one durable SQLite commit). For
//   (1) Charge -> QR image ready,
//   (2) the buyer's payment -> order Paid in the database, poll path,
//   (3) the buyer's payment -> order Paid in the database, push path,
// it prints the end-to-end time, the simulated provider's share of it (its side of each HTTP
// exchange: its server reading the request, verifying, trade rules, signing, writing the
// answer; for push its buyerPay(), which signs and posts the notification), and the local
// overhead = end-to-end - provider's share, each as a ratio to the floor (target: local
// overhead <= 1.5 x floor), plus where the local time goes. The simulated provider runs on a
// thread of its own, as in the product. It prints figures and never fails on time.
//
// Read the figures with the machine line it prints: when more work is runnable than there are
// CPUs, each wake-up after an fsync waits for a CPU, which inflates the floor far more than
// the rest and hides the local overhead. On a shared machine run it as `chrt -f 10
// bench_checkout` (real-time scheduling for this short run) to see the till's own figures.
//
// Then the connection path (WarmConnectionPath.h): over HTTPS with 30 ms added to every
// exchange and connection set-up, after an idle period (300 s; `--idle-s N` for a quick run,
// `--connection-only` to run only it).

#include "bench/checkout/WarmConnectionPath.h"
#include "core/checkout/CheckoutEngine.h"
#include "core/crypto/RsaPrivateKey.h"
#include "core/crypto/RsaPublicKey.h"
#include "core/gateways/alipay/AlipayClient.h"
#include "core/qr/QrCode.h"
#include "core/storage/Database.h"
#include "core/storage/OrderStore.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/http/SandboxHttpServer.h"
#include "sandbox/SandboxServer.h"
#include "ui/till/QrImage.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QGuiApplication>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QLoggingCategory>
#include <QMutex>
#include <QMutexLocker>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>

#include <sched.h>

using namespace qpos;
using namespace qpos::checkout;

namespace {

const QString kAppId = QStringLiteral("2021000000000777");
constexpr int kWarmUp = 10;
constexpr int kRuns = 200;
constexpr int kQrSidePx = 320;

QElapsedTimer g_clock; // every timestamp: ns since the start of the run

qint64 nowNs() {
    return g_clock.nsecsElapsed();
}

[[noreturn]] void die(const QString& what) {
    std::fprintf(stderr, "bench_checkout: %s\n", qPrintable(what));
    std::exit(1);
}

template <typename T>
T must(Result<T> result, const char* what) {
    if (!result)
        die(QString::fromLatin1(what) + QStringLiteral(": ") + result.error().message);
    return std::move(result).value();
}

void must(const Status& status, const char* what) {
    if (!status)
        die(QString::fromLatin1(what) + QStringLiteral(": ") + status.error().message);
}

// Waiting blocks in a real event loop (no polling loop that would take a CPU from Qt's
// network thread): the bench's handlers call poke() after every change they record, and the
// loop ends once `done` holds. A stuck checkout is a bug, not a slow figure: it ends the run.
QEventLoop* g_loop = nullptr;
std::function<bool()> g_done;

void poke() {
    if (g_loop && g_done())
        g_loop->quit();
}

void waitUntil(const std::function<bool()>& done, const char* what, int timeoutMs = 10000) {
    if (done())
        return;
    QEventLoop loop;
    QTimer::singleShot(timeoutMs, &loop, [what] {
        die(QStringLiteral("timed out waiting for ") + QString::fromLatin1(what));
    });
    g_loop = &loop;
    g_done = done;
    loop.exec();
    g_loop = nullptr;
    g_done = nullptr;
}

double ms(qint64 ns) {
    return double(ns) / 1e6;
}

struct Stats {
    double median = 0;
    double p90 = 0;
};

Stats stats(QList<double> values) {
    if (values.isEmpty())
        return {};
    std::sort(values.begin(), values.end());
    const auto n = values.size();
    const auto p90 = std::max<qsizetype>(0, qsizetype(std::ceil(0.9 * double(n))) - 1);
    return {values[n / 2], values[p90]};
}

// The simulated provider's listening socket, timing each exchange on its side: from the
// request's first bytes being read to the answer's last bytes handed to the kernel. That is
// the provider's own HTTP server plus its handler; none of it is the till's work. (Time the
// request spends waiting for the thread, busy with the till's work in this single-threaded
// bench, is not in it: it counts as local.)
class TimedTcpServer : public QTcpServer {
public:
    using QTcpServer::QTcpServer;
    std::function<void()> onRequest;
    std::function<void(qint64 startNs, qint64 endNs)> onExchange;

protected:
    void incomingConnection(qintptr descriptor) override {
        auto* socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        // Connected before the HTTP server's own slots, so these run first.
        auto startNs = std::make_shared<qint64>(0);
        connect(socket, &QTcpSocket::readyRead, socket, [this, startNs] {
            if (*startNs != 0)
                return;
            *startNs = nowNs();
            if (onRequest)
                onRequest();
        });
        connect(socket, &QTcpSocket::bytesWritten, socket, [this, socket, startNs] {
            if (*startNs == 0 || socket->bytesToWrite() > 0)
                return;
            if (onExchange)
                onExchange(*startNs, nowNs());
            *startNs = 0;
        });
        addPendingConnection(socket);
    }
};

// The real Alipay client, with a note of when the engine hands it a request and when the
// answer comes back, so the engine's own steps can be told from the exchange. Forwarding
// costs a std::function copy: nothing next to the figures measured.
class TimedGateway : public gateway::PaymentGateway {
public:
    explicit TimedGateway(std::unique_ptr<alipay::AlipayClient> client)
        : m_client(std::move(client)) {}

    // Called with the order number just before a query is handed to the client.
    std::function<void(const QString&)> beforeQuery;
    qint64 createSentNs = 0;
    qint64 createAnsweredNs = 0;
    qint64 querySentNs = 0;
    qint64 queryAnsweredNs = 0;

    Channel channel() const override { return m_client->channel(); }
    void createQrOrder(const gateway::QrOrderRequest& request, QObject* context,
                       gateway::Completion<gateway::QrOrder> done) override {
        m_client->createQrOrder(request, context,
                                timed(std::move(done), &createSentNs, &createAnsweredNs));
    }
    void payByCode(const gateway::PayByCodeRequest& request, QObject* context,
                   gateway::Completion<gateway::TradeSnapshot> done) override {
        m_client->payByCode(request, context, std::move(done));
    }
    void queryTrade(const gateway::TradeRef& trade, QObject* context,
                    gateway::Completion<gateway::TradeSnapshot> done) override {
        if (beforeQuery)
            beforeQuery(trade.outTradeNo);
        m_client->queryTrade(trade, context,
                             timed(std::move(done), &querySentNs, &queryAnsweredNs));
    }
    void cancelTrade(const gateway::TradeRef& trade, QObject* context,
                     gateway::Completion<gateway::CancelResult> done) override {
        m_client->cancelTrade(trade, context, std::move(done));
    }
    void closeTrade(const gateway::TradeRef& trade, QObject* context,
                    gateway::Completion<gateway::CloseResult> done) override {
        m_client->closeTrade(trade, context, std::move(done));
    }
    void refund(const gateway::RefundRequest& request, QObject* context,
                gateway::Completion<gateway::RefundResult> done) override {
        m_client->refund(request, context, std::move(done));
    }
    void queryRefund(const gateway::RefundQuery& query, QObject* context,
                     gateway::Completion<gateway::RefundQueryResult> done) override {
        m_client->queryRefund(query, context, std::move(done));
    }
    void downloadBill(const gateway::BillRequest& request, QObject* context,
                      gateway::Completion<gateway::DownloadedBill> done) override {
        m_client->downloadBill(request, context, std::move(done));
    }
    Result<gateway::PaymentNotification>
    verifyNotification(const gateway::IncomingNotification& notification,
                       const gateway::NotificationOrderLookup& lookup) const override {
        return m_client->verifyNotification(notification, lookup);
    }
    gateway::NotificationReply notificationReply(bool accepted) const override {
        return m_client->notificationReply(accepted);
    }
    void warmUp() override { m_client->warmUp(); }
    const gateway::CircuitBreaker& circuitBreaker() const override {
        return m_client->circuitBreaker();
    }

private:
    template <typename T>
    gateway::Completion<T> timed(gateway::Completion<T> done, qint64* sent, qint64* answered) {
        *sent = nowNs();
        return [done = std::move(done), answered](gateway::GatewayResult<T> result) {
            *answered = nowNs();
            done(std::move(result));
        };
    }

    std::unique_ptr<alipay::AlipayClient> m_client;
};

// What one checkout went through, as timestamps (ns since the start of the run).
struct Sample {
    QString requestId;
    QString outTradeNo;
    // Charge -> QR
    qint64 startNs = 0;
    qint64 createSentNs = 0;
    qint64 createAnsweredNs = 0;
    qint64 waitingNs = 0;
    qint64 encodedNs = 0;
    qint64 renderedNs = 0;
    qint64 qrSandboxNs = 0;     // the sandbox's handler
    qint64 qrServerNs = 0;      // the sandbox's side of the exchange (HTTP server and handler)
    qint64 createArrivedNs = 0; // the sandbox's handler starts
    qint64 createLeftNs = 0;    // and ends
    int qrSandboxRequests = 0;
    qint64 pendingNs = 0;
    // Payment -> Paid
    qint64 payNs = 0;
    qint64 payDoneNs = 0;
    qint64 querySentNs = 0;
    qint64 queryAnsweredNs = 0;
    qint64 queryArrivedNs = 0;
    qint64 queryLeftNs = 0;
    qint64 receivedNs = 0;
    qint64 verifiedNs = 0;
    qint64 paidNs = 0;
    qint64 paySandboxNs = 0; // the sandbox's request handling between payment and Paid
    qint64 payServerNs = 0;  // the sandbox's side of the exchanges between payment and Paid
    int paySandboxRequests = 0;
    qint64 finalNs = 0;
    std::optional<CheckoutPhase> finalPhase;
};

enum class Path { Poll, Push };

class CheckoutBench {
public:
    explicit CheckoutBench(const QString& dirPath)
        : m_dirPath(dirPath) {}

    ~CheckoutBench() {
        m_engine.reset();
        m_gateways.reset();
        onSandbox([this] {
            delete m_front;
            delete m_server;
            m_sandboxAnchor->deleteLater(); // deleted as the thread finishes
        });
        m_sandboxThread.quit();
        m_sandboxThread.wait();
    }

    void setUp() {
        // The simulated Alipay on a thread of its own, as in the product (SandboxShop; a real
        // provider is another machine): the engine's work after handing a request over runs
        // while the provider works. It is reached through an HTTP listener of our own that
        // times its side of each exchange and its request handler (verify the client's
        // signature, run the trade rules, sign the answer).
        m_sandboxAnchor = new QObject;
        m_sandboxAnchor->moveToThread(&m_sandboxThread);
        m_sandboxThread.start();
        onSandbox([this] {
            m_server = new sandbox::SandboxServer;
            must(m_server->initialize(), "sandbox");
            m_front = new sandbox::SandboxHttpServer([this](sandbox::HttpExchange ex) {
                if (ex.path() == u"/gateway.do") {
                    const qint64 t0 = nowNs();
                    m_server->alipay().handleGateway(ex);
                    const qint64 t1 = nowNs();
                    QMutexLocker lock(&m_spanLock);
                    m_handlerSpans.append({t0, t1});
                } else if (ex.path() == u"/bench/echo") {
                    ex.reply(200, "text/plain;charset=utf-8", "ok");
                } else {
                    ex.reply(404, "text/plain;charset=utf-8", "no such endpoint");
                }
            });
            auto* socket = new TimedTcpServer(m_front);
            socket->onRequest = [this] {
                QMutexLocker lock(&m_spanLock);
                ++m_serverRequests;
            };
            socket->onExchange = [this](qint64 startNs, qint64 endNs) {
                QMutexLocker lock(&m_spanLock);
                m_serverSpans.append({startNs, endNs});
            };
            if (!socket->listen(QHostAddress::LocalHost, 0))
                die(QStringLiteral("the sandbox cannot listen on loopback"));
            m_front->bind(socket);
            m_baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(socket->serverPort()));
            m_server->alipay().setBaseUrl(m_baseUrl);
            m_appKey = must(m_server->alipay().createApp(kAppId), "sandbox app");
            m_gatewayUrl = m_server->alipay().gatewayUrl();
            m_alipayPublicKey = m_server->alipay().alipayPublicKey();
        });

        // The till's side of the push path: a loopback receiver for the provider's
        // notification that verifies it and hands it to the engine, as the store backend's
        // relay would.
        m_receiver.route(
            QStringLiteral("/alipay/notify"), QHttpServerRequest::Method::Post,
            [this](const QHttpServerRequest& request) { return receiveNotification(request); });
        const quint16 receiverPort = m_receiver.listen(QHostAddress::LocalHost, 0);
        if (receiverPort == 0)
            die(QStringLiteral("the notification receiver cannot listen on loopback"));
        m_notifyUrl = QStringLiteral("http://127.0.0.1:%1/alipay/notify").arg(receiverPort);

        m_store = std::make_unique<OrderStore>(
            OrderStoreOptions{QStringLiteral("S01"), QStringLiteral("T01"), {}});
        must(m_store->open(QDir(m_dirPath).filePath(QStringLiteral("orders.db"))), "order store");
    }

    const crypto::RsaPrivateKey& appKey() const { return m_appKey; }

    // A fresh engine and client for one path: polls right away for the poll path; for the
    // push path, a notify_url and polls too slow to fire while a payment is measured.
    void makeEngine(Path path) {
        m_engine.reset();
        m_gateways.reset();
        alipay::AlipayClientSettings s;
        s.gatewayUrl = m_gatewayUrl;
        s.appId = kAppId;
        s.appPrivateKey = m_appKey;
        s.alipayPublicKey = m_alipayPublicKey;
        s.notifyUrl = path == Path::Push ? m_notifyUrl : QString();
        s.requestTimeout = std::chrono::milliseconds(5000);
        auto timed =
            std::make_unique<TimedGateway>(must(alipay::AlipayClient::create(s), "Alipay client"));
        m_gateway = timed.get();
        m_gateway->beforeQuery = [this](const QString& outTradeNo) {
            beforeQuery(outTradeNo);
        };
        m_gateways = std::make_unique<GatewayDirectory>();
        m_gateways->add(std::move(timed));

        CheckoutPolicy policy;
        policy.qrTimeoutS = 120;
        policy.poll.fastInterval =
            path == Path::Poll ? std::chrono::milliseconds(1) : std::chrono::milliseconds(60000);
        m_path = path;
        m_engine = std::make_unique<CheckoutEngine>(*m_store, *m_gateways, policy);
        QObject::connect(m_engine.get(), &CheckoutEngine::checkoutUpdated, m_engine.get(),
                         [this](const CheckoutUpdate& u) {
                             onUpdate(u);
                             poke();
                         });
        QObject::connect(m_engine.get(), &CheckoutEngine::orderChanged, m_engine.get(),
                         [this](const Order& o) {
                             onOrderChanged(o);
                             poke();
                         });
    }

    // One checkout from Charge to Paid.
    Sample checkout(int number) {
        m_current = Sample{};
        m_current.requestId = QStringLiteral("bench%1").arg(number);
        NewOrder order;
        order.channel = Channel::Alipay;
        order.flow = PaymentFlow::QrCode;
        order.amountFen = 1000 + number;
        order.subject = QStringLiteral("Bench coffee");
        order.cashierId = QStringLiteral("1001");

        m_current.startNs = nowNs();
        m_engine->startQr(m_current.requestId, order);
        waitUntil([this] { return m_current.pendingNs != 0 || m_current.finalPhase; },
                  "the QR and the Pending order");
        if (m_current.finalPhase && m_current.payNs == 0)
            die(QStringLiteral("checkout %1 ended before payment: %2")
                    .arg(m_current.requestId, checkoutPhaseName(*m_current.finalPhase)));
        if (m_path == Path::Push) {
            m_current.payNs = nowNs();
            buyerPays(m_current.outTradeNo);
            m_current.payDoneNs = nowNs();
        }
        // Poll path: the buyer pays in beforeQuery(), as the engine's first query leaves (the
        // checkout may be over already).
        waitUntil([this] { return m_current.finalPhase.has_value(); }, "the final state");
        if (*m_current.finalPhase != CheckoutPhase::Paid || m_current.paidNs == 0)
            die(QStringLiteral("checkout %1 ended %2, not paid")
                    .arg(m_current.requestId, checkoutPhaseName(*m_current.finalPhase)));
        attributeSandboxTime(m_current);
        return m_current;
    }

    // A bare loopback HTTP exchange (Qt's client and server, no crypto, no engine) of a
    // request-sized body, for scale.
    QList<double> bareExchanges(int count) {
        QNetworkAccessManager network;
        QUrl url = m_baseUrl;
        url.setPath(QStringLiteral("/bench/echo"));
        const QByteArray body(600, 'x');
        QList<double> times;
        for (int i = 0; i < count + kWarmUp; ++i) {
            QNetworkRequest request(url);
            request.setHeader(QNetworkRequest::ContentTypeHeader,
                              QByteArrayLiteral("application/x-www-form-urlencoded"));
            const qint64 t0 = nowNs();
            QNetworkReply* reply = network.post(request, body);
            QObject::connect(reply, &QNetworkReply::finished, reply, [] { poke(); });
            waitUntil([reply] { return reply->isFinished(); }, "a bare exchange");
            const qint64 t1 = nowNs();
            if (reply->error() != QNetworkReply::NoError)
                die(QStringLiteral("bare exchange: ") + reply->errorString());
            reply->deleteLater();
            if (i >= kWarmUp)
                times.append(ms(t1 - t0));
        }
        return times;
    }

    // The same exchange over one kept-alive QTcpSocket in this thread: what the loopback and
    // the server cost without Qt's HTTP client (which hands every request and answer across
    // to its own network thread and back).
    QList<double> rawSocketExchanges(int count) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, quint16(m_baseUrl.port()));
        if (!socket.waitForConnected(5000))
            die(QStringLiteral("raw exchange: cannot connect"));
        const QByteArray body(600, 'x');
        const QByteArray request =
            QByteArrayLiteral("POST /bench/echo HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              "Content-Type: application/x-www-form-urlencoded\r\n"
                              "Content-Length: ") +
            QByteArray::number(body.size()) + "\r\n\r\n" + body;
        QList<double> times;
        QByteArray answer;
        for (int i = 0; i < count + kWarmUp; ++i) {
            answer.clear();
            auto complete = [&answer] {
                const qsizetype end = answer.indexOf("\r\n\r\n");
                return end >= 0 && answer.size() >= end + 4 + 2; // "ok"
            };
            const qint64 t0 = nowNs();
            socket.write(request);
            auto conn = QObject::connect(&socket, &QTcpSocket::readyRead, &socket, [&] {
                answer += socket.readAll();
                poke();
            });
            waitUntil(complete, "a raw exchange");
            const qint64 t1 = nowNs();
            QObject::disconnect(conn);
            if (i >= kWarmUp)
                times.append(ms(t1 - t0));
        }
        return times;
    }

    // The client alone: a signed query of a paid order through the same AlipayClient, from
    // the call to the answer delivered (sign, HTTP both ways, the sandbox, verify the answer),
    // with no engine and no store. `before` runs ahead of each query (nothing, or a commit).
    struct Exchange {
        double totalMs = 0;
        double sandboxMs = 0;
    };
    QList<Exchange> clientQueries(const QString& outTradeNo, int count,
                                  const std::function<void()>& before) {
        QList<Exchange> times;
        for (int i = 0; i < count + kWarmUp; ++i) {
            if (before)
                before();
            bool answered = false;
            const qint64 t0 = nowNs();
            m_gateway->queryTrade(gateway::TradeRef{outTradeNo, {}}, nullptr,
                                  [&answered](gateway::GatewayResult<gateway::TradeSnapshot> r) {
                                      if (!r.isSuccess())
                                          die(QStringLiteral("a bare query failed"));
                                      answered = true;
                                      poke();
                                  });
            waitUntil([&answered] { return answered; }, "a bare query");
            const qint64 t1 = nowNs();
            const SpanSum handler = waitForSpans(t0, t1).handler;
            if (i >= kWarmUp)
                times.append({ms(t1 - t0), ms(handler.totalNs)});
        }
        return times;
    }

private:
    void onUpdate(const CheckoutUpdate& u) {
        if (u.requestId != m_current.requestId)
            return;
        if (m_current.outTradeNo.isEmpty())
            m_current.outTradeNo = u.outTradeNo;
        if (u.phase == CheckoutPhase::Waiting && !u.qrCode.isEmpty() && m_current.renderedNs == 0) {
            // What the payment dialog does with the update: encode and draw the QR.
            m_current.waitingNs = nowNs();
            const qr::QrCode code = must(qr::QrCode::encode(u.qrCode), "QR encode");
            m_current.encodedNs = nowNs();
            const QImage image = ui::renderQrImage(code, kQrSidePx);
            m_current.renderedNs = nowNs();
            if (image.isNull() || image.width() > kQrSidePx)
                die(QStringLiteral("the QR image is not usable"));
            m_current.createSentNs = m_gateway->createSentNs;
            m_current.createAnsweredNs = m_gateway->createAnsweredNs;
        }
        if (isFinalPhase(u.phase) && !m_current.finalPhase) {
            m_current.finalNs = nowNs();
            m_current.finalPhase = u.phase;
        }
    }

    // Emitted by the engine right after a transition is committed (and the order re-read).
    void onOrderChanged(const Order& o) {
        if (o.outTradeNo != m_current.outTradeNo)
            return;
        if (o.state == OrderState::Pending && m_current.pendingNs == 0)
            m_current.pendingNs = nowNs();
        if (o.state == OrderState::Paid && m_current.paidNs == 0) {
            m_current.paidNs = nowNs();
            m_current.querySentNs = m_gateway->querySentNs;
            m_current.queryAnsweredNs = m_gateway->queryAnsweredNs;
        }
    }

    // Poll path: the buyer pays just before the engine's first query leaves, so the time from
    // the query to Paid is the engine's own, not the poll schedule's wait.
    void beforeQuery(const QString& outTradeNo) {
        if (m_path != Path::Poll || outTradeNo != m_current.outTradeNo || m_current.payNs != 0)
            return;
        m_current.payNs = nowNs();
        buyerPays(outTradeNo);
        m_current.payDoneNs = nowNs();
    }

    // Runs `fn` on the sandbox's thread and waits for it.
    void onSandbox(const std::function<void()>& fn) {
        QMetaObject::invokeMethod(m_sandboxAnchor, fn, Qt::BlockingQueuedConnection);
    }

    void buyerPays(const QString& outTradeNo) {
        onSandbox(
            [this, outTradeNo] { must(m_server->alipay().buyerPay(outTradeNo), "buyer pays"); });
    }

    struct Span {
        qint64 startNs = 0;
        qint64 endNs = 0;
    };
    struct SpanSum {
        qint64 totalNs = 0;
        int count = 0;
        Span first;
    };
    struct Spans {
        SpanSum server;
        SpanSum handler;
    };

    // The sandbox's spans that started inside [fromNs, toNs]. Waits (briefly) until each
    // handled request's server span is complete: the sandbox thread records it once the
    // answer's last bytes left, which may be just after the client read them.
    Spans waitForSpans(qint64 fromNs, qint64 toNs) {
        auto sum = [fromNs, toNs](const QList<Span>& spans) {
            SpanSum r;
            for (const Span& s : spans) {
                if (s.startNs < fromNs || s.startNs > toNs)
                    continue;
                if (r.count++ == 0)
                    r.first = s;
                r.totalNs += s.endNs - s.startNs;
            }
            return r;
        };
        QDeadlineTimer deadline(1000);
        for (;;) {
            {
                QMutexLocker lock(&m_spanLock);
                if (m_serverSpans.size() >= m_serverRequests || deadline.hasExpired())
                    return {sum(m_serverSpans), sum(m_handlerSpans)};
            }
            QThread::yieldCurrentThread();
        }
    }

    void attributeSandboxTime(Sample& s) {
        const Spans qr = waitForSpans(s.startNs, s.renderedNs);
        s.qrServerNs = qr.server.totalNs;
        s.qrSandboxNs = qr.handler.totalNs;
        s.qrSandboxRequests = qr.handler.count;
        s.createArrivedNs = qr.handler.first.startNs;
        s.createLeftNs = qr.handler.first.endNs;
        const Spans pay = waitForSpans(s.payNs, s.paidNs);
        s.payServerNs = pay.server.totalNs;
        s.paySandboxNs = pay.handler.totalNs;
        s.paySandboxRequests = pay.handler.count;
        s.queryArrivedNs = pay.handler.first.startNs;
        s.queryLeftNs = pay.handler.first.endNs;
    }

    QHttpServerResponse receiveNotification(const QHttpServerRequest& request) {
        const qint64 receivedNs = nowNs();
        gateway::IncomingNotification incoming;
        incoming.body = request.body();
        for (const auto& [name, value] : request.headers())
            incoming.headers.insert(name.toLower(), value);
        const Result<gateway::PaymentNotification> verified = m_gateway->verifyNotification(
            incoming, [this](const QString& outTradeNo) -> std::optional<Order> {
                Result<Order> o = m_store->order(outTradeNo);
                return o ? std::optional<Order>(*o) : std::nullopt;
            });
        const qint64 verifiedNs = nowNs();
        if (verified && verified->outTradeNo == m_current.outTradeNo && m_current.receivedNs == 0) {
            m_current.receivedNs = receivedNs;
            m_current.verifiedNs = verifiedNs;
        }
        // Answered as accepted only once the engine recorded it, as the provider expects.
        bool recorded = verified.ok();
        if (verified && m_engine)
            recorded = m_engine->acceptNotification(*verified).ok();
        const gateway::NotificationReply reply = m_gateway->notificationReply(recorded);
        return QHttpServerResponse(reply.contentType, reply.body,
                                   static_cast<QHttpServerResponse::StatusCode>(reply.httpStatus));
    }

    QString m_dirPath;
    QThread m_sandboxThread;
    QObject* m_sandboxAnchor = nullptr; // lives on m_sandboxThread: the target of onSandbox()
    // Created, used and deleted on the sandbox thread.
    sandbox::SandboxServer* m_server = nullptr;
    sandbox::SandboxHttpServer* m_front = nullptr;
    QUrl m_gatewayUrl;
    crypto::RsaPublicKey m_alipayPublicKey;
    QMutex m_spanLock;
    QList<Span> m_serverSpans;      // the sandbox's side of each exchange
    QList<Span> m_handlerSpans;     // its /gateway.do handler, per request
    qsizetype m_serverRequests = 0; // requests whose first bytes were read
    QUrl m_baseUrl;
    QHttpServer m_receiver;
    QString m_notifyUrl;
    crypto::RsaPrivateKey m_appKey;
    std::unique_ptr<OrderStore> m_store;
    std::unique_ptr<GatewayDirectory> m_gateways;
    TimedGateway* m_gateway = nullptr;
    std::unique_ptr<CheckoutEngine> m_engine;
    Path m_path = Path::Poll;
    Sample m_current;
};

// The floor: one sign + one verify of a request-sized message + one durable commit (a
// one-row transaction on a WAL + synchronous=FULL database beside the order database), each
// round timed as a whole. The store's own createOrder (order, event, outbox, sequence in one
// durable transaction) is timed alongside for comparison.
struct FloorRound {
    double signMs = 0;
    double verifyMs = 0;
    double commitMs = 0;
    double totalMs = 0;
    double createOrderMs = 0;
};

class Floor {
public:
    Floor(const QString& dirPath, crypto::RsaPrivateKey key)
        : m_key(std::move(key))
        , m_store(OrderStoreOptions{QStringLiteral("S02"), QStringLiteral("T02"), {}}) {
        must(m_db.open(QDir(dirPath).filePath(QStringLiteral("floor.db"))), "floor database");
        must(m_db.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS commits (id INTEGER PRIMARY KEY, "
                                      "at_ms INTEGER NOT NULL, payload TEXT NOT NULL)")),
             "floor table");
        must(m_store.open(QDir(dirPath).filePath(QStringLiteral("floor-orders.db"))),
             "floor order store");
        // About the size of what the client signs for a precreate or a query.
        m_message.resize(600);
        for (qsizetype i = 0; i < m_message.size(); ++i)
            m_message[i] = static_cast<char>('a' + i % 26);
    }

    FloorRound measureOnce() {
        FloorRound r;
        const qint64 t0 = nowNs();
        const QByteArray signature = must(m_key.sign(m_message), "sign");
        const qint64 t1 = nowNs();
        must(m_key.publicKey().verify(m_message, signature), "verify");
        const qint64 t2 = nowNs();
        commitOneRow();
        const qint64 t3 = nowNs();
        NewOrder order;
        order.amountFen = 100;
        order.subject = QStringLiteral("Floor");
        order.cashierId = QStringLiteral("1001");
        must(m_store.createOrder(order), "createOrder");
        const qint64 t4 = nowNs();
        r.signMs = ms(t1 - t0);
        r.verifyMs = ms(t2 - t1);
        r.commitMs = ms(t3 - t2);
        r.totalMs = ms(t3 - t0);
        r.createOrderMs = ms(t4 - t3);
        return r;
    }

    void commitOneRow() {
        must(m_db.begin(), "begin");
        QSqlQuery insert(m_db.handle());
        insert.prepare(QStringLiteral("INSERT INTO commits (at_ms, payload) VALUES (?, ?)"));
        insert.bindValue(0, nowNs());
        insert.bindValue(1, QStringLiteral("paid"));
        if (!insert.exec())
            die(insert.lastError().text());
        must(m_db.commit(), "commit");
    }

private:
    crypto::RsaPrivateKey m_key;
    Database m_db;
    OrderStore m_store;
    QByteArray m_message;
};

QList<double> column(const QList<FloorRound>& rounds, double FloorRound::*field) {
    QList<double> values;
    for (const FloorRound& r : rounds)
        values.append(r.*field);
    return values;
}

template <typename F>
QList<double> collect(const QList<Sample>& samples, F f) {
    QList<double> values;
    for (const Sample& s : samples)
        values.append(f(s));
    return values;
}

// `withExchangeMs`: the floor plus one loopback exchange over a kept-alive raw socket.
void printRow(const char* name, const QList<double>& endToEnd, const QList<double>& share,
              const QList<double>& local, double floorMs, double withExchangeMs) {
    const Stats e = stats(endToEnd);
    const Stats s = stats(share);
    const Stats l = stats(local);
    std::printf("  %-25s %7.3f %7.3f  %7.3f  %7.3f %7.3f   %6.2fx  %6.2fx  %6.2fx  %6.2fx\n", name,
                e.median, e.p90, s.median, l.median, l.p90, e.median / floorMs, s.median / floorMs,
                l.median / floorMs, l.median / withExchangeMs);
}

void printStep(const char* name, const QList<double>& values) {
    const Stats s = stats(values);
    std::printf("      %-52s %7.3f %7.3f\n", name, s.median, s.p90);
}

// The machine's state, which decides how to read the figures: with more runnable work than
// CPUs, every wake-up (after each fsync, each cross-thread hand-over in Qt's HTTP stack) waits
// for a CPU, and that wait swamps both the floor and the paths.
void printMachine() {
    QFile loadFile(QStringLiteral("/proc/loadavg"));
    double load = -1;
    if (loadFile.open(QIODevice::ReadOnly))
        load = loadFile.readAll().split(' ').value(0).toDouble();
    const int cpus = QThread::idealThreadCount();
    const int policy = sched_getscheduler(0);
    std::printf("machine: %d CPUs, load average %.1f (1 min), scheduling %s\n", cpus, load,
                policy == SCHED_FIFO || policy == SCHED_RR ? "real-time" : "normal");
    if (load > cpus && policy != SCHED_FIFO && policy != SCHED_RR)
        std::printf("  note: busier than its CPUs: wake-ups wait for a CPU and inflate the floor "
                    "(fsync) and the paths\n"
                    "  alike, hiding the local overhead. Run on an idle machine, or under "
                    "`chrt -f 10`.\n");
}

} // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("qpos.*.info=false\nqpos.*.debug=false"));
    g_clock.start();

    // --idle-s N: the connection path's idle period (default 300 s, the real run);
    // --connection-only: only the connection path.
    WarmConnectionOptions connection;
    bool connectionOnly = false;
    const QStringList args = QCoreApplication::arguments();
    for (qsizetype i = 1; i < args.size(); ++i) {
        if (args.at(i) == u"--connection-only") {
            connectionOnly = true;
        } else if (args.at(i) == u"--idle-s" && i + 1 < args.size()) {
            bool ok = false;
            const int seconds = args.at(++i).toInt(&ok);
            if (!ok || seconds < 1)
                die(QStringLiteral("--idle-s takes a whole number of seconds, at least 1"));
            connection.idle = std::chrono::seconds(seconds);
        } else {
            die(QStringLiteral("usage: bench_checkout [--idle-s SECONDS] [--connection-only]"));
        }
    }

    // Same disk as the app's data would be on in a build tree run: the current directory.
    QTemporaryDir dir(QDir::current().filePath(QStringLiteral("bench-checkout-XXXXXX")));
    if (!dir.isValid())
        die(QStringLiteral("cannot make a temporary directory"));
    if (connectionOnly)
        return runWarmConnectionPath(connection, qPrintable(dir.path()));

    CheckoutBench bench(dir.path());
    bench.setUp();
    Floor floor(dir.path(), bench.appKey());

    std::printf("bench_checkout: CheckoutEngine + AlipayClient against the in-process sandbox, "
                "no latency;\n  %d checkouts per path after %d warm-up, times in ms\n",
                kRuns, kWarmUp);
    printMachine();
    std::printf("\n");
    std::fflush(stdout);

    // One floor round after every checkout, so the floor and the paths see the same load on a
    // shared machine; the ratios use the median of all rounds.
    for (int i = 0; i < kWarmUp; ++i)
        (void)floor.measureOnce();
    auto run = [&](Path path, int firstNumber, QList<Sample>* samples,
                   QList<FloorRound>* floorRounds) {
        bench.makeEngine(path);
        for (int i = 0; i < kRuns + kWarmUp; ++i) {
            Sample s = bench.checkout(firstNumber + i);
            if (i < kWarmUp)
                continue;
            samples->append(s);
            floorRounds->append(floor.measureOnce());
        }
    };
    QList<Sample> poll;
    QList<Sample> push;
    QList<FloorRound> pollFloor;
    QList<FloorRound> pushFloor;
    run(Path::Poll, 0, &poll, &pollFloor);
    run(Path::Push, kRuns + kWarmUp, &push, &pushFloor);
    QList<FloorRound> floorRounds = pollFloor + pushFloor;

    // References for scale: Qt's loopback HTTP alone, and the client alone.
    const Stats bare = stats(bench.bareExchanges(kRuns));
    const Stats raw = stats(bench.rawSocketExchanges(kRuns));
    // The client alone, back to back and right after a durable commit (as in a checkout, where
    // a commit precedes each exchange): shows what the machine adds after a commit.
    auto clientQueries = [&](const std::function<void()>& before, QList<double>* sandboxMs) {
        QList<double> total;
        for (const auto& q : bench.clientQueries(push.constLast().outTradeNo, kRuns, before)) {
            total.append(q.totalMs);
            sandboxMs->append(q.sandboxMs);
        }
        return stats(total);
    };
    QList<double> querySandboxMs;
    const Stats queries = clientQueries({}, &querySandboxMs);
    const Stats queriesAfterCommit =
        clientQueries([&floor] { floor.commitOneRow(); }, &querySandboxMs);

    const Stats floorTotal = stats(column(floorRounds, &FloorRound::totalMs));
    std::printf("floor: one RSA-2048 SHA256 sign + one verify (600-byte message) + one durable "
                "commit (a one-row\n"
                "      transaction, WAL, synchronous=FULL, beside the order database); one round "
                "after each checkout\n");
    std::printf("      %lld rounds: median %.3f ms, p90 %.3f ms = sign %.3f + verify %.3f + "
                "commit %.3f (medians)\n",
                static_cast<long long>(floorRounds.size()), floorTotal.median, floorTotal.p90,
                stats(column(floorRounds, &FloorRound::signMs)).median,
                stats(column(floorRounds, &FloorRound::verifyMs)).median,
                stats(column(floorRounds, &FloorRound::commitMs)).median);
    std::printf("      during the poll run %.3f ms, during the push run %.3f ms (medians)\n",
                stats(column(pollFloor, &FloorRound::totalMs)).median,
                stats(column(pushFloor, &FloorRound::totalMs)).median);
    std::printf("      for comparison, OrderStore::createOrder (order, event, outbox, sequence; "
                "one durable\n      transaction): median %.3f ms\n",
                stats(column(floorRounds, &FloorRound::createOrderMs)).median);
    std::printf("references: a bare loopback HTTP exchange (Qt client and server, no crypto): "
                "median %.3f ms, p90 %.3f\n",
                bare.median, bare.p90);
    std::printf("      the same over one kept-alive QTcpSocket in the engine's thread (no Qt "
                "HTTP client): median %.3f ms, p90 %.3f\n",
                raw.median, raw.p90);
    std::printf("      AlipayClient::queryTrade alone (no engine, no store), call to answer: "
                "median %.3f ms, p90 %.3f;\n"
                "      the same right after a durable commit: median %.3f ms, p90 %.3f; the "
                "sandbox's handler %.3f ms\n\n",
                queries.median, queries.p90, queriesAfterCommit.median, queriesAfterCommit.p90,
                stats(querySandboxMs).median);

    // End to end, the sandbox's share, local = end to end - sandbox share (per checkout).
    auto qrEnd = [](const Sample& s) {
        return ms(s.renderedNs - s.startNs);
    };
    auto qrShare = [](const Sample& s) {
        return ms(s.qrServerNs);
    };
    auto pollEnd = [](const Sample& s) {
        return ms(s.paidNs - s.querySentNs);
    };
    auto pollShare = [](const Sample& s) {
        return ms(s.payServerNs);
    };
    auto pushEnd = [](const Sample& s) {
        return ms(s.paidNs - s.payNs);
    };
    auto pushShare = [](const Sample& s) {
        return ms(s.payDoneNs - s.payNs + s.paySandboxNs);
    };
    QList<Sample> all = poll;
    all.append(push);

    const double withExchange = floorTotal.median + raw.median;
    std::printf("  %-25s %-15s  %-7s  %-15s   %s\n", "", "end to end", "sandbox", "local overhead",
                "median / floor; last: local / (floor + one raw-socket exchange)");
    std::printf("  %-25s %7s %7s  %7s  %7s %7s   %7s  %7s  %7s  %7s\n", "path", "median", "p90",
                "median", "median", "p90", "e2e", "sandbox", "local", "local'");
    printRow("Charge -> QR image ready", collect(all, qrEnd), collect(all, qrShare),
             collect(all, [&](const Sample& s) { return qrEnd(s) - qrShare(s); }),
             floorTotal.median, withExchange);
    printRow("payment -> Paid, poll", collect(poll, pollEnd), collect(poll, pollShare),
             collect(poll, [&](const Sample& s) { return pollEnd(s) - pollShare(s); }),
             floorTotal.median, withExchange);
    printRow("payment -> Paid, push", collect(push, pushEnd), collect(push, pushShare),
             collect(push, [&](const Sample& s) { return pushEnd(s) - pushShare(s); }),
             floorTotal.median, withExchange);
    std::printf("  target: local overhead <= 1.50x the floor; local' uses the floor plus one "
                "loopback exchange\n  over a kept-alive raw socket (%.3f + %.3f = %.3f ms)\n\n",
                floorTotal.median, raw.median, withExchange);

    std::printf("definitions\n"
                "  Charge -> QR: from CheckoutEngine::startQr() to the Waiting update's qr_code "
                "encoded (QrCode::encode)\n"
                "    and drawn at %d px (ui::renderQrImage); both runs, %lld checkouts.\n"
                "  poll: the buyer pays (sandbox buyerPay) just before the engine's first query "
                "is handed to the\n"
                "    client; measured from that hand-over to the Paid transition committed (the "
                "engine's\n"
                "    orderChanged). The wait for the poll schedule is policy, not overhead, and "
                "is left out.\n"
                "  push: from buyerPay() (which signs the notification and posts it to the "
                "notify_url) to Paid\n"
                "    committed; a loopback receiver verifies the notification "
                "(AlipayClient::verifyNotification)\n"
                "    and passes it to CheckoutEngine::acceptNotification; polls are 60 s apart "
                "and do not fire.\n"
                "  sandbox share: the simulated Alipay's side of each exchange, from the "
                "request's first bytes\n"
                "    read off its socket to the answer's last bytes handed to the kernel (its "
                "HTTP server, verifying\n"
                "    the request signature, trade rules, signing the answer), and for push its "
                "buyerPay() (trade\n"
                "    rules, signing and posting the notification). Everything else is local: "
                "the engine, the store,\n"
                "    the client's signing and verifying, Qt's HTTP client (and for push the "
                "receiving server), the QR.\n\n",
                kQrSidePx, static_cast<long long>(all.size()));

    std::printf("where the time goes (median, p90, ms)\n");
    std::printf("  Charge -> QR\n");
    printStep("startQr -> request handed to the client (createOrder)",
              collect(all, [](const Sample& s) { return ms(s.createSentNs - s.startNs); }));
    printStep(
        "precreate exchange (sign, HTTP, sandbox, verify answer)",
        collect(all, [](const Sample& s) { return ms(s.createAnsweredNs - s.createSentNs); }));
    printStep("  hand-over -> sandbox handler starts",
              collect(all, [](const Sample& s) { return ms(s.createArrivedNs - s.createSentNs); }));
    printStep("  the sandbox's side (its HTTP server and handler)", collect(all, qrShare));
    printStep("    of which its handler",
              collect(all, [](const Sample& s) { return ms(s.qrSandboxNs); }));
    printStep("  handler ends -> answer delivered to the engine", collect(all, [](const Sample& s) {
                  return ms(s.createAnsweredNs - s.createLeftNs);
              }));
    printStep("answer -> Waiting update published",
              collect(all, [](const Sample& s) { return ms(s.waitingNs - s.createAnsweredNs); }));
    printStep("QR encode (libqrencode)",
              collect(all, [](const Sample& s) { return ms(s.encodedNs - s.waitingNs); }));
    printStep("QR render (320 px QImage)",
              collect(all, [](const Sample& s) { return ms(s.renderedNs - s.encodedNs); }));
    printStep("(after) render -> Pending committed",
              collect(all, [](const Sample& s) { return ms(s.pendingNs - s.renderedNs); }));
    std::printf("  payment -> Paid, poll\n");
    printStep("query exchange (sign, HTTP, sandbox, verify answer)",
              collect(poll, [](const Sample& s) { return ms(s.queryAnsweredNs - s.querySentNs); }));
    printStep("  hand-over -> sandbox handler starts",
              collect(poll, [](const Sample& s) { return ms(s.queryArrivedNs - s.querySentNs); }));
    printStep("  the sandbox's side (its HTTP server and handler)", collect(poll, pollShare));
    printStep("    of which its handler",
              collect(poll, [](const Sample& s) { return ms(s.paySandboxNs); }));
    printStep("  handler ends -> answer delivered to the engine",
              collect(poll, [](const Sample& s) { return ms(s.queryAnsweredNs - s.queryLeftNs); }));
    printStep("answer -> Paid committed",
              collect(poll, [](const Sample& s) { return ms(s.paidNs - s.queryAnsweredNs); }));
    printStep("(after) Paid committed -> final update published",
              collect(poll, [](const Sample& s) { return ms(s.finalNs - s.paidNs); }));
    std::printf("  payment -> Paid, push\n");
    printStep("sandbox buyerPay (trade rules, sign notification, post)",
              collect(push, [](const Sample& s) { return ms(s.payDoneNs - s.payNs); }));
    printStep("notification in flight (Qt HTTP both ends)",
              collect(push, [](const Sample& s) { return ms(s.receivedNs - s.payDoneNs); }));
    printStep("verifyNotification (signature, order lookup)",
              collect(push, [](const Sample& s) { return ms(s.verifiedNs - s.receivedNs); }));
    printStep("acceptNotification -> Paid committed",
              collect(push, [](const Sample& s) { return ms(s.paidNs - s.verifiedNs); }));
    printStep("(after) Paid committed -> final update published",
              collect(push, [](const Sample& s) { return ms(s.finalNs - s.paidNs); }));

    // The windows must hold exactly the exchanges they are meant to.
    int odd = 0;
    for (const Sample& s : all)
        odd += s.qrSandboxRequests != 1;
    for (const Sample& s : poll)
        odd += s.paySandboxRequests != 1;
    for (const Sample& s : push)
        odd += s.paySandboxRequests != 0 || s.receivedNs == 0;
    if (odd > 0)
        std::printf("\nnote: %d checkouts had other sandbox requests inside a measured window\n",
                    odd);
    return runWarmConnectionPath(connection, qPrintable(dir.path()));
}
