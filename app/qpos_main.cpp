// qpos: the cashier's till. Wiring only: flags, configuration, log, the till's worker, the
// window, and in sandbox mode the in-process demo shop and its store server.
#include "core/config/ConfigLoader.h"
#include "core/config/Translations.h"
#include "core/gateways/GatewayFactory.h"
#include "core/link/ProvisionedEnrollment.h"
#include "core/logging/FileLog.h"
#include "core/logging/LogCategories.h"
#include "core/service/PosService.h"
#include "demo/DemoShop.h"
#include "ui/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QMessageBox>
#include <QThread>

#include <cstdio>
#include <memory>

using namespace qpos;

namespace {

int refuseToStart(const QString& title, const QString& message) {
    std::fprintf(stderr, "qpos: %s\n%s\n", qPrintable(title), qPrintable(message));
    QMessageBox::critical(nullptr, title, message);
    return 1;
}

// The demo shop's gateways: an AlipayClient and a WechatClient on the in-process sandbox.
std::function<Result<service::GatewayList>()>
sandboxGateways(const alipay::AlipayClientSettings& alipaySettings,
                const wechat::WechatClientSettings& wechatSettings) {
    return [alipaySettings, wechatSettings]() -> Result<service::GatewayList> {
        return gateway::makeGateways(alipaySettings, wechatSettings);
    };
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
    installTranslations(app, interfaceLocale(loaded.config.ui.language));
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
    qCInfo(lcApp).noquote() << "qpos" << QCoreApplication::applicationVersion() << "starting"
                            << (cfg.sandbox ? "in sandbox mode" : "")
                            << "config files:" << loaded.filesRead.join(QStringLiteral(", "));

    // Declared before the till: it is destroyed after the till's gateways stopped using it.
    std::unique_ptr<demo::DemoShop> shop;
    service::PosOptions tillOptions;
    tillOptions.config = cfg;
    if (cfg.sandbox) {
        Result<std::unique_ptr<demo::DemoShop>> started =
            demo::DemoShop::start(demo::DemoShop::optionsFor(cfg));
        if (!started)
            return refuseToStart(QCoreApplication::translate("main", "Cannot start the demo shop"),
                                 started.error().message);
        shop = std::move(started).value();
        qCInfo(lcApp).noquote() << "demo shop's simulated providers at"
                                << shop->providers().baseUrl().toString();
        tillOptions.config = shop->linkedConfig(cfg);
        tillOptions.makeGateways = sandboxGateways(shop->alipaySettings(), shop->wechatSettings());
    } else {
        tillOptions.makeGateways = [cfg] {
            return gateway::makeConfiguredGateways(cfg);
        };
    }
    const AppConfig tillConfig = tillOptions.config;
    service::PosService till(std::move(tillOptions));

    ui::TillWindowOptions windowOptions;
    windowOptions.config = tillConfig;
    windowOptions.settingsFiles.sources = sources;
    windowOptions.settingsFiles.dataDir = loadOptions.dataDir;
    windowOptions.buyer = shop ? &shop->buyer() : nullptr;
    // The window first: it must hear the till's ready().
    ui::MainWindow window(till, windowOptions);
    window.show();
    till.start();

    // A provisioned terminal enrolls itself with the code IT left beside the system
    // configuration, on a thread of its own while the till sells (docs/deploy.md).
    QThread provisioning;
    provisioning.setObjectName(QStringLiteral("provisioning"));
    const link::EnrollmentCodeFile codeFile(link::EnrollmentCodeFile::defaultPath());
    if (!cfg.sandbox && QFileInfo::exists(codeFile.path())) {
        const QString userFile =
            parser.isSet(config) ? parser.value(config) : ConfigLoader::userConfigPath();
        Result<link::EnrollmentTarget> target = link::tillEnrollmentTarget(cfg, userFile, sources);
        if (!target) {
            window.showProvisioning({link::ProvisioningStatus::State::Waiting,
                                     target.error().message,
                                     target.error().code,
                                     0,
                                     0,
                                     {}});
        } else {
            auto* enrollment = new link::ProvisionedEnrollment(std::move(target).value(), codeFile);
            enrollment->moveToThread(&provisioning);
            QObject::connect(&provisioning, &QThread::finished, enrollment, &QObject::deleteLater);
            QObject::connect(enrollment, &link::ProvisionedEnrollment::statusChanged, &window,
                             &ui::MainWindow::showProvisioning);
            QObject::connect(enrollment, &link::ProvisionedEnrollment::statusChanged, &till,
                             [&till](const link::ProvisioningStatus& s) {
                                 if (s.state == link::ProvisioningStatus::State::Enrolled)
                                     till.useStoreServer(s.serverUrl.toString(QUrl::FullyEncoded));
                             });
            provisioning.start();
            QMetaObject::invokeMethod(enrollment, &link::ProvisionedEnrollment::start,
                                      Qt::QueuedConnection);
        }
    }

    const int status = app.exec();
    provisioning.quit();
    provisioning.wait();
    qCInfo(lcApp) << "qpos stopping";
    return status;
}
