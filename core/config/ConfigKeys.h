#pragma once

#include "core/config/AppConfig.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>
#include <QtGlobal>

namespace qpos {

// How a configuration value is parsed and checked.
enum class ConfigValueType {
    Text,         // any text up to maxLength characters
    Identifier,   // 1..maxLength of [A-Za-z0-9]
    Pattern,      // must match `pattern` completely
    Bool,         // true/false, yes/no, on/off, 1/0 (any case)
    Integer,      // decimal digits, within minimum..maximum
    Choice,       // one of `choices` (any case; stored in the canonical spelling)
    SecureUrl,    // https URL; http only to a loopback host (127.0.0.0/8, ::1, localhost)
    Url,          // http or https URL
    Path,         // a file or directory path; relative: against the setting file's directory
    KeyFile,      // like Path, and the file must exist when its section is enabled
    ChannelList,  // comma-separated channel names (alipay, wechat), each once; empty: default
    CodePrefixes, // comma-separated payment-code prefix ranges ("25-30, 62"); may be empty
    Amount,       // yuan with at most two decimals (money::parseYuan); empty: none
};

// A value that passed validation, in the form the key's setter needs: the canonical text, the
// Bool flag (Amount: set), the Integer or Amount (fen) number.
struct ConfigValue {
    QString text;
    bool flag = false;
    qint64 number = 0;
};

// One known key: what the loader accepts, what the documentation says and where the value
// lands in AppConfig. The table is the single source for unknown-key detection, validation
// bounds, defaults, `doctor` output and docs.
struct ConfigKey {
    QString section;
    QString name;
    ConfigValueType type = ConfigValueType::Text;
    QString defaultValue;     // as written in a file; empty when there is none
    const char* allowed = ""; // what is allowed (English source text, context qpos::Config)
    const char* doc = "";     // one line of documentation (same context)
    qint64 minimum = 0;       // Integer: smallest value
    qint64 maximum = 0;       // Integer: largest value; Text/Identifier: longest length
    QStringList choices;      // Choice: canonical spellings
    QString pattern;          // Pattern: regular expression the whole value must match
    bool secret = false;      // the value is never repeated in a message
    // Stores a parsed value in its AppConfig field.
    void (*apply)(AppConfig& config, const ConfigValue& value) = nullptr;
    // The field's value as a file would write it ("" for an unset optional value).
    QString (*valueText)(const AppConfig& config) = nullptr;

    // "[section] name", the way every message and document names a key.
    QString qualifiedName() const;
    // The translated `allowed` and `doc` texts.
    QString allowedText() const;
    QString docText() const;
};

// A default under the data directory (database, logs) starts with this.
inline constexpr QStringView kDataDirPlaceholder = u"<AppDataLocation>/";

// Every key the loader knows, in documentation order.
const QList<ConfigKey>& configKeys();

// The key with exactly this section and name, or nullptr.
const ConfigKey* findConfigKey(QStringView section, QStringView name);

// Formats "[section] name".
QString qualifiedKeyName(QStringView section, QStringView name);

} // namespace qpos
