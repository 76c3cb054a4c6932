#include "core/printing/PrintedWidth.h"

#include <QList>

namespace qpos::printing {

namespace {

int widthOf(char32_t codePoint) {
    return codePoint < 0x80 ? 1 : 2;
}

// The text's code points (a surrogate pair is one character on paper).
QList<char32_t> codePoints(QStringView text) {
    QList<char32_t> out;
    out.reserve(text.size());
    for (const uint cp : text.toUcs4())
        out << char32_t(cp);
    return out;
}

} // namespace

int printedWidth(QStringView text) {
    int width = 0;
    for (const char32_t cp : codePoints(text))
        width += widthOf(cp);
    return width;
}

QString printableText(QStringView text) {
    QString out;
    out.reserve(text.size());
    for (const QChar c : text)
        out += (c.unicode() < 0x20 || c.unicode() == 0x7F ||
                (c.unicode() >= 0x80 && c.unicode() < 0xA0))
                   ? QChar(u' ')
                   : c;
    return out;
}

QStringList wrapToWidth(QStringView text, int columns) {
    QStringList lines;
    QString line;
    int lineWidth = 0;
    int lastSpace = -1; // index in `line` of its last space: where a Latin word may move down
    for (const char32_t cp : codePoints(text)) {
        const QString ch = QString::fromUcs4(&cp, 1);
        const int w = widthOf(cp);
        if (lineWidth + w > columns && !line.isEmpty()) {
            const bool latinWord = cp != U' ' && w == 1 && !line.endsWith(u' ');
            if (latinWord && lastSpace > 0) {
                // Move the unfinished word down to the next line.
                const QString rest = line.mid(lastSpace + 1);
                lines << line.left(lastSpace);
                line = rest;
            } else {
                lines << line;
                line.clear();
            }
            lineWidth = printedWidth(line);
            lastSpace = -1;
            if (cp == U' ' && line.isEmpty())
                continue; // no line starts with the space that ended the one before
        }
        if (cp == U' ')
            lastSpace = int(line.size());
        line += ch;
        lineWidth += w;
    }
    if (!line.isEmpty() || lines.isEmpty())
        lines << line;
    for (QString& l : lines) {
        while (l.endsWith(u' '))
            l.chop(1);
    }
    return lines;
}

QStringList twoColumns(QStringView left, QStringView right, int columns) {
    const int rightWidth = printedWidth(right);
    QStringList lines = wrapToWidth(left, columns);
    QString& last = lines.last();
    const int gap = columns - printedWidth(last) - rightWidth;
    if (gap >= 1) {
        last += QString(gap, u' ') + right.toString();
    } else if (rightWidth <= columns) {
        lines << QString(columns - rightWidth, u' ') + right.toString();
    } else {
        lines << wrapToWidth(right, columns);
    }
    return lines;
}

} // namespace qpos::printing
