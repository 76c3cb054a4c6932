#include "ui/settings/SettingsDialog.h"

#include "core/config/ConfigKeys.h"
#include "core/config/ConfigWriter.h"
#include "core/crypto/KeyImport.h"
#include "core/gateways/ConnectionSettings.h"
#include "core/money/Money.h"
#include "core/routing/CodePrefixRange.h"
#include "ui/settings/StoreServerPage.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>
#include <utility>

namespace qpos::ui {

// One setting shown in the dialog: how to read it from a configuration and from its widget.
struct SettingsDialog::Field {
    QString section;
    QString key;
    bool emptyAllowed = false; // an empty value is written as such instead of removing the key
    std::function<QString(const AppConfig&)> fromConfig;
    std::function<QString()> fromWidget;
    QWidget* widget = nullptr;
    QString original; // as loaded, to write only what changed

    QString qualified() const { return qualifiedKeyName(section, key); }
};

struct SettingsDialog::KeyRow {
    KeySlot slot = KeySlot::AlipayAppPrivateKey;
    crypto::KeyFileKind kind = crypto::KeyFileKind::RsaPrivateKey;
    QString baseName; // name of the copy in the key directory
    QLineEdit* path = nullptr;
    QPushButton* import = nullptr;
    QLabel* status = nullptr;
};

namespace {

QString boolText(bool value) {
    return value ? QStringLiteral("true") : QStringLiteral("false");
}

QString widgetName(const QString& section, const QString& key) {
    return section + QLatin1Char('_') + key;
}

struct SlotInfo {
    const char* section;
    const char* key;
    crypto::KeyFileKind kind;
    const char* baseName;
};

SlotInfo slotInfo(SettingsDialog::KeySlot slot) {
    using K = crypto::KeyFileKind;
    switch (slot) {
    case SettingsDialog::KeySlot::AlipayAppPrivateKey:
        return {"alipay", "app_private_key", K::RsaPrivateKey, "alipay_app_private"};
    case SettingsDialog::KeySlot::AlipayPublicKey:
        return {"alipay", "alipay_public_key", K::RsaPublicKey, "alipay_public"};
    case SettingsDialog::KeySlot::WechatMerchantPrivateKey:
        return {"wechat", "merchant_private_key", K::RsaPrivateKey, "wechat_apiclient_key"};
    case SettingsDialog::KeySlot::WechatApiV3Key:
        return {"wechat", "apiv3_key_file", K::ApiV3Key, "wechat_apiv3"};
    case SettingsDialog::KeySlot::WechatPayPublicKey:
        return {"wechat", "wechatpay_public_key", K::RsaPublicKey, "wechatpay_public"};
    }
    return {"alipay", "app_private_key", K::RsaPrivateKey, "alipay_app_private"};
}

} // namespace

SettingsDialog::SettingsDialog(const AppConfig& config, const SettingsFiles& files, QWidget* parent)
    : QDialog(parent)
    , m_config(config)
    , m_files(files) {
    if (m_files.userConfigPath.isEmpty())
        m_files.userConfigPath = ConfigLoader::userConfigPath();
    if (m_files.sources.isEmpty())
        m_files.sources = ConfigLoader::standardSources();
    if (m_files.keyDir.isEmpty())
        m_files.keyDir =
            QFileInfo(m_config.database.path).absoluteDir().filePath(QStringLiteral("keys"));

    setWindowTitle(tr("Settings"));
    resize(720, 560);
    auto* layout = new QVBoxLayout(this);

    auto* tabs = new QTabWidget(this);
    tabs->setObjectName(QStringLiteral("settingsTabs"));
    tabs->addTab(buildShopPage(), tr("&Shop"));
    tabs->addTab(buildAlipayPage(), tr("&Alipay"));
    tabs->addTab(buildWechatPage(), tr("&WeChat Pay"));
    tabs->addTab(buildRoutingPage(), tr("&Routing"));
    tabs->addTab(buildStoreServerPage(), tr("S&tore server"));
    tabs->addTab(buildPrinterPage(), tr("&Printer"));
    layout->addWidget(tabs, 1);

    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("settingsNote"));
    m_note->setWordWrap(true);
    m_note->setText(tr("Changes take effect the next time qpos starts. They are saved in %1.")
                        .arg(QDir::toNativeSeparators(m_files.userConfigPath)));
    layout->addWidget(m_note);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("settingsMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_message);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    m_save = m_buttons->button(QDialogButtonBox::Save);
    m_save->setObjectName(QStringLiteral("saveSettings"));
    layout->addWidget(m_buttons);
    connect(m_save, &QPushButton::clicked, this, &SettingsDialog::save);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    for (const auto& field : m_fields)
        field->original = field->fromConfig(m_config);

    if (m_config.sandbox)
        setReadOnly();
}

SettingsDialog::~SettingsDialog() = default;

QLineEdit* SettingsDialog::addText(QWidget* page, QFormLayout* form, const QString& label,
                                   const QString& section, const QString& key, const QString& value,
                                   bool emptyAllowed) {
    auto* edit = new QLineEdit(value, page);
    edit->setObjectName(widgetName(section, key));
    if (const ConfigKey* known = findConfigKey(section, key)) {
        edit->setToolTip(known->docText() + QLatin1Char('\n') + known->allowedText());
        if (known->maximum > 0 && known->type != ConfigValueType::Integer)
            edit->setMaxLength(int(qMin<qint64>(known->maximum, 1024)));
    }
    form->addRow(label, edit);
    auto field = std::make_unique<Field>();
    field->section = section;
    field->key = key;
    field->emptyAllowed = emptyAllowed;
    field->widget = edit;
    field->fromWidget = [edit] {
        return edit->text().trimmed();
    };
    m_fields.push_back(std::move(field));
    return edit;
}

QCheckBox* SettingsDialog::addCheck(QWidget* page, QFormLayout* form, const QString& label,
                                    const QString& section, const QString& key, bool value) {
    auto* box = new QCheckBox(label, page);
    box->setObjectName(widgetName(section, key));
    box->setChecked(value);
    form->addRow(QString(), box);
    auto field = std::make_unique<Field>();
    field->section = section;
    field->key = key;
    field->widget = box;
    field->fromWidget = [box] {
        return boolText(box->isChecked());
    };
    m_fields.push_back(std::move(field));
    return box;
}

void SettingsDialog::addKeyRow(QWidget* page, QFormLayout* form, const QString& label, KeySlot slot,
                               const QString& section, const QString& key, const QString& value) {
    const SlotInfo info = slotInfo(slot);
    auto row = std::make_unique<KeyRow>();
    row->slot = slot;
    row->kind = info.kind;
    row->baseName = QString::fromLatin1(info.baseName);

    auto* box = new QWidget(page);
    auto* line = new QHBoxLayout(box);
    line->setContentsMargins(0, 0, 0, 0);
    row->path = new QLineEdit(value, box);
    row->path->setObjectName(widgetName(section, key));
    row->path->setReadOnly(true); // only an imported (checked) file may be named here
    row->path->setPlaceholderText(tr("no file; use Import…"));
    row->import = new QPushButton(tr("Import…"), box);
    row->import->setObjectName(widgetName(section, key) + QStringLiteral("_import"));
    row->import->setAutoDefault(false);
    line->addWidget(row->path, 1);
    line->addWidget(row->import);
    form->addRow(label, box);
    row->status = new QLabel(page);
    row->status->setObjectName(widgetName(section, key) + QStringLiteral("_status"));
    row->status->setWordWrap(true);
    form->addRow(QString(), row->status);
    connect(row->import, &QPushButton::clicked, this, [this, slot] { chooseKeyFile(slot); });

    auto field = std::make_unique<Field>();
    field->section = section;
    field->key = key;
    field->widget = row->path;
    QLineEdit* path = row->path;
    field->fromWidget = [path] {
        return path->text();
    };
    m_fields.push_back(std::move(field));
    m_keys.push_back(std::move(row));
}

QWidget* SettingsDialog::buildShopPage() {
    auto* page = new QWidget(this);
    auto* form = new QFormLayout(page);
    const QString store = QStringLiteral("store");
    addText(page, form, tr("Store &id:"), store, QStringLiteral("id"), m_config.store.id);
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return c.store.id;
    };
    addText(page, form, tr("Store &name:"), store, QStringLiteral("name"), m_config.store.name,
            true);
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return c.store.name;
    };
    addText(page, form, tr("&Terminal id:"), QStringLiteral("terminal"), QStringLiteral("id"),
            m_config.terminal.id);
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return c.terminal.id;
    };

    m_qrTimeout = new QSpinBox(page);
    m_qrTimeout->setObjectName(QStringLiteral("checkout_qr_timeout_s"));
    m_qrTimeout->setRange(30, 900);
    m_qrTimeout->setSuffix(tr(" s"));
    m_qrTimeout->setValue(m_config.checkout.qrTimeoutS);
    form->addRow(tr("&QR code valid for:"), m_qrTimeout);
    auto timeout = std::make_unique<Field>();
    timeout->section = QStringLiteral("checkout");
    timeout->key = QStringLiteral("qr_timeout_s");
    timeout->widget = m_qrTimeout;
    timeout->fromConfig = [](const AppConfig& c) {
        return QString::number(c.checkout.qrTimeoutS);
    };
    QSpinBox* spin = m_qrTimeout;
    timeout->fromWidget = [spin] {
        return QString::number(spin->value());
    };
    m_fields.push_back(std::move(timeout));
    addCheck(page, form, tr("Take &cash (F4; a float at login, a count at shift end)"),
             QStringLiteral("checkout"), QStringLiteral("cash"), m_config.checkout.cashEnabled);
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return boolText(c.checkout.cashEnabled);
    };

    m_language = new QComboBox(page);
    m_language->setObjectName(QStringLiteral("ui_language"));
    m_language->addItem(tr("System language"), toConfigString(UiLanguage::System));
    // Each language is named in itself, so that it can be found whatever the screen speaks.
    m_language->addItem(QStringLiteral("简体中文"), toConfigString(UiLanguage::ZhCN));
    m_language->addItem(QStringLiteral("English"), toConfigString(UiLanguage::En));
    m_language->setCurrentIndex(m_language->findData(toConfigString(m_config.ui.language)));
    form->addRow(tr("&Language:"), m_language);
    auto language = std::make_unique<Field>();
    language->section = QStringLiteral("ui");
    language->key = QStringLiteral("language");
    language->widget = m_language;
    language->fromConfig = [](const AppConfig& c) {
        return toConfigString(c.ui.language);
    };
    QComboBox* combo = m_language;
    language->fromWidget = [combo] {
        return combo->currentData().toString();
    };
    m_fields.push_back(std::move(language));
    return page;
}

QComboBox* SettingsDialog::addChoice(QWidget* page, QFormLayout* form, const QString& label,
                                     const QString& section, const QString& key,
                                     const QList<std::pair<QString, QString>>& items,
                                     const QString& value) {
    auto* combo = new QComboBox(page);
    combo->setObjectName(widgetName(section, key));
    for (const auto& [shown, written] : items)
        combo->addItem(shown, written);
    combo->setCurrentIndex(std::max(0, combo->findData(value)));
    if (const ConfigKey* known = findConfigKey(section, key))
        combo->setToolTip(known->docText());
    form->addRow(label, combo);
    auto field = std::make_unique<Field>();
    field->section = section;
    field->key = key;
    field->widget = combo;
    field->fromWidget = [combo] {
        return combo->currentData().toString();
    };
    m_fields.push_back(std::move(field));
    return combo;
}

QWidget* SettingsDialog::buildPrinterPage() {
    auto* page = new QWidget(this);
    auto* form = new QFormLayout(page);
    const QString section = QStringLiteral("printer");
    const PrinterConfig& p = m_config.printer;
    addCheck(page, form, tr("Print on an ESC/POS receipt printer (&enabled)"), section,
             QStringLiteral("enabled"), p.enabled);
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return boolText(c.printer.enabled);
    };
    QLineEdit* url =
        addText(page, form, tr("Printer &address:"), section, QStringLiteral("url"), p.url, true);
    url->setPlaceholderText(tr("tcp://192.168.1.50:9100 or /dev/usb/lp0"));
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return c.printer.url;
    };
    addChoice(page, form, tr("Paper &width:"), section, QStringLiteral("width"),
              {{tr("80 mm (48 columns)"), QStringLiteral("80")},
               {tr("58 mm (32 columns)"), QStringLiteral("58")}},
              toConfigString(p.width));
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return toConfigString(c.printer.width);
    };
    addCheck(page, form, tr("Print a &receipt after each sale"), section,
             QStringLiteral("receipt_after_sale"), p.receiptAfterSale);
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return boolText(c.printer.receiptAfterSale);
    };
    addChoice(
        page, form, tr("Cash &drawer on:"), section, QStringLiteral("drawer"),
        {{tr("pin 2 (most drawers)"), QStringLiteral("2")}, {tr("pin 5"), QStringLiteral("5")}},
        toConfigString(p.drawer));
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return toConfigString(c.printer.drawer);
    };
    auto* note = new QLabel(tr("A network printer listens on port 9100. A USB printer is a device "
                               "file such as /dev/usb/lp0; the till's user must be in the lp "
                               "group. qposctl doctor checks that the printer answers."),
                            page);
    note->setWordWrap(true);
    form->addRow(note);
    return page;
}

QWidget* SettingsDialog::buildAlipayPage() {
    auto* page = new QWidget(this);
    auto* form = new QFormLayout(page);
    const QString section = QStringLiteral("alipay");
    const AlipayConfig& a = m_config.alipay;
    addCheck(page, form, tr("Take payments with Alipay (&enabled)"), section,
             QStringLiteral("enabled"), a.enabled);
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return boolText(c.alipay.enabled);
    };
    addText(page, form, tr("&Gateway URL:"), section, QStringLiteral("gateway_url"), a.gatewayUrl);
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return c.alipay.gatewayUrl;
    };
    addText(page, form, tr("App &ID:"), section, QStringLiteral("app_id"), a.appId);
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return c.alipay.appId;
    };
    addText(page, form, tr("&Notify URL:"), section, QStringLiteral("notify_url"), a.notifyUrl,
            true);
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return c.alipay.notifyUrl;
    };
    addKeyRow(page, form, tr("App &private key:"), KeySlot::AlipayAppPrivateKey, section,
              QStringLiteral("app_private_key"), a.appPrivateKeyPath);
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return c.alipay.appPrivateKeyPath;
    };
    addKeyRow(page, form, tr("Alipay p&ublic key:"), KeySlot::AlipayPublicKey, section,
              QStringLiteral("alipay_public_key"), a.alipayPublicKeyPath);
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return c.alipay.alipayPublicKeyPath;
    };
    if (a.certMode) {
        auto* note = new QLabel(
            tr("Certificate mode is on: the certificates are set in the configuration file "
               "([alipay] app_cert, alipay_cert, alipay_root_cert), and the Alipay public key "
               "above is not used."),
            page);
        note->setWordWrap(true);
        form->addRow(note);
    }
    return page;
}

QWidget* SettingsDialog::buildWechatPage() {
    auto* page = new QWidget(this);
    auto* form = new QFormLayout(page);
    const QString section = QStringLiteral("wechat");
    const WechatConfig& w = m_config.wechat;
    addCheck(page, form, tr("Take payments with WeChat Pay (&enabled)"), section,
             QStringLiteral("enabled"), w.enabled);
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return boolText(c.wechat.enabled);
    };
    addText(page, form, tr("&Gateway URL:"), section, QStringLiteral("gateway_url"), w.gatewayUrl);
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return c.wechat.gatewayUrl;
    };
    addText(page, form, tr("&Merchant id (mch_id):"), section, QStringLiteral("mch_id"), w.mchId);
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return c.wechat.mchId;
    };
    addText(page, form, tr("App &ID:"), section, QStringLiteral("app_id"), w.appId);
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return c.wechat.appId;
    };
    addText(page, form, tr("Certificate &serial number:"), section,
            QStringLiteral("merchant_serial_no"), w.merchantSerialNo);
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return c.wechat.merchantSerialNo;
    };
    addText(page, form, tr("WeChat Pay public key i&d:"), section,
            QStringLiteral("wechatpay_public_key_id"), w.wechatpayPublicKeyId);
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return c.wechat.wechatpayPublicKeyId;
    };
    addText(page, form, tr("&Notify URL:"), section, QStringLiteral("notify_url"), w.notifyUrl);
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return c.wechat.notifyUrl;
    };
    addKeyRow(page, form, tr("Merchant &private key:"), KeySlot::WechatMerchantPrivateKey, section,
              QStringLiteral("merchant_private_key"), w.merchantPrivateKeyPath);
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return c.wechat.merchantPrivateKeyPath;
    };
    addKeyRow(page, form, tr("APIv3 &key:"), KeySlot::WechatApiV3Key, section,
              QStringLiteral("apiv3_key_file"), w.apiV3KeyPath);
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return c.wechat.apiV3KeyPath;
    };
    addKeyRow(page, form, tr("WeChat Pay p&ublic key:"), KeySlot::WechatPayPublicKey, section,
              QStringLiteral("wechatpay_public_key"), w.wechatpayPublicKeyPath);
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return c.wechat.wechatpayPublicKeyPath;
    };
    return page;
}

QWidget* SettingsDialog::buildStoreServerPage() {
    link::EnrollmentTarget target;
    target.configured = {m_config.store.id, m_config.terminal.id};
    target.credentialsPath = m_config.storeServer.credentialsPath;
    target.configPath = m_files.userConfigPath;
    target.configSources = m_files.sources;
    target.loadOptions.dataDir = m_files.dataDir;
    if (!m_config.network.caFile.isEmpty()) {
        if (const Result<QList<QSslCertificate>> cas = gateway::loadCaFile(m_config.network.caFile))
            target.extraCaCertificates = *cas;
    }
    m_storeServer = new StoreServerPage(m_config, std::move(target), m_config.sandbox, this);
    m_storeServer->setObjectName(QStringLiteral("storeServerPage"));
    return m_storeServer;
}

QWidget* SettingsDialog::buildRoutingPage() {
    auto* page = new QWidget(this);
    auto* form = new QFormLayout(page);
    const QString section = QStringLiteral("routing");
    const RoutingConfig& r = m_config.routing;
    const auto channelsText = [](const RoutingConfig& routing) {
        QStringList names;
        for (Channel channel : routing.channels)
            names << channelName(channel);
        return names.join(QStringLiteral(", "));
    };
    const auto amountText = [](const std::optional<money::Fen>& fen) {
        return fen ? money::formatYuan(*fen) : QString();
    };
    auto* intro = new QLabel(tr("Which channels this terminal offers (the first is what Enter "
                                "charges), which wallet a scanned payment code belongs to, and "
                                "the most one payment may be. Leave a field empty for the "
                                "default."),
                             page);
    intro->setWordWrap(true);
    form->addRow(intro);
    addText(page, form, tr("&Channels in order:"), section, QStringLiteral("channels"),
            channelsText(r))
        ->setPlaceholderText(tr("every enabled channel, Alipay first"));
    m_fields.back()->fromConfig = [channelsText](const AppConfig& c) {
        return channelsText(c.routing);
    };
    addText(page, form, tr("&Alipay code prefixes:"), section,
            QStringLiteral("alipay_code_prefixes"),
            routing::formatCodePrefixRanges(r.alipayCodePrefixes));
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return routing::formatCodePrefixRanges(c.routing.alipayCodePrefixes);
    };
    addText(page, form, tr("&WeChat Pay code prefixes:"), section,
            QStringLiteral("wechat_code_prefixes"),
            routing::formatCodePrefixRanges(r.wechatCodePrefixes));
    m_fields.back()->fromConfig = [](const AppConfig& c) {
        return routing::formatCodePrefixRanges(c.routing.wechatCodePrefixes);
    };
    addText(page, form, tr("Largest Alipay &payment (yuan):"), section,
            QStringLiteral("alipay_max_amount"), amountText(r.alipayMaxAmountFen))
        ->setPlaceholderText(tr("no limit"));
    m_fields.back()->fromConfig = [amountText](const AppConfig& c) {
        return amountText(c.routing.alipayMaxAmountFen);
    };
    addText(page, form, tr("Largest WeChat Pay pa&yment (yuan):"), section,
            QStringLiteral("wechat_max_amount"), amountText(r.wechatMaxAmountFen))
        ->setPlaceholderText(tr("no limit"));
    m_fields.back()->fromConfig = [amountText](const AppConfig& c) {
        return amountText(c.routing.wechatMaxAmountFen);
    };
    return page;
}

SettingsDialog::KeyRow* SettingsDialog::keyRow(KeySlot slot) const {
    for (const auto& row : m_keys) {
        if (row->slot == slot)
            return row.get();
    }
    return nullptr;
}

QString SettingsDialog::keyPath(KeySlot slot) const {
    const KeyRow* row = keyRow(slot);
    return row ? row->path->text() : QString();
}

void SettingsDialog::chooseKeyFile(KeySlot slot) {
    auto* dialog = new QFileDialog(this, tr("Choose the key file to import"));
    dialog->setObjectName(QStringLiteral("keyFileDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    dialog->setAcceptMode(QFileDialog::AcceptOpen);
    dialog->setNameFilters(
        {tr("Keys and certificates (*.pem *.key *.txt *.crt *.cer)"), tr("All files (*)")});
    connect(dialog, &QFileDialog::fileSelected, this,
            [this, slot](const QString& file) { importKey(slot, file); });
    dialog->open();
}

bool SettingsDialog::importKey(KeySlot slot, const QString& sourcePath) {
    KeyRow* row = keyRow(slot);
    if (!row || m_config.sandbox)
        return false;
    Result<crypto::ImportedKeyFile> imported =
        crypto::importKeyFile(sourcePath, row->kind, m_files.keyDir, row->baseName);
    if (!imported) {
        row->status->setText(tr("Refused: %1").arg(imported.error().message));
        row->status->setStyleSheet(QStringLiteral("color: #b00020;"));
        showMessage(tr("The key file was not imported; the setting is unchanged."), true);
        return false;
    }
    row->path->setText(imported->path);
    QString text = tr("Imported: %1. Stored as %2 (readable only by this user).")
                       .arg(imported->description, QDir::toNativeSeparators(imported->path));
    if (imported->sourceReadableByOthers)
        text += QLatin1Char(' ') + tr("The file you chose can be read by other users of this "
                                      "computer: delete it now that it is imported.");
    row->status->setText(text);
    row->status->setStyleSheet(QString());
    showMessage(tr("Key imported. Save to use it from the next start."), false);
    return true;
}

bool SettingsDialog::save() {
    if (m_config.sandbox)
        return false;
    const QString target = QFileInfo(m_files.userConfigPath).absoluteFilePath();

    QList<ConfigEdit> edits;
    QList<const Field*> written; // set to a value (not removed)
    for (const auto& field : m_fields) {
        const QString now = field->fromWidget();
        if (now == field->original)
            continue;
        if (now.isEmpty() && !field->emptyAllowed) {
            edits << ConfigEdit{field->section, field->key, std::nullopt};
        } else {
            edits << ConfigEdit{field->section, field->key, now};
            written << field.get();
        }
    }
    if (edits.isEmpty()) {
        showMessage(tr("Nothing was changed."), false);
        return true;
    }

    // The till's files as they will be read at the next start, with the candidate in place of
    // the user's file.
    ConfigLoadResult checked;
    auto validate = [&](const QString& candidate) -> Status {
        ConfigLoadOptions options;
        options.dataDir = m_files.dataDir;
        checked = ConfigLoader::loadReplacing(m_files.sources, target, candidate, options);
        if (checked.ok())
            return Status::success();
        QStringList lines;
        for (const ConfigIssue& issue : checked.errors)
            lines << QString(issue.message).replace(candidate, target);
        return Error{QStringLiteral("settings.invalid"), lines.join(QLatin1Char('\n'))};
    };
    const Status status = ConfigWriter::write(target, edits, validate);
    if (!status) {
        showMessage(tr("The settings were not saved (the file is unchanged):\n%1")
                        .arg(status.error().message),
                    true);
        return false;
    }

    QStringList overridden;
    for (const Field* field : written) {
        if (field->fromConfig && field->fromConfig(checked.config) != field->fromWidget())
            overridden << field->qualified();
    }
    for (const auto& field : m_fields)
        field->original = field->fromWidget();
    m_config = checked.config;

    QString text = tr("Saved in %1. The changes take effect the next time qpos starts.")
                       .arg(QDir::toNativeSeparators(target));
    if (!overridden.isEmpty())
        text += QLatin1Char('\n') +
                tr("Note: a configuration file read after this one also sets %1, and its value "
                   "wins. Ask the installer to change it there.")
                    .arg(overridden.join(QStringLiteral(", ")));
    showMessage(text, !overridden.isEmpty());
    m_buttons->button(QDialogButtonBox::Cancel)->setText(tr("Close"));
    emit saved(checked.config);
    return true;
}

void SettingsDialog::showMessage(const QString& text, bool error) {
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
}

void SettingsDialog::setReadOnly() {
    for (const auto& field : m_fields) {
        // Read-only text stays as readable as in a normal form; other controls are disabled.
        if (auto* edit = qobject_cast<QLineEdit*>(field->widget))
            edit->setReadOnly(true);
        else
            field->widget->setEnabled(false);
    }
    for (const auto& row : m_keys)
        row->import->setEnabled(false);
    m_save->setVisible(false);
    m_buttons->button(QDialogButtonBox::Cancel)->setText(tr("Close"));
    m_note->setText(tr("This is the demo shop (sandbox): it runs on built-in settings and does "
                       "not write any file, so these settings are shown read-only. Start qpos "
                       "without --sandbox to set up a real shop."));
}

} // namespace qpos::ui
