#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QByteArrayView>

#include <functional>

namespace qpos::gateway {

// Cuts a bill file that arrives in chunks (from an inflater) into physical lines, numbered
// from 1, without their '\n'. Only the unfinished last line is kept between chunks, so a
// large file is never held whole.
class BillLineSplitter {
public:
    using LineSink = std::function<Status(QByteArrayView line, int lineNumber)>;

    explicit BillLineSplitter(LineSink sink)
        : m_sink(std::move(sink)) {}

    // Hands every line completed by `chunk` to the sink; stops at the sink's first failure.
    Status feed(QByteArrayView chunk);
    // Hands over the text after the last '\n' (possibly empty), as splitting the whole file
    // would.
    Status finish();

private:
    LineSink m_sink;
    QByteArray m_partial;
    int m_line = 0;
};

} // namespace qpos::gateway
