#pragma once

#include "core/money/Money.h"

#include <QDialog>

#include <optional>

class QLabel;
class QLineEdit;

namespace qpos::ui {

// At login, when the till takes cash: the cash the cashier counts into the drawer before the
// first sale (the opening float). Enter confirms (zero is allowed: an empty drawer); Esc logs
// the cashier out again, with no shift opened.
class OpeningFloatDialog : public QDialog {
    Q_OBJECT

public:
    explicit OpeningFloatDialog(QWidget* parent = nullptr);

    std::optional<money::Fen> floatFen() const { return m_floatFen; }
    QLineEdit* floatEdit() const { return m_float; }
    QString messageText() const;

public slots:
    void accept() override;

private:
    std::optional<money::Fen> m_floatFen;
    QLineEdit* m_float = nullptr;
    QLabel* m_message = nullptr;
};

} // namespace qpos::ui
