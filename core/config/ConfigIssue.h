#pragma once

#include "core/common/Result.h"

#include <QString>

namespace qpos {

// One finding of the configuration loader: an error (the configuration is not usable) or a
// warning (it is usable, but something deserves attention, such as an unknown key). The
// message is a complete translated sentence that already names the key, the file, the value
// (unless secret) and what is allowed; the other fields let tools such as `doctor` sort,
// filter or point at the line.
struct ConfigIssue {
    QString code;    // stable, e.g. "config.invalid_value"
    QString key;     // "[section] key"; empty when the issue is about a whole file
    QString file;    // the file concerned; empty when none (e.g. a missing required key)
    int line = 0;    // 1-based line in `file`; 0 when not tied to a line
    QString message; // translated, for people

    Error toError() const { return Error{code, message}; }
};

} // namespace qpos
