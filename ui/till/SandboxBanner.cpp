#include "ui/till/SandboxBanner.h"

#include "core/checkout/BuyerSimulator.h"
#include "ui/till/TillStyle.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace qpos::ui {

SandboxBanner::SandboxBanner(checkout::BuyerSimulator* buyer, QWidget* parent)
    : QFrame(parent)
    , m_buyer(buyer) {
    setObjectName(QStringLiteral("sandboxBanner"));
    setAutoFillBackground(true);
    setStyleSheet(QStringLiteral("QFrame#sandboxBanner{background:#b00020;}"
                                 "QFrame#sandboxBanner QLabel{color:white;}"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(12, 6, 12, 6);

    m_text = new QLabel(tr("SANDBOX — simulated payments, no real money"), this);
    m_text->setObjectName(QStringLiteral("sandboxBannerText"));
    m_text->setWordWrap(true);
    till_style::setPointSize(m_text, till_style::kStatusPt, true);
    layout->addWidget(m_text, 1);

    if (!m_buyer)
        return;
    m_pays = new QPushButton(tr("Buyer pays"), this);
    m_pays->setObjectName(QStringLiteral("buyerPays"));
    m_cancels = new QPushButton(tr("Buyer cancels"), this);
    m_cancels->setObjectName(QStringLiteral("buyerCancels"));
    for (QPushButton* button : {m_pays, m_cancels}) {
        button->setAutoDefault(false);
        button->setFocusPolicy(Qt::NoFocus); // Enter and Esc stay the cashier's keys
        button->setMinimumHeight(40);
        till_style::setPointSize(button, till_style::kButtonPt, true);
        layout->addWidget(button);
    }
    connect(m_pays, &QPushButton::clicked, this, [this] {
        if (!m_outTradeNo.isEmpty())
            m_buyer->buyerPays(m_channel, m_outTradeNo);
    });
    connect(m_cancels, &QPushButton::clicked, this, [this] {
        if (!m_outTradeNo.isEmpty())
            m_buyer->buyerCancels(m_channel, m_outTradeNo);
    });
    clearPayment();
}

void SandboxBanner::setPayment(Channel channel, const QString& outTradeNo) {
    m_channel = channel;
    m_outTradeNo = outTradeNo;
    if (m_pays) {
        m_pays->setEnabled(!outTradeNo.isEmpty());
        m_cancels->setEnabled(!outTradeNo.isEmpty());
    }
}

void SandboxBanner::clearPayment() {
    m_outTradeNo.clear();
    if (m_pays) {
        m_pays->setEnabled(false);
        m_cancels->setEnabled(false);
    }
}

} // namespace qpos::ui
