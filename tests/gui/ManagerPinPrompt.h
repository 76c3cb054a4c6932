#pragma once

// Driving the modal manager PIN prompt from a test: the click that opens it returns only when
// it closes, so the test arranges beforehand what to do once it is on screen.

#include "ui/support/ManagerPinDialog.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTimer>

#include <functional>
#include <memory>

namespace qpos::test {

// Runs `step` on the prompt once it is on screen. Gives up with a warning after 15 s.
inline void onPinPrompt(std::function<void(ui::ManagerPinDialog*)> step) {
    auto* poll = new QTimer;
    auto started = std::make_shared<QElapsedTimer>();
    started->start();
    QObject::connect(poll, &QTimer::timeout, poll, [poll, started, step] {
        auto* prompt = qobject_cast<ui::ManagerPinDialog*>(QApplication::activeModalWidget());
        if (prompt && prompt->isVisible()) {
            poll->deleteLater();
            poll->stop();
            step(prompt);
            return;
        }
        if (started->elapsed() > 15000) {
            poll->deleteLater();
            poll->stop();
            qWarning("no manager PIN prompt appeared");
        }
    });
    poll->start(10);
}

} // namespace qpos::test
