#include "core/link/LinkMessages.h"

#include "core/link/JsonFields.h"
#include "core/orders/OrderState.h"
#include "core/reconcile/ReconcileLedger.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <iterator>

namespace qpos::link {

namespace {

Error malformed(const QString& what) {
    return {QStringLiteral("link.malformed"),
            QCoreApplication::translate("qpos::link",
                                        "A push-link message could not be read (%1). The till "
                                        "and the store server may be of different versions.")
                .arg(what)};
}

QString number(qint64 n) {
    return QString::number(n);
}

std::optional<qint64> readCount(const QJsonObject& o, QLatin1StringView name) {
    return readDecimal(o.value(name));
}

bool isProvider(const QString& name) {
    return name == u"alipay" || name == u"wechat";
}

bool isOutTradeNo(const QString& text) {
    return !text.isEmpty() && text.size() <= 64;
}

// A refund's request number: 1 to 64 of A-Z a-z 0-9 _ - | * @ (both providers' rule).
bool isRequestNo(const QString& text) {
    if (text.isEmpty() || text.size() > 64)
        return false;
    for (const QChar c : text) {
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != u'_' && c != u'-' && c != u'|' &&
            c != u'*' && c != u'@')
            return false;
    }
    return true;
}

// A provider's word or an error code: 0 to 64 of A-Z a-z 0-9 _ . -
bool isWord(const QString& text) {
    if (text.size() > 64)
        return false;
    for (const QChar c : text) {
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != u'_' && c != u'.' && c != u'-')
            return false;
    }
    return true;
}

const std::pair<SettleAnswer::Result, const char16_t*> kSettleResults[] = {
    {SettleAnswer::Result::Applied, u"applied"},
    {SettleAnswer::Result::Unchanged, u"unchanged"},
    {SettleAnswer::Result::Failed, u"failed"},
};

struct Encoder {
    QJsonObject operator()(const LinkHello& m) const {
        return {{QStringLiteral("type"), QStringLiteral("hello")},
                {QStringLiteral("server_time_ms"), number(m.serverTimeMs)}};
    }
    QJsonObject operator()(const RelayedNotification& m) const {
        QJsonObject headers;
        for (auto it = m.headers.cbegin(); it != m.headers.cend(); ++it)
            headers.insert(QString::fromLatin1(it.key()), QString::fromUtf8(it.value()));
        return {{QStringLiteral("type"), QStringLiteral("notification")},
                {QStringLiteral("id"), number(m.id)},
                {QStringLiteral("provider"), m.provider},
                {QStringLiteral("out_trade_no"), m.outTradeNo},
                {QStringLiteral("received_at_ms"), number(m.receivedAtMs)},
                {QStringLiteral("headers"), headers},
                {QStringLiteral("body"), QString::fromLatin1(m.body.toBase64())}};
    }
    QJsonObject operator()(const LinkAck& m) const {
        QJsonObject o{{QStringLiteral("type"), QStringLiteral("ack")},
                      {QStringLiteral("id"), number(m.id)},
                      {QStringLiteral("result"), m.result == LinkAck::Result::Applied
                                                     ? QStringLiteral("applied")
                                                     : QStringLiteral("rejected")}};
        if (m.result == LinkAck::Result::Rejected)
            o.insert(QStringLiteral("code"), m.code);
        return o;
    }
    QJsonObject operator()(const SettleRequest& m) const {
        QJsonObject o{{QStringLiteral("type"), QStringLiteral("settle")},
                      {QStringLiteral("id"), number(m.id)},
                      {QStringLiteral("provider"), m.provider},
                      {QStringLiteral("out_trade_no"), m.outTradeNo}};
        if (!m.outRequestNo.isEmpty())
            o.insert(QStringLiteral("out_request_no"), m.outRequestNo);
        return o;
    }
    QJsonObject operator()(const SettleAnswer& m) const {
        QJsonObject o{{QStringLiteral("type"), QStringLiteral("settled")},
                      {QStringLiteral("id"), number(m.id)},
                      {QStringLiteral("result"), settleResultName(m.result)}};
        if (m.result == SettleAnswer::Result::Failed) {
            o.insert(QStringLiteral("code"), m.code);
            return o;
        }
        if (!m.state.isEmpty())
            o.insert(QStringLiteral("state"), m.state);
        o.insert(QStringLiteral("provider_state"), m.providerState);
        return o;
    }
};

Result<LinkMessage> decodeSettle(const QJsonObject& o) {
    SettleRequest m;
    const auto id = readCount(o, QLatin1StringView("id"));
    if (!id)
        return malformed(QStringLiteral("id"));
    m.id = *id;
    m.provider = o.value(QStringLiteral("provider")).toString();
    if (!isProvider(m.provider))
        return malformed(QStringLiteral("provider"));
    m.outTradeNo = o.value(QStringLiteral("out_trade_no")).toString();
    if (!isOutTradeNo(m.outTradeNo))
        return malformed(QStringLiteral("out_trade_no"));
    if (o.contains(QStringLiteral("out_request_no"))) {
        m.outRequestNo = o.value(QStringLiteral("out_request_no")).toString();
        if (!isRequestNo(m.outRequestNo))
            return malformed(QStringLiteral("out_request_no"));
    }
    return LinkMessage{std::move(m)};
}

Result<LinkMessage> decodeSettled(const QJsonObject& o) {
    SettleAnswer m;
    const auto id = readCount(o, QLatin1StringView("id"));
    if (!id)
        return malformed(QStringLiteral("id"));
    m.id = *id;
    const QString result = o.value(QStringLiteral("result")).toString();
    const auto known = std::find_if(std::begin(kSettleResults), std::end(kSettleResults),
                                    [&](const auto& r) { return result == QStringView(r.second); });
    if (known == std::end(kSettleResults))
        return malformed(QStringLiteral("result"));
    m.result = known->first;
    if (m.result == SettleAnswer::Result::Failed) {
        m.code = o.value(QStringLiteral("code")).toString();
        if (m.code.isEmpty() || !isWord(m.code))
            return malformed(QStringLiteral("code"));
        return LinkMessage{std::move(m)};
    }
    const QJsonValue state = o.value(QStringLiteral("state"));
    if (!state.isUndefined()) {
        m.state = state.toString();
        if (!state.isString() ||
            (!orderStateFromName(m.state) && !reconcile::refundStateFromName(m.state)))
            return malformed(QStringLiteral("state"));
    }
    const QJsonValue providerState = o.value(QStringLiteral("provider_state"));
    m.providerState = providerState.toString();
    if (!providerState.isString() || !isWord(m.providerState))
        return malformed(QStringLiteral("provider_state"));
    return LinkMessage{std::move(m)};
}

Result<LinkMessage> decodeNotification(const QJsonObject& o) {
    RelayedNotification m;
    const auto id = readCount(o, QLatin1StringView("id"));
    const auto received = readCount(o, QLatin1StringView("received_at_ms"));
    if (!id || !received)
        return malformed(QStringLiteral("id or received_at_ms"));
    m.id = *id;
    m.receivedAtMs = *received;
    m.provider = o.value(QStringLiteral("provider")).toString();
    if (!isProvider(m.provider))
        return malformed(QStringLiteral("provider"));
    m.outTradeNo = o.value(QStringLiteral("out_trade_no")).toString();
    if (!isOutTradeNo(m.outTradeNo))
        return malformed(QStringLiteral("out_trade_no"));
    const QJsonValue headers = o.value(QStringLiteral("headers"));
    if (!headers.isObject())
        return malformed(QStringLiteral("headers"));
    const QJsonObject h = headers.toObject();
    for (auto it = h.begin(); it != h.end(); ++it) {
        if (!it.value().isString() || it.key() != it.key().toLower())
            return malformed(QStringLiteral("header %1").arg(it.key()));
        m.headers.insert(it.key().toLatin1(), it.value().toString().toUtf8());
    }
    const QByteArray body = o.value(QStringLiteral("body")).toString().toLatin1();
    auto decoded = QByteArray::fromBase64Encoding(body, QByteArray::AbortOnBase64DecodingErrors);
    if (!o.value(QStringLiteral("body")).isString() || !decoded)
        return malformed(QStringLiteral("body"));
    m.body = decoded.decoded;
    return LinkMessage{std::move(m)};
}

} // namespace

QByteArray encodeLinkMessage(const LinkMessage& message) {
    return QJsonDocument(std::visit(Encoder{}, message)).toJson(QJsonDocument::Compact);
}

Result<LinkMessage> decodeLinkMessage(QByteArrayView frame) {
    if (frame.size() > kMaxLinkMessageBytes) {
        return Error{QStringLiteral("link.too_large"),
                     QCoreApplication::translate(
                         "qpos::link", "A push-link message is larger than 256 KiB and was "
                                       "refused.")};
    }
    const std::optional<QJsonObject> parsed = parseObject(frame);
    if (!parsed)
        return malformed(QStringLiteral("not a JSON object"));
    const QJsonObject& o = *parsed;
    const QString type = o.value(QStringLiteral("type")).toString();
    if (type == u"hello") {
        const auto time = readCount(o, QLatin1StringView("server_time_ms"));
        if (!time)
            return malformed(QStringLiteral("server_time_ms"));
        return LinkMessage{LinkHello{*time}};
    }
    if (type == u"notification")
        return decodeNotification(o);
    if (type == u"settle")
        return decodeSettle(o);
    if (type == u"settled")
        return decodeSettled(o);
    if (type == u"ack") {
        LinkAck m;
        const auto id = readCount(o, QLatin1StringView("id"));
        if (!id)
            return malformed(QStringLiteral("id"));
        m.id = *id;
        const QString result = o.value(QStringLiteral("result")).toString();
        if (result == u"applied") {
            m.result = LinkAck::Result::Applied;
        } else if (result == u"rejected") {
            m.result = LinkAck::Result::Rejected;
            m.code = o.value(QStringLiteral("code")).toString().left(64);
        } else {
            return malformed(QStringLiteral("result"));
        }
        return LinkMessage{m};
    }
    return malformed(QStringLiteral("unknown type \"%1\"").arg(type.left(32)));
}

namespace {

std::optional<qint64> refusedId(QByteArrayView frame, QStringView type) {
    if (frame.size() > kMaxLinkMessageBytes)
        return std::nullopt;
    const std::optional<QJsonObject> parsed = parseObject(frame);
    if (!parsed || parsed->value(QStringLiteral("type")).toString() != type)
        return std::nullopt;
    return readCount(*parsed, QLatin1StringView("id"));
}

} // namespace

std::optional<qint64> refusedNotificationId(QByteArrayView frame) {
    return refusedId(frame, u"notification");
}

std::optional<qint64> refusedSettleId(QByteArrayView frame) {
    return refusedId(frame, u"settle");
}

QString settleResultName(SettleAnswer::Result result) {
    for (const auto& [value, name] : kSettleResults) {
        if (value == result)
            return QString::fromUtf16(name);
    }
    return QStringLiteral("failed");
}

} // namespace qpos::link
