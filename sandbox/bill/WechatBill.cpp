#include "sandbox/bill/WechatBill.h"

#include "core/calendar/ChinaCalendar.h"

#include <QStringList>

#include <zlib.h>

namespace qpos::sandbox::wechat_bill {

namespace {

const QString kEol = QStringLiteral("\r\n");

QString row(const QStringList& values) {
    QStringList quoted;
    for (const QString& v : values) {
        // Backquote first, as WeChat writes every value; a comma in merchant text would split
        // the column, so it becomes a full-width one.
        QString text = v;
        text.replace(u',', QStringLiteral("，"));
        text.replace(u'\r', u' ');
        text.replace(u'\n', u' ');
        quoted << u'`' + text;
    }
    return quoted.join(u',') + kEol;
}

QString yuan(money::Fen fen) {
    return money::formatYuan(fen);
}

// WeChat Pay prints fees to 10^-5 yuan ("0.01000"). The sandbox charges the common 0.60 %
// rate exactly: 6 thousandths of a fen per fen; a refund gives its share back.
constexpr qint64 kFeeThousandthsPerFen = 6;
const QString kFeeRate = QStringLiteral("0.60%");

money::SubFen feeOf(money::Fen fen) {
    return money::SubFen::fromThousandthsOfFen(fen * kFeeThousandthsPerFen);
}

QString when(qint64 ms) {
    return china_calendar::formatTimestamp(ms);
}

} // namespace

Bill build(const QDate& day, BillType type, const QList<WechatTrade>& trades) {
    const qint64 from = china_calendar::dayStartMs(day);
    const qint64 to = china_calendar::dayEndMs(day);
    auto inDay = [&](qint64 ms) {
        return ms >= from && ms < to;
    };

    Bill bill;
    bill.csv = QStringLiteral("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,"
                              "用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,"
                              "代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,"
                              "退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,"
                              "申请退款金额,费率备注") +
               kEol;
    money::Fen settled = 0;
    money::Fen ordered = 0;
    money::Fen refunded = 0;
    money::SubFen fees;
    const QString zero = QStringLiteral("0.00");
    for (const WechatTrade& t : trades) {
        const QString tradeType = t.kind == WechatTrade::Kind::Native ? QStringLiteral("NATIVE")
                                                                      : QStringLiteral("MICROPAY");
        if (type != BillType::Refund && t.isPaid() && inDay(t.paidMs)) {
            const QString state =
                t.listedAsRevoked ? QStringLiteral("REVOKED") : QStringLiteral("SUCCESS");
            bill.csv += row({when(t.paidMs),
                             t.appId,
                             t.mchId,
                             QStringLiteral("0"),
                             t.deviceId,
                             t.transactionId,
                             t.outTradeNo,
                             t.openId,
                             tradeType,
                             state,
                             QStringLiteral("OTHERS"),
                             QStringLiteral("CNY"),
                             yuan(t.total),
                             zero,
                             QStringLiteral("0"),
                             QStringLiteral("0"),
                             zero,
                             zero,
                             QString(),
                             QString(),
                             t.description,
                             QString(),
                             money::formatSubFenYuan(feeOf(t.total)),
                             kFeeRate,
                             yuan(t.total),
                             zero,
                             QString()});
            ++bill.rows;
            settled += t.total;
            ordered += t.total;
            fees += feeOf(t.total);
        }
        if (type == BillType::Success)
            continue;
        for (const WechatRefund& r : t.refunds) {
            if (r.status != WechatRefundStatus::Success || !inDay(r.successMs))
                continue;
            bill.csv += row({when(r.successMs),
                             t.appId,
                             t.mchId,
                             QStringLiteral("0"),
                             t.deviceId,
                             t.transactionId,
                             t.outTradeNo,
                             t.openId,
                             tradeType,
                             QStringLiteral("REFUND"),
                             QStringLiteral("OTHERS"),
                             QStringLiteral("CNY"),
                             zero,
                             zero,
                             r.refundId,
                             r.outRefundNo,
                             yuan(r.amount),
                             zero,
                             QStringLiteral("ORIGINAL"),
                             QStringLiteral("SUCCESS"),
                             t.description,
                             QString(),
                             money::formatSubFenYuan(-feeOf(r.amount)),
                             kFeeRate,
                             zero,
                             yuan(r.amount),
                             QString()});
            ++bill.rows;
            refunded += r.amount;
            fees += -feeOf(r.amount);
        }
    }
    bill.csv += QStringLiteral("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,"
                               "订单总金额,申请退款总金额") +
                kEol;
    bill.csv += row({QString::number(bill.rows), yuan(settled), yuan(refunded), zero,
                     money::formatSubFenYuan(fees), yuan(ordered), yuan(refunded)});
    return bill;
}

Result<QByteArray> gzip(const QByteArray& data) {
    z_stream stream{};
    // 15 + 16: a gzip header and trailer around the deflate stream.
    if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        return Error{QStringLiteral("sandbox.gzip"), QStringLiteral("zlib cannot start")};
    QByteArray out(static_cast<qsizetype>(deflateBound(&stream, static_cast<uLong>(data.size()))),
                   Qt::Uninitialized);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.constData()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&stream, Z_FINISH);
    const auto written = static_cast<qsizetype>(stream.total_out);
    deflateEnd(&stream);
    if (rc != Z_STREAM_END)
        return Error{QStringLiteral("sandbox.gzip"), QStringLiteral("zlib cannot compress")};
    out.truncate(written);
    return out;
}

} // namespace qpos::sandbox::wechat_bill
