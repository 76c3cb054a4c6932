#include "core/config/AppConfig.h"
#include "core/logging/FileLog.h"
#include "core/logging/LogCategories.h"
#include "core/logging/Redactor.h"

#include "tests/support/TempDir.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QTest>
#include <QThread>
#include <QUrl>

#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using qpos::FileLog;
using qpos::FileLogOptions;
using qpos::Redactor;

namespace {

QJsonObject loadVectors() {
    QFile f(QStringLiteral(QPOS_TEST_DATA_DIR "/vectors.json"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

QString readText(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
}

mode_t modeOf(const QString& path) {
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return 0;
    return st.st_mode & 07777;
}

FileLogOptions optionsFor(const QString& dir) {
    FileLogOptions o;
    o.dir = dir;
    o.minimumLevel = QtInfoMsg;
    o.maxFileBytes = 1024 * 1024;
    o.maxFiles = 5;
    return o;
}

// Messages caught by a handler installed before the FileLog.
QList<QString> g_caught;
void catchingHandler(QtMsgType, const QMessageLogContext&, const QString& message) {
    g_caught << message;
}

// Thirty-character slices of a secret spread over its length: none may reach the log.
QStringList slicesOf(const QString& secret) {
    QStringList out;
    for (qsizetype at = 0; at + 30 <= secret.size(); at += qMax<qsizetype>(30, secret.size() / 8))
        out << secret.mid(at, 30);
    return out;
}

// The base64 body of a PEM text without line breaks.
QString pemBody(const QString& pem) {
    QStringList lines = pem.split(u'\n', Qt::SkipEmptyParts);
    lines.removeIf([](const QString& l) { return l.startsWith(u"-----"_s); });
    return lines.join(QString());
}

// Redirects file descriptor 2 into a file for the lifetime of the object.
class StderrCapture {
public:
    explicit StderrCapture(const QString& path)
        : m_path(path) {
        std::fflush(stderr);
        m_saved = ::dup(2);
        const int fd =
            ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(fd, 2);
        ::close(fd);
    }
    ~StderrCapture() { restore(); }
    QString finish() {
        restore();
        return readText(m_path);
    }

private:
    void restore() {
        if (m_saved < 0)
            return;
        std::fflush(stderr);
        ::dup2(m_saved, 2);
        ::close(m_saved);
        m_saved = -1;
    }
    QString m_path;
    int m_saved = -1;
};

} // namespace

class TestLogging : public QObject {
    Q_OBJECT

private slots:
    void categories() {
        QCOMPARE(QLatin1StringView(qpos::lcStore().categoryName()), "qpos.store"_L1);
        QCOMPARE(QLatin1StringView(qpos::lcCheckout().categoryName()), "qpos.checkout"_L1);
        QCOMPARE(QLatin1StringView(qpos::lcAlipay().categoryName()), "qpos.gateway.alipay"_L1);
        QCOMPARE(QLatin1StringView(qpos::lcWechat().categoryName()), "qpos.gateway.wechat"_L1);
        QCOMPARE(QLatin1StringView(qpos::lcSync().categoryName()), "qpos.sync"_L1);
        QCOMPARE(QLatin1StringView(qpos::lcConfig().categoryName()), "qpos.config"_L1);
        QCOMPARE(QLatin1StringView(qpos::lcUi().categoryName()), "qpos.ui"_L1);
        QCOMPARE(QLatin1StringView(qpos::lcSandbox().categoryName()), "qpos.sandbox"_L1);
        QCOMPARE(QLatin1StringView(qpos::lcServer().categoryName()), "qpos.server"_L1);
    }

    void redactor_data() {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");

        const QString m = Redactor::mask();
        auto row = [](const char* name, const QString& in, const QString& out) {
            QTest::newRow(name) << in << out;
        };
        // Kept as is.
        for (const char* plain :
             {"order DEMO_T01_20261123_00000042 paid 12.34",
              "qr https://qr.alipay.com/bax08431yfhzdwhlpg7o00b6 issued",
              "code_url weixin://wxpay/bizpayurl?pr=p4lpSuKzz", "sign_type=RSA2&charset=utf-8",
              "design=flat", "pin_hash stored", "trade_no 2026112222001496651000012345",
              "serial 5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
              "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
              "/usr/share/qpos/resources/translations/qpos_zh_CN.qm",
              "out_trade_no=S01T0120261122000001&total_amount=88.88",
              "PUB_KEY_ID_0114232134912410000000000000 nonce 593BEC0C930BF1AFEB40B4A08C8FB242"})
            row(plain, QString::fromUtf8(plain), QString::fromUtf8(plain));

        row("pin=", u"manager pin=904817 ok"_s, u"manager pin="_s + m + u" ok"_s);
        row("pin json", u"{\"pin\":\"904817\",\"amount\":\"12.34\"}"_s,
            u"{\"pin\":\""_s + m + u"\",\"amount\":\"12.34\"}"_s);
        row("pin json number", u"{\"pin\": 904817}"_s, u"{\"pin\": "_s + m + u"}"_s);
        row("PIN colon", u"PIN: 904817 entered"_s, u"PIN: "_s + m + u" entered"_s);
        row("prefixed pin", u"manager_pin=904817, x"_s, u"manager_pin="_s + m + u", x"_s);
        row("password quoted", u"password 'hunter2'"_s, u"password '"_s + m + u"'"_s);
        row("qdebug quoted", u"passcode \"1234\""_s, u"passcode \""_s + m + u"\""_s);
        row("apiv3", u"apiv3_key=a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb;"_s,
            u"apiv3_key="_s + m + u";"_s);
        row("api_v3", u"\"api_v3_key\":\"abc\""_s, u"\"api_v3_key\":\""_s + m + u"\""_s);
        row("secret", u"client_secret: s3cr3t"_s, u"client_secret: "_s + m);
        row("private_key", u"app_private_key=MIIabc"_s, u"app_private_key="_s + m);
        row("sign form", u"a=1&sign=abc%2Bdef%3D&sign_type=RSA2"_s,
            u"a=1&sign="_s + m + u"&sign_type=RSA2"_s);
        row("sign json", u"{\"x\":{\"code\":\"10000\"},\"sign\":\"ab+/cd==\"}"_s,
            u"{\"x\":{\"code\":\"10000\"},\"sign\":\""_s + m + u"\"}"_s);
        row("escaped json", u"{\\\"sign\\\":\\\"abc\\\",\\\"n\\\":1}"_s,
            u"{\\\"sign\\\":\\\""_s + m + u"\\\",\\\"n\\\":1}"_s);
        row("sign_content", u"\"sign_content\":\"app_id=1&b=2\""_s,
            u"\"sign_content\":\""_s + m + u"\""_s);
        row("wechat signature", u"nonce_str=\"abc\",signature=\"Zm9v\",timestamp=\"1\""_s,
            u"nonce_str=\"abc\",signature=\""_s + m + u"\",timestamp=\"1\""_s);
        row("wechatpay-signature", u"Wechatpay-Signature: Zm9vYmFy"_s,
            u"Wechatpay-Signature: "_s + m);
        row("authorization",
            u"Authorization: WECHATPAY2-SHA256-RSA2048 mchid=\"1\",signature=\"x\" next"_s,
            u"Authorization: WECHATPAY2-SHA256-RSA2048 "_s + m + u" next"_s);
        row("authorization single", u"authorization=tok123"_s, u"authorization="_s + m);
        row("authorization json", u"{\"Authorization\":\"Bearer abc\"}"_s,
            u"{\"Authorization\":\""_s + m + u"\"}"_s);
        row("auth_code", u"auth_code=287654321098765432 pay"_s, u"auth_code="_s + m + u" pay"_s);
        row("pem", u"key -----BEGIN PRIVATE KEY-----\nMIIEabc\n-----END PRIVATE KEY----- tail"_s,
            u"key -----BEGIN PRIVATE KEY-----"_s + m + u"-----END PRIVATE KEY----- tail"_s);
        row("pem escaped",
            u"\"-----BEGIN RSA PRIVATE KEY-----\\nMIIE\\n-----END RSA PRIVATE KEY-----\""_s,
            u"\"-----BEGIN RSA PRIVATE KEY-----"_s + m + u"-----END RSA PRIVATE KEY-----\""_s);
        row("pem cut", u"-----BEGIN PUBLIC KEY-----\nMIIB\nAQAB"_s,
            u"-----BEGIN PUBLIC KEY-----"_s + m);
        const QString b64 = u"MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC69gT0qYWK9TOT"_s;
        row("base64", u"key "_s + b64 + u" end"_s, u"key "_s + m + u" end"_s);
        row("base64 padded", u"x:"_s + b64 + u"==,y"_s, u"x:"_s + m + u",y"_s);
        row("base64 alipay escaped",
            u"k "_s + u"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\\/MIIBCgKCAQEAgarn6TrBq"_s, u"k "_s + m);
        row("several", u"pin=1 pin=2"_s, u"pin="_s + m + u" pin="_s + m);
    }

    void redactor() {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(Redactor::redact(input), expected);
    }

    // The central promise: secrets handed to the logging system never reach the log file or
    // stderr, while the ordinary text around them does.
    void redactionThroughTheLogFile() {
        const QJsonObject v = loadVectors();
        const QJsonObject keys = v[u"keys"_s].toObject();
        const QString pkcs8 = keys[u"app_private_pkcs8_pem"_s].toString();
        const QString pkcs1 = keys[u"app_private_pkcs1_pem"_s].toString();
        const QString bareKey = keys[u"app_private_b64"_s].toString();
        const QString sign = v[u"request_sign"_s][u"sign"_s].toString();
        const QString response = v[u"response_verify"_s][u"raw"_s].toString();
        const QString qrCode = v[u"response_verify"_s][u"qr_code"_s].toString();
        const QString responseSign =
            QJsonDocument::fromJson(response.toUtf8()).object()[u"sign"_s].toString();
        const QString wxSignature = v[u"wechat_request_sign"_s][u"signature"_s].toString();
        const QString wxResponseSignature =
            v[u"wechat_response_verify"_s][u"signature"_s].toString();
        const QString apiV3Key = v[u"wechat_notification_decrypt"_s][u"apiv3_key"_s].toString();
        QVERIFY(pkcs8.startsWith(u"-----BEGIN PRIVATE KEY-----"_s));
        QVERIFY(bareKey.size() > 1000 && sign.size() > 300 && responseSign.size() > 300);
        QVERIFY(wxSignature.size() > 300 && !apiV3Key.isEmpty());

        qpos::test::TempDir tmp;
        FileLogOptions options = optionsFor(tmp.file(u"logs"_s));
        options.forwardToStderr = true;
        FileLog log(options);
        StderrCapture err(tmp.file(u"stderr.txt"_s));
        QVERIFY(log.install().ok());

        const QString order = u"DEMO_T01_20261123_00000042"_s;
        qCInfo(qpos::lcCrypto).noquote() << "loaded" << pkcs8 << "for" << order;
        qCWarning(qpos::lcCrypto) << "pkcs1 key" << pkcs1 << "amount 12.34";
        qCInfo(qpos::lcAlipay).noquote() << "bare key" << bareKey << "order" << order;
        const QString form = u"app_id=2021000117600000&method=alipay.trade.precreate&sign="_s +
                             QString::fromLatin1(QUrl::toPercentEncoding(sign)) +
                             u"&sign_type=RSA2&total_amount=12.34"_s;
        qCInfo(qpos::lcAlipay).noquote() << "request" << form;
        qCInfo(qpos::lcAlipay).noquote() << "raw sign" << (u"sign="_s + sign);
        qCInfo(qpos::lcAlipay).noquote() << "response" << response;
        qCInfo(qpos::lcAlipay) << "response as QString" << response; // QDebug escapes quotes
        const QString authorization =
            u"Authorization: WECHATPAY2-SHA256-RSA2048 mchid=\"1230000109\",nonce_str=\"593BEC0C930BF1AFEB40B4A08C8FB242\",signature=\""_s +
            wxSignature +
            u"\",timestamp=\"1763778030\",serial_no=\"5157F09EFDC096DE15EBE81A47057A7232F1B8E1\""_s;
        qCInfo(qpos::lcWechat).noquote()
            << "POST /v3/pay/transactions/native" << authorization << "order" << order;
        qCInfo(qpos::lcWechat).noquote()
            << "headers: Wechatpay-Signature:" << wxResponseSignature << "Wechatpay-Nonce: 4C2F";
        qCInfo(qpos::lcWechat).noquote() << u"apiv3_key="_s + apiV3Key << "loaded";
        qCInfo(qpos::lcCheckout).noquote()
            << "refund" << order << "amount 12.34 manager pin=904817";
        qCInfo(qpos::lcCheckout).noquote()
            << u"refund body {\"pin\":\"735190\",\"amount\":\"12.34\"}"_s;
        qCInfo(qpos::lcCheckout).noquote() << "PIN: 628403 accepted for refund of 12.34";
        qCInfo(qpos::lcCheckout).noquote() << "QR" << qrCode << "shown for" << order;

        log.uninstall();
        const QString errText = err.finish();
        const QString fileText = readText(log.filePath());
        QVERIFY(!fileText.isEmpty());

        for (const QString* text : {&fileText, &errText}) {
            const QString& t = *text;
            QStringList secrets;
            secrets << slicesOf(pemBody(pkcs8)) << slicesOf(pemBody(pkcs1)) << slicesOf(bareKey)
                    << slicesOf(sign) << slicesOf(responseSign) << slicesOf(wxSignature)
                    << slicesOf(wxResponseSignature) << apiV3Key << u"904817"_s << u"735190"_s
                    << u"628403"_s
                    << QString::fromLatin1(QUrl::toPercentEncoding(sign)).mid(40, 30);
            for (const QString& s : secrets)
                QVERIFY2(!t.contains(s), qPrintable(u"leaked: "_s + s));

            // The ordinary text stays.
            QCOMPARE(t.count(order), 5);
            QVERIFY(t.count(u"12.34"_s) >= 5);
            for (const QString& keep :
                 {u"qpos.crypto"_s, u"qpos.gateway.alipay"_s, u"qpos.gateway.wechat"_s,
                  u"qpos.checkout"_s, u"-----BEGIN PRIVATE KEY-----"_s,
                  u"-----END RSA PRIVATE KEY-----"_s, u"method=alipay.trade.precreate"_s,
                  u"sign_type=RSA2"_s, u"\"sign\":\"[REDACTED]\""_s,
                  u"\"out_trade_no\":\"S01T0120261122000001\""_s, qrCode,
                  u"Authorization: WECHATPAY2-SHA256-RSA2048 [REDACTED]"_s,
                  u"Wechatpay-Nonce: 4C2F"_s, u"apiv3_key=[REDACTED] loaded"_s, u"pin=[REDACTED]"_s,
                  u"\"pin\":\"[REDACTED]\""_s, u"PIN: [REDACTED] accepted"_s,
                  u"POST /v3/pay/transactions/native"_s})
                QVERIFY2(t.contains(keep), qPrintable(u"missing: "_s + keep));
        }
        // Every record is one line, even the PEM ones.
        QCOMPARE(fileText.count(u'\n'), 14);
        QCOMPARE(errText.count(u'\n'), 14);
    }

    void lineFormat() {
        qpos::test::TempDir tmp;
        FileLog log(optionsFor(tmp.path()));
        QVERIFY(log.install().ok());
        qCWarning(qpos::lcStore) << "two\nlines\rand\x01"
                                    "control";
        qInfo() << "no category";
        log.uninstall();
        const QStringList lines = readText(log.filePath()).split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        static const QRegularExpression format(
            u"^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (WARNING |INFO    ) (\\S+): (.*)$"_s);
        const QRegularExpressionMatch first = format.match(lines.at(0));
        QVERIFY2(first.hasMatch(), qPrintable(lines.at(0)));
        QCOMPARE(first.captured(2), u"qpos.store"_s);
        QCOMPARE(first.captured(3), u"two\\nlines\\rand\\x01control"_s);
        const QRegularExpressionMatch second = format.match(lines.at(1));
        QVERIFY2(second.hasMatch(), qPrintable(lines.at(1)));
        QCOMPARE(second.captured(2), u"default"_s);
    }

    void levelFilter() {
        qpos::test::TempDir tmp;
        FileLogOptions options = optionsFor(tmp.path());
        options.minimumLevel = QtWarningMsg;
        FileLog log(options);
        QVERIFY(log.install().ok());
        qCInfo(qpos::lcSync) << "info-dropped";
        qCWarning(qpos::lcSync) << "warning-kept";
        qCCritical(qpos::lcSync) << "critical-kept";
        log.uninstall();
        const QString text = readText(log.filePath());
        QVERIFY(!text.contains(u"info-dropped"_s));
        QVERIFY(text.contains(u"warning-kept"_s));
        QVERIFY(text.contains(u"critical-kept"_s));

        FileLogOptions critical = optionsFor(tmp.file(u"c"_s));
        critical.minimumLevel = QtCriticalMsg;
        FileLog onlyCritical(critical);
        QVERIFY(onlyCritical.install().ok());
        qCWarning(qpos::lcSync) << "warning-dropped";
        qCCritical(qpos::lcSync) << "critical-kept";
        onlyCritical.uninstall();
        const QString c = readText(onlyCritical.filePath());
        QVERIFY(!c.contains(u"warning-dropped"_s));
        QVERIFY(c.contains(u"critical-kept"_s));
    }

    void optionsFromConfig() {
        qpos::LogConfig config;
        config.dir = u"/var/log/qpos"_s;
        config.level = qpos::LogLevel::Warning;
        config.maxFileKb = 64;
        config.maxFiles = 3;
        const FileLogOptions o = FileLogOptions::fromConfig(config, true);
        QCOMPARE(o.dir, config.dir);
        QCOMPARE(o.minimumLevel, QtWarningMsg);
        QCOMPARE(o.maxFileBytes, qint64(64 * 1024));
        QCOMPARE(o.maxFiles, 3);
        QVERIFY(o.forwardToStderr);
        config.level = qpos::LogLevel::Debug;
        QCOMPARE(FileLogOptions::fromConfig(config).minimumLevel, QtDebugMsg);
        QVERIFY(!FileLogOptions::fromConfig(config).forwardToStderr);
    }

    void filePermissions() {
        qpos::test::TempDir tmp;
        const QString dir = tmp.file(u"var/log/qpos"_s);
        FileLog log(optionsFor(dir));
        QVERIFY(log.install().ok());
        qCInfo(qpos::lcUi) << "hello";
        QCOMPARE(modeOf(dir), mode_t(0700));
        QCOMPARE(modeOf(log.filePath()), mode_t(0600));
        log.uninstall();

        // An existing, too open file is tightened.
        QVERIFY(QFile::setPermissions(log.filePath(), QFile::ReadOwner | QFile::WriteOwner |
                                                          QFile::ReadGroup | QFile::ReadOther));
        QCOMPARE(modeOf(log.filePath()), mode_t(0644));
        FileLog again(optionsFor(dir));
        QVERIFY(again.install().ok());
        QCOMPARE(modeOf(again.filePath()), mode_t(0600));
        again.uninstall();
        QVERIFY(readText(again.filePath()).contains(u"hello"_s)); // appended, not truncated
    }

    void rotation() {
        qpos::test::TempDir tmp;
        FileLogOptions options = optionsFor(tmp.path());
        options.maxFileBytes = 4096;
        options.maxFiles = 3;
        FileLog log(options);
        QVERIFY(log.install().ok());
        const int total = 400;
        for (int i = 0; i < total; ++i)
            qCInfo(qpos::lcCheckout, "message %04d %s", i, QByteArray(40, 'x').constData());
        log.uninstall();

        const QString base = log.filePath();
        QVERIFY(QFileInfo::exists(base));
        QVERIFY(QFileInfo::exists(base + u".1"_s));
        QVERIFY(QFileInfo::exists(base + u".2"_s));
        QVERIFY(!QFileInfo::exists(base + u".3"_s));
        QCOMPARE(QDir(tmp.path()).entryList(QDir::Files).size(), 3);
        for (const QString& f : {base, base + u".1"_s, base + u".2"_s}) {
            QVERIFY2(QFileInfo(f).size() <= 4096, qPrintable(f));
            QCOMPARE(modeOf(f), mode_t(0600));
        }
        for (const QString& f : {base + u".1"_s, base + u".2"_s}) // rotated only when full
            QVERIFY2(QFileInfo(f).size() > 4096 - 200, qPrintable(f));
        const QString current = readText(base);
        QVERIFY(current.contains(u"message %1"_s.arg(total - 1, 4, 10, QChar(u'0'))));
        QVERIFY(!current.contains(u"message 0000"_s));
        QVERIFY(!readText(base + u".2"_s).contains(u"message 0000"_s)); // the oldest is gone
        // Order: .2 older than .1 older than qpos.log; every line whole.
        auto firstIndex = [](const QString& text) {
            return text.section(u"message "_s, 1, 1).left(4).toInt();
        };
        QVERIFY(firstIndex(readText(base + u".2"_s)) < firstIndex(readText(base + u".1"_s)));
        QVERIFY(firstIndex(readText(base + u".1"_s)) < firstIndex(current));
        for (const QString& f : {base, base + u".1"_s, base + u".2"_s}) {
            const QString text = readText(f);
            QVERIFY(text.endsWith(u'\n'));
            for (const QString& line : text.split(u'\n', Qt::SkipEmptyParts))
                QVERIFY2(line.endsWith(QString(40, u'x')), qPrintable(line));
        }
    }

    void rotationSingleFile() {
        qpos::test::TempDir tmp;
        FileLogOptions options = optionsFor(tmp.path());
        options.maxFileBytes = 2048;
        options.maxFiles = 1;
        FileLog log(options);
        QVERIFY(log.install().ok());
        for (int i = 0; i < 200; ++i)
            qCInfo(qpos::lcCheckout, "entry %04d", i);
        log.uninstall();
        QCOMPARE(QDir(tmp.path()).entryList(QDir::Files), QStringList{u"qpos.log"_s});
        QVERIFY(QFileInfo(log.filePath()).size() <= 2048);
        QVERIFY(readText(log.filePath()).contains(u"entry 0199"_s));
    }

    void uninstallRestoresPreviousHandler() {
        g_caught.clear();
        const QtMessageHandler original = qInstallMessageHandler(catchingHandler);
        qpos::test::TempDir tmp;
        {
            FileLog log(optionsFor(tmp.path()));
            QVERIFY(log.install().ok());
            QVERIFY(log.isInstalled());

            FileLog second(optionsFor(tmp.file(u"other"_s)));
            const qpos::Status st = second.install();
            QVERIFY(!st.ok());
            QCOMPARE(st.error().code, u"log.already_installed"_s);

            qCInfo(qpos::lcConfig) << "to the file";
            QVERIFY(g_caught.isEmpty());
            log.uninstall();
            QVERIFY(!log.isInstalled());
            qCInfo(qpos::lcConfig) << "to the previous handler";
            QCOMPARE(g_caught.size(), 1);

            // Installing again and letting the destructor uninstall also restores it.
            QVERIFY(log.install().ok());
        }
        qCInfo(qpos::lcConfig) << "after destruction";
        QCOMPARE(g_caught.size(), 2);
        const QtMessageHandler current = qInstallMessageHandler(original);
        QVERIFY(current == &catchingHandler);
        const QString text = readText(QDir(tmp.path()).filePath(u"qpos.log"_s));
        QVERIFY(text.contains(u"to the file"_s));
        QVERIFY(!text.contains(u"to the previous handler"_s));
    }

    void installFailsOnUnusableDirectory() {
        qpos::test::TempDir tmp;
        const QString blocker = tmp.file(u"file"_s);
        QFile f(blocker);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        FileLog log(optionsFor(blocker + u"/logs"_s));
        const qpos::Status st = log.install();
        QVERIFY(!st.ok());
        QCOMPARE(st.error().code, u"log.dir"_s);
        QVERIFY(st.error().message.contains(blocker));
        QVERIFY(!log.isInstalled());
    }

    void threadsWriteWholeLines() {
        qpos::test::TempDir tmp;
        FileLogOptions options = optionsFor(tmp.path());
        options.maxFileBytes = 64 * 1024;
        options.maxFiles = 100;
        FileLog log(options);
        QVERIFY(log.install().ok());
        const int threads = 4;
        const int perThread = 500;
        QList<QThread*> workers;
        for (int t = 0; t < threads; ++t) {
            workers << QThread::create([t] {
                for (int i = 0; i < perThread; ++i)
                    qCInfo(qpos::lcSync, "thread %d line %d pin=%d end", t, i, 100000 + i);
            });
            workers.last()->start();
        }
        for (QThread* w : workers) {
            QVERIFY(w->wait(60000));
            delete w;
        }
        log.uninstall();

        int lines = 0;
        const QStringList files = QDir(tmp.path()).entryList({u"qpos.log*"_s}, QDir::Files);
        QVERIFY(files.size() > 1); // rotated while threads were writing
        for (const QString& name : files) {
            const QString text = readText(QDir(tmp.path()).filePath(name));
            for (const QString& line : text.split(u'\n', Qt::SkipEmptyParts)) {
                QVERIFY2(line.endsWith(u"pin=[REDACTED] end"_s), qPrintable(line));
                ++lines;
            }
        }
        QCOMPARE(lines, threads * perThread);
    }
};

QTEST_GUILESS_MAIN(TestLogging)
#include "tst_logging.moc"
