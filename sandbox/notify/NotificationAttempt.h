#pragma once

#include <QByteArray>
#include <QString>

namespace qpos::sandbox {

// What every provider records of one delivery attempt of a notification; each provider's
// record adds the fields that say which notification it was.
struct NotificationAttempt {
    QString url;
    QString variant;    // "", "duplicate", "stale" (out of order), "bad_signature", ...
    int attempt = 0;    // 1 for the first delivery
    int httpStatus = 0; // 0: no HTTP answer (refused, timed out)
    QByteArray answer;  // the receiver's body (first 200 bytes)
    QString error;      // the network error, if any
    bool delivered = false;
    bool gaveUp = false; // the last attempt of the provider's schedule failed
    qint64 atMs = 0;
};

} // namespace qpos::sandbox
