#include "core/config/AppConfig.h"
#include "core/config/ConfigKeys.h"
#include "core/config/ConfigLoader.h"
#include "core/config/IniFile.h"

#include "tests/support/TempDir.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <unistd.h>

using namespace Qt::StringLiterals;
using qpos::AppConfig;
using qpos::ConfigIssue;
using qpos::ConfigLoader;
using qpos::ConfigLoadOptions;
using qpos::ConfigLoadResult;
using qpos::ConfigSource;

namespace {

void writeFile(const QString& path, const QByteArray& contents,
               QFile::Permissions permissions = QFile::ReadOwner | QFile::WriteOwner) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(path));
    QCOMPARE(f.write(contents), contents.size());
    f.close();
    QVERIFY(QFile::setPermissions(path, permissions));
}

QString describe(const QList<ConfigIssue>& issues) {
    QStringList lines;
    for (const ConfigIssue& i : issues)
        lines << i.code + u": "_s + i.message;
    return lines.join(u'\n');
}

// The minimal valid production file body.
const QByteArray kIds = "[store]\nid = S01\n[terminal]\nid = T01\n";

QJsonObject vectors() {
    QFile f(QStringLiteral(QPOS_TEST_DATA_DIR "/vectors.json"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

} // namespace

class TestConfig : public QObject {
    Q_OBJECT

private:
    ConfigLoadResult loadOne(const QString& path, bool sandbox = false) {
        ConfigLoadOptions options;
        options.sandbox = sandbox;
        options.dataDir = m_data;
        return ConfigLoader::load({ConfigSource{path, true}}, options);
    }

    // `path` on top of a base file that holds valid store and terminal ids.
    ConfigLoadResult loadOverIds(const qpos::test::TempDir& tmp, const QString& path) {
        const QString base = tmp.file(u"base.ini"_s);
        writeFile(base, kIds);
        return ConfigLoader::load({{base, false}, {path, true}}, ConfigLoadOptions{false, m_data});
    }

    QString m_data = u"/var/lib/qpos-test-data"_s;

private slots:
    void standardSources() {
        const QList<ConfigSource> plain = ConfigLoader::standardSources();
        QCOMPARE(plain.size(), 2);
        QCOMPARE(plain.at(0).path, u"/etc/qpos/qpos.ini"_s);
        QVERIFY(!plain.at(0).required);
        QCOMPARE(plain.at(1).path, ConfigLoader::userConfigPath());
        QVERIFY(plain.at(1).path.endsWith(u"/qpos.ini"_s));
        QVERIFY(!plain.at(1).required);

        const QList<ConfigSource> withExplicit = ConfigLoader::standardSources(u"/tmp/x.ini"_s);
        QCOMPARE(withExplicit.size(), 3);
        QCOMPARE(withExplicit.at(2).path, u"/tmp/x.ini"_s);
        QVERIFY(withExplicit.at(2).required);
    }

    void layeringLaterWins() {
        qpos::test::TempDir tmp;
        const QString system = tmp.file(u"etc/qpos.ini"_s);
        const QString user = tmp.file(u"home/qpos.ini"_s);
        const QString given = tmp.file(u"given/qpos.ini"_s);
        writeFile(system, "[store]\nid = SYS\nname = System name\n[terminal]\nid = T01\n"
                          "[log]\nlevel = debug\nmax_files = 9\n[database]\npath = sys.db\n");
        writeFile(user, "[store]\nid = USER\n[log]\nmax_files = 7\n");
        writeFile(given, "[store]\nid = GIVEN\n");

        const ConfigLoadResult r = ConfigLoader::load(
            {{system, false}, {user, false}, {given, true}}, ConfigLoadOptions{false, m_data});
        QVERIFY2(r.ok(), qPrintable(describe(r.errors)));
        QVERIFY2(r.warnings.isEmpty(), qPrintable(describe(r.warnings)));
        QCOMPARE(r.config.store.id, u"GIVEN"_s);         // explicit beats user and system
        QCOMPARE(r.config.store.name, u"System name"_s); // only the system file sets it
        QCOMPARE(r.config.log.maxFiles, 7);              // user beats system
        QCOMPARE(r.config.log.level, qpos::LogLevel::Debug);
        // A relative path resolves against the directory of the file that set it.
        QCOMPARE(r.config.database.path, QDir::cleanPath(tmp.file(u"etc/sys.db"_s)));
        QCOMPARE(r.filesRead, (QStringList{system, user, given}));
    }

    void optionalFilesMayBeMissing() {
        qpos::test::TempDir tmp;
        const QString given = tmp.file(u"qpos.ini"_s);
        writeFile(given, kIds);
        const QString absent = tmp.file(u"absent.ini"_s);
        const ConfigLoadResult r =
            ConfigLoader::load({{absent, false}, {given, true}}, ConfigLoadOptions{false, m_data});
        QVERIFY2(r.ok(), qPrintable(describe(r.errors)));
        QCOMPARE(r.filesRead, QStringList{given});
        QCOMPARE(r.filesSearched.size(), 2);
        QVERIFY(r.filesSearched.at(0).startsWith(absent));
    }

    void explicitFileMissing() {
        qpos::test::TempDir tmp;
        const QString absent = tmp.file(u"nope.ini"_s);
        const ConfigLoadResult r = loadOne(absent, true);
        QVERIFY(!r.ok());
        QCOMPARE(r.errors.size(), 1);
        QCOMPARE(r.errors.at(0).code, u"config.file_missing"_s);
        QCOMPARE(r.errors.at(0).file, absent);
        QVERIFY(r.errors.at(0).message.contains(absent));
        QVERIFY(!r.toResult().ok());
        QCOMPARE(r.toResult().error().code, u"config.file_missing"_s);
    }

    void productionDefaults() {
        qpos::test::TempDir tmp;
        const QString path = tmp.file(u"qpos.ini"_s);
        writeFile(path, kIds);
        const ConfigLoadResult r = loadOne(path);
        QVERIFY2(r.ok(), qPrintable(describe(r.errors)));
        const AppConfig& c = r.config;
        QVERIFY(!c.sandbox);
        QCOMPARE(c.store.id, u"S01"_s);
        QCOMPARE(c.terminal.id, u"T01"_s);
        QCOMPARE(c.database.path, m_data + u"/orders.db"_s);
        QCOMPARE(c.log.dir, m_data + u"/logs"_s);
        QCOMPARE(c.log.level, qpos::LogLevel::Info);
        QCOMPARE(c.log.maxFileKb, 4096);
        QCOMPARE(c.log.maxFiles, 5);
        QCOMPARE(c.ui.language, qpos::UiLanguage::System);
        QVERIFY(!c.alipay.enabled);
        QCOMPARE(c.alipay.gatewayUrl, u"https://openapi.alipay.com/gateway.do"_s);
        QCOMPARE(c.alipay.signType, u"RSA2"_s);
        QCOMPARE(c.alipay.timeoutMs, 15000);
        QVERIFY(!c.wechat.enabled);
        QCOMPARE(c.checkout.qrTimeoutS, 120);
    }

    void defaultsMatchTable() {
        // The documented defaults in the key table are the ones the code applies.
        const AppConfig c = qpos::productionDefaults(m_data);
        auto def = [](const char* section, const char* name) {
            const qpos::ConfigKey* k =
                qpos::findConfigKey(QString::fromLatin1(section), QString::fromLatin1(name));
            return k ? k->defaultValue : u"<missing>"_s;
        };
        QCOMPARE(def("log", "level"), qpos::toConfigString(c.log.level));
        QCOMPARE(def("log", "max_file_kb"), QString::number(c.log.maxFileKb));
        QCOMPARE(def("log", "max_files"), QString::number(c.log.maxFiles));
        QCOMPARE(def("ui", "language"), qpos::toConfigString(c.ui.language));
        QCOMPARE(def("alipay", "gateway_url"), c.alipay.gatewayUrl);
        QCOMPARE(def("alipay", "sign_type"), c.alipay.signType);
        QCOMPARE(def("alipay", "timeout_ms"), QString::number(c.alipay.timeoutMs));
        QCOMPARE(def("wechat", "gateway_url"), c.wechat.gatewayUrl);
        QCOMPARE(def("wechat", "timeout_ms"), QString::number(c.wechat.timeoutMs));
        QCOMPARE(def("checkout", "qr_timeout_s"), QString::number(c.checkout.qrTimeoutS));
        QCOMPARE(def("alipay", "enabled"), u"false"_s);
        QCOMPARE(def("wechat", "enabled"), u"false"_s);
    }

    void everyKeyIsCompleteAndItsDefaultIsApplied() {
        // Loading no file at all gives every key the table's default, and an initializer in
        // AppConfig.h never disagrees with the table.
        const ConfigLoadResult r = ConfigLoader::load({}, ConfigLoadOptions{false, m_data});
        const AppConfig initialized;
        for (const qpos::ConfigKey& k : qpos::configKeys()) {
            const QByteArray name = k.qualifiedName().toUtf8();
            QVERIFY2(qstrlen(k.doc) > 0 && qstrlen(k.allowed) > 0, name.constData());
            QVERIFY2(k.apply && k.valueText, name.constData());
            QString expected = k.defaultValue;
            if (expected.startsWith(qpos::kDataDirPlaceholder))
                expected = m_data + u'/' + expected.sliced(qpos::kDataDirPlaceholder.size());
            QVERIFY2(k.valueText(r.config) == expected,
                     qPrintable(k.qualifiedName() + u": "_s + k.valueText(r.config)));
            const QString initial = k.valueText(initialized);
            QVERIFY2(initial.isEmpty() || initial == k.defaultValue,
                     qPrintable(k.qualifiedName() + u": "_s + initial));
        }
    }

    void sandboxDefaults() {
        const AppConfig c = qpos::sandboxDefaults(m_data);
        QVERIFY(c.sandbox);
        QCOMPARE(c.store.id, u"DEMO"_s);
        QCOMPARE(c.terminal.id, u"T01"_s);
        QVERIFY(c.database.path.startsWith(m_data + u'/'));
        QVERIFY(c.log.dir.startsWith(m_data + u'/'));

        // Loading with no file at all in sandbox mode gives exactly these values, no errors.
        const ConfigLoadResult r = ConfigLoader::load({}, ConfigLoadOptions{true, m_data});
        QVERIFY2(r.ok(), qPrintable(describe(r.errors)));
        QVERIFY(r.warnings.isEmpty());
        QCOMPARE(r.config.store.id, u"DEMO"_s);
        QCOMPARE(r.config.database.path, c.database.path);

        // Outside the sandbox the same empty input lacks store and terminal ids.
        const ConfigLoadResult prod = ConfigLoader::load({}, ConfigLoadOptions{false, m_data});
        QCOMPARE(prod.errors.size(), 2);
    }

    void sandboxValuesCanBeOverridden() {
        qpos::test::TempDir tmp;
        const QString path = tmp.file(u"qpos.ini"_s);
        writeFile(path, "[store]\nid = SHOP2\n[checkout]\nqr_timeout_s = 300\n");
        const ConfigLoadResult r = loadOne(path, true);
        QVERIFY2(r.ok(), qPrintable(describe(r.errors)));
        QCOMPARE(r.config.store.id, u"SHOP2"_s);
        QCOMPARE(r.config.terminal.id, u"T01"_s);
        QCOMPARE(r.config.checkout.qrTimeoutS, 300);
    }

    void invalidValue_data() {
        QTest::addColumn<QString>("section");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("reason"); // a word the message must contain

        QTest::newRow("store id underscore")
            << u"store"_s << u"id"_s << u"S_01"_s << u"underscore"_s;
        QTest::newRow("store id too long")
            << u"store"_s << u"id"_s << u"ABCDEFGHIJKLMNOPQ"_s << u"17"_s;
        QTest::newRow("store id dash")
            << u"store"_s << u"id"_s << u"S-01"_s << u"letter or digit"_s;
        QTest::newRow("store id non-ascii")
            << u"store"_s << u"id"_s << u"店01"_s << u"letter or digit"_s;
        QTest::newRow("store id empty") << u"store"_s << u"id"_s << QString() << u"empty"_s;
        QTest::newRow("store name too long")
            << u"store"_s << u"name"_s << QString(65, u'x') << u"65"_s;
        QTest::newRow("name with percent markers")
            << u"store"_s << u"name"_s << QString(61, u'x') + u"%1%2"_s << u"65"_s;
        QTest::newRow("terminal id underscore")
            << u"terminal"_s << u"id"_s << u"T_1"_s << u"underscore"_s;
        QTest::newRow("bad bool") << u"alipay"_s << u"enabled"_s << u"maybe"_s << u"yes/no"_s;
        QTest::newRow("bad number") << u"log"_s << u"max_file_kb"_s << u"4k"_s << u"whole number"_s;
        QTest::newRow("number with sign")
            << u"log"_s << u"max_files"_s << u"+5"_s << u"whole number"_s;
        QTest::newRow("number spaces")
            << u"log"_s << u"max_files"_s << u"5 files"_s << u"whole number"_s;
        QTest::newRow("kb below") << u"log"_s << u"max_file_kb"_s << u"63"_s << u"out of range"_s;
        QTest::newRow("kb above") << u"log"_s << u"max_file_kb"_s << u"1048577"_s
                                  << u"out of range"_s;
        QTest::newRow("files zero") << u"log"_s << u"max_files"_s << u"0"_s << u"out of range"_s;
        QTest::newRow("files 101") << u"log"_s << u"max_files"_s << u"101"_s << u"out of range"_s;
        QTest::newRow("files negative")
            << u"log"_s << u"max_files"_s << u"-3"_s << u"out of range"_s;
        QTest::newRow("number overflow")
            << u"log"_s << u"max_files"_s << u"99999999999999999999999"_s << u"out of range"_s;
        QTest::newRow("level") << u"log"_s << u"level"_s << u"verbose"_s << u"choices"_s;
        QTest::newRow("language") << u"ui"_s << u"language"_s << u"fr"_s << u"choices"_s;
        QTest::newRow("qr timeout low")
            << u"checkout"_s << u"qr_timeout_s"_s << u"29"_s << u"out of range"_s;
        QTest::newRow("qr timeout high")
            << u"checkout"_s << u"qr_timeout_s"_s << u"901"_s << u"out of range"_s;
        QTest::newRow("alipay timeout")
            << u"alipay"_s << u"timeout_ms"_s << u"999"_s << u"out of range"_s;
        QTest::newRow("http gateway") << u"alipay"_s << u"gateway_url"_s
                                      << u"http://openapi.alipay.com/gateway.do"_s << u"loopback"_s;
        QTest::newRow("http wechat") << u"wechat"_s << u"gateway_url"_s
                                     << u"http://api.mch.weixin.qq.com"_s << u"loopback"_s;
        QTest::newRow("ftp gateway")
            << u"alipay"_s << u"gateway_url"_s << u"ftp://example.com/gateway.do"_s << u"ftp"_s;
        QTest::newRow("not a url")
            << u"alipay"_s << u"notify_url"_s << u"shop.example.com"_s << u"URL"_s;
        QTest::newRow("app id letters")
            << u"alipay"_s << u"app_id"_s << u"20210001abc"_s << u"form"_s;
        QTest::newRow("app id short") << u"alipay"_s << u"app_id"_s << u"123456789"_s << u"form"_s;
        QTest::newRow("sign type") << u"alipay"_s << u"sign_type"_s << u"RSA"_s << u"choices"_s;
        QTest::newRow("seller id not a pid")
            << u"alipay"_s << u"seller_id"_s << u"2021000117600000"_s << u"form"_s;
        QTest::newRow("seller id short")
            << u"alipay"_s << u"seller_id"_s << u"20881021776494"_s << u"form"_s;
        QTest::newRow("tilde path") << u"database"_s << u"path"_s << u"~/orders.db"_s << u"~"_s;
        QTest::newRow("empty path") << u"log"_s << u"dir"_s << QString() << u"empty"_s;
        QTest::newRow("mch id") << u"wechat"_s << u"mch_id"_s << u"12a45"_s << u"form"_s;
        QTest::newRow("routing unknown channel")
            << u"routing"_s << u"channels"_s << u"alipay, card"_s << u"not a payment channel"_s;
        QTest::newRow("routing cash is not a provider")
            << u"routing"_s << u"channels"_s << u"alipay, cash"_s << u"[checkout] cash = true"_s;
        QTest::newRow("routing channel twice")
            << u"routing"_s << u"channels"_s << u"alipay, Alipay"_s << u"twice"_s;
        QTest::newRow("routing empty entry")
            << u"routing"_s << u"channels"_s << u"alipay,,wechat"_s << u"empty entry"_s;
        QTest::newRow("prefix range backwards")
            << u"routing"_s << u"alipay_code_prefixes"_s << u"30-25"_s << u"ends before"_s;
        QTest::newRow("prefix range lengths")
            << u"routing"_s << u"wechat_code_prefixes"_s << u"10-150"_s << u"same number"_s;
        QTest::newRow("prefix not digits")
            << u"routing"_s << u"wechat_code_prefixes"_s << u"1x"_s << u"not a prefix"_s;
        QTest::newRow("prefixes overlap in one key")
            << u"routing"_s << u"alipay_code_prefixes"_s << u"25-30, 28"_s << u"overlaps"_s;
        QTest::newRow("limit three decimals")
            << u"routing"_s << u"wechat_max_amount"_s << u"10.005"_s << u"amount"_s;
        QTest::newRow("limit negative")
            << u"routing"_s << u"alipay_max_amount"_s << u"-5"_s << u"amount"_s;
    }

    void invalidValue() {
        QFETCH(QString, section);
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, reason);

        qpos::test::TempDir tmp;
        const QString path = tmp.file(u"bad.ini"_s);
        writeFile(path, "# a comment\n[" + section.toUtf8() + "]\n" + key.toUtf8() + " = " +
                            value.toUtf8() + "\n");

        const ConfigLoadResult r = loadOverIds(tmp, path);
        QVERIFY(!r.ok());
        QCOMPARE(r.errors.size(), 1);
        const ConfigIssue& e = r.errors.first();
        const QString qualified = u'[' + section + u"] "_s + key;
        QCOMPARE(e.code, u"config.invalid_value"_s);
        QCOMPARE(e.key, qualified);
        QCOMPARE(e.file, path);
        QCOMPARE(e.line, 3);
        QVERIFY2(e.message.contains(u"line 3"_s), qPrintable(e.message));
        QVERIFY2(e.message.contains(qualified), qPrintable(e.message));
        QVERIFY2(e.message.contains(path), qPrintable(e.message));
        QVERIFY2(e.message.contains(value), qPrintable(e.message));
        QVERIFY2(e.message.contains(reason, Qt::CaseInsensitive), qPrintable(e.message));
        const qpos::ConfigKey* k = qpos::findConfigKey(section, key);
        QVERIFY(k);
        QVERIFY2(e.message.contains(k->allowedText()), qPrintable(e.message));
        QVERIFY(e.message.contains(u"Allowed:"_s));
    }

    void validValues_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("loopback v4")
            << QByteArray("[alipay]\ngateway_url = http://127.0.0.1:8080/gateway.do\n");
        QTest::newRow("loopback 127/8")
            << QByteArray("[alipay]\ngateway_url = http://127.1.2.3/gateway.do\n");
        QTest::newRow("localhost") << QByteArray("[alipay]\ngateway_url = http://LocalHost:9/gw\n");
        QTest::newRow("loopback v6") << QByteArray("[wechat]\ngateway_url = http://[::1]:8443\n");
        QTest::newRow("https") << QByteArray(
            "[alipay]\ngateway_url = https://openapi-sandbox.dl.alipaydev.com/gateway.do\n");
        QTest::newRow("notify http public")
            << QByteArray("[alipay]\nnotify_url = http://shop.example.com/n\n");
        QTest::newRow("notify empty") << QByteArray("[alipay]\nnotify_url =\n");
        QTest::newRow("seller id") << QByteArray("[alipay]\nseller_id = 2088102177649450\n");
        QTest::newRow("bools") << QByteArray(
            "[alipay]\nenabled = No\ncert_mode = OFF\n[wechat]\nenabled = 0\n");
        QTest::newRow("bounds") << QByteArray(
            "[log]\nmax_file_kb = 64\nmax_files = 100\n[checkout]\nqr_timeout_s = 900\n");
        QTest::newRow("choices any case") << QByteArray(
            "[log]\nlevel = WARNING\n[ui]\nlanguage = zh_cn\n[alipay]\nsign_type = rsa2\n");
        QTest::newRow("16 char id") << QByteArray("[store]\nid = ABCDEFGHijklmn09\n");
        QTest::newRow("64 char name")
            << QByteArray("[store]\nname = ") + QString(64, QChar(0x5E97)).toUtf8() + "\n";
        QTest::newRow("empty name") << QByteArray("[store]\nname =\n");
        QTest::newRow("routing empty values")
            << QByteArray("[routing]\nchannels =\nalipay_code_prefixes =\n"
                          "wechat_max_amount =\n");
        QTest::newRow("routing prefixes and limits")
            << QByteArray("[routing]\nalipay_code_prefixes = 25-30, 620-629\n"
                          "wechat_code_prefixes = 10-15,18\nalipay_max_amount = 0.01\n"
                          "wechat_max_amount = 5000.00\n");
    }

    void validValues() {
        QFETCH(QByteArray, body);
        qpos::test::TempDir tmp;
        const QString path = tmp.file(u"ok.ini"_s);
        writeFile(path, body);
        const ConfigLoadResult r = loadOverIds(tmp, path);
        QVERIFY2(r.ok(), qPrintable(describe(r.errors)));
        QVERIFY2(r.warnings.isEmpty(), qPrintable(describe(r.warnings)));
    }

    void enumValuesApplied() {
        qpos::test::TempDir tmp;
        const QString path = tmp.file(u"ok.ini"_s);
        writeFile(path, kIds + "[log]\nlevel = Critical\n[ui]\nlanguage = ZH_CN\n");
        const ConfigLoadResult r = loadOne(path);
        QVERIFY2(r.ok(), qPrintable(describe(r.errors)));
        QCOMPARE(r.config.log.level, qpos::LogLevel::Critical);
        QCOMPARE(r.config.ui.language, qpos::UiLanguage::ZhCN);
    }

    void exactValues() {
        // Commas, percent signs, '#' and quotes survive as written (QSettings would not).
        qpos::test::TempDir tmp;
        const QString path = tmp.file(u"ok.ini"_s);
        writeFile(path, "\xEF\xBB\xBF# comment\r\n[store]\r\nid = S01\r\n"
                        "name = \"  Tea, Coffee & 100% Cake #1  \"\r\n"
                        "; another comment\r\n[terminal]\r\nid=T01\r\n");
        const ConfigLoadResult r = loadOne(path);
        QVERIFY2(r.ok(), qPrintable(describe(r.errors)));
        QCOMPARE(r.config.store.name, u"  Tea, Coffee & 100% Cake #1  "_s);
        QCOMPARE(r.config.terminal.id, u"T01"_s);

        writeFile(path, "[store]\nid = S01\nname = a,b %41 \"x\" ; y\n[terminal]\nid = T01\n");
        const ConfigLoadResult r2 = loadOne(path);
        QVERIFY2(r2.ok(), qPrintable(describe(r2.errors)));
        QCOMPARE(r2.config.store.name, u"a,b %41 \"x\" ; y"_s);
    }

    void missingRequiredNamesKeyAndFiles() {
        qpos::test::TempDir tmp;
        const QString system = tmp.file(u"system.ini"_s);
        const QString user = tmp.file(u"user.ini"_s);
        writeFile(user, "[store]\nname = Shop\n");
        const ConfigLoadResult r =
            ConfigLoader::load({{system, false}, {user, false}}, ConfigLoadOptions{false, m_data});
        QCOMPARE(r.errors.size(), 2);
        for (const ConfigIssue& e : r.errors) {
            QCOMPARE(e.code, u"config.missing_required"_s);
            QVERIFY2(e.message.contains(system), qPrintable(e.message));
            QVERIFY2(e.message.contains(user), qPrintable(e.message));
            QVERIFY2(e.message.contains(u"not present"_s), qPrintable(e.message));
        }
        QCOMPARE(r.errors.at(0).key, u"[store] id"_s);
        QVERIFY(r.errors.at(0).message.contains(u"[store] id"_s));
        QCOMPARE(r.errors.at(1).key, u"[terminal] id"_s);
    }

    void allErrorsCollected() {
        qpos::test::TempDir tmp;
        const QString path = tmp.file(u"bad.ini"_s);
        writeFile(path, "[store]\nid = S_1\n[terminal]\nid = T01\n[log]\nmax_files = 0\n"
                        "level = loud\n[alipay]\nenabled = sure\n");
        const ConfigLoadResult r = loadOne(path);
        QCOMPARE(r.errors.size(), 4);
        const qpos::Error combined = r.error();
        QCOMPARE(combined.code, u"config.invalid"_s);
        QCOMPARE(combined.message.count(u'\n'), 3);
        for (const char* k : {"[store] id", "[log] max_files", "[log] level", "[alipay] enabled"})
            QVERIFY2(combined.message.contains(QLatin1StringView(k)), k);
    }

    void alipayRequiredWhenEnabled() {
        qpos::test::TempDir tmp;
        const QString path = tmp.file(u"qpos.ini"_s);
        writeFile(path, kIds + "[alipay]\nenabled = true\n");
        const ConfigLoadResult r = loadOne(path);
        QStringList keys;
        for (const ConfigIssue& e : r.errors) {
            QCOMPARE(e.code, u"config.missing_required"_s);
            QVERIFY(e.message.contains(path));
            keys << e.key;
        }
        QCOMPARE(keys, (QStringList{u"[alipay] app_id"_s, u"[alipay] app_private_key"_s,
                                    u"[alipay] alipay_public_key"_s}));

        writeFile(path, kIds + "[alipay]\nenabled = true\ncert_mode = true\n");
        const ConfigLoadResult cert = loadOne(path);
        keys.clear();
        for (const ConfigIssue& e : cert.errors)
            keys << e.key;
        QCOMPARE(keys, (QStringList{u"[alipay] app_id"_s, u"[alipay] app_private_key"_s,
                                    u"[alipay] app_cert"_s, u"[alipay] alipay_cert"_s,
                                    u"[alipay] alipay_root_cert"_s}));
    }

    void keyFilesResolvedAndChecked() {
        qpos::test::TempDir tmp;
        const QString path = tmp.file(u"conf/qpos.ini"_s);
        writeFile(tmp.file(u"conf/keys/app_private.pem"_s), "x");
        writeFile(tmp.file(u"alipay_public.pem"_s), "x",
                  QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
        writeFile(path, kIds + "[alipay]\nenabled = yes\napp_id = 2021000117600000\n"
                               "app_private_key = keys/app_private.pem\n"
                               "alipay_public_key = ../alipay_public.pem\n");
        const ConfigLoadResult r = loadOne(path);
        QVERIFY2(r.ok(), qPrintable(describe(r.errors)));
        QVERIFY2(r.warnings.isEmpty(), qPrintable(describe(r.warnings)));
        QCOMPARE(r.config.alipay.appPrivateKeyPath,
                 QDir::cleanPath(tmp.file(u"conf/keys/app_private.pem"_s)));
        QCOMPARE(r.config.alipay.alipayPublicKeyPath,
                 QDir::cleanPath(tmp.file(u"alipay_public.pem"_s)));
        QVERIFY(QFileInfo(r.config.alipay.appPrivateKeyPath).isAbsolute());
    }

    void keyFileMissing() {
        qpos::test::TempDir tmp;
        const QString path = tmp.file(u"qpos.ini"_s);
        writeFile(tmp.file(u"alipay_public.pem"_s), "x");
        writeFile(path, kIds + "[alipay]\nenabled = yes\napp_id = 2021000117600000\n"
                               "app_private_key = keys/missing.pem\n"
                               "alipay_public_key = alipay_public.pem\n");
        const ConfigLoadResult r = loadOne(path);
        QCOMPARE(r.errors.size(), 1);
        const ConfigIssue& e = r.errors.first();
        QCOMPARE(e.code, u"config.key_file_missing"_s);
        QCOMPARE(e.key, u"[alipay] app_private_key"_s);
        QCOMPARE(e.file, path);
        QCOMPARE(e.line, 8);
        QVERIFY2(e.message.contains(u"[alipay] app_private_key"_s), qPrintable(e.message));
        QVERIFY2(e.message.contains(tmp.file(u"keys/missing.pem"_s)), qPrintable(e.message));
        QVERIFY2(e.message.contains(path), qPrintable(e.message));

        // A disabled gateway's key files are not looked at.
        writeFile(path, kIds + "[alipay]\nenabled = no\napp_private_key = keys/missing.pem\n");
        QVERIFY(loadOne(path).ok());
    }

    void keyFileIsDirectory() {
        qpos::test::TempDir tmp;
        const QString path = tmp.file(u"qpos.ini"_s);
        QDir().mkpath(tmp.file(u"keys"_s));
        writeFile(tmp.file(u"pub.pem"_s), "x");
        writeFile(path, kIds + "[alipay]\nenabled = yes\napp_id = 2021000117600000\n"
                               "app_private_key = keys\nalipay_public_key = pub.pem\n");
        const ConfigLoadResult r = loadOne(path);
        QCOMPARE(r.errors.size(), 1);
        QCOMPARE(r.errors.first().code, u"config.key_file_unreadable"_s);
        QVERIFY(r.errors.first().message.contains(u"[alipay] app_private_key"_s));
    }

    void privateKeyPermissionsWarn() {
        qpos::test::TempDir tmp;
        const QString path = tmp.file(u"qpos.ini"_s);
        writeFile(tmp.file(u"app.pem"_s), "x",
                  QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
        writeFile(tmp.file(u"pub.pem"_s), "x");
        writeFile(path, kIds + "[alipay]\nenabled = yes\napp_id = 2021000117600000\n"
                               "app_private_key = app.pem\nalipay_public_key = pub.pem\n");
        const ConfigLoadResult r = loadOne(path);
        QVERIFY2(r.ok(), qPrintable(describe(r.errors)));
        QCOMPARE(r.warnings.size(), 1);
        QCOMPARE(r.warnings.first().code, u"config.key_file_permissions"_s);
        QCOMPARE(r.warnings.first().key, u"[alipay] app_private_key"_s);
        QVERIFY(r.warnings.first().message.contains(u"600"_s));
    }

    void certModeFiles() {
        qpos::test::TempDir tmp;
        const QString path = tmp.file(u"qpos.ini"_s);
        for (const char* f : {"app.pem", "appCert.crt", "alipayCert.crt"})
            writeFile(tmp.file(QString::fromLatin1(f)), "x");
        writeFile(path, kIds + "[alipay]\nenabled = yes\napp_id = 2021000117600000\n"
                               "app_private_key = app.pem\ncert_mode = true\n"
                               "app_cert = appCert.crt\nalipay_cert = alipayCert.crt\n"
                               "alipay_root_cert = root.crt\n");
        const ConfigLoadResult r = loadOne(path);
        QCOMPARE(r.errors.size(), 1);
        QCOMPARE(r.errors.first().code, u"config.key_file_missing"_s);
        QCOMPARE(r.errors.first().key, u"[alipay] alipay_root_cert"_s);
        writeFile(tmp.file(u"root.crt"_s), "x");
        const ConfigLoadResult ok = loadOne(path);
        QVERIFY2(ok.ok(), qPrintable(describe(ok.errors)));
        QVERIFY(ok.config.alipay.certMode);
        QCOMPARE(ok.config.alipay.alipayRootCertPath, tmp.file(u"root.crt"_s));
    }

    void wechatComplete() {
        qpos::test::TempDir tmp;
        const QString path = tmp.file(u"qpos.ini"_s);
        for (const char* f : {"apiclient_key.pem", "apiv3.key", "pub_key.pem"})
            writeFile(tmp.file(QString::fromLatin1(f)), "x");
        writeFile(path, kIds + "[wechat]\nenabled = true\nmch_id = 1230000109\n"
                               "app_id = wxd678efh567hg6787\n"
                               "merchant_private_key = apiclient_key.pem\n"
                               "merchant_serial_no = 5157F09EFDC096DE15EBE81A47057A7232F1B8E1\n"
                               "apiv3_key_file = apiv3.key\nwechatpay_public_key = pub_key.pem\n"
                               "wechatpay_public_key_id = PUB_KEY_ID_0114232134912410000000000000\n"
                               "notify_url = https://shop.example.com/notify/wechat\n"
                               "timeout_ms = 20000\n");
        const ConfigLoadResult r = loadOne(path);
        QVERIFY2(r.ok(), qPrintable(describe(r.errors)));
        QVERIFY(r.config.wechat.enabled);
        QCOMPARE(r.config.wechat.mchId, u"1230000109"_s);
        QCOMPARE(r.config.wechat.apiV3KeyPath, tmp.file(u"apiv3.key"_s));
        QCOMPARE(r.config.wechat.timeoutMs, 20000);

        // WeChat refuses a notify_url that carries parameters.
        writeFile(path, kIds + "[wechat]\nenabled = true\nmch_id = 1230000109\n"
                               "app_id = wxd678efh567hg6787\n"
                               "merchant_private_key = apiclient_key.pem\n"
                               "merchant_serial_no = 5157F09EFDC096DE15EBE81A47057A7232F1B8E1\n"
                               "apiv3_key_file = apiv3.key\nwechatpay_public_key = pub_key.pem\n"
                               "wechatpay_public_key_id = PUB_KEY_ID_0114232134912410000000000000\n"
                               "notify_url = https://shop.example.com/notify?channel=wechat\n");
        const ConfigLoadResult query = loadOne(path);
        QCOMPARE(query.errors.size(), 1);
        QCOMPARE(query.errors.front().key, u"[wechat] notify_url"_s);
        QVERIFY2(query.errors.front().message.contains(u"qpos.ini"_s) &&
                     query.errors.front().message.contains(u"parameters"_s),
                 qPrintable(query.errors.front().message));

        writeFile(path, kIds + "[wechat]\nenabled = true\nnotify_url =\n");
        const ConfigLoadResult missing = loadOne(path);
        // Every required key, the empty notify_url too; the key id is asked for once the key
        // file is named (it may be a certificate, which needs none).
        QCOMPARE(missing.errors.size(), 7);
    }

    void wechatPlatformCertificateNeedsNoKeyId() {
        qpos::test::TempDir tmp;
        const QString path = tmp.file(u"qpos.ini"_s);
        for (const char* f : {"apiclient_key.pem", "apiv3.key"})
            writeFile(tmp.file(QString::fromLatin1(f)), "x");
        writeFile(tmp.file(u"wechatpay_cert.pem"_s),
                  "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        writeFile(tmp.file(u"pub_key.pem"_s),
                  "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n");
        const QByteArray common = kIds + "[wechat]\nenabled = true\nmch_id = 1230000109\n"
                                         "app_id = wxd678efh567hg6787\n"
                                         "merchant_private_key = apiclient_key.pem\n"
                                         "merchant_serial_no = 5157F09EFDC096DE15EBE81A47057A72\n"
                                         "apiv3_key_file = apiv3.key\n"
                                         "notify_url = https://shop.example.com/notify/wechat\n";
        writeFile(path, common + "wechatpay_public_key = wechatpay_cert.pem\n");
        const ConfigLoadResult cert = loadOne(path);
        QVERIFY2(cert.ok(), qPrintable(describe(cert.errors)));

        writeFile(path, common + "wechatpay_public_key = pub_key.pem\n");
        const ConfigLoadResult key = loadOne(path);
        QCOMPARE(key.errors.size(), 1);
        QCOMPARE(key.errors.first().key, u"[wechat] wechatpay_public_key_id"_s);
        QVERIFY(key.errors.first().message.contains(u"platform certificate"_s));
    }

    void secretsNotRepeated() {
        const QJsonObject v = vectors();
        const QString b64 = v[u"keys"_s][u"app_private_b64"_s].toString();
        QVERIFY(b64.size() > 1000);
        QString pemOneLine = v[u"keys"_s][u"app_private_pkcs8_pem"_s].toString();
        pemOneLine.remove(u'\n');

        qpos::test::TempDir tmp;
        const QString path = tmp.file(u"qpos.ini"_s);
        writeFile(path, kIds +
                            "[alipay]\nenabled = true\napp_id = 2021000117600000\n"
                            "app_private_key = " +
                            b64.toUtf8() +
                            "\n"
                            "alipay_public_key = " +
                            pemOneLine.toUtf8() +
                            "\n"
                            "notify_url = https://ops:hunter2secret@shop.example.com/n\n");
        const ConfigLoadResult r = loadOne(path);
        QCOMPARE(r.errors.size(), 3);
        const QString all = r.error().message;
        QVERIFY(all.contains(u"[alipay] app_private_key"_s));
        QVERIFY(all.contains(u"[alipay] alipay_public_key"_s));
        QVERIFY(all.contains(u"[alipay] notify_url"_s));
        QVERIFY(all.contains(path));
        QVERIFY(!all.contains(b64.mid(100, 30)));
        QVERIFY(!all.contains(b64.left(20)));
        QVERIFY(!all.contains(pemOneLine.mid(200, 30)));
        QVERIFY(!all.contains(u"hunter2secret"_s));
        QCOMPARE(r.errors.at(0).code, u"config.key_inline"_s);
        // The loader never hides a problem behind "missing": it says what the value is.
        QVERIFY(all.contains(u"looks like the key itself"_s));
    }

    void routingDefaults() {
        const AppConfig c = qpos::productionDefaults(m_data);
        QVERIFY(c.routing.channels.isEmpty());
        QCOMPARE(qpos::routing::formatCodePrefixRanges(c.routing.alipayCodePrefixes), u"25-30"_s);
        QCOMPARE(qpos::routing::formatCodePrefixRanges(c.routing.wechatCodePrefixes), u"10-15"_s);
        QVERIFY(!c.routing.alipayMaxAmountFen);
        QVERIFY(!c.routing.wechatMaxAmountFen);
        for (const char* name : {"alipay_code_prefixes", "wechat_code_prefixes"}) {
            const qpos::ConfigKey* k = qpos::findConfigKey(u"routing"_s, QString::fromLatin1(name));
            QVERIFY(k);
            const QList<qpos::routing::CodePrefixRange>& ranges =
                QByteArray(name).startsWith("alipay") ? c.routing.alipayCodePrefixes
                                                      : c.routing.wechatCodePrefixes;
            QCOMPARE(k->defaultValue, qpos::routing::formatCodePrefixRanges(ranges));
        }
    }

    void routingChannelsMustBeEnabled() {
        qpos::test::TempDir tmp;
        const QString path = tmp.file(u"routing.ini"_s);
        writeFile(path, "[routing]\nchannels = wechat, alipay\n");
        const ConfigLoadResult r = loadOverIds(tmp, path);
        // Neither section is enabled: one error per channel, each naming the key, file, line
        // and value, and what to set.
        QCOMPARE(r.errors.size(), 2);
        for (const ConfigIssue& e : r.errors) {
            QCOMPARE(e.code, u"config.channel_not_enabled"_s);
            QCOMPARE(e.key, u"[routing] channels"_s);
            QCOMPARE(e.file, path);
            QCOMPARE(e.line, 2);
            QVERIFY2(e.message.contains(path), qPrintable(e.message));
            QVERIFY2(e.message.contains(u"\"wechat, alipay\""_s), qPrintable(e.message));
        }
        QVERIFY(r.errors.at(0).message.contains(u"[wechat] enabled"_s));
        QVERIFY(r.errors.at(1).message.contains(u"[alipay] enabled"_s));

        // In the sandbox both simulated channels exist: the order is all it says.
        const ConfigLoadResult sandbox = loadOne(path, true);
        QVERIFY2(sandbox.ok(), qPrintable(describe(sandbox.errors)));
        QCOMPARE(sandbox.config.routing.channels,
                 (QList<qpos::Channel>{qpos::Channel::WeChat, qpos::Channel::Alipay}));
    }

    void routingPrefixesMustNotOverlap() {
        qpos::test::TempDir tmp;
        const QString path = tmp.file(u"routing.ini"_s);
        writeFile(path, "[routing]\n# WeChat added a range\nwechat_code_prefixes = 10-15, 26\n");
        const ConfigLoadResult r = loadOverIds(tmp, path);
        QCOMPARE(r.errors.size(), 1);
        const ConfigIssue& e = r.errors.first();
        QCOMPARE(e.code, u"config.prefixes_overlap"_s);
        QCOMPARE(e.key, u"[routing] wechat_code_prefixes"_s);
        QCOMPARE(e.file, path);
        QCOMPARE(e.line, 3);
        QVERIFY2(e.message.contains(path), qPrintable(e.message));
        QVERIFY2(e.message.contains(u"\"26\""_s), qPrintable(e.message));
        QVERIFY2(e.message.contains(u"[routing] alipay_code_prefixes (the default) \"25-30\""_s),
                 qPrintable(e.message));

        // Moving Alipay's range out of the way makes it valid.
        writeFile(path, "[routing]\nwechat_code_prefixes = 10-15, 26\n"
                        "alipay_code_prefixes = 25, 27-30\n");
        const ConfigLoadResult fixed = loadOverIds(tmp, path);
        QVERIFY2(fixed.ok(), qPrintable(describe(fixed.errors)));
    }

    void unknownKeysAreWarnings() {
        qpos::test::TempDir tmp;
        const QString path = tmp.file(u"qpos.ini"_s);
        writeFile(path, kIds + "[store]\nregion = east\nID = X\n[future]\nfeature = on\n");
        const ConfigLoadResult r = loadOne(path);
        QVERIFY2(r.ok(), qPrintable(describe(r.errors)));
        QCOMPARE(r.warnings.size(), 3);
        QCOMPARE(r.warnings.at(0).code, u"config.unknown_key"_s);
        QCOMPARE(r.warnings.at(0).key, u"[store] region"_s);
        QCOMPARE(r.warnings.at(0).file, path);
        QCOMPARE(r.warnings.at(0).line, 6);
        QVERIFY(r.warnings.at(0).message.contains(u"[store] region"_s));
        QVERIFY(r.warnings.at(0).message.contains(path));
        QVERIFY2(r.warnings.at(1).message.contains(u"Did you mean [store] id"_s),
                 qPrintable(r.warnings.at(1).message));
        QCOMPARE(r.warnings.at(2).key, u"[future] feature"_s);
        QCOMPARE(r.config.store.id, u"S01"_s);
    }

    void unparsable_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("code");
        QTest::newRow("no equals")
            << QByteArray("[store]\nid S01\n") << 2 << u"config.file_unparsable"_s;
        QTest::newRow("key before section")
            << QByteArray("id = S01\n") << 1 << u"config.file_unparsable"_s;
        QTest::newRow("bad header")
            << QByteArray("[store\nid = S01\n") << 1 << u"config.file_unparsable"_s;
        QTest::newRow("bad key name")
            << QByteArray("[store]\nstore id = S01\n") << 2 << u"config.file_unparsable"_s;
        QTest::newRow("duplicate")
            << QByteArray("[store]\nid = S01\nid = S02\n") << 3 << u"config.duplicate_key"_s;
        QTest::newRow("not utf-8")
            << QByteArray("[store]\nname = \xff\xfe\n") << 2 << u"config.file_unparsable"_s;
        QTest::newRow("binary") << QByteArray("[store]\n\0\0\0", 11) << 0
                                << u"config.file_unparsable"_s;
    }

    void unparsable() {
        QFETCH(QByteArray, body);
        QFETCH(int, line);
        QFETCH(QString, code);
        qpos::test::TempDir tmp;
        const QString path = tmp.file(u"broken.ini"_s);
        writeFile(path, body);
        const ConfigLoadResult r = loadOne(path, true);
        QCOMPARE(r.errors.size(), 1);
        QCOMPARE(r.errors.first().code, code);
        QCOMPARE(r.errors.first().file, path);
        QCOMPARE(r.errors.first().line, line);
        QVERIFY(r.errors.first().message.contains(path));
        if (line > 0)
            QVERIFY(r.errors.first().message.contains(u"line %1"_s.arg(line)));
    }

    void unreadable() {
        qpos::test::TempDir tmp;
        // A directory where a file is expected.
        const QString dir = tmp.file(u"qpos.ini"_s);
        QVERIFY(QDir().mkpath(dir));
        const ConfigLoadResult r = loadOne(dir, true);
        QCOMPARE(r.errors.size(), 1);
        QCOMPARE(r.errors.first().code, u"config.file_unreadable"_s);
        QVERIFY(r.errors.first().message.contains(dir));

        // A file the user may not read (root reads everything, so only as another user).
        if (::geteuid() == 0)
            QSKIP("running as root: permissions do not stop reading");
        const QString path = tmp.file(u"secret.ini"_s);
        writeFile(path, kIds, {});
        const ConfigLoadResult denied = loadOne(path, true);
        QCOMPARE(denied.errors.size(), 1);
        QCOMPARE(denied.errors.first().code, u"config.file_unreadable"_s);
        QVERIFY(denied.errors.first().message.contains(path));
    }

    void sameFileTwiceReadOnce() {
        qpos::test::TempDir tmp;
        const QString path = tmp.file(u"qpos.ini"_s);
        writeFile(path, kIds);
        const ConfigLoadResult r =
            ConfigLoader::load({{path, false}, {path, true}}, ConfigLoadOptions{false, m_data});
        QVERIFY2(r.ok(), qPrintable(describe(r.errors)));
        QCOMPARE(r.filesRead, QStringList{path});
    }

    void printerSettingsAreChecked_data() {
        QTest::addColumn<QByteArray>("printer");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("says");
        QTest::newRow("enabled without url")
            << QByteArray("enabled = true\n") << u"[printer] url"_s << u"required"_s;
        QTest::newRow("port 0") << QByteArray("enabled = true\nurl = tcp://10.0.0.9:0\n")
                                << u"[printer] url"_s << u"9100"_s;
        QTest::newRow("port too big") << QByteArray("enabled = true\nurl = tcp://10.0.0.9:70000\n")
                                      << u"[printer] url"_s << u"9100"_s;
        QTest::newRow("not an address")
            << QByteArray("url = lp0\n") << u"[printer] url"_s << u"tcp://host:port"_s;
        QTest::newRow("width 76") << QByteArray("width = 76\n") << u"[printer] width"_s
                                  << u"58 or 80"_s;
        QTest::newRow("drawer pin 3")
            << QByteArray("drawer = 3\n") << u"[printer] drawer"_s << u"2 or 5"_s;
    }
    void printerSettingsAreChecked() {
        QFETCH(QByteArray, printer);
        QFETCH(QString, key);
        QFETCH(QString, says);
        qpos::test::TempDir tmp;
        const QString path = tmp.file(u"qpos.ini"_s);
        writeFile(path, kIds + "[printer]\n" + printer);
        const ConfigLoadResult r = loadOne(path);
        QVERIFY(!r.ok());
        QCOMPARE(r.errors.size(), 1);
        QCOMPARE(r.errors.first().key, key);
        QVERIFY2(r.errors.first().message.contains(says), qPrintable(r.errors.first().message));

        // A device file and a host without a port are fine.
        writeFile(path, kIds + "[printer]\nenabled = true\nurl = /dev/usb/lp0\n");
        QVERIFY(loadOne(path).ok());
        writeFile(path, kIds + "[printer]\nenabled = true\nurl = tcp://printer.local\n");
        QVERIFY(loadOne(path).ok());
    }

    void everyKeyHasDocsAndSample() {
        QFile doc(QStringLiteral(QPOS_SOURCE_DIR "/docs/config.md"));
        QVERIFY(doc.open(QIODevice::ReadOnly));
        const QString docText = QString::fromUtf8(doc.readAll());
        QFile sample(QStringLiteral(QPOS_SOURCE_DIR "/resources/qpos.ini.sample"));
        QVERIFY(sample.open(QIODevice::ReadOnly));
        const QString sampleText = QString::fromUtf8(sample.readAll());
        for (const qpos::ConfigKey& k : qpos::configKeys()) {
            QVERIFY2(docText.contains(u'`' + k.qualifiedName() + u'`'),
                     qPrintable(k.qualifiedName()));
            QVERIFY2(!k.docText().isEmpty() && !k.allowedText().isEmpty(),
                     qPrintable(k.qualifiedName()));
            QVERIFY2(sampleText.contains(k.name), qPrintable(k.qualifiedName()));
        }
    }

    void sampleFileLoadsCleanly() {
        const ConfigLoadResult r =
            loadOne(QStringLiteral(QPOS_SOURCE_DIR "/resources/qpos.ini.sample"));
        QVERIFY2(r.ok(), qPrintable(describe(r.errors)));
        QVERIFY2(r.warnings.isEmpty(), qPrintable(describe(r.warnings)));
    }

    void everyKeyIsApplied() {
        // Every table entry reaches a field: give each a non-default valid value.
        qpos::test::TempDir tmp;
        for (const char* f :
             {"a.pem", "b.pem", "c.crt", "d.crt", "e.crt", "f.pem", "g.key", "h.pem"})
            writeFile(tmp.file(QString::fromLatin1(f)), "x");
        writeFile(tmp.file(u"i.crt"_s), "-----BEGIN CERTIFICATE-----\n");
        const QString path = tmp.file(u"all.ini"_s);
        writeFile(path,
                  "[store]\nid = S9\nname = Nine\n[terminal]\nid = T9\n"
                  "[database]\npath = /srv/o.db\n[log]\ndir = /srv/logs\nlevel = warning\n"
                  "max_file_kb = 128\nmax_files = 3\n[ui]\nlanguage = en\n"
                  "[alipay]\nenabled = true\ngateway_url = https://gw.example.com/gateway.do\n"
                  "app_id = 1234567890123456\napp_private_key = a.pem\n"
                  "alipay_public_key = b.pem\nnotify_url = https://n.example.com/a\n"
                  "seller_id = 2088102177649450\n"
                  "sign_type = RSA2\ncert_mode = true\napp_cert = c.crt\n"
                  "alipay_cert = d.crt\nalipay_root_cert = e.crt\ntimeout_ms = 5000\n"
                  "[wechat]\nenabled = true\ngateway_url = https://wx.example.com\n"
                  "mch_id = 1900000001\napp_id = wx1234567890abcdef\n"
                  "merchant_private_key = f.pem\nmerchant_serial_no = ABCDEF0123456789\n"
                  "apiv3_key_file = g.key\nwechatpay_public_key = h.pem\n"
                  "wechatpay_public_key_id = PUB_KEY_ID_1\n"
                  "platform_certificate = i.crt\n"
                  "notify_url = https://n.example.com/w\ntimeout_ms = 6000\n"
                  "[routing]\nchannels = wechat, alipay\nalipay_code_prefixes = 25-29\n"
                  "wechat_code_prefixes = 10-15, 18\nalipay_max_amount = 20000\n"
                  "wechat_max_amount = 5000.50\n"
                  "[checkout]\nqr_timeout_s = 60\ncash = true\n"
                  "[network]\nca_file = ca.pem\nkeep_alive_s = 5\n"
                  "[store_server]\nurl = https://pos.example.cn:8443\ncredentials = s.json\n"
                  "[printer]\nenabled = true\nurl = tcp://10.0.0.9:9101\nwidth = 58\n"
                  "receipt_after_sale = false\ndrawer = 5\n");
        const ConfigLoadResult r = loadOne(path);
        QVERIFY2(r.ok(), qPrintable(describe(r.errors)));
        QVERIFY2(r.warnings.isEmpty(), qPrintable(describe(r.warnings)));
        const AppConfig& c = r.config;
        QCOMPARE(c.store.name, u"Nine"_s);
        QCOMPARE(c.terminal.id, u"T9"_s);
        QCOMPARE(c.database.path, u"/srv/o.db"_s);
        QCOMPARE(c.log.dir, u"/srv/logs"_s);
        QCOMPARE(c.log.level, qpos::LogLevel::Warning);
        QCOMPARE(c.log.maxFileKb, 128);
        QCOMPARE(c.log.maxFiles, 3);
        QCOMPARE(c.ui.language, qpos::UiLanguage::En);
        QCOMPARE(c.alipay.gatewayUrl, u"https://gw.example.com/gateway.do"_s);
        QCOMPARE(c.alipay.appId, u"1234567890123456"_s);
        QCOMPARE(c.alipay.appPrivateKeyPath, tmp.file(u"a.pem"_s));
        QCOMPARE(c.alipay.alipayPublicKeyPath, tmp.file(u"b.pem"_s));
        QCOMPARE(c.alipay.notifyUrl, u"https://n.example.com/a"_s);
        QCOMPARE(c.alipay.sellerId, u"2088102177649450"_s);
        QVERIFY(c.alipay.certMode);
        QCOMPARE(c.alipay.appCertPath, tmp.file(u"c.crt"_s));
        QCOMPARE(c.alipay.alipayCertPath, tmp.file(u"d.crt"_s));
        QCOMPARE(c.alipay.timeoutMs, 5000);
        QCOMPARE(c.wechat.gatewayUrl, u"https://wx.example.com"_s);
        QCOMPARE(c.wechat.appId, u"wx1234567890abcdef"_s);
        QCOMPARE(c.wechat.merchantPrivateKeyPath, tmp.file(u"f.pem"_s));
        QCOMPARE(c.wechat.merchantSerialNo, u"ABCDEF0123456789"_s);
        QCOMPARE(c.wechat.wechatpayPublicKeyPath, tmp.file(u"h.pem"_s));
        QCOMPARE(c.wechat.wechatpayPublicKeyId, u"PUB_KEY_ID_1"_s);
        QCOMPARE(c.wechat.platformCertPath, tmp.file(u"i.crt"_s));
        QCOMPARE(c.wechat.notifyUrl, u"https://n.example.com/w"_s);
        QCOMPARE(c.wechat.timeoutMs, 6000);
        QCOMPARE(c.checkout.qrTimeoutS, 60);
        QVERIFY(c.checkout.cashEnabled);
        QCOMPARE(c.network.caFile, tmp.file(u"ca.pem"_s));
        QCOMPARE(c.network.keepAliveS, 5);
        QCOMPARE(c.storeServer.url, u"https://pos.example.cn:8443"_s);
        QCOMPARE(c.storeServer.credentialsPath, tmp.file(u"s.json"_s));
        QCOMPARE(c.routing.channels,
                 (QList<qpos::Channel>{qpos::Channel::WeChat, qpos::Channel::Alipay}));
        QCOMPARE(qpos::routing::formatCodePrefixRanges(c.routing.alipayCodePrefixes), u"25-29"_s);
        QCOMPARE(qpos::routing::formatCodePrefixRanges(c.routing.wechatCodePrefixes),
                 u"10-15, 18"_s);
        QCOMPARE(c.routing.alipayMaxAmountFen, std::optional<qpos::money::Fen>(2000000));
        QCOMPARE(c.routing.wechatMaxAmountFen, std::optional<qpos::money::Fen>(500050));
        QVERIFY(c.printer.enabled);
        QCOMPARE(c.printer.url, u"tcp://10.0.0.9:9101"_s);
        QCOMPARE(c.printer.width, qpos::PaperWidth::Mm58);
        QVERIFY(!c.printer.receiptAfterSale);
        QCOMPARE(c.printer.drawer, qpos::CashDrawerPin::Pin5);

        // And the test above covers every key of the table.
        for (const qpos::ConfigKey& k : qpos::configKeys()) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QString text = QString::fromUtf8(f.readAll());
            QVERIFY2(text.contains(u'\n' + k.name + u" = "_s), qPrintable(k.qualifiedName()));
        }
    }
};

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
