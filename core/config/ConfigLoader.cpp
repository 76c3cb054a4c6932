#include "core/config/ConfigLoader.h"

#include "core/config/ConfigKeys.h"
#include "core/config/ConfigValueParser.h"
#include "core/config/IniFile.h"
#include "core/routing/CodePrefixRange.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
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

class Validator {
public:
    explicit Validator(ConfigLoadResult& result)
        : m_result(result) {}

    void setting(const ConfigKey& key, const Setting& s) {
        const Result<ConfigValue> value =
            parseConfigValue(key, s.value, QFileInfo(s.file).absoluteDir());
        if (!value) {
            invalid(key, s, value.error().message, value.error().code);
            return;
        }
        key.apply(m_result.config, *value);
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
                        {"notify_url", c.wechat.notifyUrl}};
        for (const auto& r : required) {
            if (r.value.isEmpty())
                missing(keyName("wechat", r.name), when);
        }
        if (c.wechat.wechatpayPublicKeyPath.isEmpty() && c.wechat.platformCertPath.isEmpty())
            missing(keyName("wechat", "wechatpay_public_key"),
                    QCoreApplication::translate("qpos::Config",
                                                "when [wechat] enabled is true and no "
                                                "platform_certificate is set"));
        if (!c.wechat.platformCertPath.isEmpty() && !isCertificateFile(c.wechat.platformCertPath))
            result.errors << ConfigIssue{
                u"config.not_a_certificate"_s, keyName("wechat", "platform_certificate"), QString(),
                0,
                QCoreApplication::translate(
                    "qpos::Config", "%1 holds no certificate (-----BEGIN CERTIFICATE-----). "
                                    "Download the platform certificate again, or leave "
                                    "the key out and use wechatpay_public_key.")
                    .arg(c.wechat.platformCertPath)};
        // A platform certificate names itself (its serial); a bare public key needs its id.
        if (c.wechat.wechatpayPublicKeyId.isEmpty() && !c.wechat.wechatpayPublicKeyPath.isEmpty() &&
            !isCertificateFile(c.wechat.wechatpayPublicKeyPath))
            missing(keyName("wechat", "wechatpay_public_key_id"),
                    QCoreApplication::translate("qpos::Config",
                                                "when [wechat] enabled is true and "
                                                "wechatpay_public_key is a public key (not a "
                                                "platform certificate)"));
        // WeChat refuses a notify_url with parameters ("不能携带参数").
        if (QUrl(c.wechat.notifyUrl).hasQuery()) {
            const QString qualified = keyName("wechat", "notify_url");
            const std::optional<Setting> from = validator.sourceOf(qualified);
            const ConfigKey* key = keyNamed(qualified);
            result.errors << ConfigIssue{
                u"config.invalid_value"_s, qualified, from ? from->file : QString(),
                from ? from->line : 0,
                QCoreApplication::translate(
                    "qpos::Config",
                    "%1%2: WeChat Pay does not accept a notification address with parameters "
                    "(the part after '?'). Remove them, or give the store backend a path of its "
                    "own for WeChat Pay. Allowed: %3.")
                    .arg(qualified,
                         from ? QCoreApplication::translate("qpos::Config", " (%1, line %2)")
                                    .arg(from->file, QString::number(from->line))
                              : QString(),
                         key ? key->allowedText() : QString())};
        }
        checkFile(keyName("wechat", "merchant_private_key"), c.wechat.merchantPrivateKeyPath, true);
        checkFile(keyName("wechat", "apiv3_key_file"), c.wechat.apiV3KeyPath, true);
        checkFile(keyName("wechat", "wechatpay_public_key"), c.wechat.wechatpayPublicKeyPath,
                  false);
        checkFile(keyName("wechat", "platform_certificate"), c.wechat.platformCertPath, false);
    }
    if (c.printer.enabled) {
        const QString qualified = keyName("printer", "url");
        if (c.printer.url.isEmpty())
            missing(qualified,
                    QCoreApplication::translate("qpos::Config", "when [printer] enabled is true"));
        const QUrl url(c.printer.url);
        if (url.scheme() == u"tcp" && (!url.isValid() || url.port() == 0)) {
            const std::optional<Setting> from = validator.sourceOf(qualified);
            const ConfigKey* key = keyNamed(qualified);
            result.errors << ConfigIssue{
                u"config.invalid_value"_s, qualified, from ? from->file : QString(),
                from ? from->line : 0,
                QCoreApplication::translate(
                    "qpos::Config", "%1: the port of %2 is not between 1 and 65535 (network "
                                    "receipt printers listen on 9100). Allowed: %3.")
                    .arg(qualified, c.printer.url, key ? key->allowedText() : QString())};
        }
    }
    checkRouting(result, validator);
    return result;
}

ConfigLoadResult ConfigLoader::loadReplacing(const QList<ConfigSource>& sources,
                                             const QString& target, const QString& candidate,
                                             const ConfigLoadOptions& options) {
    const QString absoluteTarget = QFileInfo(target).absoluteFilePath();
    QList<ConfigSource> replaced;
    bool placed = false;
    for (const ConfigSource& source : sources) {
        if (QFileInfo(source.path).absoluteFilePath() == absoluteTarget) {
            replaced << ConfigSource{candidate, true};
            placed = true;
        } else if (!placed && source.required) {
            replaced << ConfigSource{candidate, true} << source;
            placed = true;
        } else {
            replaced << source;
        }
    }
    if (!placed)
        replaced << ConfigSource{candidate, true};
    return load(replaced, options);
}

} // namespace qpos
