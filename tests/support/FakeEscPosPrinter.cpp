#include "tests/support/FakeEscPosPrinter.h"

#include <QDeadlineTimer>
#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

namespace qpos::test {

namespace {
const QByteArray kStatusQuery("\x10\x04\x04", 3);
const char* const kBuffer = "escposJob";
} // namespace

FakeEscPosPrinter::FakeEscPosPrinter(QObject* parent)
    : QObject(parent)
    , m_server(new QTcpServer(this)) {
    connect(m_server, &QTcpServer::newConnection, this, &FakeEscPosPrinter::accept);
}

FakeEscPosPrinter::~FakeEscPosPrinter() = default;

bool FakeEscPosPrinter::listen() {
    return m_server->listen(QHostAddress::LocalHost, 0);
}

quint16 FakeEscPosPrinter::port() const {
    return m_server->serverPort();
}

QString FakeEscPosPrinter::url() const {
    return QStringLiteral("tcp://127.0.0.1:%1").arg(port());
}

bool FakeEscPosPrinter::waitForJobs(int count, int timeoutMs) {
    QDeadlineTimer deadline(timeoutMs);
    while (m_jobs.size() < count && !deadline.hasExpired())
        QTest::qWait(10);
    return m_jobs.size() >= count;
}

void FakeEscPosPrinter::accept() {
    while (QTcpSocket* socket = m_server->nextPendingConnection()) {
        socket->setParent(this);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            read(socket);
            m_jobs << socket->property(kBuffer).toByteArray();
            socket->deleteLater();
        });
    }
}

void FakeEscPosPrinter::read(QTcpSocket* socket) {
    QByteArray job = socket->property(kBuffer).toByteArray() + socket->readAll();
    // A status query at the start of the connection is answered, not printed.
    if (job.startsWith(kStatusQuery)) {
        job.remove(0, kStatusQuery.size());
        ++statusQueries;
        if (paperStatus)
            socket->write(QByteArray(1, static_cast<char>(*paperStatus)));
    }
    socket->setProperty(kBuffer, job);
}

} // namespace qpos::test
