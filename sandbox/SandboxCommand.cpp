#include "SandboxCommand.h"

#include "alipay/AlipaySimulator.h"
#include "common/KeyFile.h"
#include "faults/FaultRule.h"
#include "SandboxServer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QLoggingCategory>

#include <cstdio>

namespace qpos::sandbox {

namespace {

int fail(const QString& program, const QString& message) {
    std::fprintf(stderr, "%s: %s\n", qPrintable(program), qPrintable(message));
    return 2;
}

} // namespace

int runSandboxCommand(const QStringList& arguments) {
    const QString program =
        arguments.isEmpty() ? QStringLiteral("qpos-sandbox") : arguments.constFirst();
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main",
        "Simulated Alipay (and later WeChat Pay) gateways on loopback HTTP: real wire protocol, "
        "signatures, trade rules, a simulated buyer, notifications, bills and faults on request. "
        "See docs/sandbox.md."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption listen(
        QStringLiteral("listen"),
        QCoreApplication::translate("main", "Address to listen on (default 127.0.0.1)."),
        QStringLiteral("ADDRESS"), QStringLiteral("127.0.0.1"));
    const QCommandLineOption port(
        {QStringLiteral("p"), QStringLiteral("port")},
        QCoreApplication::translate("main",
                                    "Port to listen on; 0 picks a free one (default 8765)."),
        QStringLiteral("PORT"), QStringLiteral("8765"));
    const QCommandLineOption keyDir(
        QStringLiteral("key-dir"),
        QCoreApplication::translate(
            "main", "Keep the sandbox's provider keys in DIR (alipay_private_key.pem, made on "
                    "first start, and alipay_public_key.pem for clients). Without it the keys "
                    "are new on every start."),
        QStringLiteral("DIR"));
    const QCommandLineOption alipayApp(
        QStringLiteral("alipay-app"),
        QCoreApplication::translate(
            "main", "Register an Alipay app: its app_id and the file with its public key (PEM or "
                    "Alipay's bare base64). Repeatable."),
        QStringLiteral("APP_ID=PUBLIC_KEY_FILE"));
    const QCommandLineOption demoApp(
        QStringLiteral("alipay-demo-app"),
        QCoreApplication::translate(
            "main", "Register an Alipay app whose key pair the sandbox keeps in the key "
                    "directory (app_APP_ID_private_key.pem for the till). Needs --key-dir. "
                    "Repeatable."),
        QStringLiteral("APP_ID"));
    const QCommandLineOption payBehaviour(
        QStringLiteral("pay-behaviour"),
        QCoreApplication::translate(
            "main", "How the buyer answers alipay.trade.pay: immediate (default), buyer-confirms "
                    "(10003 until the control API pays or cancels), confirm-then-pay, "
                    "confirm-then-close, declined."),
        QStringLiteral("NAME"), QStringLiteral("immediate"));
    const QCommandLineOption confirmDelay(
        QStringLiteral("confirm-delay"),
        QCoreApplication::translate(
            "main", "Milliseconds before confirm-then-pay / confirm-then-close resolve (3000)."),
        QStringLiteral("MS"), QStringLiteral("3000"));
    const QCommandLineOption notifyScale(
        QStringLiteral("notify-scale"),
        QCoreApplication::translate(
            "main", "Multiply Alipay's notification retry schedule (4m 10m 10m 1h 2h 6h 15h) by "
                    "FACTOR; 0.001 makes it seconds (default 1)."),
        QStringLiteral("FACTOR"), QStringLiteral("1"));
    const QCommandLineOption notifyTimeout(
        QStringLiteral("notify-timeout"),
        QCoreApplication::translate("main",
                                    "Milliseconds to wait for a notify_url to answer (15000)."),
        QStringLiteral("MS"), QStringLiteral("15000"));
    const QCommandLineOption notifyWait(
        QStringLiteral("notify-wait-buyer-pay"),
        QCoreApplication::translate(
            "main", "Also notify WAIT_BUYER_PAY (Alipay sends it only when asked to)."));
    const QCommandLineOption tolerance(
        QStringLiteral("timestamp-tolerance"),
        QCoreApplication::translate(
            "main", "Seconds a request's timestamp may differ from the clock (600)."),
        QStringLiteral("SECONDS"), QStringLiteral("600"));
    const QCommandLineOption qrBase(
        QStringLiteral("qr-base"),
        QCoreApplication::translate(
            "main", "Prefix of the qr_code URLs answered by precreate (https://qr.alipay.com/)."),
        QStringLiteral("URL"), QStringLiteral("https://qr.alipay.com/"));
    const QCommandLineOption billTtl(
        QStringLiteral("bill-url-ttl"),
        QCoreApplication::translate(
            "main", "Milliseconds a bill_download_url stays valid (30000, as Alipay)."),
        QStringLiteral("MS"), QStringLiteral("30000"));
    const QCommandLineOption strictBills(
        QStringLiteral("strict-bill-dates"),
        QCoreApplication::translate(
            "main", "Refuse bills for today and this month, as Alipay does (T+1)."));
    const QCommandLineOption fault(
        QStringLiteral("fault"),
        QCoreApplication::translate(
            "main", "Inject a fault: KIND[:key=value,...] with KIND one of latency, http_error, "
                    "timeout, drop_after_commit, service_unavailable, system_error, "
                    "bad_signature, notify_duplicate, notify_out_of_order, "
                    "notify_bad_signature and keys method, count (-1: always), probability, "
                    "latency_ms, status, commit. Example: "
                    "latency:latency_ms=800,method=alipay.trade.query,count=-1. Repeatable."),
        QStringLiteral("SPEC"));
    const QCommandLineOption faultSeed(
        QStringLiteral("fault-seed"),
        QCoreApplication::translate("main", "Seed for probabilistic faults (reproducible runs)."),
        QStringLiteral("N"));
    const QCommandLineOption verbose(
        QStringLiteral("verbose"),
        QCoreApplication::translate("main", "Log every request and notification."));
    parser.addOptions({listen, port, keyDir, alipayApp, demoApp, payBehaviour, confirmDelay,
                       notifyScale, notifyTimeout, notifyWait, tolerance, qrBase, billTtl,
                       strictBills, fault, faultSeed, verbose});
    parser.process(arguments);

    if (parser.isSet(verbose))
        QLoggingCategory::setFilterRules(QStringLiteral("qpos.sandbox.debug=true"));

    SandboxOptions options;
    options.keyDir = parser.value(keyDir);
    bool ok = true;
    auto number = [&](const QCommandLineOption& o, double min, double max) {
        bool good = false;
        const double v = parser.value(o).toDouble(&good);
        if (!good || v < min || v > max) {
            ok = false;
            fail(program,
                 QCoreApplication::translate("main", "--%1 must be a number from %2 to %3.")
                     .arg(o.names().constLast())
                     .arg(min)
                     .arg(max));
        }
        return v;
    };
    AlipayOptions& a = options.alipay;
    if (!parseAlipayPayBehaviour(parser.value(payBehaviour), &a.payBehaviour))
        return fail(program,
                    QCoreApplication::translate(
                        "main",
                        "--pay-behaviour must be immediate, buyer-confirms, confirm-then-pay, "
                        "confirm-then-close or declined."));
    a.confirmDelayMs = static_cast<int>(number(confirmDelay, 0, 86400000));
    a.notifyScale = number(notifyScale, 0, 10);
    a.notifyTimeoutMs = static_cast<int>(number(notifyTimeout, 1, 600000));
    a.notifyWaitBuyerPay = parser.isSet(notifyWait);
    a.timestampToleranceSecs = static_cast<int>(number(tolerance, 0, 31622400));
    a.qrBaseUrl = parser.value(qrBase);
    a.billUrlTtlMs = static_cast<int>(number(billTtl, 1, 86400000));
    a.strictBillDates = parser.isSet(strictBills);
    const double portNumber = number(port, 0, 65535);
    if (parser.isSet(faultSeed))
        options.faultSeed = static_cast<quint32>(number(faultSeed, 0, 4294967295.0));
    if (!ok)
        return 2;
    const QHostAddress address(parser.value(listen));
    if (address.isNull())
        return fail(program, QCoreApplication::translate(
                                 "main", "--listen must be an IP address such as 127.0.0.1."));
    if (parser.isSet(demoApp) && options.keyDir.isEmpty())
        return fail(program,
                    QCoreApplication::translate(
                        "main", "--alipay-demo-app needs --key-dir to keep the app's key in."));

    SandboxServer server(options);
    if (Status s = server.initialize(); !s)
        return fail(program, s.error().message);
    for (const QString& spec : parser.values(fault)) {
        Result<FaultRule> rule = FaultRule::fromSpec(spec);
        if (!rule)
            return fail(program, rule.error().message);
        server.faults().add(*rule);
    }
    AlipaySimulator& alipay = server.alipay();
    for (const QString& entry : parser.values(alipayApp)) {
        const qsizetype eq = entry.indexOf(u'=');
        if (eq <= 0)
            return fail(program,
                        QCoreApplication::translate(
                            "main", "--alipay-app takes APP_ID=PUBLIC_KEY_FILE, not \"%1\".")
                            .arg(entry));
        Result<crypto::RsaPublicKey> key = readPublicKeyFile(entry.mid(eq + 1));
        if (!key)
            return fail(program, key.error().message);
        if (Status s = alipay.registerApp(entry.left(eq), *key); !s)
            return fail(program, s.error().message);
    }
    for (const QString& appId : parser.values(demoApp)) {
        Result<crypto::RsaPrivateKey> key =
            loadOrCreateKey(options.keyDir, QStringLiteral("app_") + appId);
        if (!key)
            return fail(program, key.error().message);
        if (Status s = alipay.registerApp(appId, key->publicKey()); !s)
            return fail(program, s.error().message);
    }
    if (Status s = server.listen(address, static_cast<quint16>(portNumber)); !s)
        return fail(program, s.error().message);

    std::printf("qpos-sandbox %s listening on %s\n", QPOS_VERSION,
                qPrintable(server.baseUrl().toString()));
    std::printf("  Alipay gateway:     %s\n", qPrintable(alipay.gatewayUrl().toString()));
    std::printf("  Alipay public key:  %s\n", alipay.alipayPublicKey().toBase64().constData());
    if (!options.keyDir.isEmpty())
        std::printf("  keys in:            %s\n",
                    qPrintable(QDir::toNativeSeparators(QDir(options.keyDir).absolutePath())));
    for (const AlipayApp& registered : alipay.apps())
        std::printf("  Alipay app:         %s (seller %s)\n", qPrintable(registered.appId),
                    qPrintable(registered.pid));
    std::printf("  control API:        %s/sandbox\n", qPrintable(server.baseUrl().toString()));
    std::fflush(stdout);
    return QCoreApplication::exec();
}

} // namespace qpos::sandbox
