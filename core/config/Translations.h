#pragma once

#include "core/config/AppConfig.h"

#include <QLocale>

class QCoreApplication;

namespace qpos {

// The locale the interface speaks: the configured language, or the system's (LC_ALL,
// LC_MESSAGES, LANG) when "system". Simplified Chinese and English ship; any other language
// falls back to English.
QLocale interfaceLocale(UiLanguage language);

// Installs qpos's and Qt's own translations for `locale` into the application (the till and
// qposctl alike; the .qm files are built into the core library).
void installTranslations(QCoreApplication& app, const QLocale& locale);

} // namespace qpos
