#pragma once

#include <QString>
#include <QTemporaryDir>

namespace qpos::test {

// A scratch directory for one test, removed afterwards unless QPOS_KEEP_TEST_FILES is set.
class TempDir {
public:
    TempDir();
    QString path() const { return m_dir.path(); }
    QString file(const QString& name) const { return m_dir.filePath(name); }

private:
    QTemporaryDir m_dir;
};

} // namespace qpos::test
