#include "tests/server/EnrolledTill.h"

#include "core/link/RequestSignature.h"
#include "core/link/SyncBatch.h"
#include "server/QposServer.h"
#include "server/terminals/TerminalAdmin.h"

#include <QDateTime>
#include <QUrl>

namespace qpos::test {

Result<EnrolledTill> EnrolledTill::add(server::QposServer& server,
                                       const link::TerminalIdentity& t) {
    const QUrl base(QStringLiteral("http://127.0.0.1:%1/").arg(server.port()));
    server::TerminalAdmin admin(server.store(), base, QString(), 86400 * 1000LL);
    Result<link::EnrollmentCode> code = admin.add(t, QDateTime::currentMSecsSinceEpoch());
    if (!code)
        return code.error();
    Result<link::EnrollmentCode> decoded = link::EnrollmentCode::decode(code->encode());
    if (!decoded)
        return decoded.error();
    EnrolledTill till;
    till.m_server = &server;
    till.m_identity = t;
    till.m_secret = decoded->secret;
    return till;
}

QString EnrolledTill::orderNo(int n) const {
    return m_identity.outTradeNoPrefix() +
           QStringLiteral("20261204_%1").arg(n, 8, 10, QLatin1Char('0'));
}

link::StoreServerEndpoint EnrolledTill::endpoint() const {
    return {QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server->port())), m_identity, m_secret,
            link::CertificatePin()};
}

ServerAnswer EnrolledTill::request(const QByteArray& verb, const QString& pathAndQuery,
                                   const QByteArray& body) const {
    Result<QByteArray> auth =
        link::authorizationHeader(m_identity, m_secret, verb, pathAndQuery.toLatin1(), body,
                                  QDateTime::currentMSecsSinceEpoch());
    if (!auth)
        return {};
    const QUrl url(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server->port()).arg(pathAndQuery));
    return httpRequest(verb, url, body,
                       {{"Authorization", *auth}, {"Content-Type", "application/json"}});
}

ServerAnswer EnrolledTill::upload(qint64 firstSeq, const QList<TillEvent>& events) const {
    return request("POST", QStringLiteral("/v1/sync"), syncBody(m_identity, firstSeq, events));
}

QByteArray EnrolledTill::syncBody(const link::TerminalIdentity& terminal, qint64 firstSeq,
                                  const QList<TillEvent>& events) {
    link::SyncBatch batch;
    batch.terminal = terminal;
    qint64 seq = firstSeq;
    for (const TillEvent& e : events) {
        QJsonObject p{{QStringLiteral("idempotency_key"), QStringLiteral("k-%1").arg(e.eventId)},
                      {QStringLiteral("event_id"), QString::number(e.eventId)},
                      {QStringLiteral("out_trade_no"), e.outTradeNo},
                      {QStringLiteral("store_id"), terminal.storeId},
                      {QStringLiteral("terminal_id"), terminal.terminalId},
                      {QStringLiteral("channel"), e.channel},
                      {QStringLiteral("amount_fen"), QString::number(e.amountFen)},
                      {QStringLiteral("refunded_fen"), QString::number(e.refundedFen)},
                      {QStringLiteral("old_state"), QString()},
                      {QStringLiteral("new_state"), e.newState},
                      {QStringLiteral("source"), QStringLiteral("notify")},
                      {QStringLiteral("at_ms"), QString::number(e.atMs)},
                      {QStringLiteral("provider_trade_no"), QString()}};
        for (auto it = e.extra.begin(); it != e.extra.end(); ++it)
            p.insert(it.key(), it.value());
        batch.entries.append(link::SyncEntry{seq++, p});
    }
    return link::encodeSyncBatch(batch);
}

} // namespace qpos::test
