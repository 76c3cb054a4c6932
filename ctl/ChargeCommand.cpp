#include "ctl/ChargeCommand.h"

#include "core/money/Money.h"
#include "core/orders/Channel.h"
#include "core/routing/ChannelRouting.h"
#include "core/routing/PaymentCode.h"
#include "ctl/CommandOptions.h"
#include "ctl/CtlContext.h"
#include "ctl/CtlExit.h"
#include "ctl/CtlJson.h"
#include "ctl/InterruptWatcher.h"
#include "ctl/TillDriver.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QTextStream>

#include <cstdio>

#include <optional>

namespace qpos::ctl {

using checkout::CheckoutPhase;
using checkout::CheckoutUpdate;

namespace {

// How long to wait for the provider's answer to a cancel before leaving the order to
// recovery. The gateway's own deadline for one call is 30 s; a retry may follow.
constexpr std::chrono::seconds kSettleBound{75};
constexpr int kMaxWaitS = 86400;

QString phaseLabel(CheckoutPhase phase) {
    switch (phase) {
    case CheckoutPhase::Creating:
        return QCoreApplication::translate("qpos::ctl", "creating the order");
    case CheckoutPhase::Waiting:
        return QCoreApplication::translate("qpos::ctl", "waiting for the customer to pay");
    case CheckoutPhase::Confirming:
        return QCoreApplication::translate("qpos::ctl", "the customer is confirming on the phone");
    case CheckoutPhase::Checking:
        return QCoreApplication::translate("qpos::ctl", "an answer was lost: asking the provider");
    case CheckoutPhase::Cancelling:
        return QCoreApplication::translate("qpos::ctl", "cancelling at the provider");
    case CheckoutPhase::Paid:
        return QCoreApplication::translate("qpos::ctl", "PAID");
    case CheckoutPhase::Cancelled:
        return QCoreApplication::translate("qpos::ctl", "cancelled");
    case CheckoutPhase::Expired:
        return QCoreApplication::translate("qpos::ctl", "expired: nobody paid in time");
    case CheckoutPhase::Failed:
        return QCoreApplication::translate("qpos::ctl", "failed");
    case CheckoutPhase::Reversed:
        return QCoreApplication::translate("qpos::ctl",
                                           "reversed: paid during the cancel and refunded at once");
    }
    return {};
}

int exitCodeFor(CheckoutPhase phase) {
    return phase == CheckoutPhase::Paid ? kExitOk : kExitNotPaid;
}

bool isStaffId(const QString& id) {
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9]{1,16}$"));
    return pattern.match(id).hasMatch();
}

// Prints each change of the checkout once: JSON lines, or a short text report whose first
// lines are the order number and the QR code.
class ChargePrinter {
public:
    ChargePrinter(const CtlOutput& out, std::optional<int> waitS)
        : m_out(out)
        , m_waitS(waitS) {}

    void show(const CheckoutUpdate& update) {
        const bool hasQr = !update.qrCode.isEmpty();
        if (m_printed && m_lastPhase == update.phase && m_lastHadQr == hasQr)
            return; // a repeat (poll answers, duplicates): nothing new to say
        m_printed = true;
        m_lastPhase = update.phase;
        m_lastHadQr = hasQr;
        if (m_out.json()) {
            m_out.object(checkoutUpdateJson(update));
            return;
        }
        const bool final = checkout::isFinalPhase(update.phase);
        // A payment code has no QR: the header comes once the provider has the request.
        const bool codeSent =
            update.flow == PaymentFlow::PayByCode && update.phase != CheckoutPhase::Creating;
        if (!m_headerShown && (hasQr || final || codeSent)) {
            m_headerShown = true;
            if (!update.outTradeNo.isEmpty()) // empty when the order could not be written
                m_out.line(
                    QCoreApplication::translate("qpos::ctl", "Order:   %1").arg(update.outTradeNo));
            m_out.line(QCoreApplication::translate("qpos::ctl", "Amount:  %1 (%2)")
                           .arg(money::formatYuan(update.amountFen), channelLabel(update.channel)));
            if (update.flow == PaymentFlow::PayByCode)
                m_out.line(QCoreApplication::translate("qpos::ctl",
                                                       "Paid by: the customer's payment code"));
            if (hasQr) {
                m_out.line(
                    QCoreApplication::translate("qpos::ctl", "QR code: %1").arg(update.qrCode));
                if (m_waitS)
                    m_out.line(QCoreApplication::translate(
                                   "qpos::ctl", "Waiting up to %1 s for the customer to pay...")
                                   .arg(*m_waitS));
                return;
            }
        }
        if (update.phase == CheckoutPhase::Creating)
            return;
        if (update.phase == CheckoutPhase::Waiting && hasQr && !m_waitS)
            return; // without --wait the QR is the whole answer
        // The machine name keeps the line greppable; the message says it in plain words.
        m_out.line(QCoreApplication::translate("qpos::ctl", "Status:  %1 - %2")
                       .arg(checkout::checkoutPhaseName(update.phase),
                            update.message.isEmpty() ? phaseLabel(update.phase) : update.message));
    }

private:
    const CtlOutput& m_out;
    std::optional<int> m_waitS;
    bool m_printed = false;
    bool m_headerShown = false;
    CheckoutPhase m_lastPhase = CheckoutPhase::Creating;
    bool m_lastHadQr = false;
};

// A payment code from standard input (`--code -`): the first line, so that it never shows in
// the process list.
QString readCodeFromStdin() {
    QTextStream in(stdin);
    return in.readLine().trimmed();
}

} // namespace

int runChargeCommand(CtlContext& context, const QStringList& arguments) {
    CommandOptions options(
        QStringLiteral("charge"),
        QStringLiteral("[--channel alipay|wechat] [--code CODE|-] --amount YUAN [options]"),
        QCoreApplication::translate(
            "qpos::ctl",
            "Charges an amount by QR code: writes the order, prints its number and the QR code's "
            "text at once and, with --wait, waits for the payment. If the wait runs out (or on "
            "Ctrl+C), the order is cancelled at the provider and the provider's answer decides "
            "the outcome. Without --wait the order stays open and the till's next recovery "
            "settles it. With --code, charges the customer's payment code instead and waits "
            "for the outcome; the code's first digits pick the channel ([routing]).\nExit "
            "codes: 0 paid (or QR issued without --wait), 3 cancelled, expired, failed or "
            "refused by the terminal's routing, 1 error, 2 wrong usage."));
    const QCommandLineOption channelOption(
        QStringLiteral("channel"),
        QCoreApplication::translate("qpos::ctl",
                                    "Payment channel: alipay or wechat (default: the first of "
                                    "[routing] channels; with --code: the code's wallet)."),
        QStringLiteral("CHANNEL"));
    const QCommandLineOption codeOption(
        QStringLiteral("code"),
        QCoreApplication::translate("qpos::ctl",
                                    "Charge the customer's payment code (16-24 digits) instead "
                                    "of showing a QR code. \"-\" reads it from the first line "
                                    "of standard input (other users can see command lines)."),
        QStringLiteral("CODE"));
    const QCommandLineOption amountOption(
        QStringLiteral("amount"),
        QCoreApplication::translate("qpos::ctl",
                                    "Amount in yuan, e.g. 12.34 (at most two decimals)."),
        QStringLiteral("YUAN"));
    const QCommandLineOption subjectOption(
        QStringLiteral("subject"),
        QCoreApplication::translate(
            "qpos::ctl", "What the customer sees on the phone (default: the store name)."),
        QStringLiteral("TEXT"));
    const QCommandLineOption cashierOption(
        QStringLiteral("cashier"),
        QCoreApplication::translate("qpos::ctl",
                                    "Operator id recorded with the order and sent to the "
                                    "provider (1-16 letters or digits)."),
        QStringLiteral("ID"));
    const QCommandLineOption waitOption(
        QStringLiteral("wait"),
        QCoreApplication::translate(
            "qpos::ctl",
            "Wait up to SECONDS for the payment; then cancel the order and report the outcome."),
        QStringLiteral("SECONDS"));
    options.add(channelOption);
    options.add(codeOption);
    options.add(amountOption);
    options.add(subjectOption);
    options.add(cashierOption);
    options.add(waitOption);
    options.addJson();
    options.refuseArguments();
    CtlOutput& out = context.out();
    // Everything the command line can get wrong is refused before anything is opened.
    if (std::optional<int> done = options.parse(arguments, out))
        return *done;
    std::optional<Channel> channel;
    if (options.isSet(channelOption)) {
        channel = channelFromName(options.value(channelOption));
        if (channel && !isProviderChannel(*channel))
            return options.usageError(
                out, QCoreApplication::translate("qpos::ctl",
                                                 "qposctl charges through a payment provider "
                                                 "only: use alipay or wechat. Cash is taken at "
                                                 "the till (F4)."));
        if (!channel)
            return options.usageError(
                out, QCoreApplication::translate("qpos::ctl",
                                                 "Unknown channel \"%1\": use alipay or wechat.")
                         .arg(options.value(channelOption)));
    }
    QString code;
    if (options.isSet(codeOption)) {
        code = options.value(codeOption);
        if (code == u"-")
            code = readCodeFromStdin();
        if (!routing::payment_code::isWellFormed(code))
            return options.usageError(
                out, QCoreApplication::translate("qpos::ctl",
                                                 "--code takes the customer's payment code: 16 "
                                                 "to 24 digits (or \"-\" to read it from "
                                                 "standard input)."));
    }
    const bool byCode = !code.isEmpty();
    if (!options.isSet(amountOption))
        return options.usageError(
            out, QCoreApplication::translate("qpos::ctl",
                                             "--amount is required, in yuan (e.g. 12.34)."));
    const Result<money::Fen> amount = money::parseYuan(
        options.value(amountOption), money::Sign::Positive, QStringLiteral("--amount"));
    if (!amount)
        return options.usageError(out, amount.error().message);
    std::optional<int> waitS;
    if (options.isSet(waitOption)) {
        bool ok = false;
        const int value = options.value(waitOption).toInt(&ok);
        if (!ok || value < 1 || value > kMaxWaitS)
            return options.usageError(
                out, QCoreApplication::translate("qpos::ctl",
                                                 "--wait takes a number of seconds from 1 to %1.")
                         .arg(kMaxWaitS));
        waitS = value;
    }
    const QString cashier = options.value(cashierOption);
    if (options.isSet(cashierOption) && !isStaffId(cashier))
        return options.usageError(
            out,
            QCoreApplication::translate("qpos::ctl", "--cashier takes 1 to 16 letters or digits."));
    QString subject = options.value(subjectOption).trimmed();
    if (options.isSet(subjectOption) && (subject.isEmpty() || subject.size() > 256))
        return options.usageError(
            out, QCoreApplication::translate("qpos::ctl", "--subject takes 1 to 256 characters."));

    const AppConfig* config = context.config();
    if (!config)
        return kExitError;
    const bool demo = context.usesDemoProviders(*config);
    // The demo shop simulates both providers.
    const bool enabled =
        !channel || demo ||
        (*channel == Channel::Alipay ? config->alipay.enabled : config->wechat.enabled);
    if (!enabled) {
        out.error(QCoreApplication::translate(
                      "qpos::ctl",
                      "The %1 channel is not enabled in the configuration. Set [%2] enabled = "
                      "true with its keys (see docs/config.md), then check with \"qposctl "
                      "doctor\".")
                      .arg(channelLabel(*channel), channelName(*channel)));
        return kExitError;
    }
    if (subject.isEmpty())
        subject = config->store.name.isEmpty() ? QStringLiteral("qpos") : config->store.name;

    const std::unique_ptr<TillDriver> till = context.startTill();
    if (!till)
        return kExitError;
    TillDriver& driver = *till;
    const service::PosReady& ready = driver.ready();
    if (ready.recovery.examined > 0)
        out.note(QCoreApplication::translate(
                     "qpos::ctl",
                     "Recovery settled %1 of %2 open orders left by an earlier run (%3 still "
                     "open).")
                     .arg(ready.recovery.settled)
                     .arg(ready.recovery.examined)
                     .arg(ready.recovery.unresolved));
    // The terminal's routing decides as at the till: the channel offered, the code's wallet,
    // the channel's amount limit. Nothing is written when it refuses.
    const routing::ChannelRouting& routing = ready.routing;
    if (byCode) {
        const Result<Channel> wallet = routing.channelForCode(code);
        if (!wallet) {
            out.error(wallet.error().message);
            return kExitNotPaid;
        }
        if (channel && *channel != *wallet) {
            out.error(QCoreApplication::translate(
                          "qpos::ctl", "This is a %1 payment code, but --channel says %2. Leave "
                                       "--channel out: the code's first digits pick the channel.")
                          .arg(channelLabel(*wallet), channelName(*channel)));
            return kExitUsage;
        }
        channel = *wallet;
    } else if (!channel) {
        channel = routing.defaultChannel();
        if (!channel) {
            out.error(QCoreApplication::translate(
                "qpos::ctl", "This terminal offers no payment channel: check [alipay] or "
                             "[wechat] enabled and [routing] channels, then \"qposctl doctor\"."));
            return kExitError;
        }
    }
    if (!ready.channels.contains(*channel) &&
        !routing::ChannelRouting::configuredChannels(*config).contains(*channel)) {
        out.error(QCoreApplication::translate(
                      "qpos::ctl",
                      "This terminal does not offer %1: it is not in [routing] channels. Add it "
                      "there (see docs/config.md) or charge with another channel.")
                      .arg(channelLabel(*channel)));
        return kExitNotPaid;
    }
    if (!ready.channels.contains(*channel)) {
        out.error(QCoreApplication::translate(
                      "qpos::ctl",
                      "The %1 channel is enabled in the configuration but this version of qpos "
                      "cannot use it yet.")
                      .arg(channelLabel(*channel)));
        return kExitError;
    }
    if (Status allowed = routing.checkCharge(*channel, *amount); !allowed.ok()) {
        out.error(allowed.error().message);
        return kExitNotPaid;
    }

    NewOrder order;
    order.channel = *channel;
    order.flow = byCode ? PaymentFlow::PayByCode : PaymentFlow::QrCode;
    order.amountFen = *amount;
    order.subject = subject;
    order.cashierId = cashier;

    const QString requestId = TillDriver::newRequestId();
    std::optional<CheckoutUpdate> latest;
    ChargePrinter printer(out, waitS);
    QObject::connect(&driver.service(), &service::PosService::checkoutUpdated, &driver,
                     [&](const CheckoutUpdate& update) {
                         if (update.requestId != requestId)
                             return;
                         // A late repeat of an earlier phase never hides the final one.
                         if (latest && checkout::isFinalPhase(latest->phase))
                             return;
                         latest = update;
                         printer.show(update);
                         driver.wake();
                     });
    InterruptWatcher interrupts;
    QObject::connect(&interrupts, &InterruptWatcher::interrupted, &driver,
                     [&driver] { driver.wake(); });

    // In the demo shop nobody can scan the QR: say how to play the buyer.
    bool hinted = false;
    const QUrl demoUrl = context.demoControlUrl();
    QObject::connect(
        &driver.service(), &service::PosService::checkoutUpdated, &driver,
        [&](const CheckoutUpdate& update) {
            if (hinted || demoUrl.isEmpty() || update.requestId != requestId ||
                update.qrCode.isEmpty() || !waitS)
                return;
            hinted = true;
            out.note(QCoreApplication::translate("qpos::ctl",
                                                 "Demo shop: to play the customer who pays, "
                                                 "run: curl -X POST %1/sandbox/%2/trades/"
                                                 "%3/pay")
                         .arg(demoUrl.toString(), channelName(update.channel), update.outTradeNo));
        });

    const auto isFinalNow = [&] {
        return latest && checkout::isFinalPhase(latest->phase);
    };
    const auto qrIssued = [&] {
        return latest && !latest->qrCode.isEmpty();
    };
    const auto interrupted = [&] {
        return interrupts.count() > 0;
    };

    if (byCode) {
        driver.service().startCodeCheckout(requestId, order, code);
        code.fill(u'0'); // the code is the customer's money: not kept
    } else {
        driver.service().startQrCheckout(requestId, order);
    }
    if (waitS) {
        driver.waitUntil([&] { return isFinalNow() || interrupted(); },
                         std::chrono::seconds(*waitS));
    } else if (byCode) {
        // Settled on the spot or once the buyer confirms; the engine itself cancels a code
        // that stays unconfirmed, so this wait ends.
        driver.waitUntil([&] { return isFinalNow() || interrupted(); });
    } else {
        driver.waitUntil([&] { return isFinalNow() || qrIssued() || interrupted(); });
        if (!isFinalNow() && qrIssued())
            return kExitOk; // the order stays open at the provider; recovery settles it
    }
    if (isFinalNow())
        return exitCodeFor(latest->phase);

    // Give up: the wait ran out or we were interrupted. Only the provider's answer to the
    // cancel decides the outcome (a payment that raced it is recorded, and refunded).
    const int interruptsBefore = interrupts.count();
    if (!latest)
        driver.waitUntil(
            [&] { return latest.has_value() || interrupts.count() > interruptsBefore; },
            std::chrono::seconds(10));
    if (!latest || latest->outTradeNo.isEmpty()) {
        out.error(
            QCoreApplication::translate("qpos::ctl", "Stopped before the order was written."));
        return kExitError;
    }
    const QString outTradeNo = latest->outTradeNo;
    out.note(interrupted() || !waitS
                 ? QCoreApplication::translate(
                       "qpos::ctl",
                       "Interrupted: cancelling order %1 at the provider (Ctrl+C again leaves it "
                       "open for recovery).")
                       .arg(outTradeNo)
                 : QCoreApplication::translate(
                       "qpos::ctl", "No payment within %1 s: cancelling order %2 at the provider.")
                       .arg(*waitS)
                       .arg(outTradeNo));
    driver.service().cancelCheckout(outTradeNo,
                                    cashier.isEmpty() ? QStringLiteral("qposctl") : cashier);
    driver.waitUntil([&] { return isFinalNow() || interrupts.count() > interruptsBefore; },
                     kSettleBound);
    if (isFinalNow())
        return exitCodeFor(latest->phase);
    out.error(QCoreApplication::translate(
                  "qpos::ctl",
                  "The outcome of order %1 is not known yet: the provider has not answered the "
                  "cancel. The order stays open; \"qposctl recover\" or the till's next start "
                  "settles it.")
                  .arg(outTradeNo));
    return kExitError;
}

} // namespace qpos::ctl
