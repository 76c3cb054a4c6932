#pragma once

#include <QMetaType>
#include <QString>

#include <optional>

namespace qpos::link {

// What the till's header shows about the store backend.
struct LinkStatus {
    enum class State {
        NotConfigured, // no [store_server] url, or no usable credentials (`problem` says why)
        Connecting,    // the push link is being opened for the first time
        Connected,     // the push link is up
        Offline,       // the push link is down since `offlineSinceMs`; retrying
    };
    State state = State::NotConfigured;
    qint64 offlineSinceMs = 0;
    qint64 waitingOrders = 0; // orders with changes not yet uploaded
    qint64 waitingRows = 0;
    std::optional<qint64> clockDifferenceMs; // the server's clock minus the till's
    QString problem;                         // translated; why the link cannot be used

    // More than this between the clocks is shown to the cashier.
    static constexpr qint64 kClockWarningMs = 60 * 1000;
    bool clockWarning() const {
        return clockDifferenceMs &&
               (*clockDifferenceMs > kClockWarningMs || *clockDifferenceMs < -kClockWarningMs);
    }
};

} // namespace qpos::link

Q_DECLARE_METATYPE(qpos::link::LinkStatus)
