#include "ctl/OrdersCommand.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/calendar/LocalTimeText.h"
#include "ctl/CommandOptions.h"
#include "ctl/CtlContext.h"
#include "ctl/CtlExit.h"
#include "ctl/CtlJson.h"
#include "ctl/StoreAccess.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>

#include <algorithm>

namespace qpos::ctl {

namespace {

constexpr int kPageSize = 200;

void printTable(const CtlOutput& out, const QList<Order>& orders) {
    qsizetype width = 5;
    for (const Order& o : orders)
        width = std::max(width, o.outTradeNo.size());
    out.line(QCoreApplication::translate("qpos::ctl", "ORDER").leftJustified(width) +
             QStringLiteral("  ") +
             QCoreApplication::translate("qpos::ctl", "CREATED").leftJustified(19) +
             QStringLiteral("  ") +
             QCoreApplication::translate("qpos::ctl", "CHANNEL").leftJustified(7) +
             QStringLiteral("  ") +
             QCoreApplication::translate("qpos::ctl", "AMOUNT").rightJustified(12) +
             QStringLiteral("  ") +
             QCoreApplication::translate("qpos::ctl", "REFUNDED").rightJustified(12) +
             QStringLiteral("  ") + QCoreApplication::translate("qpos::ctl", "STATE"));
    money::Fen paid = 0;
    money::Fen refunded = 0;
    qsizetype paidCount = 0;
    for (const Order& o : orders) {
        out.line(o.outTradeNo.leftJustified(width) + QStringLiteral("  ") +
                 localTimeText(o.createdAtMs) + QStringLiteral("  ") +
                 channelName(o.channel).leftJustified(7) + QStringLiteral("  ") +
                 money::formatYuan(o.amountFen).rightJustified(12) + QStringLiteral("  ") +
                 money::formatYuan(o.refundedFen).rightJustified(12) + QStringLiteral("  ") +
                 orderStateName(o.state));
        if (o.paidAtMs) {
            ++paidCount;
            paid += o.amountFen;
            refunded += o.refundedFen;
        }
    }
    out.line(QCoreApplication::translate("qpos::ctl",
                                         "%1 orders; %2 paid: %3 yuan, refunded %4, net %5.")
                 .arg(orders.size())
                 .arg(paidCount)
                 .arg(money::formatYuan(paid), money::formatYuan(refunded),
                      money::formatYuan(paid - refunded)));
}

} // namespace

int runOrdersCommand(CtlContext& context, const QStringList& arguments) {
    CommandOptions options(
        QStringLiteral("orders"), QStringLiteral("[options]"),
        QCoreApplication::translate(
            "qpos::ctl",
            "Lists orders, newest first: today's by default. Dates are China calendar dates "
            "(yyyy-MM-dd, \"today\" or \"yesterday\"), both inclusive. Reads the database only: "
            "safe while the till runs."));
    const QCommandLineOption fromOption(
        QStringLiteral("from"),
        QCoreApplication::translate("qpos::ctl", "First day (default: --to, or today)."),
        QStringLiteral("DATE"));
    const QCommandLineOption toOption(
        QStringLiteral("to"),
        QCoreApplication::translate("qpos::ctl", "Last day (default: today)."),
        QStringLiteral("DATE"));
    const QCommandLineOption statusOption(
        QStringLiteral("status"),
        QCoreApplication::translate(
            "qpos::ctl",
            "Only orders in this state: created, pending, unknown, paid, partially_refunded, "
            "refunded, cancelled, failed, or \"open\" (created, pending, unknown). Repeatable, "
            "or comma-separated."),
        QStringLiteral("STATE"));
    const QCommandLineOption channelOption(
        QStringLiteral("channel"),
        QCoreApplication::translate("qpos::ctl", "Only this channel: alipay or wechat."),
        QStringLiteral("CHANNEL"));
    const QCommandLineOption searchOption(
        QStringLiteral("search"),
        QCoreApplication::translate(
            "qpos::ctl", "Only orders whose number contains TEXT (or whose provider trade number "
                         "is TEXT)."),
        QStringLiteral("TEXT"));
    const QCommandLineOption limitOption(
        QStringLiteral("limit"),
        QCoreApplication::translate("qpos::ctl", "At most N orders (default: all)."),
        QStringLiteral("N"));
    for (const QCommandLineOption* o :
         {&fromOption, &toOption, &statusOption, &channelOption, &searchOption, &limitOption})
        options.add(*o);
    options.addJson();
    options.refuseArguments();
    CtlOutput& out = context.out();
    if (std::optional<int> done = options.parse(arguments, out))
        return *done;

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    std::optional<QDate> to = china_calendar::dateOf(now);
    if (options.isSet(toOption))
        to = china_calendar::parseDate(options.value(toOption), now);
    std::optional<QDate> from = to;
    if (options.isSet(fromOption))
        from = china_calendar::parseDate(options.value(fromOption), now);
    if (!from || !to)
        return options.usageError(
            out, QCoreApplication::translate(
                     "qpos::ctl", "Dates are written yyyy-MM-dd (or today, yesterday)."));
    if (*from > *to)
        return options.usageError(
            out, QCoreApplication::translate("qpos::ctl", "--from is after --to."));

    OrderFilter filter;
    filter.fromMs = china_calendar::dayStartMs(*from);
    filter.toMs = china_calendar::dayEndMs(*to);
    for (const QString& value : options.values(statusOption)) {
        for (const QString& name : value.split(u',', Qt::SkipEmptyParts)) {
            if (name == u"open") {
                for (OrderState s : kAllOrderStates) {
                    if (needsRecovery(s) && !filter.states.contains(s))
                        filter.states.append(s);
                }
                continue;
            }
            const std::optional<OrderState> state = orderStateFromName(name.trimmed());
            if (!state)
                return options.usageError(
                    out,
                    QCoreApplication::translate("qpos::ctl", "Unknown state \"%1\".").arg(name));
            if (!filter.states.contains(*state))
                filter.states.append(*state);
        }
    }
    if (options.isSet(channelOption)) {
        filter.channel = channelFromName(options.value(channelOption));
        if (!filter.channel)
            return options.usageError(
                out, QCoreApplication::translate("qpos::ctl",
                                                 "Unknown channel \"%1\": use alipay or wechat.")
                         .arg(options.value(channelOption)));
    }
    filter.search = options.value(searchOption);
    qint64 limit = -1;
    if (options.isSet(limitOption)) {
        bool ok = false;
        limit = options.value(limitOption).toLongLong(&ok);
        if (!ok || limit < 1)
            return options.usageError(
                out, QCoreApplication::translate("qpos::ctl", "--limit takes a number from 1."));
    }

    const AppConfig* config = context.config();
    if (!config)
        return kExitError;
    QList<Order> orders;
    if (databaseExists(*config)) {
        const std::unique_ptr<OrderStore> store = context.openStore(StoreUse::Read);
        if (!store)
            return kExitError;
        for (;;) {
            filter.limit =
                limit < 0 ? kPageSize : int(std::min<qint64>(kPageSize, limit - orders.size()));
            Result<OrderPage> page = store->listOrders(filter);
            if (!page) {
                out.error(page.error().message);
                return kExitError;
            }
            orders += page->orders;
            if (!page->next || page->orders.isEmpty() || (limit >= 0 && orders.size() >= limit))
                break;
            filter.after = page->next;
        }
    } else {
        out.note(QCoreApplication::translate("qpos::ctl",
                                             "The order database %1 does not exist yet: no "
                                             "orders.")
                     .arg(config->database.path));
    }

    if (out.json()) {
        QJsonArray list;
        for (const Order& o : orders)
            list.append(orderJson(o));
        out.object(QJsonObject{{QStringLiteral("from"), from->toString(Qt::ISODate)},
                               {QStringLiteral("to"), to->toString(Qt::ISODate)},
                               {QStringLiteral("count"), list.size()},
                               {QStringLiteral("orders"), list}});
    } else {
        printTable(out, orders);
    }
    return kExitOk;
}

} // namespace qpos::ctl
