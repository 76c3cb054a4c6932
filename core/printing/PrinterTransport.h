#pragma once

#include "core/common/Result.h"
#include "core/printing/PrinterAddress.h"

#include <QByteArray>

// Sends one print job to a receipt printer and waits for it to be taken. Blocks: run it on a
// thread of its own, never on the GUI thread or the till's worker.
//
// Error codes: "printer.unreachable" (no connection: off, unplugged, wrong address),
// "printer.refused" (the printer or the system refused the job), "printer.paper_out" (the
// printer answered the status query with paper end), "printer.timeout" (the job was not taken
// in time), "printer.no_device", "printer.no_permission".
namespace qpos::printing {

struct TransportTimeouts {
    int connectMs = 3000; // a printer on the shop's network answers in milliseconds
    int statusMs = 800;   // the paper status answer; a printer that never answers is not waited on
    int writeMs = 10000;  // a long report on a slow printer
};

Status sendToPrinter(const PrinterAddress& address, const QByteArray& job,
                     const TransportTimeouts& timeouts = {});

// Looks at a printer without printing: a network printer is connected to and asked for its
// paper status (nothing else is sent); a device file must exist and be writable by this user.
// The answer says what was found ("paper present", "no paper status answer", ...).
Result<QString> probePrinter(const PrinterAddress& address, const TransportTimeouts& timeouts = {});

// DLE EOT 4: the real-time query of the roll paper sensor; one byte answers it.
inline constexpr char kPaperStatusQuery[] = {0x10, 0x04, 0x04};
// Bits 5 and 6 of the answer: the roll has run out. Bits 1 and 4 are always set, 0 and 7 clear.
inline constexpr unsigned char kPaperEndBits = 0x60;

} // namespace qpos::printing
