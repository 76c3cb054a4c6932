#pragma once

#include "core/crypto/RsaPrivateKey.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace qpos::bench {

// Notification intake under 64 concurrent senders: signed Alipay notifications posted to a
// real QposServer over loopback, the verified and durably recorded ones counted per second,
// then the database checked for every acknowledged one, exactly once. Beside it, from the
// same run: the RSA verify rate of one core and the database's raw durable insert rate.
class IntakeBench {
public:
    enum class Store { Sqlite, Postgresql };
    struct Counts {
        int notifications = 20000; // distinct; every 20th is posted a second time
        int senders = 64;
        int baselineMs = 2000; // how long each baseline is measured
    };

    explicit IntakeBench(Counts counts);

    // Makes the key and signs the notifications, before anything is timed.
    bool prepare();
    // One run on a fresh database. False when an acknowledged notification was not recorded
    // exactly once, or the server could not be run; PostgreSQL missing is printed as skipped.
    bool run(Store store);

private:
    Counts m_counts;
    std::optional<crypto::RsaPrivateKey> m_key;
    QList<QString> m_notifyIds;   // the distinct notifications
    QList<QByteArray> m_bodies;   // what is posted, repeats included
    QList<qsizetype> m_notifyOf;  // for each body, its index in m_notifyIds
    QByteArray m_signedContent;   // one notification's signed text and signature, for the
    QByteArray m_signatureBase64; // verify rate
};

} // namespace qpos::bench
