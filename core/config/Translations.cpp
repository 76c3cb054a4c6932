#include "core/config/Translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QTranslator>

namespace qpos {

QLocale interfaceLocale(UiLanguage language) {
    switch (language) {
    case UiLanguage::ZhCN:
        return QLocale(QLocale::Chinese, QLocale::SimplifiedChineseScript, QLocale::China);
    case UiLanguage::En:
        return QLocale(QLocale::English, QLocale::UnitedStates);
    case UiLanguage::System:
        break;
    }
    const QLocale system = QLocale::system();
    if (system.language() == QLocale::Chinese)
        return QLocale(QLocale::Chinese, QLocale::SimplifiedChineseScript, QLocale::China);
    return QLocale(QLocale::English, QLocale::UnitedStates);
}

void installTranslations(QCoreApplication& app, const QLocale& locale) {
    QLocale::setDefault(locale);
    if (locale.language() != QLocale::Chinese)
        return; // the source strings are English

    auto* own = new QTranslator(&app);
    if (own->load(locale, QStringLiteral("qpos"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(own);
    // Qt's own strings (standard buttons, dialogs), when the system ships them.
    auto* qt = new QTranslator(&app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
}

} // namespace qpos
