#include "core/config/AppConfig.h"

#include <QDir>

using namespace Qt::StringLiterals;

namespace qpos {

AppConfig productionDefaults(const QString& dataDir) {
    const QDir data(dataDir);
    AppConfig config;
    config.database.path = QDir::cleanPath(data.absoluteFilePath(u"orders.db"_s));
    config.log.dir = QDir::cleanPath(data.absoluteFilePath(u"logs"_s));
    config.alipay.gatewayUrl = u"https://openapi.alipay.com/gateway.do"_s;
    config.alipay.signType = u"RSA2"_s;
    config.wechat.gatewayUrl = u"https://api.mch.weixin.qq.com"_s;
    return config;
}

AppConfig sandboxDefaults(const QString& dataDir) {
    AppConfig config = productionDefaults(dataDir);
    config.sandbox = true;
    config.store.id = u"DEMO"_s;
    config.store.name = u"qpos demo shop"_s;
    config.terminal.id = u"T01"_s;
    config.database.path = QDir::cleanPath(QDir(dataDir).absoluteFilePath(u"sandbox-orders.db"_s));
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

} // namespace qpos
