#include "sandbox/faults/FaultRule.h"

#include <QCoreApplication>

#include <array>
#include <utility>

namespace qpos::sandbox {

namespace {

constexpr std::array<std::pair<FaultKind, const char*>, 22> kNames{{
    {FaultKind::Latency, "latency"},
    {FaultKind::HttpError, "http_error"},
    {FaultKind::Timeout, "timeout"},
    {FaultKind::DropAfterCommit, "drop_after_commit"},
    {FaultKind::ServiceUnavailable, "service_unavailable"},
    {FaultKind::SystemError, "system_error"},
    {FaultKind::BadSignature, "bad_signature"},
    {FaultKind::NotifyDuplicate, "notify_duplicate"},
    {FaultKind::NotifyOutOfOrder, "notify_out_of_order"},
    {FaultKind::NotifyBadSignature, "notify_bad_signature"},
    {FaultKind::StaleTimestamp, "stale_timestamp"},
    {FaultKind::NotifyStaleTimestamp, "notify_stale_timestamp"},
    {FaultKind::RefundUnconfirmed, "refund_unconfirmed"},
    {FaultKind::BillDropLine, "bill_drop_line"},
    {FaultKind::BillChangeAmount, "bill_change_amount"},
    {FaultKind::BillForeignTrade, "bill_foreign_trade"},
    {FaultKind::BillDropRefund, "bill_drop_refund"},
    {FaultKind::BillChangeState, "bill_change_state"},
    {FaultKind::BillDuplicateLine, "bill_duplicate_line"},
    {FaultKind::BillNextDay, "bill_next_day"},
    {FaultKind::BillNotReady, "bill_not_ready"},
    {FaultKind::BillTruncated, "bill_truncated"},
}};

Error invalid(const QString& why) {
    return Error{
        QStringLiteral("sandbox.invalid_fault"),
        QCoreApplication::translate("qpos::sandbox::FaultRule", "The fault is not valid: %1.")
            .arg(why)};
}

// A bill fault's date and what it changes.
Result<FaultRule> readBillTarget(const QJsonObject& json, FaultRule rule) {
    if (!rule.isBillFault()) {
        for (const char* key :
             {"bill_date", "out_trade_no", "out_request_no", "amount_fen", "until_ms"}) {
            if (json.contains(QLatin1String(key)))
                return invalid(QStringLiteral("\"%1\" belongs to the bill_* faults only")
                                   .arg(QLatin1String(key)));
        }
        return rule;
    }
    // Alipay's detail bill words a line as 交易 or 退款 only: money given back after a payment
    // is a 退款 line, so a payment listed in another state is WeChat Pay's alone.
    if (rule.kind == FaultKind::BillChangeState && rule.provider != u"wechat")
        return invalid(QStringLiteral("bill_change_state is for WeChat Pay only (\"provider\": "
                                      "\"wechat\"); Alipay's bill lists a payment as 交易 and "
                                      "money given back as 退款"));
    rule.billDate =
        QDate::fromString(json.value(u"bill_date").toString(), QStringLiteral("yyyy-MM-dd"));
    if (!rule.billDate.isValid())
        return invalid(QStringLiteral("a bill fault needs \"bill_date\", the China date of "
                                      "the bill as yyyy-MM-dd"));
    rule.outTradeNo = json.value(u"out_trade_no").toString();
    rule.outRequestNo = json.value(u"out_request_no").toString();
    if (json.contains(u"amount_fen")) {
        const double fen = json.value(u"amount_fen").toDouble(-1);
        if (fen < 1 || fen > static_cast<double>(money::kMaxFen) ||
            fen != static_cast<double>(static_cast<qint64>(fen)))
            return invalid(QStringLiteral("\"amount_fen\" must be a whole number of fen from 1"));
        rule.amountFen = static_cast<qint64>(fen);
    }
    if (rule.kind == FaultKind::BillNotReady) {
        const double until = json.value(u"until_ms").toDouble(-1);
        if (until <= 0 || until != static_cast<double>(static_cast<qint64>(until)))
            return invalid(QStringLiteral("bill_not_ready needs \"until_ms\", the UTC time in "
                                          "milliseconds from which the bill is ready"));
        rule.untilMs = static_cast<qint64>(until);
        // It answers every request until then, however many.
        if (!json.contains(u"count") && !json.contains(u"probability"))
            rule.remaining = -1;
    }
    // The provider dates that payment so for good: every bill of both days shows it moved.
    if (rule.kind == FaultKind::BillNextDay && !json.contains(u"count") &&
        !json.contains(u"probability"))
        rule.remaining = -1;
    return rule;
}

} // namespace

QString faultKindName(FaultKind kind) {
    for (const auto& [k, name] : kNames) {
        if (k == kind)
            return QString::fromLatin1(name);
    }
    return {};
}

QStringList faultKindNames() {
    QStringList out;
    for (const auto& entry : kNames)
        out << QString::fromLatin1(entry.second);
    return out;
}

bool FaultRule::isBillFault() const {
    switch (kind) {
    case FaultKind::BillDropLine:
    case FaultKind::BillChangeAmount:
    case FaultKind::BillForeignTrade:
    case FaultKind::BillDropRefund:
    case FaultKind::BillChangeState:
    case FaultKind::BillDuplicateLine:
    case FaultKind::BillNextDay:
    case FaultKind::BillNotReady:
    case FaultKind::BillTruncated:
        return true;
    default:
        return false;
    }
}

bool FaultRule::matches(const QString& providerName, const QString& methodName) const {
    if (provider != providerName)
        return false;
    return method.isEmpty() || method == u"*" || method == methodName;
}

QJsonObject FaultRule::toJson() const {
    QJsonObject o{{QStringLiteral("id"), id},
                  {QStringLiteral("kind"), faultKindName(kind)},
                  {QStringLiteral("provider"), provider},
                  {QStringLiteral("count"), remaining},
                  {QStringLiteral("probability"), probability}};
    if (!method.isEmpty())
        o.insert(QStringLiteral("method"), method);
    if (kind == FaultKind::Latency)
        o.insert(QStringLiteral("latency_ms"), latencyMs);
    if (kind == FaultKind::HttpError)
        o.insert(QStringLiteral("status"), httpStatus);
    if (kind == FaultKind::ServiceUnavailable || kind == FaultKind::SystemError ||
        kind == FaultKind::RefundUnconfirmed)
        o.insert(QStringLiteral("commit"), commit);
    if (isBillFault())
        o.insert(QStringLiteral("bill_date"), billDate.toString(Qt::ISODate));
    if (!outTradeNo.isEmpty())
        o.insert(QStringLiteral("out_trade_no"), outTradeNo);
    if (!outRequestNo.isEmpty())
        o.insert(QStringLiteral("out_request_no"), outRequestNo);
    if (amountFen)
        o.insert(QStringLiteral("amount_fen"), *amountFen);
    if (kind == FaultKind::BillNotReady)
        o.insert(QStringLiteral("until_ms"), untilMs);
    return o;
}

Result<FaultRule> FaultRule::fromJson(const QJsonObject& json) {
    static const QStringList known{QStringLiteral("id"),           QStringLiteral("kind"),
                                   QStringLiteral("provider"),     QStringLiteral("method"),
                                   QStringLiteral("count"),        QStringLiteral("probability"),
                                   QStringLiteral("latency_ms"),   QStringLiteral("status"),
                                   QStringLiteral("commit"),       QStringLiteral("bill_date"),
                                   QStringLiteral("out_trade_no"), QStringLiteral("out_request_no"),
                                   QStringLiteral("amount_fen"),   QStringLiteral("until_ms")};
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!known.contains(it.key()))
            return invalid(QStringLiteral("unknown key \"%1\" (known: %2)")
                               .arg(it.key(), known.join(QStringLiteral(", "))));
    }
    FaultRule rule;
    const QString kindName = json.value(u"kind").toString();
    bool found = false;
    for (const auto& [k, name] : kNames) {
        if (kindName == QLatin1String(name)) {
            rule.kind = k;
            found = true;
        }
    }
    if (!found)
        return invalid(QStringLiteral("\"kind\" must be one of %1")
                           .arg(faultKindNames().join(QStringLiteral(", "))));
    if (json.contains(u"provider"))
        rule.provider = json.value(u"provider").toString();
    if (rule.provider != u"alipay" && rule.provider != u"wechat")
        return invalid(QStringLiteral("\"provider\" must be \"alipay\" or \"wechat\""));
    rule.method = json.value(u"method").toString();
    if (json.contains(u"probability")) {
        rule.probability = json.value(u"probability").toDouble(-1);
        if (rule.probability < 0 || rule.probability > 1)
            return invalid(QStringLiteral("\"probability\" must be between 0 and 1"));
        rule.remaining = -1;
    }
    if (json.contains(u"count")) {
        const double count = json.value(u"count").toDouble(-2);
        if (count != -1 && (count < 1 || count != static_cast<double>(static_cast<int>(count))))
            return invalid(QStringLiteral("\"count\" must be a whole number from 1, or -1"));
        rule.remaining = static_cast<int>(count);
    }
    if (json.contains(u"latency_ms")) {
        const double ms = json.value(u"latency_ms").toDouble(-1);
        if (ms < 0 || ms > 600000)
            return invalid(QStringLiteral("\"latency_ms\" must be 0..600000"));
        rule.latencyMs = static_cast<int>(ms);
    }
    if (rule.kind == FaultKind::Latency && !json.contains(u"latency_ms"))
        return invalid(QStringLiteral("a latency fault needs \"latency_ms\""));
    if (json.contains(u"status")) {
        const int status = json.value(u"status").toInt(-1);
        if (status < 400 || status > 599)
            return invalid(QStringLiteral("\"status\" must be an HTTP error status 400..599"));
        rule.httpStatus = status;
    }
    rule.commit = json.value(u"commit").toBool(false);
    return readBillTarget(json, rule);
}

Result<FaultRule> FaultRule::fromSpec(const QString& spec) {
    const qsizetype colon = spec.indexOf(u':');
    QJsonObject json{{QStringLiteral("kind"), colon < 0 ? spec : spec.left(colon)}};
    if (colon >= 0) {
        for (const QString& pair : spec.mid(colon + 1).split(u',', Qt::SkipEmptyParts)) {
            const qsizetype eq = pair.indexOf(u'=');
            if (eq <= 0)
                return invalid(QStringLiteral("\"%1\" is not key=value").arg(pair));
            const QString key = pair.left(eq);
            const QString value = pair.mid(eq + 1);
            bool isNumber = false;
            const double number = value.toDouble(&isNumber);
            if (value == u"true" || value == u"false")
                json.insert(key, value == u"true");
            else if (isNumber && key != u"method" && key != u"provider" && key != u"out_trade_no" &&
                     key != u"out_request_no")
                json.insert(key, number);
            else
                json.insert(key, value);
        }
    }
    return fromJson(json);
}

} // namespace qpos::sandbox
