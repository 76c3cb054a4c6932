#pragma once

#include "core/crypto/RsaPrivateKey.h"
#include "core/orders/Order.h"
#include "core/service/PosService.h"
#include "core/staff/Staff.h"
#include "sandbox/SandboxServer.h"

#include <QString>
#include <QTemporaryDir>

#include <functional>
#include <memory>
#include <optional>

namespace qpos::test {

// A real till for GUI tests: the Alipay sandbox on loopback, and a PosService over a
// database in a temporary directory whose gateway is a real AlipayClient talking to it.
// Staff: a manager and a cashier with known PINs.
class TillFixture {
public:
    static inline const QString kManagerId = QStringLiteral("M01");
    static inline const QString kManagerPin = QStringLiteral("2468");
    static inline const QString kCashierId = QStringLiteral("C01");
    static inline const QString kCashierPin = QStringLiteral("1357");

    TillFixture();
    ~TillFixture();

    // Starts the sandbox and the till and saves the staff; false (with a warning) on failure.
    // `configure` changes the till's configuration first (e.g. its store server).
    bool start(const std::function<void(AppConfig&)>& configure = {});

    service::PosService& till() { return *m_till; }
    sandbox::SandboxServer& sandbox() { return *m_server; }

    // A QR checkout the buyer pays in the sandbox; the order once the till has it Paid.
    std::optional<Order> paidOrder(money::Fen amountFen);
    // A QR checkout left waiting for the buyer; the order once its QR is issued.
    std::optional<Order> waitingOrder(money::Fen amountFen);
    // A QR checkout the cashier cancels; the order once it is final.
    std::optional<Order> cancelledOrder(money::Fen amountFen);
    // Pays a waiting order in the sandbox and waits for the till to see it Paid.
    std::optional<Order> pay(const QString& outTradeNo);
    // The order as stored now.
    std::optional<Order> load(const QString& outTradeNo);

private:
    bool saveStaff(const StaffMember& member, const QString& pin);
    std::optional<Order> waitForState(const QString& outTradeNo, OrderState state);

    QTemporaryDir m_dir;
    std::unique_ptr<sandbox::SandboxServer> m_server;
    crypto::RsaPrivateKey m_appKey;
    std::unique_ptr<service::PosService> m_till;
    int m_sequence = 0;
};

} // namespace qpos::test
