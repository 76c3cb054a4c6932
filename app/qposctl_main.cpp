// qposctl: the command-line companion of the till, for IT and scripts. Wiring only: the
// commands live in core/ctl, the sandbox command and the demo shop in the sandbox library.
#include "core/config/Translations.h"
#include "core/gateways/GatewayFactory.h"
#include "ctl/CtlCommands.h"
#include "ctl/CtlExit.h"
#include "ctl/CtlInvocation.h"
#include "ctl/CtlOutput.h"
#include "ctl/SandboxCommand.h"
#include "sandbox/SandboxShop.h"

#include <QCoreApplication>

using namespace qpos;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    // The till's name: qposctl reads the till's user configuration and data directory.
    QCoreApplication::setApplicationName(QStringLiteral("qpos"));
    QCoreApplication::setApplicationVersion(QStringLiteral(QPOS_VERSION));
    // A command-line tool speaks the language of the terminal it runs in (LC_ALL, LANG).
    installTranslations(app, interfaceLocale(UiLanguage::System));

    ctl::CtlOutput out;
    const Result<ctl::CtlInvocation> invocation =
        ctl::parseInvocation(QCoreApplication::arguments());
    if (!invocation) {
        out.error(invocation.error().message);
        return ctl::kExitUsage;
    }
    if (invocation->command == u"sandbox") {
        QStringList arguments = invocation->arguments;
        if (invocation->help)
            arguments.prepend(QStringLiteral("--help"));
        arguments.prepend(QStringLiteral("qposctl sandbox"));
        return ctl::runSandboxCommand(arguments);
    }

    // --sandbox without a configured channel: the demo shop's simulated providers in this
    // process, as `qpos --sandbox` has them. Declared first: it outlives the till's gateways.
    std::unique_ptr<sandbox::SandboxShop> shop;
    const auto startDemo = [&shop]() -> Result<ctl::DemoProviders> {
        Result<std::unique_ptr<sandbox::SandboxShop>> started = sandbox::SandboxShop::start();
        if (!started)
            return started.error();
        shop = std::move(started).value();
        const alipay::AlipayClientSettings alipaySettings = shop->alipaySettings();
        const wechat::WechatClientSettings wechatSettings = shop->wechatSettings();
        ctl::DemoProviders demo;
        demo.controlUrl = shop->baseUrl();
        demo.makeGateways = [alipaySettings, wechatSettings]() -> Result<service::GatewayList> {
            return service::makeGateways(alipaySettings, wechatSettings);
        };
        return demo;
    };
    return ctl::runCommand(*invocation, out, startDemo);
}
