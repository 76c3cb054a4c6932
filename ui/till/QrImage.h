#pragma once

#include "core/qr/QrCode.h"

#include <QImage>

namespace qpos::ui {

// Renders a QR code for the screen: the quiet zone around it, every module the same whole
// number of pixels (no blurry edges for the buyer's camera), black on white, as large as fits
// in `maxSidePx` (at least one pixel per module).
QImage renderQrImage(const qr::QrCode& code, int maxSidePx);

} // namespace qpos::ui
