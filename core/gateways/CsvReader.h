#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

#include <cstring>
#include <span>
#include <vector>

namespace qpos::gateway {

// The fields of one CSV record, kept as the UTF-8 they were read as (checked to be UTF-8) and
// made text only when asked: a bill's parser reads most of a line's fields as numbers or not
// at all, and a million lines of 27 QStrings each cost more than reading the file.
class CsvFields {
public:
    qsizetype size() const { return static_cast<qsizetype>(m_ends.size()); }
    bool isEmpty() const { return m_ends.empty(); }
    // Field `i` (0 <= i < size()) as UTF-8.
    QByteArrayView utf8(qsizetype i) const {
        const auto at = static_cast<std::size_t>(i);
        const qsizetype from = at == 0 ? 0 : m_ends[at - 1];
        return QByteArrayView(m_bytes.constData() + from, m_ends[at] - from);
    }
    // Field `i` as text (a byte-order mark kept as U+FEFF, as QString::fromUtf8 does).
    QString operator[](qsizetype i) const { return QString::fromUtf8(utf8(i)); }
    // The same, or an empty string when there is no field `i`.
    QString value(qsizetype i) const { return i >= 0 && i < size() ? (*this)[i] : QString(); }
    QStringList texts() const;

    // Inline, and into the buffer's own room: a bill appends some 27 short fields a line.
    void append(QByteArrayView utf8) {
        const qsizetype used = m_ends.empty() ? 0 : m_ends.back();
        if (used + utf8.size() > m_bytes.size())
            grow(used + utf8.size());
        if (!utf8.isEmpty()) // data() gives a copy of its own when a copied record shares it
            std::memcpy(m_bytes.data() + used, utf8.data(), static_cast<std::size_t>(utf8.size()));
        m_ends.push_back(used + utf8.size());
    }
    // Drops the fields and keeps the buffers, for the next record.
    void clear() { m_ends.clear(); }

private:
    void grow(qsizetype bytes);

    QByteArray m_bytes; // the fields one after another, then unused room
    std::vector<qsizetype> m_ends;
};

// One CSV record and the line it starts on.
struct CsvRecord {
    int lineNumber = 0;
    CsvFields fields;
};

// Reads RFC 4180 CSV with Debian's libcsv (strict mode): fields separated by ',', optionally
// quoted with '"' (a quoted field may hold commas, line breaks and doubled quotes), records
// ended by LF or CRLF; blank lines are skipped; unquoted fields lose leading and trailing
// spaces and tabs (Alipay pads every value with a tab so spreadsheets keep long numbers as
// text; WeChat Pay prefixes each with a backquote instead, which the caller strips).
//
// Lines are fed one at a time so each record knows its line, and so the caller can keep
// lines that are not CSV (Alipay's '#' header and footer lines) out of the parser. Shared by
// the providers' bill parsers; error messages are phrases for the caller to put in context.
//
// A line without quotes that does not continue a quoted field (every line of the providers'
// bills) is split here by libcsv's rules for it: fields between commas, blanks trimmed, a
// line of blanks no record. Only the others go through libcsv, whose byte-by-byte parse was
// the costliest part of reading a large bill.
class CsvReader {
public:
    CsvReader();
    ~CsvReader();
    CsvReader(const CsvReader&) = delete;
    CsvReader& operator=(const CsvReader&) = delete;

    // Feeds physical line `lineNumber` (without its line break). Fails on malformed quoting.
    Status feedLine(const QString& line, int lineNumber);
    // The same for a line already in UTF-8, handed to libcsv as it is (a bill's lines are
    // UTF-8 on their way in, so they need no round trip through QString). Fails with
    // "csv.not_utf8" when the line is not valid UTF-8 (then a field is not: every byte a
    // field loses is ASCII).
    Status feedUtf8Line(QByteArrayView line, int lineNumber);
    // True while a quoted field is open across lines.
    bool insideRecord() const { return m_insideRecord; }
    // Ends the input; fails when a quoted field was never closed (a truncated file).
    Status finish();

    // The records the last feed completed (a line of a valid file completes one at most,
    // finish() the last), valid until the next feed: their buffers are reused by the next
    // records, so a large file costs no allocation per line. A caller that keeps one copies it.
    std::span<const CsvRecord> records() const {
        return {m_records.constData(), static_cast<std::size_t>(m_recordCount)};
    }

private:
    static void onField(void* data, size_t length, void* self);
    static void onRecordEnd(int terminator, void* self);
    void endRecord();
    bool splitPlainLine(QByteArrayView line);

    struct Parser;
    Parser* m_parser;
    QList<CsvRecord> m_records; // the first m_recordCount are current, the rest spare buffers
    qsizetype m_recordCount = 0;
    CsvFields m_fields;
    int m_recordStart = 0;
    int m_line = 0;
    bool m_insideRecord = false;
    bool m_recordEnded = false;
};

} // namespace qpos::gateway
