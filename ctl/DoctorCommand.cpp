#include "ctl/DoctorCommand.h"

#include "core/gateways/ConnectionSettings.h"
#include "core/gateways/GatewayFactory.h"
#include "core/gateways/GatewayProbe.h"
#include "core/gateways/PaymentGateway.h"
#include "core/link/EnrollmentCodeFile.h"
#include "core/link/StoreServerHttp.h"
#include "ctl/CommandOptions.h"
#include "ctl/CtlContext.h"
#include "ctl/CtlExit.h"
#include "ctl/DoctorChecks.h"
#include "ctl/DoctorReport.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QTimer>

#include <optional>

namespace qpos::ctl {

namespace {

// One query with the gateway's retries fits well within this.
constexpr std::chrono::seconds kProbeBound{90};

QString gatewayUrl(const AppConfig& config, Channel channel) {
    return channel == Channel::Alipay ? config.alipay.gatewayUrl : config.wechat.gatewayUrl;
}

// The gateways log their failures; the doctor reports them itself, so its output stays one
// line per check unless --verbose asks for the log too.
void dropMessage(QtMsgType, const QMessageLogContext&, const QString&) {}

void probeGateways(const AppConfig& config, const QList<Channel>& usable, DoctorReport& report) {
    const QString area = QStringLiteral("gateway");
    Result<service::GatewayList> gateways = gateway::makeConfiguredGateways(config);
    if (!gateways) {
        report.fail(area, gateways.error().message);
        return;
    }
    for (const std::unique_ptr<gateway::PaymentGateway>& g : *gateways) {
        const Channel channel = g->channel();
        if (!usable.contains(channel))
            continue;
        QObject context;
        QEventLoop loop;
        std::optional<gateway::ProbeResult> result;
        gateway::probeGateway(*g, &context, [&](const gateway::ProbeResult& r) {
            result = r;
            loop.quit();
        });
        QTimer::singleShot(kProbeBound, &loop, &QEventLoop::quit);
        if (!result)
            loop.exec();
        const QString where =
            QStringLiteral("%1 (%2)").arg(channelLabel(channel), gatewayUrl(config, channel));
        if (!result) {
            report.fail(area, QCoreApplication::translate("qpos::ctl",
                                                          "%1: no answer within %2 s. Check the "
                                                          "network and the gateway URL.")
                                  .arg(where)
                                  .arg(kProbeBound.count()));
            continue;
        }
        const QString text = QStringLiteral("%1: %2 [%3, %4 ms]")
                                 .arg(where, result->message, result->detail)
                                 .arg(result->elapsedMs);
        switch (result->verdict) {
        case gateway::ProbeVerdict::Ok:
            report.ok(area, text);
            break;
        case gateway::ProbeVerdict::Inconclusive:
            report.warn(area, text);
            break;
        case gateway::ProbeVerdict::Unreachable:
        case gateway::ProbeVerdict::OurKeyRefused:
        case gateway::ProbeVerdict::TheirKeyWrong:
        case gateway::ProbeVerdict::AppUnknown:
        case gateway::ProbeVerdict::Refused:
            report.fail(area, text);
            break;
        }
    }
}

// Whether the server a waiting enrollment code names answers, over the TLS the code pins:
// any HTTP answer will do (the request is refused, harmlessly, as a wrong method).
void probeStoreServer(const link::EnrollmentCode& code, const AppConfig& config,
                      DoctorReport& report) {
    const QString area = QStringLiteral("link");
    QList<QSslCertificate> cas;
    if (!config.network.caFile.isEmpty()) {
        if (Result<QList<QSslCertificate>> loaded = gateway::loadCaFile(config.network.caFile))
            cas = *loaded;
    }
    link::StoreServerHttp http({code.serverUrl, code.terminal, code.secret,
                                link::CertificatePin(code.certificateFingerprint, cas)},
                               [] { return QDateTime::currentMSecsSinceEpoch(); });
    QEventLoop loop;
    std::optional<Result<link::StoreServerAnswer>> answer;
    http.post(QStringLiteral("/healthz"), QByteArrayLiteral("{}"),
              [&](const Result<link::StoreServerAnswer>& a) {
                  answer = a;
                  loop.quit();
              });
    if (!answer)
        loop.exec();
    if (!*answer) {
        report.fail(area, QCoreApplication::translate(
                              "qpos::ctl", "The store server %1 named by the enrollment code "
                                           "cannot be reached: %2")
                              .arg(code.serverUrl.toString(), answer->error().message));
        return;
    }
    report.ok(area, QCoreApplication::translate("qpos::ctl",
                                                "The store server %1 answers; the till can enroll.")
                        .arg(code.serverUrl.toString()));
}

} // namespace

int runDoctorCommand(CtlContext& context, const QStringList& arguments) {
    CommandOptions options(
        QStringLiteral("doctor"), QStringLiteral("[--offline] [--json]"),
        QCoreApplication::translate(
            "qpos::ctl",
            "Checks the configuration, the key files and their permissions, the order database, "
            "the staff, the log directory and that every enabled payment provider can be "
            "reached and accepts the keys (one harmless query of an order number never used). "
            "Prints one line per check: OK, WARN or FAIL with what to do. Changes nothing.\n"
            "Exit codes: 0 no failure, 1 at least one FAIL, 2 wrong usage."));
    const QCommandLineOption offlineOption(
        QStringLiteral("offline"),
        QCoreApplication::translate("qpos::ctl", "Do not contact the payment providers."));
    options.add(offlineOption);
    options.addJson();
    options.refuseArguments();
    CtlOutput& out = context.out();
    if (std::optional<int> done = options.parse(arguments, out))
        return *done;

    const QtMessageHandler previous =
        context.invocation().verbose ? nullptr : qInstallMessageHandler(dropMessage);
    DoctorReport report(out);
    const ConfigLoadResult& loaded = context.loadConfig();
    checkConfiguration(loaded, report);
    const AppConfig& config = loaded.config;
    if (loaded.ok())
        checkRouting(config, report);
    const QList<Channel> usable = checkKeyFiles(config, report);
    checkDatabase(config, report);
    checkLogDirectory(config, report);
    checkStoreServer(config, report);
    const std::optional<link::EnrollmentCode> pending =
        config.sandbox
            ? std::nullopt
            : checkEnrollmentCode(config, link::EnrollmentCodeFile::defaultPath(), report);
    if (pending && !options.isSet(offlineOption))
        probeStoreServer(*pending, config, report);
    checkPrinter(config, report);

    const QString area = QStringLiteral("gateway");
    const bool anyEnabled = config.alipay.enabled || config.wechat.enabled;
    if (!anyEnabled) {
        if (config.sandbox)
            report.ok(area, QCoreApplication::translate(
                                "qpos::ctl", "Sandbox mode: the till uses its built-in simulated "
                                             "providers; there is nothing to reach."));
        else
            report.fail(area, QCoreApplication::translate(
                                  "qpos::ctl", "No payment channel is enabled: set [alipay] "
                                               "enabled = true or [wechat] enabled = true with "
                                               "its keys (docs/config.md)."));
    } else if (options.isSet(offlineOption)) {
        report.warn(area, QCoreApplication::translate("qpos::ctl", "Not checked (--offline)."));
    } else if (!loaded.ok()) {
        report.warn(area, QCoreApplication::translate(
                              "qpos::ctl", "Not checked: correct the configuration first."));
    } else if (usable.isEmpty()) {
        report.warn(area, QCoreApplication::translate("qpos::ctl",
                                                      "Not checked: correct the key files first."));
    } else {
        probeGateways(config, usable, report);
    }
    if (!context.invocation().verbose)
        qInstallMessageHandler(previous);
    return report.finish();
}

} // namespace qpos::ctl
