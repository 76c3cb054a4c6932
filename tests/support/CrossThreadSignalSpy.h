#pragma once

#include <QEventLoop>
#include <QList>
#include <QObject>
#include <QTimer>
#include <QVariant>

namespace qpos::test {

// A QSignalSpy for signals that another thread emits, such as the till's answers from its
// worker. QSignalSpy appends on the emitting thread while the test reads the list on its own,
// a data race that crashed a test now and then. This spy appends on the thread it lives on: a
// signal from another thread arrives as a queued call, one from its own thread at once.
class CrossThreadSignalSpy : public QObject, public QList<QList<QVariant>> {
public:
    template <typename Signal>
    CrossThreadSignalSpy(const typename QtPrivate::FunctionPointer<Signal>::Object* sender,
                         Signal signal) {
        QObject::connect(sender, signal, this, [this](const auto&... args) {
            append(QList<QVariant>{QVariant::fromValue(args)...});
            if (m_loop)
                m_loop->quit();
        });
    }

    // Whether the signal arrived (again) within `timeoutMs`, as QSignalSpy::wait.
    bool wait(int timeoutMs = 5000) {
        const qsizetype before = size();
        QEventLoop loop;
        QTimer timeout;
        timeout.setSingleShot(true);
        QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
        m_loop = &loop;
        timeout.start(timeoutMs);
        loop.exec();
        m_loop = nullptr;
        return size() > before;
    }

private:
    QEventLoop* m_loop = nullptr;
};

} // namespace qpos::test
