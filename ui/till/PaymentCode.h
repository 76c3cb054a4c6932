#pragma once

#include <QString>
#include <QStringView>

namespace qpos::ui {

// How the till shows a buyer's payment code (付款码). The code is a secret: it is never shown
// in full and never logged. Which wallet a code belongs to is the terminal's routing
// (routing::ChannelRouting).
namespace payment_code {

// The last four digits behind dots, for the screen ("•••• 0000").
QString masked(QStringView code);

} // namespace payment_code
} // namespace qpos::ui
