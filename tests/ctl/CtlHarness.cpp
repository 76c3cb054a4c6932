#include "tests/ctl/CtlHarness.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTimer>

#include <algorithm>

namespace qpos::test {

const QString CtlHarness::kAppId = QStringLiteral("2021000000000001");
const QString CtlHarness::kMchId = QStringLiteral("1900000109");

QList<QJsonObject> CtlRun::jsonLines() const {
    QList<QJsonObject> lines;
    for (const QByteArray& line : out.split('\n')) {
        const QJsonDocument doc = QJsonDocument::fromJson(line);
        if (doc.isObject())
            lines.append(doc.object());
    }
    return lines;
}

CtlHarness::CtlHarness(QString workDir)
    : m_workDir(std::move(workDir))
    , m_network(std::make_unique<QNetworkAccessManager>()) {
    QDir(m_workDir).mkpath(QStringLiteral("home"));
}

CtlHarness::~CtlHarness() {
    if (m_sandbox.state() != QProcess::NotRunning) {
        m_sandbox.kill();
        m_sandbox.waitForFinished(5000);
    }
}

QString CtlHarness::keyDir() const {
    return m_workDir + QStringLiteral("/sandbox-keys");
}
QString CtlHarness::appPrivateKeyPath() const {
    return keyDir() + QStringLiteral("/app_%1_private_key.pem").arg(kAppId);
}
QString CtlHarness::appPublicKeyPath() const {
    return keyDir() + QStringLiteral("/app_%1_public_key.pem").arg(kAppId);
}
QString CtlHarness::alipayPublicKeyPath() const {
    return keyDir() + QStringLiteral("/alipay_public_key.pem");
}
QString CtlHarness::writeWechatConfig(const QString& name, const QString& extra,
                                      const QString& databaseName) const {
    const QString path = writeConfig(name, {}, databaseName);
    const QString wechat =
        QStringLiteral("\n[wechat]\nenabled = true\ngateway_url = %1\nmch_id = %2\n"
                       "app_id = wx8888888888888888\nmerchant_private_key = %3\n"
                       "merchant_serial_no = %4\napiv3_key_file = %5\n"
                       "wechatpay_public_key = %6\nwechatpay_public_key_id = %7\n"
                       "notify_url = http://127.0.0.1:9/notify/wechat\ntimeout_ms = 5000\n")
            .arg(m_baseUrl.toString(), kMchId,
                 keyDir() + QStringLiteral("/wechat_merchant_%1_private_key.pem").arg(kMchId),
                 m_wechatSerial,
                 keyDir() + QStringLiteral("/wechat_merchant_%1_apiv3_key.txt").arg(kMchId),
                 keyDir() + QStringLiteral("/wechatpay_public_key.pem"), m_wechatPublicKeyId);
    QFile file(path);
    if (!file.open(QIODevice::Append))
        qFatal("cannot write %s", qPrintable(path));
    file.write((wechat + extra).toUtf8());
    return path;
}

QString CtlHarness::databasePath(const QString& databaseName) const {
    return m_workDir + u'/' + databaseName;
}
QString CtlHarness::logDir() const {
    return m_workDir + QStringLiteral("/logs");
}

bool CtlHarness::startSandbox(const QString& program, const QStringList& arguments) {
    m_sandbox.setProcessChannelMode(QProcess::SeparateChannels);
    m_sandbox.setProcessEnvironment(environment());
    m_sandbox.start(program,
                    arguments + QStringList{QStringLiteral("--port"), QStringLiteral("0"),
                                            QStringLiteral("--key-dir"), keyDir(),
                                            QStringLiteral("--alipay-demo-app"), kAppId,
                                            QStringLiteral("--wechat-demo-merchant"), kMchId});
    if (!m_sandbox.waitForStarted(10000)) {
        m_error = m_sandbox.errorString();
        return false;
    }
    static const QRegularExpression listening(QStringLiteral("listening on (http://\\S+)"));
    QByteArray seen;
    QDeadlineTimer deadline(30000);
    while (!deadline.hasExpired()) {
        if (!m_sandbox.waitForReadyRead(200) && m_sandbox.state() == QProcess::NotRunning)
            break;
        seen += m_sandbox.readAllStandardOutput();
        const QRegularExpressionMatch m = listening.match(QString::fromUtf8(seen));
        if (m.hasMatch() && seen.contains("control API")) {
            m_baseUrl = QUrl(m.captured(1));
            static const QRegularExpression keyId(QStringLiteral("key id:\\s+(\\S+)"));
            static const QRegularExpression serial(QStringLiteral("serial ([0-9A-Fa-f]+)"));
            m_wechatPublicKeyId = keyId.match(QString::fromUtf8(seen)).captured(1);
            m_wechatSerial = serial.match(QString::fromUtf8(seen)).captured(1);
            return true;
        }
    }
    m_error = QStringLiteral("the sandbox did not start: ") + QString::fromUtf8(seen) +
              QString::fromUtf8(m_sandbox.readAllStandardError());
    return false;
}

QString CtlHarness::writeConfig(const QString& name, const QStringList& alipayOverrides,
                                const QString& databaseName) const {
    QStringList alipay{
        QStringLiteral("enabled = true"),
        QStringLiteral("gateway_url = %1/gateway.do").arg(m_baseUrl.toString()),
        QStringLiteral("app_id = %1").arg(kAppId),
        QStringLiteral("app_private_key = %1").arg(appPrivateKeyPath()),
        QStringLiteral("alipay_public_key = %1").arg(alipayPublicKeyPath()),
        QStringLiteral("timeout_ms = 5000"),
    };
    for (const QString& line : alipayOverrides) {
        const QString key = line.section(u'=', 0, 0).trimmed();
        alipay.erase(std::remove_if(
                         alipay.begin(), alipay.end(),
                         [&](const QString& l) { return l.section(u'=', 0, 0).trimmed() == key; }),
                     alipay.end());
        if (!line.section(u'=', 1).trimmed().isEmpty())
            alipay.append(line);
    }
    const QString text = QStringLiteral("[store]\nid = S1\nname = Test shop\n\n"
                                        "[terminal]\nid = T1\n\n"
                                        "[database]\npath = %1\n\n"
                                        "[log]\ndir = %2\nlevel = debug\n\n"
                                        "[checkout]\nqr_timeout_s = 30\n\n"
                                        "[alipay]\n%3\n")
                             .arg(databasePath(databaseName), logDir(), alipay.join(u'\n'));
    const QString path = m_workDir + u'/' + name;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    file.write(text.toUtf8());
    return path;
}

QProcessEnvironment CtlHarness::environment(const QProcessEnvironment& extra) const {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QString home = m_workDir + QStringLiteral("/home");
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/.config"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/.local/share"));
    for (const char* name : {"QPOS_MANAGER_PIN", "QPOS_STAFF_PIN", "LC_ALL", "LC_MESSAGES"})
        env.remove(QString::fromLatin1(name));
    // qposctl speaks the terminal's language: English unless a test asks for another.
    env.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
    for (const QString& key : extra.keys())
        env.insert(key, extra.value(key));
    return env;
}

CtlRun CtlHarness::run(const QString& config, const QStringList& arguments,
                       const QProcessEnvironment& extraEnv, int timeoutMs) const {
    QProcess process;
    process.setProcessEnvironment(environment(extraEnv));
    process.setStandardInputFile(QProcess::nullDevice());
    QStringList all;
    if (!config.isEmpty())
        all << QStringLiteral("--config") << config;
    process.start(QStringLiteral(QPOSCTL_PATH), all + arguments);
    CtlRun result;
    if (!process.waitForStarted(10000))
        return result;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
    }
    result.crashed = process.exitStatus() == QProcess::CrashExit;
    result.exitCode = result.crashed ? -1 : process.exitCode();
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

ControlReply CtlHarness::get(const QString& path) const {
    return call("GET", path, {});
}

ControlReply CtlHarness::post(const QString& path, const QByteArray& body) const {
    return call("POST", path, body);
}

ControlReply CtlHarness::remove(const QString& path) const {
    return call("DELETE", path, {});
}

ControlReply CtlHarness::call(const QByteArray& verb, const QString& path,
                              const QByteArray& body) const {
    QNetworkRequest request(QUrl(m_baseUrl.toString() + path));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply* reply = m_network->sendCustomRequest(request, verb, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    ControlReply result;
    if (reply->isFinished()) {
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.json = QJsonDocument::fromJson(reply->readAll());
    } else {
        reply->abort();
    }
    reply->deleteLater();
    return result;
}

} // namespace qpos::test
