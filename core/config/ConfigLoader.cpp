#include "core/config/ConfigLoader.h"

#include "core/config/ConfigKeys.h"
#include "core/config/IniFile.h"
#include "core/money/Money.h"
#include "core/routing/CodePrefixRange.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QHostAddress>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QUrl>

#include <algorithm>
#include <optional>

using namespace Qt::StringLiterals;

namespace qpos {

namespace {

// Whether a PEM file holds a certificate (a WeChat Pay platform certificate) rather than a
// bare public key. An unreadable file is not one; checkFile() reports it.
bool isCertificateFile(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    return file.read(qint64(1) << 20).contains("-----BEGIN CERTIFICATE-----");
}

// Where a value came from.
struct Setting {
    QString value;
    QString file;
    int line = 0;
};

// A value after parsing, in the form its setter needs.
struct Value {
    QString text;
    bool flag = false;
    qint64 number = 0;
};

using Setter = void (*)(AppConfig&, const Value&);

LogLevel toLogLevel(const QString& text) {
    if (text == u"debug")
        return LogLevel::Debug;
    if (text == u"warning")
        return LogLevel::Warning;
    if (text == u"critical")
        return LogLevel::Critical;
    return LogLevel::Info;
}

UiLanguage toUiLanguage(const QString& text) {
    if (text == u"zh_CN")
        return UiLanguage::ZhCN;
    if (text == u"en")
        return UiLanguage::En;
    return UiLanguage::System;
}

// A [routing] channels value already checked by the validator ("alipay, wechat").
QList<Channel> toChannels(const QString& text) {
    QList<Channel> channels;
    for (QStringView name : QStringView(text).split(u',', Qt::SkipEmptyParts)) {
        if (const std::optional<Channel> channel = channelFromName(name.trimmed()))
            channels << *channel;
    }
    return channels;
}

QList<routing::CodePrefixRange> toPrefixes(const QString& text) {
    return routing::parseCodePrefixRanges(text).value_or(QList<routing::CodePrefixRange>{});
}

std::optional<money::Fen> toAmount(const Value& v) {
    if (!v.flag)
        return std::nullopt;
    return v.number;
}

int toInt(qint64 n) {
    return static_cast<int>(n); // callers only pass values already range-checked by the table
}

// Where each known key lands in AppConfig. Every entry of configKeys() has one.
const QHash<QString, Setter>& setters() {
    static const QHash<QString, Setter> table = {
        {u"[store] id"_s,
         [](AppConfig& c, const Value& v) {
             c.store.id = v.text;
         }},
        {u"[store] name"_s,
         [](AppConfig& c, const Value& v) {
             c.store.name = v.text;
         }},
        {u"[terminal] id"_s,
         [](AppConfig& c, const Value& v) {
             c.terminal.id = v.text;
         }},
        {u"[database] path"_s,
         [](AppConfig& c, const Value& v) {
             c.database.path = v.text;
         }},
        {u"[log] dir"_s,
         [](AppConfig& c, const Value& v) {
             c.log.dir = v.text;
         }},
        {u"[log] level"_s,
         [](AppConfig& c, const Value& v) {
             c.log.level = toLogLevel(v.text);
         }},
        {u"[log] max_file_kb"_s,
         [](AppConfig& c, const Value& v) {
             c.log.maxFileKb = toInt(v.number);
         }},
        {u"[log] max_files"_s,
         [](AppConfig& c, const Value& v) {
             c.log.maxFiles = toInt(v.number);
         }},
        {u"[ui] language"_s,
         [](AppConfig& c, const Value& v) {
             c.ui.language = toUiLanguage(v.text);
         }},
        {u"[alipay] enabled"_s,
         [](AppConfig& c, const Value& v) {
             c.alipay.enabled = v.flag;
         }},
        {u"[alipay] gateway_url"_s,
         [](AppConfig& c, const Value& v) {
             c.alipay.gatewayUrl = v.text;
         }},
        {u"[alipay] app_id"_s,
         [](AppConfig& c, const Value& v) {
             c.alipay.appId = v.text;
         }},
        {u"[alipay] app_private_key"_s,
         [](AppConfig& c, const Value& v) {
             c.alipay.appPrivateKeyPath = v.text;
         }},
        {u"[alipay] alipay_public_key"_s,
         [](AppConfig& c, const Value& v) {
             c.alipay.alipayPublicKeyPath = v.text;
         }},
        {u"[alipay] notify_url"_s,
         [](AppConfig& c, const Value& v) {
             c.alipay.notifyUrl = v.text;
         }},
        {u"[alipay] sign_type"_s,
         [](AppConfig& c, const Value& v) {
             c.alipay.signType = v.text;
         }},
        {u"[alipay] cert_mode"_s,
         [](AppConfig& c, const Value& v) {
             c.alipay.certMode = v.flag;
         }},
        {u"[alipay] app_cert"_s,
         [](AppConfig& c, const Value& v) {
             c.alipay.appCertPath = v.text;
         }},
        {u"[alipay] alipay_cert"_s,
         [](AppConfig& c, const Value& v) {
             c.alipay.alipayCertPath = v.text;
         }},
        {u"[alipay] alipay_root_cert"_s,
         [](AppConfig& c, const Value& v) {
             c.alipay.alipayRootCertPath = v.text;
         }},
        {u"[alipay] timeout_ms"_s,
         [](AppConfig& c, const Value& v) {
             c.alipay.timeoutMs = toInt(v.number);
         }},
        {u"[wechat] enabled"_s,
         [](AppConfig& c, const Value& v) {
             c.wechat.enabled = v.flag;
         }},
        {u"[wechat] gateway_url"_s,
         [](AppConfig& c, const Value& v) {
             c.wechat.gatewayUrl = v.text;
         }},
        {u"[wechat] mch_id"_s,
         [](AppConfig& c, const Value& v) {
             c.wechat.mchId = v.text;
         }},
        {u"[wechat] app_id"_s,
         [](AppConfig& c, const Value& v) {
             c.wechat.appId = v.text;
         }},
        {u"[wechat] merchant_private_key"_s,
         [](AppConfig& c, const Value& v) {
             c.wechat.merchantPrivateKeyPath = v.text;
         }},
        {u"[wechat] merchant_serial_no"_s,
         [](AppConfig& c, const Value& v) {
             c.wechat.merchantSerialNo = v.text;
         }},
        {u"[wechat] apiv3_key_file"_s,
         [](AppConfig& c, const Value& v) {
             c.wechat.apiV3KeyPath = v.text;
         }},
        {u"[wechat] wechatpay_public_key"_s,
         [](AppConfig& c, const Value& v) {
             c.wechat.wechatpayPublicKeyPath = v.text;
         }},
        {u"[wechat] wechatpay_public_key_id"_s,
         [](AppConfig& c, const Value& v) {
             c.wechat.wechatpayPublicKeyId = v.text;
         }},
        {u"[wechat] notify_url"_s,
         [](AppConfig& c, const Value& v) {
             c.wechat.notifyUrl = v.text;
         }},
        {u"[wechat] timeout_ms"_s,
         [](AppConfig& c, const Value& v) {
             c.wechat.timeoutMs = toInt(v.number);
         }},
        {u"[routing] channels"_s,
         [](AppConfig& c, const Value& v) {
             c.routing.channels = toChannels(v.text);
         }},
        {u"[routing] alipay_code_prefixes"_s,
         [](AppConfig& c, const Value& v) {
             c.routing.alipayCodePrefixes = toPrefixes(v.text);
         }},
        {u"[routing] wechat_code_prefixes"_s,
         [](AppConfig& c, const Value& v) {
             c.routing.wechatCodePrefixes = toPrefixes(v.text);
         }},
        {u"[routing] alipay_max_amount"_s,
         [](AppConfig& c, const Value& v) {
             c.routing.alipayMaxAmountFen = toAmount(v);
         }},
        {u"[routing] wechat_max_amount"_s,
         [](AppConfig& c, const Value& v) {
             c.routing.wechatMaxAmountFen = toAmount(v);
         }},
        {u"[checkout] qr_timeout_s"_s,
         [](AppConfig& c, const Value& v) {
             c.checkout.qrTimeoutS = toInt(v.number);
         }},
    };
    return table;
}

// Key material pasted where a file path belongs: a PEM block or a long base64 run. Such a
// value is never repeated in a message.
bool looksLikeKeyMaterial(const QString& value) {
    static const QRegularExpression base64(u"^[A-Za-z0-9+/]{40,}={0,2}$"_s);
    return value.contains(u"-----"_s) || base64.match(value).hasMatch();
}

bool isLoopbackHost(const QString& host) {
    if (host.compare(u"localhost"_s, Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

class Validator {
public:
    explicit Validator(ConfigLoadResult& result)
        : m_result(result) {}

    void setting(const ConfigKey& key, const Setting& s) {
        std::optional<Value> v = parse(key, s);
        if (!v)
            return;
        const Setter setter = setters().value(key.qualifiedName());
        Q_ASSERT(setter);
        if (setter)
            setter(m_result.config, *v);
        m_sources.insert(key.qualifiedName(), s);
    }

    // The file and line that set `key`, if a file did.
    std::optional<Setting> sourceOf(const QString& qualified) const {
        const auto it = m_sources.constFind(qualified);
        if (it == m_sources.constEnd())
            return std::nullopt;
        return *it;
    }

    void invalid(const ConfigKey& key, const Setting& s, const QString& problem,
                 const QString& code = u"config.invalid_value"_s) {
        m_result.errors << ConfigIssue{
            code, key.qualifiedName(), s.file, s.line,
            QCoreApplication::translate("qpos::Config", "%1 (%2, line %3): %4. Allowed: %5.")
                .arg(key.qualifiedName(), s.file, QString::number(s.line), problem,
                     key.allowedText())};
    }

private:
    // The value as a person may see it in a message: quoted, or a note that it is hidden.
    static QString shown(const ConfigKey& key, const QString& value) {
        if (key.secret)
            return QCoreApplication::translate("qpos::Config",
                                               "the value (not shown, it is secret)");
        return u'"' + value + u'"';
    }

    std::optional<Value> parse(const ConfigKey& key, const Setting& s) {
        const QString& text = s.value;
        const bool optionalEmpty =
            (key.type == ConfigValueType::Text) || (key.type == ConfigValueType::ChannelList) ||
            (key.type == ConfigValueType::CodePrefixes) || (key.type == ConfigValueType::Amount) ||
            ((key.type == ConfigValueType::Url || key.type == ConfigValueType::SecureUrl) &&
             key.defaultValue.isEmpty());
        if (text.isEmpty()) {
            if (optionalEmpty)
                return Value{};
            invalid(key, s, QCoreApplication::translate("qpos::Config", "the value is empty"));
            return std::nullopt;
        }

        switch (key.type) {
        case ConfigValueType::Text: {
            const qsizetype length = text.toUcs4().size();
            if (length > key.maximum) {
                invalid(key, s,
                        QCoreApplication::translate("qpos::Config", "%1 is %2 characters long")
                            .arg(shown(key, text), QString::number(length)));
                return std::nullopt;
            }
            return Value{text};
        }
        case ConfigValueType::Identifier: {
            static const QRegularExpression id(u"^[A-Za-z0-9]+$"_s);
            if (text.contains(u'_')) {
                invalid(key, s,
                        QCoreApplication::translate("qpos::Config", "%1 contains an underscore")
                            .arg(shown(key, text)));
                return std::nullopt;
            }
            if (!id.match(text).hasMatch()) {
                invalid(key, s,
                        QCoreApplication::translate(
                            "qpos::Config", "%1 contains a character other than a letter or digit")
                            .arg(shown(key, text)));
                return std::nullopt;
            }
            if (text.size() > key.maximum) {
                invalid(key, s,
                        QCoreApplication::translate("qpos::Config", "%1 is %2 characters long")
                            .arg(shown(key, text), QString::number(text.size())));
                return std::nullopt;
            }
            return Value{text};
        }
        case ConfigValueType::Pattern: {
            const QRegularExpression re(QRegularExpression::anchoredPattern(key.pattern));
            if (!re.match(text).hasMatch()) {
                invalid(key, s,
                        QCoreApplication::translate("qpos::Config",
                                                    "%1 does not have the expected form")
                            .arg(shown(key, text)));
                return std::nullopt;
            }
            return Value{text};
        }
        case ConfigValueType::Bool: {
            const QString lower = text.toLower();
            if (lower == u"true" || lower == u"yes" || lower == u"on" || lower == u"1")
                return Value{text, true};
            if (lower == u"false" || lower == u"no" || lower == u"off" || lower == u"0")
                return Value{text, false};
            invalid(key, s,
                    QCoreApplication::translate("qpos::Config", "%1 is not a yes/no value")
                        .arg(shown(key, text)));
            return std::nullopt;
        }
        case ConfigValueType::Integer: {
            static const QRegularExpression digits(u"^-?[0-9]+$"_s);
            if (!digits.match(text).hasMatch()) {
                invalid(key, s,
                        QCoreApplication::translate("qpos::Config", "%1 is not a whole number")
                            .arg(shown(key, text)));
                return std::nullopt;
            }
            bool ok = false;
            const qint64 n = text.toLongLong(&ok);
            if (!ok || n < key.minimum || n > key.maximum) {
                invalid(key, s,
                        QCoreApplication::translate("qpos::Config", "%1 is out of range")
                            .arg(shown(key, text)));
                return std::nullopt;
            }
            return Value{text, false, n};
        }
        case ConfigValueType::Choice: {
            for (const QString& c : key.choices) {
                if (c.compare(text, Qt::CaseInsensitive) == 0)
                    return Value{c};
            }
            invalid(key, s,
                    QCoreApplication::translate("qpos::Config", "%1 is not one of the choices")
                        .arg(shown(key, text)));
            return std::nullopt;
        }
        case ConfigValueType::Url:
        case ConfigValueType::SecureUrl:
            return parseUrl(key, s);
        case ConfigValueType::Path:
        case ConfigValueType::KeyFile:
            return parsePath(key, s);
        case ConfigValueType::ChannelList:
            return parseChannels(key, s);
        case ConfigValueType::CodePrefixes: {
            QString problem;
            const std::optional<QList<routing::CodePrefixRange>> ranges =
                routing::parseCodePrefixRanges(text, &problem);
            if (!ranges) {
                invalid(key, s,
                        QCoreApplication::translate("qpos::Config", "in %1, %2")
                            .arg(shown(key, text), problem));
                return std::nullopt;
            }
            return Value{routing::formatCodePrefixRanges(*ranges)};
        }
        case ConfigValueType::Amount: {
            const Result<money::Fen> fen = money::parseYuan(text, money::Sign::Positive);
            if (!fen) {
                invalid(key, s,
                        QCoreApplication::translate("qpos::Config", "%1 is not a usable amount: %2")
                            .arg(shown(key, text), fen.error().message));
                return std::nullopt;
            }
            return Value{money::formatYuan(*fen), true, *fen};
        }
        }
        return std::nullopt;
    }

    std::optional<Value> parseChannels(const ConfigKey& key, const Setting& s) {
        QStringList names;
        for (QStringView part : QStringView(s.value).split(u',')) {
            part = part.trimmed();
            const std::optional<Channel> channel = channelFromName(part.toString().toLower());
            if (part.isEmpty()) {
                invalid(key, s,
                        QCoreApplication::translate("qpos::Config",
                                                    "%1 has an empty entry (two commas in a row, "
                                                    "or a comma at the start or end)")
                            .arg(shown(key, s.value)));
                return std::nullopt;
            }
            if (!channel) {
                invalid(key, s,
                        QCoreApplication::translate("qpos::Config",
                                                    "in %1, \"%2\" is not a payment channel")
                            .arg(shown(key, s.value), part.toString()));
                return std::nullopt;
            }
            if (names.contains(channelName(*channel))) {
                invalid(key, s,
                        QCoreApplication::translate("qpos::Config", "%1 names %2 twice")
                            .arg(shown(key, s.value), channelName(*channel)));
                return std::nullopt;
            }
            names << channelName(*channel);
        }
        return Value{names.join(u", "_s)};
    }

    std::optional<Value> parseUrl(const ConfigKey& key, const Setting& s) {
        const QString& text = s.value;
        const QUrl url(text, QUrl::StrictMode);
        const QString scheme = url.scheme().toLower();
        if (!url.isValid() || url.isRelative() || url.host().isEmpty() || text.contains(u' ')) {
            invalid(key, s,
                    QCoreApplication::translate("qpos::Config", "%1 is not a complete URL")
                        .arg(shown(key, text)));
            return std::nullopt;
        }
        if (scheme != u"https" && scheme != u"http") {
            invalid(key, s,
                    QCoreApplication::translate("qpos::Config", "%1 uses the scheme \"%2\"")
                        .arg(shown(key, text), url.scheme()));
            return std::nullopt;
        }
        if (!url.userInfo().isEmpty()) {
            // Never repeat a URL that carries a password.
            invalid(key, s,
                    QCoreApplication::translate(
                        "qpos::Config", "the URL contains a user name or password (not shown)"));
            return std::nullopt;
        }
        if (key.type == ConfigValueType::SecureUrl && scheme == u"http" &&
            !isLoopbackHost(url.host())) {
            invalid(key, s,
                    QCoreApplication::translate(
                        "qpos::Config",
                        "%1 uses plain http to \"%2\", which is not a loopback host; payment "
                        "traffic must be encrypted")
                        .arg(shown(key, text), url.host()));
            return std::nullopt;
        }
        return Value{text};
    }

    std::optional<Value> parsePath(const ConfigKey& key, const Setting& s) {
        const QString& text = s.value;
        if (key.type == ConfigValueType::KeyFile && looksLikeKeyMaterial(text)) {
            invalid(key, s,
                    QCoreApplication::translate(
                        "qpos::Config",
                        "the value looks like the key itself, not the path of a file (it is "
                        "not shown here). Put the key in a file readable only by the service "
                        "user (chmod 600) and give that file's path"),
                    u"config.key_inline"_s);
            return std::nullopt;
        }
        if (text.startsWith(u'~')) {
            invalid(key, s,
                    QCoreApplication::translate(
                        "qpos::Config",
                        "%1 starts with '~', which is not expanded; write the full path")
                        .arg(shown(key, text)));
            return std::nullopt;
        }
        const QDir base = QFileInfo(s.file).absoluteDir();
        return Value{QDir::cleanPath(base.absoluteFilePath(text))};
    }

    ConfigLoadResult& m_result;
    QHash<QString, Setting> m_sources;
};

const ConfigKey* keyNamed(const QString& qualified) {
    for (const ConfigKey& k : configKeys()) {
        if (k.qualifiedName() == qualified)
            return &k;
    }
    return nullptr;
}

QString keyName(const char* section, const char* name) {
    return qualifiedKeyName(QString::fromLatin1(section), QString::fromLatin1(name));
}

// Where a [routing] value came from, for a message: " (file, line N)" or " (the default)".
QString origin(const Validator& validator, const QString& qualified) {
    const std::optional<Setting> from = validator.sourceOf(qualified);
    if (!from)
        return QCoreApplication::translate("qpos::Config", " (the default)");
    return QCoreApplication::translate("qpos::Config", " (%1, line %2)")
        .arg(from->file, QString::number(from->line));
}

// The [routing] rules that span several keys: every listed channel is enabled, and no
// payment code could belong to both wallets.
void checkRouting(ConfigLoadResult& result, const Validator& validator) {
    const AppConfig& c = result.config;
    const QString channelsKey = keyName("routing", "channels");
    // The demo shop simulates both providers without any [alipay] or [wechat] section.
    if (!c.sandbox) {
        for (const Channel channel : c.routing.channels) {
            const bool enabled = channel == Channel::Alipay ? c.alipay.enabled : c.wechat.enabled;
            if (enabled)
                continue;
            const std::optional<Setting> from = validator.sourceOf(channelsKey);
            const ConfigKey* key = keyNamed(channelsKey);
            result.errors << ConfigIssue{
                u"config.channel_not_enabled"_s, channelsKey, from ? from->file : QString(),
                from ? from->line : 0,
                QCoreApplication::translate(
                    "qpos::Config",
                    "%1%2: \"%3\" lists %4, but [%4] enabled is not true. Enable it (with its "
                    "keys) or remove %4 from the list. Allowed: %5.")
                    .arg(channelsKey, origin(validator, channelsKey),
                         from ? from->value : QString(), channelName(channel),
                         key ? key->allowedText() : QString())};
        }
    }
    const QString alipayKey = keyName("routing", "alipay_code_prefixes");
    const QString wechatKey = keyName("routing", "wechat_code_prefixes");
    for (const routing::CodePrefixRange& a : c.routing.alipayCodePrefixes) {
        for (const routing::CodePrefixRange& w : c.routing.wechatCodePrefixes) {
            if (!a.overlaps(w))
                continue;
            // Blame the key a file set (the later one when both were).
            const std::optional<Setting> wechatFrom = validator.sourceOf(wechatKey);
            const std::optional<Setting> alipayFrom = validator.sourceOf(alipayKey);
            const bool blameWechat = wechatFrom.has_value() || !alipayFrom.has_value();
            const std::optional<Setting>& from = blameWechat ? wechatFrom : alipayFrom;
            const ConfigKey* key = keyNamed(blameWechat ? wechatKey : alipayKey);
            result.errors << ConfigIssue{
                u"config.prefixes_overlap"_s, blameWechat ? wechatKey : alipayKey,
                from ? from->file : QString(), from ? from->line : 0,
                QCoreApplication::translate(
                    "qpos::Config",
                    "%1%2 \"%3\" and %4%5 \"%6\" overlap: a payment code starting with %7 "
                    "would belong to both Alipay and WeChat Pay. Allowed: %8.")
                    .arg(wechatKey, origin(validator, wechatKey), w.toString(), alipayKey,
                         origin(validator, alipayKey), a.toString(),
                         std::max(a.first.leftJustified(std::max(a.digits(), w.digits()), u'0'),
                                  w.first.leftJustified(std::max(a.digits(), w.digits()), u'0')),
                         key ? key->allowedText() : QString())};
            return; // one message says it; the rest would repeat it
        }
    }
}

} // namespace

Error ConfigLoadResult::error() const {
    if (errors.isEmpty())
        return Error{};
    if (errors.size() == 1)
        return errors.first().toError();
    QStringList lines;
    for (const ConfigIssue& issue : errors)
        lines << issue.message;
    return Error{u"config.invalid"_s, lines.join(u'\n')};
}

Result<AppConfig> ConfigLoadResult::toResult() const {
    if (!ok())
        return error();
    return config;
}

QString ConfigLoader::systemConfigPath() {
    return u"/etc/qpos/qpos.ini"_s;
}

QString ConfigLoader::userConfigPath() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation))
        .filePath(u"qpos.ini"_s);
}

QString ConfigLoader::defaultDataDir() {
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

QList<ConfigSource> ConfigLoader::standardSources(const QString& explicitPath) {
    QList<ConfigSource> sources{{systemConfigPath(), false}, {userConfigPath(), false}};
    if (!explicitPath.isEmpty())
        sources << ConfigSource{explicitPath, true};
    return sources;
}

ConfigLoadResult ConfigLoader::load(const QList<ConfigSource>& sources,
                                    const ConfigLoadOptions& options) {
    ConfigLoadResult result;
    const QString dataDir = options.dataDir.isEmpty() ? defaultDataDir() : options.dataDir;
    result.config = options.sandbox ? sandboxDefaults(dataDir) : productionDefaults(dataDir);

    // A file named twice is read once, at its last (highest-precedence) position.
    QList<ConfigSource> ordered;
    for (qsizetype i = sources.size() - 1; i >= 0; --i) {
        ConfigSource source = sources.at(i);
        source.path = QFileInfo(source.path).absoluteFilePath();
        const bool again =
            std::any_of(ordered.cbegin(), ordered.cend(),
                        [&](const ConfigSource& o) { return o.path == source.path; });
        if (again)
            continue;
        ordered.prepend(source);
    }

    // Read the files; later ones win key by key.
    QHash<QString, Setting> effective; // by "[section] key"
    for (const ConfigSource& source : ordered) {
        const QFileInfo info(source.path);
        if (!info.exists()) {
            result.filesSearched
                << QCoreApplication::translate("qpos::Config", "%1 (not present)").arg(source.path);
            if (source.required) {
                result.errors << ConfigIssue{
                    u"config.file_missing"_s, QString(), source.path, 0,
                    QCoreApplication::translate(
                        "qpos::Config",
                        "The configuration file %1 that was given explicitly does not exist.")
                        .arg(source.path)};
            }
            continue;
        }
        result.filesSearched << source.path;
        const IniFile ini = IniFile::read(source.path, result.errors);
        result.filesRead << ini.path;
        for (const IniEntry& entry : ini.entries) {
            const ConfigKey* key = findConfigKey(entry.section, entry.key);
            const QString qualified = qualifiedKeyName(entry.section, entry.key);
            if (!key) {
                QString hint;
                for (const ConfigKey& k : configKeys()) {
                    if (k.section.compare(entry.section, Qt::CaseInsensitive) == 0 &&
                        k.name.compare(entry.key, Qt::CaseInsensitive) == 0) {
                        hint = QCoreApplication::translate(
                                   "qpos::Config", " Did you mean %1? Names are case-sensitive.")
                                   .arg(k.qualifiedName());
                    }
                }
                result.warnings << ConfigIssue{
                    u"config.unknown_key"_s, qualified, ini.path, entry.line,
                    QCoreApplication::translate(
                        "qpos::Config", "%1 (%2, line %3) is not a known key and is ignored.%4")
                        .arg(qualified, ini.path, QString::number(entry.line), hint)};
                continue;
            }
            effective.insert(qualified, Setting{entry.value, ini.path, entry.line});
        }
    }

    // Validate and apply every value that a file set.
    Validator validator(result);
    for (const ConfigKey& key : configKeys()) {
        const auto it = effective.constFind(key.qualifiedName());
        if (it != effective.constEnd())
            validator.setting(key, *it);
    }

    // Values that must be present, depending on the mode and the enabled gateways.
    const QString searched =
        result.filesSearched.isEmpty()
            ? QCoreApplication::translate("qpos::Config", "no configuration file was given")
            : result.filesSearched.join(u", "_s);
    auto missing = [&](const QString& qualified, const QString& when) {
        // A key that was set but invalid has its own error already.
        const bool reported =
            std::any_of(result.errors.cbegin(), result.errors.cend(),
                        [&](const ConfigIssue& issue) { return issue.key == qualified; });
        if (reported)
            return;
        const ConfigKey* key = keyNamed(qualified);
        result.errors << ConfigIssue{
            u"config.missing_required"_s, qualified, QString(), 0,
            QCoreApplication::translate(
                "qpos::Config",
                "%1 is required %2 but is not set. Files searched: %3. Allowed: %4.")
                .arg(qualified, when, searched, key ? key->allowedText() : QString())};
    };
    auto checkFile = [&](const QString& qualified, const QString& path, bool privateKey) {
        if (path.isEmpty())
            return;
        const std::optional<Setting> from = validator.sourceOf(qualified);
        const QString where = from ? QCoreApplication::translate("qpos::Config", " (%1, line %2)")
                                         .arg(from->file, QString::number(from->line))
                                   : QString();
        const ConfigKey* key = keyNamed(qualified);
        const QString allowed = key ? key->allowedText() : QString();
        const QFileInfo info(path);
        if (!info.exists()) {
            result.errors << ConfigIssue{
                u"config.key_file_missing"_s, qualified, from ? from->file : QString(),
                from ? from->line : 0,
                QCoreApplication::translate("qpos::Config",
                                            "%1%2: the file %3 does not exist. Allowed: %4.")
                    .arg(qualified, where, path, allowed)};
            return;
        }
        if (!info.isFile() || !info.isReadable()) {
            result.errors << ConfigIssue{
                u"config.key_file_unreadable"_s, qualified, from ? from->file : QString(),
                from ? from->line : 0,
                QCoreApplication::translate(
                    "qpos::Config", "%1%2: %3 is not a file this user can read. Allowed: %4.")
                    .arg(qualified, where, path, allowed)};
            return;
        }
        const QFile::Permissions open = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup |
                                        QFile::ReadOther | QFile::WriteOther | QFile::ExeOther;
        if (privateKey && (info.permissions() & open)) {
            result.warnings << ConfigIssue{
                u"config.key_file_permissions"_s, qualified, from ? from->file : QString(),
                from ? from->line : 0,
                QCoreApplication::translate(
                    "qpos::Config",
                    "%1%2: %3 can be read by other users; make it readable only by the "
                    "service user (chmod 600).")
                    .arg(qualified, where, path)};
        }
    };

    const AppConfig& c = result.config;
    if (!c.sandbox) {
        const QString outside = QCoreApplication::translate("qpos::Config", "outside the sandbox");
        if (c.store.id.isEmpty())
            missing(keyName("store", "id"), outside);
        if (c.terminal.id.isEmpty())
            missing(keyName("terminal", "id"), outside);
    }
    if (c.alipay.enabled) {
        const QString when =
            QCoreApplication::translate("qpos::Config", "when [alipay] enabled is true");
        if (c.alipay.appId.isEmpty())
            missing(keyName("alipay", "app_id"), when);
        if (c.alipay.appPrivateKeyPath.isEmpty())
            missing(keyName("alipay", "app_private_key"), when);
        checkFile(keyName("alipay", "app_private_key"), c.alipay.appPrivateKeyPath, true);
        if (c.alipay.certMode) {
            const QString certWhen =
                QCoreApplication::translate("qpos::Config", "when [alipay] cert_mode is true");
            const struct {
                const char* name;
                const QString& path;
            } certs[] = {{"app_cert", c.alipay.appCertPath},
                         {"alipay_cert", c.alipay.alipayCertPath},
                         {"alipay_root_cert", c.alipay.alipayRootCertPath}};
            for (const auto& cert : certs) {
                if (cert.path.isEmpty())
                    missing(keyName("alipay", cert.name), certWhen);
                checkFile(keyName("alipay", cert.name), cert.path, false);
            }
        } else {
            if (c.alipay.alipayPublicKeyPath.isEmpty())
                missing(
                    keyName("alipay", "alipay_public_key"),
                    QCoreApplication::translate(
                        "qpos::Config", "when [alipay] enabled is true and cert_mode is false"));
            checkFile(keyName("alipay", "alipay_public_key"), c.alipay.alipayPublicKeyPath, false);
        }
    }
    if (c.wechat.enabled) {
        const QString when =
            QCoreApplication::translate("qpos::Config", "when [wechat] enabled is true");
        const struct {
            const char* name;
            const QString& value;
        } required[] = {{"mch_id", c.wechat.mchId},
                        {"app_id", c.wechat.appId},
                        {"merchant_private_key", c.wechat.merchantPrivateKeyPath},
                        {"merchant_serial_no", c.wechat.merchantSerialNo},
                        {"apiv3_key_file", c.wechat.apiV3KeyPath},
                        {"wechatpay_public_key", c.wechat.wechatpayPublicKeyPath},
                        {"notify_url", c.wechat.notifyUrl}};
        for (const auto& r : required) {
            if (r.value.isEmpty())
                missing(keyName("wechat", r.name), when);
        }
        // A platform certificate names itself (its serial); a bare public key needs its id.
        if (c.wechat.wechatpayPublicKeyId.isEmpty() && !c.wechat.wechatpayPublicKeyPath.isEmpty() &&
            !isCertificateFile(c.wechat.wechatpayPublicKeyPath))
            missing(keyName("wechat", "wechatpay_public_key_id"),
                    QCoreApplication::translate("qpos::Config",
                                                "when [wechat] enabled is true and "
                                                "wechatpay_public_key is a public key (not a "
                                                "platform certificate)"));
        checkFile(keyName("wechat", "merchant_private_key"), c.wechat.merchantPrivateKeyPath, true);
        checkFile(keyName("wechat", "apiv3_key_file"), c.wechat.apiV3KeyPath, true);
        checkFile(keyName("wechat", "wechatpay_public_key"), c.wechat.wechatpayPublicKeyPath,
                  false);
    }
    checkRouting(result, validator);
    return result;
}

} // namespace qpos
