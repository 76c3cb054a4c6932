#pragma once

#include "core/money/Money.h"

#include <QDialog>

#include <optional>

class QLabel;
class QLineEdit;

namespace qpos::ui {

// Cash for a sale (F4): the cashier types what the customer handed over; the change is shown
// large as they type. Enter confirms, and is refused while the amount is less than the sale;
// Esc cancels with nothing recorded. Keyboard only: the field has the focus throughout.
class CashTenderDialog : public QDialog {
    Q_OBJECT

public:
    CashTenderDialog(money::Fen amountFen, QWidget* parent = nullptr);

    money::Fen amountFen() const { return m_amountFen; }
    // What the customer handed over; set once the dialog was accepted.
    std::optional<money::Fen> tenderedFen() const { return m_tenderedFen; }
    QLineEdit* tenderedEdit() const { return m_tendered; }
    QString changeText() const;
    QString messageText() const;

public slots:
    void accept() override;

private:
    void showChange();

    money::Fen m_amountFen;
    std::optional<money::Fen> m_tenderedFen;
    QLineEdit* m_tendered = nullptr;
    QLabel* m_change = nullptr;
    QLabel* m_message = nullptr;
};

} // namespace qpos::ui
