#include "server/cli/ServerCommand.h"

#include "core/logging/FileLog.h"
#include "core/logging/LogCategories.h"
#include "server/cli/ReconcileCommand.h"
#include "server/config/ServerConfigLoader.h"
#include "server/config/ServerTls.h"
#include "server/QposServer.h"
#include "server/storage/ServerStoreFactory.h"
#include "server/terminals/TerminalAdmin.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QTextStream>
#include <QUrl>

#include <cstdio>

namespace qpos::server {

namespace {

void printError(const QString& text) {
    QTextStream(stderr) << text << '\n';
}

QString usage() {
    return QCoreApplication::translate(
        "qpos::server::ServerCommand",
        "Usage: qpos-server --config FILE\n"
        "       qpos-server --version\n"
        "       qpos-server --config FILE terminal add --store S001 --terminal T07\n"
        "       qpos-server --config FILE terminal rotate --store S001 --terminal T07\n"
        "       qpos-server --config FILE terminal revoke --store S001 --terminal T07\n"
        "       qpos-server --config FILE terminal list\n"
        "       qpos-server --config FILE reconcile --date yyyy-MM-dd|yesterday\n"
        "                   [--provider alipay|wechat] [--wait]\n"
        "See docs/server.md.");
}

int serve(const ServerConfig& config) {
    FileLog log(FileLogOptions::fromConfig(config.log, true));
    if (Status installed = log.install(); !installed) {
        printError(installed.error().message);
        return 2;
    }
    std::optional<QSslConfiguration> tls;
    if (!config.tlsCertPath.isEmpty()) {
        Result<QSslConfiguration> loaded = loadServerTls(config.tlsCertPath, config.tlsKeyPath);
        if (!loaded) {
            printError(loaded.error().message);
            return 2;
        }
        tls = *loaded;
    }
    Result<ProviderVerifiers> verifiers = ProviderVerifiers::fromConfig(config);
    if (!verifiers) {
        printError(verifiers.error().message);
        return 2;
    }
    QposServer server(makeServerStore(config), *verifiers, QposServer::optionsFrom(config, tls));
    if (Status started = server.start(); !started) {
        printError(started.error().message);
        return 1;
    }
    return QCoreApplication::exec();
}

QString timeText(const std::optional<qint64>& ms) {
    return ms ? QDateTime::fromMSecsSinceEpoch(*ms, Qt::UTC).toString(Qt::ISODate)
              : QStringLiteral("-");
}

// terminal add|rotate|revoke --store S --terminal T, terminal list.
int terminalCommand(const ServerConfig& config, const QStringList& args) {
    const QString action = args.value(1);
    QString store;
    QString terminal;
    for (qsizetype i = 2; i + 1 < args.size(); i += 2) {
        if (args.at(i) == u"--store")
            store = args.at(i + 1);
        else if (args.at(i) == u"--terminal")
            terminal = args.at(i + 1);
        else
            store.clear(), terminal.clear(), i = args.size();
    }
    const bool needsIdentity = action != u"list";
    const bool wellFormed = needsIdentity
                                ? (args.size() == 6 && !store.isEmpty() && !terminal.isEmpty())
                                : args.size() == 2;
    if (!wellFormed || !QStringList{QStringLiteral("add"), QStringLiteral("rotate"),
                                    QStringLiteral("revoke"), QStringLiteral("list")}
                            .contains(action)) {
        printError(usage());
        return 2;
    }
    const std::unique_ptr<ServerStore> db = makeServerStore(config);
    if (Status opened = db->open(); !opened) {
        printError(opened.error().message);
        return 1;
    }
    TerminalAdmin admin(*db, QUrl(config.publicUrl), config.tlsCertPath,
                        qint64(config.rotateGraceS) * 1000);
    const link::TerminalIdentity identity{store, terminal};
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QTextStream out(stdout);
    if (action == u"add" || action == u"rotate") {
        Result<link::EnrollmentCode> code =
            action == u"add" ? admin.add(identity, now) : admin.rotate(identity, now);
        if (!code) {
            printError(code.error().message);
            return code.error().code == u"terminal.bad_id" ? 2 : 1;
        }
        // The code is the one place the secret is shown: for the till, once.
        out << code->encode() << '\n';
        return 0;
    }
    if (action == u"revoke") {
        if (Status revoked = admin.revoke(identity, now); !revoked) {
            printError(revoked.error().message);
            return 1;
        }
        out << QCoreApplication::translate("qpos::server::ServerCommand", "Terminal %1/%2 revoked.")
                   .arg(store, terminal)
            << '\n';
        return 0;
    }
    Result<QList<TerminalRecord>> list = admin.list();
    if (!list) {
        printError(list.error().message);
        return 1;
    }
    out << QCoreApplication::translate("qpos::server::ServerCommand",
                                       "store\tterminal\tkeys\tcreated\tenrolled\trevoked")
        << '\n';
    for (const TerminalRecord& t : std::as_const(*list)) {
        QStringList keys;
        for (const StoredSecret& s : t.secrets)
            keys << (s.validUntilMs ? s.keyId + u'<' + timeText(s.validUntilMs) : s.keyId);
        out << t.identity.storeId << '\t' << t.identity.terminalId << '\t' << keys.join(u',')
            << '\t' << timeText(t.createdAtMs) << '\t' << timeText(t.enrolledAtMs) << '\t'
            << timeText(t.revokedAtMs) << '\n';
    }
    return 0;
}

} // namespace

int runServerCommand(const QStringList& arguments) {
    QStringList args = arguments.mid(1);
    // Needs no configuration: package checks and IT people ask it of a fresh install.
    if (args == QStringList{QStringLiteral("--version")}) {
        QTextStream(stdout) << QCoreApplication::applicationName() << ' '
                            << QCoreApplication::applicationVersion() << '\n';
        return 0;
    }
    if (args == QStringList{QStringLiteral("--help")}) {
        QTextStream(stdout) << usage() << '\n';
        return 0;
    }
    QString configPath;
    if (args.size() >= 2 && args.at(0) == u"--config") {
        configPath = args.at(1);
        args = args.mid(2);
    }
    if (configPath.isEmpty() ||
        (!args.isEmpty() && args.at(0) != u"terminal" && args.at(0) != u"reconcile")) {
        printError(usage());
        return 2;
    }
    Result<ServerConfig> config = ServerConfigLoader::load(configPath);
    if (!config) {
        printError(config.error().message);
        return 2;
    }
    if (args.isEmpty())
        return serve(*config);
    if (args.at(0) == u"reconcile")
        return reconcileCommand(*config, args);
    return terminalCommand(*config, args);
}

} // namespace qpos::server
