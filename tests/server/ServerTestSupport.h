#pragma once

// Talking to a qpos-server under test over loopback HTTP: one request and its answer, or raw
// bytes on a socket for what a well-behaved client never sends.

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QUrl>

namespace qpos::test {

struct ServerAnswer {
    int httpStatus = 0; // 0: no HTTP answer
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;

    QByteArray header(const QByteArray& name) const;
};

ServerAnswer httpRequest(const QByteArray& verb, const QUrl& url, const QByteArray& body = {},
                         const QList<QPair<QByteArray, QByteArray>>& headers = {},
                         int timeoutMs = 10000);

// Writes `bytes` to a fresh connection, waits up to `timeoutMs`, and returns everything the
// server sent before closing (or until the wait ended); `closed` tells whether it closed.
QByteArray rawExchange(quint16 port, const QByteArray& bytes, int timeoutMs, bool* closed);

} // namespace qpos::test
