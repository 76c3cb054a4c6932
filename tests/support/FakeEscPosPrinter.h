#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>

#include <optional>

class QTcpServer;
class QTcpSocket;

namespace qpos::test {

// A network receipt printer on loopback: takes raw ESC/POS on a TCP port as a real printer's
// port 9100 does and keeps each connection's bytes as one job. It answers the paper status
// query (DLE EOT 4) with `paperStatus`, or not at all when it is empty, as some printers do;
// the query itself is not kept in the job.
class FakeEscPosPrinter : public QObject {
    Q_OBJECT

public:
    explicit FakeEscPosPrinter(QObject* parent = nullptr);
    ~FakeEscPosPrinter() override;

    bool listen();
    quint16 port() const;
    // "tcp://127.0.0.1:<port>", as [printer] url says it.
    QString url() const;

    std::optional<unsigned char> paperStatus = 0x12; // paper present
    int statusQueries = 0;

    // Finished jobs (the connection was closed), oldest first.
    QList<QByteArray> jobs() const { return m_jobs; }
    // Waits (running the event loop) until `count` jobs are finished.
    bool waitForJobs(int count, int timeoutMs = 15000);

private:
    void accept();
    void read(QTcpSocket* socket);

    QTcpServer* m_server = nullptr;
    QList<QByteArray> m_jobs;
};

} // namespace qpos::test
