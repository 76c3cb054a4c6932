#include "core/gateways/AnswerFieldReader.h"

namespace qpos::gateway {

QString AnswerFieldReader::required(QStringView key) {
    const QString value = text(key);
    if (value.isEmpty())
        fail(QStringLiteral("%1 is missing").arg(key));
    return value;
}

std::optional<qint64> AnswerFieldReader::optionalTime(QStringView key) {
    const QString value = text(key);
    if (value.isEmpty())
        return std::nullopt;
    std::optional<qint64> ms = m_rules.parseTime(value);
    if (!ms)
        fail(QStringLiteral("%1 is not a time: %2").arg(key, value));
    return ms;
}

std::optional<money::Fen> AnswerFieldReader::amount(const QJsonObject& object, QStringView key,
                                                    bool required, money::Sign sign) {
    const QJsonValue value = object.value(key);
    const bool missing = value.isUndefined() || (m_rules.nullAmountIsMissing && value.isNull());
    if (missing && !required)
        return std::nullopt;
    Result<money::Fen> fen = m_rules.parseAmount(value, key, sign);
    if (!fen) {
        fail(fen.error().message);
        return std::nullopt;
    }
    return *fen;
}

QUrl AnswerFieldReader::webAddress(QStringView key) {
    const QString text = required(key);
    const QUrl url(text, QUrl::StrictMode);
    if (!text.isEmpty() && (!url.isValid() || url.host().isEmpty() ||
                            (url.scheme() != u"https" && url.scheme() != u"http")))
        fail(QStringLiteral("%1 is not a web address").arg(key));
    return url;
}

void AnswerFieldReader::expect(QStringView key, const QString& expected) {
    const QString got = text(key);
    if (!expected.isEmpty() && !got.isEmpty() && got != expected && !m_mismatch)
        m_mismatch = m_rules.mismatch(key, got, expected);
}

void AnswerFieldReader::fail(const QString& detail) {
    if (!m_problem)
        m_problem = detail;
}

} // namespace qpos::gateway
