#include "ui/till/TillHeader.h"

#include "core/money/Money.h"
#include "ui/till/LinkIndicator.h"
#include "ui/till/TillStyle.h"

#include <QAction>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace qpos::ui {

TillHeader::TillHeader(const QString& storeName, const QString& storeId, const QString& terminalId,
                       QWidget* parent)
    : QFrame(parent) {
    setObjectName(QStringLiteral("tillHeader"));
    setFrameShape(QFrame::StyledPanel);
    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(12, 6, 12, 6);
    grid->setHorizontalSpacing(16);
    grid->setVerticalSpacing(2);

    m_shop =
        new QLabel(tr("%1 · store %2 · terminal %3").arg(storeName, storeId, terminalId), this);
    m_shop->setObjectName(QStringLiteral("shopHeader"));
    m_shop->setWordWrap(true); // a long shop name wraps instead of widening the window
    till_style::setPointSize(m_shop, till_style::kStatusPt - 2, true);
    grid->addWidget(m_shop, 0, 0);

    m_cashier = new QLabel(this);
    m_cashier->setObjectName(QStringLiteral("cashierHeader"));
    m_cashier->setWordWrap(true);
    m_cashier->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    till_style::setPointSize(m_cashier, till_style::kBodyPt + 1);
    grid->addWidget(m_cashier, 1, 1);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("statusLine"));
    m_status->setWordWrap(true);
    till_style::setPointSize(m_status, till_style::kBodyPt);
    grid->addWidget(m_status, 1, 0);

    m_totals = new QLabel(this);
    m_totals->setObjectName(QStringLiteral("todayTotals"));
    m_totals->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    till_style::setPointSize(m_totals, till_style::kBodyPt + 1, true);
    grid->addWidget(m_totals, 0, 1);

    m_link = new LinkIndicator(this);
    grid->addWidget(m_link, 2, 0, 1, 2);

    m_buttons = new QHBoxLayout;
    m_buttons->setSpacing(6);
    grid->addLayout(m_buttons, 0, 2, 3, 1);
    grid->setColumnStretch(0, 1);
    setCashier(std::nullopt);
}

void TillHeader::setCashier(const std::optional<StaffMember>& cashier) {
    m_cashier->setText(cashier ? tr("Cashier: %1 (%2)").arg(cashier->name, cashier->id)
                               : tr("Nobody logged in"));
}

void TillHeader::setStatus(const QString& text, bool error) {
    m_status->setText(text);
    m_status->setToolTip({});
    m_status->setStyleSheet(error ? QStringLiteral("color:#b00020;font-weight:bold;") : QString());
}

void TillHeader::setStatusDetail(const QString& text) {
    m_status->setToolTip(text);
}

QString TillHeader::status() const {
    return m_status->text();
}

void TillHeader::setTotals(const QList<DailyTotal>& totals) {
    qint64 count = 0;
    money::Fen net = 0;
    QStringList perChannel;
    for (const DailyTotal& total : totals) {
        count += total.paidCount;
        net += total.netFen();
        perChannel << tr("%1: %2 payments, %3 yuan paid, %4 refunded")
                          .arg(channelLabel(total.channel))
                          .arg(total.paidCount)
                          .arg(money::formatYuan(total.paidFen),
                               money::formatYuan(total.refundedFen));
    }
    m_totals->setStyleSheet(QString());
    m_totals->setText(
        count == 1 ? tr("Today: 1 payment · net ¥ %1").arg(money::formatYuan(net))
                   : tr("Today: %1 payments · net ¥ %2").arg(count).arg(money::formatYuan(net)));
    m_totals->setToolTip(perChannel.join(u'\n'));
}

void TillHeader::setTotalsError(const QString& error) {
    m_totals->setStyleSheet(QStringLiteral("color:#b00020;"));
    m_totals->setText(tr("Today's totals are not available"));
    m_totals->setToolTip(error);
}

QString TillHeader::totalsText() const {
    return m_totals->text();
}

void TillHeader::setLinkStatus(const link::LinkStatus& status) {
    m_link->setStatus(status);
}

void TillHeader::addActionButton(QAction* action) {
    auto* button = new QToolButton(this);
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    button->setFocusPolicy(Qt::NoFocus);
    button->setMinimumHeight(40);
    till_style::setPointSize(button, till_style::kBodyPt + 1, true);
    m_buttons->addWidget(button);
    // A tool button follows its action's text and state, but not whether it is shown.
    button->setVisible(action->isVisible());
    connect(action, &QAction::changed, button,
            [button, action] { button->setVisible(action->isVisible()); });
}

} // namespace qpos::ui
