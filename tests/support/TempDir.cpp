#include "tests/support/TempDir.h"

#include <QtGlobal>

namespace qpos::test {

TempDir::TempDir() {
    m_dir.setAutoRemove(!qEnvironmentVariableIsSet("QPOS_KEEP_TEST_FILES"));
}

} // namespace qpos::test
