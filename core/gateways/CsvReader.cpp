#include "core/gateways/CsvReader.h"

#include <QCoreApplication>

#include <csv.h>

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

void CsvReader::onField(void* data, size_t length, void* self) {
    auto* reader = static_cast<CsvReader*>(self);
    reader->m_fields.append(
        QString::fromUtf8(static_cast<const char*>(data), static_cast<qsizetype>(length)));
}

void CsvReader::onRecordEnd(int /*terminator*/, void* self) {
    auto* reader = static_cast<CsvReader*>(self);
    reader->m_records.append(CsvRecord{reader->m_recordStart, reader->m_fields});
    reader->m_fields.clear();
    reader->m_recordEnded = true;
}

Status CsvReader::feedLine(const QString& line, int lineNumber) {
    if (!m_insideRecord)
        m_recordStart = lineNumber;
    m_line = lineNumber;
    m_recordEnded = false;
    const qsizetype recordsBefore = m_records.size();
    const QByteArray bytes = line.toUtf8() + '\n';
    const size_t used =
        csv_parse(&m_parser->state, bytes.constData(), static_cast<size_t>(bytes.size()),
                  &CsvReader::onField, &CsvReader::onRecordEnd, this);
    if (used != static_cast<size_t>(bytes.size()))
        return Error{
            QStringLiteral("csv.malformed"),
            QCoreApplication::translate("qpos::gateway::CsvReader", "line %1 is not valid CSV (%2)")
                .arg(lineNumber)
                .arg(QString::fromLatin1(csv_strerror(csv_error(&m_parser->state))))};
    // libcsv also ends a record at a carriage return: one inside a line would split it into
    // two records that share a line number, and a damaged file would read as a valid one.
    if (m_records.size() - recordsBefore > 1)
        return Error{QStringLiteral("csv.malformed"),
                     QCoreApplication::translate("qpos::gateway::CsvReader",
                                                 "line %1 holds a carriage return inside it, so "
                                                 "the file is damaged. Download it again.")
                         .arg(lineNumber)};
    if (m_recordEnded)
        m_insideRecord = false;
    else if (!line.trimmed().isEmpty())
        m_insideRecord = true; // a quoted field goes on past this line
    return Status::success();
}

Status CsvReader::finish() {
    const bool open = m_insideRecord;
    if (csv_fini(&m_parser->state, &CsvReader::onField, &CsvReader::onRecordEnd, this) != 0 || open)
        return Error{QStringLiteral("csv.truncated"),
                     QCoreApplication::translate("qpos::gateway::CsvReader",
                                                 "the quoted field that starts on line %1 is "
                                                 "never closed: the file is truncated")
                         .arg(m_recordStart)};
    return Status::success();
}

} // namespace qpos::gateway
