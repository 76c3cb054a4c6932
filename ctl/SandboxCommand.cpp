#include "ctl/SandboxCommand.h"

#include "core/crypto/SecureRandom.h"
#include "demo/DemoStoreServer.h"
#include "demo/DemoVerifiers.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/faults/FaultRule.h"
#include "sandbox/SandboxServer.h"
#include "sandbox/support/KeyFile.h"
#include "sandbox/tls/SandboxCa.h"
#include "sandbox/wechat/WechatSimulator.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QTemporaryDir>

#include <cstdio>
#include <memory>

namespace qpos::ctl {

namespace {

int fail(const QString& program, const QString& message) {
    std::fprintf(stderr, "%s: %s\n", qPrintable(program), qPrintable(message));
    return 2;
}

// The demo merchant's APIv3 key, kept next to its private key: read when there, made (32
// characters, mode 0600) otherwise. A key others may read is refused, as for private keys.
Result<QByteArray> loadOrCreateApiV3Key(const QString& dir, const QString& mchId) {
    const QString path =
        QDir(dir).filePath(QStringLiteral("wechat_merchant_%1_apiv3_key.txt").arg(mchId));
    const QString shown = QDir::toNativeSeparators(path);
    auto failure = [](const QString& message) {
        return Error{QStringLiteral("sandbox.key_file"), message};
    };
    if (QFileInfo::exists(path)) {
        const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                                                QFileDevice::ReadOther | QFileDevice::WriteOther;
        if (QFile::permissions(path) & others)
            return failure(QCoreApplication::translate(
                               "main", "The key file %1 can be read by other users. Run "
                                       "\"chmod 600 %1\" and start again.")
                               .arg(shown));
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return failure(
                QCoreApplication::translate("main", "Cannot read the key file %1.").arg(shown));
        const QByteArray key = file.readAll().trimmed();
        if (key.size() != 32)
            return failure(QCoreApplication::translate(
                               "main", "The APIv3 key in %1 must be exactly 32 characters.")
                               .arg(shown));
        return key;
    }
    Result<QString> key = crypto::randomAlphanumeric(32);
    if (!key)
        return key.error();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        file.write(key->toLatin1()) != 32 || !file.commit())
        return failure(
            QCoreApplication::translate("main", "Cannot write the key file %1.").arg(shown));
    return key->toLatin1();
}

} // namespace

int runSandboxCommand(const QStringList& arguments) {
    const QString program =
        arguments.isEmpty() ? QStringLiteral("qpos-sandbox") : arguments.constFirst();
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main",
        "Simulated Alipay and WeChat Pay (APIv3) on loopback HTTP: real wire protocols, "
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
            "main", "Keep the sandbox's provider keys in DIR (alipay_private_key.pem and "
                    "wechatpay_private_key.pem, made on first start, and the *_public_key.pem "
                    "files for clients). Without it the keys are new on every start."),
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
    const QCommandLineOption wechatDemo(
        QStringLiteral("wechat-demo-merchant"),
        QCoreApplication::translate(
            "main", "Register a WeChat Pay merchant whose keys the sandbox keeps in the key "
                    "directory (wechat_merchant_MCHID_private_key.pem and "
                    "wechat_merchant_MCHID_apiv3_key.txt for the till). Needs --key-dir. "
                    "Repeatable."),
        QStringLiteral("MCHID"));
    const QCommandLineOption wechatAppId(
        QStringLiteral("wechat-appid"),
        QCoreApplication::translate(
            "main", "The appid of the --wechat-demo-merchant merchants (wx8888888888888888)."),
        QStringLiteral("APPID"), QStringLiteral("wx8888888888888888"));
    const QCommandLineOption wechatNotifyUrl(
        QStringLiteral("wechat-notify-url"),
        QCoreApplication::translate(
            "main", "Where the --wechat-demo-merchant merchants' notifications go (none)."),
        QStringLiteral("URL"));
    const QCommandLineOption wechatPayBehaviour(
        QStringLiteral("wechat-pay-behaviour"),
        QCoreApplication::translate(
            "main", "How the buyer answers a WeChat payment code whose last digits do not "
                    "choose: immediate (default), buyer-confirms, confirm-then-pay, "
                    "confirm-then-close, declined."),
        QStringLiteral("NAME"), QStringLiteral("immediate"));
    const QCommandLineOption wechatRefundDelay(
        QStringLiteral("wechat-refund-delay"),
        QCoreApplication::translate(
            "main", "Milliseconds a WeChat Pay refund stays PROCESSING (0: SUCCESS at once)."),
        QStringLiteral("MS"), QStringLiteral("0"));
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
            "main", "Milliseconds before confirm-then-pay / confirm-then-close resolve, for both "
                    "providers (3000)."),
        QStringLiteral("MS"), QStringLiteral("3000"));
    const QCommandLineOption notifyScale(
        QStringLiteral("notify-scale"),
        QCoreApplication::translate(
            "main", "Multiply the notification retry schedules (Alipay: 4m 10m 10m 1h 2h 6h 15h; "
                    "WeChat Pay: 15s 15s 30s 3m 10m 20m 30m 30m 30m 1h 3h 3h 3h 6h 6h) by "
                    "FACTOR; 0.001 makes minutes into tenths of seconds (default 1)."),
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
                    "bad_signature, stale_timestamp, notify_duplicate, notify_out_of_order, "
                    "notify_bad_signature, notify_stale_timestamp, refund_unconfirmed, "
                    "bill_drop_line, bill_change_amount, bill_foreign_trade, bill_drop_refund, "
                    "bill_change_state, bill_duplicate_line, bill_next_day, bill_not_ready, "
                    "bill_truncated and "
                    "keys provider (alipay, wechat), method, "
                    "count (-1: always), probability, latency_ms, status, commit; bill faults: "
                    "bill_date (yyyy-MM-dd, required), out_trade_no, out_request_no, amount_fen, "
                    "until_ms. Example: latency:latency_ms=800,method=alipay.trade.query,count=-1 "
                    "or timeout:provider=wechat,method=query. Repeatable."),
        QStringLiteral("SPEC"));
    const QCommandLineOption faultSeed(
        QStringLiteral("fault-seed"),
        QCoreApplication::translate("main", "Seed for probabilistic faults (reproducible runs)."),
        QStringLiteral("N"));
    const QCommandLineOption https(
        QStringLiteral("https"),
        QCoreApplication::translate(
            "main", "Serve HTTPS with the sandbox's own CA (sandbox-ca.pem in --key-dir; name it "
                    "in the till's [network] ca_file). Without --key-dir the CA is new on every "
                    "start and printed."));
    const QCommandLineOption setupDelay(
        QStringLiteral("setup-delay-ms"),
        QCoreApplication::translate("main", "Hold every new connection MS milliseconds before "
                                            "serving it (default 0), as a distant provider's "
                                            "connection set-up would."),
        QStringLiteral("MS"), QStringLiteral("0"));
    const QCommandLineOption exchangeDelay(
        QStringLiteral("exchange-delay-ms"),
        QCoreApplication::translate("main", "Add MS milliseconds to every request before it is "
                                            "handled (default 0), as a distant provider's round "
                                            "trip would."),
        QStringLiteral("MS"), QStringLiteral("0"));
    const QCommandLineOption noStoreServer(
        QStringLiteral("no-store-server"),
        QCoreApplication::translate("main", "Do not start the store server beside the providers "
                                            "(the tills then learn results by polling only)."));
    const QCommandLineOption storeServerPort(
        QStringLiteral("store-server-port"),
        QCoreApplication::translate(
            "main", "Port of the store server on the --listen address; 0 picks a free one "
                    "(default: the providers' port plus one, 8766; a free one with --port 0)."),
        QStringLiteral("PORT"));
    const QCommandLineOption storeServerTerminal(
        QStringLiteral("store-server-terminal"),
        QCoreApplication::translate(
            "main", "Print an enrollment code for this till, as in its [store] id and [terminal] "
                    "id (default S001/T01). Repeatable."),
        QStringLiteral("STORE/TERMINAL"));
    const QCommandLineOption verbose(
        QStringLiteral("verbose"),
        QCoreApplication::translate("main", "Log every request and notification."));
    parser.addOptions({listen,
                       port,
                       keyDir,
                       alipayApp,
                       demoApp,
                       wechatDemo,
                       wechatAppId,
                       wechatNotifyUrl,
                       wechatPayBehaviour,
                       wechatRefundDelay,
                       payBehaviour,
                       confirmDelay,
                       notifyScale,
                       notifyTimeout,
                       notifyWait,
                       tolerance,
                       qrBase,
                       billTtl,
                       strictBills,
                       fault,
                       faultSeed,
                       https,
                       setupDelay,
                       exchangeDelay,
                       noStoreServer,
                       storeServerPort,
                       storeServerTerminal,
                       verbose});
    parser.process(arguments);

    if (parser.isSet(verbose))
        QLoggingCategory::setFilterRules(QStringLiteral("qpos.sandbox.debug=true"));

    sandbox::SandboxOptions options;
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
    sandbox::AlipayOptions& a = options.alipay;
    if (!sandbox::parseAlipayPayBehaviour(parser.value(payBehaviour), &a.payBehaviour))
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
    sandbox::WechatOptions& w = options.wechat;
    if (!sandbox::parseWechatPayBehaviour(parser.value(wechatPayBehaviour), &w.payBehaviour))
        return fail(program,
                    QCoreApplication::translate(
                        "main", "--wechat-pay-behaviour must be immediate, buyer-confirms, "
                                "confirm-then-pay, confirm-then-close or declined."));
    w.confirmDelayMs = a.confirmDelayMs;
    w.notifyScale = a.notifyScale;
    w.notifyTimeoutMs = a.notifyTimeoutMs;
    w.refundProcessingMs = static_cast<int>(number(wechatRefundDelay, 0, 86400000));
    w.strictBillDates = a.strictBillDates;
    const double portNumber = number(port, 0, 65535);
    // Beside the providers' port; with --port 0 (tests side by side) a free one as well.
    const double storeServerPortNumber =
        parser.isSet(storeServerPort)              ? number(storeServerPort, 0, 65535)
        : (portNumber == 0 || portNumber >= 65535) ? 0
                                                   : portNumber + 1;
    options.connection.https = parser.isSet(https);
    options.connection.setupDelayMs = static_cast<int>(number(setupDelay, 0, 60000));
    options.connection.exchangeDelayMs = static_cast<int>(number(exchangeDelay, 0, 60000));
    if (parser.isSet(faultSeed))
        options.faultSeed = static_cast<quint32>(number(faultSeed, 0, 4294967295.0));
    if (!ok)
        return 2;
    const QHostAddress address(parser.value(listen));
    if (address.isNull())
        return fail(program, QCoreApplication::translate(
                                 "main", "--listen must be an IP address such as 127.0.0.1."));
    if (parser.isSet(wechatDemo) && options.keyDir.isEmpty())
        return fail(
            program,
            QCoreApplication::translate(
                "main", "--wechat-demo-merchant needs --key-dir to keep the merchant's keys in."));
    if (parser.isSet(demoApp) && options.keyDir.isEmpty())
        return fail(program,
                    QCoreApplication::translate(
                        "main", "--alipay-demo-app needs --key-dir to keep the app's key in."));

    sandbox::SandboxServer server(options);
    if (Status s = server.initialize(); !s)
        return fail(program, s.error().message);
    for (const QString& spec : parser.values(fault)) {
        Result<sandbox::FaultRule> rule = sandbox::FaultRule::fromSpec(spec);
        if (!rule)
            return fail(program, rule.error().message);
        server.faults().add(*rule);
    }
    sandbox::AlipaySimulator& alipay = server.alipay();
    for (const QString& entry : parser.values(alipayApp)) {
        const qsizetype eq = entry.indexOf(u'=');
        if (eq <= 0)
            return fail(program,
                        QCoreApplication::translate(
                            "main", "--alipay-app takes APP_ID=PUBLIC_KEY_FILE, not \"%1\".")
                            .arg(entry));
        Result<crypto::RsaPublicKey> key = sandbox::readPublicKeyFile(entry.mid(eq + 1));
        if (!key)
            return fail(program, key.error().message);
        if (Status s = alipay.registerApp(entry.left(eq), *key); !s)
            return fail(program, s.error().message);
    }
    for (const QString& appId : parser.values(demoApp)) {
        Result<crypto::RsaPrivateKey> key =
            sandbox::loadOrCreateKey(options.keyDir, QStringLiteral("app_") + appId);
        if (!key)
            return fail(program, key.error().message);
        if (Status s = alipay.registerApp(appId, key->publicKey()); !s)
            return fail(program, s.error().message);
    }
    sandbox::WechatSimulator& wechat = server.wechat();
    for (const QString& mchId : parser.values(wechatDemo)) {
        Result<crypto::RsaPrivateKey> key =
            sandbox::loadOrCreateKey(options.keyDir, QStringLiteral("wechat_merchant_") + mchId);
        if (!key)
            return fail(program, key.error().message);
        Result<QByteArray> apiV3Key = loadOrCreateApiV3Key(options.keyDir, mchId);
        if (!apiV3Key)
            return fail(program, apiV3Key.error().message);
        const sandbox::WechatMerchant merchant{mchId,
                                               parser.value(wechatAppId),
                                               key->publicKey(),
                                               sandbox::WechatSimulator::serialOf(key->publicKey()),
                                               *apiV3Key,
                                               parser.value(wechatNotifyUrl)};
        if (Status s = wechat.registerMerchant(merchant); !s)
            return fail(program, s.error().message);
    }
    if (Status s = server.listen(address, static_cast<quint16>(portNumber)); !s)
        return fail(program, s.error().message);

    // The store server, so that a till linked to it learns results by push. Its database lasts
    // as long as the sandbox's trades: this run.
    QTemporaryDir storeServerDir;
    std::unique_ptr<demo::DemoStoreServer> storeServer;
    QList<QPair<link::TerminalIdentity, QString>> codes;
    if (!parser.isSet(noStoreServer)) {
        QList<link::TerminalIdentity> terminals;
        const QStringList wanted = parser.isSet(storeServerTerminal)
                                       ? parser.values(storeServerTerminal)
                                       : QStringList{QStringLiteral("S001/T01")};
        for (const QString& entry : wanted) {
            const QStringList parts = entry.split(u'/');
            if (parts.size() != 2 || parts.at(0).isEmpty() || parts.at(1).isEmpty())
                return fail(program, QCoreApplication::translate(
                                         "main", "--store-server-terminal takes STORE/TERMINAL, "
                                                 "for example S001/T01, not \"%1\".")
                                         .arg(entry));
            terminals << link::TerminalIdentity{parts.at(0), parts.at(1)};
        }
        if (!storeServerDir.isValid())
            return fail(program, QCoreApplication::translate(
                                     "main", "Cannot make a temporary folder for the store "
                                             "server's database: %1")
                                     .arg(storeServerDir.errorString()));
        demo::DemoStoreServerOptions serverOptions;
        serverOptions.databasePath = storeServerDir.filePath(QStringLiteral("store-server.db"));
        serverOptions.address = address;
        serverOptions.port = static_cast<quint16>(storeServerPortNumber);
        // The first demo app and merchant: the ones the store's tills are configured with.
        serverOptions.verifiers = demo::sandboxVerifiers(
            server,
            parser.values(demoApp).value(0, parser.values(alipayApp).value(0).section(u'=', 0, 0)),
            parser.values(wechatDemo).value(0));
        Result<std::unique_ptr<demo::DemoStoreServer>> started =
            demo::DemoStoreServer::start(serverOptions);
        if (!started)
            return fail(program, started.error().message);
        storeServer = std::move(started).value();
        for (const sandbox::WechatMerchant& m : server.wechat().merchants()) {
            if (!m.notifyUrl.isEmpty())
                continue;
            if (Status s = server.wechat().setNotifyUrl(m.mchId,
                                                        storeServer->wechatNotifyUrl().toString());
                !s)
                return fail(program, s.error().message);
        }
        for (const link::TerminalIdentity& t : std::as_const(terminals)) {
            Result<link::EnrollmentCode> code = storeServer->enrollmentCode(t);
            if (!code)
                return fail(program, code.error().message);
            codes << qMakePair(t, code->encode());
        }
    }

    std::printf("qpos-sandbox %s listening on %s\n", QPOS_VERSION,
                qPrintable(server.baseUrl().toString()));
    std::printf("  Alipay gateway:     %s\n", qPrintable(alipay.gatewayUrl().toString()));
    std::printf("  Alipay public key:  %s\n", alipay.alipayPublicKey().toBase64().constData());
    if (!options.keyDir.isEmpty())
        std::printf("  keys in:            %s\n",
                    qPrintable(QDir::toNativeSeparators(QDir(options.keyDir).absolutePath())));
    for (const sandbox::AlipayApp& registered : alipay.apps())
        std::printf("  Alipay app:         %s (seller %s)\n", qPrintable(registered.appId),
                    qPrintable(registered.pid));
    std::printf("  WeChat Pay gateway: %s (APIv3, /v3/...)\n",
                qPrintable(server.baseUrl().toString()));
    std::printf("  WeChat Pay key id:  %s\n", qPrintable(wechat.platformKeyId()));
    if (options.keyDir.isEmpty())
        std::printf("  WeChat Pay public key:\n%s", wechat.platformPublicKey().toPem().constData());
    else
        std::printf("  WeChat Pay key:     %s\n",
                    qPrintable(QDir::toNativeSeparators(
                        QDir(options.keyDir)
                            .absoluteFilePath(QStringLiteral("wechatpay_public_key.pem")))));
    for (const sandbox::WechatMerchant& m : wechat.merchants()) {
        std::printf("  WeChat merchant:    %s (appid %s, serial %s)\n", qPrintable(m.mchId),
                    qPrintable(m.appId), qPrintable(m.serialNo));
        if (!options.keyDir.isEmpty())
            std::printf(
                "    private key:      %s\n    APIv3 key file:   %s\n",
                qPrintable(QDir::toNativeSeparators(
                    QDir(options.keyDir)
                        .absoluteFilePath(
                            QStringLiteral("wechat_merchant_%1_private_key.pem").arg(m.mchId)))),
                qPrintable(QDir::toNativeSeparators(
                    QDir(options.keyDir)
                        .absoluteFilePath(
                            QStringLiteral("wechat_merchant_%1_apiv3_key.txt").arg(m.mchId)))));
        if (!m.notifyUrl.isEmpty())
            std::printf("    notify URL:       %s\n", qPrintable(m.notifyUrl));
    }
    if (options.connection.https) {
        if (options.keyDir.isEmpty())
            std::printf("  HTTPS CA (trust it only in a sandbox till, [network] ca_file):\n%s",
                        server.caCertificate().toPem().constData());
        else
            std::printf("  HTTPS CA:           %s ([network] ca_file)\n",
                        qPrintable(QDir::toNativeSeparators(
                            QDir(options.keyDir).absoluteFilePath(sandbox::sandboxCaFileName()))));
    }
    if (options.connection.setupDelayMs > 0 || options.connection.exchangeDelayMs > 0)
        std::printf("  delays:             %d ms per new connection, %d ms per request\n",
                    options.connection.setupDelayMs, options.connection.exchangeDelayMs);
    std::printf("  control API:        %s/sandbox\n", qPrintable(server.baseUrl().toString()));
    if (storeServer) {
        std::printf("  store server:       %s\n", qPrintable(storeServer->url().toString()));
        std::printf("    Alipay notify_url: %s\n",
                    qPrintable(storeServer->alipayNotifyUrl().toString()));
        // The code is the one place the secret is shown: for the till, once.
        for (const auto& [terminal, code] : std::as_const(codes))
            std::printf("    enrollment code for %s/%s (qposctl enroll):\n%s\n",
                        qPrintable(terminal.storeId), qPrintable(terminal.terminalId),
                        qPrintable(code));
    }
    std::fflush(stdout);
    return QCoreApplication::exec();
}

} // namespace qpos::ctl
