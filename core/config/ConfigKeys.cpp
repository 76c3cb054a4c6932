#include "core/config/ConfigKeys.h"

#include "core/money/Money.h"
#include "core/orders/Channel.h"
#include "core/routing/CodePrefixRange.h"

#include <QCoreApplication>

#include <optional>

using namespace Qt::StringLiterals;

namespace qpos {

namespace {

using T = ConfigValueType;

// How a parsed value is stored in a field of each type, and written back as text. The
// validator has already checked the value, so these only convert.

void assign(QString& field, const ConfigValue& v) {
    field = v.text;
}

void assign(bool& field, const ConfigValue& v) {
    field = v.flag;
}

void assign(int& field, const ConfigValue& v) {
    field = static_cast<int>(v.number); // the table's bounds keep it within int
}

void assign(LogLevel& field, const ConfigValue& v) {
    if (v.text == u"debug")
        field = LogLevel::Debug;
    else if (v.text == u"warning")
        field = LogLevel::Warning;
    else if (v.text == u"critical")
        field = LogLevel::Critical;
    else
        field = LogLevel::Info;
}

void assign(UiLanguage& field, const ConfigValue& v) {
    if (v.text == u"zh_CN")
        field = UiLanguage::ZhCN;
    else if (v.text == u"en")
        field = UiLanguage::En;
    else
        field = UiLanguage::System;
}

void assign(PaperWidth& field, const ConfigValue& v) {
    field = v.text == u"58" ? PaperWidth::Mm58 : PaperWidth::Mm80;
}

void assign(CashDrawerPin& field, const ConfigValue& v) {
    field = v.text == u"5" ? CashDrawerPin::Pin5 : CashDrawerPin::Pin2;
}

void assign(QList<Channel>& field, const ConfigValue& v) {
    field.clear();
    for (QStringView name : QStringView(v.text).split(u',', Qt::SkipEmptyParts)) {
        if (const std::optional<Channel> channel = channelFromName(name.trimmed()))
            field << *channel;
    }
}

void assign(QList<routing::CodePrefixRange>& field, const ConfigValue& v) {
    field = routing::parseCodePrefixRanges(v.text).value_or(QList<routing::CodePrefixRange>{});
}

void assign(std::optional<money::Fen>& field, const ConfigValue& v) {
    field = v.flag ? std::optional<money::Fen>(v.number) : std::nullopt;
}

QString toText(const QString& field) {
    return field;
}

QString toText(bool field) {
    return field ? u"true"_s : u"false"_s;
}

QString toText(int field) {
    return QString::number(field);
}

QString toText(LogLevel field) {
    return toConfigString(field);
}

QString toText(UiLanguage field) {
    return toConfigString(field);
}

QString toText(PaperWidth field) {
    return toConfigString(field);
}

QString toText(CashDrawerPin field) {
    return toConfigString(field);
}

QString toText(const QList<Channel>& field) {
    QStringList names;
    for (const Channel channel : field)
        names << channelName(channel);
    return names.join(u", "_s);
}

QString toText(const QList<routing::CodePrefixRange>& field) {
    return routing::formatCodePrefixRanges(field);
}

QString toText(const std::optional<money::Fen>& field) {
    return field ? money::formatYuan(*field) : QString();
}

template <auto Group, auto Member>
void applyTo(AppConfig& config, const ConfigValue& value) {
    assign((config.*Group).*Member, value);
}

template <auto Group, auto Member>
QString textOf(const AppConfig& config) {
    return toText((config.*Group).*Member);
}

// Binds a key to its field, config.*Group.*Member.
template <auto Group, auto Member>
ConfigKey into(ConfigKey k) {
    k.apply = &applyTo<Group, Member>;
    k.valueText = &textOf<Group, Member>;
    return k;
}

ConfigKey key(const QString& section, const QString& name, ConfigValueType type,
              const QString& defaultValue, const char* allowed, const char* doc) {
    ConfigKey k;
    k.section = section;
    k.name = name;
    k.type = type;
    k.defaultValue = defaultValue;
    k.allowed = allowed;
    k.doc = doc;
    return k;
}

ConfigKey integer(const QString& section, const QString& name, qint64 defaultValue, qint64 minimum,
                  qint64 maximum, const char* allowed, const char* doc) {
    ConfigKey k = key(section, name, T::Integer, QString::number(defaultValue), allowed, doc);
    k.minimum = minimum;
    k.maximum = maximum;
    return k;
}

ConfigKey choice(const QString& section, const QString& name, const QStringList& choices,
                 const QString& defaultValue, const char* allowed, const char* doc) {
    ConfigKey k = key(section, name, T::Choice, defaultValue, allowed, doc);
    k.choices = choices;
    return k;
}

ConfigKey pattern(const QString& section, const QString& name, const QString& regex,
                  const char* allowed, const char* doc) {
    ConfigKey k = key(section, name, T::Pattern, QString(), allowed, doc);
    k.pattern = regex;
    return k;
}

ConfigKey limited(ConfigKey k, qint64 maxLength) {
    k.maximum = maxLength;
    return k;
}

const char* const kIdAllowed =
    QT_TRANSLATE_NOOP("qpos::Config", "1 to 16 characters, only letters A-Z, a-z and digits "
                                      "0-9; no underscore, because order numbers are built as "
                                      "STORE_TERMINAL_DATE_SEQ");
const char* const kBoolAllowed =
    QT_TRANSLATE_NOOP("qpos::Config", "true or false (also yes/no, on/off, 1/0)");
const char* const kSecureUrlAllowed =
    QT_TRANSLATE_NOOP("qpos::Config", "an https:// URL; plain http:// is allowed only for a "
                                      "loopback host (127.0.0.1, ::1 or localhost), as the "
                                      "sandbox uses");
const char* const kPathAllowed =
    QT_TRANSLATE_NOOP("qpos::Config", "an absolute path, or a path relative to the directory "
                                      "of the configuration file that sets it");
const char* const kKeyFileAllowed =
    QT_TRANSLATE_NOOP("qpos::Config", "the path of an existing file (absolute, or relative to "
                                      "the directory of the configuration file that sets it)");
const char* const kTimeoutAllowed =
    QT_TRANSLATE_NOOP("qpos::Config", "whole milliseconds from 1000 to 120000");

QList<ConfigKey> buildTable() {
    const QString store = u"store"_s;
    const QString terminal = u"terminal"_s;
    const QString database = u"database"_s;
    const QString log = u"log"_s;
    const QString ui = u"ui"_s;
    const QString alipay = u"alipay"_s;
    const QString wechat = u"wechat"_s;
    const QString checkout = u"checkout"_s;
    const QString routing = u"routing"_s;
    const QString network = u"network"_s;
    const QString storeServer = u"store_server"_s;
    const QString printer = u"printer"_s;

    QList<ConfigKey> t;

    t << into<&AppConfig::store, &StoreConfig::id>(limited(
        key(store, u"id"_s, T::Identifier, QString(), kIdAllowed,
            QT_TRANSLATE_NOOP("qpos::Config", "Store id, the first part of every order number; "
                                              "required outside the sandbox")),
        16));
    t << into<&AppConfig::store, &StoreConfig::name>(limited(
        key(store, u"name"_s, T::Text, QString(),
            QT_TRANSLATE_NOOP("qpos::Config", "any text of at most 64 characters"),
            QT_TRANSLATE_NOOP("qpos::Config", "Store name shown on screen and on receipts")),
        64));
    t << into<&AppConfig::terminal, &TerminalConfig::id>(limited(
        key(terminal, u"id"_s, T::Identifier, QString(), kIdAllowed,
            QT_TRANSLATE_NOOP("qpos::Config", "Terminal id, unique within the store; required "
                                              "outside the sandbox")),
        16));

    t << into<&AppConfig::database, &DatabaseConfig::path>(
        key(database, u"path"_s, T::Path, u"<AppDataLocation>/orders.db"_s, kPathAllowed,
            QT_TRANSLATE_NOOP("qpos::Config", "The order database (SQLite) file")));

    t << into<&AppConfig::log, &LogConfig::dir>(
        key(log, u"dir"_s, T::Path, u"<AppDataLocation>/logs"_s, kPathAllowed,
            QT_TRANSLATE_NOOP("qpos::Config",
                              "Directory of qpos.log and its rotated copies (created 0700)")));
    t << into<&AppConfig::log, &LogConfig::level>(
        choice(log, u"level"_s, {u"debug"_s, u"info"_s, u"warning"_s, u"critical"_s}, u"info"_s,
               QT_TRANSLATE_NOOP("qpos::Config", "debug, info, warning or critical"),
               QT_TRANSLATE_NOOP("qpos::Config", "Least severe message written to the log")));
    t << into<&AppConfig::log, &LogConfig::maxFileKb>(
        integer(log, u"max_file_kb"_s, 4096, 64, 1048576,
                QT_TRANSLATE_NOOP("qpos::Config", "whole kilobytes from 64 to 1048576"),
                QT_TRANSLATE_NOOP("qpos::Config", "Size at which qpos.log is rotated")));
    t << into<&AppConfig::log, &LogConfig::maxFiles>(integer(
        log, u"max_files"_s, 5, 1, 100,
        QT_TRANSLATE_NOOP("qpos::Config", "a whole number from 1 to 100"),
        QT_TRANSLATE_NOOP("qpos::Config", "Log files kept, qpos.log included (qpos.log.1 is the "
                                          "newest rotated copy)")));

    t << into<&AppConfig::ui, &UiConfig::language>(choice(
        ui, u"language"_s, {u"system"_s, u"zh_CN"_s, u"en"_s}, u"system"_s,
        QT_TRANSLATE_NOOP("qpos::Config", "system, zh_CN or en"),
        QT_TRANSLATE_NOOP("qpos::Config", "Language of the cashier screens; system follows the "
                                          "desktop's locale")));

    t << into<&AppConfig::alipay, &AlipayConfig::enabled>(
        key(alipay, u"enabled"_s, T::Bool, u"false"_s, kBoolAllowed,
            QT_TRANSLATE_NOOP("qpos::Config", "Take Alipay payments")));
    t << into<&AppConfig::alipay, &AlipayConfig::gatewayUrl>(key(
        alipay, u"gateway_url"_s, T::SecureUrl, u"https://openapi.alipay.com/gateway.do"_s,
        kSecureUrlAllowed, QT_TRANSLATE_NOOP("qpos::Config", "Alipay OpenAPI gateway address")));
    t << into<&AppConfig::alipay, &AlipayConfig::appId>(pattern(
        alipay, u"app_id"_s, u"[0-9]{10,32}"_s,
        QT_TRANSLATE_NOOP("qpos::Config", "10 to 32 digits (usually 16)"),
        QT_TRANSLATE_NOOP("qpos::Config", "Alipay application id (APPID); required when enabled")));
    t << into<&AppConfig::alipay, &AlipayConfig::appPrivateKeyPath>(
        key(alipay, u"app_private_key"_s, T::KeyFile, QString(), kKeyFileAllowed,
            QT_TRANSLATE_NOOP("qpos::Config",
                              "File with the application's RSA private key (PEM or Alipay's "
                              "bare base64 PKCS#8); required when enabled")));
    t << into<&AppConfig::alipay, &AlipayConfig::alipayPublicKeyPath>(
        key(alipay, u"alipay_public_key"_s, T::KeyFile, QString(), kKeyFileAllowed,
            QT_TRANSLATE_NOOP("qpos::Config",
                              "File with Alipay's public key (PEM or bare base64); required "
                              "when enabled and cert_mode is false")));
    t << into<&AppConfig::alipay, &AlipayConfig::notifyUrl>(
        key(alipay, u"notify_url"_s, T::Url, QString(),
            QT_TRANSLATE_NOOP("qpos::Config", "an http:// or https:// URL, or empty"),
            QT_TRANSLATE_NOOP("qpos::Config", "Where Alipay posts payment notifications (the store "
                                              "backend); empty: rely on polling")));
    t << into<&AppConfig::alipay, &AlipayConfig::sellerId>(pattern(
        alipay, u"seller_id"_s, u"2088[0-9]{12}"_s,
        QT_TRANSLATE_NOOP("qpos::Config", "2088 followed by 12 digits (the PID), or empty"),
        QT_TRANSLATE_NOOP("qpos::Config",
                          "The shop's Alipay account (合作伙伴身份 PID, shown in Alipay's merchant "
                          "console); a notification for any other seller is refused. Empty: "
                          "not checked, and qposctl doctor warns")));
    t << into<&AppConfig::alipay, &AlipayConfig::signType>(
        choice(alipay, u"sign_type"_s, {u"RSA2"_s}, u"RSA2"_s,
               QT_TRANSLATE_NOOP("qpos::Config", "RSA2 (SHA256withRSA) only"),
               QT_TRANSLATE_NOOP("qpos::Config", "Signature algorithm")));
    t << into<&AppConfig::alipay, &AlipayConfig::certMode>(
        key(alipay, u"cert_mode"_s, T::Bool, u"false"_s, kBoolAllowed,
            QT_TRANSLATE_NOOP("qpos::Config",
                              "Public-key certificate mode instead of plain public keys")));
    t << into<&AppConfig::alipay, &AlipayConfig::appCertPath>(
        key(alipay, u"app_cert"_s, T::KeyFile, QString(), kKeyFileAllowed,
            QT_TRANSLATE_NOOP("qpos::Config",
                              "Application public key certificate (appCertPublicKey_*.crt); "
                              "required when cert_mode is true")));
    t << into<&AppConfig::alipay, &AlipayConfig::alipayCertPath>(
        key(alipay, u"alipay_cert"_s, T::KeyFile, QString(), kKeyFileAllowed,
            QT_TRANSLATE_NOOP("qpos::Config",
                              "Alipay public key certificate (alipayCertPublicKey_RSA2.crt); "
                              "required when cert_mode is true")));
    t << into<&AppConfig::alipay, &AlipayConfig::alipayRootCertPath>(
        key(alipay, u"alipay_root_cert"_s, T::KeyFile, QString(), kKeyFileAllowed,
            QT_TRANSLATE_NOOP("qpos::Config",
                              "Alipay root certificate (alipayRootCert.crt); required when "
                              "cert_mode is true")));
    t << into<&AppConfig::alipay, &AlipayConfig::timeoutMs>(
        integer(alipay, u"timeout_ms"_s, 15000, 1000, 120000, kTimeoutAllowed,
                QT_TRANSLATE_NOOP("qpos::Config", "Time limit of one request to Alipay")));

    t << into<&AppConfig::wechat, &WechatConfig::enabled>(
        key(wechat, u"enabled"_s, T::Bool, u"false"_s, kBoolAllowed,
            QT_TRANSLATE_NOOP("qpos::Config", "Take WeChat Pay payments")));
    t << into<&AppConfig::wechat, &WechatConfig::gatewayUrl>(
        key(wechat, u"gateway_url"_s, T::SecureUrl, u"https://api.mch.weixin.qq.com"_s,
            kSecureUrlAllowed, QT_TRANSLATE_NOOP("qpos::Config", "WeChat Pay APIv3 base address")));
    t << into<&AppConfig::wechat, &WechatConfig::mchId>(
        pattern(wechat, u"mch_id"_s, u"[0-9]{6,32}"_s,
                QT_TRANSLATE_NOOP("qpos::Config", "6 to 32 digits (usually 10)"),
                QT_TRANSLATE_NOOP("qpos::Config", "Merchant id (mchid); required when enabled")));
    t << into<&AppConfig::wechat, &WechatConfig::appId>(pattern(
        wechat, u"app_id"_s, u"[A-Za-z0-9]{4,32}"_s,
        QT_TRANSLATE_NOOP("qpos::Config",
                          "4 to 32 letters and digits (usually wx + 16 characters)"),
        QT_TRANSLATE_NOOP("qpos::Config", "AppID bound to the merchant; required when enabled")));
    t << into<&AppConfig::wechat, &WechatConfig::merchantPrivateKeyPath>(
        key(wechat, u"merchant_private_key"_s, T::KeyFile, QString(), kKeyFileAllowed,
            QT_TRANSLATE_NOOP("qpos::Config",
                              "File with the merchant API private key (apiclient_key.pem); "
                              "required when enabled")));
    t << into<&AppConfig::wechat, &WechatConfig::merchantSerialNo>(pattern(
        wechat, u"merchant_serial_no"_s, u"[0-9A-Fa-f]{8,64}"_s,
        QT_TRANSLATE_NOOP("qpos::Config", "8 to 64 hexadecimal digits"),
        QT_TRANSLATE_NOOP("qpos::Config", "Serial number of the merchant API certificate; required "
                                          "when enabled")));
    t << into<&AppConfig::wechat, &WechatConfig::apiV3KeyPath>(
        key(wechat, u"apiv3_key_file"_s, T::KeyFile, QString(), kKeyFileAllowed,
            QT_TRANSLATE_NOOP("qpos::Config", "File holding the 32-character APIv3 key (decrypts "
                                              "notifications); required when enabled")));
    t << into<&AppConfig::wechat, &WechatConfig::wechatpayPublicKeyPath>(key(
        wechat, u"wechatpay_public_key"_s, T::KeyFile, QString(), kKeyFileAllowed,
        QT_TRANSLATE_NOOP("qpos::Config", "File with the WeChat Pay public key (pub_key.pem) that "
                                          "verifies responses; required when enabled, unless "
                                          "platform_certificate is set")));
    t << into<&AppConfig::wechat, &WechatConfig::wechatpayPublicKeyId>(
        pattern(wechat, u"wechatpay_public_key_id"_s, u"[A-Za-z0-9_]{1,64}"_s,
                QT_TRANSLATE_NOOP("qpos::Config", "1 to 64 letters, digits and underscores "
                                                  "(PUB_KEY_ID_...)"),
                QT_TRANSLATE_NOOP("qpos::Config",
                                  "Id of the WeChat Pay public key; required when enabled, "
                                  "unless wechatpay_public_key is a platform certificate")));
    t << into<&AppConfig::wechat, &WechatConfig::platformCertPath>(
        key(wechat, u"platform_certificate"_s, T::KeyFile, QString(), kKeyFileAllowed,
            QT_TRANSLATE_NOOP("qpos::Config",
                              "File with the WeChat Pay platform certificate(s), PEM, one or more: "
                              "answers and notifications naming their serial are verified with "
                              "them. Set it beside wechatpay_public_key while the merchant moves "
                              "from platform certificates to the public key")));
    t << into<&AppConfig::wechat, &WechatConfig::notifyUrl>(
        key(wechat, u"notify_url"_s, T::SecureUrl, QString(), kSecureUrlAllowed,
            QT_TRANSLATE_NOOP("qpos::Config",
                              "Where WeChat Pay posts payment notifications (the store "
                              "backend); WeChat requires it, so required when enabled")));
    t << into<&AppConfig::wechat, &WechatConfig::timeoutMs>(
        integer(wechat, u"timeout_ms"_s, 15000, 1000, 120000, kTimeoutAllowed,
                QT_TRANSLATE_NOOP("qpos::Config", "Time limit of one request to WeChat Pay")));

    t << into<&AppConfig::routing, &RoutingConfig::channels>(
        key(routing, u"channels"_s, T::ChannelList, QString(),
            QT_TRANSLATE_NOOP("qpos::Config",
                              "alipay and/or wechat, comma-separated, each at most once; every "
                              "channel listed must be enabled in its own section; empty: every "
                              "enabled channel, Alipay first"),
            QT_TRANSLATE_NOOP("qpos::Config",
                              "The channels this terminal offers, in order: the first is what "
                              "Enter charges")));
    const char* const prefixesAllowed = QT_TRANSLATE_NOOP(
        "qpos::Config", "comma-separated prefixes or ranges of prefixes such as 25-30 or 62 "
                        "(both ends of a range with the same number of digits, 1 to 6), not "
                        "overlapping the other channel's; empty: no payment code goes to "
                        "this channel");
    t << into<&AppConfig::routing, &RoutingConfig::alipayCodePrefixes>(
        key(routing, u"alipay_code_prefixes"_s, T::CodePrefixes, u"25-30"_s, prefixesAllowed,
            QT_TRANSLATE_NOOP("qpos::Config",
                              "A scanned payment code that starts with one of these is an "
                              "Alipay code")));
    t << into<&AppConfig::routing, &RoutingConfig::wechatCodePrefixes>(
        key(routing, u"wechat_code_prefixes"_s, T::CodePrefixes, u"10-15"_s, prefixesAllowed,
            QT_TRANSLATE_NOOP("qpos::Config",
                              "A scanned payment code that starts with one of these is a "
                              "WeChat Pay code")));
    const char* const amountAllowed = QT_TRANSLATE_NOOP(
        "qpos::Config", "an amount in yuan greater than zero, at most two decimals (e.g. "
                        "5000 or 5000.00); empty: no limit");
    t << into<&AppConfig::routing, &RoutingConfig::alipayMaxAmountFen>(
        key(routing, u"alipay_max_amount"_s, T::Amount, QString(), amountAllowed,
            QT_TRANSLATE_NOOP("qpos::Config",
                              "The most one Alipay payment may be at this terminal (QR or "
                              "payment code); a larger sale is refused with what to do")));
    t << into<&AppConfig::routing, &RoutingConfig::wechatMaxAmountFen>(
        key(routing, u"wechat_max_amount"_s, T::Amount, QString(), amountAllowed,
            QT_TRANSLATE_NOOP("qpos::Config",
                              "The most one WeChat Pay payment may be at this terminal (QR or "
                              "payment code); a larger sale is refused with what to do")));

    t << into<&AppConfig::checkout, &CheckoutConfig::qrTimeoutS>(integer(
        checkout, u"qr_timeout_s"_s, 120, 30, 900,
        QT_TRANSLATE_NOOP("qpos::Config", "whole seconds from 30 to 900"),
        QT_TRANSLATE_NOOP("qpos::Config", "How long a payment QR stays valid before the order is "
                                          "closed at the provider")));
    t << into<&AppConfig::checkout, &CheckoutConfig::cashEnabled>(
        key(checkout, u"cash"_s, T::Bool, u"false"_s, kBoolAllowed,
            QT_TRANSLATE_NOOP("qpos::Config",
                              "Whether the till takes cash (F4): the cashier counts a float in "
                              "at login and the drawer at the end of the shift; cash refunds "
                              "need a manager's PIN")));

    t << into<&AppConfig::network, &NetworkConfig::caFile>(key(
        network, u"ca_file"_s, T::Path, QString(), kPathAllowed,
        QT_TRANSLATE_NOOP("qpos::Config",
                          "Extra CA certificates (PEM) trusted for the payment providers' HTTPS "
                          "besides the system's; only for the sandbox's own CA (sandbox-ca.pem)")));
    t << into<&AppConfig::network, &NetworkConfig::keepAliveS>(integer(
        network, u"keep_alive_s"_s, 7, 1, 600,
        QT_TRANSLATE_NOOP("qpos::Config", "whole seconds from 1 to 600"),
        QT_TRANSLATE_NOOP("qpos::Config",
                          "How long an idle connection to a payment provider stays open for the "
                          "next request; keep it below the provider's own limit (WeChat Pay: "
                          "8 s)")));

    t << into<&AppConfig::storeServer, &StoreServerConfig::url>(
        key(storeServer, u"url"_s, T::SecureUrl, QString(), kSecureUrlAllowed,
            QT_TRANSLATE_NOOP("qpos::Config",
                              "The store backend (qpos-server) this till uploads its orders to "
                              "and takes pushed payment results from; empty: not linked. "
                              "Written by qposctl enroll or the settings dialog")));
    t << into<&AppConfig::storeServer, &StoreServerConfig::credentialsPath>(
        key(storeServer, u"credentials"_s, T::Path,
            u"<AppDataLocation>/store-server-credentials.json"_s, kPathAllowed,
            QT_TRANSLATE_NOOP("qpos::Config",
                              "File with the terminal's key id, secret and the server's pinned "
                              "certificate, written at enrollment; must be readable only by the "
                              "till's user (0600)")));

    t << into<&AppConfig::printer, &PrinterConfig::enabled>(
        key(printer, u"enabled"_s, T::Bool, u"false"_s, kBoolAllowed,
            QT_TRANSLATE_NOOP("qpos::Config",
                              "Print receipts and reports on an ESC/POS thermal printer and open "
                              "the cash drawer through it")));
    ConfigKey url = pattern(
        printer, u"url"_s,
        uR"(tcp://([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?/?|/\S.*)"_s,
        QT_TRANSLATE_NOOP("qpos::Config",
                          "tcp://host:port for a network printer (the port is 9100 when left "
                          "out), or the absolute path of the printer's device file such as "
                          "/dev/usb/lp0; required when enabled"),
        QT_TRANSLATE_NOOP("qpos::Config", "Where the receipt printer is"));
    t << into<&AppConfig::printer, &PrinterConfig::url>(limited(url, 512));
    t << into<&AppConfig::printer, &PrinterConfig::width>(
        choice(printer, u"width"_s, {u"58"_s, u"80"_s}, u"80"_s,
               QT_TRANSLATE_NOOP("qpos::Config", "58 or 80 (millimetres)"),
               QT_TRANSLATE_NOOP("qpos::Config",
                                 "Width of the paper roll: 58 mm prints 32 columns, 80 mm 48")));
    t << into<&AppConfig::printer, &PrinterConfig::receiptAfterSale>(
        key(printer, u"receipt_after_sale"_s, T::Bool, u"true"_s, kBoolAllowed,
            QT_TRANSLATE_NOOP("qpos::Config",
                              "Print a receipt when a sale is paid at the till (a reprint from "
                              "the order detail is always possible)")));
    t << into<&AppConfig::printer, &PrinterConfig::drawer>(choice(
        printer, u"drawer"_s, {u"2"_s, u"5"_s}, u"2"_s, QT_TRANSLATE_NOOP("qpos::Config", "2 or 5"),
        QT_TRANSLATE_NOOP("qpos::Config",
                          "The pin of the printer's drawer kick-out connector the cash "
                          "drawer is wired to (most drawers: 2)")));
    return t;
}

} // namespace

QString ConfigKey::qualifiedName() const {
    return qualifiedKeyName(section, name);
}

QString ConfigKey::allowedText() const {
    return QCoreApplication::translate("qpos::Config", allowed);
}

QString ConfigKey::docText() const {
    return QCoreApplication::translate("qpos::Config", doc);
}

const QList<ConfigKey>& configKeys() {
    static const QList<ConfigKey> table = buildTable();
    return table;
}

const ConfigKey* findConfigKey(QStringView section, QStringView name) {
    for (const ConfigKey& k : configKeys()) {
        if (k.section == section && k.name == name)
            return &k;
    }
    return nullptr;
}

QString qualifiedKeyName(QStringView section, QStringView name) {
    return u'[' + section.toString() + u"] "_s + name.toString();
}

} // namespace qpos
