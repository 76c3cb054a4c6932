#include "ui/till/LinkIndicator.h"

#include "core/calendar/LocalTimeText.h"
#include "ui/till/TillStyle.h"

#include <QHBoxLayout>
#include <QLabel>

namespace qpos::ui {

namespace {

const QString kWarningStyle = QStringLiteral("color:#b00020;font-weight:bold;");

} // namespace

LinkIndicator::LinkIndicator(QWidget* parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("linkIndicator"));
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(16);
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("linkState"));
    m_waiting = new QLabel(this);
    m_waiting->setObjectName(QStringLiteral("linkWaiting"));
    m_clock = new QLabel(this);
    m_clock->setObjectName(QStringLiteral("clockWarning"));
    m_clock->setStyleSheet(kWarningStyle);
    m_clock->setWordWrap(true);
    for (QLabel* label : {m_state, m_waiting, m_clock}) {
        till_style::setPointSize(label, till_style::kBodyPt - 1);
        row->addWidget(label);
    }
    row->addStretch(1);
    setStatus({});
}

void LinkIndicator::setStatus(const link::LinkStatus& status) {
    using State = link::LinkStatus::State;
    const bool linked = status.state != State::NotConfigured;
    setVisible(linked || !status.problem.isEmpty());
    m_state->setStyleSheet(QString());
    m_state->setToolTip(status.problem);
    switch (status.state) {
    case State::NotConfigured:
        m_state->setText(status.problem.isEmpty() ? tr("Store server: not linked")
                                                  : tr("Store server: not usable"));
        if (!status.problem.isEmpty())
            m_state->setStyleSheet(kWarningStyle);
        break;
    case State::Connecting:
        m_state->setText(tr("Store server: connecting…"));
        break;
    case State::Connected:
        m_state->setText(tr("Store server: connected"));
        break;
    case State::Offline:
        m_state->setText(
            tr("Store server: offline since %1").arg(localTimeText(status.offlineSinceMs)));
        m_state->setStyleSheet(kWarningStyle);
        break;
    }

    m_waiting->setVisible(linked);
    if (status.waitingOrders == 0)
        m_waiting->setText(tr("All orders uploaded"));
    else if (status.waitingOrders == 1)
        m_waiting->setText(tr("1 order waiting to upload"));
    else
        m_waiting->setText(tr("%1 orders waiting to upload").arg(status.waitingOrders));

    m_clock->setVisible(status.clockWarning());
    if (status.clockWarning()) {
        const qint64 seconds = qAbs(*status.clockDifferenceMs) / 1000;
        m_clock->setText(*status.clockDifferenceMs > 0
                             ? tr("This till's clock is %1 s behind the store server's: have "
                                  "the time set right.")
                                   .arg(seconds)
                             : tr("This till's clock is %1 s ahead of the store server's: have "
                                  "the time set right.")
                                   .arg(seconds));
    } else {
        m_clock->clear();
    }
}

QString LinkIndicator::stateText() const {
    return m_state->text();
}

QString LinkIndicator::waitingText() const {
    return m_waiting->isVisibleTo(parentWidget()) ? m_waiting->text() : QString();
}

QString LinkIndicator::clockText() const {
    return m_clock->isVisibleTo(parentWidget()) ? m_clock->text() : QString();
}

} // namespace qpos::ui
