#pragma once

#include <QFrame>
#include <QString>

class QLabel;

namespace qpos::ui {

// A dismissable note above the till's screens, for what the cashier should read once (what
// start-up recovery settled).
class NoticeBar : public QFrame {
    Q_OBJECT

public:
    explicit NoticeBar(QWidget* parent = nullptr);

    void showNotice(const QString& text);
    QString text() const;

private:
    QLabel* m_text = nullptr;
};

} // namespace qpos::ui
