#include "core/reconcile/DailyReconciliation.h"

#include "core/gateways/PaymentGateway.h"
#include "core/reconcile/Reconciler.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>

#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

namespace qpos::reconcile {

namespace {

// The gateways refuse larger bills before they get here; this only bounds the unpacking.
constexpr qint64 kMaxBillBytes = qint64(64) << 20;

qint64 nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

bool isGzip(const QByteArray& file) {
    return file.size() >= 2 && quint8(file[0]) == 0x1f && quint8(file[1]) == 0x8b;
}

// Only the characters a file name may safely carry.
QString fileNamePart(const QString& text) {
    QString safe;
    for (QChar c : text)
        safe += c.isLetterOrNumber() && c.unicode() < 128 ? c : u'_';
    return safe;
}

// Writes `bytes` to `path` through a temporary file flushed to disk, then renamed: the kept
// bill is evidence, so it is either whole or absent.
Status keepFile(const QString& directory, const QString& name, const QByteArray& bytes) {
    auto failure = [&](const QString& why) {
        return Error{QStringLiteral("reconcile.bill_not_kept"),
                     QCoreApplication::translate(
                         "qpos::reconcile::DailyReconciliation",
                         "The bill could not be kept in %1 (%2). Free some disk space or fix the "
                         "folder's permissions, then run the reconciliation again.")
                         .arg(QDir::toNativeSeparators(directory), why)};
    };
    if (!QDir().mkpath(directory))
        return failure(QCoreApplication::translate("qpos::reconcile::DailyReconciliation",
                                                   "the folder cannot be created"));
    const QString path = QDir(directory).filePath(name);
    const QString temporary = path + QStringLiteral(".part");
    QFile file(temporary);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return failure(file.errorString());
    if (file.write(bytes) != bytes.size() || !file.flush() || ::fsync(file.handle()) != 0) {
        const QString why = file.errorString();
        file.close();
        QFile::remove(temporary);
        return failure(why);
    }
    file.close();
    if (std::rename(QFile::encodeName(temporary).constData(),
                    QFile::encodeName(path).constData()) != 0) {
        QFile::remove(temporary);
        return failure(QCoreApplication::translate("qpos::reconcile::DailyReconciliation",
                                                   "the file cannot be renamed"));
    }
    // The rename itself is durable only once the folder is flushed too.
    const int folder = ::open(QFile::encodeName(directory).constData(), O_RDONLY | O_DIRECTORY);
    if (folder >= 0) {
        ::fsync(folder);
        ::close(folder);
    }
    return Status::success();
}

} // namespace

struct DailyReconciliation::Run {
    Q_DECLARE_TR_FUNCTIONS(qpos::reconcile::DailyReconciliation)

public:
    DailyReconciliation* self = nullptr;
    gateway::PaymentGateway& gateway;
    ReconcileLedger& ledger;
    BatchStore& store;
    ReconcileJanitor* janitor = nullptr;
    LedgerScope scope;
    QDate day;
    DailyRunOptions options;

    bool started = false;
    bool finished = false;
    HoldingPool pool{};
    CompletedRun completed{};
    qsizetype nextItem = 0;

    QString providerText() const { return channelLabel(scope.provider); }
    QString dayText() const { return day.toString(Qt::ISODate); }

    void downloaded(const gateway::GatewayResult<gateway::DownloadedBill>& result);
    void matchBill(const gateway::DownloadedBill& bill);
    void match(const BillStream& stream);
    void askJanitor();
    void saveCompleted();
    void saveIncomplete(BatchState state, const QString& message);
    void finish(DailyRunOutcome outcome);
};

DailyReconciliation::DailyReconciliation(gateway::PaymentGateway& gateway, ReconcileLedger& ledger,
                                         BatchStore& store, ReconcileJanitor* janitor,
                                         LedgerScope scope, QDate day, DailyRunOptions options,
                                         QObject* parent)
    : QObject(parent)
    , m_run(new Run{this, gateway, ledger, store, janitor, std::move(scope), day,
                    std::move(options)}) {}

DailyReconciliation::~DailyReconciliation() = default;

void DailyReconciliation::start() {
    Run& run = *m_run;
    if (run.started)
        return;
    run.started = true;
    Result<HoldingPool> pool = run.store.poolBefore(run.scope, run.day);
    if (!pool) {
        // Nothing is saved: the store that refused the read would refuse the write too.
        QMetaObject::invokeMethod(
            this,
            [this, error = pool.error()] {
                m_run->finish(DailyRunOutcome{BatchState::Failed, 0, 0, 0, error.message});
            },
            Qt::QueuedConnection);
        return;
    }
    run.pool = *pool;
    run.gateway.downloadBill(gateway::BillRequest{run.day}, this,
                             [this](gateway::GatewayResult<gateway::DownloadedBill> result) {
                                 m_run->downloaded(result);
                             });
}

void DailyReconciliation::Run::downloaded(
    const gateway::GatewayResult<gateway::DownloadedBill>& result) {
    if (!result.isSuccess()) {
        saveIncomplete(BatchState::Failed,
                       tr("The %1 bill of %2 could not be downloaded: %3 Run the reconciliation "
                          "again later; if this stays, ask IT to check the connection to %1.")
                           .arg(providerText(), dayText(), result.cashierMessage()));
        return;
    }
    const gateway::DownloadedBill& bill = result.value();
    switch (bill.availability) {
    case gateway::BillAvailability::NotReadyYet:
        if (options.deadlineMs && nowMs() >= *options.deadlineMs)
            saveIncomplete(BatchState::Overdue,
                           tr("%1 has still not made the bill of %2. Check the merchant "
                              "platform, or ask %1's support why the bill is late.")
                               .arg(providerText(), dayText()));
        else
            saveIncomplete(BatchState::WaitingForBill,
                           tr("%1 has not made the bill of %2 yet. The reconciliation will try "
                              "again later.")
                               .arg(providerText(), dayText()));
        return;
    case gateway::BillAvailability::NoBill:
        // "No bill" is the provider's word that its bill of the day is empty: the ledger's
        // payments of the day are held and the pool ages, as over any bill.
        completed.state = BatchState::NoBill;
        match(emptyBillStream());
        return;
    case gateway::BillAvailability::Ready:
        matchBill(bill);
        return;
    }
}

void DailyReconciliation::Run::matchBill(const gateway::DownloadedBill& bill) {
    completed.billSha256 =
        bill.fileSha256Hex.isEmpty()
            ? QString::fromLatin1(
                  QCryptographicHash::hash(bill.file, QCryptographicHash::Sha256).toHex())
            : QString::fromLatin1(bill.fileSha256Hex).toLower();
    const bool gzip = isGzip(bill.file);
    if (!options.billDirectory.isEmpty()) {
        QString name = channelName(scope.provider);
        if (!scope.merchantId.isEmpty())
            name += u'-' + fileNamePart(scope.merchantId);
        name += u'-' + dayText();
        name += scope.provider == Channel::Alipay ? QStringLiteral(".zip")
                : gzip                            ? QStringLiteral(".csv.gz")
                                                  : QStringLiteral(".csv");
        if (Status kept = keepFile(options.billDirectory, name, bill.file); !kept.ok()) {
            saveIncomplete(BatchState::Failed, kept.error().message);
            return;
        }
        completed.billFile = QDir(options.billDirectory).filePath(name);
    }
    match(scope.provider == Channel::Alipay ? alipayZipStream(bill.file, kMaxBillBytes)
          : gzip                            ? wechatGzipStream(bill.file, kMaxBillBytes)
                                            : wechatCsvStream(bill.file));
}

void DailyReconciliation::Run::match(const BillStream& stream) {
    Result<ReconcileResult> result =
        reconcileDay(ReconcileRequest{scope, day, pool}, stream, ledger);
    if (!result) {
        saveIncomplete(BatchState::Failed,
                       tr("The %1 bill of %2 could not be reconciled: %3")
                           .arg(providerText(), dayText(), result.error().message));
        return;
    }
    completed.result = std::move(result).value();
    // The till's ledger has no merchant of its own: the batch is the scope's.
    completed.result.merchantId = scope.merchantId;
    for (qsizetype i = 0; i < completed.result.items.size(); ++i) {
        completed.resolutions.append(ItemResolution::Open);
        completed.evidence.append(QString());
    }
    askJanitor();
}

// One item at a time, in order: each answer may move the ledger the next one is judged by.
void DailyReconciliation::Run::askJanitor() {
    while (janitor && nextItem < completed.result.items.size()) {
        const qsizetype index = nextItem++;
        const DifferenceItem& item = completed.result.items[index];
        if (!janitorAsks(item))
            continue;
        janitor->settle(item, self, [this, index](JanitorVerdict verdict) {
            completed.resolutions[index] =
                verdict.resolved ? ItemResolution::Automatic : ItemResolution::Open;
            completed.evidence[index] = verdict.evidence;
            askJanitor();
        });
        return;
    }
    saveCompleted();
}

void DailyReconciliation::Run::saveCompleted() {
    completed.atMs = nowMs();
    Result<qint64> id = store.saveCompleted(completed);
    if (!id) {
        finish(DailyRunOutcome{BatchState::Failed, 0, 0, 0,
                               tr("The %1 reconciliation of %2 could not be saved: %3")
                                   .arg(providerText(), dayText(), id.error().message)});
        return;
    }
    DailyRunOutcome outcome{completed.state, *id, 0, 0, QString()};
    // The store's counts: a difference a manager handled before stays handled.
    Result<std::optional<StoredBatch>> saved = store.batch(*id);
    if (saved && saved->has_value()) {
        outcome.itemCount = (*saved)->itemCount;
        outcome.openItemCount = (*saved)->openItemCount;
    } else {
        outcome.itemCount = completed.result.items.size();
        outcome.openItemCount = completed.resolutions.count(ItemResolution::Open);
    }
    const SideTotals& local = completed.result.totals.local;
    const qint64 localCount = local.paymentCount + local.refundCount;
    if (completed.state == BatchState::NoBill && outcome.openItemCount > 0)
        outcome.message =
            tr("%1 has no bill of %2 (no payment or refund that day), yet the till has %3 open "
               "difference(s) with it. Look at each one and mark it handled once settled.")
                .arg(providerText(), dayText())
                .arg(outcome.openItemCount);
    else if (completed.state == BatchState::NoBill && localCount > 0)
        outcome.message = tr("%1 has no bill of %2, yet the till has %3 payment(s) or refund(s) "
                             "of that day: they wait for the next two days' bills.")
                              .arg(providerText(), dayText())
                              .arg(localCount);
    else if (completed.state == BatchState::NoBill)
        outcome.message = tr("%1 has no bill of %2: there was no payment or refund that day.")
                              .arg(providerText(), dayText());
    else
        outcome.message =
            outcome.openItemCount == 0
                ? tr("The %1 bill of %2 agrees with the till.").arg(providerText(), dayText())
                : tr("The %1 bill of %2 has %3 open difference(s). Look at each one "
                     "and mark it handled once settled.")
                      .arg(providerText(), dayText())
                      .arg(outcome.openItemCount);
    finish(outcome);
}

void DailyReconciliation::Run::saveIncomplete(BatchState state, const QString& message) {
    Result<qint64> id = store.saveIncomplete(scope, day, state, message, nowMs());
    if (!id) {
        finish(DailyRunOutcome{
            BatchState::Failed, 0, 0, 0,
            tr("%1 The result could not be saved either: %2").arg(message, id.error().message)});
        return;
    }
    finish(DailyRunOutcome{state, *id, 0, 0, message});
}

void DailyReconciliation::Run::finish(DailyRunOutcome outcome) {
    if (finished)
        return;
    finished = true;
    emit self->finished(outcome);
}

} // namespace qpos::reconcile
