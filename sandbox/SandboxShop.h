#pragma once

#include "core/checkout/BuyerSimulator.h"
#include "core/common/Result.h"
#include "core/crypto/RsaPrivateKey.h"
#include "core/gateways/alipay/AlipayClientSettings.h"
#include "core/gateways/wechat/WechatClientSettings.h"
#include "sandbox/alipay/AlipayOptions.h"
#include "sandbox/faults/FaultRule.h"
#include "sandbox/http/ConnectionOptions.h"
#include "sandbox/wechat/WechatMerchant.h"
#include "sandbox/wechat/WechatOptions.h"

#include <QSemaphore>
#include <QSslCertificate>
#include <QString>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>
#include <thread>

class QEventLoop;
class QObject;
class QThread;

namespace qpos::sandbox {

class SandboxBuyer;
class SandboxServer;

struct SandboxShopOptions {
    // Where the simulated providers keep their keys; empty: fresh keys in memory.
    QString keyDir;
    AlipayOptions alipay;
    WechatOptions wechat;
    std::optional<quint32> faultSeed;
    // The demo shop's Alipay app, registered with a fresh key pair at every start.
    QString alipayAppId = QStringLiteral("2021000000000001");
    // The demo shop's WeChat Pay merchant, registered with fresh keys (and APIv3 key) at every
    // start, without a notify URL.
    QString wechatMchId = QStringLiteral("1900000109");
    QString wechatAppId = QStringLiteral("wx8888888888888888");
    // 0: any free port on 127.0.0.1.
    quint16 port = 0;
    // HTTPS with the sandbox's own CA, and the delays standing in for a provider's distance.
    ConnectionOptions connection;
    // The longest start() waits for the keys and the listening socket.
    int startTimeoutMs = 20000;
};

// A complete demo shop in-process (`qpos --sandbox`): the sandbox's simulated providers on a
// thread of their own (their RSA signing never competes with the GUI thread), listening on
// loopback, with a demo Alipay app and a demo WeChat Pay merchant whose keys the till uses. Needs
// no account, network or files. Destroying it stops the server and its thread; it must outlive
// every client and BuyerSimulator reference made from it.
class SandboxShop {
public:
    // Starts the thread, makes the keys (about a tenth of a second) and listens; blocks the
    // caller until then, at most options.startTimeoutMs. Fails with a translated message
    // ("sandbox.listen", "sandbox.start_timeout", or a key error).
    static Result<std::unique_ptr<SandboxShop>> start(SandboxShopOptions options = {});
    ~SandboxShop();

    SandboxShop(const SandboxShop&) = delete;
    SandboxShop& operator=(const SandboxShop&) = delete;

    // "http://127.0.0.1:PORT" (https:// when serving HTTPS): the gateway, the control API
    // under /sandbox.
    QUrl baseUrl() const { return m_baseUrl; }
    // The CA the HTTPS certificate is signed by; null with plain HTTP. The client settings
    // below already trust it.
    QSslCertificate caCertificate() const { return m_ca; }
    ConnectionCounts connectionCounts() const;
    void setConnectionDelays(int setupDelayMs, int exchangeDelayMs);
    QString alipayAppId() const { return m_appId; }
    // What the till's AlipayClient needs: loopback gateway, the demo app id and private key,
    // the sandbox's Alipay public key, the sandbox's CA when serving HTTPS, no notify URL; other
    // fields keep their defaults.
    alipay::AlipayClientSettings alipaySettings() const;
    QString wechatMchId() const { return m_wechat.mchId; }
    // What the till's WechatClient needs: loopback gateway, the demo merchant's mchid, appid,
    // private key, serial and APIv3 key, the sandbox's WeChat Pay public key and its id, no
    // notify URL, the sandbox's CA when serving HTTPS; other fields keep their defaults.
    wechat::WechatClientSettings wechatSettings() const;

    // The simulated buyer for the SANDBOX banner; callable from any thread.
    checkout::BuyerSimulator& buyer();

    // Thread-safe control for tests and benchmarks. Each call runs on the sandbox thread and
    // returns when it is done there, so the next request sees the change.
    int addFault(const FaultRule& rule); // the id given to it
    void clearFaults();
    AlipayOptions alipayOptions() const;
    void setAlipayOptions(const AlipayOptions& options);
    WechatOptions wechatOptions() const;
    void setWechatOptions(const WechatOptions& options);
    // Runs `fn` on the sandbox thread with the server and waits for it (inspecting trades,
    // driving the simulator). `fn` must not wait for the calling thread.
    void withServer(const std::function<void(SandboxServer&)>& fn) const;

private:
    SandboxShop() = default;
    // The sandbox thread's whole life: start, serve until the destructor quits, clean up.
    void run(SandboxShopOptions options);
    Status startOnThread(const SandboxShopOptions& options);

    // A std::thread, joined: unlike a QThread (detached) it has released its thread-local
    // state (OpenSSL's, Qt's) when the destructor returns, so nothing is left for a leak
    // checker at exit.
    std::thread m_worker;
    QSemaphore m_ready; // released once the start is done, failed or not
    bool m_readyTaken = false;
    Status m_startStatus; // written on the sandbox thread before m_ready is released

    // Set on the sandbox thread before m_ready is released; fixed afterwards.
    QThread* m_thread = nullptr;
    QEventLoop* m_loop = nullptr;
    QObject* m_anchor = nullptr;       // the target of every call posted to the sandbox thread
    SandboxServer* m_server = nullptr; // created, used and deleted on the sandbox thread
    std::unique_ptr<SandboxBuyer> m_buyer;

    // Fixed once started, then read from any thread.
    QUrl m_baseUrl;
    QSslCertificate m_ca;
    QUrl m_gatewayUrl;
    QString m_appId;
    QString m_alipaySellerId;
    crypto::RsaPrivateKey m_appKey;
    crypto::RsaPublicKey m_alipayPublicKey;
    WechatMerchantCredentials m_wechat;
    QString m_wechatKeyId;
    crypto::RsaPublicKey m_wechatPublicKey;
};

} // namespace qpos::sandbox
