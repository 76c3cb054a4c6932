#include "server/config/PostgresUrl.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QUrl>

#include <libpq-fe.h>

#include <memory>

namespace qpos::server {

namespace {

Error badUrl(const QString& why) {
    return Error{QStringLiteral("server.database_url"), why};
}

// Looked for before libpq reads the URL: its error messages may quote the URL, and a
// password must never reach a message or the log.
bool carriesPassword(const QString& afterScheme) {
    const qsizetype end = afterScheme.indexOf(QRegularExpression(QStringLiteral("[/?]")));
    const QString authority = end < 0 ? afterScheme : afterScheme.left(end);
    const qsizetype at = authority.lastIndexOf(u'@');
    if (at >= 0 && authority.left(at).contains(u':'))
        return true;
    const qsizetype query = afterScheme.indexOf(u'?');
    if (query < 0)
        return false;
    const QStringList params = afterScheme.mid(query + 1).split(u'&');
    for (const QString& param : params) {
        const QString key = QUrl::fromPercentEncoding(param.section(u'=', 0, 0).toUtf8());
        if (key == u"password")
            return true;
    }
    return false;
}

// One libpq keyword=value pair for [database] options: quoted as libpq's conninfo wants.
QString optionPair(const QString& keyword, const QString& value) {
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_./:@+-]+$"));
    if (plain.match(value).hasMatch())
        return keyword + u'=' + value;
    QString quoted = value;
    quoted.replace(u'\\', QStringLiteral("\\\\")).replace(u'\'', QStringLiteral("\\'"));
    return keyword + QStringLiteral("='") + quoted + u'\'';
}

struct ConninfoFree {
    void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};

} // namespace

Result<PostgresSettings> parsePostgresUrl(const QString& url) {
    const QString trimmed = url.trimmed();
    QString afterScheme;
    for (const QString& scheme : {QStringLiteral("postgresql://"), QStringLiteral("postgres://")}) {
        if (trimmed.startsWith(scheme))
            afterScheme = trimmed.mid(scheme.size());
    }
    if (afterScheme.isNull())
        return badUrl(QCoreApplication::translate(
            "qpos::server::PostgresUrl",
            "it is not a PostgreSQL connection URL. Write it as "
            "postgresql://user@host:port/dbname, optionally followed by "
            "?sslmode=verify-full&sslrootcert=/etc/qpos/pg-ca.pem."));
    if (carriesPassword(afterScheme))
        return badUrl(QCoreApplication::translate(
            "qpos::server::PostgresUrl",
            "it holds a password, and a password is never kept in this file. "
            "Remove it from the URL, write it into a file only the server's user can "
            "read (chmod 600) and name that file with password_file."));

    char* message = nullptr;
    std::unique_ptr<PQconninfoOption, ConninfoFree> options(
        PQconninfoParse(trimmed.toUtf8().constData(), &message));
    if (!options) {
        const QString why =
            message ? QString::fromUtf8(message).trimmed() : QStringLiteral("out of memory");
        PQfreemem(message);
        return badUrl(QCoreApplication::translate(
                          "qpos::server::PostgresUrl",
                          "libpq cannot read it (%1). Write it as "
                          "postgresql://user@host:port/dbname?keyword=value, with characters "
                          "such as @, :, / and spaces percent-encoded (%40, %3A, %2F, %20).")
                          .arg(why));
    }

    PostgresSettings settings;
    QStringList extra;
    for (const PQconninfoOption* o = options.get(); o->keyword; ++o) {
        if (!o->val)
            continue;
        const QString keyword = QString::fromLatin1(o->keyword);
        const QString value = QString::fromUtf8(o->val);
        if (keyword == u"host") {
            if (value.contains(u','))
                return badUrl(QCoreApplication::translate(
                    "qpos::server::PostgresUrl",
                    "it names several hosts; qpos-server connects to one. Name "
                    "the primary server only."));
            settings.host = value;
        } else if (keyword == u"port") {
            bool ok = false;
            const int port = value.toInt(&ok);
            if (value.contains(u','))
                return badUrl(QCoreApplication::translate(
                    "qpos::server::PostgresUrl",
                    "it names several ports; qpos-server connects to one host "
                    "on one port."));
            if (!ok || port < 1 || port > 65535)
                return badUrl(QCoreApplication::translate(
                                  "qpos::server::PostgresUrl",
                                  "its port \"%1\" is not a whole number from 1 to 65535.")
                                  .arg(value));
            settings.port = port;
        } else if (keyword == u"dbname") {
            settings.name = value;
        } else if (keyword == u"user") {
            settings.user = value;
        } else if (keyword == u"password") {
            return badUrl(QCoreApplication::translate(
                "qpos::server::PostgresUrl",
                "it holds a password, and a password is never kept in this "
                "file. Write it into a file only the server's user can read "
                "(chmod 600) and name that file with password_file."));
        } else {
            // Qt's driver reads ';' as a separator between options.
            if (value.contains(u';'))
                return badUrl(QCoreApplication::translate(
                                  "qpos::server::PostgresUrl",
                                  "the value of %1 contains a semicolon, which Qt's PostgreSQL "
                                  "driver cannot pass on. Rename the file or value without it.")
                                  .arg(keyword));
            extra << optionPair(keyword, value);
        }
    }
    if (settings.name.isEmpty())
        return badUrl(QCoreApplication::translate("qpos::server::PostgresUrl",
                                                  "it names no database. Add it after the host: "
                                                  "postgresql://qpos@db.example.cn/qpos_server."));
    if (settings.user.isEmpty())
        return badUrl(QCoreApplication::translate("qpos::server::PostgresUrl",
                                                  "it names no user. Add the role before the host: "
                                                  "postgresql://qpos@db.example.cn/qpos_server."));
    settings.options = extra.join(u' ');
    return settings;
}

} // namespace qpos::server
