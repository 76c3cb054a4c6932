#include "demo/DemoStoreServer.h"

#include "core/link/TerminalCredentials.h"
#include "core/logging/LogCategories.h"
#include "server/QposServer.h"
#include "server/storage/SqliteServerStore.h"
#include "server/terminals/TerminalAdmin.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QEvent>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QMetaObject>
#include <QObject>
#include <QThread>

namespace qpos::demo {

namespace {

// A rotated secret stays valid this long, as in qpos-server's default [server] rotate_grace_s.
constexpr qint64 kRotateGraceMs = 86400 * 1000LL;

qint64 nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

QString translate(const char* text) {
    return QCoreApplication::translate("qpos::demo::DemoStoreServer", text);
}

// Whether the database at `path` holds the terminal and the secret the till's credentials
// file holds, still valid and enrolled: then the till is linked already.
bool knowsTill(const QString& path, const link::EnrollmentTarget& till) {
    if (!QFileInfo::exists(path))
        return false;
    const Result<link::TerminalCredentials> held =
        link::TerminalCredentials::read(till.credentialsPath);
    if (!held || held->terminal != till.configured)
        return false;
    server::SqliteServerStore store(path);
    if (!store.open())
        return false;
    const Result<std::optional<server::TerminalRecord>> record = store.terminal(till.configured);
    if (!record || !*record || (*record)->revokedAtMs || !(*record)->enrolledAtMs)
        return false;
    for (const server::StoredSecret& s : (*record)->secrets) {
        if (s.keyId == held->secret.keyId && s.secret == held->secret.secret &&
            (!s.validUntilMs || *s.validUntilMs > nowMs()))
            return true;
    }
    return false;
}

// The database and its WAL files, so that a fresh one is made in their place.
Status removeDatabase(const QString& path) {
    for (const QString& file :
         {path, path + QStringLiteral("-wal"), path + QStringLiteral("-shm")}) {
        if (QFileInfo::exists(file) && !QFile::remove(file))
            return Error{QStringLiteral("demo.server_database"),
                         translate("Cannot replace the demo store server's database %1. Delete "
                                   "it and start the demo again.")
                             .arg(QDir::toNativeSeparators(file))};
    }
    return Status::success();
}

} // namespace

Result<std::unique_ptr<DemoStoreServer>> DemoStoreServer::start(DemoStoreServerOptions options) {
    std::unique_ptr<DemoStoreServer> demo(new DemoStoreServer);
    const int timeoutMs = options.startTimeoutMs;
    demo->m_worker = std::thread(&DemoStoreServer::run, demo.get(), std::move(options));
    demo->m_readyTaken = demo->m_ready.tryAcquire(1, timeoutMs);
    if (!demo->m_readyTaken)
        return Error{QStringLiteral("demo.start_timeout"),
                     translate("The demo store server did not start within %1 seconds. Close "
                               "other programs and start the demo again.")
                         .arg(timeoutMs / 1000)};
    if (!demo->m_startStatus)
        return demo->m_startStatus.error();
    return demo;
}

void DemoStoreServer::run(DemoStoreServerOptions options) {
    QEventLoop loop; // gives this thread Qt's event dispatcher
    QObject anchor;
    m_thread = QThread::currentThread();
    m_thread->setObjectName(QStringLiteral("demo-store-server"));
    m_loop = &loop;
    m_anchor = &anchor;
    if (Status started = startOnThread(options); !started || !options.till)
        finishStart(started);
    else
        enrollOnThread(*options.till);
    loop.exec();

    // After the destructor's last call, or after a start that failed.
    delete m_enrollment;
    m_enrollment = nullptr;
    delete m_server;
    m_server = nullptr;
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
}

Status DemoStoreServer::startOnThread(const DemoStoreServerOptions& options) {
    const QString path = QFileInfo(options.databasePath).absoluteFilePath();
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return Error{QStringLiteral("demo.server_database"),
                     translate("Cannot make the folder %1 for the demo store server's database. "
                               "Check its permissions and start the demo again.")
                         .arg(QDir::toNativeSeparators(QFileInfo(path).absolutePath()))};
    // A terminal enrolls once: when the till's credentials and this database no longer match
    // (either was deleted), the demo's server starts afresh and the till enrolls again.
    if (options.till && !knowsTill(path, *options.till)) {
        if (Status removed = removeDatabase(path); !removed)
            return removed;
    }
    // The database holds the terminals' secrets: made readable by this user only, and SQLite
    // gives its WAL files the same mode.
    if (!QFileInfo::exists(path)) {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) ||
            !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
            return Error{QStringLiteral("demo.server_database"),
                         translate("Cannot create the demo store server's database %1. Check the "
                                   "folder's permissions and start the demo again.")
                             .arg(QDir::toNativeSeparators(path))};
    }
    server::QposServer::Options serverOptions;
    serverOptions.address = options.address;
    serverOptions.port = options.port;
    m_server = new server::QposServer(std::make_unique<server::SqliteServerStore>(path),
                                      options.verifiers, serverOptions);
    if (Status s = m_server->start(); !s)
        return s;
    m_url.setScheme(QStringLiteral("http"));
    m_url.setHost(options.address.toString());
    m_url.setPort(m_server->port());
    qCInfo(lcServer).noquote() << "demo store server at" << m_url.toString() << "database" << path;
    return Status::success();
}

void DemoStoreServer::enrollOnThread(const link::EnrollmentTarget& till) {
    Result<std::optional<server::TerminalRecord>> record =
        m_server->store().terminal(till.configured);
    if (!record)
        return finishStart(record.error());
    if (*record) {
        qCInfo(lcServer).noquote() << "demo till" << till.configured.storeId
                                   << till.configured.terminalId << "already linked";
        return finishStart(Status::success());
    }
    server::TerminalAdmin admin(m_server->store(), m_url, QString(), kRotateGraceMs);
    Result<link::EnrollmentCode> code = admin.add(till.configured, nowMs());
    if (!code)
        return finishStart(code.error());
    // The till's own enrollment: it confirms the code with the server, then writes its
    // credentials (0600) and [store_server] url, as a real till does.
    m_enrollment = new link::TerminalEnrollment(till);
    QObject::connect(m_enrollment, &link::TerminalEnrollment::finished, m_anchor,
                     [this](const link::EnrollmentOutcome& outcome) {
                         m_enrollment->deleteLater();
                         m_enrollment = nullptr;
                         finishStart(outcome.error ? Status(*outcome.error) : Status::success());
                     });
    m_enrollment->start(code->encode());
}

void DemoStoreServer::finishStart(const Status& status) {
    m_startStatus = status;
    m_ready.release();
}

DemoStoreServer::~DemoStoreServer() {
    if (!m_worker.joinable())
        return;
    if (!m_readyTaken)
        m_ready.acquire(); // a start that timed out: m_anchor and m_loop are set once it ends
    QMetaObject::invokeMethod(
        m_anchor,
        [this] {
            delete m_enrollment;
            m_enrollment = nullptr;
            delete m_server;
            m_server = nullptr;
            m_loop->quit();
        },
        Qt::QueuedConnection);
    m_worker.join();
}

QUrl DemoStoreServer::alipayNotifyUrl() const {
    return m_url.resolved(QUrl(QStringLiteral("/notify/alipay")));
}

QUrl DemoStoreServer::wechatNotifyUrl() const {
    return m_url.resolved(QUrl(QStringLiteral("/notify/wechat")));
}

Result<link::EnrollmentCode>
DemoStoreServer::enrollmentCode(const link::TerminalIdentity& terminal) {
    Result<link::EnrollmentCode> code = Error{};
    withServer([&](server::QposServer& server) {
        Result<std::optional<server::TerminalRecord>> record = server.store().terminal(terminal);
        if (!record) {
            code = record.error();
            return;
        }
        if (*record && (*record)->enrolledAtMs) {
            code = Error{QStringLiteral("terminal.enrolled"),
                         translate("Terminal %1/%2 has enrolled with this server already; a code "
                                   "enrolls a till once.")
                             .arg(terminal.storeId, terminal.terminalId)};
            return;
        }
        server::TerminalAdmin admin(server.store(), m_url, QString(), kRotateGraceMs);
        code = *record ? admin.rotate(terminal, nowMs()) : admin.add(terminal, nowMs());
    });
    return code;
}

void DemoStoreServer::withServer(const std::function<void(server::QposServer&)>& fn) const {
    server::QposServer* srv = m_server;
    if (QThread::currentThread() == m_thread) {
        fn(*srv);
        return;
    }
    QMetaObject::invokeMethod(
        m_anchor, [srv, &fn] { fn(*srv); }, Qt::BlockingQueuedConnection);
}

} // namespace qpos::demo
