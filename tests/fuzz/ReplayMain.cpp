// The ordinary build's main() for a harness: runs LLVMFuzzerTestOneInput over every file of
// the directories (or files) given, so CTest replays the seed corpus and the regression inputs
// without libFuzzer. A directory that does not exist counts as empty (a harness without
// regressions yet). A failed property ends the process, which fails the test.
#include "tests/fuzz/FuzzSupport.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStringList>

#include <cstdio>

int main(int argc, char** argv) {
    int replayed = 0;
    for (int i = 1; i < argc; ++i) {
        const QFileInfo arg(QString::fromLocal8Bit(argv[i]));
        QStringList files;
        if (arg.isDir()) {
            const QDir dir(arg.absoluteFilePath());
            for (const QString& name : dir.entryList(QDir::Files, QDir::Name))
                files << dir.absoluteFilePath(name);
        } else if (arg.isFile()) {
            files << arg.absoluteFilePath();
        }
        for (const QString& path : files) {
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly)) {
                std::fprintf(stderr, "cannot read %s\n", qPrintable(path));
                return 1;
            }
            const QByteArray data = file.readAll();
            std::fprintf(stderr, "replaying %s\n", qPrintable(path));
            LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(data.constData()),
                                   size_t(data.size()));
            ++replayed;
        }
    }
    std::printf("%d inputs replayed\n", replayed);
    return replayed > 0 ? 0 : 1;
}
