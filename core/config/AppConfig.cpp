#include "core/config/AppConfig.h"

#include "core/config/ConfigKeys.h"
#include "core/config/ConfigValueParser.h"

#include <QDir>

using namespace Qt::StringLiterals;

namespace qpos {

AppConfig productionDefaults(const QString& dataDir) {
    // The key table's defaults, parsed and applied like a file's values.
    const QDir data(dataDir);
    AppConfig config;
    for (const ConfigKey& key : configKeys()) {
        if (key.defaultValue.isEmpty())
            continue;
        QString text = key.defaultValue;
        if (text.startsWith(kDataDirPlaceholder))
            text = text.sliced(kDataDirPlaceholder.size());
        const Result<ConfigValue> value = parseConfigValue(key, text, data);
        Q_ASSERT_X(value.ok(), "productionDefaults", qPrintable(key.qualifiedName()));
        if (value)
            key.apply(config, *value);
    }
    return config;
}

AppConfig sandboxDefaults(const QString& dataDir) {
    AppConfig config = productionDefaults(dataDir);
    config.sandbox = true;
    config.store.id = u"DEMO"_s;
    config.store.name = u"qpos demo shop"_s;
    config.terminal.id = u"T01"_s;
    config.database.path = QDir::cleanPath(QDir(dataDir).absoluteFilePath(u"sandbox-orders.db"_s));
    // The demo's own store server link (demo/DemoShop), apart from a real till's.
    config.storeServer.credentialsPath =
        QDir::cleanPath(QDir(dataDir).absoluteFilePath(u"sandbox-store-server-credentials.json"_s));
    return config;
}

QString toConfigString(LogLevel level) {
    switch (level) {
    case LogLevel::Debug:
        return u"debug"_s;
    case LogLevel::Info:
        return u"info"_s;
    case LogLevel::Warning:
        return u"warning"_s;
    case LogLevel::Critical:
        return u"critical"_s;
    }
    return u"info"_s;
}

QString toConfigString(UiLanguage language) {
    switch (language) {
    case UiLanguage::System:
        return u"system"_s;
    case UiLanguage::ZhCN:
        return u"zh_CN"_s;
    case UiLanguage::En:
        return u"en"_s;
    }
    return u"system"_s;
}

QString toConfigString(PaperWidth width) {
    return width == PaperWidth::Mm58 ? u"58"_s : u"80"_s;
}

QString toConfigString(CashDrawerPin pin) {
    return pin == CashDrawerPin::Pin5 ? u"5"_s : u"2"_s;
}

} // namespace qpos
