#pragma once

#include "core/common/Result.h"
#include "core/config/AppConfig.h"
#include "core/config/ConfigIssue.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace qpos {

// One configuration file to read. Files are applied in list order and a later file wins,
// key by key.
struct ConfigSource {
    QString path;
    bool required = false; // given explicitly (--config): a missing file is an error
};

struct ConfigLoadOptions {
    bool sandbox = false; // start from sandboxDefaults(); store and terminal ids not required
    QString dataDir;      // where default database and log paths go; empty: defaultDataDir()
};

struct ConfigLoadResult {
    AppConfig config;            // complete and valid when ok(); partially filled otherwise
    QList<ConfigIssue> errors;   // everything wrong, not just the first problem
    QList<ConfigIssue> warnings; // unknown keys, key files other users can read, ...
    QStringList filesRead;       // absolute paths of the files that were read, in order
    QStringList filesSearched;   // every file looked at, "path" or "path (not present)"

    bool ok() const { return errors.isEmpty(); }
    // All errors in one Error: the single error as is, or code "config.invalid" with one
    // message per line.
    Error error() const;
    Result<AppConfig> toResult() const;
};

// Loads the layered INI configuration into an AppConfig, validating every value. Pure: it
// logs nothing (logging is configured from its result) and reads no key material (crypto
// reads the key files later; only their existence is checked here).
class ConfigLoader {
public:
    // /etc/qpos/qpos.ini
    static QString systemConfigPath();
    // QStandardPaths::AppConfigLocation/qpos.ini (e.g. ~/.config/qpos/qpos.ini)
    static QString userConfigPath();
    // QStandardPaths::AppDataLocation (e.g. ~/.local/share/qpos)
    static QString defaultDataDir();

    // The standard layering, lowest precedence first: the system file and the user file
    // (both optional), then `explicitPath` when given (required).
    static QList<ConfigSource> standardSources(const QString& explicitPath = QString());

    static ConfigLoadResult load(const QList<ConfigSource>& sources,
                                 const ConfigLoadOptions& options = ConfigLoadOptions());

    // Loads `sources` as the till would after `target` was replaced by `candidate`: the
    // candidate takes the target's place, or goes before the first explicit file, or last.
    // How an edited file is checked before it replaces the real one.
    static ConfigLoadResult loadReplacing(const QList<ConfigSource>& sources, const QString& target,
                                          const QString& candidate,
                                          const ConfigLoadOptions& options = ConfigLoadOptions());
};

} // namespace qpos
