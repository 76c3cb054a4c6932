#pragma once

#include "core/common/Result.h"
#include "core/gateways/GatewayResult.h"
#include "core/money/Money.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringView>
#include <QtGlobal>
#include <QUrl>

#include <optional>

namespace qpos::gateway {

// What differs between providers when a signed answer cannot be used: the words (each in the
// provider's own translation context) and how the provider writes times and amounts.
struct AnswerReaderRules {
    // The answer is unusable; `detail` says why ("trade_no is missing").
    Error (*malformed)(const QString& detail);
    // The answer's `key` names `got`, not the `expected` order or refund.
    Error (*mismatch)(QStringView key, const QString& got, const QString& expected);
    // A time as the provider writes it, in UTC ms; empty when it is not one.
    std::optional<qint64> (*parseTime)(QStringView text);
    // An amount as the provider writes it (Alipay: yuan in a string; WeChat: whole fen), or the
    // detail of why `value` is not one; a missing field arrives as an undefined value.
    Result<money::Fen> (*parseAmount)(const QJsonValue& value, QStringView key, money::Sign sign);
    // Whether a null amount counts as a missing one.
    bool nullAmountIsMissing = false;
};

// Reads the fields of a verified answer and keeps the first problem met, so a provider's
// answer parser reads every field it needs and then asks problem() once.
class AnswerFieldReader {
public:
    AnswerFieldReader(const QJsonObject& fields, const AnswerReaderRules& rules)
        : m_fields(fields)
        , m_rules(rules) {}

    const QJsonObject& fields() const { return m_fields; }
    bool has(QStringView key) const { return !text(key).isEmpty(); }
    QString text(QStringView key) const { return m_fields.value(key).toString(); }
    QJsonObject object(QStringView key) const { return m_fields.value(key).toObject(); }

    // The text of `key`; a problem when it is missing or empty.
    QString required(QStringView key);

    // The time in `key`; empty when the field is, a problem when it is not a time.
    std::optional<qint64> optionalTime(QStringView key);

    // The amount in `key` of `object` (by default the answer itself), in the provider's
    // format; empty when it is missing (a problem when `required`) or not an amount.
    std::optional<money::Fen> amount(QStringView key, bool required, money::Sign sign) {
        return amount(m_fields, key, required, sign);
    }
    std::optional<money::Fen> amount(const QJsonObject& object, QStringView key, bool required,
                                     money::Sign sign);

    // The http or https address with a host in `key`; a problem when it is missing or not one.
    QUrl webAddress(QStringView key);

    // An answer for another order (or refund) must never be applied to this one: a `key`
    // present and different from a non-empty `expected` makes the answer a mismatch.
    void expect(QStringView key, const QString& expected);

    void fail(const QString& detail);

    // The Unknown to return when anything was wrong (a mismatch first), else empty.
    template <typename T>
    std::optional<GatewayResult<T>> problem() const {
        if (m_mismatch)
            return GatewayResult<T>::unknown(*m_mismatch, m_fields);
        if (!m_problem)
            return std::nullopt;
        return GatewayResult<T>::unknown(m_rules.malformed(*m_problem), m_fields);
    }

private:
    const QJsonObject& m_fields;
    AnswerReaderRules m_rules;
    std::optional<QString> m_problem;
    std::optional<Error> m_mismatch;
};

} // namespace qpos::gateway
