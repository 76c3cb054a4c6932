#pragma once

#include "core/config/AppConfig.h"
#include "server/storage/PostgresSettings.h"

#include <QHostAddress>
#include <QString>
#include <QtGlobal>

namespace qpos::server {

enum class DatabaseDriver { Sqlite, Postgresql };

// [reconcile]: the daily reconciliation (qpos-server reconcile).
struct ReconcileSettings {
    int deadlineMinutes = 18 * 60; // China time of the day after the bill's: later is Overdue
    int retrySeconds = 600;        // --wait: how long between tries while the bill is not made
    QString billDir;               // where the bills are kept; empty: the state directory's bills/
};

// The validated configuration of one qpos-server (docs/server.md names every key). Paths are
// absolute: a relative path in the file is taken against the file's directory. The log and
// the providers' sections use the till's keys and readers (core/config), so one [alipay] or
// [wechat] section reads the same in qpos.ini and in the server's file.
struct ServerConfig {
    QString file; // the file it was read from

    // [server]
    QHostAddress listenAddress = QHostAddress::LocalHost;
    quint16 listenPort = 8443;
    QString tlsCertPath; // both or neither: empty serves plain HTTP (behind a reverse proxy)
    QString tlsKeyPath;
    QString publicUrl;        // what enrollment codes tell the tills to connect to
    int requestTimeoutS = 10; // a request not complete within this is dropped (slow client)
    int rotateGraceS = 86400; // a rotated terminal secret stays valid this long

    // [database]
    DatabaseDriver databaseDriver = DatabaseDriver::Sqlite;
    QString databasePath;      // driver = sqlite
    PostgresSettings postgres; // driver = postgresql

    // [log]
    LogConfig log;

    // [reconcile]
    ReconcileSettings reconcile = ReconcileSettings();

    // [alipay], [wechat]: the keys that verify notifications, and the merchant's signing keys
    // that download bills (qpos-server reconcile).
    AlipayConfig alipay;
    WechatConfig wechat;
};

} // namespace qpos::server
