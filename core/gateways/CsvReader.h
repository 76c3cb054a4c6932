#pragma once

#include "core/common/Result.h"

#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringDecoder>
#include <QStringList>

#include <utility>

namespace qpos::gateway {

// One CSV record and the line it starts on.
struct CsvRecord {
    int lineNumber = 0;
    QStringList fields;
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
    // "csv.not_utf8" when a field is not valid UTF-8.
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
    QStringList m_fields;
    // As QString::fromUtf8 (a byte-order mark is kept as U+FEFF), but it tells invalid bytes.
    QStringDecoder m_utf8{QStringDecoder::Utf8, QStringDecoder::Flag::Stateless |
                                                    QStringDecoder::Flag::ConvertInitialBom};
    int m_recordStart = 0;
    int m_line = 0;
    bool m_insideRecord = false;
    bool m_recordEnded = false;
};

} // namespace qpos::gateway
