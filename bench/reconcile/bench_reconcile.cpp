// Reconciliation benchmark: a 1,000,000-line trade bill of each provider (Alipay: zip of GBK
// CSV with its summary file; WeChat Pay: gzip of its CSV with five-decimal fees) against an
// order database of 1,000,000 orders per provider made with the project's schema. For each
// provider it prints, from the same files in the same run:
//   baseline  — unzip/gunzip, decode (GBK / UTF-8) and split into lines and fields, nothing else;
//   reconcile — the ledger read from SQLite, the bill parsed and matched, the summary checked;
// their ratio (target <= 3x), each phase's CPU time and peak RSS (getrusage), and the load
// average. Every phase runs in a child process of its own, so each RSS figure is that phase's
// alone. It prints figures and never fails on time.
//
// The bills are written here, line by line in the sandbox's formats (sandbox/bill): the
// sandbox's writers build a whole bill as one string from a list of trade structs, which at a
// million lines costs gigabytes before the benchmark starts.
#include "core/calendar/ChinaCalendar.h"
#include "core/gateways/alipay/ZipArchiveReader.h"
#include "core/gateways/BillLineSplitter.h"
#include "core/gateways/wechat/WechatBill.h"
#include "core/reconcile/Reconciler.h"
#include "core/reconcile/SqliteLedger.h"
#include "core/storage/OrderStore.h"
#include "core/text/GbkCodec.h"
#include "sandbox/bill/WechatBill.h"
#include "sandbox/bill/ZipArchive.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringDecoder>
#include <QTemporaryDir>

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>

using namespace qpos;

namespace {

const QDate kDay(2026, 11, 20);
constexpr qint64 kMaxBill = qint64(4) * 1024 * 1024 * 1024;
constexpr int kRefundEvery = 200;    // order 100 of every 200 is partly refunded
constexpr int kCancelledEvery = 200; // order 199 of every 200 was never paid
constexpr int kOddEvery = 100000;    // per 100,000: one line dropped, one amount changed
constexpr int kForeign = 10;         // lines of another shop

[[noreturn]] void die(const QString& what) {
    std::fprintf(stderr, "bench_reconcile: %s\n", qPrintable(what));
    std::exit(1);
}

void must(const Status& s) {
    if (!s.ok())
        die(s.error().message);
}

long peakRssKb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

// The process's CPU time (user and system) in ms: on a shared machine the wall time also
// counts the waits for a core, the CPU time only this phase's own work.
long long cpuMs() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto ms = [](const timeval& t) {
        return t.tv_sec * 1000LL + t.tv_usec / 1000;
    };
    return ms(usage.ru_utime) + ms(usage.ru_stime);
}

// The machine's load averages (1, 5, 15 minutes), printed beside the figures: on a shared
// machine they say how much the times can be trusted.
QString loadAverage() {
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("unknown");
    return QString::fromLatin1(file.readLine()).section(u' ', 0, 2);
}

// ---- the data: order i of a provider

struct Sale {
    QString outTradeNo;
    money::Fen fen;
    qint64 createdMs;
    qint64 paidMs;
    bool paid;
    bool refunded; // 30 % given back an hour later
    bool dropped;  // paid, missing from the bill
    bool changed;  // the bill says one fen more
};

Sale sale(const QString& prefix, int i, int count) {
    Sale s;
    s.outTradeNo = prefix + QStringLiteral("%1").arg(i, 10, 10, QLatin1Char('0'));
    s.fen = 100 + (i * 7919) % 19900;
    // Open 08:00 to 22:00 China time.
    s.createdMs = china_calendar::dayStartMs(kDay) + 8 * 3600'000LL +
                  qint64(i) * (14 * 3600'000LL - 10'000) / count;
    s.paidMs = s.createdMs + 5000;
    s.paid = i % kCancelledEvery != kCancelledEvery - 1;
    s.refunded = s.paid && i % kRefundEvery == 100;
    s.dropped = s.paid && i % kOddEvery == 7;
    s.changed = s.paid && i % kOddEvery == 11;
    return s;
}

money::Fen refundOf(const Sale& s) {
    return s.fen * 3 / 10;
}

QByteArray ascii(const QString& text) {
    return text.toLatin1();
}

QByteArray gbkOf(const QString& text) {
    Result<QByteArray> bytes = gbk::encode(text);
    if (!bytes)
        die(bytes.error().message);
    return *bytes;
}

QByteArray yuan(money::Fen fen) {
    return ascii(money::formatYuan(fen));
}

QByteArray when(qint64 ms) {
    return ascii(china_calendar::formatTimestamp(ms));
}

// ---- the order database

void buildDatabase(const QString& path, const QString& channel, const QString& prefix, int count,
                   int firstId) {
    Database db;
    must(db.open(path));
    must(db.exec(QStringLiteral("PRAGMA synchronous=OFF")));
    must(db.begin());
    QSqlQuery order(db.handle());
    order.prepare(QStringLiteral(
        "INSERT INTO orders (id, out_trade_no, channel, flow, amount_fen, refunded_fen, subject, "
        "state, provider_trade_no, store_id, terminal_id, cashier_id, created_at_ms, "
        "updated_at_ms, paid_at_ms) VALUES (?, ?, ?, 'qr', ?, ?, 'Tea', ?, ?, 'S01', 'T01', "
        "'C01', ?, ?, ?)"));
    QSqlQuery refund(db.handle());
    refund.prepare(QStringLiteral(
        "INSERT INTO refunds (order_id, out_request_no, amount_fen, reason, actor, state, "
        "created_at_ms, updated_at_ms) VALUES (?, ?, ?, 'returned', 'M1', 1, ?, ?)"));
    for (int i = 0; i < count; ++i) {
        const Sale s = sale(prefix, i, count);
        const int id = firstId + i;
        order.bindValue(0, id);
        order.bindValue(1, s.outTradeNo);
        order.bindValue(2, channel);
        order.bindValue(3, s.fen);
        order.bindValue(4, s.refunded ? refundOf(s) : 0);
        order.bindValue(5, int(!s.paid      ? OrderState::Cancelled
                               : s.refunded ? OrderState::PartiallyRefunded
                                            : OrderState::Paid));
        order.bindValue(6, s.paid ? QVariant(QStringLiteral("P") + s.outTradeNo) : QVariant());
        order.bindValue(7, s.createdMs);
        order.bindValue(8, s.paidMs);
        order.bindValue(9, s.paid ? QVariant(s.paidMs) : QVariant());
        if (!order.exec())
            die(order.lastError().text());
        if (s.refunded) {
            refund.bindValue(0, id);
            refund.bindValue(1, s.outTradeNo + QStringLiteral("R1"));
            refund.bindValue(2, refundOf(s));
            refund.bindValue(3, s.paidMs + 3600'000);
            refund.bindValue(4, s.paidMs + 3600'000);
            if (!refund.exec())
                die(refund.lastError().text());
        }
    }
    must(db.commit());
    must(db.exec(QStringLiteral("ANALYZE")));
}

// ---- Alipay: zip of GBK CSV, as sandbox/bill/AlipayBill writes it

QByteArray alipayFrame(const QString& title, const QString& list) {
    return gbkOf(QStringLiteral("#%1\r\n#账号：[20880000000008880156]\r\n"
                                "#起始日期：[2026年11月20日 00:00:00]   终止日期：[2026年11月21日 "
                                "00:00:00]\r\n#-----------------------------------------%2列表"
                                "----------------------------------------\r\n")
                     .arg(title, list));
}

QByteArray alipayZip(int count) {
    const QByteArray tab = "\t";
    const QByteArray payWord = gbkOf(QStringLiteral("交易"));
    const QByteArray refundWord = gbkOf(QStringLiteral("退款"));
    const QByteArray subject = gbkOf(QStringLiteral("茶"));
    const QByteArray buyer = gbkOf(QStringLiteral("**家(abc***@example.com)"));
    QByteArray detail =
        alipayFrame(QStringLiteral("支付宝业务明细查询"), QStringLiteral("业务明细"));
    detail += gbkOf(QStringLiteral(
        "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,"
        "终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,"
        "支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,"
        "卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注\r\n"));
    detail.reserve(qsizetype(count) * 260);
    qint64 payments = 0;
    qint64 refunds = 0;
    money::Fen ordered = 0;
    money::Fen received = 0;
    money::Fen fees = 0;
    auto line = [&](const QByteArray& tradeNo, const QByteArray& outTradeNo, const QByteArray& word,
                    qint64 createdMs, qint64 doneMs, money::Fen fen, money::Fen fee,
                    const QByteArray& requestNo) {
        detail += tradeNo + tab + ',' + outTradeNo + tab + ',' + word + tab + ',' + subject + ',' +
                  when(createdMs) + ',' + when(doneMs) + ",S01\t,\t,C01\t,T01\t," + buyer + tab +
                  ',' + yuan(fen) + ',' + yuan(fen) + ",0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00," +
                  requestNo + tab + ',' + yuan(fee) + ",0.00,\r\n";
        ordered += fen;
        received += fen;
        fees += fee;
    };
    QList<Sale> refunded;
    for (int i = 0; i < count; ++i) {
        const Sale s = sale(QStringLiteral("A"), i, count);
        if (!s.paid || s.dropped)
            continue;
        const money::Fen fen = s.fen + (s.changed ? 1 : 0);
        line("P" + ascii(s.outTradeNo), ascii(s.outTradeNo), payWord, s.createdMs, s.paidMs, fen,
             fen * 6 / 1000, {});
        ++payments;
        if (s.refunded)
            refunded << s;
    }
    for (int i = 0; i < kForeign; ++i) {
        const qint64 t = china_calendar::dayStartMs(kDay) + 12 * 3600'000LL + i;
        line("POTHER" + QByteArray::number(i), "OTHERSHOP" + QByteArray::number(i), payWord, t, t,
             500, 3, {});
        ++payments;
    }
    for (const Sale& s : refunded) {
        line("P" + ascii(s.outTradeNo), ascii(s.outTradeNo), refundWord, s.createdMs,
             s.paidMs + 3600'000, -refundOf(s), 0, ascii(s.outTradeNo) + "R1");
        ++refunds;
    }
    detail += gbkOf(QStringLiteral("#-----------------------------------------业务明细列表结束"
                                   "------------------------------------\r\n"
                                   "#交易合计：%1笔\r\n#退款合计：%2笔\r\n"
                                   "#导出时间：[2026年11月21日 09:00:00]\r\n")
                        .arg(payments)
                        .arg(refunds));

    QByteArray summary =
        alipayFrame(QStringLiteral("支付宝业务汇总查询"), QStringLiteral("业务汇总"));
    summary +=
        gbkOf(QStringLiteral("门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,"
                             "商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,"
                             "服务费（元）,分润（元）,实收净额（元）\r\n"));
    const QByteArray figures = QByteArray::number(payments) + ',' + QByteArray::number(refunds) +
                               ',' + yuan(ordered) + ',' + yuan(received) + ",0.00,0.00,0.00," +
                               yuan(fees) + ",0.00," + yuan(received) + "\r\n";
    summary += "S01\t,\t," + figures;
    summary += gbkOf(QStringLiteral("合计,,")) + figures;
    summary += gbkOf(QStringLiteral("#-----------------------------------------业务汇总列表结束"
                                    "------------------------------------\r\n"
                                    "#导出时间：[2026年11月21日 09:00:00]\r\n"));
    const QString stem = QStringLiteral("20880000000008880156_20261120");
    Result<QByteArray> zip = sandbox::zip_archive::build(
        {{gbkOf(stem + QStringLiteral("_业务明细.csv")), detail, false},
         {gbkOf(stem + QStringLiteral("_业务明细(汇总).csv")), summary, false}});
    if (!zip)
        die(zip.error().message);
    return *zip;
}

// ---- WeChat Pay: gzip of its CSV, as sandbox/bill/WechatBill writes it

QByteArray wechatGzip(int count) {
    QByteArray csv =
        QStringLiteral("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,"
                       "用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,"
                       "代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,"
                       "退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,"
                       "申请退款金额,费率备注\r\n")
            .toUtf8();
    csv.reserve(qsizetype(count) * 300);
    const QByteArray subject = QStringLiteral("茶").toUtf8();
    qint64 rows = 0;
    money::Fen settled = 0;
    money::Fen refundedTotal = 0;
    qint64 fees = 0; // thousandths of a fen
    auto fee = [](qint64 thousandths) {
        return ascii(money::formatSubFenYuan(money::SubFen::fromThousandthsOfFen(thousandths)));
    };
    auto payment = [&](const QByteArray& outTradeNo, qint64 paidMs, money::Fen fen) {
        csv += '`' + when(paidMs) + ",`wx8888888888888888,`1900000109,`0,`T01,`42" + outTradeNo +
               ",`" + outTradeNo +
               ",`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`NATIVE,`SUCCESS,`OTHERS,`CNY,`" + yuan(fen) +
               ",`0.00,`0,`0,`0.00,`0.00,`,`,`" + subject + ",`,`" + fee(fen * 6) + ",`0.60%,`" +
               yuan(fen) + ",`0.00,`\r\n";
        ++rows;
        settled += fen;
        fees += fen * 6;
    };
    QList<Sale> refunded;
    for (int i = 0; i < count; ++i) {
        const Sale s = sale(QStringLiteral("W"), i, count);
        if (!s.paid || s.dropped)
            continue;
        payment(ascii(s.outTradeNo), s.paidMs, s.fen + (s.changed ? 1 : 0));
        if (s.refunded)
            refunded << s;
    }
    for (int i = 0; i < kForeign; ++i)
        payment("OTHERSHOP" + QByteArray::number(i),
                china_calendar::dayStartMs(kDay) + 12 * 3600'000LL, 500);
    for (const Sale& s : refunded) {
        const money::Fen back = refundOf(s);
        const QByteArray no = ascii(s.outTradeNo);
        csv += '`' + when(s.paidMs + 3600'000) + ",`wx8888888888888888,`1900000109,`0,`T01,`42" +
               no + ",`" + no +
               ",`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`NATIVE,`REFUND,`OTHERS,`CNY,`0.00,"
               "`0.00,`50" +
               no + ",`" + no + "R1,`" + yuan(back) + ",`0.00,`ORIGINAL,`SUCCESS,`" + subject +
               ",`,`" + fee(-back * 6) + ",`0.60%,`0.00,`" + yuan(back) + ",`\r\n";
        ++rows;
        refundedTotal += back;
        fees -= back * 6;
    }
    csv += QStringLiteral("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,"
                          "订单总金额,申请退款总金额\r\n")
               .toUtf8();
    csv += '`' + QByteArray::number(rows) + ",`" + yuan(settled) + ",`" + yuan(refundedTotal) +
           ",`0.00,`" + fee(fees) + ",`" + yuan(settled) + ",`" + yuan(refundedTotal) + "\r\n";
    Result<QByteArray> gz = sandbox::wechat_bill::gzip(csv);
    if (!gz)
        die(gz.error().message);
    return *gz;
}

// ---- the phases, each in its own process

QByteArray readFile(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        die(QStringLiteral("cannot read %1").arg(path));
    return file.readAll();
}

void writeFile(const QString& path, const QByteArray& data) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size())
        die(QStringLiteral("cannot write %1").arg(path));
}

int generate(const QString& dir, int count) {
    QElapsedTimer timer;
    timer.start();
    const QString db = dir + QStringLiteral("/orders.db");
    {
        OrderStore init(OrderStoreOptions{QStringLiteral("S01"), QStringLiteral("T01"), {}});
        must(init.open(db));
    }
    buildDatabase(db, QStringLiteral("alipay"), QStringLiteral("A"), count, 1);
    buildDatabase(db, QStringLiteral("wechat"), QStringLiteral("W"), count, count + 1);
    const qint64 dbMs = timer.restart();
    const QByteArray zip = alipayZip(count);
    writeFile(dir + QStringLiteral("/alipay.zip"), zip);
    const QByteArray gz = wechatGzip(count);
    writeFile(dir + QStringLiteral("/wechat.csv.gz"), gz);
    std::printf("generated %d orders per provider in %.1f s; bills: Alipay zip %.1f MB, "
                "WeChat Pay gzip %.1f MB in %.1f s\n",
                count, dbMs / 1000.0, zip.size() / 1e6, gz.size() / 1e6, timer.elapsed() / 1000.0);
    return 0;
}

// Unpack, decode and split into lines and fields: what any reading of the file costs.
int baseline(const QString& provider, const QString& dir) {
    QElapsedTimer timer;
    timer.start();
    qint64 lines = 0;
    qint64 fields = 0;
    if (provider == u"alipay") {
        const QByteArray zip = readFile(dir + QStringLiteral("/alipay.zip"));
        Result<QList<QByteArray>> names = alipay::zipEntryNames(zip);
        if (!names)
            die(names.error().message);
        for (const QByteArray& name : *names) {
            gbk::LineDecoder decoder;
            gateway::BillLineSplitter splitter([&](QByteArrayView bytes, int number) -> Status {
                Result<QString> line = decoder.decode(bytes, number);
                if (!line)
                    return line.error();
                fields += line->split(u',').size();
                ++lines;
                return Status::success();
            });
            must(alipay::readZipEntryChunks(zip, name, kMaxBill,
                                            [&](QByteArrayView c) { return splitter.feed(c); }));
            must(splitter.finish());
        }
    } else {
        const QByteArray gz = readFile(dir + QStringLiteral("/wechat.csv.gz"));
        gateway::BillLineSplitter splitter([&](QByteArrayView bytes, int) -> Status {
            QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
            const QString line = utf8.decode(bytes);
            fields += line.split(u',').size();
            ++lines;
            return Status::success();
        });
        must(
            wechat::gunzipChunks(gz, kMaxBill, [&](QByteArrayView c) { return splitter.feed(c); }));
        must(splitter.finish());
    }
    std::printf("%lld %ld %lld %lld %lld\n", static_cast<long long>(timer.elapsed()), peakRssKb(),
                static_cast<long long>(lines), static_cast<long long>(fields), cpuMs());
    return 0;
}

int reconcileOnce(const QString& provider, const QString& dir) {
    QElapsedTimer timer;
    timer.start();
    const bool alipay = provider == u"alipay";
    const QByteArray file =
        readFile(dir + (alipay ? QStringLiteral("/alipay.zip") : QStringLiteral("/wechat.csv.gz")));
    reconcile::SqliteLedger ledger;
    must(ledger.open(dir + QStringLiteral("/orders.db")));
    const reconcile::BillStream bill = alipay ? reconcile::alipayZipStream(file, kMaxBill)
                                              : reconcile::wechatGzipStream(file, kMaxBill);
    Result<reconcile::ReconcileResult> r = reconcile::reconcileDay(
        reconcile::ReconcileRequest{
            reconcile::LedgerScope{alipay ? Channel::Alipay : Channel::WeChat, {}}, kDay, {}},
        bill, ledger);
    if (!r)
        die(r.error().message);
    QMap<QString, int> classes;
    for (const reconcile::DifferenceItem& item : r->items)
        classes[reconcile::differenceClassName(item.kind)] += 1;
    QStringList counts;
    for (auto it = classes.cbegin(); it != classes.cend(); ++it)
        counts << QStringLiteral("%1=%2").arg(it.key()).arg(it.value());
    std::printf("%lld %ld %lld %lld %s fee=%s %lld\n", static_cast<long long>(timer.elapsed()),
                peakRssKb(), static_cast<long long>(r->totals.matched),
                static_cast<long long>(r->totals.held), qPrintable(counts.join(u',')),
                qPrintable(money::formatSubFenYuan(r->totals.fee)), cpuMs());
    return 0;
}

QStringList runChild(const QStringList& arguments) {
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QCoreApplication::applicationFilePath(), arguments);
    if (!child.waitForFinished(-1) || child.exitCode() != 0)
        die(QStringLiteral("the phase %1 failed").arg(arguments.join(u' ')));
    return QString::fromUtf8(child.readAllStandardOutput()).trimmed().split(u' ');
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments().mid(1);
    if (args.value(0) == u"generate")
        return generate(args.value(1), args.value(2).toInt());
    if (args.value(0) == u"baseline")
        return baseline(args.value(1), args.value(2));
    if (args.value(0) == u"reconcile")
        return reconcileOnce(args.value(1), args.value(2));

    const int count = args.value(0).isEmpty() ? 1'000'000 : args.value(0).toInt();
    if (count < kOddEvery)
        die(QStringLiteral("give at least %1 orders").arg(kOddEvery));
    QTemporaryDir dir;
    if (!dir.isValid())
        die(QStringLiteral("no temporary directory"));
    std::printf("bench_reconcile: %d orders per provider, their bills of %s\n", count,
                qPrintable(kDay.toString(Qt::ISODate)));
    std::fflush(stdout);
    QProcess gen;
    gen.setProcessChannelMode(QProcess::ForwardedChannels);
    gen.start(QCoreApplication::applicationFilePath(),
              {QStringLiteral("generate"), dir.path(), QString::number(count)});
    if (!gen.waitForFinished(-1) || gen.exitCode() != 0)
        die(QStringLiteral("generating the data failed"));

    std::printf("\nload average before the runs: %s\n", qPrintable(loadAverage()));
    std::printf("\n%-8s %10s %10s %12s %12s %7s   %s\n", "provider", "lines", "base ms",
                "reconcile ms", "ratio", "", "");
    for (const QString& provider : {QStringLiteral("alipay"), QStringLiteral("wechat")}) {
        const QStringList base = runChild({QStringLiteral("baseline"), provider, dir.path()});
        const QStringList rec = runChild({QStringLiteral("reconcile"), provider, dir.path()});
        const double baseMs = base.value(0).toDouble();
        const double recMs = rec.value(0).toDouble();
        std::printf("%-8s %10s %10.0f %12.0f %11.2fx (target <= 3x)\n", qPrintable(provider),
                    qPrintable(base.value(2)), baseMs, recMs, baseMs > 0 ? recMs / baseMs : 0.0);
        std::printf("         peak RSS: baseline %.0f MB, reconcile %.0f MB; matched %s, held %s, "
                    "differences %s, %s\n",
                    base.value(1).toDouble() / 1024, rec.value(1).toDouble() / 1024,
                    qPrintable(rec.value(2)), qPrintable(rec.value(3)), qPrintable(rec.value(4)),
                    qPrintable(rec.value(5)));
        const double baseCpu = base.value(4).toDouble();
        const double recCpu = rec.value(6).toDouble();
        std::printf("         CPU time: baseline %.0f ms, reconcile %.0f ms, ratio %.2fx\n",
                    baseCpu, recCpu, baseCpu > 0 ? recCpu / baseCpu : 0.0);
        std::printf("         load average: %s\n", qPrintable(loadAverage()));
        std::fflush(stdout);
    }
    return 0;
}
