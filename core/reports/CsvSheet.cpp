#include "core/reports/CsvSheet.h"

#include <csv.h>

namespace qpos::reports {

namespace {

// One field, quoted and with its quotes doubled by libcsv.
QByteArray quoted(const QString& text) {
    const QByteArray utf8 = text.toUtf8();
    const std::size_t needed = csv_write(nullptr, 0, utf8.constData(), std::size_t(utf8.size()));
    QByteArray out(qsizetype(needed), Qt::Uninitialized);
    csv_write(out.data(), needed, utf8.constData(), std::size_t(utf8.size()));
    return out;
}

} // namespace

QString guardAgainstFormula(const QString& text) {
    if (text.isEmpty())
        return text;
    switch (text.front().unicode()) {
    case u'=':
    case u'+':
    case u'-':
    case u'@':
    case u'\t':
    case u'\r':
        return u'\'' + text;
    default:
        return text;
    }
}

void CsvSheet::row(const QList<CsvField>& fields) {
    for (qsizetype i = 0; i < fields.size(); ++i) {
        if (i > 0)
            m_bytes += ',';
        const CsvField& f = fields[i];
        m_bytes += quoted(f.printedHere ? f.text : guardAgainstFormula(f.text));
    }
    m_bytes += "\r\n";
}

void CsvSheet::gap() {
    m_bytes += "\r\n";
}

} // namespace qpos::reports
