#include "server/cli/ServerCommand.h"

#include "core/logging/FileLog.h"
#include "core/logging/LogCategories.h"
#include "server/config/ServerConfigLoader.h"
#include "server/config/ServerTls.h"
#include "server/QposServer.h"
#include "server/storage/SqliteServerStore.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

namespace qpos::server {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("qpos::server::ServerCommand", text);
}

void printError(const QString& text) {
    QTextStream(stderr) << text << '\n';
}

QString usage() {
    return tr("Usage: qpos-server --config FILE\n"
              "       qpos-server --config FILE terminal add --store S001 --terminal T07\n"
              "       qpos-server --config FILE terminal rotate --store S001 --terminal T07\n"
              "       qpos-server --config FILE terminal revoke --store S001 --terminal T07\n"
              "       qpos-server --config FILE terminal list\n"
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
    QposServer server(std::make_unique<SqliteServerStore>(config.databasePath), *verifiers,
                      QposServer::optionsFrom(config, tls));
    if (Status started = server.start(); !started) {
        printError(started.error().message);
        return 1;
    }
    return QCoreApplication::exec();
}

} // namespace

int runServerCommand(const QStringList& arguments) {
    QStringList args = arguments.mid(1);
    QString configPath;
    if (args.size() >= 2 && args.at(0) == u"--config") {
        configPath = args.at(1);
        args = args.mid(2);
    }
    if (configPath.isEmpty() || (!args.isEmpty() && args.at(0) != u"terminal")) {
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
    printError(usage());
    return 2;
}

} // namespace qpos::server
