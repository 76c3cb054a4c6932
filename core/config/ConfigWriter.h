#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace qpos {

// One change to a configuration file.
struct ConfigEdit {
    QString section;
    QString key;
    // The new value; nullopt removes the key, so a lower file or the default applies again.
    std::optional<QString> value;
};

// Changes keys of an INI file (the syntax of IniFile.h) in place: comments, blank lines,
// other keys and their order are kept, so a file an installer annotated stays readable.
class ConfigWriter {
public:
    // `original` with `edits` applied. An existing key is rewritten on its own line (a
    // duplicate of it is dropped); a new key goes after the last key of its section; a new
    // section goes at the end. A value with leading or trailing blanks, or one that is itself
    // quoted, is written in double quotes so that IniFile reads back exactly the same text.
    // Refuses a section or key name IniFile would not accept and a value with a line break.
    static Result<QByteArray> apply(const QByteArray& original, const QList<ConfigEdit>& edits);

    // Checks a candidate file before it replaces the real one; gets the candidate's path.
    using Validator = std::function<Status(const QString& candidatePath)>;

    // Applies `edits` to the file at `path` (a missing file counts as empty; its directory is
    // created) and replaces it atomically: the new text is written to a temporary file in the
    // same directory, synced, handed to `validate`, and renamed over `path` only when that
    // succeeds. A symbolic link is followed (its target is replaced). The file keeps its
    // permissions (a new one gets 0644: it holds no secret, key files are separate). On any failure
    // the original file is untouched.
    static Status write(const QString& path, const QList<ConfigEdit>& edits,
                        const Validator& validate = {});
};

} // namespace qpos
