#include "core/qr/QrCode.h"

#include <QCoreApplication>

#include <qrencode.h>

#include <memory>

namespace qpos::qr {

Result<QrCode> QrCode::encode(const QString& text) {
    const QByteArray utf8 = text.toUtf8();
    if (utf8.isEmpty() || utf8.size() > 2048)
        return Error{QStringLiteral("qr.too_long"),
                     QCoreApplication::translate(
                         "qpos::qr::QrCode",
                         "The payment link cannot be shown as a QR code (it is empty or longer "
                         "than 2048 bytes). Cancel and charge again; if it happens again, "
                         "contact support.")};
    // 8-bit mode, not QRencode_encodeString's auto mode: the URL is encoded byte for byte.
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeData(static_cast<int>(utf8.size()),
                          reinterpret_cast<const unsigned char*>(utf8.constData()), 0,
                          QR_ECLEVEL_M),
        &QRcode_free);
    if (!code)
        return Error{QStringLiteral("qr.encode_failed"),
                     QCoreApplication::translate(
                         "qpos::qr::QrCode",
                         "The QR code could not be made. Cancel and charge again; if it happens "
                         "again, contact support.")};
    QrCode qr;
    qr.m_width = code->width;
    qr.m_modules.resize(qsizetype(code->width) * code->width);
    for (qsizetype i = 0; i < qr.m_modules.size(); ++i)
        qr.m_modules[i] = (code->data[i] & 1) ? 1 : 0; // bit 0: dark module
    return qr;
}

} // namespace qpos::qr
