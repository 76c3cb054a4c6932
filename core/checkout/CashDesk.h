#pragma once

#include "core/checkout/CheckoutTypes.h"
#include "core/orders/Order.h"

#include <QCoreApplication>
#include <QString>

namespace qpos::printing {
class CashDrawer;
}

namespace qpos::checkout {

class EngineContext;

// Cash at the till (docs/checkout.md, "Cash"): no provider is asked, so a sale is written paid
// and a refund refunded at once, each in one transaction with its events and outbox rows, and
// the drawer opens. A cash order never reaches a gateway, a poll or a recovery pass.
class CashDesk {
    // The engine's strings, translated under its name.
    Q_DECLARE_TR_FUNCTIONS(qpos::checkout::CheckoutEngine)

public:
    explicit CashDesk(EngineContext& context);
    CashDesk(const CashDesk&) = delete;
    CashDesk& operator=(const CashDesk&) = delete;

    // Not owned; null: no drawer is configured.
    void setDrawer(printing::CashDrawer* drawer) { m_drawer = drawer; }

    CashSaleReport takeCash(const QString& requestId, const NewOrder& order,
                            money::Fen tenderedFen);
    // Whether `outTradeNo` is a cash order, whose refund is the desk's.
    bool isCashOrder(const QString& outTradeNo) const;
    // Ends with the engine's refundFinished().
    void refund(const RefundCommand& command);

private:
    // Opens the drawer when one is configured; its failure as the cashier's instruction.
    QString openDrawer();

    EngineContext& m_context;
    printing::CashDrawer* m_drawer = nullptr;
};

} // namespace qpos::checkout
