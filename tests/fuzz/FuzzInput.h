#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QtGlobal>

namespace qpos::fuzz {

// Splits one fuzz input into the several things a parser reads (headers and a body, two
// files): fields are separated by a NUL byte, which none of the texts contains, so seed files
// stay readable and libFuzzer's mutations move bytes between fields naturally.
class FuzzInput {
public:
    explicit FuzzInput(QByteArrayView data)
        : m_rest(data) {}

    // The bytes up to the next NUL (or the end), consumed with the NUL.
    QByteArrayView field();
    // Everything not consumed yet.
    QByteArrayView rest() const { return m_rest; }

private:
    QByteArrayView m_rest;
};

// A number derived from the input, to choose which byte to flip without randomness.
quint32 digestOf(QByteArrayView data);

} // namespace qpos::fuzz
