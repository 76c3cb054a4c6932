// The till's scanner burst detector (ui/till/ScannerBurstDetector) fed keys as a byte stream:
// two bytes of settings (largest gap, fewest digits), then two bytes per key (which key, and
// the milliseconds since the previous one). Its logic runs without a window: a QApplication
// on the offscreen platform, and a line edit that is never shown. Properties: a code is
// reported exactly when a separate model of the rule says so, with the same digits, only
// digits and at least the fewest; the key that ends a burst is swallowed then and only then;
// and the line edit gets back the text it had before the burst.
#include "tests/fuzz/FuzzSupport.h"
#include "ui/till/ScannerBurstDetector.h"

#include <QApplication>
#include <QLineEdit>
#include <QWidget>

#include <optional>

using namespace qpos;

namespace {

QApplication& application() {
    static int argc = 1;
    static char name[] = "qpos-fuzz";
    static char* argv[] = {name, nullptr};
    // Never destroyed: Qt's font caches would otherwise be reported as leaks at exit.
    static QApplication* const app = [] {
        qputenv("QT_QPA_PLATFORM", "offscreen");
        return new QApplication(argc, argv);
    }();
    return *app;
}

struct Key {
    int key = 0;
    QString text;
};

Key keyFor(quint8 byte) {
    const int choice = byte % 16;
    if (choice < 10)
        return {Qt::Key_0 + choice, QString(QChar(char16_t(u'0' + choice)))};
    switch (choice) {
    case 10:
        return {Qt::Key_Return, QStringLiteral("\r")};
    case 11:
        return {Qt::Key_Enter, QStringLiteral("\r")};
    case 12:
        return {Qt::Key_Tab, QStringLiteral("\t")};
    case 13:
        return {0, QStringLiteral("\n")}; // a line feed with no Qt key of its own
    case 14:
        return {Qt::Key_A, QStringLiteral("a")};
    default:
        return {Qt::Key_Shift, QString()};
    }
}

// The rule, written out separately: a run of digits each within `maxGap` of the previous,
// ended within `maxGap` by Enter, Return, Tab, CR or LF, with at least `minDigits` digits.
class BurstModel {
public:
    BurstModel(int maxGap, int minDigits)
        : m_maxGap(maxGap)
        , m_minDigits(minDigits) {}

    std::optional<QString> feed(const Key& key, qint64 atMs) {
        const bool digit =
            key.text.size() == 1 && key.text[0].isDigit() && key.text[0].unicode() < 128;
        const bool inRun = !m_run.isEmpty() && atMs - m_lastMs <= m_maxGap;
        if (digit) {
            m_run = inRun ? m_run + key.text : key.text;
            m_lastMs = atMs;
            return std::nullopt;
        }
        const bool end = key.key == Qt::Key_Return || key.key == Qt::Key_Enter ||
                         key.key == Qt::Key_Tab || key.text == u"\n" || key.text == u"\r";
        std::optional<QString> code;
        if (end && inRun && m_run.size() >= m_minDigits)
            code = m_run;
        m_run.clear();
        return code;
    }

private:
    int m_maxGap;
    int m_minDigits;
    QString m_run;
    qint64 m_lastMs = 0;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    application();
    if (size < 2)
        return 0;
    const int maxGap = 1 + data[0] % 100;
    const int minDigits = 1 + data[1] % 24;

    QWidget scope;
    auto* edit = new QLineEdit(&scope);
    edit->setText(QStringLiteral("12.50"));
    ui::ScannerBurstDetector detector(&scope);
    detector.setMaxGapMs(maxGap);
    detector.setMinDigits(minDigits);
    QStringList reported;
    QObject::connect(&detector, &ui::ScannerBurstDetector::codeScanned,
                     [&reported](const QString& code) { reported << code; });

    BurstModel model(maxGap, minDigits);
    qint64 now = 1000;
    QString textBeforeRun = edit->text();
    bool inRun = false;
    for (size_t i = 2; i + 1 < size; i += 2) {
        const Key key = keyFor(data[i]);
        now += data[i + 1];
        const std::optional<QString> expected = model.feed(key, now);
        const qsizetype before = reported.size();
        const bool swallowed = detector.feedKey(key.key, key.text, now, edit);
        QPOS_FUZZ_CHECK(swallowed == expected.has_value());
        QPOS_FUZZ_CHECK(reported.size() == before + (expected ? 1 : 0));
        if (expected) {
            const QString& code = reported.back();
            QPOS_FUZZ_CHECK(code == *expected);
            QPOS_FUZZ_CHECK(code.size() >= minDigits);
            for (QChar c : code)
                QPOS_FUZZ_CHECK(c.unicode() >= u'0' && c.unicode() <= u'9');
            QPOS_FUZZ_CHECK(edit->text() == textBeforeRun);
            inRun = false;
            continue;
        }
        // The digits land in the field as the keys are typed, as they would on the till.
        const bool digit =
            key.text.size() == 1 && key.text[0].unicode() >= u'0' && key.text[0].unicode() <= u'9';
        if (digit) {
            if (!inRun || data[i + 1] > maxGap)
                textBeforeRun = edit->text();
            inRun = true;
            edit->insert(key.text);
        } else {
            inRun = false;
        }
    }
    return 0;
}
