#include "core/link/LinkMessages.h"

#include "core/link/JsonFields.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

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
};

Result<LinkMessage> decodeNotification(const QJsonObject& o) {
    RelayedNotification m;
    const auto id = readCount(o, QLatin1StringView("id"));
    const auto received = readCount(o, QLatin1StringView("received_at_ms"));
    if (!id || !received)
        return malformed(QStringLiteral("id or received_at_ms"));
    m.id = *id;
    m.receivedAtMs = *received;
    m.provider = o.value(QStringLiteral("provider")).toString();
    if (m.provider != u"alipay" && m.provider != u"wechat")
        return malformed(QStringLiteral("provider"));
    m.outTradeNo = o.value(QStringLiteral("out_trade_no")).toString();
    if (m.outTradeNo.isEmpty() || m.outTradeNo.size() > 64)
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

std::optional<qint64> refusedNotificationId(QByteArrayView frame) {
    if (frame.size() > kMaxLinkMessageBytes)
        return std::nullopt;
    const std::optional<QJsonObject> parsed = parseObject(frame);
    if (!parsed || parsed->value(QStringLiteral("type")).toString() != u"notification")
        return std::nullopt;
    return readCount(*parsed, QLatin1StringView("id"));
}

} // namespace qpos::link
