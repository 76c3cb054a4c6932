#pragma once

#include "core/money/Money.h"
#include "core/orders/Order.h"

#include <QList>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace qpos::ui {

// Optional item lines of a sale: name, quantity and unit price, added from one row of
// fields (Enter adds the line) and listed with their line totals. Their total becomes the
// amount to charge, and they go into the order.
class ItemLinesEditor : public QWidget {
    Q_OBJECT

public:
    explicit ItemLinesEditor(QWidget* parent = nullptr);

    QList<OrderItem> items() const { return m_items; }
    money::Fen totalFen() const;
    bool isEmpty() const { return m_items.isEmpty(); }
    void clear();

    QLineEdit* nameEdit() const { return m_name; }

public slots:
    // Checks the fields and adds their line; false (with the reason shown) when they are wrong.
    bool addLine();
    void removeSelectedLine();

signals:
    void itemsChanged();
    // Enter in the fields while they are all empty: the cashier is done with the items.
    void submittedEmpty();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void onReturn();
    void showLines();
    void showError(const QString& text);

    QList<OrderItem> m_items;
    QLineEdit* m_name = nullptr;
    QSpinBox* m_quantity = nullptr;
    QLineEdit* m_price = nullptr;
    QPushButton* m_add = nullptr;
    QPushButton* m_remove = nullptr;
    QTableWidget* m_table = nullptr;
    QLabel* m_error = nullptr;
};

} // namespace qpos::ui
