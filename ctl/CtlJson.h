#pragma once

#include "core/checkout/CheckoutTypes.h"
#include "core/money/Money.h"
#include "core/orders/Order.h"
#include "core/staff/Staff.h"
#include "core/storage/OrderQuery.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace qpos::ctl {

// qposctl's JSON vocabulary. Field names are stable snake_case (scripts depend on them):
// amounts appear twice, as integer fen ("amount_fen": 1234) and as the yuan string
// ("amount": "12.34"); times as UTC milliseconds ("created_at_ms") and ISO 8601 UTC
// ("created_at"); states, channels and sources by their machine names.

void putMoney(QJsonObject& object, const QString& name, money::Fen fen);
void putTime(QJsonObject& object, const QString& name, std::optional<qint64> utcMs);

QJsonObject orderJson(const Order& order);
QJsonObject orderEventJson(const OrderEvent& event);
QJsonObject refundRecordJson(const RefundRecord& refund);
QJsonObject staffJson(const StaffMember& member);
QJsonObject checkoutUpdateJson(const checkout::CheckoutUpdate& update);
QJsonObject refundReportJson(const checkout::RefundReport& report);
QJsonObject recoveryReportJson(const checkout::RecoveryReport& report);

// "requested", "succeeded", "failed", "held_by_provider"
QString refundRecordStateName(RefundRecordState state);

} // namespace qpos::ctl
