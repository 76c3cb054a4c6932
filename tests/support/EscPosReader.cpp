#include "tests/support/EscPosReader.h"

#include "core/text/GbkCodec.h"

namespace qpos::test {

QStringList EscPosReading::texts() const {
    QStringList out;
    for (const EscPosLine& line : lines)
        out << line.text;
    return out;
}

QList<QByteArray> EscPosReading::qrPayloads() const {
    QList<QByteArray> out;
    for (const EscPosCommand& c : commands) {
        if (c.name == u"qr.store")
            out << c.params;
    }
    return out;
}

int EscPosReading::count(const QString& name) const {
    int n = 0;
    for (const EscPosCommand& c : commands)
        n += c.name == name ? 1 : 0;
    return n;
}

bool EscPosReading::hasLine(const QString& text) const {
    for (const EscPosLine& line : lines) {
        if (line.text.trimmed() == text)
            return true;
    }
    return false;
}

QString EscPosReading::lineWith(const QString& text) const {
    for (const EscPosLine& line : lines) {
        if (line.text.contains(text))
            return line.text;
    }
    return QString();
}

EscPosReading readEscPos(const QByteArray& job) {
    EscPosReading r;
    QByteArray text;
    int scale = 1;
    qsizetype i = 0;
    auto at = [&](qsizetype k) {
        return static_cast<unsigned char>(job.at(k));
    };
    auto need = [&](qsizetype n, const char* what) {
        if (i + n <= job.size())
            return true;
        if (r.error.isEmpty())
            r.error = QStringLiteral("truncated %1 at byte %2").arg(QLatin1String(what)).arg(i);
        return false;
    };
    auto fail = [&](const QString& why) {
        if (r.error.isEmpty())
            r.error = QStringLiteral("%1 at byte %2").arg(why).arg(i);
    };
    auto add = [&](const char* name, qsizetype from, qsizetype length) {
        r.commands << EscPosCommand{QString::fromLatin1(name), job.mid(from, length)};
    };
    while (i < job.size() && r.error.isEmpty()) {
        const unsigned char b = at(i);
        if (b == 0x0A) {
            const Result<QString> decoded = gbk::decode(text);
            if (!decoded)
                fail(QStringLiteral("text that is not GB18030"));
            else
                r.lines << EscPosLine{*decoded, scale};
            text.clear();
            ++i;
        } else if (b == 0x1B) {
            if (!need(2, "ESC"))
                break;
            const unsigned char c = at(i + 1);
            if (c == '@') {
                add("init", i + 2, 0);
                scale = 1;
                i += 2;
            } else if ((c == 'a' || c == 'E' || c == 'd') && need(3, "ESC command")) {
                const unsigned char n = at(i + 2);
                if (c == 'a' && n > 2 && (n < 48 || n > 50))
                    fail(QStringLiteral("ESC a out of range"));
                add(c == 'a' ? "align" : c == 'E' ? "bold" : "feed", i + 2, 1);
                i += 3;
            } else if (c == 'p' && need(5, "ESC p")) {
                const unsigned char m = at(i + 2);
                if (m != 0 && m != 1 && m != 48 && m != 49)
                    fail(QStringLiteral("ESC p with pin %1").arg(m));
                add("drawer", i + 2, 3);
                i += 5;
            } else {
                fail(QStringLiteral("unknown ESC %1").arg(c));
            }
        } else if (b == 0x1C) {
            if (!need(2, "FS"))
                break;
            if (at(i + 1) != '&')
                fail(QStringLiteral("unknown FS %1").arg(at(i + 1)));
            add("chinese", i + 2, 0);
            i += 2;
        } else if (b == 0x10) {
            if (!need(3, "DLE EOT") || at(i + 1) != 0x04 || at(i + 2) < 1 || at(i + 2) > 4)
                fail(QStringLiteral("bad DLE command"));
            add("status", i + 2, 1);
            i += 3;
        } else if (b == 0x1D) {
            if (!need(2, "GS"))
                break;
            const unsigned char c = at(i + 1);
            if (c == '!' && need(3, "GS !")) {
                const unsigned char n = at(i + 2);
                scale = ((n >> 4) & 0x07) + 1;
                add("size", i + 2, 1);
                i += 3;
            } else if (c == 'V' && need(3, "GS V")) {
                const unsigned char m = at(i + 2);
                if (m == 65 || m == 66) {
                    if (!need(4, "GS V"))
                        break;
                    add("cut", i + 2, 2);
                    i += 4;
                } else if (m == 0 || m == 1 || m == 48 || m == 49) {
                    add("cut", i + 2, 1);
                    i += 3;
                } else {
                    fail(QStringLiteral("GS V with m %1").arg(m));
                }
            } else if (c == '(' && need(5, "GS ( k")) {
                if (at(i + 2) != 'k')
                    fail(QStringLiteral("GS ( other than k"));
                const qsizetype length = at(i + 3) + 256 * at(i + 4);
                if (!need(5 + length, "GS ( k data") || length < 3 || at(i + 5) != 49) {
                    fail(QStringLiteral("GS ( k not a QR function"));
                    break;
                }
                const unsigned char fn = at(i + 6);
                const qsizetype p = i + 7; // the parameters after cn fn
                const qsizetype plen = length - 2;
                if (fn == 65 && plen == 2 && (at(p) == 49 || at(p) == 50) && at(p + 1) == 0)
                    add("qr.model", p, 2);
                else if (fn == 67 && plen == 1 && at(p) >= 1 && at(p) <= 16)
                    add("qr.size", p, 1);
                else if (fn == 69 && plen == 1 && at(p) >= 48 && at(p) <= 51)
                    add("qr.level", p, 1);
                else if (fn == 80 && plen >= 2 && at(p) == 48)
                    add("qr.store", p + 1, plen - 1);
                else if (fn == 81 && plen == 1 && at(p) == 48)
                    add("qr.print", p, 1);
                else
                    fail(QStringLiteral("QR function %1 malformed").arg(fn));
                i += 5 + length;
            } else {
                fail(QStringLiteral("unknown GS %1").arg(c));
            }
        } else if (b < 0x20 || b == 0x7F) {
            fail(QStringLiteral("stray control byte %1").arg(b));
        } else {
            text += char(b);
            ++i;
        }
    }
    if (r.error.isEmpty() && !text.isEmpty())
        r.error = QStringLiteral("text without a final line feed");
    return r;
}

} // namespace qpos::test
