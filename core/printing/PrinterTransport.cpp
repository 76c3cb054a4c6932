#include "core/printing/PrinterTransport.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QTcpSocket>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace qpos::printing {

namespace {

Error unreachable(const PrinterAddress& address, const QString& why) {
    return Error{QStringLiteral("printer.unreachable"),
                 QCoreApplication::translate(
                     "qpos::printing::PrinterTransport",
                     "The receipt printer at %1 does not answer (%2). Check that it is switched "
                     "on and connected, then print again.")
                     .arg(address.text(), why)};
}

Error timedOut(const PrinterAddress& address, int ms) {
    return Error{QStringLiteral("printer.timeout"),
                 QCoreApplication::translate(
                     "qpos::printing::PrinterTransport",
                     "The receipt printer at %1 did not take the job within %2 s. Check its paper "
                     "and cover, then print again.")
                     .arg(address.text())
                     .arg(ms / 1000.0, 0, 'f', 1)};
}

Error paperOut(const PrinterAddress& address) {
    return Error{QStringLiteral("printer.paper_out"),
                 QCoreApplication::translate(
                     "qpos::printing::PrinterTransport",
                     "The receipt printer at %1 is out of paper. Put in a new roll, then print "
                     "again.")
                     .arg(address.text())};
}

// Whether a paper status byte says the roll has run out (a byte that is not a status answer,
// with the fixed bits wrong, says nothing).
bool saysPaperEnd(char answer) {
    const auto b = static_cast<unsigned char>(answer);
    return (b & 0x93) == 0x12 && (b & kPaperEndBits) != 0;
}

Status sendOverTcp(const PrinterAddress& address, const QByteArray& job,
                   const TransportTimeouts& timeouts) {
    QTcpSocket socket;
    socket.connectToHost(address.host, address.port);
    if (!socket.waitForConnected(timeouts.connectMs)) {
        if (socket.error() == QAbstractSocket::SocketTimeoutError)
            return unreachable(address,
                               QCoreApplication::translate("qpos::printing::PrinterTransport",
                                                           "no connection within %1 s")
                                   .arg(timeouts.connectMs / 1000.0, 0, 'f', 1));
        return unreachable(address, socket.errorString());
    }
    // Ask for the paper before sending the job, so an empty printer is reported, not silent.
    socket.write(kPaperStatusQuery, sizeof kPaperStatusQuery);
    if (socket.waitForBytesWritten(timeouts.connectMs) &&
        socket.waitForReadyRead(timeouts.statusMs)) {
        const QByteArray answer = socket.read(1);
        if (answer.size() == 1 && saysPaperEnd(answer[0]))
            return paperOut(address);
    }
    if (socket.state() != QAbstractSocket::ConnectedState)
        return Error{QStringLiteral("printer.refused"),
                     QCoreApplication::translate(
                         "qpos::printing::PrinterTransport",
                         "The receipt printer at %1 closed the connection (%2). It may be busy "
                         "with another till's job: print again.")
                         .arg(address.text(), socket.errorString())};
    socket.write(job);
    const QDeadlineTimer deadline(timeouts.writeMs);
    while (socket.bytesToWrite() > 0) {
        if (deadline.hasExpired())
            return timedOut(address, timeouts.writeMs);
        if (!socket.waitForBytesWritten(int(deadline.remainingTime())) &&
            socket.bytesToWrite() > 0) {
            if (socket.error() == QAbstractSocket::SocketTimeoutError)
                return timedOut(address, timeouts.writeMs);
            return Error{QStringLiteral("printer.refused"),
                         QCoreApplication::translate(
                             "qpos::printing::PrinterTransport",
                             "The receipt printer at %1 stopped taking the job (%2). Check it, "
                             "then print again.")
                             .arg(address.text(), socket.errorString())};
        }
    }
    socket.disconnectFromHost();
    if (socket.state() != QAbstractSocket::UnconnectedState)
        socket.waitForDisconnected(1000);
    return Status::success();
}

// Closes a file descriptor when it goes out of scope.
class Descriptor {
public:
    explicit Descriptor(int fd)
        : m_fd(fd) {}
    ~Descriptor() {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

Status sendToDevice(const PrinterAddress& address, const QByteArray& job,
                    const TransportTimeouts& timeouts) {
    const QByteArray path = address.path.toLocal8Bit();
    // Non-blocking, so a printer that stops taking data (off, paper out) cannot hang the thread.
    const Descriptor fd(
        ::open(path.constData(), O_WRONLY | O_APPEND | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    if (fd.get() < 0) {
        const int error = errno;
        if (error == ENOENT || error == ENODEV || error == ENXIO)
            return Error{QStringLiteral("printer.no_device"),
                         QCoreApplication::translate(
                             "qpos::printing::PrinterTransport",
                             "The receipt printer's device %1 is not there. Check that the "
                             "printer is plugged in and switched on, then print again.")
                             .arg(address.path)};
        if (error == EACCES || error == EPERM)
            return Error{QStringLiteral("printer.no_permission"),
                         QCoreApplication::translate(
                             "qpos::printing::PrinterTransport",
                             "This user may not write to the receipt printer's device %1. Add "
                             "the till's user to the lp group (then log in again).")
                             .arg(address.path)};
        return Error{
            QStringLiteral("printer.refused"),
            QCoreApplication::translate("qpos::printing::PrinterTransport",
                                        "The receipt printer's device %1 cannot be opened (%2).")
                .arg(address.path, QString::fromLocal8Bit(std::strerror(error)))};
    }
    const QDeadlineTimer deadline(timeouts.writeMs);
    qsizetype done = 0;
    while (done < job.size()) {
        const ssize_t n = ::write(fd.get(), job.constData() + done, size_t(job.size() - done));
        if (n > 0) {
            done += n;
            continue;
        }
        const int error = errno;
        if (n < 0 && error == EINTR)
            continue;
        if (n < 0 && error != EAGAIN && error != EWOULDBLOCK)
            return Error{QStringLiteral("printer.refused"),
                         QCoreApplication::translate(
                             "qpos::printing::PrinterTransport",
                             "The receipt printer's device %1 refused the job (%2). Check the "
                             "printer, then print again.")
                             .arg(address.path, QString::fromLocal8Bit(std::strerror(error)))};
        if (deadline.hasExpired())
            return timedOut(address, timeouts.writeMs);
        pollfd wait{fd.get(), POLLOUT, 0};
        ::poll(&wait, 1, int(qMin<qint64>(deadline.remainingTime(), 200)));
    }
    return Status::success();
}

} // namespace

Status sendToPrinter(const PrinterAddress& address, const QByteArray& job,
                     const TransportTimeouts& timeouts) {
    return address.kind == PrinterAddress::Kind::Tcp ? sendOverTcp(address, job, timeouts)
                                                     : sendToDevice(address, job, timeouts);
}

Result<QString> probePrinter(const PrinterAddress& address, const TransportTimeouts& timeouts) {
    if (address.kind == PrinterAddress::Kind::DeviceFile) {
        const QByteArray path = address.path.toLocal8Bit();
        if (::access(path.constData(), F_OK) != 0)
            return Error{QStringLiteral("printer.no_device"),
                         QCoreApplication::translate(
                             "qpos::printing::PrinterTransport",
                             "The receipt printer's device %1 is not there. Check that the "
                             "printer is plugged in and switched on.")
                             .arg(address.path)};
        if (::access(path.constData(), W_OK) != 0)
            return Error{QStringLiteral("printer.no_permission"),
                         QCoreApplication::translate(
                             "qpos::printing::PrinterTransport",
                             "This user may not write to the receipt printer's device %1. Add "
                             "the till's user to the lp group (then log in again).")
                             .arg(address.path)};
        return QCoreApplication::translate("qpos::printing::PrinterTransport",
                                           "%1 is there and this user may write to it.")
            .arg(address.path);
    }
    QTcpSocket socket;
    socket.connectToHost(address.host, address.port);
    if (!socket.waitForConnected(timeouts.connectMs))
        return unreachable(address,
                           socket.error() == QAbstractSocket::SocketTimeoutError
                               ? QCoreApplication::translate("qpos::printing::PrinterTransport",
                                                             "no connection within %1 s")
                                     .arg(timeouts.connectMs / 1000.0, 0, 'f', 1)
                               : socket.errorString());
    socket.write(kPaperStatusQuery, sizeof kPaperStatusQuery);
    QString paper = QCoreApplication::translate("qpos::printing::PrinterTransport",
                                                "it did not answer the paper status query");
    if (socket.waitForBytesWritten(timeouts.connectMs) &&
        socket.waitForReadyRead(timeouts.statusMs)) {
        const QByteArray answer = socket.read(1);
        if (answer.size() == 1 && saysPaperEnd(answer[0]))
            return paperOut(address);
        paper = QCoreApplication::translate("qpos::printing::PrinterTransport", "paper present");
    }
    socket.disconnectFromHost();
    return QCoreApplication::translate("qpos::printing::PrinterTransport",
                                       "The receipt printer at %1 answers; %2.")
        .arg(address.text(), paper);
}

} // namespace qpos::printing
