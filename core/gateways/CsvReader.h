#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

#include <utility>

namespace qpos::gateway {

// The fields of one CSV record, kept as the UTF-8 they were read as (checked to be UTF-8) and
// made text only when asked: a bill's parser reads most of a line's fields as numbers or not
// at all, and a million lines of 27 QStrings each cost more than reading the file.
class CsvFields {
public:
    qsizetype size() const { return m_ends.size(); }
    bool isEmpty() const { return m_ends.isEmpty(); }
    // Field `i` (0 <= i < size()) as UTF-8.
    QByteArrayView utf8(qsizetype i) const {
        const qsizetype from = i == 0 ? 0 : m_ends[i - 1];
        return QByteArrayView(m_bytes).sliced(from, m_ends[i] - from);
    }
    // Field `i` as text (a byte-order mark kept as U+FEFF, as QString::fromUtf8 does).
    QString operator[](qsizetype i) const { return QString::fromUtf8(utf8(i)); }
    // The same, or an empty string when there is no field `i`.
    QString value(qsizetype i) const { return i >= 0 && i < size() ? (*this)[i] : QString(); }
    QStringList texts() const;

    void append(QByteArrayView utf8);
    void reserve(qsizetype bytes, qsizetype count) {
        m_bytes.reserve(bytes);
        m_ends.reserve(count);
    }
    qsizetype byteCount() const { return m_bytes.size(); }

private:
    QByteArray m_bytes;
    QList<qsizetype> m_ends;
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

    const QList<CsvRecord>& records() const { return m_records; }
    // The records completed so far, handed over: a caller that streams a large file takes
    // them after each line so they are never all held at once.
    QList<CsvRecord> takeRecords() { return std::exchange(m_records, {}); }

private:
    static void onField(void* data, size_t length, void* self);
    static void onRecordEnd(int terminator, void* self);

    struct Parser;
    Parser* m_parser;
    QList<CsvRecord> m_records;
    CsvFields m_fields;
    int m_recordStart = 0;
    int m_line = 0;
    bool m_insideRecord = false;
    bool m_recordEnded = false;
};

} // namespace qpos::gateway
