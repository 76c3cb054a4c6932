#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QString>

namespace qpos::qr {

// A QR code's modules, made with libqrencode (error correction M, 8-bit mode, the smallest
// version that fits). No pixels here: core links no Qt Gui; the till turns it into an image.
class QrCode {
public:
    // Fails ("qr.too_long" / "qr.encode_failed") with a translated message.
    static Result<QrCode> encode(const QString& text);

    int width() const { return m_width; } // modules per side, without the quiet zone
    bool isDark(int x, int y) const { return m_modules.at(y * m_width + x) != 0; }
    // Modules of light border every reader needs (ISO/IEC 18004: 4).
    static constexpr int kQuietZone = 4;

private:
    int m_width = 0;
    QByteArray m_modules; // row-major, 1 = dark
};

} // namespace qpos::qr
