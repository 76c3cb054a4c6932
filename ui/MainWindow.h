#pragma once

#include "storage/OrderQuery.h"

#include <QList>
#include <QMainWindow>

class QLabel;
class QTableWidget;

namespace qpos::ui {

// What the main window shows about where it runs.
struct ShopIdentity {
    QString storeName;
    QString storeId;
    QString terminalId;
    bool sandbox = false;
};

// The till's main window. For now it shows the shop and today's takings per channel; the
// checkout screens are added to it.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(const ShopIdentity& shop, QWidget* parent = nullptr);

    void showTodayTotals(const QList<DailyTotal>& totals);
    void showStatus(const QString& text);

private:
    QLabel* m_status = nullptr;
    QTableWidget* m_totals = nullptr;
};

} // namespace qpos::ui
