#pragma once

#include <QString>
#include <QWidget>

class QLabel;
class QProgressBar;

namespace qpos::ui {

// What the till shows before it can sell: "Recovering open orders…" while start-up recovery
// settles the payments an earlier run left open, or why the till cannot open.
class StartupPanel : public QWidget {
    Q_OBJECT

public:
    explicit StartupPanel(QWidget* parent = nullptr);

    void showRecovering();
    // `error` is the till's translated message; it says what to do.
    void showError(const QString& error);
    bool showsError() const { return m_error; }
    QString text() const;

private:
    QLabel* m_title = nullptr;
    QLabel* m_detail = nullptr;
    QProgressBar* m_busy = nullptr;
    bool m_error = false;
};

} // namespace qpos::ui
