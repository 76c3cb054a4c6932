#include "core/gateways/CsvReader.h"

#include <QCoreApplication>

#include <csv.h>

#include <algorithm>

namespace qpos::gateway {

// libcsv's parser state, kept out of the header so users need not include csv.h.
struct CsvReader::Parser {
    csv_parser state;
};

CsvReader::CsvReader()
    : m_parser(new Parser) {
    csv_init(&m_parser->state, CSV_STRICT | CSV_STRICT_FINI);
}

CsvReader::~CsvReader() {
    csv_free(&m_parser->state);
    delete m_parser;
}

namespace {

// A line holds something besides blanks (libcsv skips blank lines).
bool hasContent(QByteArrayView line) {
    for (const char c : line) {
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\f' && c != '\v')
            return true;
    }
    return false;
}

} // namespace

QStringList CsvFields::texts() const {
    QStringList list;
    list.reserve(size());
    for (qsizetype i = 0; i < size(); ++i)
        list.append((*this)[i]);
    return list;
}

void CsvFields::grow(qsizetype bytes) {
    m_bytes.resize(std::max(bytes, m_bytes.size() * 2));
}

void CsvReader::onField(void* data, size_t length, void* self) {
    auto* reader = static_cast<CsvReader*>(self);
    reader->m_fields.append(
        QByteArrayView(static_cast<const char*>(data), static_cast<qsizetype>(length)));
}

void CsvReader::onRecordEnd(int /*terminator*/, void* self) {
    static_cast<CsvReader*>(self)->endRecord();
}

void CsvReader::endRecord() {
    if (m_recordCount == m_records.size())
        m_records.emplaceBack();
    CsvRecord& record = m_records[m_recordCount++];
    record.lineNumber = m_recordStart;
    // The record takes the fields; the reader takes the record's old buffers for the next.
    std::swap(record.fields, m_fields);
    m_fields.clear();
    m_recordEnded = true;
}

namespace {

bool isCsvBlank(char c) {
    return c == ' ' || c == '\t';
}

QByteArrayView trimmedCsvField(QByteArrayView field) {
    while (!field.isEmpty() && isCsvBlank(field.front()))
        field = field.sliced(1);
    while (!field.isEmpty() && isCsvBlank(field.back()))
        field.chop(1);
    return field;
}

} // namespace

bool CsvReader::splitPlainLine(QByteArrayView line) {
    if (m_insideRecord)
        return false;
    if (line.contains('"') || line.contains('\r') || line.contains('\n'))
        return false;
    if (std::all_of(line.begin(), line.end(), isCsvBlank))
        return true; // libcsv skips it: no record
    // One pass: the fields are short, and a search call per comma costs more than the bytes.
    qsizetype from = 0;
    for (qsizetype i = 0; i < line.size(); ++i) {
        if (line[i] == ',') {
            m_fields.append(trimmedCsvField(line.sliced(from, i - from)));
            from = i + 1;
        }
    }
    m_fields.append(trimmedCsvField(line.sliced(from)));
    endRecord();
    return true;
}

Status CsvReader::feedLine(const QString& line, int lineNumber) {
    return feedUtf8Line(line.toUtf8(), lineNumber);
}

Status CsvReader::feedUtf8Line(QByteArrayView line, int lineNumber) {
    if (!m_insideRecord)
        m_recordStart = lineNumber;
    m_line = lineNumber;
    m_recordEnded = false;
    m_recordCount = 0; // the last line's records are done with
    // Checked whole, once: every byte a field loses (separators, quotes, trimmed blanks) is
    // ASCII, so the line is UTF-8 exactly when each of its fields is.
    const bool utf8 = line.isValidUtf8();
    static constexpr char kEnd = '\n';
    const auto size = static_cast<size_t>(line.size());
    const bool parsed =
        splitPlainLine(line) || (csv_parse(&m_parser->state, line.data(), size, &CsvReader::onField,
                                           &CsvReader::onRecordEnd, this) == size &&
                                 csv_parse(&m_parser->state, &kEnd, 1, &CsvReader::onField,
                                           &CsvReader::onRecordEnd, this) == 1);
    if (!parsed)
        return Error{
            QStringLiteral("csv.malformed"),
            QCoreApplication::translate("qpos::gateway::CsvReader", "line %1 is not valid CSV (%2)")
                .arg(lineNumber)
                .arg(QString::fromLatin1(csv_strerror(csv_error(&m_parser->state))))};
    // libcsv also ends a record at a carriage return: one inside a line would split it into
    // two records that share a line number, and a damaged file would read as a valid one.
    if (m_recordCount > 1)
        return Error{QStringLiteral("csv.malformed"),
                     QCoreApplication::translate("qpos::gateway::CsvReader",
                                                 "line %1 holds a carriage return inside it, so "
                                                 "the file is damaged. Download it again.")
                         .arg(lineNumber)};
    if (!utf8) {
        return Error{
            QStringLiteral("csv.not_utf8"),
            QCoreApplication::translate("qpos::gateway::CsvReader", "line %1 is not UTF-8 text")
                .arg(lineNumber)};
    }
    if (m_recordEnded)
        m_insideRecord = false;
    else if (hasContent(line))
        m_insideRecord = true; // a quoted field goes on past this line
    return Status::success();
}

Status CsvReader::finish() {
    const bool open = m_insideRecord;
    m_recordCount = 0;
    if (csv_fini(&m_parser->state, &CsvReader::onField, &CsvReader::onRecordEnd, this) != 0 || open)
        return Error{QStringLiteral("csv.truncated"),
                     QCoreApplication::translate("qpos::gateway::CsvReader",
                                                 "the quoted field that starts on line %1 is "
                                                 "never closed: the file is truncated")
                         .arg(m_recordStart)};
    return Status::success();
}

} // namespace qpos::gateway
