#include "core/config/ConfigValueParser.h"

#include "core/money/Money.h"
#include "core/orders/Channel.h"
#include "core/routing/CodePrefixRange.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QRegularExpression>
#include <QStringList>
#include <QUrl>

#include <optional>

using namespace Qt::StringLiterals;

namespace qpos {

namespace {

Error invalidValue(const QString& problem, const QString& code = u"config.invalid_value"_s) {
    return Error{code, problem};
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

// The value as a person may see it in a message: quoted, or a note that it is hidden.
QString shown(const ConfigKey& key, const QString& value) {
    if (key.secret)
        return QCoreApplication::translate("qpos::Config", "the value (not shown, it is secret)");
    return u'"' + value + u'"';
}

Result<ConfigValue> parseChannels(const ConfigKey& key, const QString& text) {
    QStringList names;
    for (QStringView part : QStringView(text).split(u',')) {
        part = part.trimmed();
        const std::optional<Channel> channel = channelFromName(part.toString().toLower());
        if (part.isEmpty()) {
            return invalidValue(QCoreApplication::translate(
                                    "qpos::Config", "%1 has an empty entry (two commas in a row, "
                                                    "or a comma at the start or end)")
                                    .arg(shown(key, text)));
        }
        if (!channel) {
            return invalidValue(QCoreApplication::translate(
                                    "qpos::Config", "in %1, \"%2\" is not a payment channel")
                                    .arg(shown(key, text), part.toString()));
        }
        if (!isProviderChannel(*channel)) {
            return invalidValue(
                QCoreApplication::translate("qpos::Config",
                                            "in %1, cash is not a payment provider: remove it "
                                            "here and set [checkout] cash = true instead")
                    .arg(shown(key, text)));
        }
        if (names.contains(channelName(*channel))) {
            return invalidValue(QCoreApplication::translate("qpos::Config", "%1 names %2 twice")
                                    .arg(shown(key, text), channelName(*channel)));
        }
        names << channelName(*channel);
    }
    return ConfigValue{names.join(u", "_s)};
}

Result<ConfigValue> parseUrl(const ConfigKey& key, const QString& text) {
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.isRelative() || url.host().isEmpty() || text.contains(u' ')) {
        return invalidValue(QCoreApplication::translate("qpos::Config", "%1 is not a complete URL")
                                .arg(shown(key, text)));
    }
    if (scheme != u"https" && scheme != u"http") {
        return invalidValue(QCoreApplication::translate("qpos::Config", "%1 uses the scheme \"%2\"")
                                .arg(shown(key, text), url.scheme()));
    }
    if (!url.userInfo().isEmpty()) {
        // Never repeat a URL that carries a password.
        return invalidValue(QCoreApplication::translate(
            "qpos::Config", "the URL contains a user name or password (not shown)"));
    }
    if (key.type == ConfigValueType::SecureUrl && scheme == u"http" &&
        !isLoopbackHost(url.host())) {
        return invalidValue(
            QCoreApplication::translate(
                "qpos::Config",
                "%1 uses plain http to \"%2\", which is not a loopback host; payment "
                "traffic must be encrypted")
                .arg(shown(key, text), url.host()));
    }
    return ConfigValue{text};
}

Result<ConfigValue> parsePath(const ConfigKey& key, const QString& text, const QDir& baseDir) {
    if (key.type == ConfigValueType::KeyFile && looksLikeKeyMaterial(text)) {
        return invalidValue(
            QCoreApplication::translate(
                "qpos::Config",
                "the value looks like the key itself, not the path of a file (it is "
                "not shown here). Put the key in a file readable only by the service "
                "user (chmod 600) and give that file's path"),
            u"config.key_inline"_s);
    }
    if (text.startsWith(u'~')) {
        return invalidValue(
            QCoreApplication::translate(
                "qpos::Config", "%1 starts with '~', which is not expanded; write the full path")
                .arg(shown(key, text)));
    }
    return ConfigValue{QDir::cleanPath(baseDir.absoluteFilePath(text))};
}

} // namespace

Result<ConfigValue> parseConfigValue(const ConfigKey& key, const QString& text,
                                     const QDir& baseDir) {
    const bool optionalEmpty =
        (key.type == ConfigValueType::Text) || (key.type == ConfigValueType::ChannelList) ||
        (key.type == ConfigValueType::CodePrefixes) || (key.type == ConfigValueType::Amount) ||
        ((key.type == ConfigValueType::Url || key.type == ConfigValueType::SecureUrl) &&
         key.defaultValue.isEmpty());
    if (text.isEmpty()) {
        if (optionalEmpty)
            return ConfigValue{};
        return invalidValue(QCoreApplication::translate("qpos::Config", "the value is empty"));
    }

    switch (key.type) {
    case ConfigValueType::Text: {
        const qsizetype length = text.toUcs4().size();
        if (length > key.maximum) {
            return invalidValue(
                QCoreApplication::translate("qpos::Config", "%1 is %2 characters long")
                    .arg(shown(key, text), QString::number(length)));
        }
        return ConfigValue{text};
    }
    case ConfigValueType::Identifier: {
        static const QRegularExpression id(u"^[A-Za-z0-9]+$"_s);
        if (text.contains(u'_')) {
            return invalidValue(
                QCoreApplication::translate("qpos::Config", "%1 contains an underscore")
                    .arg(shown(key, text)));
        }
        if (!id.match(text).hasMatch()) {
            return invalidValue(
                QCoreApplication::translate("qpos::Config",
                                            "%1 contains a character other than a letter or digit")
                    .arg(shown(key, text)));
        }
        if (text.size() > key.maximum) {
            return invalidValue(
                QCoreApplication::translate("qpos::Config", "%1 is %2 characters long")
                    .arg(shown(key, text), QString::number(text.size())));
        }
        return ConfigValue{text};
    }
    case ConfigValueType::Pattern: {
        const QRegularExpression re(QRegularExpression::anchoredPattern(key.pattern));
        if (!re.match(text).hasMatch()) {
            return invalidValue(
                QCoreApplication::translate("qpos::Config", "%1 does not have the expected form")
                    .arg(shown(key, text)));
        }
        return ConfigValue{text};
    }
    case ConfigValueType::Bool: {
        const QString lower = text.toLower();
        if (lower == u"true" || lower == u"yes" || lower == u"on" || lower == u"1")
            return ConfigValue{text, true};
        if (lower == u"false" || lower == u"no" || lower == u"off" || lower == u"0")
            return ConfigValue{text, false};
        return invalidValue(QCoreApplication::translate("qpos::Config", "%1 is not a yes/no value")
                                .arg(shown(key, text)));
    }
    case ConfigValueType::Integer: {
        static const QRegularExpression digits(u"^-?[0-9]+$"_s);
        if (!digits.match(text).hasMatch()) {
            return invalidValue(
                QCoreApplication::translate("qpos::Config", "%1 is not a whole number")
                    .arg(shown(key, text)));
        }
        bool ok = false;
        const qint64 n = text.toLongLong(&ok);
        if (!ok || n < key.minimum || n > key.maximum) {
            return invalidValue(QCoreApplication::translate("qpos::Config", "%1 is out of range")
                                    .arg(shown(key, text)));
        }
        return ConfigValue{text, false, n};
    }
    case ConfigValueType::Choice: {
        for (const QString& c : key.choices) {
            if (c.compare(text, Qt::CaseInsensitive) == 0)
                return ConfigValue{c};
        }
        return invalidValue(
            QCoreApplication::translate("qpos::Config", "%1 is not one of the choices")
                .arg(shown(key, text)));
    }
    case ConfigValueType::Url:
    case ConfigValueType::SecureUrl:
        return parseUrl(key, text);
    case ConfigValueType::Path:
    case ConfigValueType::KeyFile:
        return parsePath(key, text, baseDir);
    case ConfigValueType::ChannelList:
        return parseChannels(key, text);
    case ConfigValueType::CodePrefixes: {
        QString problem;
        const std::optional<QList<routing::CodePrefixRange>> ranges =
            routing::parseCodePrefixRanges(text, &problem);
        if (!ranges) {
            return invalidValue(QCoreApplication::translate("qpos::Config", "in %1, %2")
                                    .arg(shown(key, text), problem));
        }
        return ConfigValue{routing::formatCodePrefixRanges(*ranges)};
    }
    case ConfigValueType::Amount: {
        const Result<money::Fen> fen = money::parseYuan(text, money::Sign::Positive);
        if (!fen) {
            return invalidValue(
                QCoreApplication::translate("qpos::Config", "%1 is not a usable amount: %2")
                    .arg(shown(key, text), fen.error().message));
        }
        return ConfigValue{money::formatYuan(*fen), true, *fen};
    }
    }
    Q_UNREACHABLE();
    return ConfigValue{};
}

} // namespace qpos
