#pragma once

#include <QStringList>

namespace qpos::ctl {

class CtlContext;

// qposctl orders [--from DATE] [--to DATE] [--status S] [--channel C] [--search TEXT]
//                [--limit N] [--json]
// Lists orders newest first; today (China date) by default. Reads the database directly: no
// gateway, no recovery. JSON: {"from":..., "to":..., "orders":[...], "count":N}.
int runOrdersCommand(CtlContext& context, const QStringList& arguments);

} // namespace qpos::ctl
