#pragma once

#include <QString>
#include <QStringList>
#include <QStringView>

// How wide text prints on a thermal receipt printer in its Chinese mode: a one-byte (ASCII)
// character takes one column (12 dots), every other character is a GB18030 multi-byte
// character printed as a full-width glyph of two columns (24 dots). A 58 mm roll holds 32
// columns, an 80 mm roll 48.
namespace qpos::printing {

int printedWidth(QStringView text);

// The text with every control character (which the printer would take as a command) made a
// space, and line breaks folded into spaces.
QString printableText(QStringView text);

// Breaks `text` into lines of at most `columns`, between words where a line would otherwise
// cut a Latin word, anywhere between two Chinese characters. Never returns an empty list.
QStringList wrapToWidth(QStringView text, int columns);

// Lines with `left` at the left margin and `right` flush with the right margin of `columns`;
// a left text too long for one line wraps and `right` ends its last line (or a line of its own).
QStringList twoColumns(QStringView left, QStringView right, int columns);

} // namespace qpos::printing
