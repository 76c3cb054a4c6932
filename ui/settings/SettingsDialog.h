#pragma once

#include "core/config/AppConfig.h"
#include "core/config/ConfigLoader.h"

#include <QDialog>
#include <QList>
#include <QString>

#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace qpos::ui {
class StoreServerPage;
}

namespace qpos::ui {

// Where the settings are read from and written to.
struct SettingsFiles {
    QString userConfigPath;      // Save writes here; empty: ConfigLoader::userConfigPath()
    QList<ConfigSource> sources; // the files the till was started with; empty: standardSources()
    QString dataDir;             // the data directory given to ConfigLoader at start (may be empty)
    QString keyDir;              // where imported keys go; empty: "keys" next to the database
};

// The terminal's settings for a manager (the caller asks ManagerPinDialog first): store and
// terminal ids, Alipay and WeChat Pay settings with key import, QR timeout and language, and
// the link to the store backend (enrollment with a one-time code, StoreServerPage).
//
// A key file is checked the moment it is chosen (a public key offered as the private key, or
// a file that is not a key, is refused with a clear message) and copied into the till's key
// directory with mode 0600; the setting then names the copy. Save writes only the changed
// keys into the user's configuration file, in place (comments and other keys kept), and
// replaces the file only after ConfigLoader accepted the result together with the other
// configuration files. Changes take effect at the next start. In sandbox mode the settings
// are shown read-only: the demo shop does not write files.
class SettingsDialog : public QDialog {
    Q_OBJECT

public:
    enum class KeySlot {
        AlipayAppPrivateKey,
        AlipayPublicKey,
        WechatMerchantPrivateKey,
        WechatApiV3Key,
        WechatPayPublicKey,
    };

    explicit SettingsDialog(const AppConfig& config, const SettingsFiles& files = SettingsFiles(),
                            QWidget* parent = nullptr);
    ~SettingsDialog() override;

    // Checks `sourcePath` for `slot`, copies it into the key directory and points the setting
    // at the copy. What the Import… buttons do after the file was chosen. False (with the
    // reason shown next to the key) when the file was refused.
    bool importKey(KeySlot slot, const QString& sourcePath);
    // The key file the setting names now (after an import: the copy).
    QString keyPath(KeySlot slot) const;

    QString userConfigPath() const { return m_files.userConfigPath; }
    QString keyDirectory() const { return m_files.keyDir; }

public slots:
    // Writes the changed settings; true when the file was written (or nothing changed).
    bool save();

signals:
    // After a successful save: the configuration the till will have at its next start.
    void saved(const qpos::AppConfig& nextStart);

private:
    struct Field;
    struct KeyRow;

    QWidget* buildShopPage();
    QWidget* buildAlipayPage();
    QWidget* buildWechatPage();
    QWidget* buildRoutingPage();
    QWidget* buildStoreServerPage();
    QWidget* buildPrinterPage();
    // A drop-down list of a key's choices: (shown text, value as written in the file).
    QComboBox* addChoice(QWidget* page, QFormLayout* form, const QString& label,
                         const QString& section, const QString& key,
                         const QList<std::pair<QString, QString>>& items, const QString& value);
    QLineEdit* addText(QWidget* page, QFormLayout* form, const QString& label,
                       const QString& section, const QString& key, const QString& value,
                       bool emptyAllowed = false);
    QCheckBox* addCheck(QWidget* page, QFormLayout* form, const QString& label,
                        const QString& section, const QString& key, bool value);
    void addKeyRow(QWidget* page, QFormLayout* form, const QString& label, KeySlot slot,
                   const QString& section, const QString& key, const QString& value);
    void chooseKeyFile(KeySlot slot);
    KeyRow* keyRow(KeySlot slot) const;
    void showMessage(const QString& text, bool error);
    void setReadOnly();

    AppConfig m_config;
    SettingsFiles m_files;
    std::vector<std::unique_ptr<Field>> m_fields;
    std::vector<std::unique_ptr<KeyRow>> m_keys;
    QComboBox* m_language = nullptr;
    QSpinBox* m_qrTimeout = nullptr;
    StoreServerPage* m_storeServer = nullptr;
    QLabel* m_note = nullptr;
    QLabel* m_message = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    QPushButton* m_save = nullptr;
};

} // namespace qpos::ui
