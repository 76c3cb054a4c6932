#include "sandbox/SandboxShop.h"

#include "core/logging/LogCategories.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/SandboxBuyer.h"
#include "sandbox/SandboxServer.h"
#include "sandbox/wechat/WechatSimulator.h"

#include <QCoreApplication>
#include <QEvent>
#include <QEventLoop>
#include <QHostAddress>
#include <QMetaObject>
#include <QObject>
#include <QThread>

namespace qpos::sandbox {

Result<std::unique_ptr<SandboxShop>> SandboxShop::start(SandboxShopOptions options) {
    std::unique_ptr<SandboxShop> shop(new SandboxShop);
    const int timeoutMs = options.startTimeoutMs;
    shop->m_worker = std::thread(&SandboxShop::run, shop.get(), std::move(options));
    shop->m_readyTaken = shop->m_ready.tryAcquire(1, timeoutMs);
    if (!shop->m_readyTaken)
        // The destructor waits for the start to end (key generation cannot be interrupted),
        // then stops the thread.
        return Error{QStringLiteral("sandbox.start_timeout"),
                     QCoreApplication::translate(
                         "qpos::sandbox::SandboxShop",
                         "The demo shop did not start within %1 seconds. Close other programs "
                         "and start the till again.")
                         .arg(timeoutMs / 1000)};
    if (!shop->m_startStatus)
        return shop->m_startStatus.error();
    shop->m_buyer =
        std::make_unique<SandboxBuyer>(shop->m_server->alipay(), shop->m_server->wechat());
    qCInfo(lcSandbox).noquote() << "demo shop ready at" << shop->m_baseUrl.toString()
                                << "with Alipay app" << shop->m_appId << "and WeChat Pay merchant"
                                << shop->m_wechat.mchId;
    return shop;
}

void SandboxShop::run(SandboxShopOptions options) {
    QEventLoop loop; // gives this thread Qt's event dispatcher
    QObject anchor;
    m_thread = QThread::currentThread();
    m_thread->setObjectName(QStringLiteral("qpos-sandbox"));
    m_loop = &loop;
    m_anchor = &anchor;
    m_startStatus = startOnThread(options);
    m_ready.release();
    loop.exec();

    // After the destructor's last call, or after a start that failed.
    delete m_server;
    m_server = nullptr;
    // What the server's sockets left to deleteLater().
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
}

Status SandboxShop::startOnThread(const SandboxShopOptions& options) {
    SandboxOptions serverOptions;
    serverOptions.keyDir = options.keyDir;
    serverOptions.alipay = options.alipay;
    serverOptions.wechat = options.wechat;
    serverOptions.faultSeed = options.faultSeed;
    serverOptions.connection = options.connection;
    m_server = new SandboxServer(serverOptions);
    if (Status s = m_server->listen(QHostAddress::LocalHost, options.port); !s)
        return s;
    Result<crypto::RsaPrivateKey> appKey = m_server->alipay().createApp(options.alipayAppId);
    if (!appKey)
        return appKey.error();
    m_baseUrl = m_server->baseUrl();
    m_ca = m_server->caCertificate();
    m_gatewayUrl = m_server->alipay().gatewayUrl();
    m_appId = options.alipayAppId;
    for (const AlipayApp& app : m_server->alipay().apps()) {
        if (app.appId == m_appId)
            m_alipaySellerId = app.pid;
    }
    m_appKey = *appKey;
    m_alipayPublicKey = m_server->alipay().alipayPublicKey();
    Result<WechatMerchantCredentials> merchant =
        m_server->wechat().createMerchant(options.wechatMchId, options.wechatAppId);
    if (!merchant)
        return merchant.error();
    m_wechat = *merchant;
    m_wechatKeyId = m_server->wechat().platformKeyId();
    m_wechatPublicKey = m_server->wechat().platformPublicKey();
    return Status::success();
}

SandboxShop::~SandboxShop() {
    if (!m_worker.joinable())
        return;
    if (!m_readyTaken)
        m_ready.acquire(); // a start that timed out: m_anchor and m_loop are set once it ends
    m_buyer.reset();
    // Queued behind every call posted before: the server goes first (its sockets and timers
    // live on that thread), then the loop ends and the thread cleans up and returns.
    QMetaObject::invokeMethod(
        m_anchor,
        [this] {
            delete m_server;
            m_server = nullptr;
            m_loop->quit();
        },
        Qt::QueuedConnection);
    m_worker.join();
}

alipay::AlipayClientSettings SandboxShop::alipaySettings() const {
    alipay::AlipayClientSettings s;
    s.gatewayUrl = m_gatewayUrl;
    s.appId = m_appId;
    s.appPrivateKey = m_appKey;
    s.alipayPublicKey = m_alipayPublicKey;
    s.sellerId = m_alipaySellerId;
    // The simulated bill host serves plain http on loopback, as Alipay's bill host does.
    s.billHttpHosts = {m_gatewayUrl.host()};
    if (!m_ca.isNull())
        s.connection.extraCaCertificates = {m_ca};
    return s;
}

wechat::WechatClientSettings SandboxShop::wechatSettings() const {
    wechat::WechatClientSettings s;
    s.gatewayUrl = m_baseUrl;
    s.mchId = m_wechat.mchId;
    s.appId = m_wechat.appId;
    s.merchantPrivateKey = m_wechat.privateKey;
    s.merchantSerialNo = m_wechat.serialNo;
    s.apiV3Key = m_wechat.apiV3Key;
    s.platformKeys = {wechat::WechatPlatformKey{m_wechatKeyId, m_wechatPublicKey, {}}};
    // WeChat requires a notify_url with every Native order. The demo shop settles by querying:
    // the sandbox notifies its registered merchants only, and the demo merchant has none.
    s.notifyUrl = m_baseUrl.resolved(QUrl(QStringLiteral("/demo-shop/notify/wechat"))).toString();
    if (!m_ca.isNull())
        s.connection.extraCaCertificates = {m_ca};
    return s;
}

checkout::BuyerSimulator& SandboxShop::buyer() {
    return *m_buyer;
}

void SandboxShop::withServer(const std::function<void(SandboxServer&)>& fn) const {
    SandboxServer* server = m_server;
    if (QThread::currentThread() == m_thread) {
        fn(*server);
        return;
    }
    QMetaObject::invokeMethod(
        m_anchor, [server, &fn] { fn(*server); }, Qt::BlockingQueuedConnection);
}

int SandboxShop::addFault(const FaultRule& rule) {
    int id = 0;
    withServer([&](SandboxServer& server) { id = server.faults().add(rule); });
    return id;
}

ConnectionCounts SandboxShop::connectionCounts() const {
    ConnectionCounts counts;
    withServer([&](SandboxServer& server) { counts = server.connectionCounts(); });
    return counts;
}

void SandboxShop::setConnectionDelays(int setupDelayMs, int exchangeDelayMs) {
    withServer(
        [&](SandboxServer& server) { server.setConnectionDelays(setupDelayMs, exchangeDelayMs); });
}

void SandboxShop::clearFaults() {
    withServer([](SandboxServer& server) { server.faults().clear(); });
}

AlipayOptions SandboxShop::alipayOptions() const {
    AlipayOptions options;
    withServer([&](SandboxServer& server) { options = server.alipay().options(); });
    return options;
}

void SandboxShop::setAlipayOptions(const AlipayOptions& options) {
    withServer([&](SandboxServer& server) { server.alipay().setOptions(options); });
}

WechatOptions SandboxShop::wechatOptions() const {
    WechatOptions options;
    withServer([&](SandboxServer& server) { options = server.wechat().options(); });
    return options;
}

void SandboxShop::setWechatOptions(const WechatOptions& options) {
    withServer([&](SandboxServer& server) { server.wechat().setOptions(options); });
}

} // namespace qpos::sandbox
