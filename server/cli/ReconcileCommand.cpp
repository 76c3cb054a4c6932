#include "server/cli/ReconcileCommand.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/gateways/PaymentGateway.h"
#include "core/reconcile/ReconcileBatch.h"
#include "server/reconcile/BillGateways.h"
#include "server/reconcile/ReconcileRunner.h"
#include "server/reconcile/ServerBatchStore.h"
#include "server/reconcile/ServerJanitor.h"
#include "server/reconcile/ServerLedger.h"
#include "server/storage/ServerStoreFactory.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QTextStream>

#include <memory>
#include <vector>

namespace qpos::server {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("qpos::server::ReconcileCommand", text);
}

int fail(const QString& text, int code) {
    QTextStream(stderr) << text << '\n';
    return code;
}

// Where the bills are kept: [reconcile] bill_dir, else the state directory's bills/ (systemd's
// StateDirectory=, else the SQLite database's folder).
QString billDirectoryOf(const ServerConfig& config) {
    if (!config.reconcile.billDir.isEmpty())
        return config.reconcile.billDir;
    QString state = qEnvironmentVariable("STATE_DIRECTORY").section(u':', 0, 0);
    if (state.isEmpty() && config.databaseDriver == DatabaseDriver::Sqlite)
        state = QFileInfo(config.databasePath).absolutePath();
    return state.isEmpty() ? QString() : QDir(state).filePath(QStringLiteral("bills"));
}

} // namespace

int reconcileCommand(const ServerConfig& config, const QStringList& args) {
    const QString usage = tr("Usage: qpos-server --config FILE reconcile --date yyyy-MM-dd|"
                             "yesterday [--provider alipay|wechat] [--wait]");
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    std::optional<QDate> day;
    QList<Channel> providers;
    bool wait = false;
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString& a = args.at(i);
        if (a == u"--date" && i + 1 < args.size()) {
            day = china_calendar::parseDate(args.at(++i), now);
            if (!day)
                return fail(tr("\"%1\" is not a day: give --date yyyy-MM-dd (a China date) or "
                               "--date yesterday.")
                                .arg(args.at(i)),
                            2);
        } else if (a == u"--provider" && i + 1 < args.size()) {
            const std::optional<Channel> provider = channelFromName(args.at(++i));
            if (!provider || !isProviderChannel(*provider))
                return fail(tr("\"%1\" is not a provider: give --provider alipay or --provider "
                               "wechat, or leave it out for both.")
                                .arg(args.at(i)),
                            2);
            providers = {*provider};
        } else if (a == u"--wait") {
            wait = true;
        } else {
            return fail(usage, 2);
        }
    }
    if (!day)
        return fail(usage, 2);
    const QMap<Channel, QString> merchants = reconcileMerchants(config);
    if (providers.isEmpty())
        providers = merchants.keys();
    if (providers.isEmpty())
        return fail(tr("Neither [alipay] nor [wechat] is enabled in %1: there is no bill to "
                       "reconcile.")
                        .arg(config.file),
                    2);

    std::vector<std::unique_ptr<gateway::PaymentGateway>> owned;
    QMap<Channel, gateway::PaymentGateway*> gateways;
    for (Channel provider : std::as_const(providers)) {
        Result<std::unique_ptr<gateway::PaymentGateway>> g = billGateway(config, provider);
        if (!g)
            return fail(g.error().message, 2);
        gateways.insert(provider, g->get());
        owned.push_back(std::move(g).value());
    }
    const QString billDirectory = billDirectoryOf(config);
    if (billDirectory.isEmpty())
        return fail(tr("Set [reconcile] bill_dir in %1 to the folder where the bills are kept "
                       "(e.g. /var/lib/qpos-server/bills): with PostgreSQL the server has no "
                       "folder of its own.")
                        .arg(config.file),
                    2);

    const std::unique_ptr<ServerStore> store = makeServerStore(config);
    if (Status opened = store->open(); !opened)
        return fail(opened.error().message, 1);
    ServerLedger ledger(*store, merchants);
    ServerBatchStore batches(*store);

    ReconcileRunOptions options;
    options.day = *day;
    options.providers = providers;
    options.wait = wait;
    options.retryMs = qint64(config.reconcile.retrySeconds) * 1000;
    options.deadlineMs = china_calendar::dayStartMs(day->addDays(1)) +
                         qint64(config.reconcile.deadlineMinutes) * 60 * 1000;
    options.billDirectory = billDirectory;
    // The settle requests reach the tills through the serving instance (PostgreSQL's NOTIFY,
    // or its next read of the queue on SQLite).
    ServerJanitor janitor(gateways, *store, batches,
                          [] { return QDateTime::currentMSecsSinceEpoch(); });
    options.janitor = &janitor;
    ReconcileRunner runner(gateways, ledger, batches, merchants, options);
    int exitCode = 1;
    QTextStream out(stdout);
    QObject::connect(&runner, &ReconcileRunner::tried,
                     [&](Channel provider, const reconcile::DailyRunOutcome& outcome) {
                         // A till may have answered before its items were saved.
                         if (outcome.state == reconcile::BatchState::Complete)
                             if (Status s = janitor.resolveAnswered(outcome.batchId); !s)
                                 out << s.error().message << Qt::endl;
                         out << channelName(provider) << ' ' << day->toString(Qt::ISODate) << ' '
                             << reconcile::batchStateName(outcome.state) << ": " << outcome.message
                             << Qt::endl;
                     });
    QObject::connect(&runner, &ReconcileRunner::finished, [&](int code) {
        exitCode = code;
        QCoreApplication::exit(code);
    });
    runner.start();
    QCoreApplication::exec();
    return exitCode;
}

} // namespace qpos::server
