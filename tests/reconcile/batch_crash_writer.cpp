// Child process of tst_batch_store_crash: saves the same day's reconciliation again and again,
// each run with its own number of differences, and reports each run on stdout only after
// saveCompleted() returned. The test kills it with SIGKILL at random moments.
#include "core/reconcile/SqliteBatchStore.h"
#include "tests/reconcile/BatchSamples.h"

#include <QCoreApplication>

#include <cstdio>
#include <unistd.h>

using namespace qpos;
using namespace qpos::reconcile;

namespace {

void report(const QByteArray& line) {
    const QByteArray out = line + '\n';
    // Unbuffered: the parent must see exactly what returned before the kill.
    qsizetype done = 0;
    while (done < out.size()) {
        const ssize_t n = ::write(STDOUT_FILENO, out.constData() + done, size_t(out.size() - done));
        if (n <= 0)
            std::_Exit(3);
        done += n;
    }
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (argc < 3) {
        std::fprintf(stderr, "usage: qpos_batch_crash_writer DATABASE FIRST_RUN\n");
        return 2;
    }
    SqliteBatchStore store;
    if (Status s = store.open(QString::fromLocal8Bit(argv[1])); !s.ok()) {
        std::fprintf(stderr, "%s\n", qPrintable(s.error().message));
        return 1;
    }
    report("ready");
    const QDate day(2026, 11, 20);
    for (qint64 run = QByteArray(argv[2]).toLongLong();; ++run) {
        // Run n has (n % 7) + 1 differences named after it, and says n in its matched count.
        QList<DifferenceItem> items;
        for (qint64 k = 0; k <= run % 7; ++k)
            items << test::sampleItem(DifferenceClass::LocalOnly,
                                      QStringLiteral("RUN%1_%2").arg(run).arg(k));
        CompletedRun completed = test::sampleRun(day, items, 1000 + run);
        completed.result.totals.matched = run;
        const Result<qint64> saved = store.saveCompleted(completed);
        if (!saved) {
            std::fprintf(stderr, "%s\n", qPrintable(saved.error().message));
            return 1;
        }
        report("S " + QByteArray::number(run));
    }
}
