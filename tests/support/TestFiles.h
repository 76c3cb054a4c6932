#pragma once

#include "tests/support/TempDir.h"

#include <QByteArray>
#include <QString>

#include <sys/types.h>

namespace qpos::test {

// Writes `contents` to `name` in `dir` with exactly the permission bits `mode` (key files are
// refused or accepted by their mode); returns the path. Aborts the run if it cannot.
QString writeFileWithMode(const TempDir& dir, const QString& name, const QByteArray& contents,
                          mode_t mode);

} // namespace qpos::test
