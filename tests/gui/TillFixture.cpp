#include "tests/gui/TillFixture.h"

#include "core/config/AppConfig.h"
#include "core/gateways/alipay/AlipayClient.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "tests/support/CrossThreadSignalSpy.h"
#include "tests/support/WaitUntil.h"

#include <QCoreApplication>
#include <QSignalSpy>
#include <QTest>
#include <QUuid>

namespace qpos::test {

namespace {

const QString kAppId = QStringLiteral("2021000000000888");

QString newId() {
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

} // namespace

TillFixture::TillFixture() = default;

TillFixture::~TillFixture() {
    m_till.reset(); // the gateways talk to the server: stop them first
    m_server.reset();
}

bool TillFixture::start(const std::function<void(AppConfig&)>& configure) {
    if (!m_dir.isValid())
        return false;
    sandbox::SandboxOptions sandboxOptions;
    sandboxOptions.keyDir = m_dir.filePath(QStringLiteral("sandbox-keys"));
    sandboxOptions.faultSeed = 11;
    m_server = std::make_unique<sandbox::SandboxServer>(sandboxOptions);
    if (Status listening = m_server->listen(QHostAddress::LocalHost, 0); !listening) {
        qWarning("sandbox: %s", qPrintable(listening.error().message));
        return false;
    }
    Result<crypto::RsaPrivateKey> key = m_server->alipay().createApp(kAppId);
    if (!key) {
        qWarning("app key: %s", qPrintable(key.error().message));
        return false;
    }
    m_appKey = *key;

    service::PosOptions options;
    options.config = productionDefaults(m_dir.path());
    options.config.store.id = QStringLiteral("S01");
    options.config.terminal.id = QStringLiteral("T01");
    options.config.store.name = QStringLiteral("Test shop");
    options.policy.poll.fastInterval = std::chrono::milliseconds(100);
    options.policy.settleRetry = std::chrono::milliseconds(200);
    if (configure)
        configure(options.config);
    alipay::AlipayClientSettings settings;
    settings.gatewayUrl = m_server->alipay().gatewayUrl();
    settings.appId = kAppId;
    settings.appPrivateKey = m_appKey;
    settings.alipayPublicKey = m_server->alipay().alipayPublicKey();
    settings.requestTimeout = std::chrono::milliseconds(2000);
    settings.retry.maxAttempts = 2;
    settings.retry.initialBackoff = std::chrono::milliseconds(20);
    settings.retry.maxBackoff = std::chrono::milliseconds(50);
    settings.retry.deadline = std::chrono::milliseconds(3000);
    settings.breaker.failureThreshold = 1000;
    options.makeGateways = [settings]() -> Result<service::GatewayList> {
        Result<std::unique_ptr<alipay::AlipayClient>> client =
            alipay::AlipayClient::create(settings);
        if (!client)
            return client.error();
        service::GatewayList list;
        list.push_back(std::move(client).value());
        return list;
    };
    m_till = std::make_unique<service::PosService>(std::move(options));
    test::CrossThreadSignalSpy ready(m_till.get(), &service::PosService::ready);
    m_till->start();
    if (!ready.wait(kUiWaitMs)) {
        qWarning("the till did not become ready");
        return false;
    }
    const auto reply = ready.first().first().value<service::PosReady>();
    if (!reply.error.isEmpty()) {
        qWarning("till: %s", qPrintable(reply.error));
        return false;
    }
    return saveStaff(StaffMember{kManagerId, QStringLiteral("Mia Manager"), StaffRole::Manager},
                     kManagerPin) &&
           saveStaff(StaffMember{kCashierId, QStringLiteral("Cai Cashier"), StaffRole::Cashier},
                     kCashierPin);
}

bool TillFixture::saveStaff(const StaffMember& member, const QString& pin) {
    // Answers are taken in this thread (queued), in the order every screen sees them.
    QObject context;
    const QString id = newId();
    std::optional<QString> error;
    QObject::connect(m_till.get(), &service::PosService::staffSaved, &context,
                     [&](const QString& requestId, const QString& message) {
                         if (requestId == id)
                             error = message;
                     });
    m_till->saveStaff(id, member, pin);
    if (!waitUntil([&] { return error.has_value(); })) {
        qWarning("staff not saved");
        return false;
    }
    if (!error->isEmpty()) {
        qWarning("staff: %s", qPrintable(*error));
        return false;
    }
    return true;
}

std::optional<Order> TillFixture::waitingOrder(money::Fen amountFen) {
    QObject context;
    const QString id = newId();
    QString outTradeNo;
    QObject::connect(m_till.get(), &service::PosService::checkoutUpdated, &context,
                     [&](const checkout::CheckoutUpdate& update) {
                         if (update.requestId == id &&
                             update.phase == checkout::CheckoutPhase::Waiting)
                             outTradeNo = update.outTradeNo;
                     });
    NewOrder order;
    order.channel = Channel::Alipay;
    order.flow = PaymentFlow::QrCode;
    order.amountFen = amountFen;
    order.subject = QStringLiteral("Test sale %1").arg(++m_sequence);
    order.cashierId = kCashierId;
    m_till->startQrCheckout(id, order);
    if (!waitUntil([&] { return !outTradeNo.isEmpty(); })) {
        qWarning("the checkout never reached Waiting");
        return std::nullopt;
    }
    return load(outTradeNo);
}

std::optional<Order> TillFixture::pay(const QString& outTradeNo) {
    Result<sandbox::AlipayTrade> paid = m_server->alipay().buyerPay(outTradeNo);
    if (!paid) {
        qWarning("buyerPay: %s", qPrintable(paid.error().message));
        return std::nullopt;
    }
    return waitForState(outTradeNo, OrderState::Paid);
}

std::optional<Order> TillFixture::paidOrder(money::Fen amountFen) {
    const std::optional<Order> waiting = waitingOrder(amountFen);
    if (!waiting)
        return std::nullopt;
    return pay(waiting->outTradeNo);
}

std::optional<Order> TillFixture::cancelledOrder(money::Fen amountFen) {
    const std::optional<Order> waiting = waitingOrder(amountFen);
    if (!waiting)
        return std::nullopt;
    m_till->cancelCheckout(waiting->outTradeNo, kCashierId);
    return waitForState(waiting->outTradeNo, OrderState::Cancelled);
}

std::optional<Order> TillFixture::waitForState(const QString& outTradeNo, OrderState state) {
    std::optional<Order> last;
    const bool reached = waitUntil([&] {
        last = load(outTradeNo);
        return last && last->state == state;
    });
    if (!reached) {
        qWarning("%s never reached %s (it is %s)", qPrintable(outTradeNo),
                 qPrintable(orderStateName(state)),
                 last ? qPrintable(orderStateName(last->state)) : "unknown");
        return std::nullopt;
    }
    return last;
}

std::optional<Order> TillFixture::load(const QString& outTradeNo) {
    QObject context;
    const QString id = newId();
    bool answered = false;
    std::optional<Order> found;
    QObject::connect(m_till.get(), &service::PosService::orderLoaded, &context,
                     [&](const QString& requestId, const service::OrderReply& reply) {
                         if (requestId != id)
                             return;
                         answered = true;
                         if (reply.error.isEmpty())
                             found = reply.order.order;
                     });
    m_till->loadOrder(id, outTradeNo);
    waitUntil([&] { return answered; }, 5000);
    return found;
}

} // namespace qpos::test
