#include "core/gateways/BillLineSplitter.h"

namespace qpos::gateway {

Status BillLineSplitter::feed(QByteArrayView chunk) {
    qsizetype start = 0;
    for (;;) {
        const qsizetype end = chunk.indexOf('\n', start);
        if (end < 0)
            break;
        const QByteArrayView piece = chunk.sliced(start, end - start);
        Status s = Status::success();
        if (m_partial.isEmpty()) {
            s = m_sink(piece, ++m_line);
        } else {
            m_partial.append(piece);
            s = m_sink(m_partial, ++m_line);
            m_partial.clear();
        }
        if (!s.ok())
            return s;
        start = end + 1;
    }
    m_partial.append(chunk.sliced(start));
    return Status::success();
}

Status BillLineSplitter::finish() {
    Status s = m_sink(m_partial, ++m_line);
    m_partial.clear();
    return s;
}

} // namespace qpos::gateway
