#include "server/config/ServerConfigLoader.h"

#include "core/config/ConfigKeys.h"
#include "core/config/ConfigValueParser.h"
#include "core/config/IniFile.h"
#include "server/config/PostgresUrl.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSet>
#include <QTime>
#include <QUrl>

#include <functional>
#include <optional>

namespace qpos::server {

namespace {

// The till's keys the server reads too: the log, and what verifies a notification.
const QSet<QString>& sharedKeys() {
    static const QSet<QString> keys{
        QStringLiteral("log/dir"),
        QStringLiteral("log/level"),
        QStringLiteral("log/max_file_kb"),
        QStringLiteral("log/max_files"),
        QStringLiteral("alipay/enabled"),
        QStringLiteral("alipay/app_id"),
        QStringLiteral("alipay/seller_id"),
        QStringLiteral("alipay/cert_mode"),
        QStringLiteral("alipay/alipay_public_key"),
        QStringLiteral("alipay/alipay_cert"),
        // Downloading bills (qpos-server reconcile).
        QStringLiteral("alipay/gateway_url"),
        QStringLiteral("alipay/app_private_key"),
        QStringLiteral("alipay/app_cert"),
        QStringLiteral("alipay/alipay_root_cert"),
        QStringLiteral("alipay/timeout_ms"),
        QStringLiteral("wechat/enabled"),
        QStringLiteral("wechat/mch_id"),
        QStringLiteral("wechat/app_id"),
        QStringLiteral("wechat/apiv3_key_file"),
        QStringLiteral("wechat/wechatpay_public_key"),
        QStringLiteral("wechat/wechatpay_public_key_id"),
        QStringLiteral("wechat/platform_certificate"),
        QStringLiteral("wechat/gateway_url"),
        QStringLiteral("wechat/merchant_private_key"),
        QStringLiteral("wechat/merchant_serial_no"),
        QStringLiteral("wechat/timeout_ms"),
    };
    return keys;
}

struct Reader {
    ServerConfig config;
    AppConfig shared;
    QStringList problems;
    QDir baseDir;
    QList<IniEntry> seenDatabaseKeys;
    std::optional<IniEntry> driverEntry;
    std::optional<IniEntry> urlEntry;
    PostgresSettings fromUrl;

    void problem(const IniEntry& entry, const QString& what) {
        problems << QCoreApplication::translate("qpos::server::ServerConfig",
                                                "%1, line %2, [%3] %4: %5")
                        .arg(config.file)
                        .arg(entry.line)
                        .arg(entry.section, entry.key, what);
    }

    std::optional<int> integer(const IniEntry& entry, int minimum, int maximum) {
        bool ok = false;
        const int value = entry.value.toInt(&ok);
        if (!ok || value < minimum || value > maximum) {
            problem(entry,
                    QCoreApplication::translate("qpos::server::ServerConfig",
                                                "\"%1\" is not a whole number from %2 to %3.")
                        .arg(entry.value)
                        .arg(minimum)
                        .arg(maximum));
            return std::nullopt;
        }
        return value;
    }

    QString path(const QString& text) const {
        return QDir::cleanPath(baseDir.absoluteFilePath(text));
    }

    void listen(const IniEntry& entry) {
        // host:port, or [v6 address]:port.
        const qsizetype colon = entry.value.lastIndexOf(u':');
        QString host = entry.value.left(colon);
        if (host.startsWith(u'[') && host.endsWith(u']'))
            host = host.mid(1, host.size() - 2);
        bool portOk = false;
        const int port = colon < 0 ? 0 : entry.value.mid(colon + 1).toInt(&portOk);
        const QHostAddress address(host);
        // Port 0: the system picks a free one, and the log names it (tests, ad-hoc runs).
        if (colon < 0 || !portOk || port < 0 || port > 65535 || address.isNull()) {
            problem(entry, QCoreApplication::translate(
                               "qpos::server::ServerConfig",
                               "\"%1\" is not an address and port such as 0.0.0.0:8443 or "
                               "[::1]:8443.")
                               .arg(entry.value));
            return;
        }
        config.listenAddress = address;
        config.listenPort = static_cast<quint16>(port);
    }

    void serverKey(const IniEntry& entry) {
        if (entry.key == u"listen") {
            listen(entry);
        } else if (entry.key == u"tls_cert") {
            config.tlsCertPath = entry.value.isEmpty() ? QString() : path(entry.value);
        } else if (entry.key == u"tls_key") {
            config.tlsKeyPath = entry.value.isEmpty() ? QString() : path(entry.value);
        } else if (entry.key == u"public_url") {
            const QUrl url(entry.value, QUrl::StrictMode);
            if (!url.isValid() || (url.scheme() != u"https" && url.scheme() != u"http") ||
                url.host().isEmpty())
                problem(entry, QCoreApplication::translate(
                                   "qpos::server::ServerConfig",
                                   "\"%1\" is not an http or https address such as "
                                   "https://pos.example.com:8443.")
                                   .arg(entry.value));
            else
                config.publicUrl = entry.value;
        } else if (entry.key == u"request_timeout_s") {
            if (std::optional<int> v = integer(entry, 1, 300))
                config.requestTimeoutS = *v;
        } else if (entry.key == u"rotate_grace_s") {
            if (std::optional<int> v = integer(entry, 0, 30 * 86400))
                config.rotateGraceS = *v;
        } else {
            unknown(entry);
        }
    }

    void databaseKey(const IniEntry& entry) {
        seenDatabaseKeys.append(entry);
        PostgresSettings& pg = config.postgres;
        if (entry.key == u"driver") {
            driverEntry = entry;
            if (entry.value == u"sqlite")
                config.databaseDriver = DatabaseDriver::Sqlite;
            else if (entry.value == u"postgresql")
                config.databaseDriver = DatabaseDriver::Postgresql;
            else
                problem(entry, QCoreApplication::translate(
                                   "qpos::server::ServerConfig",
                                   "\"%1\" is not a database driver; use sqlite or postgresql.")
                                   .arg(entry.value));
        } else if (entry.key == u"path" && !entry.value.isEmpty()) {
            config.databasePath = path(entry.value);
        } else if (entry.key == u"path") {
            problem(entry, QCoreApplication::translate("qpos::server::ServerConfig",
                                                       "the database file may not be empty."));
        } else if (entry.key == u"host") {
            pg.host = entry.value;
        } else if (entry.key == u"port") {
            if (std::optional<int> v = integer(entry, 1, 65535))
                pg.port = *v;
        } else if (entry.key == u"name") {
            pg.name = entry.value;
        } else if (entry.key == u"user") {
            pg.user = entry.value;
        } else if (entry.key == u"password_file") {
            pg.passwordFile = entry.value.isEmpty() ? QString() : path(entry.value);
            if (!pg.passwordFile.isEmpty() && !QFileInfo(pg.passwordFile).isFile())
                problem(entry, QCoreApplication::translate(
                                   "qpos::server::ServerConfig",
                                   "the password file %1 does not exist. Write the PostgreSQL "
                                   "role's password into it and chmod 600 it.")
                                   .arg(pg.passwordFile));
        } else if (entry.key == u"password") {
            problem(entry, QCoreApplication::translate(
                               "qpos::server::ServerConfig",
                               "a password is never kept in this file. Write it into a file "
                               "only the server's user can read (chmod 600) and name that file "
                               "with password_file."));
        } else if (entry.key == u"options") {
            pg.options = entry.value;
        } else if (entry.key == u"url") {
            urlEntry = entry;
            Result<PostgresSettings> parsed = parsePostgresUrl(entry.value);
            if (parsed)
                fromUrl = *parsed;
            else
                problem(entry, parsed.error().message);
        } else {
            unknown(entry);
        }
    }

    // url says everything the separate keys say: both would leave one silently ignored.
    void checkDatabaseUrl() {
        if (!urlEntry)
            return;
        if (driverEntry && config.databaseDriver != DatabaseDriver::Postgresql)
            problem(*driverEntry, QCoreApplication::translate(
                                      "qpos::server::ServerConfig",
                                      "url is a PostgreSQL database; remove driver, or remove "
                                      "url to use SQLite."));
        config.databaseDriver = DatabaseDriver::Postgresql;
        static const QSet<QString> inUrl{QStringLiteral("host"), QStringLiteral("port"),
                                         QStringLiteral("name"), QStringLiteral("user"),
                                         QStringLiteral("options")};
        for (const IniEntry& entry : std::as_const(seenDatabaseKeys)) {
            if (inUrl.contains(entry.key))
                problem(entry, QCoreApplication::translate(
                                   "qpos::server::ServerConfig",
                                   "url (line %1) names the database already. Keep url and "
                                   "move this setting into it (libpq keywords go in its query: "
                                   "?sslmode=verify-full), or remove url and keep the separate "
                                   "keys.")
                                   .arg(urlEntry->line));
        }
        const QString passwordFile = config.postgres.passwordFile;
        config.postgres = fromUrl;
        config.postgres.passwordFile = passwordFile;
    }

    // Keys of one driver are refused under the other: they would be silently ignored.
    void checkDatabaseKeys() {
        static const QSet<QString> postgresOnly{
            QStringLiteral("host"), QStringLiteral("port"),          QStringLiteral("name"),
            QStringLiteral("user"), QStringLiteral("password_file"), QStringLiteral("options")};
        const bool postgres = config.databaseDriver == DatabaseDriver::Postgresql;
        for (const IniEntry& entry : std::as_const(seenDatabaseKeys)) {
            if (!postgres && postgresOnly.contains(entry.key))
                problem(entry, QCoreApplication::translate(
                                   "qpos::server::ServerConfig",
                                   "this key is for PostgreSQL; set driver = postgresql, or "
                                   "remove it."));
            else if (postgres && entry.key == u"path")
                problem(entry, QCoreApplication::translate(
                                   "qpos::server::ServerConfig",
                                   "path is SQLite's file; with driver = postgresql remove it."));
        }
    }

    void reconcileKey(const IniEntry& entry) {
        ReconcileSettings& rc = config.reconcile;
        if (entry.key == u"deadline") {
            const QTime time = QTime::fromString(entry.value, QStringLiteral("HH:mm"));
            if (!time.isValid())
                problem(entry, QCoreApplication::translate(
                                   "qpos::server::ServerConfig",
                                   "\"%1\" is not a China time of day such as 18:00.")
                                   .arg(entry.value));
            else
                rc.deadlineMinutes = time.hour() * 60 + time.minute();
        } else if (entry.key == u"retry_seconds") {
            if (std::optional<int> v = integer(entry, 60, 6 * 3600))
                rc.retrySeconds = *v;
        } else if (entry.key == u"bill_dir") {
            rc.billDir = entry.value.isEmpty() ? QString() : path(entry.value);
        } else {
            unknown(entry);
        }
    }

    void sharedKey(const IniEntry& entry) {
        const ConfigKey* key = findConfigKey(entry.section, entry.key);
        if (!key || !sharedKeys().contains(entry.section + u'/' + entry.key))
            return unknown(entry);
        Result<ConfigValue> value = parseConfigValue(*key, entry.value, baseDir);
        if (!value)
            return problem(
                entry, QCoreApplication::translate("qpos::server::ServerConfig", "%1 Allowed: %2.")
                           .arg(value.error().message, key->allowedText()));
        key->apply(shared, *value);
    }

    void unknown(const IniEntry& entry) {
        problem(entry, QCoreApplication::translate(
                           "qpos::server::ServerConfig",
                           "qpos-server has no such key; check its spelling against "
                           "docs/server.md, or remove it."));
    }

    void required(bool missing, const QString& key, const QString& why) {
        if (missing)
            problems << QCoreApplication::translate("qpos::server::ServerConfig",
                                                    "%1: %2 is required %3.")
                            .arg(config.file, key, why);
    }
};

} // namespace

Result<ServerConfig> ServerConfigLoader::load(const QString& path) {
    Reader r;
    r.config.file = QFileInfo(path).absoluteFilePath();
    r.baseDir = QFileInfo(path).absoluteDir();
    // The providers' defaults (their production addresses, time limits), as the till has them.
    const AppConfig defaults = productionDefaults(r.baseDir.absolutePath());
    r.shared.alipay = defaults.alipay;
    r.shared.wechat = defaults.wechat;
    if (!QFileInfo(path).isFile())
        return Error{QStringLiteral("server.config_missing"),
                     QCoreApplication::translate(
                         "qpos::server::ServerConfig",
                         "The configuration file %1 does not exist. Give the path of the "
                         "server's configuration with --config (docs/server.md has a sample).")
                         .arg(r.config.file)};

    QList<ConfigIssue> iniErrors;
    const IniFile ini = IniFile::read(path, iniErrors);
    for (const ConfigIssue& issue : iniErrors)
        r.problems << issue.message;

    for (const IniEntry& entry : ini.entries) {
        if (entry.section == u"server")
            r.serverKey(entry);
        else if (entry.section == u"database")
            r.databaseKey(entry);
        else if (entry.section == u"reconcile")
            r.reconcileKey(entry);
        else if (entry.section == u"log" || entry.section == u"alipay" ||
                 entry.section == u"wechat")
            r.sharedKey(entry);
        else
            r.problem(entry, QCoreApplication::translate(
                                 "qpos::server::ServerConfig",
                                 "qpos-server has no section [%1]; the sections are [server], "
                                 "[database], [log], [reconcile], [alipay] and [wechat].")
                                 .arg(entry.section));
    }

    ServerConfig& c = r.config;
    r.checkDatabaseUrl();
    r.checkDatabaseKeys();
    if (c.databaseDriver == DatabaseDriver::Sqlite) {
        r.required(c.databasePath.isEmpty(), QStringLiteral("[database] path"),
                   QCoreApplication::translate("qpos::server::ServerConfig",
                                               "(the server's SQLite file)"));
    } else if (!r.urlEntry) {
        const QString why = QCoreApplication::translate("qpos::server::ServerConfig",
                                                        "when [database] driver is postgresql");
        r.required(c.postgres.name.isEmpty(), QStringLiteral("[database] name"), why);
        r.required(c.postgres.user.isEmpty(), QStringLiteral("[database] user"), why);
    }
    if (c.tlsCertPath.isEmpty() != c.tlsKeyPath.isEmpty())
        r.problems << QCoreApplication::translate(
                          "qpos::server::ServerConfig",
                          "%1: set both [server] tls_cert and tls_key to serve HTTPS, or "
                          "neither to serve plain HTTP behind a reverse proxy.")
                          .arg(c.file);
    const AlipayConfig& a = r.shared.alipay;
    if (a.enabled) {
        const QString why = QCoreApplication::translate("qpos::server::ServerConfig",
                                                        "when [alipay] enabled is true");
        r.required(a.appId.isEmpty(), QStringLiteral("[alipay] app_id"), why);
        r.required(!a.certMode && a.alipayPublicKeyPath.isEmpty(),
                   QStringLiteral("[alipay] alipay_public_key"), why);
        r.required(a.certMode && a.alipayCertPath.isEmpty(), QStringLiteral("[alipay] alipay_cert"),
                   QCoreApplication::translate("qpos::server::ServerConfig",
                                               "when [alipay] cert_mode is true"));
    }
    const WechatConfig& w = r.shared.wechat;
    if (w.enabled) {
        const QString why = QCoreApplication::translate("qpos::server::ServerConfig",
                                                        "when [wechat] enabled is true");
        r.required(w.mchId.isEmpty(), QStringLiteral("[wechat] mch_id"), why);
        r.required(w.appId.isEmpty(), QStringLiteral("[wechat] app_id"), why);
        r.required(w.apiV3KeyPath.isEmpty(), QStringLiteral("[wechat] apiv3_key_file"), why);
        r.required(w.wechatpayPublicKeyPath.isEmpty() && w.platformCertPath.isEmpty(),
                   QStringLiteral("[wechat] wechatpay_public_key or platform_certificate"), why);
    }
    if (!r.problems.isEmpty())
        return Error{QStringLiteral("server.config_invalid"), r.problems.join(u'\n')};

    c.log = r.shared.log;
    if (c.log.dir.isEmpty() || c.log.dir.startsWith(kDataDirPlaceholder))
        c.log.dir =
            (c.databaseDriver == DatabaseDriver::Sqlite ? QFileInfo(c.databasePath).absoluteDir()
                                                        : r.baseDir)
                .filePath(QStringLiteral("logs"));
    c.alipay = a;
    c.wechat = w;
    return c;
}

} // namespace qpos::server
