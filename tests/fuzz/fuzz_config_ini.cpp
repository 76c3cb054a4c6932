// The configuration files: IniFile::parse, ConfigWriter::apply and ConfigLoader::load over any
// bytes. Properties: every problem names its file; the settings read from a file, written
// with ConfigWriter into an empty file or back into the same file, read back the same; and
// ConfigLoader finds the same errors and warnings in the rewritten file as in the original.
#include "core/config/ConfigLoader.h"
#include "core/config/ConfigWriter.h"
#include "core/config/IniFile.h"
#include "tests/fuzz/FuzzSupport.h"

#include <QFile>
#include <QMap>
#include <QPair>
#include <QTemporaryDir>

#include <memory>

using namespace qpos;

namespace {

using Settings = QMap<QPair<QString, QString>, QString>;

Settings settingsOf(const IniFile& ini) {
    Settings settings;
    for (const IniEntry& entry : ini.entries)
        settings.insert({entry.section, entry.key}, entry.value);
    return settings;
}

const QTemporaryDir& scratch() {
    static const auto dir = std::make_unique<QTemporaryDir>();
    QPOS_FUZZ_CHECK(dir->isValid());
    return *dir;
}

QString writeFile(const QString& name, const QByteArray& data) {
    const QString path = scratch().filePath(name);
    QFile file(path);
    QPOS_FUZZ_CHECK(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QPOS_FUZZ_CHECK(file.write(data) == data.size());
    return path;
}

// Issues without what depends on the file's name and line numbers.
QStringList issueKeys(const QList<ConfigIssue>& issues) {
    QStringList keys;
    for (const ConfigIssue& issue : issues)
        keys << issue.code + u' ' + issue.key;
    keys.sort();
    return keys;
}

ConfigLoadResult load(const QString& path) {
    ConfigLoadOptions options;
    options.sandbox = true;
    options.dataDir = scratch().filePath(QStringLiteral("data"));
    return ConfigLoader::load({ConfigSource{path, true}}, options);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::ensureCoreApplication();
    const QByteArray input = fuzz::bytesOf(data, size).toByteArray();
    const QString name = QStringLiteral("fuzz.ini");

    QList<ConfigIssue> errors;
    const IniFile ini = IniFile::parse(name, input, errors);
    for (const ConfigIssue& issue : errors) {
        QPOS_FUZZ_CHECK(issue.file == name);
        QPOS_FUZZ_CHECK(issue.message.contains(name));
    }
    const Settings settings = settingsOf(ini);

    QList<ConfigEdit> edits;
    for (const IniEntry& entry : ini.entries)
        edits << ConfigEdit{entry.section, entry.key, entry.value};

    // Into an empty file: exactly these settings come back, without complaint.
    const Result<QByteArray> fresh = ConfigWriter::apply(QByteArray(), edits);
    if (fresh) {
        QList<ConfigIssue> freshErrors;
        const IniFile reread = IniFile::parse(name, *fresh, freshErrors);
        QPOS_FUZZ_CHECK(freshErrors.isEmpty());
        QPOS_FUZZ_CHECK(settingsOf(reread) == settings);
    } else {
        QPOS_FUZZ_CHECK(fresh.error().code.startsWith(u"config.write_"));
    }

    if (!errors.isEmpty() || !fresh)
        return 0;
    // Back into the same file: nothing changes for the reader, or for the loader.
    const Result<QByteArray> rewritten = ConfigWriter::apply(input, edits);
    QPOS_FUZZ_CHECK(rewritten.ok());
    QList<ConfigIssue> rewrittenErrors;
    QPOS_FUZZ_CHECK(settingsOf(IniFile::parse(name, *rewritten, rewrittenErrors)) == settings);
    QPOS_FUZZ_CHECK(rewrittenErrors.isEmpty());

    const ConfigLoadResult original = load(writeFile(QStringLiteral("original.ini"), input));
    const ConfigLoadResult again = load(writeFile(QStringLiteral("rewritten.ini"), *rewritten));
    QPOS_FUZZ_CHECK(original.ok() == again.ok());
    QPOS_FUZZ_CHECK(issueKeys(original.errors) == issueKeys(again.errors));
    QPOS_FUZZ_CHECK(issueKeys(original.warnings) == issueKeys(again.warnings));
    return 0;
}
