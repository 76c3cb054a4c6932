#pragma once

#include "core/money/Money.h"

#include <QElapsedTimer>
#include <QString>
#include <QWidget>

#include <optional>

class QKeyEvent;
class QLabel;
class QLineEdit;

namespace qpos::ui {

// The amount to charge, in yuan: typed on the keyboard (digits, '.', Backspace; Esc clears)
// or on the on-screen keypad. Parsed exactly with money::parseYuan; its error is shown under
// the field. A half-typed amount ("12.") is not called wrong until the cashier charges it.
class AmountEntry : public QWidget {
    Q_OBJECT

public:
    explicit AmountEntry(QWidget* parent = nullptr);

    QLineEdit* edit() const { return m_edit; }
    QString text() const;
    void setText(const QString& text);
    void clear();

    // The amount when the text is a valid one.
    std::optional<money::Fen> amountFen() const;
    // For a charge: the amount, or nothing with the reason shown under the field.
    std::optional<money::Fen> check();
    QString errorText() const;

    // A payment screen just closed: an Enter meant for it (the screen closed by itself a moment
    // before, or the key repeats) must not charge an empty amount or show an error.
    void ignoreStrayEnter();

    // Item lines set the amount: the field shows their total and cannot be typed in.
    void setFixedAmount(std::optional<money::Fen> fen);
    bool isFixed() const { return m_fixed; }

public slots:
    // The keypad's keys.
    void typeText(const QString& text);
    void backspace();

signals:
    void amountEdited();
    // Enter in the field.
    void submitted();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    // How long after a payment screen closes an Enter on an empty field is taken as meant for
    // that screen: a cashier's reaction to the screen closing by itself.
    static constexpr qint64 kStrayEnterMs = 1500;
    bool isStrayEnter(const QKeyEvent& key) const;
    void showError(const QString& text);
    void refreshError();

    QLineEdit* m_edit = nullptr;
    QLabel* m_error = nullptr;
    bool m_fixed = false;
    QElapsedTimer m_sinceScreenClosed; // invalid until ignoreStrayEnter()
};

} // namespace qpos::ui
