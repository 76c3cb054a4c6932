#pragma once

#include "core/common/Result.h"
#include "core/gateways/CsvReader.h"
#include "core/money/Money.h"
#include "core/money/SubFen.h"

#include <QString>
#include <QStringList>
#include <QStringView>
#include <QtGlobal>

#include <optional>

namespace qpos::gateway {

// Signed yuan as the providers' bills print them ("-12.30") in fen, or why it is not one
// (the message names `column`).
Result<money::Fen> parseBillYuan(QStringView value, const QString& column);

// Turns a printed field into its value (trimming, a provider's prefix), as a view of it.
using BillFieldValue = QStringView (*)(QStringView field);

// QStringView::trimmed(), with a quick way out for a value whose ends are printable ASCII
// (nearly every value of a bill): the general function is out of line and asks about every
// Unicode space, a dozen times a line.
inline QStringView trimmedField(QStringView field) {
    const auto printable = [](QChar c) {
        return c.unicode() > u' ' && c.unicode() < 0x7F;
    };
    if (field.isEmpty() || (printable(field.front()) && printable(field.back())))
        return field;
    return field.trimmed();
}

// How a provider words a bill line's problems, each in the provider's own translation
// context. `line` is the line number in the bill file.
struct BillRowWording {
    QString (*empty)(int line, const QString& column);     // a required value is empty
    QString (*notAmount)(int line, const QString& reason); // parseBillYuan's reason
    QString (*notTime)(int line, const QString& column, const QString& value);
};

// A column of a bill's header, looked up once per file so each line reads its values by
// position.
struct BillColumn {
    QString name;         // as the messages name it
    qsizetype index = -1; // -1: the bill has no such column

    static BillColumn find(const QStringList& columns, const QString& name) {
        return BillColumn{name, columns.indexOf(name)};
    }
};

// Reads typed values of one detail line of a bill by column, keeping the first problem:
// a provider's bill parser reads every value it needs, then asks problem() once.
class BillRowReader {
public:
    // `columns` are the header names as the caller asks for them (one per field of `row`).
    BillRowReader(const QStringList& columns, const CsvRecord& row, BillFieldValue valueOf,
                  const BillRowWording& wording)
        : m_columns(columns)
        , m_row(row)
        , m_valueOf(valueOf)
        , m_wording(wording) {}

    // The value of a column; empty when the bill has no such column. Amounts and times are
    // read without making a QString of their field, so only the text a record keeps is made.
    QString text(const BillColumn& column) const;
    QString text(const QString& column) const { return text(find(column)); }
    // The same into `out`, writing into its buffer when it has one to itself: a parser that
    // refills one record line after line then allocates no string for it.
    void textInto(const BillColumn& column, QString& out) const;

    // Signed yuan in fen; an empty value is 0, and a problem when `required`.
    money::Fen amount(const BillColumn& column, bool required);
    money::Fen amount(const QString& column, bool required) {
        return amount(find(column), required);
    }
    // Signed yuan with up to five decimals (WeChat Pay's fees), exactly; empty is 0, and a
    // problem when `required`.
    money::SubFen subFenAmount(const BillColumn& column, bool required);
    money::SubFen subFenAmount(const QString& column, bool required) {
        return subFenAmount(find(column), required);
    }

    // "yyyy-MM-dd HH:mm:ss" China time in UTC ms; an empty value is empty, and a problem when
    // `required`.
    std::optional<qint64> time(const BillColumn& column, bool required);
    std::optional<qint64> time(const QString& column, bool required) {
        return time(find(column), required);
    }

    void fail(const QString& detail);
    const std::optional<QString>& problem() const { return m_problem; }

private:
    BillColumn find(const QString& column) const { return BillColumn::find(m_columns, column); }

    const QStringList& m_columns;
    const CsvRecord& m_row;
    BillFieldValue m_valueOf;
    BillRowWording m_wording;
    std::optional<QString> m_problem;
};

} // namespace qpos::gateway
