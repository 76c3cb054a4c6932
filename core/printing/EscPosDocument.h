#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QString>

#include <optional>

// One print job for an ESC/POS thermal printer, built command by command (docs/printing.md
// names each command and its source). Text is encoded in GB18030 for a Chinese printer in
// its Chinese character mode (FS &), and laid out on the roll's columns (PrintedWidth.h).
namespace qpos::printing {

enum class Alignment { Left, Center, Right };

// The drawer kick-out connector's pin the cash drawer hangs on.
enum class DrawerPin { Pin2, Pin5 };

// QR error correction, L (7%) to H (30%).
enum class QrErrorLevel { L, M, Q, H };

class EscPosDocument {
public:
    // `columns`: 32 on a 58 mm roll, 48 on an 80 mm roll, in normal size.
    explicit EscPosDocument(int columns);

    int columns() const { return m_columns; }
    // The columns a line has now: half of them in double size.
    int lineColumns() const { return m_double ? m_columns / 2 : m_columns; }

    // ESC @ (clears any mode a previous job left) then FS & (Chinese character mode).
    EscPosDocument& initialize();
    EscPosDocument& align(Alignment alignment); // ESC a n
    EscPosDocument& bold(bool on);              // ESC E n
    EscPosDocument& doubleSize(bool on);        // GS ! n: double width and height
    // The text wrapped to the line, each line ended by LF.
    EscPosDocument& text(const QString& text);
    // A label left and an amount right on one line (wrapping the label when it is too long).
    EscPosDocument& twoColumns(const QString& left, const QString& right);
    EscPosDocument& rule(QChar c = u'-'); // a whole line of `c`
    EscPosDocument& feed(int lines);      // ESC d n
    // A model 2 QR of `payload`: model, module size (1-16 dots), error level, store, print.
    EscPosDocument& qrCode(const QByteArray& payload, int moduleSize, QrErrorLevel level);
    EscPosDocument& cut();                     // GS V 66 0: feed to the cutter, partial cut
    EscPosDocument& drawerKick(DrawerPin pin); // ESC p m t1 t2
    EscPosDocument& raw(const QByteArray& bytes);

    // The job's bytes, or why a text could not be encoded.
    Result<QByteArray> bytes() const;

private:
    void encodeLine(const QString& line);

    int m_columns;
    bool m_double = false;
    QByteArray m_bytes;
    std::optional<Error> m_error;
};

// The pulse of ESC p: 50 ms on, 500 ms off, the values drawer makers and printer drivers use.
inline constexpr unsigned char kDrawerPulseOn = 25;   // × 2 ms
inline constexpr unsigned char kDrawerPulseOff = 250; // × 2 ms

} // namespace qpos::printing
