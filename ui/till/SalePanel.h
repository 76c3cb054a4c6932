#pragma once

#include "core/money/Money.h"
#include "core/orders/Channel.h"
#include "core/orders/Order.h"
#include "core/routing/ChannelRouting.h"

#include <QElapsedTimer>
#include <QList>
#include <QMap>
#include <QString>
#include <QWidget>

#include <optional>

class QLabel;
class QPushButton;
class QVBoxLayout;

namespace qpos::ui {

class AmountEntry;
class ItemLinesEditor;
class Keypad;
class ScannerBurstDetector;

// What the cashier has keyed for the customer at the till.
struct SaleDraft {
    money::Fen amountFen = 0;
    QList<OrderItem> items; // empty, or lines whose total is amountFen
};

// The sale screen: the amount (keyboard or keypad) or item lines with their running total,
// and the Charge buttons of the channels the till offers.
//
// Keys: Enter charges with the first channel's QR; F1 Alipay QR, F2 WeChat Pay QR; F3 scan the
// customer's payment code; F4 cash, when the till takes it; Esc clears the amount. A barcode
// scanner's burst (see ScannerBurstDetector) charges the scanned payment code, choosing its channel
// by prefix. A charge the routing refuses (a channel not offered, an amount over the channel's
// limit) is not started: the reason stays on the sale screen.
class SalePanel : public QWidget {
    Q_OBJECT

public:
    explicit SalePanel(QWidget* parent = nullptr);

    // The terminal's routing: the channels to offer in their order (the first is Enter's),
    // the payment-code prefixes and the amount limits.
    void setRouting(const routing::ChannelRouting& routing);
    // The given channels with the default rules.
    void setChannels(const QList<Channel>& channels);
    QList<Channel> channels() const { return m_routing.channels(); }
    const routing::ChannelRouting& routing() const { return m_routing; }
    // Off while the till cannot sell (not ready, not logged in, a payment is open).
    void setSalesEnabled(bool enabled);
    // [checkout] cash: the Cash button and F4.
    void setCashEnabled(bool enabled);
    bool cashEnabled() const { return m_cashEnabled; }
    QPushButton* cashButton() const { return m_cash; }
    bool salesEnabled() const { return m_salesEnabled; }

    // For the next customer: no amount, no lines, no message.
    void clearSale();
    // A payment screen just closed (by a key or by itself): Enter meant for it is not a charge.
    void paymentScreenClosed();
    // The keyed sale, or nothing with the reason shown.
    std::optional<SaleDraft> checkedDraft();
    void showMessage(const QString& text, bool error = false);
    QString message() const;
    void focusAmount();

    AmountEntry* amountEntry() const { return m_amount; }
    ItemLinesEditor* itemLines() const { return m_items; }
    ScannerBurstDetector* scanner() const { return m_scanner; }
    QPushButton* chargeButton(Channel channel) const { return m_chargeButtons.value(channel); }

public slots:
    void chargeDefault();
    void chargeQr(qpos::Channel channel);
    // "Scan customer's code": asks for the code (scanner or typed) in a small dialog.
    void scanCustomerCode();
    // A payment code read by the scanner.
    void chargeCode(const QString& code);
    // F4: the keyed sale, paid in cash.
    void chargeCash();

signals:
    void qrChargeRequested(qpos::Channel channel, const qpos::ui::SaleDraft& draft);
    // The code is a secret: receivers pass it on and forget it.
    void codeChargeRequested(qpos::Channel channel, const qpos::ui::SaleDraft& draft,
                             const QString& code);
    // The cashier is keying a sale: at its first digit or item line, and again at a key after
    // an idle spell longer than a provider keeps a connection. The moment to get the
    // connection to the providers ready, so that no handshake sits between Charge and the QR.
    void connectionWanted();
    void cashChargeRequested(const qpos::ui::SaleDraft& draft);

private:
    void onItemsChanged();
    void showTotal();
    // Emits connectionWanted() when a key begins a sale or follows an idle spell.
    void noticeKeying();
    void rebuildChargeButtons();
    static QString shortcutText(Channel channel);

    routing::ChannelRouting m_routing;
    bool m_salesEnabled = true;
    bool m_cashEnabled = false;
    QPushButton* m_cash = nullptr;
    QElapsedTimer m_sinceConnectionWanted; // invalid: not asked during this sale
    QLabel* m_total = nullptr;
    AmountEntry* m_amount = nullptr;
    ItemLinesEditor* m_items = nullptr;
    Keypad* m_keypad = nullptr;
    QVBoxLayout* m_chargeLayout = nullptr;
    QMap<Channel, QPushButton*> m_chargeButtons;
    QPushButton* m_scan = nullptr;
    QLabel* m_message = nullptr;
    ScannerBurstDetector* m_scanner = nullptr;
};

} // namespace qpos::ui
