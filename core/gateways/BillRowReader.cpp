#include "core/gateways/BillRowReader.h"

#include "core/calendar/ChinaCalendar.h"

namespace qpos::gateway {

Result<money::Fen> parseBillYuan(QString value, const QString& column) {
    const bool negative = value.startsWith(u'-');
    if (negative)
        value.remove(0, 1);
    Result<money::Fen> fen = money::parseYuan(value, money::Sign::NonNegative, column);
    if (!fen)
        return fen.error();
    return negative ? -*fen : *fen;
}

QString BillRowReader::text(const BillColumn& column) const {
    const qsizetype i = column.index;
    return i < 0 || i >= m_row.fields.size() ? QString() : m_valueOf(m_row.fields[i]);
}

money::Fen BillRowReader::amount(const BillColumn& column, bool required) {
    const QString value = text(column);
    if (value.isEmpty()) {
        if (required)
            fail(m_wording.empty(m_row.lineNumber, column.name));
        return 0;
    }
    Result<money::Fen> fen = parseBillYuan(value, column.name);
    if (!fen) {
        fail(m_wording.notAmount(m_row.lineNumber, fen.error().message));
        return 0;
    }
    return *fen;
}

money::SubFen BillRowReader::subFenAmount(const BillColumn& column, bool required) {
    const QString value = text(column);
    if (value.isEmpty()) {
        if (required)
            fail(m_wording.empty(m_row.lineNumber, column.name));
        return {};
    }
    Result<money::SubFen> amount = money::parseSubFenYuan(value, column.name);
    if (!amount) {
        fail(m_wording.notAmount(m_row.lineNumber, amount.error().message));
        return {};
    }
    return *amount;
}

std::optional<qint64> BillRowReader::time(const BillColumn& column, bool required) {
    const QString value = text(column);
    if (value.isEmpty() && !required)
        return std::nullopt;
    const std::optional<qint64> ms = china_calendar::parseTimestamp(value);
    if (!ms)
        fail(m_wording.notTime(m_row.lineNumber, column.name, value));
    return ms;
}

void BillRowReader::fail(const QString& detail) {
    if (!m_problem)
        m_problem = detail;
}

} // namespace qpos::gateway
