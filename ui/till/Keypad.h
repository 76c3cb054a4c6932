#pragma once

#include <QString>
#include <QWidget>

class QPushButton;

namespace qpos::ui {

// The on-screen keypad for amounts: digits, the decimal point, backspace and clear. Its
// buttons never take the keyboard focus, so the physical keyboard (and a scanner) keep
// typing where they were.
class Keypad : public QWidget {
    Q_OBJECT

public:
    explicit Keypad(QWidget* parent = nullptr);

signals:
    void textTyped(const QString& text); // "0".."9" or "."
    void backspacePressed();
    void clearPressed();

private:
    QPushButton* addKey(const QString& label, const QString& name);
};

} // namespace qpos::ui
