#include "tests/support/TestFiles.h"

#include <QFile>

#include <sys/stat.h>

namespace qpos::test {

QString writeFileWithMode(const TempDir& dir, const QString& name, const QByteArray& contents,
                          mode_t mode) {
    const QString path = dir.file(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write test file");
    file.write(contents);
    file.close();
    if (::chmod(QFile::encodeName(path).constData(), mode) != 0)
        qFatal("chmod failed");
    return path;
}

} // namespace qpos::test
