#pragma once

#include <QStringList>

namespace qpos::ctl {

class CtlContext;

// `qposctl enroll CODE`: links the till to its store backend with a one-time enrollment code
// (docs/qposctl.md).
int runEnrollCommand(CtlContext& context, const QStringList& arguments);

} // namespace qpos::ctl
