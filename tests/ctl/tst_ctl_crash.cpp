// Kills `qposctl charge --wait` with SIGKILL at random moments of many checkouts (before and
// after the QR, after the buyer paid, while it cancels), on Alipay and WeChat Pay at random,
// lets the buyer pay at random moments through the sandbox's control API, then runs `qposctl
// recover` and checks that every order's local state equals its provider's: paid <-> paid
// there (TRADE_SUCCESS / SUCCESS), refunded <-> fully refunded there, cancelled <-> closed,
// expired or never created, nothing left open, no paid trade recorded as anything but paid.
//
// QPOS_CTL_CRASH_SEED repeats a run; QPOS_CTL_CRASH_ROUNDS changes the number of checkouts.

#include "core/calendar/ChinaCalendar.h"
#include "core/money/Money.h"
#include "tests/ctl/CtlHarness.h"
#include "tests/support/TempDir.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QTest>

#include <optional>

using namespace qpos;
using namespace qpos::test;

namespace {

enum class Plan {
    KillEarly,       // kill at a random moment from the start (often before the QR)
    KillAfterQr,     // kill just after the QR was printed; the buyer may pay afterwards
    PayThenKill,     // the buyer pays, qposctl is killed a random moment later
    PayAndFinish,    // the buyer pays; qposctl reports paid
    CancelAndFinish, // nobody pays; the wait runs out and qposctl cancels
    KillWhileCancel, // nobody pays; killed while cancelling
    PayDuringCancel, // the buyer pays around the moment qposctl gives up
};

const char* planName(Plan plan) {
    switch (plan) {
    case Plan::KillEarly:
        return "kill-early";
    case Plan::KillAfterQr:
        return "kill-after-qr";
    case Plan::PayThenKill:
        return "pay-then-kill";
    case Plan::PayAndFinish:
        return "pay-and-finish";
    case Plan::CancelAndFinish:
        return "cancel-and-finish";
    case Plan::KillWhileCancel:
        return "kill-while-cancel";
    case Plan::PayDuringCancel:
        return "pay-during-cancel";
    }
    return "?";
}

Plan pickPlan(QRandomGenerator& rng) {
    const int r = int(rng.bounded(100));
    if (r < 15)
        return Plan::KillEarly;
    if (r < 30)
        return Plan::KillAfterQr;
    if (r < 52)
        return Plan::PayThenKill;
    if (r < 64)
        return Plan::PayAndFinish;
    if (r < 74)
        return Plan::CancelAndFinish;
    if (r < 87)
        return Plan::KillWhileCancel;
    return Plan::PayDuringCancel;
}

struct Round {
    int number = 0;
    Plan plan = Plan::KillEarly;
    QString channel;    // "alipay" or "wechat"
    QString outTradeNo; // empty when killed before the order number was printed
    bool killed = false;
    int exitCode = -1;
    QString finalPhase;     // the last line's phase when qposctl finished on its own
    bool buyerPaid = false; // the control API accepted the payment
    QString fault;          // the sandbox fault active during the round (JSON), if any
};

// A fault for the sandbox to inject in one round on `channel`'s side, as control-API JSON;
// empty for none. The methods are the calls a QR checkout and its cancel make.
QString pickFault(QRandomGenerator& rng, const QString& channel) {
    if (rng.bounded(100) >= 45)
        return {};
    static const char* const alipayMethods[] = {"alipay.trade.precreate", "alipay.trade.query",
                                                "alipay.trade.cancel", "alipay.trade.close"};
    // A cancel queries, then closes an unpaid order or refunds a paid one.
    static const char* const wechatMethods[] = {"native", "query", "close", "refund"};
    const bool wechat = channel == u"wechat";
    const QString method =
        QString::fromLatin1(wechat ? wechatMethods[rng.bounded(4)] : alipayMethods[rng.bounded(4)]);
    if (rng.bounded(4) == 0) // applied, then the connection closes without an answer
        return QStringLiteral("{\"kind\":\"drop_after_commit\",\"provider\":\"%1\","
                              "\"method\":\"%2\",\"count\":3}")
            .arg(channel, method);
    return QStringLiteral("{\"kind\":\"latency\",\"provider\":\"%1\",\"method\":\"%2\","
                          "\"latency_ms\":%3,\"count\":%4}")
        .arg(channel, method)
        .arg(100 + rng.bounded(700))
        .arg(1 + rng.bounded(3));
}

// Whether a local order agrees with its provider's trade `t` (empty: the provider never saw
// it); otherwise what is wrong. `chinaNow` is the provider's clock, for expiry.
std::optional<QString> alipayMismatch(const QJsonObject& order, const QJsonObject& t,
                                      const QString& chinaNow) {
    const QString state = order.value(u"state").toString();
    const QString status = t.value(u"status").toString();
    if (state == u"paid" || state == u"partially_refunded") {
        if (status != u"TRADE_SUCCESS" ||
            t.value(u"total_amount").toString() != order.value(u"amount").toString() ||
            t.value(u"refunded_amount").toString() != order.value(u"refunded").toString())
            return QStringLiteral("paid here, not there");
    } else if (state == u"refunded") {
        if (status != u"TRADE_CLOSED" || t.value(u"gmt_payment").toString().isEmpty() ||
            t.value(u"refunded_amount").toString() != t.value(u"total_amount").toString())
            return QStringLiteral("refunded here, not there");
    } else { // cancelled or failed: never paid, and it cannot be paid any more
        const bool expired =
            status == u"NOT_SCANNED" && t.value(u"time_expire").toString() <= chinaNow;
        const bool closedUnpaid =
            status == u"TRADE_CLOSED" && t.value(u"gmt_payment").toString().isEmpty();
        if (!t.isEmpty() && !closedUnpaid && !expired)
            return QStringLiteral("not paid here, still open or paid there");
    }
    return std::nullopt;
}

std::optional<QString> wechatMismatch(const QJsonObject& order, const QJsonObject& t) {
    const QString state = order.value(u"state").toString();
    const QString tradeState = t.value(u"trade_state").toString();
    const QString total = money::formatYuan(t.value(u"total").toInteger());
    const QString refunded = money::formatYuan(t.value(u"refunded").toInteger());
    const bool everPaid = !t.value(u"success_time").toString().isEmpty();
    if (state == u"paid" || state == u"partially_refunded") {
        const bool paidThere =
            tradeState == u"SUCCESS" || (tradeState == u"REFUND" && refunded != total);
        if (!paidThere || total != order.value(u"amount").toString() ||
            refunded != order.value(u"refunded").toString())
            return QStringLiteral("paid here, not there");
    } else if (state == u"refunded") {
        if (tradeState != u"REFUND" || !everPaid || refunded != total)
            return QStringLiteral("refunded here, not there");
    } else { // cancelled or failed: never paid, and it cannot be paid any more
        const QDateTime expires =
            QDateTime::fromString(t.value(u"time_expire").toString(), Qt::ISODate);
        const bool expired = tradeState == u"NOTPAY" && expires.isValid() &&
                             expires <= QDateTime::currentDateTimeUtc();
        const bool closedUnpaid = tradeState == u"CLOSED" && !everPaid;
        if (!t.isEmpty() && !closedUnpaid && !expired)
            return QStringLiteral("not paid here, still open or paid there");
    }
    return std::nullopt;
}

// Every trade the sandbox holds on `channel`'s side, by out_trade_no.
QHash<QString, QJsonObject> tradesOf(const QJsonDocument& listing) {
    QHash<QString, QJsonObject> trades;
    for (const QJsonValue& v : listing.object().value(u"trades").toArray())
        trades.insert(v.toObject().value(u"out_trade_no").toString(), v.toObject());
    return trades;
}

bool isLocallyPaid(const QString& state) {
    return state == u"paid" || state == u"partially_refunded" || state == u"refunded";
}

} // namespace

class TestCtlCrash : public QObject {
    Q_OBJECT

    TempDir m_dir;
    std::unique_ptr<CtlHarness> m_h;
    QString m_config;

    // One charge with its plan. The process is started, watched line by line, and the buyer
    // and the kill act at the planned moments.
    Round runRound(int number, QRandomGenerator& rng) {
        Round round;
        round.number = number;
        round.plan = pickPlan(rng);
        round.channel = rng.bounded(2) == 0 ? QStringLiteral("alipay") : QStringLiteral("wechat");
        const bool cancels = round.plan == Plan::CancelAndFinish ||
                             round.plan == Plan::KillWhileCancel ||
                             round.plan == Plan::PayDuringCancel;
        const int waitS = cancels ? 1 + int(rng.bounded(2)) : 20;
        const QString amount = money::formatYuan(1 + qint64(rng.bounded(50000)));

        // Often a slow or lost answer widens the window in which the kill lands mid-request
        // (the sandbox applies a request when it arrives, then answers late or never).
        round.fault = pickFault(rng, round.channel);
        if (!round.fault.isEmpty())
            m_h->post(QStringLiteral("/sandbox/faults"), round.fault.toUtf8());

        QProcess p;
        p.setProcessEnvironment(m_h->environment());
        p.setStandardInputFile(QProcess::nullDevice());
        p.start(QStringLiteral(QPOSCTL_PATH),
                {QStringLiteral("--config"), m_config, QStringLiteral("charge"),
                 QStringLiteral("--channel"), round.channel, QStringLiteral("--amount"), amount,
                 QStringLiteral("--wait"), QString::number(waitS), QStringLiteral("--json")});
        if (!p.waitForStarted(10000))
            return round;

        QElapsedTimer sinceStart;
        sinceStart.start();
        QElapsedTimer sinceQr;
        QElapsedTimer sincePay;
        QByteArray buffer;
        QJsonObject last;
        bool qr = false;
        QElapsedTimer sinceCancelling;

        const qint64 killEarlyAt = qint64(rng.bounded(700));
        const qint64 killAfterQrAt = qint64(rng.bounded(150));
        const bool payAfterKill = rng.bounded(2) == 0;
        const qint64 payAt = qint64(rng.bounded(800));
        const qint64 killAfterPayAt = qint64(rng.bounded(1500));
        const qint64 killAfterCancellingAt = qint64(rng.bounded(60));
        const qint64 racePayAt = qint64(waitS) * 1000 - 200 + qint64(rng.bounded(500));

        auto pay = [&] {
            if (round.outTradeNo.isEmpty())
                return;
            const ControlReply r = m_h->post(
                QStringLiteral("/sandbox/%1/trades/%2/pay").arg(round.channel, round.outTradeNo));
            round.buyerPaid = r.status == 200;
            sincePay.start();
        };
        auto kill = [&] {
            p.kill();
            p.waitForFinished(10000);
            round.killed = true;
        };

        QElapsedTimer guard;
        guard.start();
        while (p.state() != QProcess::NotRunning) {
            if (guard.elapsed() > 90000) {
                kill(); // a hung qposctl: counted as a kill, the checks below still apply
                break;
            }
            p.waitForReadyRead(5);
            buffer += p.readAllStandardOutput();
            qsizetype nl;
            while ((nl = buffer.indexOf('\n')) >= 0) {
                const QJsonObject o = QJsonDocument::fromJson(buffer.left(nl)).object();
                buffer.remove(0, nl + 1);
                if (o.isEmpty())
                    continue;
                last = o;
                if (round.outTradeNo.isEmpty())
                    round.outTradeNo = o.value(u"out_trade_no").toString();
                if (!sinceCancelling.isValid() && o.value(u"phase").toString() == u"cancelling")
                    sinceCancelling.start();
                if (!qr && !o.value(u"qr_code").toString().isEmpty()) {
                    qr = true;
                    sinceQr.start();
                }
            }
            switch (round.plan) {
            case Plan::KillEarly:
                if (sinceStart.elapsed() >= killEarlyAt)
                    kill();
                break;
            case Plan::KillAfterQr:
                if (qr && sinceQr.elapsed() >= killAfterQrAt) {
                    kill();
                    if (payAfterKill)
                        pay();
                }
                break;
            case Plan::PayThenKill:
                if (qr && !sincePay.isValid() && sinceQr.elapsed() >= payAt)
                    pay();
                if (sincePay.isValid() && sincePay.elapsed() >= killAfterPayAt)
                    kill();
                break;
            case Plan::PayAndFinish:
                if (qr && !sincePay.isValid() && sinceQr.elapsed() >= payAt)
                    pay();
                break;
            case Plan::CancelAndFinish:
                break;
            case Plan::KillWhileCancel:
                if (sinceCancelling.isValid() && sinceCancelling.elapsed() >= killAfterCancellingAt)
                    kill();
                break;
            case Plan::PayDuringCancel:
                if (qr && !sincePay.isValid() && sinceQr.elapsed() >= racePayAt)
                    pay();
                break;
            }
        }
        buffer += p.readAllStandardOutput();
        for (const QByteArray& line : buffer.split('\n')) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (!o.isEmpty()) {
                last = o;
                if (round.outTradeNo.isEmpty())
                    round.outTradeNo = o.value(u"out_trade_no").toString();
            }
        }
        if (!round.fault.isEmpty())
            m_h->remove(QStringLiteral("/sandbox/faults"));
        if (!round.killed) {
            round.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
            round.finalPhase = last.value(u"phase").toString();
            if (round.exitCode == 1)
                qWarning().noquote() << "round" << number << "exit 1:" << p.readAllStandardError();
        }
        return round;
    }

private slots:
    void initTestCase() {
        m_h = std::make_unique<CtlHarness>(m_dir.path());
        QVERIFY2(m_h->startSandbox(QStringLiteral(QPOS_SANDBOX_PATH)), qPrintable(m_h->error()));
        m_config =
            m_h->writeWechatConfig(QStringLiteral("qpos.ini"), {}, QStringLiteral("orders.db"));
    }

    void localStateEqualsTheProvidersAfterRandomKills() {
        const quint32 seed = qEnvironmentVariableIsSet("QPOS_CTL_CRASH_SEED")
                                 ? quint32(qEnvironmentVariableIntValue("QPOS_CTL_CRASH_SEED"))
                                 : QRandomGenerator::system()->generate();
        const int rounds = qEnvironmentVariableIntValue("QPOS_CTL_CRASH_ROUNDS") > 0
                               ? qEnvironmentVariableIntValue("QPOS_CTL_CRASH_ROUNDS")
                               : 30;
        qInfo("seed %u (repeat with QPOS_CTL_CRASH_SEED=%u), %d checkouts", seed, seed, rounds);
        const QByteArray repeat = QByteArrayLiteral("seed ") + QByteArray::number(seed) + ": ";
        QRandomGenerator rng(seed);

        QList<Round> done;
        for (int i = 0; i < rounds; ++i) {
            const Round r = runRound(i, rng);
            qInfo("round %2d %-6s %-18s %s %s%s %s", i, qPrintable(r.channel), planName(r.plan),
                  qPrintable(r.outTradeNo),
                  r.killed
                      ? "killed"
                      : qPrintable(QStringLiteral("exit %1 %2").arg(r.exitCode).arg(r.finalPhase)),
                  r.buyerPaid ? " (buyer paid)" : "", qPrintable(r.fault));
            // A run that ended on its own says what happened, and its exit code agrees.
            if (!r.killed) {
                QVERIFY2(r.exitCode == 0 || r.exitCode == 3, repeat + "round " +
                                                                 QByteArray::number(i) + " exit " +
                                                                 QByteArray::number(r.exitCode));
                QCOMPARE(r.exitCode == 0, r.finalPhase == u"paid");
            }
            done.append(r);
        }

        const CtlRun recover =
            m_h->run(m_config, {QStringLiteral("recover"), QStringLiteral("--json")}, {}, 180000);
        QVERIFY2(recover.exitCode == 0, repeat + "recover: " + recover.out + recover.err);

        const CtlRun listed =
            m_h->run(m_config, {QStringLiteral("orders"), QStringLiteral("--from"),
                                QStringLiteral("yesterday"), QStringLiteral("--json")});
        QVERIFY2(listed.exitCode == 0, repeat + listed.err);
        QHash<QString, QJsonObject> local;
        for (const QJsonValue& v : listed.jsonLines().value(0).value(u"orders").toArray())
            local.insert(v.toObject().value(u"out_trade_no").toString(), v.toObject());

        const ControlReply alipayTrades = m_h->get(QStringLiteral("/sandbox/alipay/trades"));
        QCOMPARE(alipayTrades.status, 200);
        const ControlReply wechatTrades = m_h->get(QStringLiteral("/sandbox/wechat/trades"));
        QCOMPARE(wechatTrades.status, 200);
        const QHash<QString, QJsonObject> remote[] = {tradesOf(alipayTrades.json),
                                                      tradesOf(wechatTrades.json)};
        auto sideOf = [](const QString& channel) {
            return channel == u"wechat" ? 1 : 0;
        };

        const QString chinaNow =
            china_calendar::formatTimestamp(QDateTime::currentMSecsSinceEpoch());
        QStringList problems;
        int wechatOrders = 0;
        for (auto it = local.cbegin(); it != local.cend(); ++it) {
            const QString channel = it->value(u"channel").toString();
            const int side = sideOf(channel);
            wechatOrders += side;
            const QJsonObject t = remote[side].value(it.key());
            const QString status = t.value(side ? u"trade_state" : u"status").toString();
            const QString line = QStringLiteral("%1 (%2): local %3, sandbox %4")
                                     .arg(it.key(), channel, it->value(u"state").toString(),
                                          status.isEmpty() ? QStringLiteral("(none)") : status);
            if (!it->value(u"final").toBool()) {
                problems << line + QStringLiteral(" - left open");
                continue;
            }
            const std::optional<QString> wrong =
                side ? wechatMismatch(*it, t) : alipayMismatch(*it, t, chinaNow);
            if (wrong)
                problems << line + QStringLiteral(" - ") + *wrong;
            if (remote[1 - side].contains(it.key()))
                problems << line + QStringLiteral(" - also known to the other provider");
        }
        for (int side = 0; side < 2; ++side) {
            for (auto it = remote[side].cbegin(); it != remote[side].cend(); ++it) {
                if (!local.contains(it.key()))
                    problems << QStringLiteral("%1: sandbox %2, unknown here")
                                    .arg(it.key(),
                                         it->value(side ? u"trade_state" : u"status").toString());
            }
        }
        for (const Round& r : done) {
            if (r.outTradeNo.isEmpty())
                continue;
            const QString state = local.value(r.outTradeNo).value(u"state").toString();
            if (r.buyerPaid && !isLocallyPaid(state))
                problems << QStringLiteral("round %1 %2: the buyer paid, local %3")
                                .arg(r.number)
                                .arg(r.outTradeNo, state);
            if (!r.killed && r.exitCode == 0 && !isLocallyPaid(state))
                problems << QStringLiteral("round %1 %2: reported paid, local %3")
                                .arg(r.number)
                                .arg(r.outTradeNo, state);
            if (!r.killed && r.exitCode == 3 && state == u"paid")
                problems << QStringLiteral("round %1 %2: reported not paid, local paid")
                                .arg(r.number)
                                .arg(r.outTradeNo);
        }
        QVERIFY2(problems.isEmpty(), repeat + problems.join(u'\n').toUtf8());
        QVERIFY2(local.size() >= rounds / 2, repeat + "too few orders were written");
        // Both providers took part (a run of 30 picks each about half the time).
        if (rounds >= 10)
            QVERIFY2(wechatOrders > 0 && wechatOrders < local.size(),
                     repeat + "one provider took no part");
    }
};

QTEST_GUILESS_MAIN(TestCtlCrash)
#include "tst_ctl_crash.moc"
