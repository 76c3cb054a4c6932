#include "ctl/ReconcileCommand.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/checkout/CheckoutEngine.h"
#include "core/checkout/EngineJanitor.h"
#include "core/checkout/GatewayDirectory.h"
#include "core/money/Money.h"
#include "core/money/SubFen.h"
#include "core/reconcile/BatchJson.h"
#include "core/reconcile/DailyReconciliation.h"
#include "core/reconcile/SqliteBatchStore.h"
#include "core/reconcile/SqliteLedger.h"
#include "core/storage/DatabaseLock.h"
#include "core/storage/OrderStore.h"
#include "ctl/CommandOptions.h"
#include "ctl/CtlContext.h"
#include "ctl/CtlExit.h"
#include "ctl/StoreAccess.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTimer>

#include <algorithm>

namespace qpos::ctl {

using reconcile::BatchState;
using reconcile::DailyRunOutcome;
using reconcile::StoredBatch;
using reconcile::StoredItem;

namespace {

// One provider's run as the command reports it.
struct ProviderRun {
    Channel provider = Channel::Alipay;
    DailyRunOutcome outcome;
    StoredBatch batch;
    QList<StoredItem> items;
};

// "HH:MM", China time: minutes after midnight.
std::optional<int> parseClock(const QString& text) {
    static const QRegularExpression shape(QStringLiteral("^([01][0-9]|2[0-3]):([0-5][0-9])$"));
    const QRegularExpressionMatch match = shape.match(text);
    if (!match.hasMatch())
        return std::nullopt;
    return match.captured(1).toInt() * 60 + match.captured(2).toInt();
}

// The merchant account a batch belongs to: the configured one, when the file names it.
QString merchantOf(const AppConfig& config, Channel provider) {
    if (provider == Channel::Alipay)
        return config.alipay.sellerId.isEmpty() ? config.alipay.appId : config.alipay.sellerId;
    return config.wechat.mchId;
}

DailyRunOutcome runOnce(gateway::PaymentGateway& gateway, reconcile::ReconcileLedger& ledger,
                        reconcile::BatchStore& store, reconcile::ReconcileJanitor& janitor,
                        const reconcile::LedgerScope& scope, QDate day,
                        const reconcile::DailyRunOptions& options) {
    reconcile::DailyReconciliation run(gateway, ledger, store, &janitor, scope, day, options);
    std::optional<DailyRunOutcome> outcome;
    QEventLoop loop;
    QObject::connect(&run, &reconcile::DailyReconciliation::finished, &loop,
                     [&outcome, &loop](const DailyRunOutcome& o) {
                         outcome = o;
                         loop.quit();
                     });
    run.start();
    if (!outcome)
        loop.exec();
    return *outcome;
}

void sleepMs(qint64 ms) {
    QEventLoop loop;
    QTimer::singleShot(std::chrono::milliseconds(ms), &loop, &QEventLoop::quit);
    loop.exec();
}

QString sideText(const reconcile::SideTotals& side) {
    return QCoreApplication::translate("qpos::ctl", "%1 payments %2, %3 refunds %4")
        .arg(side.paymentCount)
        .arg(money::formatYuan(side.paymentFen))
        .arg(side.refundCount)
        .arg(money::formatYuan(side.refundFen));
}

QString amountText(const std::optional<money::Fen>& fen) {
    return fen ? money::formatYuan(*fen) : QStringLiteral("-");
}

void printRun(const CtlOutput& out, const ProviderRun& run) {
    const StoredBatch& b = run.batch;
    out.line(QStringLiteral("%1 %2: %3")
                 .arg(channelLabel(run.provider), b.day.toString(Qt::ISODate),
                      reconcile::batchStateLabel(b.state)));
    if (run.outcome.state != b.state)
        out.line(QStringLiteral("  ") +
                 QCoreApplication::translate("qpos::ctl", "This run: %1. %2")
                     .arg(reconcile::batchStateLabel(run.outcome.state), run.outcome.message));
    // A no-bill day is matched as an empty bill: it has figures and differences too.
    if (b.state != BatchState::Complete && b.state != BatchState::NoBill) {
        out.line(QStringLiteral("  ") + (b.error.isEmpty() ? run.outcome.message : b.error));
        return;
    }
    out.line(
        QStringLiteral("  ") +
        QCoreApplication::translate("qpos::ctl", "Provider: %1").arg(sideText(b.totals.provider)));
    out.line(
        QStringLiteral("  ") +
        QCoreApplication::translate("qpos::ctl", "Till:     %1").arg(sideText(b.totals.local)));
    out.line(
        QStringLiteral("  ") +
        QCoreApplication::translate("qpos::ctl", "Fee %1, matched %2, held for the next days %3")
            .arg(money::formatSubFenYuan(b.totals.fee))
            .arg(b.totals.matched)
            .arg(b.totals.held));
    if (!b.billFile.isEmpty())
        out.line(QStringLiteral("  ") +
                 QCoreApplication::translate("qpos::ctl", "Bill kept in %1").arg(b.billFile));
    out.line(QStringLiteral("  ") +
             QCoreApplication::translate("qpos::ctl", "%1 differences, %2 open")
                 .arg(b.itemCount)
                 .arg(b.openItemCount));
    for (const StoredItem& s : run.items) {
        const reconcile::DifferenceItem& item = s.item;
        QString key = item.outTradeNo;
        if (!item.outRequestNo.isEmpty())
            key += u'/' + item.outRequestNo;
        out.line(QStringLiteral("  - %1 %2: %3 %4 / %5 %6 — %7")
                     .arg(reconcile::differenceClassLabel(item.kind), key,
                          item.localState.isEmpty() ? QStringLiteral("-") : item.localState,
                          amountText(item.localAmountFen),
                          item.providerState.isEmpty() ? QStringLiteral("-") : item.providerState,
                          amountText(item.providerAmountFen),
                          reconcile::itemResolutionLabel(s.resolution)));
        if (!item.detail.isEmpty())
            out.line(QStringLiteral("      ") + item.detail);
        if (!s.evidence.isEmpty())
            out.line(QStringLiteral("      ") + s.evidence);
        if (!s.note.isEmpty())
            out.line(QStringLiteral("      ") + s.note);
    }
}

// Failure first, then bills still to come, then open differences.
int exitCodeOf(const QList<ProviderRun>& runs) {
    int code = kExitOk;
    auto raise = [&code](int to, int rank) {
        static constexpr int kOrder[] = {kExitOk, kExitOpenDifferences, kExitBillNotReady,
                                         kExitError};
        const int current =
            int(std::find(std::begin(kOrder), std::end(kOrder), code) - std::begin(kOrder));
        if (rank > current)
            code = to;
    };
    for (const ProviderRun& run : runs) {
        // This run's outcome: a kept batch of an earlier, better run does not hide it.
        switch (run.outcome.state) {
        case BatchState::Failed:
            raise(kExitError, 3);
            break;
        case BatchState::WaitingForBill:
        case BatchState::Overdue:
            raise(kExitBillNotReady, 2);
            break;
        case BatchState::Complete:
        case BatchState::NoBill:
            if (run.batch.openItemCount > 0)
                raise(kExitOpenDifferences, 1);
            break;
        }
    }
    return code;
}

} // namespace

int runReconcileCommand(CtlContext& context, const QStringList& arguments) {
    CommandOptions options(
        QStringLiteral("reconcile"),
        QStringLiteral("--date yyyy-MM-dd|yesterday [--provider alipay|wechat] [--wait] "
                       "[--retry-seconds N] [--until HH:MM] [--json]"),
        QCoreApplication::translate(
            "qpos::ctl",
            "Downloads each provider's bill of a China day, matches it against the till's "
            "orders and keeps the result in the till's database (the bill file in bills/ beside "
            "it). Before a difference is recorded, the provider is asked about the trade: an "
            "order the till had as cancelled or failed that the provider took is recorded as "
            "paid. Running a day again is safe.\n"
            "Exit codes: 0 every bill agrees with the till (or there was none that day), 4 open "
            "differences for the manager, 5 a bill not made yet or overdue, 1 an error."));
    const QCommandLineOption date(
        QStringLiteral("date"),
        QCoreApplication::translate("qpos::ctl", "The China date of the bills."),
        QStringLiteral("yyyy-MM-dd"));
    const QCommandLineOption provider(
        QStringLiteral("provider"),
        QCoreApplication::translate("qpos::ctl",
                                    "Only this provider (default: every configured one)."),
        QStringLiteral("alipay|wechat"));
    const QCommandLineOption wait(
        QStringLiteral("wait"),
        QCoreApplication::translate("qpos::ctl",
                                    "Wait for a bill not made yet, asking again now and then "
                                    "until the deadline."));
    const QCommandLineOption retry(
        QStringLiteral("retry-seconds"),
        QCoreApplication::translate("qpos::ctl",
                                    "With --wait: seconds between tries (default 600)."),
        QStringLiteral("N"), QStringLiteral("600"));
    const QCommandLineOption until(
        QStringLiteral("until"),
        QCoreApplication::translate("qpos::ctl",
                                    "The deadline for the bill, China time on the next day "
                                    "(default 18:00): after it, a missing bill is overdue."),
        QStringLiteral("HH:MM"), QStringLiteral("18:00"));
    for (const QCommandLineOption& o : {date, provider, wait, retry, until})
        options.add(o);
    options.addJson();
    options.refuseArguments();
    CtlOutput& out = context.out();
    if (std::optional<int> done = options.parse(arguments, out))
        return *done;

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (!options.isSet(date))
        return options.usageError(
            out, QCoreApplication::translate("qpos::ctl",
                                             "Give the day to reconcile with --date yyyy-MM-dd "
                                             "(or --date yesterday)."));
    const std::optional<QDate> day = china_calendar::parseDate(options.value(date), now);
    if (!day)
        return options.usageError(
            out, QCoreApplication::translate("qpos::ctl",
                                             "\"%1\" is not a date: write it as yyyy-MM-dd, for "
                                             "example 2026-12-01, or \"yesterday\".")
                     .arg(options.value(date)));
    std::optional<Channel> only;
    if (options.isSet(provider)) {
        only = channelFromName(options.value(provider));
        if (!only || !isProviderChannel(*only))
            return options.usageError(
                out, QCoreApplication::translate("qpos::ctl",
                                                 "--provider is alipay or wechat, not \"%1\".")
                         .arg(options.value(provider)));
    }
    bool retryOk = false;
    const int retrySeconds = options.value(retry).toInt(&retryOk);
    if (!retryOk || retrySeconds < 1)
        return options.usageError(
            out, QCoreApplication::translate("qpos::ctl",
                                             "--retry-seconds takes a whole number of seconds, "
                                             "1 or more, not \"%1\".")
                     .arg(options.value(retry)));
    const std::optional<int> untilMinutes = parseClock(options.value(until));
    if (!untilMinutes)
        return options.usageError(
            out, QCoreApplication::translate("qpos::ctl",
                                             "--until takes a China time as HH:MM, for example "
                                             "18:00, not \"%1\".")
                     .arg(options.value(until)));
    const qint64 deadlineMs =
        china_calendar::dayStartMs(day->addDays(1)) + qint64(*untilMinutes) * 60'000;

    const AppConfig* config = context.config();
    if (!config || !context.installLog())
        return kExitError;
    // Settling a trade writes orders: no till may be working on the database meanwhile.
    Result<std::unique_ptr<DatabaseLock>> lock = DatabaseLock::acquire(config->database.path);
    if (!lock) {
        out.error(lock.error().message);
        return kExitError;
    }
    const std::unique_ptr<OrderStore> orders = openOrderStore(*config, out);
    if (!orders)
        return kExitError;
    reconcile::SqliteBatchStore batches;
    if (Status s = batches.open(config->database.path); !s.ok()) {
        out.error(s.error().message);
        return kExitError;
    }
    reconcile::SqliteLedger ledger;
    if (Status s = ledger.open(config->database.path); !s.ok()) {
        out.error(s.error().message);
        return kExitError;
    }
    const std::optional<GatewayFactory> factory = context.gatewayFactory(*config);
    if (!factory)
        return kExitError;
    Result<service::GatewayList> made = (*factory)();
    if (!made) {
        out.error(made.error().message);
        return kExitError;
    }
    checkout::GatewayDirectory gateways;
    for (std::unique_ptr<gateway::PaymentGateway>& g : made.value())
        gateways.add(std::move(g));
    QList<Channel> providers;
    for (Channel c : kProviderChannels) {
        if ((!only || *only == c) && gateways.find(c))
            providers.append(c);
    }
    if (providers.isEmpty()) {
        out.error(only ? QCoreApplication::translate(
                             "qpos::ctl",
                             "%1 is not set up on this till: see the [%2] section of the "
                             "configuration.")
                             .arg(channelLabel(*only), channelName(*only))
                       : QCoreApplication::translate(
                             "qpos::ctl",
                             "No payment provider is set up on this till, so there is no bill "
                             "to reconcile."));
        return kExitError;
    }
    checkout::CheckoutPolicy policy;
    policy.qrTimeoutS = config->checkout.qrTimeoutS;
    checkout::CheckoutEngine engine(*orders, gateways, policy);
    checkout::EngineJanitor janitor(engine);
    const reconcile::DailyRunOptions runOptions{
        QFileInfo(config->database.path).dir().filePath(QStringLiteral("bills")), deadlineMs};

    QList<ProviderRun> runs;
    for (Channel c : providers) {
        ProviderRun run;
        run.provider = c;
        const reconcile::LedgerScope scope{c, merchantOf(*config, c)};
        run.outcome = runOnce(*gateways.find(c), ledger, batches, janitor, scope, *day, runOptions);
        while (options.isSet(wait) && run.outcome.state == BatchState::WaitingForBill) {
            const qint64 left = deadlineMs - QDateTime::currentMSecsSinceEpoch();
            const qint64 pause = std::clamp(left, qint64(0), qint64(retrySeconds) * 1000);
            if (!out.json())
                out.note(
                    QCoreApplication::translate(
                        "qpos::ctl", "The %1 bill of %2 is not made yet; asking again in %3 s.")
                        .arg(channelLabel(c), day->toString(Qt::ISODate))
                        .arg((pause + 999) / 1000));
            sleepMs(pause);
            run.outcome =
                runOnce(*gateways.find(c), ledger, batches, janitor, scope, *day, runOptions);
        }
        Result<std::optional<StoredBatch>> stored = batches.batch(run.outcome.batchId);
        if (run.outcome.batchId != 0 && stored && stored->has_value()) {
            run.batch = **stored;
            if (Result<QList<StoredItem>> items = batches.items(run.batch.id))
                run.items = *items;
        } else {
            // Not saved: what the run said is all there is.
            run.batch.provider = c;
            run.batch.merchantId = scope.merchantId;
            run.batch.day = *day;
            run.batch.state = run.outcome.state;
            run.batch.error = run.outcome.message;
        }
        // A later failure to fetch leaves a matched batch in place: report what is kept.
        runs.append(run);
    }

    if (out.json()) {
        QJsonArray list;
        for (const ProviderRun& run : runs) {
            QJsonArray items;
            for (const StoredItem& item : run.items)
                items.append(reconcile::itemToJson(item));
            // "run": this run's outcome, which differs from the batch's state when a later
            // download failed and the earlier match was kept.
            const QJsonObject outcome{
                {QStringLiteral("state"), reconcile::batchStateName(run.outcome.state)},
                {QStringLiteral("message"), run.outcome.message}};
            list.append(QJsonObject{{QStringLiteral("batch"), reconcile::batchToJson(run.batch)},
                                    {QStringLiteral("items"), items},
                                    {QStringLiteral("run"), outcome}});
        }
        out.object(QJsonObject{{QStringLiteral("batches"), list}});
    } else {
        for (const ProviderRun& run : runs)
            printRun(out, run);
    }
    return exitCodeOf(runs);
}

} // namespace qpos::ctl
