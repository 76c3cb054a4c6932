#include "bench/server/DurableInsertRate.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QSqlError>
#include <QSqlQuery>

namespace qpos::bench {

double durableInsertRate(QSqlDatabase db, bool sqlite, int windowMs, QString* problem) {
    QSqlQuery q(db);
    const QString create =
        sqlite ? QStringLiteral("CREATE TABLE raw_inserts (id INTEGER PRIMARY KEY, provider_id "
                                "TEXT NOT NULL UNIQUE, raw_body BLOB NOT NULL, received_at_ms "
                                "INTEGER NOT NULL)")
               : QStringLiteral("CREATE TABLE raw_inserts (id BIGSERIAL PRIMARY KEY, provider_id "
                                "TEXT NOT NULL UNIQUE, raw_body BYTEA NOT NULL, received_at_ms "
                                "BIGINT NOT NULL)");
    if (!q.exec(create)) {
        *problem = q.lastError().text();
        return 0;
    }
    QSqlQuery insert(db);
    insert.prepare(QStringLiteral(
        "INSERT INTO raw_inserts (provider_id, raw_body, received_at_ms) VALUES (?, ?, ?)"));
    const QByteArray body(1200, 'x'); // about a notification's size
    qint64 count = 0;
    QElapsedTimer timer;
    timer.start();
    do {
        // SQLite: one transaction per row; PostgreSQL: autocommit, one commit per row.
        if (sqlite && !db.transaction()) {
            *problem = db.lastError().text();
            return 0;
        }
        insert.addBindValue(QStringLiteral("raw-%1").arg(count));
        insert.addBindValue(body);
        insert.addBindValue(QDateTime::currentMSecsSinceEpoch());
        if (!insert.exec() || (sqlite && !db.commit())) {
            *problem = insert.lastError().text();
            return 0;
        }
        ++count;
    } while (timer.elapsed() < windowMs);
    return double(count) * 1e9 / double(timer.nsecsElapsed());
}

} // namespace qpos::bench
