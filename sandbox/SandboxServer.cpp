#include "sandbox/SandboxServer.h"

#include "core/logging/LogCategories.h"
#include "sandbox/alipay/AlipayControlApi.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/control/ConnectionControlApi.h"
#include "sandbox/control/ControlApiSupport.h"
#include "sandbox/control/FaultControlApi.h"
#include "sandbox/http/SandboxHttpServer.h"
#include "sandbox/http/SandboxListener.h"
#include "sandbox/support/KeyFile.h"
#include "sandbox/tls/SandboxCa.h"
#include "sandbox/wechat/WechatControlApi.h"
#include "sandbox/wechat/WechatSimulator.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QTimer>

namespace qpos::sandbox {

SandboxServer::SandboxServer(SandboxOptions options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_connection(m_options.connection) {
    if (m_options.faultSeed)
        m_faults.setSeed(*m_options.faultSeed);
}

SandboxServer::~SandboxServer() {
    // The HTTP server first: no request may reach a simulator being destroyed.
    delete m_http;
    m_http = nullptr;
    delete m_alipay;
    m_alipay = nullptr;
    delete m_wechat;
    m_wechat = nullptr;
}

Status SandboxServer::initialize() {
    if (m_alipay)
        return Status::success();
    Result<crypto::RsaPrivateKey> alipayKey =
        loadOrCreateKey(m_options.keyDir, QStringLiteral("alipay"));
    if (!alipayKey)
        return alipayKey.error();
    Result<crypto::RsaPrivateKey> wechatKey =
        loadOrCreateKey(m_options.keyDir, QStringLiteral("wechatpay"));
    if (!wechatKey)
        return wechatKey.error();
    m_alipay = new AlipaySimulator(*alipayKey, m_faults, this);
    m_alipay->setOptions(m_options.alipay);
    m_wechat = new WechatSimulator(*wechatKey, m_faults, this);
    m_wechat->setOptions(m_options.wechat);
    return Status::success();
}

Status SandboxServer::listen(const QHostAddress& address, quint16 port) {
    if (Status s = initialize(); !s)
        return s;
    if (!m_http)
        m_http = new SandboxHttpServer([this](HttpExchange e) { route(e); }, this);
    if (Status s = bindListener(address, port); !s)
        return s;
    m_alipay->setBaseUrl(baseUrl());
    m_wechat->setBaseUrl(baseUrl());
    qCInfo(lcSandbox).noquote() << "sandbox listening on" << baseUrl().toString();
    return Status::success();
}

Status SandboxServer::bindListener(const QHostAddress& address, quint16 port) {
    QTcpServer* listener = nullptr;
    if (m_connection.https) {
        Result<SandboxTlsIdentity> identity = loadOrCreateTlsIdentity(m_options.keyDir);
        if (!identity)
            return identity.error();
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setLocalCertificateChain({identity->server, identity->ca});
        tls.setPrivateKey(identity->serverKey);
        // The sandbox asks no client certificate, as the providers' APIs do not.
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        m_ca = identity->ca;
        listener = new TlsListener(tls, &m_connection, &m_counts, this);
    } else {
        listener = new TcpListener(&m_connection, &m_counts, this);
    }
    if (!listener->listen(address, port)) {
        delete listener;
        return Error{QStringLiteral("sandbox.listen"),
                     QCoreApplication::translate("qpos::sandbox::SandboxServer",
                                                 "The sandbox cannot listen on %1 port %2; is "
                                                 "another program using it?")
                         .arg(address.toString())
                         .arg(port)};
    }
    m_http->bind(listener);
    m_address = address;
    m_port = listener->serverPort();
    return Status::success();
}

void SandboxServer::setConnectionDelays(int setupDelayMs, int exchangeDelayMs) {
    m_connection.setupDelayMs = setupDelayMs;
    m_connection.exchangeDelayMs = exchangeDelayMs;
}

bool SandboxServer::isListening() const {
    return m_port != 0;
}

quint16 SandboxServer::port() const {
    return m_port;
}

QUrl SandboxServer::baseUrl() const {
    QUrl url;
    url.setScheme(m_connection.https ? QStringLiteral("https") : QStringLiteral("http"));
    url.setHost(m_address.isNull() || m_address == QHostAddress::Any ||
                        m_address == QHostAddress::AnyIPv4
                    ? QStringLiteral("127.0.0.1")
                    : m_address.toString());
    url.setPort(m_port);
    return url;
}

AlipaySimulator& SandboxServer::alipay() {
    Q_ASSERT_X(m_alipay, "SandboxServer::alipay", "call initialize() or listen() first");
    return *m_alipay;
}

WechatSimulator& SandboxServer::wechat() {
    Q_ASSERT_X(m_wechat, "SandboxServer::wechat", "call initialize() or listen() first");
    return *m_wechat;
}

void SandboxServer::route(const HttpExchange& ex) {
    ++m_counts.requests;
    if (m_connection.exchangeDelayMs <= 0)
        return dispatch(ex);
    QTimer::singleShot(m_connection.exchangeDelayMs, this, [this, ex] { dispatch(ex); });
}

void SandboxServer::dispatch(const HttpExchange& ex) {
    QElapsedTimer own;
    own.start();
    struct CountOwnTime {
        QElapsedTimer& timer;
        qint64& total;
        ~CountOwnTime() { total += timer.nsecsElapsed(); }
    } count{own, m_counts.handlingNs};
    if (!ex.isOpen())
        return; // the client went away during the delay
    const QString path = ex.path();
    qCDebug(lcSandbox).noquote() << ex.method() << path;
    if (path == u"/gateway.do")
        return m_alipay->handleGateway(ex);
    if (path == u"/downloadBillFile.resource")
        return m_alipay->handleBillDownload(ex);
    if (path.startsWith(u"/v3/"))
        return m_wechat->handleApi(ex);
    if (path == u"/sandbox/faults" || path.startsWith(u"/sandbox/faults/"))
        return fault_control::handle(m_faults, ex);
    if (path == u"/sandbox/alipay" || path.startsWith(u"/sandbox/alipay/"))
        return alipay_control::handle(*m_alipay, ex);
    if (path == u"/sandbox/wechat" || path.startsWith(u"/sandbox/wechat/"))
        return wechat_control::handle(*m_wechat, ex);
    if (path == u"/sandbox/connection")
        return connection_control::handle(*this, ex);
    if ((path == u"/" || path == u"/sandbox") && ex.method() == "GET")
        return control_api::replyObject(
            ex, 200,
            QJsonObject{{QStringLiteral("base_url"), baseUrl().toString()},
                        {QStringLiteral("alipay"), alipay_control::overview(*m_alipay)},
                        {QStringLiteral("wechat"), wechat_control::overview(*m_wechat)},
                        {QStringLiteral("faults"), fault_control::rulesJson(m_faults)},
                        {QStringLiteral("connection"), connection_control::overview(*this)}});
    control_api::replyError(ex, 404, QStringLiteral("sandbox.no_endpoint"),
                            QStringLiteral("No endpoint %1; see docs/sandbox.md.").arg(path));
}

} // namespace qpos::sandbox
