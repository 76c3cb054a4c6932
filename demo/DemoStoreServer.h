#pragma once

#include "core/common/Result.h"
#include "core/link/EnrollmentCode.h"
#include "core/link/TerminalEnrollment.h"
#include "server/notify/ProviderVerifiers.h"

#include <QHostAddress>
#include <QSemaphore>
#include <QString>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>
#include <thread>

class QEventLoop;
class QObject;
class QThread;

namespace qpos::server {
class QposServer;
}

namespace qpos::demo {

struct DemoStoreServerOptions {
    QString databasePath; // the server's SQLite file
    // The keys the server verifies the providers' notifications with.
    server::ProviderVerifiers verifiers;
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 0; // 0: any free port
    // The till to link at start: enrolled with a fresh code through its own enrollment, or
    // kept as it is when this server already knows the credentials it holds. Empty: none.
    std::optional<link::EnrollmentTarget> till = std::nullopt;
    // The longest start() waits for the database, the listening socket and the enrollment.
    int startTimeoutMs = 20000;
};

// A store server (server::QposServer, plain HTTP, an SQLite database) in-process, on a thread
// of its own so that its database writes never compete with the GUI thread. It verifies the
// providers' notifications like a real store server and relays them to the tills linked to it.
// Destroying it stops the server and its thread.
class DemoStoreServer {
public:
    // Starts the thread, opens the database, listens and links options.till; blocks the caller
    // until then, at most options.startTimeoutMs. Errors are translated and say what to do.
    static Result<std::unique_ptr<DemoStoreServer>> start(DemoStoreServerOptions options);
    ~DemoStoreServer();

    DemoStoreServer(const DemoStoreServer&) = delete;
    DemoStoreServer& operator=(const DemoStoreServer&) = delete;

    // "http://ADDRESS:PORT": the tills' API, the push link and /notify/alipay, /notify/wechat.
    QUrl url() const { return m_url; }
    QUrl alipayNotifyUrl() const;
    QUrl wechatNotifyUrl() const;

    // A one-time enrollment code for another till, as `qpos-server terminal add` makes it: a
    // new terminal, or a fresh secret for one that has not enrolled yet. A terminal that has
    // enrolled already is refused ("terminal.enrolled"): a code enrolls a till once.
    Result<link::EnrollmentCode> enrollmentCode(const link::TerminalIdentity& terminal);

    // Runs `fn` on the server's thread and waits for it. `fn` must not wait for the caller.
    void withServer(const std::function<void(server::QposServer&)>& fn) const;

private:
    DemoStoreServer() = default;
    void run(DemoStoreServerOptions options);
    Status startOnThread(const DemoStoreServerOptions& options);
    void enrollOnThread(const link::EnrollmentTarget& till);
    void finishStart(const Status& status);

    std::thread m_worker; // joined, as SandboxShop's: nothing thread-local outlives it
    QSemaphore m_ready;   // released once the start is done, failed or not
    bool m_readyTaken = false;
    Status m_startStatus; // written on the server thread before m_ready is released

    // Set on the server thread before m_ready is released; fixed afterwards.
    QThread* m_thread = nullptr;
    QEventLoop* m_loop = nullptr;
    QObject* m_anchor = nullptr;            // the target of every call posted to the thread
    server::QposServer* m_server = nullptr; // created, used and deleted on the server thread
    link::TerminalEnrollment* m_enrollment = nullptr; // the till's, while it runs
    QUrl m_url;
};

} // namespace qpos::demo
