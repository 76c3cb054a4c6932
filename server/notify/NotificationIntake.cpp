#include "server/notify/NotificationIntake.h"

#include "core/logging/LogCategories.h"
#include "server/metrics/ServerMetrics.h"
#include "server/notify/NotificationReading.h"
#include "server/storage/ServerStore.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

#include <utility>

namespace qpos::server {

namespace {

const QString kAlipay = QStringLiteral("alipay");
const QString kWechat = QStringLiteral("wechat");

QMap<QByteArray, QByteArray> lowerCaseHeaders(const ServerExchange& exchange) {
    QMap<QByteArray, QByteArray> headers;
    for (const auto& [name, value] : exchange.request().headers)
        headers.insert(name.toLower(), value);
    return headers;
}

} // namespace

NotificationIntake::NotificationIntake(ServerStore& store, ProviderVerifiers verifiers,
                                       ServerMetrics& metrics, std::function<qint64()> nowMs,
                                       QObject* parent)
    : QObject(parent)
    , m_store(store)
    , m_verifiers(std::move(verifiers))
    , m_metrics(metrics)
    , m_nowMs(std::move(nowMs)) {
    m_commit.setSingleShot(true);
    m_commit.setInterval(0);
    connect(&m_commit, &QTimer::timeout, this, &NotificationIntake::commitWaiting);
}

void NotificationIntake::takeAlipay(const ServerExchange& exchange) {
    const alipay::AlipayNotificationVerifier* verifier = m_verifiers.alipay();
    if (!verifier)
        return refuse(kAlipay, exchange, 404,
                      Error{QStringLiteral("notify.provider_disabled"),
                            tr("Alipay is not enabled on this server; set [alipay] enabled = "
                               "true and its keys in the server's configuration.")});
    NotificationReading read =
        readAlipayNotification(*verifier, exchange.request().body, lowerCaseHeaders(exchange));
    if (const NotificationRefusal* refused = std::get_if<NotificationRefusal>(&read))
        return refuse(kAlipay, exchange, refused->status, refused->error);
    accept(std::get<NotificationRecord>(std::move(read)), exchange);
}

void NotificationIntake::takeWechat(const ServerExchange& exchange) {
    const wechat::WechatNotificationVerifier* verifier = m_verifiers.wechat();
    if (!verifier)
        return refuse(kWechat, exchange, 404,
                      Error{QStringLiteral("notify.provider_disabled"),
                            tr("WeChat Pay is not enabled on this server; set [wechat] enabled = "
                               "true and its keys in the server's configuration.")});
    NotificationReading read =
        readWechatNotification(*verifier, exchange.request().body, lowerCaseHeaders(exchange));
    if (const NotificationRefusal* refused = std::get_if<NotificationRefusal>(&read))
        return refuse(kWechat, exchange, refused->status, refused->error);
    accept(std::get<NotificationRecord>(std::move(read)), exchange);
}

void NotificationIntake::accept(NotificationRecord record, const ServerExchange& exchange) {
    // The amount is checked against the server's copy of the order when there is one; a
    // notification for an order not uploaded yet is kept and matched on upload.
    Result<std::optional<ServerOrder>> order = m_store.order(record.outTradeNo);
    if (!order) {
        qCWarning(lcServer) << "notification not recorded:" << order.error().message;
        return answer(record.provider, exchange, false);
    }
    if (*order) {
        Order local;
        local.outTradeNo = record.outTradeNo;
        local.amountFen = (*order)->amountFen;
        local.channel = channelFromName((*order)->channel).value_or(Channel::Alipay);
        gateway::PaymentNotification n;
        n.outTradeNo = record.outTradeNo;
        n.totalFen = record.totalFen;
        const Status matched = record.provider == kAlipay
                                   ? alipay::AlipayNotificationVerifier::matchOrder(n, local)
                                   : wechat::WechatNotificationVerifier::matchOrder(n, local);
        if (!matched)
            return refuse(record.provider, exchange, 400, matched.error());
        record.verdict = NotificationVerdict::Matched;
    } else {
        record.verdict = NotificationVerdict::AwaitingOrder;
    }
    record.receivedAtMs = m_nowMs();
    m_waiting.append(Waiting{std::move(record), exchange});
    m_commit.start();
}

void NotificationIntake::commitWaiting() {
    QList<Waiting> batch = std::exchange(m_waiting, {});
    if (batch.isEmpty())
        return;
    QList<NotificationRecord> records;
    records.reserve(batch.size());
    for (const Waiting& w : batch)
        records.append(w.record);
    Result<QList<RecordedNotification>> recorded = m_store.recordNotifications(records);
    if (!recorded) {
        qCWarning(lcServer) << batch.size()
                            << "notifications not recorded, the providers will send them again:"
                            << recorded.error().message;
        for (const Waiting& w : batch)
            answer(w.record.provider, w.exchange, false);
        return;
    }
    QSet<qint64> terminalsToPush;
    for (qsizetype i = 0; i < batch.size(); ++i) {
        const RecordedNotification& r = recorded->at(i);
        const NotificationRecord& n = batch.at(i).record;
        m_metrics.countNotification(n.provider, r.duplicate ? QStringLiteral("duplicate")
                                                            : QStringLiteral("accepted"));
        qCInfo(lcServer).noquote()
            << n.provider << "notification" << n.notificationId << "for" << n.outTradeNo
            << (r.duplicate ? QStringLiteral("was a repeat")
                            : QStringLiteral("recorded as %1").arg(verdictName(n.verdict)));
        answer(n.provider, batch.at(i).exchange, true);
        if (!r.duplicate && r.terminalRowId)
            terminalsToPush.insert(*r.terminalRowId);
    }
    for (qint64 terminal : std::as_const(terminalsToPush))
        emit relayQueued(terminal);
}

void NotificationIntake::refuse(const QString& provider, const ServerExchange& exchange, int status,
                                const Error& error) {
    m_metrics.countNotification(provider, QStringLiteral("rejected"));
    m_metrics.countRefusal(error.code);
    qCWarning(lcServer).noquote() << provider << "notification refused:" << error.code
                                  << error.message;
    if (provider == kAlipay)
        return exchange.reply(status, "text/plain", QByteArrayLiteral("fail"));
    exchange.replyError(status, QStringLiteral("FAIL"), error.message);
}

void NotificationIntake::answer(const QString& provider, const ServerExchange& exchange,
                                bool recorded) {
    if (provider == kAlipay)
        return exchange.reply(recorded ? 200 : 503, "text/plain",
                              recorded ? alipay::AlipayNotificationVerifier::successReply()
                                       : QByteArrayLiteral("fail"));
    if (recorded)
        return exchange.reply(204, QByteArray(), QByteArray());
    exchange.replyError(500, QStringLiteral("FAIL"),
                        tr("The notification could not be recorded now; send it again."));
}

} // namespace qpos::server
