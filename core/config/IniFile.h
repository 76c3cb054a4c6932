#pragma once

#include "core/config/ConfigIssue.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace qpos {

// A small INI reader with exact values, used instead of QSettings::IniFormat because
// QSettings rewrites values: an unquoted comma turns a value into a list (a store name
// "Tea, Coffee & Cake" would come back as two strings), '%' introduces escape sequences, a
// key outside a section silently lands in [General], and it reports neither line numbers
// nor which file a value came from. The syntax accepted here, documented in docs/config.md:
//
//  - UTF-8 text (an initial byte-order mark is skipped); LF or CRLF line ends;
//  - blank lines, and lines whose first non-blank character is '#' or ';', are comments
//    (a '#' or ';' later in a line is part of the value);
//  - "[section]" starts a section; names are letters, digits, '_', '-' and '.';
//  - "key = value": the key is letters, digits, '_', '-' and '.'; the value is the rest of the
//    line with surrounding blanks removed, taken literally (no escapes); a value written
//    entirely inside double quotes loses those quotes, which keeps leading or trailing blanks;
//  - a key before any section, a line that is neither of the above, and a key given twice in
//    one file are errors reported with their line number.
struct IniEntry {
    QString section;
    QString key;
    QString value;
    int line = 0;
};

struct IniFile {
    QString path; // absolute path of the file that was read
    QList<IniEntry> entries;

    // Reads and parses `path`. Problems are appended to `errors` (each names the file and the
    // line); entries of lines that parsed are kept either way.
    static IniFile read(const QString& path, QList<ConfigIssue>& errors);

    // Parses `data` as the contents of `path` (which is used only for messages).
    static IniFile parse(const QString& path, const QByteArray& data, QList<ConfigIssue>& errors);
};

} // namespace qpos
