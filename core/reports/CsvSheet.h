#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace qpos::reports {

// One field of a spreadsheet row. Text that came from people or providers (a note, a
// subject, a cashier's name, a bill's words) is guarded against formula injection; a number
// the till printed itself is written as it is.
struct CsvField {
    CsvField(QString value) // implicit: most fields are text
        : text(std::move(value)) {}
    static CsvField number(QString printed) {
        CsvField f(std::move(printed));
        f.printedHere = true;
        return f;
    }

    QString text;
    bool printedHere = false;
};

// OWASP's CSV injection rule: a field starting with '=', '+', '-', '@', a tab or a carriage
// return would be run as a formula by a spreadsheet program, so it gets a leading "'".
QString guardAgainstFormula(const QString& text);

// A spreadsheet file: UTF-8 with a byte-order mark (so spreadsheet programs in China read the
// Chinese text), CRLF line ends, every field quoted by libcsv.
class CsvSheet {
public:
    void row(const QList<CsvField>& fields);
    void gap(); // an empty line between sections
    QByteArray bytes() const { return m_bytes; }

private:
    QByteArray m_bytes = QByteArray("\xEF\xBB\xBF");
};

} // namespace qpos::reports
