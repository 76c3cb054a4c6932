#include "tests/support/TestVectors.h"

#include <QFile>
#include <QJsonDocument>

namespace qpos::test {

QJsonObject testVectors() {
    QFile f(QStringLiteral(QPOS_TEST_DATA_DIR "/vectors.json"));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("vectors.json missing");
    return QJsonDocument::fromJson(f.readAll()).object();
}

} // namespace qpos::test
