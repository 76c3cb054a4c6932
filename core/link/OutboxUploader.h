#pragma once

#include "core/link/Backoff.h"
#include "core/link/StoreServerHttp.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>
#include <optional>

namespace qpos {
class OrderStore;
}

namespace qpos::link {

// Where the upload stands, for the till's header and the log.
struct UploadStatus {
    qint64 waitingRows = 0;
    qint64 waitingOrders = 0;
    std::optional<qint64> clockDifferenceMs; // server minus till, at the last answer
    qint64 lastUploadAtMs = 0;               // the last 200; 0: none yet
    QString lastError;                       // translated; empty after a success
};

// Sends the till's outbox to the store backend (docs/server-protocol.md, "Outbox upload"):
// the oldest unsent rows first, at most 100 a batch and 64 KiB a body. A row is marked sent
// only after the server's 200, and only up to the stored_seq it answered, so a till killed
// between sending and the answer sends the batch again (the server stores each seq once).
// When the server cannot be reached or refuses, the next try waits longer (Backoff). Lives
// on the till's worker thread, beside the OrderStore it reads.
class OutboxUploader : public QObject {
    Q_OBJECT

public:
    struct Policy {
        Backoff::Policy backoff{2000, 300000, 20};
        int idleCheckMs = 5000; // how often an empty queue is looked at again
    };
    using Clock = std::function<qint64()>;

    OutboxUploader(OrderStore& store, StoreServerHttp& http, Policy policy, Clock clock,
                   QObject* parent = nullptr);
    ~OutboxUploader() override;

    // Starts uploading now.
    void start();
    // Something was added to the outbox: upload soon, unless waiting after a failure.
    void nudge();
    const UploadStatus& status() const { return m_status; }
    bool sending() const { return m_sending; }

signals:
    void statusChanged(const qpos::link::UploadStatus& status);

private:
    void uploadNext();
    void schedule(qint64 delayMs);
    void failed(const Error& error);
    void refreshBacklog();

    OrderStore& m_store;
    StoreServerHttp& m_http;
    Policy m_policy;
    Clock m_clock;
    Backoff m_backoff;
    QTimer m_timer;
    bool m_sending = false;
    bool m_backingOff = false;
    UploadStatus m_status;
};

} // namespace qpos::link

Q_DECLARE_METATYPE(qpos::link::UploadStatus)
