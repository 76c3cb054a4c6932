#include "ui/till/Keypad.h"

#include "ui/till/TillStyle.h"

#include <QGridLayout>
#include <QPushButton>

namespace qpos::ui {

Keypad::Keypad(QWidget* parent)
    : QWidget(parent) {
    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(6);
    const char* const rows[3][3] = {{"7", "8", "9"}, {"4", "5", "6"}, {"1", "2", "3"}};
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) {
            const QString digit = QString::fromLatin1(rows[r][c]);
            QPushButton* key = addKey(digit, QStringLiteral("keypad_") + digit);
            connect(key, &QPushButton::clicked, this, [this, digit] { emit textTyped(digit); });
            grid->addWidget(key, r, c);
        }
    }
    QPushButton* zero = addKey(QStringLiteral("0"), QStringLiteral("keypad_0"));
    connect(zero, &QPushButton::clicked, this, [this] { emit textTyped(QStringLiteral("0")); });
    grid->addWidget(zero, 3, 0);
    QPushButton* dot = addKey(QStringLiteral("."), QStringLiteral("keypad_dot"));
    connect(dot, &QPushButton::clicked, this, [this] { emit textTyped(QStringLiteral(".")); });
    grid->addWidget(dot, 3, 1);
    QPushButton* back = addKey(QStringLiteral("⌫"), QStringLiteral("keypad_back"));
    back->setToolTip(tr("Delete the last digit (Backspace)"));
    back->setAccessibleName(tr("Backspace"));
    connect(back, &QPushButton::clicked, this, &Keypad::backspacePressed);
    grid->addWidget(back, 3, 2);
    QPushButton* clear = addKey(tr("Clear"), QStringLiteral("keypad_clear"));
    clear->setToolTip(tr("Clear the amount (Esc)"));
    connect(clear, &QPushButton::clicked, this, &Keypad::clearPressed);
    grid->addWidget(clear, 4, 0, 1, 3);
}

QPushButton* Keypad::addKey(const QString& label, const QString& name) {
    auto* key = new QPushButton(label, this);
    key->setObjectName(name);
    key->setFocusPolicy(Qt::NoFocus);
    key->setAutoDefault(false);
    key->setMinimumSize(64, 52);
    key->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    till_style::setPointSize(key, till_style::kButtonPt + 4, true);
    return key;
}

} // namespace qpos::ui
