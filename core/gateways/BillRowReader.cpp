#include "core/gateways/BillRowReader.h"

#include "core/calendar/ChinaCalendar.h"

#include <QStringDecoder>

#include <algorithm>
#include <array>

namespace qpos::gateway {

Result<money::Fen> parseBillYuan(QStringView value, const QString& column) {
    const bool negative = value.startsWith(u'-');
    if (negative)
        value = value.sliced(1);
    Result<money::Fen> fen = money::parseYuan(value, money::Sign::NonNegative, column);
    if (!fen)
        return fen.error();
    return negative ? -*fen : *fen;
}

namespace {

// A field as text in a buffer on the stack: ASCII (nearly every field of a bill) widened,
// other UTF-8 decoded; only a field too long for the buffer makes a QString. The values read
// as numbers and times, and the text a record refills in place, cost no allocation.
class FieldText {
public:
    FieldText(const CsvRecord& row, const BillColumn& column) {
        const qsizetype i = column.index;
        if (i < 0 || i >= row.fields.size())
            return; // no such column: empty
        m_present = true;
        const QByteArrayView utf8 = row.fields.utf8(i);
        // One unit spare: Qt's decoder asks for the bytes' count plus one.
        if (utf8.size() >= qsizetype(m_buffer.size())) {
            m_decoded = row.fields[i];
            m_view = m_decoded;
            return;
        }
        const bool ascii = std::all_of(utf8.begin(), utf8.end(),
                                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
        if (ascii) {
            std::transform(utf8.begin(), utf8.end(), m_buffer.begin(),
                           [](char c) { return static_cast<char16_t>(c); });
            m_view = QStringView(m_buffer.data(), utf8.size());
            return;
        }
        // As QString::fromUtf8 decodes (a byte-order mark kept).
        QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless |
                                                         QStringDecoder::Flag::ConvertInitialBom);
        auto* const begin = reinterpret_cast<QChar*>(m_buffer.data());
        m_view = QStringView(begin, decoder.appendToBuffer(begin, utf8));
    }
    FieldText(const FieldText&) = delete;
    FieldText& operator=(const FieldText&) = delete;

    QStringView view() const { return m_view; }
    // `part` of view() as a QString: the decoded field itself when it is all of it.
    QString text(QStringView part) const {
        if (!m_present)
            return QString();
        if (!m_decoded.isNull() && part.size() == m_decoded.size())
            return m_decoded;
        return part.toString();
    }
    // The same into `out`, reusing its buffer when no one else shares it.
    void assign(QStringView part, QString& out) const {
        if (!m_present || !out.isDetached()) {
            out = text(part);
            return;
        }
        out.resize(part.size());
        std::copy(part.begin(), part.end(), out.data());
    }

private:
    std::array<char16_t, 64> m_buffer;
    QString m_decoded;
    QStringView m_view;
    bool m_present = false;
};

} // namespace

QString BillRowReader::text(const BillColumn& column) const {
    const FieldText field(m_row, column);
    return field.text(m_valueOf(field.view()));
}

void BillRowReader::textInto(const BillColumn& column, QString& out) const {
    const FieldText field(m_row, column);
    field.assign(m_valueOf(field.view()), out);
}

money::Fen BillRowReader::amount(const BillColumn& column, bool required) {
    const FieldText field(m_row, column);
    const QStringView value = m_valueOf(field.view());
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
    const FieldText field(m_row, column);
    const QStringView value = m_valueOf(field.view());
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
    const FieldText field(m_row, column);
    const QStringView value = m_valueOf(field.view());
    if (value.isEmpty() && !required)
        return std::nullopt;
    const std::optional<qint64> ms = china_calendar::parseTimestamp(value);
    if (!ms)
        fail(m_wording.notTime(m_row.lineNumber, column.name, value.toString()));
    return ms;
}

void BillRowReader::fail(const QString& detail) {
    if (!m_problem)
        m_problem = detail;
}

} // namespace qpos::gateway
