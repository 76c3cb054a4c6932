// qpos-server's configuration file: every key read, relative paths taken against the file,
// every mistake reported with its line and what to do, and the HTTPS key refused when others
// may read it.
#include "sandbox/tls/SandboxCa.h"
#include "server/cli/ServerCommand.h"
#include "server/config/ServerConfigLoader.h"
#include "server/config/ServerTls.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestFiles.h"

#include <QTest>

using namespace qpos;
using namespace qpos::server;
using namespace qpos::test;

class TestServerConfig : public QObject {
    Q_OBJECT

    TempDir m_dir;

    QString write(const QByteArray& text) {
        return writeFileWithMode(m_dir, QStringLiteral("server.ini"), text, 0600);
    }

private slots:
    // The package's postinst and package-check ask it of a fresh install, before any
    // configuration exists.
    void theVersionNeedsNoConfiguration() {
        QCOMPARE(runServerCommand({QStringLiteral("qpos-server"), QStringLiteral("--version")}), 0);
        QCOMPARE(runServerCommand({QStringLiteral("qpos-server"), QStringLiteral("--help")}), 0);
        QCOMPARE(runServerCommand({QStringLiteral("qpos-server"), QStringLiteral("--versions")}),
                 2);
    }

    // The sample the package installs as /etc/qpos/qpos-server.ini starts as it is: loopback,
    // the service's state and log directories, no provider and so no key.
    void thePackagedSampleIsValid() {
        Result<ServerConfig> sample = ServerConfigLoader::load(
            QStringLiteral(QPOS_SOURCE_DIR "/packaging/server/qpos-server.ini"));
        QVERIFY2(sample.ok(), qPrintable(sample.ok() ? QString() : sample.error().message));
        QCOMPARE(sample->listenAddress, QHostAddress(QHostAddress::LocalHost));
        QVERIFY(sample->listenPort >= 1024); // no capability needed (docs/deploy.md)
        QCOMPARE(sample->databasePath, QStringLiteral("/var/lib/qpos-server/server.db"));
        QCOMPARE(sample->log.dir, QStringLiteral("/var/log/qpos-server"));
        QVERIFY(sample->tlsKeyPath.isEmpty());
        QVERIFY(!sample->alipay.enabled);
        QVERIFY(!sample->wechat.enabled);
    }

    void aCompleteFileIsRead() {
        writeFileWithMode(m_dir, QStringLiteral("alipay_public.pem"), "x", 0644);
        writeFileWithMode(m_dir, QStringLiteral("apiv3.key"), "x", 0600);
        writeFileWithMode(m_dir, QStringLiteral("wechatpay_public.pem"), "x", 0644);
        const QString path =
            write("[server]\n"
                  "listen = 0.0.0.0:9443\n"
                  "public_url = https://pos.example.cn:9443\n"
                  "request_timeout_s = 7\n"
                  "rotate_grace_s = 3600\n"
                  "[database]\n"
                  "path = data/server.db\n"
                  "[log]\n"
                  "level = debug\n"
                  "[alipay]\n"
                  "enabled = true\n"
                  "app_id = 2021000117600000\n"
                  "seller_id = 2088102146225135\n"
                  "alipay_public_key = alipay_public.pem\n"
                  "[wechat]\n"
                  "enabled = true\n"
                  "mch_id = 1900000109\n"
                  "app_id = wxd678efh567hg6787\n"
                  "apiv3_key_file = apiv3.key\n"
                  "wechatpay_public_key = wechatpay_public.pem\n"
                  "wechatpay_public_key_id = PUB_KEY_ID_0114232134912410000000000000\n");
        Result<ServerConfig> c = ServerConfigLoader::load(path);
        QVERIFY2(c.ok(), qPrintable(c.ok() ? QString() : c.error().message));
        QCOMPARE(c->listenAddress, QHostAddress(QStringLiteral("0.0.0.0")));
        QCOMPARE(c->listenPort, quint16(9443));
        QCOMPARE(c->publicUrl, QStringLiteral("https://pos.example.cn:9443"));
        QCOMPARE(c->requestTimeoutS, 7);
        QCOMPARE(c->rotateGraceS, 3600);
        QCOMPARE(c->databasePath, m_dir.file(QStringLiteral("data/server.db")));
        QCOMPARE(c->log.level, LogLevel::Debug);
        QCOMPARE(c->log.dir, m_dir.file(QStringLiteral("data/logs")));
        QVERIFY(c->alipay.enabled);
        QCOMPARE(c->alipay.appId, QStringLiteral("2021000117600000"));
        QCOMPARE(c->alipay.sellerId, QStringLiteral("2088102146225135"));
        QCOMPARE(c->alipay.alipayPublicKeyPath, m_dir.file(QStringLiteral("alipay_public.pem")));
        QVERIFY(c->wechat.enabled);
        QCOMPARE(c->wechat.apiV3KeyPath, m_dir.file(QStringLiteral("apiv3.key")));
        QVERIFY(c->tlsCertPath.isEmpty());
    }

    void aPostgresqlDatabaseIsRead() {
        writeFileWithMode(m_dir, QStringLiteral("pg.password"), "secret\n", 0600);
        const QString path = write("[database]\n"
                                   "driver = postgresql\n"
                                   "host = db.example.cn\n"
                                   "port = 6432\n"
                                   "name = qpos_server\n"
                                   "user = qpos\n"
                                   "password_file = pg.password\n"
                                   "options = sslmode=verify-full\n");
        Result<ServerConfig> c = ServerConfigLoader::load(path);
        QVERIFY2(c.ok(), qPrintable(c.ok() ? QString() : c.error().message));
        QCOMPARE(c->databaseDriver, DatabaseDriver::Postgresql);
        QCOMPARE(c->postgres.host, QStringLiteral("db.example.cn"));
        QCOMPARE(c->postgres.port, 6432);
        QCOMPARE(c->postgres.name, QStringLiteral("qpos_server"));
        QCOMPARE(c->postgres.user, QStringLiteral("qpos"));
        QCOMPARE(c->postgres.passwordFile, m_dir.file(QStringLiteral("pg.password")));
        QCOMPARE(c->postgres.options, QStringLiteral("sslmode=verify-full"));
        QVERIFY(c->databasePath.isEmpty());
        QCOMPARE(c->log.dir, m_dir.file(QStringLiteral("logs")));
    }

    // [database] url: libpq's URI, its percent-decoding and its two ways to name a socket.
    void aPostgresqlUrlIsRead_data() {
        QTest::addColumn<QByteArray>("url");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("options");
        QTest::newRow("host, port and TLS")
            << QByteArray("postgresql://qpos@db.example.cn:6432/qpos_server?sslmode=verify-full&"
                          "sslrootcert=/etc/qpos/pg-ca.pem")
            << QStringLiteral("db.example.cn") << 6432 << QStringLiteral("qpos_server")
            << QStringLiteral("qpos")
            << QStringLiteral("sslmode=verify-full sslrootcert=/etc/qpos/pg-ca.pem");
        QTest::newRow("postgres scheme, default port")
            << QByteArray("postgres://qpos@db.example.cn/qpos_server")
            << QStringLiteral("db.example.cn") << 5432 << QStringLiteral("qpos_server")
            << QStringLiteral("qpos") << QString();
        QTest::newRow("socket directory percent-encoded")
            << QByteArray("postgresql://qpos@%2Frun%2Fpostgresql/qpos_server")
            << QStringLiteral("/run/postgresql") << 5432 << QStringLiteral("qpos_server")
            << QStringLiteral("qpos") << QString();
        QTest::newRow("socket directory as a parameter")
            << QByteArray("postgresql:///qpos_server?host=/run/postgresql&user=qpos&port=5433")
            << QStringLiteral("/run/postgresql") << 5433 << QStringLiteral("qpos_server")
            << QStringLiteral("qpos") << QString();
        QTest::newRow("percent-decoded names and values")
            << QByteArray("postgresql://shop%40chain@[::1]:5433/qpos%5Fserver?"
                          "application_name=store%20server")
            << QStringLiteral("::1") << 5433 << QStringLiteral("qpos_server")
            << QStringLiteral("shop@chain") << QStringLiteral("application_name='store server'");
    }

    void aPostgresqlUrlIsRead() {
        QFETCH(QByteArray, url);
        writeFileWithMode(m_dir, QStringLiteral("pg.password"), "secret\n", 0600);
        const QString path = write("[database]\nurl = " + url + "\npassword_file = pg.password\n");
        Result<ServerConfig> c = ServerConfigLoader::load(path);
        QVERIFY2(c.ok(), qPrintable(c.ok() ? QString() : c.error().message));
        QCOMPARE(c->databaseDriver, DatabaseDriver::Postgresql);
        QTEST(c->postgres.host, "host");
        QTEST(c->postgres.port, "port");
        QTEST(c->postgres.name, "name");
        QTEST(c->postgres.user, "user");
        QTEST(c->postgres.options, "options");
        QCOMPARE(c->postgres.passwordFile, m_dir.file(QStringLiteral("pg.password")));
        QCOMPARE(c->log.dir, m_dir.file(QStringLiteral("logs")));
    }

    // The password is refused and never repeated, wherever the URL holds it.
    void aPasswordInTheUrlIsRefusedAndNeverShown_data() {
        QTest::addColumn<QByteArray>("url");
        QTest::newRow("user info") << QByteArray("postgresql://qpos:Sup3rSecret@db/qpos_server");
        QTest::newRow("empty password") << QByteArray("postgresql://qpos:@db/qpos_server");
        QTest::newRow("parameter")
            << QByteArray("postgresql://qpos@db/qpos_server?password=Sup3rSecret");
        QTest::newRow("encoded parameter")
            << QByteArray("postgresql://qpos@db/qpos_server?pass%77ord=Sup3rSecret");
        QTest::newRow("beside a mistake")
            << QByteArray("postgresql://qpos:Sup3rSecret@db/qpos_server?sslmod=require");
    }

    void aPasswordInTheUrlIsRefusedAndNeverShown() {
        QFETCH(QByteArray, url);
        Result<ServerConfig> c = ServerConfigLoader::load(write("[database]\nurl = " + url + "\n"));
        QVERIFY(!c.ok());
        QVERIFY2(c.error().message.contains(u"line 2, [database] url") &&
                     c.error().message.contains(u"password_file"),
                 qPrintable(c.error().message));
        QVERIFY(!c.error().message.contains(u"Sup3rSecret"));
    }

    void mistakesAreReportedWithTheirLine_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown key")
            << QByteArray("[database]\npath = s.db\n[server]\nlisten_on = 1\n")
            << QStringLiteral("line 4, [server] listen_on");
        QTest::newRow("unknown section")
            << QByteArray("[database]\npath = s.db\n[store]\nid = S1\n")
            << QStringLiteral("no section [store]");
        QTest::newRow("a till key the server does not read")
            << QByteArray("[database]\npath = s.db\n[alipay]\nnotify_url = https://x.cn/n\n")
            << QStringLiteral("[alipay] notify_url");
        QTest::newRow("no database") << QByteArray("[server]\nlisten = 127.0.0.1:8443\n")
                                     << QStringLiteral("[database] path is required");
        QTest::newRow("bad listen")
            << QByteArray("[database]\npath = s.db\n[server]\nlisten = 8443\n")
            << QStringLiteral("0.0.0.0:8443");
        QTest::newRow("port out of range")
            << QByteArray("[database]\npath = s.db\n[server]\nlisten = 127.0.0.1:70000\n")
            << QStringLiteral("line 4");
        QTest::newRow("certificate without key")
            << QByteArray("[database]\npath = s.db\n[server]\ntls_cert = c.pem\n")
            << QStringLiteral("set both [server] tls_cert and tls_key");
        QTest::newRow("timeout out of range")
            << QByteArray("[database]\npath = s.db\n[server]\nrequest_timeout_s = 0\n")
            << QStringLiteral("from 1 to 300");
        QTest::newRow("bad public url")
            << QByteArray("[database]\npath = s.db\n[server]\npublic_url = ftp://x\n")
            << QStringLiteral("https://pos.example.com:8443");
        QTest::newRow("alipay without its key")
            << QByteArray("[database]\npath = s.db\n[alipay]\nenabled = true\napp_id = "
                          "2021000117600000\n")
            << QStringLiteral("[alipay] alipay_public_key is required");
        QTest::newRow("wechat without keys")
            << QByteArray("[database]\npath = s.db\n[wechat]\nenabled = true\n")
            << QStringLiteral("[wechat] apiv3_key_file is required");
        QTest::newRow("unknown database driver")
            << QByteArray("[database]\ndriver = mysql\npath = s.db\n")
            << QStringLiteral("use sqlite or postgresql");
        QTest::newRow("postgresql without a database name")
            << QByteArray("[database]\ndriver = postgresql\nuser = qpos\n")
            << QStringLiteral("[database] name is required");
        QTest::newRow("a password in the file")
            << QByteArray("[database]\ndriver = postgresql\nname = q\nuser = q\npassword = x\n")
            << QStringLiteral("line 5, [database] password: a password is never kept");
        QTest::newRow("a missing password file")
            << QByteArray("[database]\ndriver = postgresql\nname = q\nuser = q\n"
                          "password_file = nowhere.pw\n")
            << QStringLiteral("nowhere.pw does not exist");
        QTest::newRow("a postgresql key with sqlite")
            << QByteArray("[database]\npath = s.db\nhost = db.example.cn\n")
            << QStringLiteral("line 3, [database] host: this key is for PostgreSQL");
        QTest::newRow("a sqlite file with postgresql")
            << QByteArray("[database]\ndriver = postgresql\nname = q\nuser = q\npath = s.db\n")
            << QStringLiteral("line 5, [database] path");
        QTest::newRow("url with a separate key")
            << QByteArray("[database]\nurl = postgresql://q@db/q\nhost = other\n")
            << QStringLiteral("line 3, [database] host: url (line 2) names the database already");
        QTest::newRow("url with sqlite")
            << QByteArray("[database]\ndriver = sqlite\nurl = postgresql://q@db/q\n")
            << QStringLiteral("line 2, [database] driver: url is a PostgreSQL database");
        QTest::newRow("url with a sqlite file")
            << QByteArray("[database]\nurl = postgresql://q@db/q\npath = s.db\n")
            << QStringLiteral("line 3, [database] path");
        QTest::newRow("url of another database")
            << QByteArray("[database]\nurl = mysql://q@db/q\n")
            << QStringLiteral("line 2, [database] url: it is not a PostgreSQL connection URL");
        QTest::newRow("url without a database")
            << QByteArray("[database]\nurl = postgresql://q@db\n")
            << QStringLiteral("it names no database");
        QTest::newRow("url without a user") << QByteArray("[database]\nurl = postgresql://db/q\n")
                                            << QStringLiteral("it names no user");
        QTest::newRow("url with a bad port")
            << QByteArray("[database]\nurl = postgresql://q@db:99999/q\n")
            << QStringLiteral("port \"99999\" is not a whole number from 1 to 65535");
        QTest::newRow("url with a misspelt parameter")
            << QByteArray("[database]\nurl = postgresql://q@db/q?sslmod=require\n")
            << QStringLiteral("invalid URI query parameter: \"sslmod\"");
        QTest::newRow("url with a bad escape")
            << QByteArray("[database]\nurl = postgresql://q@db/q%zz\n")
            << QStringLiteral("percent-encoded (%40, %3A, %2F, %20)");
        QTest::newRow("url with several hosts")
            << QByteArray("[database]\nurl = postgresql://q@db1,db2/q\n")
            << QStringLiteral("several hosts");
        QTest::newRow("bad app id")
            << QByteArray("[database]\npath = s.db\n[alipay]\napp_id = abc\n")
            << QStringLiteral("line 4, [alipay] app_id");
    }

    void mistakesAreReportedWithTheirLine() {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        Result<ServerConfig> c = ServerConfigLoader::load(write(text));
        QVERIFY(!c.ok());
        QCOMPARE(c.error().code, QStringLiteral("server.config_invalid"));
        QVERIFY2(c.error().message.contains(expected), qPrintable(c.error().message));
    }

    void aMissingFileSaysWhatToDo() {
        Result<ServerConfig> c = ServerConfigLoader::load(m_dir.file(QStringLiteral("none.ini")));
        QVERIFY(!c.ok());
        QCOMPARE(c.error().code, QStringLiteral("server.config_missing"));
        QVERIFY(c.error().message.contains(u"--config"));
    }

    void theHttpsKeyMustBePrivate() {
        Result<sandbox::SandboxTlsIdentity> identity =
            sandbox::loadOrCreateTlsIdentity(m_dir.file(QStringLiteral("ca")));
        QVERIFY(identity.ok());
        const QString cert =
            writeFileWithMode(m_dir, QStringLiteral("server.pem"), identity->server.toPem(), 0644);
        const QByteArray key = identity->serverKey.toPem();

        const QString groupReadable =
            writeFileWithMode(m_dir, QStringLiteral("group.key"), key, 0640);
        Result<QSslConfiguration> refused = loadServerTls(cert, groupReadable);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, QStringLiteral("server.tls_key"));
        QVERIFY2(refused.error().message.contains(u"chmod 600"),
                 qPrintable(refused.error().message));
        QVERIFY(!refused.error().message.contains(QString::fromLatin1(key.mid(40, 20))));

        const QString worldReadable =
            writeFileWithMode(m_dir, QStringLiteral("world.key"), key, 0604);
        QVERIFY(!loadServerTls(cert, worldReadable).ok());

        const QString privateKey = writeFileWithMode(m_dir, QStringLiteral("ok.key"), key, 0600);
        Result<QSslConfiguration> tls = loadServerTls(cert, privateKey);
        QVERIFY2(tls.ok(), qPrintable(tls.ok() ? QString() : tls.error().message));
        QCOMPARE(tls->localCertificate(), identity->server);

        const QString notACert =
            writeFileWithMode(m_dir, QStringLiteral("nocert.pem"), "hello", 0644);
        Result<QSslConfiguration> noCert = loadServerTls(notACert, privateKey);
        QVERIFY(!noCert.ok());
        QCOMPARE(noCert.error().code, QStringLiteral("server.tls_cert"));
        const QString notAKey = writeFileWithMode(m_dir, QStringLiteral("nokey.pem"), "hi", 0600);
        QCOMPARE(loadServerTls(cert, notAKey).error().code, QStringLiteral("server.tls_key"));
    }
};

QTEST_GUILESS_MAIN(TestServerConfig)
#include "tst_server_config.moc"
