#include "core/reconcile/BatchJson.h"

#include <QCoreApplication>
#include <QJsonValue>

#include <cmath>
#include <limits>

namespace qpos::reconcile {

namespace {

const QString kDayFormat = QStringLiteral("yyyy-MM-dd");

// JSON numbers are doubles to many readers: integers beyond 2^53 would not come back exact.
constexpr double kLargestExactInteger = 9007199254740992.0;
constexpr qint64 kLargestInteger = 9007199254740992LL;
constexpr qint64 kLargestInt = std::numeric_limits<int>::max();

QJsonObject sideToJson(const SideTotals& side) {
    return QJsonObject{
        {QStringLiteral("payment_count"), side.paymentCount},
        {QStringLiteral("payment_fen"), side.paymentFen},
        {QStringLiteral("refund_count"), side.refundCount},
        {QStringLiteral("refund_fen"), side.refundFen},
    };
}

// Reads the keys of one object; the first problem is kept and named by its key's path.
class Reader {
public:
    Reader(const QJsonObject& object, QString path)
        : m_object(object)
        , m_path(std::move(path)) {}

    bool ok() const { return !m_error.has_value(); }
    Error error() const { return *m_error; }
    void adopt(const Reader& nested) {
        if (ok() && !nested.ok())
            m_error = nested.m_error;
    }

    QString text(const char* key) {
        const QJsonValue v = value(key);
        if (!v.isString()) {
            fail(key, expected(QT_TRANSLATE_NOOP("qpos::reconcile", "a string")));
            return {};
        }
        return v.toString();
    }

    qint64 integer(const char* key, qint64 minimum = 0, qint64 maximum = kLargestInteger) {
        const QJsonValue v = value(key);
        return integerOf(key, v, minimum, maximum);
    }

    std::optional<qint64> optionalInteger(const char* key, qint64 minimum = 0) {
        if (!m_object.contains(QLatin1String(key)))
            return std::nullopt;
        return integer(key, minimum);
    }

    QJsonObject object(const char* key) {
        const QJsonValue v = value(key);
        if (!v.isObject()) {
            fail(key, expected(QT_TRANSLATE_NOOP("qpos::reconcile", "an object")));
            return {};
        }
        return v.toObject();
    }

    QString path(const char* key) const {
        return m_path.isEmpty() ? QLatin1String(key) : m_path + u'.' + QLatin1String(key);
    }

    QDate day(const char* key) {
        const QString t = text(key);
        if (!ok())
            return {};
        const QDate d = QDate::fromString(t, kDayFormat);
        if (!d.isValid() || d.toString(kDayFormat) != t)
            fail(key, expected(QT_TRANSLATE_NOOP("qpos::reconcile", "a day written yyyy-MM-dd")));
        return d;
    }

    template <typename T>
    T named(const char* key, std::optional<T> (*fromName)(QStringView), T fallback) {
        const QString t = text(key);
        if (!ok())
            return fallback;
        const std::optional<T> found = fromName(t);
        if (!found) {
            fail(key, QCoreApplication::translate("qpos::reconcile", "\"%1\" is not a name "
                                                                     "this version knows")
                          .arg(t));
            return fallback;
        }
        return *found;
    }

    Channel provider(const char* key) {
        const Channel c = named<Channel>(key, &channelFromName, Channel::Alipay);
        if (ok() && !isProviderChannel(c))
            fail(key, expected(QT_TRANSLATE_NOOP("qpos::reconcile", "\"alipay\" or \"wechat\"")));
        return c;
    }

    money::SubFen fee(const char* key) {
        const QString t = text(key);
        if (!ok())
            return {};
        const Result<money::SubFen> parsed = money::parseSubFenYuan(t, path(key));
        if (!parsed || money::formatSubFenYuan(*parsed) != t) {
            fail(key, expected(QT_TRANSLATE_NOOP("qpos::reconcile",
                                                 "yuan with five decimals, such as \"-0.74040\"")));
            return {};
        }
        return *parsed;
    }

private:
    QJsonValue value(const char* key) const { return m_object.value(QLatin1String(key)); }

    qint64 integerOf(const char* key, const QJsonValue& v, qint64 minimum, qint64 maximum) {
        if (!v.isDouble()) {
            fail(key, expected(QT_TRANSLATE_NOOP("qpos::reconcile", "a whole number")));
            return 0;
        }
        const double d = v.toDouble();
        if (d != std::trunc(d) || std::fabs(d) > kLargestExactInteger || v.toInteger() < minimum ||
            v.toInteger() > maximum) {
            fail(key, expected(QT_TRANSLATE_NOOP("qpos::reconcile",
                                                 "a whole number in the format's range")));
            return 0;
        }
        return v.toInteger();
    }

    static QString expected(const char* what) {
        return QCoreApplication::translate("qpos::reconcile", "it must be %1")
            .arg(QCoreApplication::translate("qpos::reconcile", what));
    }

    void fail(const char* key, const QString& why) {
        if (!ok())
            return;
        const QString message =
            m_object.contains(QLatin1String(key))
                ? QCoreApplication::translate("qpos::reconcile",
                                              "The reconciliation data's key \"%1\" is not "
                                              "valid: %2. Nothing was read; send it again from "
                                              "a matching version of qpos.")
                      .arg(path(key), why)
                : QCoreApplication::translate("qpos::reconcile",
                                              "The reconciliation data lacks the key \"%1\". "
                                              "Nothing was read; send it again from a matching "
                                              "version of qpos.")
                      .arg(path(key));
        m_error = Error{QStringLiteral("reconcile.bad_json"), message};
    }

    const QJsonObject& m_object;
    QString m_path;
    std::optional<Error> m_error;
};

SideTotals sideFromJson(Reader& parent, const char* key) {
    const QJsonObject json = parent.object(key);
    SideTotals side;
    if (!parent.ok())
        return side;
    Reader r(json, parent.path(key));
    side.paymentCount = r.integer("payment_count");
    side.paymentFen = r.integer("payment_fen");
    side.refundCount = r.integer("refund_count");
    side.refundFen = r.integer("refund_fen");
    parent.adopt(r);
    return side;
}

// The batch's totals are one level deeper: their keys' paths say "totals.…".
BatchTotals totalsFromJson(Reader& parent) {
    const QJsonObject json = parent.object("totals");
    BatchTotals totals;
    if (!parent.ok())
        return totals;
    Reader r(json, parent.path("totals"));
    totals.provider = sideFromJson(r, "provider");
    totals.local = sideFromJson(r, "local");
    totals.fee = r.fee("fee");
    totals.matched = r.integer("matched");
    totals.held = r.integer("held");
    parent.adopt(r);
    return totals;
}

} // namespace

QJsonObject batchToJson(const StoredBatch& batch) {
    const QJsonObject totals{
        {QStringLiteral("provider"), sideToJson(batch.totals.provider)},
        {QStringLiteral("local"), sideToJson(batch.totals.local)},
        {QStringLiteral("fee"), money::formatSubFenYuan(batch.totals.fee)},
        {QStringLiteral("matched"), batch.totals.matched},
        {QStringLiteral("held"), batch.totals.held},
    };
    return QJsonObject{
        {QStringLiteral("id"), batch.id},
        {QStringLiteral("provider"), channelName(batch.provider)},
        {QStringLiteral("merchant_id"), batch.merchantId},
        {QStringLiteral("day"), batch.day.toString(kDayFormat)},
        {QStringLiteral("state"), batchStateName(batch.state)},
        {QStringLiteral("totals"), totals},
        {QStringLiteral("item_count"), batch.itemCount},
        {QStringLiteral("open_item_count"), batch.openItemCount},
        {QStringLiteral("bill_sha256"), batch.billSha256},
        {QStringLiteral("bill_file"), batch.billFile},
        {QStringLiteral("error"), batch.error},
        {QStringLiteral("attempts"), batch.attempts},
        {QStringLiteral("created_at_ms"), batch.createdAtMs},
        {QStringLiteral("updated_at_ms"), batch.updatedAtMs},
    };
}

QJsonObject itemToJson(const StoredItem& stored) {
    const DifferenceItem& item = stored.item;
    QJsonObject json{
        {QStringLiteral("id"), stored.id},
        {QStringLiteral("batch_id"), stored.batchId},
        {QStringLiteral("class"), differenceClassName(item.kind)},
        {QStringLiteral("provider"), channelName(item.provider)},
        {QStringLiteral("out_trade_no"), item.outTradeNo},
        {QStringLiteral("out_request_no"), item.outRequestNo},
        {QStringLiteral("local_state"), item.localState},
        {QStringLiteral("provider_state"), item.providerState},
        {QStringLiteral("provider_trade_no"), item.providerTradeNo},
        {QStringLiteral("bill_line"), item.billLine},
        {QStringLiteral("detail"), item.detail},
        {QStringLiteral("resolution"), itemResolutionName(stored.resolution)},
        {QStringLiteral("evidence"), stored.evidence},
        {QStringLiteral("note"), stored.note},
        {QStringLiteral("resolved_by"), stored.resolvedBy},
        {QStringLiteral("resolved_at_ms"), stored.resolvedAtMs},
    };
    if (item.localAmountFen)
        json.insert(QStringLiteral("local_fen"), *item.localAmountFen);
    if (item.providerAmountFen)
        json.insert(QStringLiteral("provider_fen"), *item.providerAmountFen);
    return json;
}

Result<StoredBatch> batchFromJson(const QJsonObject& json) {
    Reader r(json, QString());
    StoredBatch b;
    b.id = r.integer("id");
    b.provider = r.provider("provider");
    b.merchantId = r.text("merchant_id");
    b.day = r.day("day");
    b.state = r.named<BatchState>("state", &batchStateFromName, BatchState::Failed);
    b.totals = totalsFromJson(r);
    b.itemCount = r.integer("item_count");
    b.openItemCount = r.integer("open_item_count");
    b.billSha256 = r.text("bill_sha256");
    b.billFile = r.text("bill_file");
    b.error = r.text("error");
    b.attempts = int(r.integer("attempts", 0, kLargestInt));
    b.createdAtMs = r.integer("created_at_ms");
    b.updatedAtMs = r.integer("updated_at_ms");
    if (!r.ok())
        return r.error();
    return b;
}

Result<StoredItem> itemFromJson(const QJsonObject& json) {
    Reader r(json, QString());
    StoredItem s;
    s.id = r.integer("id");
    s.batchId = r.integer("batch_id");
    s.item.kind =
        r.named<DifferenceClass>("class", &differenceClassFromName, DifferenceClass::LocalOnly);
    s.item.provider = r.provider("provider");
    s.item.outTradeNo = r.text("out_trade_no");
    s.item.outRequestNo = r.text("out_request_no");
    s.item.localState = r.text("local_state");
    s.item.localAmountFen = r.optionalInteger("local_fen");
    s.item.providerState = r.text("provider_state");
    s.item.providerAmountFen = r.optionalInteger("provider_fen");
    s.item.providerTradeNo = r.text("provider_trade_no");
    s.item.billLine = int(r.integer("bill_line", 0, kLargestInt));
    s.item.detail = r.text("detail");
    s.resolution =
        r.named<ItemResolution>("resolution", &itemResolutionFromName, ItemResolution::Open);
    s.evidence = r.text("evidence");
    s.note = r.text("note");
    s.resolvedBy = r.text("resolved_by");
    s.resolvedAtMs = r.integer("resolved_at_ms");
    if (!r.ok())
        return r.error();
    return s;
}

} // namespace qpos::reconcile
