#include "sandbox/bill/AlipayBill.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/text/GbkCodec.h"

#include <QMap>
#include <QRegularExpression>

namespace qpos::sandbox::alipay_bill {

namespace {

// Alipay's bills write the lines with CRLF, for spreadsheet programs.
const QString kEol = QStringLiteral("\r\n");
const QString kTab = QStringLiteral("\t");

QString yuan(money::Fen fen) {
    return money::formatYuan(fen);
}

// Alipay writes both the file's name and its text in GBK, the name without the UTF-8 flag.
Result<zip_archive::Entry> gbkEntry(const QString& name, const QString& text) {
    Result<QByteArray> nameBytes = gbk::encodeReplacing(name);
    if (!nameBytes)
        return nameBytes.error();
    Result<QByteArray> textBytes = gbk::encodeReplacing(text);
    if (!textBytes)
        return textBytes.error();
    return zip_archive::Entry{*nameBytes, *textBytes, false};
}

// Text fields are written bare, as Alipay does; a comma, quote or line break in merchant text
// (a subject) would break the columns, so such a field is quoted as CSV does.
QString field(const QString& text) {
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n') &&
        !text.contains(u'\r'))
        return text;
    QString quoted = text;
    quoted.replace(u'"', QStringLiteral("\"\""));
    return u'"' + quoted + u'"';
}

QString chineseDateTime(qint64 ms) {
    return china_calendar::dateTimeOf(ms).toString(QStringLiteral("yyyy年MM月dd日 HH:mm:ss"));
}

QString header(const QString& title, const QString& pid, const Period& period,
               const QString& listName) {
    const qint64 from = china_calendar::dayStartMs(period.first);
    const qint64 to = china_calendar::dayStartMs(period.afterLast);
    return QStringLiteral("#%1").arg(title) + kEol + QStringLiteral("#账号：[%1]").arg(pid) + kEol +
           QStringLiteral("#起始日期：[%1]   终止日期：[%2]")
               .arg(chineseDateTime(from), chineseDateTime(to)) +
           kEol +
           QStringLiteral("#-----------------------------------------%1列表------------------------"
                          "----------------")
               .arg(listName) +
           kEol;
}

QString footerLine(const QString& listName) {
    return QStringLiteral("#-----------------------------------------%1列表结束--------------------"
                          "----------------")
               .arg(listName) +
           kEol;
}

// The counterparty as Alipay shows it in bills: a masked name and the masked account.
QString counterparty(const AlipayTrade& t) {
    return t.buyerLogonId.isEmpty() ? QString() : QStringLiteral("**家(%1)").arg(t.buyerLogonId);
}

struct StoreTotals {
    int trades = 0;
    int refunds = 0;
    money::Fen orderAmount = 0;
    money::Fen received = 0;
};

} // namespace

std::optional<Period> Period::parse(const QString& billDate) {
    static const QRegularExpression day(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
    static const QRegularExpression month(QStringLiteral("^\\d{4}-\\d{2}$"));
    if (day.match(billDate).hasMatch()) {
        const QDate d = QDate::fromString(billDate, QStringLiteral("yyyy-MM-dd"));
        if (!d.isValid())
            return std::nullopt;
        return Period{d, d.addDays(1), d.toString(QStringLiteral("yyyyMMdd"))};
    }
    if (month.match(billDate).hasMatch()) {
        const QDate d =
            QDate::fromString(billDate + QStringLiteral("-01"), QStringLiteral("yyyy-MM-dd"));
        if (!d.isValid())
            return std::nullopt;
        return Period{d, d.addMonths(1), d.toString(QStringLiteral("yyyyMM"))};
    }
    return std::nullopt;
}

Bill build(const QString& pid, const Period& period, const QList<AlipayTrade>& trades,
           qint64 exportMs) {
    const QString account = pid + QStringLiteral("0156");
    const qint64 from = china_calendar::dayStartMs(period.first);
    const qint64 to = china_calendar::dayStartMs(period.afterLast);
    auto inPeriod = [&](qint64 ms) {
        return ms >= from && ms < to;
    };

    QString detail =
        header(QStringLiteral("支付宝业务明细查询"), account, period, QStringLiteral("业务明细"));
    detail += QStringLiteral("支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,"
                             "门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,"
                             "支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,"
                             "券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,"
                             "退款批次号/请求号,服务费（元）,分润（元）,备注") +
              kEol;

    QMap<QString, StoreTotals> stores;
    int tradeCount = 0;
    int refundCount = 0;
    money::Fen tradeReceived = 0;
    money::Fen refundReceived = 0;

    // One row per payment and per refund, in time order (Alipay sorts by completion time).
    struct Row {
        qint64 atMs;
        QString text;
    };
    QList<Row> rows;
    for (const AlipayTrade& t : trades) {
        // Alipay writes a tab after the columns Excel would mangle (long numbers, ids).
        const QString common = t.tradeNo + kTab + u',' + t.outTradeNo + kTab + u',';
        const QString place = field(t.storeId) + kTab + u',' + kTab + u',' + field(t.operatorId) +
                              kTab + u',' + field(t.terminalId) + kTab + u',' + counterparty(t) +
                              kTab + u',';
        if (t.paidMs > 0 && inPeriod(t.paidMs)) {
            rows.append({t.paidMs, common + QStringLiteral("交易") + kTab + u',' +
                                       field(t.subject) + u',' +
                                       china_calendar::formatTimestamp(t.createdMs) + u',' +
                                       china_calendar::formatTimestamp(t.paidMs) + u',' + place +
                                       yuan(t.total) + u',' + yuan(t.total) +
                                       QStringLiteral(",0.00,0.00,0.00,0.00,0.00,,0.00") + kTab +
                                       QStringLiteral(",0.00,") + kTab +
                                       QStringLiteral(",0.00,0.00,") + field(t.body)});
            ++tradeCount;
            tradeReceived += t.total;
            StoreTotals& s = stores[t.storeId];
            ++s.trades;
            s.orderAmount += t.total;
            s.received += t.total;
        }
        for (const AlipayRefund& r : t.refunds) {
            if (!inPeriod(r.atMs))
                continue;
            rows.append({r.atMs, common + QStringLiteral("退款") + kTab + u',' + field(t.subject) +
                                     u',' + china_calendar::formatTimestamp(t.createdMs) + u',' +
                                     china_calendar::formatTimestamp(r.atMs) + u',' + place +
                                     yuan(-r.amount) + u',' + yuan(-r.amount) +
                                     QStringLiteral(",0.00,0.00,0.00,0.00,0.00,,0.00") + kTab +
                                     QStringLiteral(",0.00,") + field(r.outRequestNo) + kTab +
                                     QStringLiteral(",0.00,0.00,") + field(r.reason)});
            ++refundCount;
            refundReceived -= r.amount;
            StoreTotals& s = stores[t.storeId];
            ++s.refunds;
            s.orderAmount -= r.amount;
            s.received -= r.amount;
        }
    }
    std::stable_sort(rows.begin(), rows.end(),
                     [](const Row& a, const Row& b) { return a.atMs < b.atMs; });
    for (const Row& row : rows)
        detail += row.text + kEol;
    detail += footerLine(QStringLiteral("业务明细"));
    detail += QStringLiteral("#交易合计：%1笔，商家实收共：%2元，商家优惠共：0.00元")
                  .arg(tradeCount)
                  .arg(yuan(tradeReceived)) +
              kEol;
    detail += QStringLiteral("#退款合计：%1笔，商家实收退款共：%2元，商家优惠退款共：0.00元")
                  .arg(refundCount)
                  .arg(yuan(refundReceived)) +
              kEol;
    detail += QStringLiteral("#导出时间：[%1]").arg(chineseDateTime(exportMs)) + kEol;

    QString summary =
        header(QStringLiteral("支付宝业务汇总查询"), account, period, QStringLiteral("业务汇总"));
    summary += QStringLiteral("门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,"
                              "商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,"
                              "服务费（元）,分润（元）,实收净额（元）") +
               kEol;
    StoreTotals all;
    for (auto it = stores.cbegin(); it != stores.cend(); ++it) {
        const StoreTotals& s = it.value();
        summary += field(it.key()) + kTab + u',' + kTab + u',' + QString::number(s.trades) + u',' +
                   QString::number(s.refunds) + u',' + yuan(s.orderAmount) + u',' +
                   yuan(s.received) + QStringLiteral(",0.00,0.00,0.00,0.00,0.00,") +
                   yuan(s.received) + kEol;
        all.trades += s.trades;
        all.refunds += s.refunds;
        all.orderAmount += s.orderAmount;
        all.received += s.received;
    }
    summary += QStringLiteral("合计,,") + QString::number(all.trades) + u',' +
               QString::number(all.refunds) + u',' + yuan(all.orderAmount) + u',' +
               yuan(all.received) + QStringLiteral(",0.00,0.00,0.00,0.00,0.00,") +
               yuan(all.received) + kEol;
    summary += footerLine(QStringLiteral("业务汇总"));
    summary += QStringLiteral("#导出时间：[%1]").arg(chineseDateTime(exportMs)) + kEol;

    const QString stem = account + u'_' + period.label;
    return Bill{stem + QStringLiteral(".csv.zip"), stem + QStringLiteral("_业务明细.csv"),
                stem + QStringLiteral("_业务明细(汇总).csv"), detail, summary};
}

Result<QByteArray> toZip(const Bill& bill) {
    Result<zip_archive::Entry> detail = gbkEntry(bill.detailName, bill.detailCsv);
    if (!detail)
        return detail.error();
    Result<zip_archive::Entry> summary = gbkEntry(bill.summaryName, bill.summaryCsv);
    if (!summary)
        return summary.error();
    return zip_archive::build({*detail, *summary});
}

} // namespace qpos::sandbox::alipay_bill
