#include "sandbox/support/ExpirySweep.h"

namespace qpos::sandbox {

ExpirySweep::ExpirySweep(std::function<bool()> sweep)
    : m_sweep(std::move(sweep)) {
    m_timer.setInterval(1000);
    QObject::connect(&m_timer, &QTimer::timeout, &m_timer, [this] {
        if (!m_sweep())
            m_timer.stop();
    });
}

void ExpirySweep::tradeChanged(bool open) {
    if (open && !m_timer.isActive())
        m_timer.start();
}

} // namespace qpos::sandbox
