#include "server/reconcile/ReconcileRunner.h"

#include "core/logging/LogCategories.h"

#include <QDateTime>
#include <QTimer>

#include <algorithm>
#include <utility>

namespace qpos::server {

using reconcile::BatchState;
using reconcile::DailyRunOutcome;

ReconcileRunner::ReconcileRunner(QMap<Channel, gateway::PaymentGateway*> gateways,
                                 reconcile::ReconcileLedger& ledger, reconcile::BatchStore& batches,
                                 QMap<Channel, QString> merchants, ReconcileRunOptions options,
                                 QObject* parent)
    : QObject(parent)
    , m_gateways(std::move(gateways))
    , m_ledger(ledger)
    , m_batches(batches)
    , m_merchants(std::move(merchants))
    , m_options(std::move(options)) {}

int ReconcileRunner::exitCodeOf(BatchState state) {
    switch (state) {
    case BatchState::Complete:
    case BatchState::NoBill:
        return 0;
    case BatchState::WaitingForBill:
    case BatchState::Overdue:
        return 3;
    case BatchState::Failed:
        return 1;
    }
    return 1;
}

qint64 ReconcileRunner::now() const {
    return m_options.nowMs ? m_options.nowMs() : QDateTime::currentMSecsSinceEpoch();
}

void ReconcileRunner::start() {
    QMetaObject::invokeMethod(this, &ReconcileRunner::runCurrent, Qt::QueuedConnection);
}

void ReconcileRunner::runCurrent() {
    if (m_next >= m_options.providers.size()) {
        emit finished(m_exitCode);
        return;
    }
    const Channel provider = m_options.providers.at(m_next);
    gateway::PaymentGateway* gateway = m_gateways.value(provider);
    if (!gateway) {
        onFinished(DailyRunOutcome{BatchState::Failed, 0, 0, 0,
                                   tr("No %1 client was built.").arg(channelLabel(provider))});
        return;
    }
    reconcile::DailyRunOptions options;
    options.billDirectory = m_options.billDirectory;
    options.deadlineMs = m_options.deadlineMs;
    m_run = new reconcile::DailyReconciliation(
        *gateway, m_ledger, m_batches, m_options.janitor,
        reconcile::LedgerScope{provider, m_merchants.value(provider)}, m_options.day, options,
        this);
    connect(m_run, &reconcile::DailyReconciliation::finished, this, &ReconcileRunner::onFinished);
    m_run->start();
}

void ReconcileRunner::onFinished(const DailyRunOutcome& outcome) {
    const Channel provider = m_options.providers.at(m_next);
    if (m_run) {
        m_run->deleteLater();
        m_run = nullptr;
    }
    emit tried(provider, outcome);
    if (outcome.state == BatchState::WaitingForBill && m_options.wait) {
        // The next try falls at the deadline at the latest, which then saves Overdue.
        const qint64 delay =
            std::clamp(m_options.deadlineMs - now(), qint64(1000), m_options.retryMs);
        qCInfo(lcServer).noquote()
            << channelName(provider) << "bill of" << m_options.day.toString(Qt::ISODate)
            << "not made yet; trying again in" << delay / 1000 << "s";
        QTimer::singleShot(delay, this, &ReconcileRunner::runCurrent);
        return;
    }
    // A failure outweighs a bill not made yet.
    const int code = exitCodeOf(outcome.state);
    m_exitCode = m_exitCode == 1 || code == 1 ? 1 : std::max(m_exitCode, code);
    ++m_next;
    runCurrent();
}

} // namespace qpos::server
