#pragma once

#include "config/AppConfig.h"

#include <QLocale>

class QCoreApplication;

namespace qpos::ui {

// The locale the interface speaks: the configured language, or the desktop's when "system".
// Simplified Chinese and English ship; any other system language falls back to English.
QLocale interfaceLocale(UiLanguage language);

// Installs qpos's and Qt's own translations for `locale` into the application.
void installTranslations(QCoreApplication& app, const QLocale& locale);

} // namespace qpos::ui
