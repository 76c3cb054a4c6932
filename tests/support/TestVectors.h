#pragma once

#include <QJsonObject>

namespace qpos::test {

// The shared protocol vectors (tests/data/vectors.json); aborts the run when it is missing.
QJsonObject testVectors();

} // namespace qpos::test
