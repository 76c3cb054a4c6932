#pragma once

#include "core/money/Money.h"
#include "core/orders/Channel.h"
#include "core/routing/CodePrefixRange.h"

#include <QList>
#include <QString>
#include <QtGlobal>

#include <optional>

namespace qpos {

// The typed, validated configuration of one terminal. Built by ConfigLoader from the layered
// INI files on top of productionDefaults() or sandboxDefaults(); every field holds a value
// that passed validation. Paths are absolute (relative ones in a file are resolved against
// the directory of the file that set them). See docs/config.md for every key.
//
// The defaults come from the key table (ConfigKeys.cpp) through productionDefaults(). The
// initializers below serve a struct built on its own (a test, a widget without a loaded
// configuration); tst_config checks that they agree with the table.

enum class LogLevel { Debug, Info, Warning, Critical };

// [ui] language: "system" follows the desktop locale.
enum class UiLanguage { System, ZhCN, En };

struct StoreConfig {
    QString id;   // [store] id: 1..16 of [A-Za-z0-9]; empty only before validation
    QString name; // [store] name: display name, at most 64 characters
};

struct TerminalConfig {
    QString id; // [terminal] id: 1..16 of [A-Za-z0-9]
};

struct DatabaseConfig {
    QString path; // [database] path: the order database (SQLite)
};

struct LogConfig {
    QString dir; // [log] dir: holds qpos.log and its rotated copies
    LogLevel level = LogLevel::Info;
    int maxFileKb = 4096; // [log] max_file_kb: rotate when qpos.log would grow past this
    int maxFiles = 5;     // [log] max_files: qpos.log plus rotated copies kept
};

struct UiConfig {
    UiLanguage language = UiLanguage::System;
};

struct AlipayConfig {
    bool enabled = false;
    QString gatewayUrl; // https (http only to a loopback host)
    QString appId;      // 10..32 digits
    QString appPrivateKeyPath;
    QString alipayPublicKeyPath; // required unless certMode
    QString notifyUrl;           // optional; empty: no asynchronous notification
    QString sellerId;            // the merchant's PID (2088...); empty: not checked
    QString signType;            // always "RSA2"
    bool certMode = false;       // public-key certificate mode
    QString appCertPath;         // the three certificates are required when certMode
    QString alipayCertPath;
    QString alipayRootCertPath;
    int timeoutMs = 15000;
};

struct WechatConfig {
    bool enabled = false;
    QString gatewayUrl;             // https (http only to a loopback host)
    QString mchId;                  // merchant id, digits
    QString appId;                  // the AppID bound to the merchant
    QString merchantPrivateKeyPath; // apiclient_key.pem
    QString merchantSerialNo;       // serial number of the merchant API certificate
    QString apiV3KeyPath;           // file holding the 32-character APIv3 key
    QString wechatpayPublicKeyPath; // WeChat Pay public key (verifies responses)
    QString wechatpayPublicKeyId;   // its id, "PUB_KEY_ID_..."
    QString platformCertPath;       // platform certificate(s), PEM; optional beside the key
    QString notifyUrl;              // required by WeChat for Native orders
    int timeoutMs = 15000;
};

struct CheckoutConfig {
    int qrTimeoutS = 120;     // a QR not paid within this time is closed at the provider
    bool cashEnabled = false; // the till takes cash (F4), with a float and a count per shift
};

// [routing]: which channels this terminal offers, in which order, and how a charge is routed.
struct RoutingConfig {
    // [routing] channels: the channels offered, in order (the first is what Enter charges).
    // Empty: every enabled channel, Alipay first; in the sandbox both.
    QList<Channel> channels;
    // Which wallet a scanned payment code belongs to, by its first digits.
    QList<routing::CodePrefixRange> alipayCodePrefixes{
        routing::CodePrefixRange{QStringLiteral("25"), QStringLiteral("30")}};
    QList<routing::CodePrefixRange> wechatCodePrefixes{
        routing::CodePrefixRange{QStringLiteral("10"), QStringLiteral("15")}};
    // The most one payment may be through the channel (QR and payment code); none: no limit.
    std::optional<money::Fen> alipayMaxAmountFen;
    std::optional<money::Fen> wechatMaxAmountFen;
};

struct NetworkConfig {
    // [network] ca_file: extra CA certificates (PEM) trusted for the providers besides the
    // system's; empty: the system's only. Set for the sandbox's own CA, never for a provider.
    QString caFile;
    int keepAliveS = 7; // [network] keep_alive_s: an idle provider connection is kept this long
};

// [store_server]: the store backend this till uploads its orders to and takes pushed
// notifications from (docs/server-protocol.md). The terminal's secret is not here: it lives
// in the credentials file, readable only by the till's user.
struct StoreServerConfig {
    QString url;             // https (http only to a loopback host); empty: not linked
    QString credentialsPath; // the terminal's key id, secret and pinned certificate (0600)
};

// [printer] width: the roll of the ESC/POS receipt printer.
enum class PaperWidth { Mm58, Mm80 };
// [printer] drawer: the pin of the printer's drawer kick-out connector the cash drawer uses.
enum class CashDrawerPin { Pin2, Pin5 };

// [printer]: the ESC/POS thermal receipt printer (docs/printing.md).
struct PrinterConfig {
    bool enabled = false;
    QString url; // "tcp://host:port" (port 9100 when left out) or a device file path
    PaperWidth width = PaperWidth::Mm80;
    bool receiptAfterSale = true; // print a receipt when a sale is paid at the till
    CashDrawerPin drawer = CashDrawerPin::Pin2;
};

struct AppConfig {
    bool sandbox = false; // built on sandboxDefaults(): the embedded simulated providers
    StoreConfig store;
    TerminalConfig terminal;
    DatabaseConfig database;
    LogConfig log;
    UiConfig ui;
    AlipayConfig alipay;
    WechatConfig wechat;
    RoutingConfig routing;
    CheckoutConfig checkout;
    NetworkConfig network;
    StoreServerConfig storeServer;
    PrinterConfig printer;
};

// Defaults for a real shop: database and logs under `dataDir` (normally
// QStandardPaths::AppDataLocation), gateways at the providers' production addresses but
// disabled, and no store or terminal id (the files must provide them).
AppConfig productionDefaults(const QString& dataDir);

// A complete, valid configuration for the embedded sandbox shop: store DEMO, terminal T01,
// database `<dataDir>/sandbox-orders.db` (kept apart from a real shop's orders.db), logs in
// `<dataDir>/logs`. The gateway sections stay disabled: the sandbox wiring points the
// gateways at the in-process simulated providers and their keys. File values still override.
AppConfig sandboxDefaults(const QString& dataDir);

// Canonical spelling of enum values as written in the INI file.
QString toConfigString(LogLevel level);
QString toConfigString(UiLanguage language);
QString toConfigString(PaperWidth width);
QString toConfigString(CashDrawerPin pin);

} // namespace qpos
