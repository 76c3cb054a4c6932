// qpos: the cashier's till. Wiring only: flags, configuration, log, database, window.
#include "config/ConfigLoader.h"
#include "logging/FileLog.h"
#include "logging/LogCategories.h"
#include "MainWindow.h"
#include "orders/OutTradeNo.h"
#include "storage/OrderStore.h"
#include "Translations.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QMessageBox>

#include <cstdio>

using namespace qpos;

namespace {

int refuseToStart(const QString& title, const QString& message) {
    std::fprintf(stderr, "qpos: %s\n%s\n", qPrintable(title), qPrintable(message));
    QMessageBox::critical(nullptr, title, message);
    return 1;
}

} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("qpos"));
    QCoreApplication::setApplicationVersion(QStringLiteral(QPOS_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("main", "Cashier till for Alipay and WeChat Pay QR payments."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption sandbox(
        QStringLiteral("sandbox"),
        QCoreApplication::translate("main", "Run the demo shop on simulated payment providers."));
    const QCommandLineOption config(
        {QStringLiteral("c"), QStringLiteral("config")},
        QCoreApplication::translate("main", "Read FILE after the system and user configuration."),
        QStringLiteral("FILE"));
    parser.addOptions({sandbox, config});
    parser.process(app);

    ConfigLoadOptions loadOptions;
    loadOptions.sandbox = parser.isSet(sandbox);
    // The demo shop reads no system or user file: a terminal provisioned for a real shop
    // must never mix demo orders into its database or its settings into the demo.
    const QList<ConfigSource> sources =
        loadOptions.sandbox
            ? (parser.isSet(config) ? QList<ConfigSource>{ConfigSource{parser.value(config), true}}
                                    : QList<ConfigSource>{})
            : ConfigLoader::standardSources(parser.value(config));
    const ConfigLoadResult loaded = ConfigLoader::load(sources, loadOptions);
    ui::installTranslations(app, ui::interfaceLocale(loaded.config.ui.language));
    if (!loaded.ok())
        return refuseToStart(QCoreApplication::translate("main", "The configuration is not valid"),
                             loaded.error().message);
    const AppConfig& cfg = loaded.config;

    FileLog log(FileLogOptions::fromConfig(cfg.log, true));
    if (Status s = log.install(); !s.ok())
        return refuseToStart(QCoreApplication::translate("main", "Cannot write the log"),
                             s.error().message);
    for (const ConfigIssue& warning : loaded.warnings)
        qCWarning(lcConfig).noquote() << warning.message;
    qCInfo(lcUi).noquote() << "qpos" << QCoreApplication::applicationVersion() << "starting"
                           << (cfg.sandbox ? "in sandbox mode" : "")
                           << "config files:" << loaded.filesRead.join(QStringLiteral(", "));

    OrderStore store(OrderStoreOptions{cfg.store.id, cfg.terminal.id, {}});
    if (Status s = store.open(cfg.database.path); !s.ok())
        return refuseToStart(QCoreApplication::translate("main", "Cannot open the order database"),
                             s.error().message);

    ui::MainWindow window(
        ui::ShopIdentity{cfg.store.name, cfg.store.id, cfg.terminal.id, cfg.sandbox});
    const int today = out_trade_no::chinaDay(QDateTime::currentMSecsSinceEpoch());
    if (Result<QList<DailyTotal>> totals = store.dailyTotals(today, today); totals.ok())
        window.showTodayTotals(*totals);
    else
        window.showStatus(totals.error().message);
    window.show();
    return app.exec();
}
