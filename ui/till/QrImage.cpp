#include "ui/till/QrImage.h"

#include <QtGlobal>

#include <algorithm>

namespace qpos::ui {

QImage renderQrImage(const qr::QrCode& code, int maxSidePx) {
    if (code.width() <= 0)
        return {};
    const int modules = code.width() + 2 * qr::QrCode::kQuietZone;
    // Whole pixels per module: a fractional scale would blur module edges, which slows
    // down or defeats a phone camera at the edge of its range.
    const int scale = std::max(1, maxSidePx / modules);
    const int side = modules * scale;

    QImage image(side, side, QImage::Format_RGB32);
    image.fill(Qt::white);
    const QRgb black = qRgb(0, 0, 0);
    const int offset = qr::QrCode::kQuietZone * scale;
    for (int my = 0; my < code.width(); ++my) {
        for (int py = 0; py < scale; ++py) {
            auto* line = reinterpret_cast<QRgb*>(image.scanLine(offset + my * scale + py));
            for (int mx = 0; mx < code.width(); ++mx) {
                if (!code.isDark(mx, my))
                    continue;
                QRgb* first = line + offset + mx * scale;
                std::fill(first, first + scale, black);
            }
        }
    }
    return image;
}

} // namespace qpos::ui
