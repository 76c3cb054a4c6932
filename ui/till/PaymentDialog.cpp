#include "ui/till/PaymentDialog.h"

#include "ui/support/YuanText.h"
#include "ui/till/ChannelStyle.h"
#include "ui/till/PaymentStatusText.h"
#include "ui/till/QrView.h"
#include "ui/till/SandboxBanner.h"
#include "ui/till/TillStyle.h"

#include <QCloseEvent>
#include <QDateTime>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPushButton>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace qpos::ui {

using checkout::CheckoutPhase;

namespace {

QLabel* makeLabel(QWidget* parent, const QString& name, int pointSize, bool bold = false) {
    auto* label = new QLabel(parent);
    label->setObjectName(name);
    label->setWordWrap(true);
    till_style::setPointSize(label, pointSize, bold);
    return label;
}

} // namespace

PaymentDialog::PaymentDialog(Channel channel, PaymentFlow flow, money::Fen amountFen,
                             checkout::BuyerSimulator* buyer, bool sandbox, QWidget* parent)
    : QDialog(parent)
    , m_channel(channel)
    , m_flow(flow)
    , m_amountFen(amountFen) {
    setObjectName(QStringLiteral("paymentDialog"));
    setWindowTitle(tr("Payment — %1").arg(channelLabel(channel)));
    setModal(true);
    setSizeGripEnabled(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_pages = new QStackedWidget(this);
    m_pages->addWidget(buildProgressPage(sandbox, buyer));
    m_resultPage = buildResultPage();
    m_pages->addWidget(m_resultPage);
    layout->addWidget(m_pages);

    m_ticker = new QTimer(this);
    m_ticker->setInterval(250);
    connect(m_ticker, &QTimer::timeout, this, &PaymentDialog::tick);
    m_autoClose = new QTimer(this);
    m_autoClose->setSingleShot(true);
    connect(m_autoClose, &QTimer::timeout, this, &PaymentDialog::accept);

    // As large as the till's window allows: the QR must be easy to scan.
    QSize size(1000, 740);
    if (parent && parent->window())
        size = size.boundedTo(parent->window()->size() - QSize(24, 24));
    resize(size.expandedTo(QSize(760, 600)));
    showStatus();
}

PaymentDialog::~PaymentDialog() = default;

QWidget* PaymentDialog::buildProgressPage(bool sandbox, checkout::BuyerSimulator* buyer) {
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(16, 12, 16, 12);

    auto* top = new QHBoxLayout;
    m_channelLabel =
        makeLabel(page, QStringLiteral("paymentChannel"), till_style::kHeadlinePt, true);
    m_channelLabel->setText(m_flow == PaymentFlow::QrCode
                                ? tr("%1 · QR code").arg(channelLabel(m_channel))
                                : tr("%1 · payment code").arg(channelLabel(m_channel)));
    m_channelLabel->setWordWrap(false);
    // The wallet's own colour: the customer sees at once which app to open.
    m_channelLabel->setStyleSheet(
        QStringLiteral("QLabel{background:%1;color:white;border-radius:6px;padding:4px 14px;}")
            .arg(channel_style::colour(m_channel)));
    m_channelLabel->setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Preferred);
    top->addWidget(m_channelLabel);
    top->addStretch(1);
    m_amount = makeLabel(page, QStringLiteral("paymentAmount"), till_style::kAmountPt + 8, true);
    m_amount->setWordWrap(false);
    m_amount->setText(yuanText(m_amountFen));
    m_amount->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    top->addWidget(m_amount);
    layout->addLayout(top);

    auto* middle = new QHBoxLayout;
    middle->setSpacing(20);
    m_qr = new QrView(page);
    m_codeNote = makeLabel(page, QStringLiteral("paymentCodeNote"), till_style::kHeadlinePt, true);
    m_codeNote->setAlignment(Qt::AlignCenter);
    m_codeNote->setMinimumWidth(300);
    if (m_flow == PaymentFlow::QrCode) {
        auto* qrColumn = new QVBoxLayout;
        qrColumn->addWidget(m_qr, 1);
        m_scanHint =
            makeLabel(page, QStringLiteral("paymentScanHint"), till_style::kStatusPt, true);
        m_scanHint->setAlignment(Qt::AlignCenter);
        m_scanHint->setText(channel_style::scanHint(m_channel));
        m_scanHint->setStyleSheet(
            QStringLiteral("QLabel{color:%1;}").arg(channel_style::colour(m_channel)));
        qrColumn->addWidget(m_scanHint);
        middle->addLayout(qrColumn, 3);
        m_codeNote->hide();
    } else {
        m_qr->hide();
        middle->addWidget(m_codeNote, 3);
    }

    auto* side = new QVBoxLayout;
    m_status = makeLabel(page, QStringLiteral("paymentStatus"), till_style::kStatusPt + 2, true);
    side->addWidget(m_status);
    m_detail = makeLabel(page, QStringLiteral("paymentDetail"), till_style::kStatusPt);
    side->addWidget(m_detail);
    m_countdown = makeLabel(page, QStringLiteral("paymentCountdown"), till_style::kHeadlinePt);
    m_countdown->setWordWrap(false);
    side->addWidget(m_countdown);
    side->addStretch(1);
    m_orderNo = makeLabel(page, QStringLiteral("paymentOrderNo"), till_style::kBodyPt);
    m_orderNo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    side->addWidget(m_orderNo);
    m_cancel = new QPushButton(tr("Cancel  (Esc)"), page);
    m_cancel->setObjectName(QStringLiteral("paymentCancel"));
    m_cancel->setAutoDefault(false);
    m_cancel->setDefault(false);
    m_cancel->setMinimumHeight(56);
    m_cancel->setFocusPolicy(Qt::NoFocus); // Enter must never cancel a payment
    till_style::setPointSize(m_cancel, till_style::kButtonPt + 2, true);
    connect(m_cancel, &QPushButton::clicked, this, &PaymentDialog::requestCancel);
    side->addWidget(m_cancel);
    middle->addLayout(side, 2);
    layout->addLayout(middle, 1);

    if (sandbox) {
        m_banner = new SandboxBanner(buyer, page);
        layout->addWidget(m_banner);
    }
    return page;
}

QWidget* PaymentDialog::buildResultPage() {
    auto* page = new QWidget(this);
    page->setObjectName(QStringLiteral("paymentResult"));
    page->setAutoFillBackground(true);
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(32, 32, 32, 32);
    layout->addStretch(1);
    m_resultTitle = makeLabel(page, QStringLiteral("resultTitle"), till_style::kHeadlinePt, true);
    m_resultTitle->setAlignment(Qt::AlignCenter);
    layout->addWidget(m_resultTitle);
    m_resultAmount = makeLabel(page, QStringLiteral("resultAmount"), till_style::kAmountPt, true);
    m_resultAmount->setAlignment(Qt::AlignCenter);
    layout->addWidget(m_resultAmount);
    m_resultMessage =
        makeLabel(page, QStringLiteral("resultMessage"), till_style::kStatusPt + 2, true);
    m_resultMessage->setAlignment(Qt::AlignCenter);
    layout->addWidget(m_resultMessage);
    m_resultExplanation =
        makeLabel(page, QStringLiteral("resultExplanation"), till_style::kStatusPt);
    m_resultExplanation->setAlignment(Qt::AlignCenter);
    layout->addWidget(m_resultExplanation);
    layout->addStretch(1);
    m_ok = new QPushButton(tr("OK  (Enter)"), page);
    m_ok->setObjectName(QStringLiteral("resultOk"));
    m_ok->setMinimumHeight(56);
    m_ok->setMinimumWidth(240);
    till_style::setPointSize(m_ok, till_style::kButtonPt + 2, true);
    connect(m_ok, &QPushButton::clicked, this, &PaymentDialog::accept);
    layout->addWidget(m_ok, 0, Qt::AlignHCenter);
    return page;
}

void PaymentDialog::setClock(std::function<qint64()> clock) {
    m_clock = std::move(clock);
}

bool PaymentDialog::isFinal() const {
    return checkout::isFinalPhase(m_phase);
}

void PaymentDialog::applyUpdate(const checkout::CheckoutUpdate& update) {
    if (isFinal())
        return; // the outcome is on screen; a late or duplicate update changes nothing
    m_last = update;
    m_phase = update.phase;
    if (!update.outTradeNo.isEmpty())
        m_outTradeNo = update.outTradeNo;
    if (update.expiresAtMs > 0)
        m_expiresAtMs = update.expiresAtMs;
    if (!update.qrCode.isEmpty() && update.qrCode != m_shownQr && m_flow == PaymentFlow::QrCode) {
        m_shownQr = update.qrCode;
        if (Status shown = m_qr->setText(update.qrCode); !shown)
            m_detail->setText(shown.error().message);
    }
    if (isFinal()) {
        showResult();
        return;
    }
    if (m_cancelWanted && !m_cancelSent && !m_outTradeNo.isEmpty()) {
        m_cancelSent = true;
        emit cancelRequested(m_outTradeNo);
    }
    showStatus();
}

void PaymentDialog::reject() {
    if (isFinal()) {
        QDialog::accept(); // the outcome was seen; closing is not a cancel
        return;
    }
    requestCancel();
}

void PaymentDialog::accept() {
    if (isFinal())
        QDialog::accept();
}

void PaymentDialog::keyPressEvent(QKeyEvent* event) {
    switch (event->key()) {
    case Qt::Key_Return:
    case Qt::Key_Enter:
        accept();
        event->accept();
        return;
    case Qt::Key_Escape:
        reject();
        event->accept();
        return;
    default:
        QDialog::keyPressEvent(event);
    }
}

void PaymentDialog::closeEvent(QCloseEvent* event) {
    if (isFinal()) {
        QDialog::closeEvent(event);
        return;
    }
    event->ignore();
    requestCancel();
}

void PaymentDialog::showEvent(QShowEvent* event) {
    QDialog::showEvent(event);
    if (QWidget* owner = parentWidget()) {
        const QRect area = owner->window()->geometry();
        move(area.center() - rect().center());
    }
    tick();
    m_ticker->start();
}

void PaymentDialog::requestCancel() {
    if (isFinal() || m_cancelWanted)
        return;
    m_cancelWanted = true;
    if (!m_outTradeNo.isEmpty()) {
        m_cancelSent = true;
        emit cancelRequested(m_outTradeNo);
    }
    showStatus();
}

void PaymentDialog::showStatus() {
    m_status->setText(m_cancelWanted
                          ? payment_status::progressText(CheckoutPhase::Cancelling, m_flow)
                          : payment_status::progressText(m_phase, m_flow));
    if (m_last && !m_last->message.isEmpty())
        m_detail->setText(m_last->message);
    if (m_flow == PaymentFlow::PayByCode)
        m_codeNote->setText(m_phase == CheckoutPhase::Confirming
                                ? payment_status::progressText(CheckoutPhase::Confirming, m_flow)
                                : payment_status::progressText(CheckoutPhase::Creating, m_flow));
    m_orderNo->setText(m_outTradeNo.isEmpty() ? QString() : tr("Order %1").arg(m_outTradeNo));
    m_cancel->setEnabled(!m_cancelWanted);
    m_cancel->setText(m_cancelWanted ? tr("Cancelling…") : tr("Cancel  (Esc)"));
    if (m_banner) {
        if (m_outTradeNo.isEmpty() || m_cancelWanted)
            m_banner->clearPayment();
        else
            m_banner->setPayment(m_channel, m_outTradeNo);
    }
    tick();
}

void PaymentDialog::showResult() {
    m_ticker->stop();
    if (m_banner)
        m_banner->clearPayment();
    const bool paid = m_phase == CheckoutPhase::Paid;
    m_resultTitle->setText(payment_status::finalTitle(m_phase, m_flow));
    m_resultAmount->setText(yuanText(m_amountFen));
    m_resultMessage->setText(m_last && !paid ? m_last->message : QString());
    m_resultMessage->setVisible(!m_resultMessage->text().isEmpty());
    m_resultExplanation->setText(payment_status::finalExplanation(m_phase, m_flow));
    const QString background = paid ? QStringLiteral("#0a7d2c") : QStringLiteral("#fff4e5");
    const QString foreground = paid ? QStringLiteral("white") : QStringLiteral("#5d2600");
    m_resultPage->setStyleSheet(
        QStringLiteral(
            "QWidget#paymentResult{background:%1;} QWidget#paymentResult QLabel{color:%2;}")
            .arg(background, foreground));
    till_style::setPointSize(m_resultTitle, paid ? 72 : till_style::kHeadlinePt + 4, true);
    m_pages->setCurrentWidget(m_resultPage);
    m_ok->setDefault(true);
    m_ok->setFocus();
    if (paid && m_paidScreenMs > 0)
        m_autoClose->start(m_paidScreenMs);
}

void PaymentDialog::tick() {
    if (m_flow != PaymentFlow::QrCode || m_expiresAtMs <= 0 || isFinal()) {
        m_countdown->clear();
        return;
    }
    const qint64 leftS = std::max<qint64>(0, (m_expiresAtMs - now() + 999) / 1000);
    if (leftS == 0) {
        m_countdown->setText(tr("Time is up"));
        return;
    }
    m_countdown->setText(
        tr("Time left %1:%2").arg(leftS / 60).arg(leftS % 60, 2, 10, QLatin1Char('0')));
    m_countdown->setStyleSheet(leftS <= 20 ? QStringLiteral("color:#b00020;") : QString());
}

qint64 PaymentDialog::now() const {
    return m_clock ? m_clock() : QDateTime::currentMSecsSinceEpoch();
}

} // namespace qpos::ui
