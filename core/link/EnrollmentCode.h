#pragma once

#include "core/common/Result.h"
#include "core/link/RequestSignature.h"
#include "core/link/TerminalIdentity.h"

#include <QString>
#include <QUrl>

namespace qpos::link {

// The one-time code that enrolls a till with its store backend
// (docs/server-protocol.md, "Enrollment code"): "QPOS1-" + base64url(JSON).
struct EnrollmentCode {
    QUrl serverUrl; // https://host:port (http only for loopback)
    TerminalIdentity terminal;
    TerminalSecret secret;
    QString certificateFingerprint; // SHA-256 of the server certificate's DER, lower-case
                                    // hex; empty when a CA vouches for it

    QString encode() const;
    // Errors: enroll.malformed_code with a message that says what to do.
    static Result<EnrollmentCode> decode(const QString& text);
};

} // namespace qpos::link
