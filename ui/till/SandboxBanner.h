#pragma once

#include "core/orders/Channel.h"

#include <QFrame>
#include <QString>

class QLabel;
class QPushButton;

namespace qpos::checkout {
class BuyerSimulator;
}

namespace qpos::ui {

// The unmistakable band that says the till runs on simulated providers (sandbox mode only).
// With a BuyerSimulator it also plays the customer of the open payment: "Buyer pays" and
// "Buyer cancels".
class SandboxBanner : public QFrame {
    Q_OBJECT

public:
    // `buyer` may be null: the banner then only warns.
    explicit SandboxBanner(checkout::BuyerSimulator* buyer, QWidget* parent = nullptr);

    // The payment the buttons act on; clearPayment() disables them.
    void setPayment(Channel channel, const QString& outTradeNo);
    void clearPayment();

private:
    checkout::BuyerSimulator* m_buyer = nullptr;
    Channel m_channel = Channel::Alipay;
    QString m_outTradeNo;
    QLabel* m_text = nullptr;
    QPushButton* m_pays = nullptr;
    QPushButton* m_cancels = nullptr;
};

} // namespace qpos::ui
