#include "ctl/TillDriver.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QThread>
#include <QTimer>
#include <QUuid>

#include <openssl/crypto.h>

namespace qpos::ctl {

TillDriver::TillDriver(const AppConfig& config, GatewayFactory makeGateways, QObject* parent)
    : QObject(parent) {
    service::PosOptions options;
    options.config = config;
    options.makeGateways = [make = std::move(makeGateways)] {
        // Runs on the till's worker thread. OpenSSL keeps per-thread state there (its random
        // generator, used by every RSA signature) and frees it only as the thread's last act,
        // after QThread::wait() has already returned: a command that exits right after the
        // till stopped would race that clean-up (LeakSanitizer sees it as a leak). Free it
        // while the thread is still finishing, before wait() returns.
        // (A functor without a context object runs in the emitting thread: the worker.)
        QObject::connect(QThread::currentThread(), &QThread::finished,
                         [] { OPENSSL_thread_stop(); });
        return make();
    };
    m_service = std::make_unique<service::PosService>(std::move(options));
}

TillDriver::~TillDriver() = default;

QString TillDriver::newRequestId() {
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

bool TillDriver::waitUntil(const std::function<bool()>& done,
                           std::optional<std::chrono::milliseconds> timeout) {
    const QDeadlineTimer deadline =
        timeout ? QDeadlineTimer(*timeout) : QDeadlineTimer(QDeadlineTimer::Forever);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QEventLoop loop;
        QTimer timer;
        timer.setSingleShot(true);
        connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
        if (!deadline.isForever())
            timer.start(std::chrono::milliseconds(deadline.remainingTime()));
        m_loop = &loop;
        loop.exec();
        m_loop = nullptr;
    }
    return true;
}

void TillDriver::wake() {
    if (m_loop)
        m_loop->quit();
}

const service::PosReady& TillDriver::start() {
    std::optional<service::PosReady> ready;
    const QMetaObject::Connection c = connect(m_service.get(), &service::PosService::ready, this,
                                              [&](const service::PosReady& r) {
                                                  ready = r;
                                                  wake();
                                              });
    m_service->start();
    waitUntil([&] { return ready.has_value(); });
    disconnect(c);
    m_ready = *ready;
    return m_ready;
}

service::StaffReply TillDriver::verifyManagerPin(const QString& pin) {
    const QString id = newRequestId();
    std::optional<service::StaffReply> reply;
    const QMetaObject::Connection c =
        connect(m_service.get(), &service::PosService::staffVerified, this,
                [&](const QString& requestId, const service::StaffReply& r) {
                    if (requestId != id)
                        return;
                    reply = r;
                    wake();
                });
    m_service->verifyManagerPin(id, pin);
    waitUntil([&] { return reply.has_value(); });
    disconnect(c);
    return *reply;
}

checkout::RefundReport TillDriver::refund(checkout::RefundCommand command) {
    command.requestId = newRequestId();
    const QString id = command.requestId;
    std::optional<checkout::RefundReport> report;
    const QMetaObject::Connection c = connect(m_service.get(), &service::PosService::refundFinished,
                                              this, [&](const checkout::RefundReport& r) {
                                                  if (r.requestId != id)
                                                      return;
                                                  report = r;
                                                  wake();
                                              });
    m_service->refund(command);
    waitUntil([&] { return report.has_value(); });
    disconnect(c);
    return *report;
}

} // namespace qpos::ctl
