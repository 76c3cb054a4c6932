#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <memory>

class QNetworkAccessManager;

namespace qpos::test {

// What one qposctl run left behind.
struct CtlRun {
    int exitCode = -1;
    bool crashed = false;
    QByteArray out;
    QByteArray err;

    // The stdout lines parsed as JSON objects (lines that are not JSON are skipped).
    QList<QJsonObject> jsonLines() const;
    QString text() const { return QString::fromUtf8(out + err); }
};

// The answer of one control-API call.
struct ControlReply {
    int status = 0; // HTTP status; 0 when no answer
    QJsonDocument json;
};

// Drives qposctl and a sandbox child process for the command-line tests: a sandbox started
// as its own program (qpos-sandbox or `qposctl sandbox`) with its keys in `keyDir`, a qpos
// configuration file that points [alipay] (and, if asked, [wechat]) at it, and qposctl runs with a
// private HOME so that no configuration of the machine's user is read.
class CtlHarness {
public:
    static const QString kAppId;
    static const QString kMchId; // the sandbox's WeChat Pay demo merchant

    // `workDir` holds the keys, the configuration, the database and the logs.
    explicit CtlHarness(QString workDir);
    ~CtlHarness();

    // Starts `program` with `arguments` (the sandbox flags are added) and waits for its base
    // URL. False (with a message in error()) when it did not come up.
    bool startSandbox(const QString& program, const QStringList& arguments = {});
    QUrl baseUrl() const { return m_baseUrl; }
    QString keyDir() const;
    QString appPrivateKeyPath() const;
    QString appPublicKeyPath() const;
    QString alipayPublicKeyPath() const;
    QString error() const { return m_error; }
    // The demo merchant's keys as the sandbox printed them when it started.
    QString wechatPublicKeyId() const { return m_wechatPublicKeyId; }
    QString wechatMerchantSerial() const { return m_wechatSerial; }

    // Writes a configuration file; `alipayOverrides` replaces lines of [alipay] ("key = value").
    QString writeConfig(const QString& name, const QStringList& alipayOverrides = {},
                        const QString& databaseName = QStringLiteral("orders.db")) const;
    // writeConfig() plus an enabled [wechat] for the demo merchant, then `extra` (more sections,
    // such as [routing]).
    QString writeWechatConfig(const QString& name, const QString& extra = {},
                              const QString& databaseName = QStringLiteral("wechat.db")) const;
    QString databasePath(const QString& databaseName = QStringLiteral("orders.db")) const;
    QString logDir() const;

    // Runs qposctl to completion with --config `config` (`timeoutMs` then SIGKILL).
    CtlRun run(const QString& config, const QStringList& arguments,
               const QProcessEnvironment& extraEnv = {}, int timeoutMs = 60000) const;
    // The environment qposctl runs with (private HOME and XDG directories).
    QProcessEnvironment environment(const QProcessEnvironment& extra = {}) const;

    ControlReply get(const QString& path) const;
    ControlReply post(const QString& path, const QByteArray& body = "{}") const;
    ControlReply remove(const QString& path) const;

private:
    ControlReply call(const QByteArray& verb, const QString& path, const QByteArray& body) const;

    QString m_workDir;
    QProcess m_sandbox;
    QUrl m_baseUrl;
    QString m_error;
    QString m_wechatPublicKeyId;
    QString m_wechatSerial;
    std::unique_ptr<QNetworkAccessManager> m_network;
};

} // namespace qpos::test
