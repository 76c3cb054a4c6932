#pragma once

#include "server/http/ServerExchange.h"
#include "server/notify/ProviderVerifiers.h"
#include "server/storage/ServerRecords.h"

#include <QList>
#include <QObject>
#include <QTimer>

#include <functional>

namespace qpos::server {

class ServerMetrics;
class ServerStore;

// POST /notify/alipay and /notify/wechat: verifies a provider's notification with the core
// verifier (signature, our app and merchant, and the amount when the server holds the order),
// records it durably once per provider id, and only then answers as the provider requires:
// Alipay exactly "success", WeChat Pay 204. Anything else makes the provider send it again:
// Alipay "fail", WeChat Pay 4xx/5xx {"code":"FAIL","message":…}.
//
// Group commit: notifications verified in one turn of the event loop are recorded in one
// transaction, and none is answered before that commit. When the commit fails every one of
// them is answered with a failure, so the provider retries and nothing is lost.
class NotificationIntake : public QObject {
    Q_OBJECT

public:
    NotificationIntake(ServerStore& store, ProviderVerifiers verifiers, ServerMetrics& metrics,
                       std::function<qint64()> nowMs, QObject* parent = nullptr);

    void takeAlipay(const ServerExchange& exchange);
    void takeWechat(const ServerExchange& exchange);

signals:
    // After the commit: a new notification was queued for this terminal's till.
    void relayQueued(qint64 terminalRowId);

private:
    struct Waiting {
        NotificationRecord record;
        ServerExchange exchange;
    };

    void accept(NotificationRecord record, const ServerExchange& exchange);
    void refuse(const QString& provider, const ServerExchange& exchange, int status,
                const Error& error);
    void answer(const QString& provider, const ServerExchange& exchange, bool recorded);
    void commitWaiting();

    ServerStore& m_store;
    ProviderVerifiers m_verifiers;
    ServerMetrics& m_metrics;
    std::function<qint64()> m_nowMs;
    QList<Waiting> m_waiting;
    QTimer m_commit;
};

} // namespace qpos::server
