#include "ctl/RefundCommand.h"

#include "core/money/Money.h"
#include "ctl/CommandOptions.h"
#include "ctl/CtlContext.h"
#include "ctl/CtlExit.h"
#include "ctl/CtlJson.h"
#include "ctl/PinInput.h"
#include "ctl/TillDriver.h"

#include <QCoreApplication>

namespace qpos::ctl {

int runRefundCommand(CtlContext& context, const QStringList& arguments) {
    CommandOptions options(
        QStringLiteral("refund"), QStringLiteral("ORDER_NO --amount YUAN [options]"),
        QCoreApplication::translate(
            "qpos::ctl",
            "Refunds part or all of a paid order, approved by a manager's PIN (from --pin, the "
            "environment variable QPOS_MANAGER_PIN, or standard input; prefer the latter two: "
            "other users can see command lines). When the outcome is not known (exit 1), do not "
            "refund again: \"qposctl recover\" settles the open refund under its own request "
            "number, which never refunds twice.\n"
            "Exit codes: 0 refunded, 3 refused, 1 error or outcome not known yet, 2 wrong usage."));
    const QCommandLineOption amountOption(
        QStringLiteral("amount"),
        QCoreApplication::translate("qpos::ctl", "Amount to give back, in yuan."),
        QStringLiteral("YUAN"));
    const QCommandLineOption reasonOption(
        QStringLiteral("reason"),
        QCoreApplication::translate("qpos::ctl", "Why (kept with the refund, sent to the "
                                                 "provider)."),
        QStringLiteral("TEXT"));
    const QCommandLineOption pinOption(
        QStringLiteral("pin"), QCoreApplication::translate("qpos::ctl", "The manager's PIN."),
        QStringLiteral("PIN"));
    options.add(amountOption);
    options.add(reasonOption);
    options.add(pinOption);
    options.addJson();
    CtlOutput& out = context.out();
    if (std::optional<int> done = options.parse(arguments, out))
        return *done;

    const std::optional<QString> orderNumber = options.orderNumber(out);
    if (!orderNumber)
        return kExitUsage;
    const QString& outTradeNo = *orderNumber;
    if (!options.isSet(amountOption))
        return options.usageError(
            out, QCoreApplication::translate("qpos::ctl", "--amount is required, in yuan."));
    const Result<money::Fen> amount = money::parseYuan(
        options.value(amountOption), money::Sign::Positive, QStringLiteral("--amount"));
    if (!amount)
        return options.usageError(out, amount.error().message);
    const QString reason = options.value(reasonOption).trimmed();
    if (reason.size() > 256)
        return options.usageError(out, QCoreApplication::translate(
                                           "qpos::ctl", "--reason takes at most 256 characters."));

    // A configuration that is not valid is reported before anyone is asked for a PIN.
    if (!context.config())
        return kExitError;
    const std::optional<QString> pin = readPin(
        options.isSet(pinOption) ? std::optional<QString>(options.value(pinOption)) : std::nullopt,
        "QPOS_MANAGER_PIN", QCoreApplication::translate("qpos::ctl", "Manager PIN:"), out);
    if (!pin || pin->isEmpty())
        return options.usageError(
            out, QCoreApplication::translate(
                     "qpos::ctl", "A manager PIN is needed: --pin, QPOS_MANAGER_PIN or standard "
                                  "input."));

    const std::unique_ptr<TillDriver> till = context.startTill();
    if (!till)
        return kExitError;
    TillDriver& driver = *till;
    if (!driver.ready().hasStaff) {
        out.error(QCoreApplication::translate(
            "qpos::ctl", "No staff is set up, so no manager can approve a refund. Add one with "
                         "\"qposctl staff add --role manager ...\"."));
        return kExitError;
    }
    const service::StaffReply manager = driver.verifyManagerPin(*pin);
    if (!manager.error.isEmpty()) {
        out.error(manager.error);
        return kExitError;
    }

    checkout::RefundCommand command;
    command.outTradeNo = outTradeNo;
    command.amountFen = *amount;
    command.reason = reason;
    command.managerId = manager.member.id;
    const checkout::RefundReport report = driver.refund(command);

    if (out.json()) {
        QJsonObject o = refundReportJson(report);
        putMoney(o, QStringLiteral("amount"), *amount);
        o.insert(QStringLiteral("manager_id"), manager.member.id);
        out.object(o);
    } else if (report.ok) {
        out.line(QCoreApplication::translate("qpos::ctl",
                                             "Refunded %1 of order %2 (refund request %3), "
                                             "approved by %4.")
                     .arg(money::formatYuan(*amount), outTradeNo, report.outRequestNo,
                          manager.member.id));
        if (report.order)
            out.line(QCoreApplication::translate("qpos::ctl", "Order state: %1; refunded in "
                                                              "total %2 of %3.")
                         .arg(orderStateName(report.order->state),
                              money::formatYuan(report.order->refundedFen),
                              money::formatYuan(report.order->amountFen)));
    } else {
        out.line(report.message);
    }
    if (report.ok)
        return kExitOk;
    if (report.heldByProvider)
        return kExitError; // the message says what the manager must do
    if (report.pending) {
        if (!out.json())
            out.note(QCoreApplication::translate(
                "qpos::ctl", "The refund's outcome is not known yet; \"qposctl recover\" (or "
                             "the till's next start) settles it with the same request number."));
        return kExitError;
    }
    return kExitNotPaid;
}

} // namespace qpos::ctl
