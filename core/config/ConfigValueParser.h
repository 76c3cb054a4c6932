#pragma once

#include "core/common/Result.h"
#include "core/config/ConfigKeys.h"

#include <QDir>
#include <QString>

namespace qpos {

// Checks `text` against what `key` allows and turns it into the value its setter takes.
// Relative paths are resolved against `baseDir` (the directory of the file that set them).
// An error's message is the translated problem alone ("\"x\" is out of range"); the loader
// adds the key, the file, the line and what is allowed. Its code is config.invalid_value, or
// config.key_inline for key material pasted where a key file's path belongs.
Result<ConfigValue> parseConfigValue(const ConfigKey& key, const QString& text,
                                     const QDir& baseDir);

} // namespace qpos
