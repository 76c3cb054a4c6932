#pragma once

#include <QTimer>

#include <functional>

namespace qpos::sandbox {

// Closes trades whose time has run out: a sweep every second while any trade is open, coarse
// but enough for minutes-long limits, and idle otherwise.
class ExpirySweep {
public:
    // `sweep` expires what is due and says whether open trades remain.
    explicit ExpirySweep(std::function<bool()> sweep);

    // After a trade changed: sweeping starts when it is open.
    void tradeChanged(bool open);

private:
    std::function<bool()> m_sweep;
    QTimer m_timer;
};

} // namespace qpos::sandbox
