#pragma once

#include "core/common/Result.h"
#include "sandbox/alipay/AlipayOptions.h"
#include "sandbox/faults/FaultPlan.h"
#include "sandbox/http/ConnectionOptions.h"
#include "sandbox/wechat/WechatOptions.h"

#include <QHostAddress>
#include <QObject>
#include <QSslCertificate>
#include <QUrl>

#include <memory>
#include <optional>

namespace qpos::sandbox {

class AlipaySimulator;
class HttpExchange;
class SandboxHttpServer;
class WechatSimulator;

struct SandboxOptions {
    // Where the simulated providers keep their private keys (made on first start). Empty:
    // fresh keys in memory for this run only.
    QString keyDir;
    AlipayOptions alipay;
    WechatOptions wechat;
    // Seed for probabilistic faults (reproducible runs); random when unset.
    std::optional<quint32> faultSeed;
    // HTTPS with the sandbox's CA (kept in keyDir as sandbox-ca.pem), and the delays.
    ConnectionOptions connection;
};

// The simulated payment providers on one loopback HTTP or HTTPS port: embed it (the GUI's
// --sandbox) or run it as qpos-sandbox. Construct, listen(), read baseUrl(), register apps, then
// drive it through the C++ API (alipay(), faults()) or the HTTP control API under /sandbox.
class SandboxServer : public QObject {
    Q_OBJECT

public:
    explicit SandboxServer(SandboxOptions options = {}, QObject* parent = nullptr);
    ~SandboxServer() override;

    // Loads (or makes) the providers' keys; listen() does it when not done yet.
    Status initialize();
    // Port 0 picks a free port. Never blocks beyond binding the socket.
    Status listen(const QHostAddress& address = QHostAddress::LocalHost, quint16 port = 0);
    bool isListening() const;
    quint16 port() const;
    // "http://127.0.0.1:PORT", or https:// when serving HTTPS
    QUrl baseUrl() const;
    // The CA that signed the HTTPS certificate (null when serving plain HTTP): what a client
    // must trust, and only a sandbox client.
    QSslCertificate caCertificate() const { return m_ca; }

    const ConnectionOptions& connectionOptions() const { return m_connection; }
    // Changes the delays; `https` is fixed once listening.
    void setConnectionDelays(int setupDelayMs, int exchangeDelayMs);
    const ConnectionCounts& connectionCounts() const { return m_counts; }

    // Valid after initialize() / listen().
    AlipaySimulator& alipay();
    WechatSimulator& wechat();
    FaultPlan& faults() { return m_faults; }

private:
    // After the exchange delay, dispatch() with the handler's own time counted.
    void route(const HttpExchange& exchange);
    void dispatch(const HttpExchange& exchange);
    Status bindListener(const QHostAddress& address, quint16 port);

    SandboxOptions m_options;
    FaultPlan m_faults;
    AlipaySimulator* m_alipay = nullptr;
    WechatSimulator* m_wechat = nullptr;
    SandboxHttpServer* m_http = nullptr;
    ConnectionOptions m_connection;
    ConnectionCounts m_counts;
    QSslCertificate m_ca;
    QHostAddress m_address;
    quint16 m_port = 0;
};

} // namespace qpos::sandbox
