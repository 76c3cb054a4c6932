#include "tests/fuzz/FuzzInput.h"

namespace qpos::fuzz {

QByteArrayView FuzzInput::field() {
    const qsizetype end = m_rest.indexOf('\0');
    if (end < 0) {
        const QByteArrayView all = m_rest;
        m_rest = {};
        return all;
    }
    const QByteArrayView part = m_rest.first(end);
    m_rest = m_rest.sliced(end + 1);
    return part;
}

quint32 digestOf(QByteArrayView data) {
    // FNV-1a: stable across runs, so a finding replays the same flip.
    quint32 hash = 2166136261u;
    for (char c : data) {
        hash ^= quint8(c);
        hash *= 16777619u;
    }
    return hash;
}

} // namespace qpos::fuzz
