#pragma once

#include "core/link/LinkStatus.h"

#include <QWidget>

class QLabel;

namespace qpos::ui {

// The till header's line about the store backend: whether the link is up (or since when it
// is down), how many orders wait to be uploaded, and a warning when the till's clock is more
// than a minute off the server's. Hidden while the till is not linked at all.
class LinkIndicator : public QWidget {
    Q_OBJECT

public:
    explicit LinkIndicator(QWidget* parent = nullptr);

    void setStatus(const link::LinkStatus& status);
    QString stateText() const;
    QString waitingText() const;
    QString clockText() const;

private:
    QLabel* m_state = nullptr;
    QLabel* m_waiting = nullptr;
    QLabel* m_clock = nullptr;
};

} // namespace qpos::ui
