#pragma once

#include "core/common/Result.h"
#include "core/gateways/GatewayResult.h"

#include <QJsonObject>
#include <QString>
#include <QStringView>
#include <QtGlobal>

#include <optional>

namespace qpos::gateway {

// What differs between providers when a signed answer cannot be used: the words (each in the
// provider's own translation context) and how the provider writes times.
struct AnswerReaderRules {
    // The answer is unusable; `detail` says why ("trade_no is missing").
    Error (*malformed)(const QString& detail);
    // The answer's `key` names `got`, not the `expected` order or refund.
    Error (*mismatch)(QStringView key, const QString& got, const QString& expected);
    // A time as the provider writes it, in UTC ms; empty when it is not one.
    std::optional<qint64> (*parseTime)(QStringView text);
};

// Reads the fields of a verified answer and keeps the first problem met, so a provider's
// answer parser reads every field it needs and then asks problem() once. Providers add their
// own amount readers (Alipay: yuan strings; WeChat: integer fen) on top.
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
