#pragma once

#include <QString>
#include <QStringView>

namespace qpos {

// Merchant order numbers: STORE_TERMINAL_yyyyMMdd_SEQUENCE, at most 64 characters of
// [A-Za-z0-9_] (both providers' limit). The date is the China calendar date (UTC+8) of
// creation, for people; uniqueness comes from the sequence, which is persisted in the order
// database and never goes back, so a restart or a clock stepped back cannot repeat a number.
namespace out_trade_no {

// Store and terminal ids: 1-16 ASCII letters or digits (no '_', which separates the parts).
bool isValidPartId(QStringView id);

QString make(const QString& storeId, const QString& terminalId, qint64 utcMs, qint64 sequence);

// Shape check for numbers that arrive from outside (push, bill, command line).
bool isWellFormed(QStringView outTradeNo);

} // namespace out_trade_no
} // namespace qpos
