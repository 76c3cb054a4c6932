#include "MainWindow.h"

#include "money/Money.h"

#include <QHeaderView>
#include <QLabel>
#include <QStatusBar>
#include <QTableWidget>
#include <QVBoxLayout>

namespace qpos::ui {

MainWindow::MainWindow(const ShopIdentity& shop, QWidget* parent)
    : QMainWindow(parent) {
    setWindowTitle(tr("qpos — %1").arg(shop.storeName));
    resize(1024, 700);

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);

    if (shop.sandbox) {
        auto* banner = new QLabel(tr("SANDBOX — simulated payments, no real money"), central);
        banner->setObjectName(QStringLiteral("sandboxBanner"));
        banner->setAlignment(Qt::AlignCenter);
        banner->setStyleSheet(QStringLiteral(
            "background:#b00020;color:white;font-weight:bold;font-size:18pt;padding:8px;"));
        layout->addWidget(banner);
    }

    auto* header = new QLabel(
        tr("%1 · store %2 · terminal %3").arg(shop.storeName, shop.storeId, shop.terminalId),
        central);
    header->setObjectName(QStringLiteral("shopHeader"));
    header->setStyleSheet(QStringLiteral("font-size:16pt;"));
    layout->addWidget(header);

    auto* title = new QLabel(tr("Today's takings"), central);
    title->setStyleSheet(QStringLiteral("font-size:14pt;font-weight:bold;"));
    layout->addWidget(title);

    m_totals = new QTableWidget(0, 4, central);
    m_totals->setObjectName(QStringLiteral("todayTotals"));
    m_totals->setHorizontalHeaderLabels(
        {tr("Channel"), tr("Payments"), tr("Paid (yuan)"), tr("Net after refunds (yuan)")});
    m_totals->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_totals->verticalHeader()->hide();
    m_totals->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_totals->setStyleSheet(QStringLiteral("font-size:14pt;"));
    layout->addWidget(m_totals, 1);

    setCentralWidget(central);
    m_status = new QLabel(this);
    statusBar()->addWidget(m_status, 1);
}

void MainWindow::showTodayTotals(const QList<DailyTotal>& totals) {
    m_totals->setRowCount(0);
    for (const DailyTotal& t : totals) {
        const int row = m_totals->rowCount();
        m_totals->insertRow(row);
        const QStringList cells{channelLabel(t.channel), QString::number(t.paidCount),
                                money::formatYuan(t.paidFen), money::formatYuan(t.netFen())};
        for (int col = 0; col < cells.size(); ++col) {
            auto* item = new QTableWidgetItem(cells[col]);
            item->setTextAlignment(col == 0 ? Qt::AlignLeft | Qt::AlignVCenter
                                            : Qt::AlignRight | Qt::AlignVCenter);
            m_totals->setItem(row, col, item);
        }
    }
}

void MainWindow::showStatus(const QString& text) {
    m_status->setText(text);
}

} // namespace qpos::ui
