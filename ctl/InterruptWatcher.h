#pragma once

#include <QObject>

class QSocketNotifier;

namespace qpos::ctl {

// Turns SIGINT (Ctrl+C) and SIGTERM into a Qt signal while it exists, so that a waiting
// charge can cancel its order at the provider instead of dying with the QR still payable.
// One instance at a time; the previous handlers come back when it is destroyed.
class InterruptWatcher : public QObject {
    Q_OBJECT

public:
    explicit InterruptWatcher(QObject* parent = nullptr);
    ~InterruptWatcher() override;

    bool isActive() const { return m_notifier != nullptr; }
    int count() const { return m_count; }

signals:
    // Emitted in the watcher's thread, once per signal received.
    void interrupted(int count);

private:
    void drain();

    QSocketNotifier* m_notifier = nullptr;
    int m_count = 0;
};

} // namespace qpos::ctl
