// ConfigWriter changes keys in place: comments, blank lines, other keys and their order stay;
// what it writes reads back exactly through IniFile; the file is replaced only after the
// validator accepted the candidate.

#include "core/config/ConfigWriter.h"
#include "core/config/IniFile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace qpos;

namespace {

QString valueOf(const QByteArray& text, const QString& section, const QString& key) {
    QList<ConfigIssue> errors;
    const IniFile ini = IniFile::parse(QStringLiteral("test.ini"), text, errors);
    for (const IniEntry& e : ini.entries) {
        if (e.section == section && e.key == key)
            return e.value;
    }
    return QStringLiteral("<absent>");
}

bool parsesCleanly(const QByteArray& text) {
    QList<ConfigIssue> errors;
    IniFile::parse(QStringLiteral("test.ini"), text, errors);
    return errors.isEmpty();
}

} // namespace

class TestConfigWriter : public QObject {
    Q_OBJECT

private slots:
    void rewritesInPlaceAndKeepsTheRest() {
        const QByteArray original = "# shop terminal\n"
                                    "[store]\n"
                                    "id = S001   \n"
                                    "; the name on receipts\n"
                                    "name = Tea\n"
                                    "\n"
                                    "[log]\n"
                                    "level = debug\n";
        const auto out = ConfigWriter::apply(
            original, {ConfigEdit{QStringLiteral("store"), QStringLiteral("name"),
                                  QStringLiteral("Tea, Coffee & Cake")}});
        QVERIFY(out.ok());
        QCOMPARE(*out, QByteArray("# shop terminal\n"
                                  "[store]\n"
                                  "id = S001   \n"
                                  "; the name on receipts\n"
                                  "name = Tea, Coffee & Cake\n"
                                  "\n"
                                  "[log]\n"
                                  "level = debug\n"));
    }

    void addsKeysToTheirSectionAndNewSectionsAtTheEnd() {
        const QByteArray original = "[store]\nid = S001\n\n# logging\n[log]\nlevel = info\n";
        const auto out = ConfigWriter::apply(
            original,
            {ConfigEdit{QStringLiteral("store"), QStringLiteral("name"), QStringLiteral("Tea")},
             ConfigEdit{QStringLiteral("ui"), QStringLiteral("language"), QStringLiteral("en")},
             ConfigEdit{QStringLiteral("alipay"), QStringLiteral("enabled"),
                        QStringLiteral("true")},
             ConfigEdit{QStringLiteral("alipay"), QStringLiteral("app_id"),
                        QStringLiteral("2021000117600000")}});
        QVERIFY(out.ok());
        QCOMPARE(*out, QByteArray("[store]\nid = S001\nname = Tea\n\n# logging\n[log]\n"
                                  "level = info\n\n[ui]\nlanguage = en\n\n[alipay]\n"
                                  "enabled = true\napp_id = 2021000117600000\n"));
        QVERIFY(parsesCleanly(*out));
    }

    void removesKeysAndDuplicates() {
        const QByteArray original = "[alipay]\nnotify_url = https://a.example\nenabled = true\n"
                                    "notify_url = https://b.example\n";
        const auto out = ConfigWriter::apply(
            original,
            {ConfigEdit{QStringLiteral("alipay"), QStringLiteral("notify_url"), std::nullopt}});
        QVERIFY(out.ok());
        QCOMPARE(*out, QByteArray("[alipay]\nenabled = true\n"));
        const auto rewritten = ConfigWriter::apply(
            original, {ConfigEdit{QStringLiteral("alipay"), QStringLiteral("notify_url"),
                                  QStringLiteral("https://c.example")}});
        QVERIFY(rewritten.ok());
        QCOMPARE(*rewritten, QByteArray("[alipay]\nnotify_url = https://c.example\nenabled = "
                                        "true\n"));
        // Removing a key that is not there changes nothing.
        const auto same = ConfigWriter::apply(
            original,
            {ConfigEdit{QStringLiteral("wechat"), QStringLiteral("mch_id"), std::nullopt}});
        QCOMPARE(*same, original);
    }

    void valuesReadBackExactly_data() {
        QTest::addColumn<QString>("value");
        QTest::newRow("plain") << QStringLiteral("Tea House");
        QTest::newRow("comma and percent") << QStringLiteral("Tea, Coffee & Cake 100%");
        QTest::newRow("leading blanks") << QStringLiteral("  Tea  ");
        QTest::newRow("quoted") << QStringLiteral("\"Tea\"");
        QTest::newRow("hash") << QStringLiteral("#1 Tea ; shop");
        QTest::newRow("chinese") << QStringLiteral("南京路茶馆");
        QTest::newRow("empty") << QString();
    }
    void valuesReadBackExactly() {
        QFETCH(QString, value);
        const auto out = ConfigWriter::apply(
            "[store]\nid = S1\n",
            {ConfigEdit{QStringLiteral("store"), QStringLiteral("name"), value}});
        QVERIFY(out.ok());
        QVERIFY(parsesCleanly(*out));
        QCOMPARE(valueOf(*out, QStringLiteral("store"), QStringLiteral("name")), value);
    }

    void keepsCrlfAndTheByteOrderMark() {
        const QByteArray original = "\xEF\xBB\xBF[store]\r\nid = S1\r\n";
        const auto out = ConfigWriter::apply(
            original,
            {ConfigEdit{QStringLiteral("store"), QStringLiteral("id"), QStringLiteral("S2")}});
        QVERIFY(out.ok());
        QCOMPARE(*out, QByteArray("\xEF\xBB\xBF[store]\r\nid = S2\r\n"));
    }

    void refusesWhatCannotBeWritten() {
        auto out =
            ConfigWriter::apply({}, {ConfigEdit{QStringLiteral("store"), QStringLiteral("name"),
                                                QStringLiteral("two\nlines")}});
        QVERIFY(!out.ok());
        QCOMPARE(out.error().code, QStringLiteral("config.write_invalid_value"));
        out = ConfigWriter::apply({}, {ConfigEdit{QStringLiteral("my store"),
                                                  QStringLiteral("name"), QStringLiteral("x")}});
        QVERIFY(!out.ok());
        QCOMPARE(out.error().code, QStringLiteral("config.write_invalid_name"));
    }

    void writeReplacesOnlyAfterValidation() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("sub/qpos.ini"));
        const QList<ConfigEdit> edits{
            ConfigEdit{QStringLiteral("store"), QStringLiteral("id"), QStringLiteral("S1")}};

        // A new file in a new directory.
        QString seen;
        Status written = ConfigWriter::write(path, edits, [&](const QString& candidate) {
            seen = candidate;
            QFile file(candidate);
            return file.open(QIODevice::ReadOnly) && file.readAll() == "[store]\nid = S1\n"
                       ? Status::success()
                       : Status(Error{QStringLiteral("t"), QStringLiteral("bad candidate")});
        });
        QVERIFY2(written.ok(), written.ok() ? "" : qPrintable(written.error().message));
        QCOMPARE(QFileInfo(seen).absolutePath(), QFileInfo(path).absolutePath());
        QVERIFY(!QFileInfo::exists(seen));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("[store]\nid = S1\n"));
        file.close();
        QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner));

        // A refusal leaves the file as it was and no candidate behind.
        written = ConfigWriter::write(
            path, {ConfigEdit{QStringLiteral("store"), QStringLiteral("id"), QStringLiteral("S2")}},
            [](const QString&) {
                return Status(Error{QStringLiteral("test.refused"), QStringLiteral("no")});
            });
        QVERIFY(!written.ok());
        QCOMPARE(written.error().code, QStringLiteral("test.refused"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("[store]\nid = S1\n"));
        file.close();
        QCOMPARE(QDir(QFileInfo(path).absolutePath()).entryList(QDir::Files),
                 QStringList{QStringLiteral("qpos.ini")});

        // Accepted: replaced, permissions kept.
        written = ConfigWriter::write(
            path,
            {ConfigEdit{QStringLiteral("store"), QStringLiteral("id"), QStringLiteral("S3")}});
        QVERIFY(written.ok());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("[store]\nid = S3\n"));
        QCOMPARE(QFileInfo(path).permissions() &
                     (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
                 QFile::Permissions());
    }
};

QTEST_MAIN(TestConfigWriter)
#include "tst_config_writer.moc"
