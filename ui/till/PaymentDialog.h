#pragma once

#include "core/checkout/CheckoutTypes.h"
#include "core/money/Money.h"
#include "core/orders/Channel.h"

#include <QDialog>
#include <QString>

#include <functional>
#include <optional>

class QLabel;
class QPushButton;
class QStackedWidget;
class QTimer;

namespace qpos::checkout {
class BuyerSimulator;
}

namespace qpos::ui {

class QrView;
class SandboxBanner;

// The payment as the cashier and the customer watch it: the QR (or, for a scanned payment
// code, what the code is doing), the amount, the channel, the time left and the live status
// of the checkout. It only shows CheckoutUpdates and asks for a cancel; the checkout itself
// runs in the till's worker.
//
// Cancel and Esc ask for a cancel (cancelRequested) and show "Cancelling…" until the
// provider's answer; the dialog closes only once the checkout is final. Then it shows the
// outcome: a big green PAID that closes by itself after a few seconds or on Enter, or the
// reason in plain words with an OK.
class PaymentDialog : public QDialog {
    Q_OBJECT

public:
    // `buyer` (sandbox mode only) adds the SANDBOX banner with "Buyer pays"/"Buyer cancels".
    PaymentDialog(Channel channel, PaymentFlow flow, money::Fen amountFen,
                  checkout::BuyerSimulator* buyer, bool sandbox, QWidget* parent = nullptr);
    ~PaymentDialog() override;

    void applyUpdate(const checkout::CheckoutUpdate& update);

    checkout::CheckoutPhase phase() const { return m_phase; }
    bool isFinal() const;
    bool isCancelling() const { return m_cancelWanted; }
    QString outTradeNo() const { return m_outTradeNo; }
    const std::optional<checkout::CheckoutUpdate>& lastUpdate() const { return m_last; }
    QrView* qrView() const { return m_qr; }

    // How long the PAID screen stays before closing by itself; 0 keeps it until Enter.
    void setPaidScreenMs(int ms) { m_paidScreenMs = ms; }
    // UTC ms for the countdown; the system clock when not set.
    void setClock(std::function<qint64()> clock);

public slots:
    // Cancel button, Esc and the window's close button: ask for a cancel; once final, close.
    void reject() override;
    // Enter: closes once final (never cancels).
    void accept() override;

signals:
    void cancelRequested(const QString& outTradeNo);

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    QWidget* buildProgressPage(bool sandbox, checkout::BuyerSimulator* buyer);
    QWidget* buildResultPage();
    void requestCancel();
    void showStatus();
    void showResult();
    void tick();
    qint64 now() const;

    Channel m_channel;
    PaymentFlow m_flow;
    money::Fen m_amountFen;
    std::function<qint64()> m_clock;
    int m_paidScreenMs = 4000;

    checkout::CheckoutPhase m_phase = checkout::CheckoutPhase::Creating;
    std::optional<checkout::CheckoutUpdate> m_last;
    QString m_outTradeNo;
    QString m_shownQr;
    qint64 m_expiresAtMs = 0;
    bool m_cancelWanted = false; // the cashier asked; sent once the order number is known
    bool m_cancelSent = false;

    QStackedWidget* m_pages = nullptr;
    QLabel* m_amount = nullptr;
    QLabel* m_channelLabel = nullptr;
    QrView* m_qr = nullptr;
    QLabel* m_scanHint = nullptr; // QR flow: which app the customer opens
    QLabel* m_codeNote = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_detail = nullptr;
    QLabel* m_countdown = nullptr;
    QLabel* m_orderNo = nullptr;
    QPushButton* m_cancel = nullptr;
    SandboxBanner* m_banner = nullptr;
    QWidget* m_resultPage = nullptr;
    QLabel* m_resultTitle = nullptr;
    QLabel* m_resultAmount = nullptr;
    QLabel* m_resultMessage = nullptr;
    QLabel* m_resultExplanation = nullptr;
    QPushButton* m_ok = nullptr;
    QTimer* m_ticker = nullptr;
    QTimer* m_autoClose = nullptr;
};

} // namespace qpos::ui
