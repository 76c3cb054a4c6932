#include "core/routing/CodePrefixRange.h"

#include <QCoreApplication>
#include <QStringList>

namespace qpos::routing {

namespace {

constexpr int kMaxDigits = 6;

bool allDigits(QStringView text) {
    if (text.isEmpty())
        return false;
    for (QChar c : text) {
        if (c.unicode() < '0' || c.unicode() > '9')
            return false;
    }
    return true;
}

qint64 power10(int n) {
    qint64 p = 1;
    while (n-- > 0)
        p *= 10;
    return p;
}

// The range as an interval of kMaxDigits-digit prefixes, so ranges of different lengths
// compare: "25-30" is [250000, 309999], "3" is [300000, 399999].
std::pair<qint64, qint64> span(const CodePrefixRange& r) {
    const qint64 scale = power10(kMaxDigits - r.digits());
    return {r.first.toLongLong() * scale, (r.last.toLongLong() + 1) * scale - 1};
}

} // namespace

bool CodePrefixRange::matches(QStringView code) const {
    const int n = digits();
    if (n == 0 || code.size() < n || !allDigits(code.left(n)))
        return false;
    const QStringView head = code.left(n);
    // Same length, digits only: text order is number order.
    return head.compare(first) >= 0 && head.compare(last) <= 0;
}

bool CodePrefixRange::overlaps(const CodePrefixRange& other) const {
    const auto [a0, a1] = span(*this);
    const auto [b0, b1] = span(other);
    return a0 <= b1 && b0 <= a1;
}

QString CodePrefixRange::toString() const {
    return first == last ? first : first + QLatin1Char('-') + last;
}

std::optional<QList<CodePrefixRange>> parseCodePrefixRanges(QStringView text, QString* problem) {
    QList<CodePrefixRange> ranges;
    const auto fail = [problem](const QString& why) -> std::optional<QList<CodePrefixRange>> {
        if (problem)
            *problem = why;
        return std::nullopt;
    };
    if (text.trimmed().isEmpty())
        return ranges;
    for (QStringView part : text.split(u',')) {
        part = part.trimmed();
        if (part.isEmpty())
            return fail(QCoreApplication::translate(
                "qpos::routing::CodePrefixRange",
                "the list has an empty entry (two commas in a row, or a comma at "
                "the start or end)"));
        const qsizetype dash = part.indexOf(u'-');
        const QStringView from = (dash < 0 ? part : part.left(dash)).trimmed();
        const QStringView to = (dash < 0 ? part : part.mid(dash + 1)).trimmed();
        if (!allDigits(from) || !allDigits(to))
            return fail(QCoreApplication::translate("qpos::routing::CodePrefixRange",
                                                    "\"%1\" is not a prefix or a range of prefixes")
                            .arg(part));
        if (from.size() != to.size())
            return fail(QCoreApplication::translate(
                            "qpos::routing::CodePrefixRange",
                            "\"%1\": both ends of a range need the same number of digits")
                            .arg(part));
        if (from.size() > kMaxDigits)
            return fail(QCoreApplication::translate("qpos::routing::CodePrefixRange",
                                                    "\"%1\": a prefix has at most %2 digits")
                            .arg(part)
                            .arg(kMaxDigits));
        if (from.compare(to) > 0)
            return fail(QCoreApplication::translate("qpos::routing::CodePrefixRange",
                                                    "\"%1\": the range ends before it starts")
                            .arg(part));
        const CodePrefixRange range{from.toString(), to.toString()};
        for (const CodePrefixRange& earlier : std::as_const(ranges)) {
            if (earlier.overlaps(range))
                return fail(QCoreApplication::translate("qpos::routing::CodePrefixRange",
                                                        "\"%1\" overlaps \"%2\"")
                                .arg(range.toString(), earlier.toString()));
        }
        ranges << range;
    }
    return ranges;
}

QString formatCodePrefixRanges(const QList<CodePrefixRange>& ranges) {
    QStringList parts;
    for (const CodePrefixRange& r : ranges)
        parts << r.toString();
    return parts.join(QStringLiteral(", "));
}

} // namespace qpos::routing
