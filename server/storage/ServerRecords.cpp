#include "server/storage/ServerRecords.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace qpos::server {

QString headersText(const QMap<QByteArray, QByteArray>& headers) {
    QJsonObject o;
    for (auto it = headers.cbegin(); it != headers.cend(); ++it)
        o.insert(QString::fromLatin1(it.key()), QString::fromLatin1(it.value()));
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QMap<QByteArray, QByteArray> headersFrom(const QString& text) {
    QMap<QByteArray, QByteArray> headers;
    const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
    for (auto it = o.constBegin(); it != o.constEnd(); ++it)
        headers.insert(it.key().toLatin1(), it.value().toString().toLatin1());
    return headers;
}

QString verdictName(NotificationVerdict verdict) {
    switch (verdict) {
    case NotificationVerdict::Matched:
        return QStringLiteral("matched");
    case NotificationVerdict::AwaitingOrder:
        return QStringLiteral("awaiting_order");
    case NotificationVerdict::AmountMismatch:
        return QStringLiteral("amount_mismatch");
    }
    return QString();
}

std::optional<NotificationVerdict> verdictFromName(const QString& name) {
    for (NotificationVerdict v : {NotificationVerdict::Matched, NotificationVerdict::AwaitingOrder,
                                  NotificationVerdict::AmountMismatch}) {
        if (verdictName(v) == name)
            return v;
    }
    return std::nullopt;
}

int orderStateRank(OrderState state) {
    switch (state) {
    case OrderState::Created:
        return 0;
    case OrderState::Pending:
    case OrderState::Unknown:
        return 1;
    case OrderState::Cancelled:
    case OrderState::Failed:
        return 2;
    case OrderState::Paid:
        return 3;
    case OrderState::PartiallyRefunded:
        return 4;
    case OrderState::Refunded:
        return 5;
    }
    return 0;
}

} // namespace qpos::server
