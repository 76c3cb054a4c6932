#include "core/printing/EscPosDocument.h"

#include "core/printing/PrintedWidth.h"
#include "core/text/Gb18030.h"

#include <QCoreApplication>

#include <algorithm>

namespace qpos::printing {

namespace {

constexpr char kEsc = 0x1B;
constexpr char kGs = 0x1D;
constexpr char kFs = 0x1C;
constexpr char kLf = 0x0A;

char byte(int value) {
    return static_cast<char>(static_cast<unsigned char>(value));
}

// GS ( k pL pH cn fn [parameters], cn = 49 (QR Code).
QByteArray qrFunction(char fn, const QByteArray& parameters) {
    const qsizetype length = parameters.size() + 2;
    QByteArray out;
    out += kGs;
    out += '(';
    out += 'k';
    out += byte(int(length % 256));
    out += byte(int(length / 256));
    out += char(49);
    out += fn;
    out += parameters;
    return out;
}

} // namespace

EscPosDocument::EscPosDocument(int columns)
    : m_columns(std::max(columns, 8)) {}

EscPosDocument& EscPosDocument::initialize() {
    m_bytes += kEsc;
    m_bytes += '@';
    m_bytes += kFs;
    m_bytes += '&';
    m_double = false;
    return *this;
}

EscPosDocument& EscPosDocument::align(Alignment alignment) {
    m_bytes += kEsc;
    m_bytes += 'a';
    m_bytes += byte(alignment == Alignment::Left ? 0 : alignment == Alignment::Center ? 1 : 2);
    return *this;
}

EscPosDocument& EscPosDocument::bold(bool on) {
    m_bytes += kEsc;
    m_bytes += 'E';
    m_bytes += byte(on ? 1 : 0);
    return *this;
}

EscPosDocument& EscPosDocument::doubleSize(bool on) {
    m_bytes += kGs;
    m_bytes += '!';
    m_bytes += byte(on ? 0x11 : 0x00); // width ×2 (bits 4-6), height ×2 (bits 0-2)
    m_double = on;
    return *this;
}

void EscPosDocument::encodeLine(const QString& line) {
    if (Result<QByteArray> encoded = gb18030::encode(line)) {
        m_bytes += *encoded;
    } else if (!m_error) {
        m_error = encoded.error();
    }
    m_bytes += kLf;
}

EscPosDocument& EscPosDocument::text(const QString& text) {
    for (const QString& line : wrapToWidth(printableText(text), lineColumns()))
        encodeLine(line);
    return *this;
}

EscPosDocument& EscPosDocument::twoColumns(const QString& left, const QString& right) {
    for (const QString& line :
         printing::twoColumns(printableText(left), printableText(right), lineColumns()))
        encodeLine(line);
    return *this;
}

EscPosDocument& EscPosDocument::rule(QChar c) {
    const int width = c.unicode() < 0x80 ? 1 : 2;
    encodeLine(QString(lineColumns() / width, c));
    return *this;
}

EscPosDocument& EscPosDocument::feed(int lines) {
    m_bytes += kEsc;
    m_bytes += 'd';
    m_bytes += byte(std::clamp(lines, 0, 255));
    return *this;
}

EscPosDocument& EscPosDocument::qrCode(const QByteArray& payload, int moduleSize,
                                       QrErrorLevel level) {
    // Function 165: model 2 (n1 = 50, n2 = 0).
    m_bytes += qrFunction(65, QByteArray("\x32\x00", 2));
    // Function 167: module size in dots.
    m_bytes += qrFunction(67, QByteArray(1, byte(std::clamp(moduleSize, 1, 16))));
    // Function 169: error correction, 48 (L) to 51 (H).
    m_bytes += qrFunction(69, QByteArray(1, byte(48 + int(level))));
    // Function 180: store the data (m = 48); model 2 holds at most 7089 bytes.
    m_bytes += qrFunction(80, QByteArray(1, '0') + payload.left(7089));
    // Function 181: print the stored symbol (m = 48).
    m_bytes += qrFunction(81, QByteArray(1, '0'));
    m_bytes += kLf;
    return *this;
}

EscPosDocument& EscPosDocument::cut() {
    m_bytes += kGs;
    m_bytes += 'V';
    m_bytes += byte(66);
    m_bytes += byte(0);
    return *this;
}

EscPosDocument& EscPosDocument::drawerKick(DrawerPin pin) {
    m_bytes += kEsc;
    m_bytes += 'p';
    m_bytes += byte(pin == DrawerPin::Pin2 ? 0 : 1);
    m_bytes += byte(kDrawerPulseOn);
    m_bytes += byte(kDrawerPulseOff);
    return *this;
}

EscPosDocument& EscPosDocument::raw(const QByteArray& bytes) {
    m_bytes += bytes;
    return *this;
}

Result<QByteArray> EscPosDocument::bytes() const {
    if (m_error)
        return *m_error;
    return m_bytes;
}

} // namespace qpos::printing
