#include "ui/till/SalePanel.h"

#include "ui/support/YuanText.h"
#include "ui/till/AmountEntry.h"
#include "ui/till/ChannelStyle.h"
#include "ui/till/ItemLinesEditor.h"
#include "ui/till/Keypad.h"
#include "ui/till/ScanCodeDialog.h"
#include "ui/till/ScannerBurstDetector.h"
#include "ui/till/TillStyle.h"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QShortcut>
#include <QVBoxLayout>

namespace qpos::ui {

SalePanel::SalePanel(QWidget* parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("salePanel"));
    auto* columns = new QHBoxLayout(this);
    columns->setSpacing(16);

    // Left: the amount and the keypad.
    auto* left = new QVBoxLayout;
    m_amount = new AmountEntry(this);
    left->addWidget(m_amount);
    m_keypad = new Keypad(this);
    left->addWidget(m_keypad, 1);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("saleMessage"));
    m_message->setWordWrap(true);
    till_style::setPointSize(m_message, till_style::kBodyPt + 1, true);
    m_message->hide();
    left->addWidget(m_message);
    columns->addLayout(left, 9);

    // Right: optional item lines, the total, and the ways to charge it.
    auto* right = new QVBoxLayout;
    auto* itemsBox = new QGroupBox(tr("Items (optional)"), this);
    till_style::setPointSize(itemsBox, till_style::kBodyPt);
    auto* itemsLayout = new QVBoxLayout(itemsBox);
    itemsLayout->setContentsMargins(6, 6, 6, 6);
    m_items = new ItemLinesEditor(itemsBox);
    itemsLayout->addWidget(m_items);
    right->addWidget(itemsBox, 1);

    m_total = new QLabel(this);
    m_total->setObjectName(QStringLiteral("saleTotal"));
    m_total->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    till_style::setPointSize(m_total, till_style::kAmountPt + 4, true);
    right->addWidget(m_total);

    m_chargeLayout = new QVBoxLayout;
    m_chargeLayout->setSpacing(6);
    right->addLayout(m_chargeLayout);

    m_scan = new QPushButton(tr("Scan customer's code  (F3)"), this);
    m_scan->setObjectName(QStringLiteral("scanCode"));
    m_scan->setAutoDefault(false);
    m_scan->setMinimumHeight(52);
    till_style::setPointSize(m_scan, till_style::kButtonPt, true);
    right->addWidget(m_scan);
    m_cash = new QPushButton(tr("Cash  (F4)"), this);
    m_cash->setObjectName(QStringLiteral("chargeCash"));
    m_cash->setAutoDefault(false);
    m_cash->setMinimumHeight(52);
    m_cash->setStyleSheet(
        QStringLiteral("QPushButton{background:%1;color:white;border-radius:6px;padding:6px;}"
                       "QPushButton:disabled{background:#9e9e9e;}")
            .arg(channel_style::colour(Channel::Cash)));
    till_style::setPointSize(m_cash, till_style::kButtonPt, true);
    m_cash->setVisible(false);
    right->addWidget(m_cash);
    columns->addLayout(right, 11);

    m_scanner = new ScannerBurstDetector(this, this);

    connect(m_keypad, &Keypad::textTyped, m_amount, &AmountEntry::typeText);
    connect(m_keypad, &Keypad::backspacePressed, m_amount, &AmountEntry::backspace);
    connect(m_keypad, &Keypad::clearPressed, m_amount, &AmountEntry::clear);
    connect(m_amount, &AmountEntry::amountEdited, this, &SalePanel::showTotal);
    connect(m_amount, &AmountEntry::amountEdited, this, &SalePanel::noticeKeying);
    connect(m_amount, &AmountEntry::submitted, this, &SalePanel::chargeDefault);
    connect(m_items, &ItemLinesEditor::itemsChanged, this, &SalePanel::onItemsChanged);
    connect(m_items, &ItemLinesEditor::submittedEmpty, this, &SalePanel::chargeDefault);
    connect(m_scan, &QPushButton::clicked, this, &SalePanel::scanCustomerCode);
    connect(m_cash, &QPushButton::clicked, this, &SalePanel::chargeCash);
    connect(m_scanner, &ScannerBurstDetector::codeScanned, this, &SalePanel::chargeCode);

    const auto addShortcut = [this](const QKeySequence& keys, auto slot) {
        auto* shortcut = new QShortcut(keys, this);
        shortcut->setContext(Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, this, slot);
    };
    addShortcut(QKeySequence(Qt::Key_F1), [this] { chargeQr(Channel::Alipay); });
    addShortcut(QKeySequence(Qt::Key_F2), [this] { chargeQr(Channel::WeChat); });
    addShortcut(QKeySequence(Qt::Key_F3), [this] { scanCustomerCode(); });
    addShortcut(QKeySequence(Qt::Key_F4), [this] { chargeCash(); });

    showTotal();
    setFocusProxy(m_amount->edit());
}

void SalePanel::setRouting(const routing::ChannelRouting& routing) {
    m_routing = routing;
    rebuildChargeButtons();
    setSalesEnabled(m_salesEnabled);
}

void SalePanel::setChannels(const QList<Channel>& channels) {
    setRouting(routing::ChannelRouting(channels, RoutingConfig{}));
}

void SalePanel::setSalesEnabled(bool enabled) {
    m_salesEnabled = enabled;
    const bool canCharge = enabled && !m_routing.channels().isEmpty();
    for (QPushButton* button : std::as_const(m_chargeButtons))
        button->setEnabled(canCharge);
    m_scan->setEnabled(canCharge);
    m_scanner->setEnabled(canCharge);
    m_cash->setEnabled(enabled && m_cashEnabled);
}

void SalePanel::setCashEnabled(bool enabled) {
    m_cashEnabled = enabled;
    m_cash->setVisible(enabled);
    setSalesEnabled(m_salesEnabled);
}

void SalePanel::chargeCash() {
    if (!m_salesEnabled || !m_cashEnabled)
        return;
    const std::optional<SaleDraft> draft = checkedDraft();
    if (!draft)
        return;
    showMessage({});
    emit cashChargeRequested(*draft);
}

void SalePanel::clearSale() {
    m_items->clear();
    m_amount->setFixedAmount(std::nullopt);
    m_amount->clear();
    m_sinceConnectionWanted.invalidate();
    showMessage({});
    showTotal();
    focusAmount();
}

void SalePanel::paymentScreenClosed() {
    m_amount->ignoreStrayEnter();
}

std::optional<SaleDraft> SalePanel::checkedDraft() {
    if (!m_items->isEmpty()) {
        const money::Fen total = m_items->totalFen();
        return SaleDraft{total, m_items->items()};
    }
    const std::optional<money::Fen> fen = m_amount->check();
    if (!fen)
        return std::nullopt;
    return SaleDraft{*fen, {}};
}

void SalePanel::showMessage(const QString& text, bool error) {
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color:#b00020;") : QString());
    m_message->setVisible(!text.isEmpty());
}

QString SalePanel::message() const {
    return m_message->text();
}

void SalePanel::focusAmount() {
    if (m_amount->isFixed()) {
        m_items->nameEdit()->setFocus();
        return;
    }
    // A kept amount (the payment did not go through) is selected: Enter charges it again,
    // typing replaces it.
    m_amount->edit()->setFocus();
    m_amount->edit()->selectAll();
}

void SalePanel::chargeDefault() {
    if (const std::optional<Channel> channel = m_routing.defaultChannel())
        chargeQr(*channel);
}

void SalePanel::chargeQr(Channel channel) {
    if (!m_salesEnabled)
        return;
    if (!m_routing.offers(channel)) {
        showMessage(tr("This till does not take %1.").arg(channelLabel(channel)), true);
        return;
    }
    const std::optional<SaleDraft> draft = checkedDraft();
    if (!draft)
        return;
    if (Status allowed = m_routing.checkCharge(channel, draft->amountFen); !allowed.ok()) {
        showMessage(allowed.error().message, true);
        focusAmount();
        return;
    }
    showMessage({});
    emit qrChargeRequested(channel, *draft);
}

void SalePanel::scanCustomerCode() {
    if (!m_salesEnabled || m_routing.channels().isEmpty())
        return;
    const std::optional<SaleDraft> draft = checkedDraft();
    if (!draft)
        return;
    showMessage({});
    auto* dialog = new ScanCodeDialog(draft->amountFen, m_routing, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const SaleDraft sale = *draft;
    connect(dialog, &QDialog::accepted, this, [this, dialog, sale] {
        QString code = dialog->takeCode();
        emit codeChargeRequested(dialog->channel(), sale, code);
        code.fill(u'0');
    });
    dialog->open();
}

void SalePanel::chargeCode(const QString& code) {
    if (!m_salesEnabled)
        return;
    const Result<Channel> channel = m_routing.channelForCode(code);
    if (!channel) {
        showMessage(channel.error().message, true);
        return;
    }
    if (m_items->isEmpty() && !m_amount->amountFen()) {
        showMessage(tr("A payment code was scanned, but there is no amount to charge. Type the "
                       "amount first, then scan the code again."),
                    true);
        focusAmount();
        return;
    }
    const std::optional<SaleDraft> draft = checkedDraft();
    if (!draft)
        return;
    if (Status allowed = m_routing.checkCharge(*channel, draft->amountFen); !allowed.ok()) {
        showMessage(allowed.error().message, true);
        focusAmount();
        return;
    }
    showMessage({});
    emit codeChargeRequested(*channel, *draft, code);
}

void SalePanel::onItemsChanged() {
    if (m_items->isEmpty()) {
        if (m_amount->isFixed()) {
            m_amount->setFixedAmount(std::nullopt);
            m_amount->clear();
        }
    } else {
        m_amount->setFixedAmount(m_items->totalFen());
    }
    showTotal();
    noticeKeying();
}

void SalePanel::noticeKeying() {
    // Shorter than a provider keeps an idle connection (WeChat Pay closes one after 8 s), so
    // the connection a key asked for is still open when Charge follows within this time.
    constexpr qint64 kStillWarmMs = 5000;
    if (m_items->isEmpty() && m_amount->text().isEmpty())
        return;
    if (m_sinceConnectionWanted.isValid() && m_sinceConnectionWanted.elapsed() < kStillWarmMs)
        return;
    m_sinceConnectionWanted.start();
    emit connectionWanted();
}

void SalePanel::showTotal() {
    std::optional<money::Fen> total;
    if (!m_items->isEmpty())
        total = m_items->totalFen();
    else
        total = m_amount->amountFen();
    m_total->setText(tr("Total %1").arg(total ? yuanText(*total) : QStringLiteral("¥ —")));
}

void SalePanel::rebuildChargeButtons() {
    for (QPushButton* button : std::as_const(m_chargeButtons))
        delete button;
    m_chargeButtons.clear();
    const QList<Channel>& channels = m_routing.channels();
    for (int i = 0; i < channels.size(); ++i) {
        const Channel channel = channels.at(i);
        QString label = tr("%1 QR  (%2)").arg(channelLabel(channel), shortcutText(channel));
        if (i == 0)
            label = tr("%1 QR  (%2 / Enter)").arg(channelLabel(channel), shortcutText(channel));
        auto* button = new QPushButton(label, this);
        button->setObjectName(QStringLiteral("charge_") + channelName(channel));
        button->setAutoDefault(false);
        button->setMinimumHeight(60);
        button->setStyleSheet(
            QStringLiteral("QPushButton{background:%1;color:white;border-radius:6px;padding:6px;}"
                           "QPushButton:disabled{background:#9e9e9e;}")
                .arg(channel_style::colour(channel)));
        till_style::setPointSize(button, till_style::kButtonPt + 2, true);
        connect(button, &QPushButton::clicked, this, [this, channel] { chargeQr(channel); });
        m_chargeLayout->addWidget(button);
        m_chargeButtons.insert(channel, button);
    }
}

QString SalePanel::shortcutText(Channel channel) {
    return channel_style::qrShortcut(channel);
}

} // namespace qpos::ui
