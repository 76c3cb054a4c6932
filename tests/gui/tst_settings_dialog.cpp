// The settings dialog: key files are checked when imported (a public key offered as the
// private key, a private key offered as the public key, or garbage is refused at once) and
// copied privately (0600 in a 0700 directory); saving writes the user's file in place,
// keeping comments and other keys, only after ConfigLoader accepted it; a refused save leaves
// the file untouched; the sandbox shows the settings read-only.

#include "core/config/ConfigLoader.h"
#include "core/crypto/RsaPrivateKey.h"
#include "core/link/TerminalCredentials.h"
#include "tests/support/FakeStoreServer.h"
#include "tests/support/WaitUntil.h"
#include "ui/settings/SettingsDialog.h"
#include "ui/settings/StoreServerPage.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace qpos;
using Slot = ui::SettingsDialog::KeySlot;

namespace {

const QByteArray kInitialIni = "# Terminal settings, kept by the installer\n"
                               "[store]\n"
                               "id = S001\n"
                               "name = Tea House\n"
                               "\n"
                               "[terminal]\n"
                               "# one per machine\n"
                               "id = T07\n"
                               "\n"
                               "[log]\n"
                               "level = debug\n";

constexpr QFile::Permissions kOwnerOnly = QFile::ReadOwner | QFile::WriteOwner;
constexpr QFile::Permissions kOthers = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup |
                                       QFile::ReadOther | QFile::WriteOther | QFile::ExeOther;

QByteArray pemBody(const QByteArray& pem) {
    QByteArray body;
    for (const QByteArray& line : pem.split('\n')) {
        if (!line.startsWith("-----"))
            body += line;
    }
    return body;
}

} // namespace

class TestSettingsDialog : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    crypto::RsaPrivateKey m_key;
    QString m_privatePem;  // 0644, as just downloaded
    QString m_privateBare; // Alipay key tool's bare base64
    QString m_publicPem;
    QString m_publicBare;
    QString m_garbage;
    QString m_apiV3;

    QString path(const QString& name) const { return m_dir.filePath(name); }
    QString iniPath() const { return path(QStringLiteral("config/qpos.ini")); }
    QString dataDir() const { return path(QStringLiteral("data")); }
    QString keyDir() const { return path(QStringLiteral("data/keys")); }

    QList<ConfigSource> sources() const { return {ConfigSource{iniPath(), false}}; }

    ui::SettingsFiles files() const {
        ui::SettingsFiles f;
        f.userConfigPath = iniPath();
        f.sources = sources();
        f.dataDir = dataDir();
        return f;
    }

    ConfigLoadResult loadIni() const {
        ConfigLoadOptions options;
        options.dataDir = dataDir();
        return ConfigLoader::load(sources(), options);
    }

    void writeFile(const QString& name, const QByteArray& bytes,
                   QFile::Permissions permissions = kOwnerOnly | QFile::ReadGroup |
                                                    QFile::ReadOther) {
        QFile file(path(name));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(bytes);
        file.close();
        QVERIFY(file.setPermissions(permissions));
    }

    QByteArray readIni() const {
        QFile file(iniPath());
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    static QString statusOf(ui::SettingsDialog& dialog, const QString& name) {
        return dialog.findChild<QLabel*>(name + QStringLiteral("_status"))->text();
    }

    static QString message(ui::SettingsDialog& dialog) {
        return dialog.findChild<QLabel*>(QStringLiteral("settingsMessage"))->text();
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        auto key = crypto::RsaPrivateKey::generate(2048);
        QVERIFY(key.ok());
        m_key = *key;
        m_privatePem = QStringLiteral("downloaded_private.pem");
        writeFile(m_privatePem, m_key.toPkcs8Pem());
        m_privateBare = QStringLiteral("app_private_key.txt");
        writeFile(m_privateBare, pemBody(m_key.toPkcs8Pem()), kOwnerOnly);
        m_publicPem = QStringLiteral("public.pem");
        writeFile(m_publicPem, m_key.publicKey().toPem());
        m_publicBare = QStringLiteral("alipay_public.txt");
        writeFile(m_publicBare, m_key.publicKey().toBase64());
        m_garbage = QStringLiteral("notes.txt");
        writeFile(m_garbage, "this is not a key, just a shopping list\n");
        m_apiV3 = QStringLiteral("apiv3.txt");
        writeFile(m_apiV3, "0123456789abcdefABCDEF0123456789\n", kOwnerOnly);
    }

    void init() {
        QDir(path(QStringLiteral("config"))).removeRecursively();
        QDir(dataDir()).removeRecursively();
        QVERIFY(QDir().mkpath(path(QStringLiteral("config"))));
        QFile ini(iniPath());
        QVERIFY(ini.open(QIODevice::WriteOnly));
        ini.write(kInitialIni);
    }

    void badKeysAreRefusedWhenImported() {
        const ConfigLoadResult loaded = loadIni();
        QVERIFY(loaded.ok());
        ui::SettingsDialog dialog(loaded.config, files());
        dialog.show();
        const QString privateName = QStringLiteral("alipay_app_private_key");
        const QString publicName = QStringLiteral("alipay_alipay_public_key");

        QVERIFY(!dialog.importKey(Slot::AlipayAppPrivateKey, path(m_garbage)));
        QVERIFY(statusOf(dialog, privateName).startsWith(QStringLiteral("Refused")));
        QVERIFY(statusOf(dialog, privateName).contains(QStringLiteral("not a usable private key")));

        QVERIFY(!dialog.importKey(Slot::AlipayAppPrivateKey, path(m_publicPem)));
        QVERIFY2(statusOf(dialog, privateName).contains(QStringLiteral("holds a public key")),
                 qPrintable(statusOf(dialog, privateName)));
        QVERIFY(!dialog.importKey(Slot::AlipayAppPrivateKey, path(m_publicBare)));
        QVERIFY(statusOf(dialog, privateName).contains(QStringLiteral("holds a public key")));

        QVERIFY(!dialog.importKey(Slot::AlipayPublicKey, path(m_privatePem)));
        QVERIFY(statusOf(dialog, publicName).contains(QStringLiteral("holds a private key")));
        QVERIFY(!dialog.importKey(Slot::WechatApiV3Key, path(m_publicPem)));
        QVERIFY(!dialog.importKey(Slot::WechatApiV3Key, path(m_garbage)));
        QVERIFY(!dialog.importKey(Slot::AlipayPublicKey, path(QStringLiteral("missing.pem"))));

        // Nothing was stored and no setting changed.
        QVERIFY(dialog.keyPath(Slot::AlipayAppPrivateKey).isEmpty());
        QVERIFY(dialog.keyPath(Slot::AlipayPublicKey).isEmpty());
        QVERIFY(!QDir(keyDir()).exists() || QDir(keyDir()).isEmpty(QDir::Files));
        // No key text ever reaches the screen.
        const QByteArray body = pemBody(m_key.toPkcs8Pem()).left(40);
        QVERIFY(!statusOf(dialog, privateName).contains(QString::fromLatin1(body)));
    }

    void goodKeysAreCopiedPrivately() {
        const ConfigLoadResult loaded = loadIni();
        QVERIFY(loaded.ok());
        ui::SettingsDialog dialog(loaded.config, files());
        dialog.show();

        // Through the Import… button and its file dialog.
        QTest::mouseClick(
            dialog.findChild<QPushButton*>(QStringLiteral("alipay_app_private_key_import")),
            Qt::LeftButton);
        QFileDialog* chooser = nullptr;
        QTRY_VERIFY((chooser = dialog.findChild<QFileDialog*>(QStringLiteral("keyFileDialog"))));
        chooser->selectFile(path(m_privatePem));
        static_cast<QDialog*>(chooser)->accept(); // QFileDialog::accept() is protected
        const QString copied = dialog.keyPath(Slot::AlipayAppPrivateKey);
        QVERIFY2(copied.startsWith(QDir(keyDir()).absolutePath() + QLatin1Char('/')),
                 qPrintable(copied));
        QCOMPARE(QFileInfo(copied).permissions() & kOthers, QFile::Permissions());
        QVERIFY(QFileInfo(copied).permissions().testFlag(QFile::ReadOwner));
        QCOMPARE(QFileInfo(keyDir()).permissions() & kOthers, QFile::Permissions());
        const QString status = statusOf(dialog, QStringLiteral("alipay_app_private_key"));
        QVERIFY2(status.contains(QStringLiteral("2048 bits")), qPrintable(status));
        // The chosen file could be read by others: the manager is told to delete it.
        QVERIFY(status.contains(QStringLiteral("delete it")));
        QFile copy(copied);
        QVERIFY(copy.open(QIODevice::ReadOnly));
        QCOMPARE(copy.readAll(), m_key.toPkcs8Pem());

        // Alipay's bare base64 forms are accepted too; the same key gives the same copy.
        QVERIFY(dialog.importKey(Slot::AlipayAppPrivateKey, path(m_privateBare)));
        QVERIFY(dialog.keyPath(Slot::AlipayAppPrivateKey) != copied);
        QVERIFY(dialog.importKey(Slot::AlipayPublicKey, path(m_publicBare)));
        const QString publicCopy = dialog.keyPath(Slot::AlipayPublicKey);
        QVERIFY(dialog.importKey(Slot::AlipayPublicKey, path(m_publicBare)));
        QCOMPARE(dialog.keyPath(Slot::AlipayPublicKey), publicCopy);
        QCOMPARE(QFileInfo(publicCopy).permissions() & kOthers, QFile::Permissions());

        QVERIFY(dialog.importKey(Slot::WechatApiV3Key, path(m_apiV3)));
        QFile apiV3(dialog.keyPath(Slot::WechatApiV3Key));
        QVERIFY(apiV3.open(QIODevice::ReadOnly));
        QCOMPARE(apiV3.readAll(), QByteArray("0123456789abcdefABCDEF0123456789"));
    }

    void saveWritesAFileTheLoaderAccepts() {
        const ConfigLoadResult loaded = loadIni();
        QVERIFY(loaded.ok());
        ui::SettingsDialog dialog(loaded.config, files());
        dialog.show();
        QVERIFY(dialog.findChild<QLabel*>(QStringLiteral("settingsNote"))
                    ->text()
                    .contains(QStringLiteral("next time")));

        QVERIFY(dialog.importKey(Slot::AlipayAppPrivateKey, path(m_privateBare)));
        QVERIFY(dialog.importKey(Slot::AlipayPublicKey, path(m_publicPem)));
        QTest::mouseClick(dialog.findChild<QCheckBox*>(QStringLiteral("alipay_enabled")),
                          Qt::LeftButton);
        auto* appId = dialog.findChild<QLineEdit*>(QStringLiteral("alipay_app_id"));
        QTest::keyClicks(appId, QStringLiteral("2021000117600000"));
        auto* name = dialog.findChild<QLineEdit*>(QStringLiteral("store_name"));
        name->selectAll();
        QTest::keyClicks(name, QStringLiteral("Tea, Coffee & Cake"));
        auto* language = dialog.findChild<QComboBox*>(QStringLiteral("ui_language"));
        language->setCurrentIndex(language->findData(QStringLiteral("en")));
        auto* timeout = dialog.findChild<QSpinBox*>(QStringLiteral("checkout_qr_timeout_s"));
        timeout->selectAll();
        QTest::keyClicks(timeout, QStringLiteral("300"));

        QSignalSpy saved(&dialog, &ui::SettingsDialog::saved);
        QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("saveSettings")),
                          Qt::LeftButton);
        QCOMPARE(saved.count(), 1);
        QVERIFY2(message(dialog).contains(QStringLiteral("next time qpos starts")),
                 qPrintable(message(dialog)));

        // The file keeps its comments and other keys, and loads.
        const QByteArray text = readIni();
        QVERIFY(
            text.startsWith("# Terminal settings, kept by the installer\n[store]\nid = S001\n"));
        QVERIFY(text.contains("# one per machine\nid = T07\n"));
        QVERIFY(text.contains("[log]\nlevel = debug\n"));
        QVERIFY(text.contains("name = Tea, Coffee & Cake\n"));
        QVERIFY(!text.contains("gateway_url")); // unchanged settings are not pinned in the file
        const ConfigLoadResult reloaded = loadIni();
        QVERIFY2(reloaded.ok(), qPrintable(reloaded.error().message));
        QCOMPARE(reloaded.config.ui.language, UiLanguage::En);
        QCOMPARE(reloaded.config.store.name, QStringLiteral("Tea, Coffee & Cake"));
        QCOMPARE(reloaded.config.checkout.qrTimeoutS, 300);
        QVERIFY(reloaded.config.alipay.enabled);
        QCOMPARE(reloaded.config.alipay.appId, QStringLiteral("2021000117600000"));
        QCOMPARE(reloaded.config.alipay.appPrivateKeyPath,
                 dialog.keyPath(Slot::AlipayAppPrivateKey));
        QCOMPARE(reloaded.config.alipay.alipayPublicKeyPath, dialog.keyPath(Slot::AlipayPublicKey));
        QVERIFY(reloaded.warnings.isEmpty());
        QCOMPARE(saved.first().first().value<AppConfig>().ui.language, UiLanguage::En);

        // Switching the language again rewrites the same line.
        language->setCurrentIndex(language->findData(QStringLiteral("zh_CN")));
        QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("saveSettings")),
                          Qt::LeftButton);
        QCOMPARE(saved.count(), 2);
        QCOMPARE(readIni().count("language ="), 1);
        QCOMPARE(loadIni().config.ui.language, UiLanguage::ZhCN);
    }

    void refusedSaveLeavesTheFileUntouched() {
        const ConfigLoadResult loaded = loadIni();
        QVERIFY(loaded.ok());
        ui::SettingsDialog dialog(loaded.config, files());
        dialog.show();
        auto* storeId = dialog.findChild<QLineEdit*>(QStringLiteral("store_id"));
        storeId->selectAll();
        QTest::keyClicks(storeId, QStringLiteral("S_01"));
        // Enabled without keys: also refused.
        QTest::mouseClick(dialog.findChild<QCheckBox*>(QStringLiteral("alipay_enabled")),
                          Qt::LeftButton);
        QSignalSpy saved(&dialog, &ui::SettingsDialog::saved);
        QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("saveSettings")),
                          Qt::LeftButton);
        QCOMPARE(saved.count(), 0);
        const QString shown = message(dialog);
        QVERIFY2(shown.contains(QStringLiteral("[store] id")), qPrintable(shown));
        QVERIFY(shown.contains(QStringLiteral("[alipay] app_id")));
        QVERIFY(shown.contains(iniPath())); // names the real file, not the candidate
        QCOMPARE(readIni(), kInitialIni);
        const QStringList left = QDir(path(QStringLiteral("config"))).entryList(QDir::Files);
        QCOMPARE(left, QStringList{QStringLiteral("qpos.ini")});
    }

    void routingIsEditedAndChecked() {
        const ConfigLoadResult loaded = loadIni();
        QVERIFY(loaded.ok());
        ui::SettingsDialog dialog(loaded.config, files());
        dialog.show();
        auto* limit = dialog.findChild<QLineEdit*>(QStringLiteral("routing_wechat_max_amount"));
        auto* prefixes =
            dialog.findChild<QLineEdit*>(QStringLiteral("routing_wechat_code_prefixes"));
        QVERIFY(limit && prefixes);
        QCOMPARE(prefixes->text(), QStringLiteral("10-15"));
        QTest::keyClicks(limit, QStringLiteral("5000"));
        // A range that overlaps Alipay's is refused when saving, naming both keys.
        prefixes->selectAll();
        QTest::keyClicks(prefixes, QStringLiteral("10-15, 25"));
        QSignalSpy saved(&dialog, &ui::SettingsDialog::saved);
        auto* save = dialog.findChild<QPushButton*>(QStringLiteral("saveSettings"));
        QTest::mouseClick(save, Qt::LeftButton);
        QCOMPARE(saved.count(), 0);
        QVERIFY2(message(dialog).contains(QStringLiteral("[routing] alipay_code_prefixes")),
                 qPrintable(message(dialog)));
        QCOMPARE(readIni(), kInitialIni);

        prefixes->selectAll();
        QTest::keyClicks(prefixes, QStringLiteral("10-15, 18"));
        QTest::mouseClick(save, Qt::LeftButton);
        QCOMPARE(saved.count(), 1);
        const ConfigLoadResult after = loadIni();
        QVERIFY(after.ok());
        QCOMPARE(after.config.routing.wechatMaxAmountFen, std::optional<money::Fen>(500000));
        QCOMPARE(routing::formatCodePrefixRanges(after.config.routing.wechatCodePrefixes),
                 QStringLiteral("10-15, 18"));
        QVERIFY(readIni().contains("[routing]"));
    }

    // The Store server page: a pasted code enrolls the till through the server (off the GUI
    // thread), and the cashier reads the result; a refused code writes nothing.
    void storeServerPageEnrollsWithAPastedCode() {
        test::FakeStoreServer server;
        QVERIFY(server.start());
        const link::EnrollmentCode code =
            server.addTerminal({QStringLiteral("S001"), QStringLiteral("T07")});
        const ConfigLoadResult loaded = loadIni();
        QVERIFY(loaded.ok());
        ui::SettingsDialog dialog(loaded.config, files());
        dialog.show();
        auto* page = dialog.findChild<ui::StoreServerPage*>(QStringLiteral("storeServerPage"));
        QVERIFY(page);
        auto* field = dialog.findChild<QLineEdit*>(QStringLiteral("enrollmentCode"));
        auto* button = dialog.findChild<QPushButton*>(QStringLiteral("enrollButton"));
        auto* result = dialog.findChild<QLabel*>(QStringLiteral("enrollmentResult"));
        auto* state = dialog.findChild<QLabel*>(QStringLiteral("storeServerState"));
        QVERIFY(field && button && result && state);
        QVERIFY(state->text().contains(QStringLiteral("not linked")));
        QCOMPARE(field->echoMode(), QLineEdit::Password); // the code carries the secret

        // A code for another terminal: refused at once, with what to do.
        field->setText(
            server.addTerminal({QStringLiteral("S001"), QStringLiteral("T09")}).encode());
        button->click();
        QVERIFY(test::waitUntil([&] { return !page->busy(); }));
        QVERIFY2(result->text().contains(QStringLiteral("T09")), qPrintable(result->text()));
        QCOMPARE(server.enrollCalls, 0);
        QCOMPARE(readIni(), kInitialIni);

        // The server refuses a used code.
        server.enrollAnswer = std::make_pair(409, QByteArray(R"({"code":"enroll.used"})"));
        field->setText(code.encode());
        button->click();
        QVERIFY(test::waitUntil([&] { return !page->busy(); }));
        QVERIFY2(result->text().contains(QStringLiteral("already used")),
                 qPrintable(result->text()));
        QCOMPARE(readIni(), kInitialIni);

        // Accepted: the page says so, the code is gone from the field, the files are written.
        server.enrollAnswer.reset();
        QSignalSpy enrolled(page, &ui::StoreServerPage::enrolled);
        field->setText(code.encode());
        button->click();
        QVERIFY(page->busy());
        QVERIFY(test::waitUntil([&] { return !page->busy(); }));
        QVERIFY2(result->text().startsWith(QStringLiteral("Enrolled")), qPrintable(result->text()));
        QCOMPARE(enrolled.count(), 1);
        QVERIFY(field->text().isEmpty());
        QVERIFY(state->text().contains(server.url().toString()));
        const ConfigLoadResult after = loadIni();
        QCOMPARE(after.config.storeServer.url, server.url().toString());
        QVERIFY(link::TerminalCredentials::read(after.config.storeServer.credentialsPath).ok());
        QVERIFY(readIni().startsWith(kInitialIni.left(30))); // comments kept
    }

    void sandboxIsReadOnly() {
        AppConfig config = sandboxDefaults(dataDir());
        ui::SettingsDialog dialog(config, files());
        dialog.show();
        QVERIFY(!dialog.findChild<QPushButton*>(QStringLiteral("saveSettings"))->isVisible());
        QVERIFY(dialog.findChild<QLineEdit*>(QStringLiteral("store_id"))->isReadOnly());
        QVERIFY(!dialog.findChild<QComboBox*>(QStringLiteral("ui_language"))->isEnabled());
        QCOMPARE(dialog.findChild<QLineEdit*>(QStringLiteral("store_id"))->text(),
                 QStringLiteral("DEMO"));
        QVERIFY(!dialog.findChild<QPushButton*>(QStringLiteral("alipay_app_private_key_import"))
                     ->isEnabled());
        QVERIFY(dialog.findChild<QLabel*>(QStringLiteral("settingsNote"))
                    ->text()
                    .contains(QStringLiteral("sandbox")));
        QVERIFY(!dialog.importKey(Slot::AlipayAppPrivateKey, path(m_privatePem)));
        QVERIFY(!dialog.save());
        QCOMPARE(readIni(), kInitialIni);
    }
};

QTEST_MAIN(TestSettingsDialog)
#include "tst_settings_dialog.moc"
