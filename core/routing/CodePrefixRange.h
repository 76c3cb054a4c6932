#pragma once

#include <QList>
#include <QString>
#include <QStringView>

#include <optional>

namespace qpos::routing {

// A range of payment-code prefixes that belong to one wallet, such as Alipay's 25-30: every
// code whose first digits, read as a number, lie between `first` and `last`. Both ends have
// the same number of digits (1 to 6), so "25-30" looks at two digits and "620-629" at three.
// Providers add ranges from time to time; the configuration lists them ([routing]).
struct CodePrefixRange {
    QString first; // digits
    QString last;  // digits, as many as `first`, not smaller

    int digits() const { return int(first.size()); }
    // The code starts with a prefix in this range.
    bool matches(QStringView code) const;
    // Some code would match both ranges.
    bool overlaps(const CodePrefixRange& other) const;
    // "25-30", or "62" when first == last.
    QString toString() const;

    friend bool operator==(const CodePrefixRange&, const CodePrefixRange&) = default;
};

// Parses a comma-separated list such as "25-30" or "10-15, 18". An empty text is an empty
// list. On failure returns nothing and sets `problem` to a translated reason naming the part
// that is wrong (for the configuration loader's message).
std::optional<QList<CodePrefixRange>> parseCodePrefixRanges(QStringView text,
                                                            QString* problem = nullptr);

// The canonical spelling of a list: "25-30, 62".
QString formatCodePrefixRanges(const QList<CodePrefixRange>& ranges);

} // namespace qpos::routing
