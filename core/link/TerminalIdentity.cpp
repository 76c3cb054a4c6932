#include "core/link/TerminalIdentity.h"

namespace qpos::link {

bool isValidTerminalCode(const QString& code) {
    if (code.isEmpty() || code.size() > 16)
        return false;
    for (QChar c : code) {
        const bool allowed = (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z') ||
                             (c >= u'0' && c <= u'9') || c == u'-';
        if (!allowed)
            return false;
    }
    return true;
}

} // namespace qpos::link
