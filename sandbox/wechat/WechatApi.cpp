#include "sandbox/wechat/WechatApi.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/crypto/SecureRandom.h"
#include "core/gateways/wechat/WechatCertificateDownload.h"
#include "core/gateways/wechat/WechatSignature.h"
#include "core/gateways/wechat/WechatTime.h"
#include "sandbox/wechat/WechatJson.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <cmath>

namespace qpos::sandbox {

namespace {

const QString kOutTradeNoPath = QStringLiteral("/v3/pay/transactions/out-trade-no/");
const QString kTransactionIdPath = QStringLiteral("/v3/pay/transactions/id/");
const QString kRefundsPath = QStringLiteral("/v3/refund/domestic/refunds");

Error paramError(const QString& message) {
    return Error{QStringLiteral("PARAM_ERROR"), message};
}

// A string field; `name` is its JSON path for the message.
std::optional<Error> readText(const QJsonObject& o, const char* key, const QString& name,
                              bool required, int maxLength, QString* out) {
    const QJsonValue v = o.value(QLatin1String(key));
    out->clear();
    if (v.isUndefined() || v.isNull()) {
        if (required)
            return paramError(QStringLiteral("缺少必填参数 %1").arg(name));
        return std::nullopt;
    }
    if (!v.isString())
        return paramError(QStringLiteral("参数 %1 应为字符串").arg(name));
    *out = v.toString();
    if ((required && out->isEmpty()) || out->size() > maxLength)
        return paramError(
            QStringLiteral("参数 %1 长度应为 1 到 %2 个字符").arg(name).arg(maxLength));
    return std::nullopt;
}

std::optional<Error> readObject(const QJsonObject& o, const char* key, const QString& name,
                                bool required, QJsonObject* out) {
    const QJsonValue v = o.value(QLatin1String(key));
    *out = QJsonObject{};
    if (v.isUndefined() || v.isNull())
        return required
                   ? std::optional<Error>(paramError(QStringLiteral("缺少必填参数 %1").arg(name)))
                   : std::nullopt;
    if (!v.isObject())
        return paramError(QStringLiteral("参数 %1 应为对象").arg(name));
    *out = v.toObject();
    return std::nullopt;
}

// A positive amount in fen: a JSON integer (never a string, never a fraction).
std::optional<Error> readFen(const QJsonObject& o, const char* key, const QString& name,
                             money::Fen* out) {
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull())
        return paramError(QStringLiteral("缺少必填参数 %1").arg(name));
    const double d = v.toDouble(-1);
    if (!v.isDouble() || d < 1 || d > static_cast<double>(money::kMaxFen) || std::floor(d) != d)
        return paramError(QStringLiteral("参数 %1 应为大于 0 的整数（单位：分）").arg(name));
    *out = static_cast<money::Fen>(d);
    return std::nullopt;
}

std::optional<Error> readCurrency(const QJsonObject& amount, const QString& name) {
    const QJsonValue v = amount.value(u"currency");
    if (!v.isUndefined() && v.toString() != u"CNY")
        return paramError(QStringLiteral("参数 %1 只支持 CNY").arg(name));
    return std::nullopt;
}

bool validOutTradeNo(const QString& s) {
    static const QRegularExpression shape(QStringLiteral("^[A-Za-z0-9_\\-*]{6,32}$"));
    return shape.match(s).hasMatch();
}

bool validOutRefundNo(const QString& s) {
    static const QRegularExpression shape(QStringLiteral("^[A-Za-z0-9_\\-|*@]{1,64}$"));
    return shape.match(s).hasMatch();
}

// The body's mchid (and appid) must be the authenticated merchant's.
std::optional<Error> checkMerchant(const QJsonObject& body, const WechatMerchant& merchant,
                                   bool withAppId) {
    QString mchId, appId;
    if (auto e = readText(body, "mchid", QStringLiteral("mchid"), true, 32, &mchId))
        return e;
    if (mchId != merchant.mchId)
        return paramError(QStringLiteral("参数 mchid 与请求签名中的商户号不一致"));
    if (!withAppId)
        return std::nullopt;
    if (auto e = readText(body, "appid", QStringLiteral("appid"), true, 32, &appId))
        return e;
    if (appId != merchant.appId)
        return paramError(QStringLiteral("参数 appid 与商户号 %1 不匹配").arg(mchId));
    return std::nullopt;
}

// The fields Native and code payments share.
std::optional<Error> readNewTrade(const QJsonObject& body, const WechatMerchant& merchant,
                                  WechatTradeBook::NewTrade* out) {
    if (auto e = checkMerchant(body, merchant, true))
        return e;
    out->mchId = merchant.mchId;
    out->appId = merchant.appId;
    if (auto e = readText(body, "description", QStringLiteral("description"), true, 127,
                          &out->description))
        return e;
    if (auto e = readText(body, "out_trade_no", QStringLiteral("out_trade_no"), true, 32,
                          &out->outTradeNo))
        return e;
    if (!validOutTradeNo(out->outTradeNo))
        return paramError(QStringLiteral("参数 out_trade_no 应为 6 到 32 个字母、数字或 _-* 字符"));
    QJsonObject amount;
    if (auto e = readObject(body, "amount", QStringLiteral("amount"), true, &amount))
        return e;
    if (auto e = readFen(amount, "total", QStringLiteral("amount.total"), &out->total))
        return e;
    if (auto e = readCurrency(amount, QStringLiteral("amount.currency")))
        return e;
    QJsonObject scene;
    if (auto e = readObject(body, "scene_info", QStringLiteral("scene_info"), false, &scene))
        return e;
    if (auto e = readText(scene, "device_id", QStringLiteral("scene_info.device_id"), false, 32,
                          &out->deviceId))
        return e;
    QJsonObject store;
    if (auto e =
            readObject(scene, "store_info", QStringLiteral("scene_info.store_info"), false, &store))
        return e;
    QString storeId, storeOutId;
    if (auto e =
            readText(store, "id", QStringLiteral("scene_info.store_info.id"), false, 32, &storeId))
        return e;
    if (auto e = readText(store, "out_id", QStringLiteral("scene_info.store_info.out_id"), false,
                          32, &storeOutId))
        return e;
    out->storeId = storeId.isEmpty() ? storeOutId : storeId;
    QString notifyUrl;
    if (auto e = readText(body, "notify_url", QStringLiteral("notify_url"), false, 256, &notifyUrl))
        return e;
    if (!notifyUrl.isEmpty()) {
        const QUrl url(notifyUrl, QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != u"https" && url.scheme() != u"http") ||
            url.host().isEmpty())
            return paramError(QStringLiteral("参数 notify_url 应为 http(s) 地址"));
        if (url.hasQuery())
            return paramError(QStringLiteral("参数 notify_url 不能携带参数"));
    }
    out->notifyUrl = notifyUrl;
    return std::nullopt;
}

WechatAnswer ok(const QJsonObject& o, int status = 200) {
    return WechatAnswer{status, wechat_json::compact(o)};
}

} // namespace

WechatApi::WechatApi(WechatApiHost& host)
    : m_host(host) {}

QString WechatApi::methodName(const QByteArray& httpMethod, const QString& path) {
    const bool get = httpMethod == "GET";
    const bool post = httpMethod == "POST";
    if (post && path == u"/v3/pay/transactions/native")
        return QStringLiteral("native");
    if (post && path == u"/v3/pay/transactions/codepay")
        return QStringLiteral("codepay");
    if (path.startsWith(kOutTradeNoPath)) {
        const QStringList rest = path.mid(kOutTradeNoPath.size()).split(u'/');
        if (get && rest.size() == 1 && !rest[0].isEmpty())
            return QStringLiteral("query");
        if (post && rest.size() == 2 && !rest[0].isEmpty() && rest[1] == u"close")
            return QStringLiteral("close");
        if (post && rest.size() == 2 && !rest[0].isEmpty() && rest[1] == u"reverse")
            return QStringLiteral("reverse");
        return {};
    }
    if (get && path.startsWith(kTransactionIdPath) && path.size() > kTransactionIdPath.size() &&
        !path.mid(kTransactionIdPath.size()).contains(u'/'))
        return QStringLiteral("query");
    if (post && path == kRefundsPath)
        return QStringLiteral("refund");
    if (get && path.startsWith(kRefundsPath + u'/') && path.size() > kRefundsPath.size() + 1 &&
        !path.mid(kRefundsPath.size() + 1).contains(u'/'))
        return QStringLiteral("refund.query");
    if (get && path == u"/v3/bill/tradebill")
        return QStringLiteral("tradebill");
    if (get && path == u"/v3/billdownload/file")
        return QStringLiteral("bill.download");
    if (get && path == u"/v3/certificates")
        return QStringLiteral("certificates");
    return {};
}

WechatAnswer WechatApi::error(const QString& code, const QString& message) {
    return WechatAnswer{wechatHttpStatus(code), wechat_json::error(code, message)};
}

bool WechatApi::isPaymentCode(const QString& code) {
    static const QRegularExpression shape(QStringLiteral("^1[0-5][0-9]{16}$"));
    return shape.match(code).hasMatch();
}

std::optional<WechatPayBehaviour> WechatApi::behaviourOfCode(const QString& code) {
    if (code.endsWith(u"9991"))
        return WechatPayBehaviour::BuyerConfirms;
    if (code.endsWith(u"9992"))
        return WechatPayBehaviour::Declined;
    if (code.endsWith(u"9993"))
        return WechatPayBehaviour::ConfirmThenPay;
    if (code.endsWith(u"9994"))
        return WechatPayBehaviour::ConfirmThenClose;
    if (code.endsWith(u"9990"))
        return WechatPayBehaviour::Immediate;
    return std::nullopt;
}

std::optional<WechatAnswer> WechatApi::authenticate(const HttpExchange::Request& request,
                                                    QString* mchId) const {
    auto refuse = [](const QString& why) {
        return WechatAnswer{401, wechat_json::error(QStringLiteral("SIGN_ERROR"), why)};
    };
    QByteArray header;
    for (const auto& [name, value] : request.headers) {
        if (name.compare("Authorization", Qt::CaseInsensitive) == 0) {
            header = value;
            break;
        }
    }
    if (header.isEmpty())
        return refuse(QStringLiteral("缺少 Authorization 请求头（签名）"));
    Result<wechat::AuthorizationToken> token = wechat::parseAuthorization(header);
    if (!token)
        return refuse(
            QStringLiteral("Authorization 请求头格式错误：%1").arg(token.error().message));
    const WechatMerchant* merchant = m_host.findMerchant(token->mchId);
    if (!merchant)
        return refuse(QStringLiteral("商户号 %1 不存在或未在沙箱中注册").arg(token->mchId));
    if (token->serialNo.compare(merchant->serialNo, Qt::CaseInsensitive) != 0)
        return refuse(QStringLiteral("商户证书序列号 %1 与商户号 %2 不匹配")
                          .arg(token->serialNo, merchant->mchId));
    // Signatures are checked against the wall clock, as the client's own clock reads it (the
    // business clock of the trades may be pinned by tests).
    const qint64 nowS = QDateTime::currentSecsSinceEpoch();
    if (std::abs(token->timestampS - nowS) > m_host.wechatOptions().timestampToleranceSecs)
        return refuse(QStringLiteral("请求时间戳与当前时间相差超过 %1 秒")
                          .arg(m_host.wechatOptions().timestampToleranceSecs));
    QByteArray target = request.url.path(QUrl::FullyEncoded).toUtf8();
    if (request.url.hasQuery())
        target += '?' + request.url.query(QUrl::FullyEncoded).toUtf8();
    const QByteArray body = request.method == "GET" ? QByteArray() : request.body;
    const qsizetype bodyLength = body.size();
    const QByteArray message = wechat::requestSignMessage(request.method, target, token->timestampS,
                                                          token->nonce.toUtf8(), body);
    if (!merchant->publicKey.verifyBase64(message, token->signature.toLatin1())) {
        // The lines the sandbox verified, up to the body (which may hold a payment code: only
        // its length is shown).
        const QString head = QString::fromUtf8(message.left(message.size() - bodyLength - 1))
                                 .replace(u'\n', QStringLiteral("\\n"));
        return refuse(QStringLiteral("签名错误，请检查签名串与商户私钥（沙箱验签的签名串：%1"
                                     "<请求体，%2 字节>\\n）")
                          .arg(head)
                          .arg(bodyLength));
    }
    *mchId = merchant->mchId;
    return std::nullopt;
}

WechatAnswer WechatApi::execute(const QString& method, const QString& mchId,
                                const HttpExchange::Request& request) {
    m_host.book().expireDue();
    const QString path = request.url.path();
    QJsonObject body;
    if (request.method == "POST") {
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(request.body, &parseError);
        if (parseError.error != QJsonParseError::NoError || !doc.isObject())
            return error(QStringLiteral("PARAM_ERROR"), QStringLiteral("请求体应为 JSON 对象"));
        body = doc.object();
    }
    const QUrlQuery query(request.url);
    if (method == u"native")
        return native(mchId, body);
    if (method == u"codepay")
        return codepay(mchId, body);
    if (method == u"query")
        return this->query(mchId, path, query);
    if (method == u"close" || method == u"reverse") {
        const QString no = path.mid(kOutTradeNoPath.size()).section(u'/', 0, 0);
        return method == u"close" ? close(mchId, no, body) : reverse(mchId, no, body);
    }
    if (method == u"refund")
        return refund(mchId, body);
    if (method == u"refund.query")
        return refundQuery(mchId, path.mid(kRefundsPath.size() + 1));
    if (method == u"tradebill")
        return tradeBill(mchId, query);
    if (method == u"certificates")
        return certificates(mchId);
    return error(QStringLiteral("NOT_FOUND"), QStringLiteral("请求的接口不存在"));
}

WechatAnswer WechatApi::native(const QString& mchId, const QJsonObject& body) {
    const WechatMerchant* merchant = m_host.findMerchant(mchId);
    WechatTradeBook::NewTrade request;
    if (auto e = readNewTrade(body, *merchant, &request))
        return error(*e);
    // Native orders must name where the payment result goes.
    if (request.notifyUrl.isEmpty())
        return error(paramError(QStringLiteral("缺少必填参数 notify_url")));
    QString timeExpire;
    if (auto e =
            readText(body, "time_expire", QStringLiteral("time_expire"), false, 64, &timeExpire))
        return error(*e);
    const qint64 now = m_host.now();
    request.expiresMs = now + qint64(m_host.wechatOptions().defaultTimeoutMinutes) * 60 * 1000;
    if (!timeExpire.isEmpty()) {
        const std::optional<qint64> end = wechat::parseRfc3339(timeExpire);
        if (!end)
            return error(paramError(
                QStringLiteral("参数 time_expire 应为 yyyy-MM-DDTHH:mm:ss+TIMEZONE 格式")));
        if (*end <= now)
            return error(paramError(QStringLiteral("参数 time_expire 应晚于当前时间")));
        request.expiresMs = *end;
    }
    Result<WechatTrade*> trade =
        m_host.book().createNative(request, m_host.wechatOptions().codeUrlBase);
    if (!trade)
        return error(trade.error());
    return ok(QJsonObject{{QStringLiteral("code_url"), (*trade)->codeUrl}});
}

WechatAnswer WechatApi::codepay(const QString& mchId, const QJsonObject& body) {
    const WechatMerchant* merchant = m_host.findMerchant(mchId);
    WechatTradeBook::NewTrade request;
    if (auto e = readNewTrade(body, *merchant, &request))
        return error(*e);
    // Code pay requires the scene: the merchant's store (out_id) at least.
    const QJsonObject scene = body.value(u"scene_info").toObject();
    if (scene.isEmpty())
        return error(paramError(QStringLiteral("缺少必填参数 scene_info")));
    if (scene.value(u"store_info").toObject().value(u"out_id").toString().isEmpty())
        return error(paramError(QStringLiteral("缺少必填参数 scene_info.store_info.out_id")));
    QJsonObject payer;
    if (auto e = readObject(body, "payer", QStringLiteral("payer"), true, &payer))
        return error(*e);
    if (auto e = readText(payer, "auth_code", QStringLiteral("payer.auth_code"), true, 32,
                          &request.authCode))
        return error(*e);
    if (!isPaymentCode(request.authCode))
        return error(paramError(QStringLiteral(
            "参数 payer.auth_code 不是有效的微信付款码（18 位数字，以 10 到 15 开头）")));
    request.expiresMs =
        m_host.now() + qint64(m_host.wechatOptions().defaultTimeoutMinutes) * 60 * 1000;
    WechatTradeBook& book = m_host.book();
    bool repeated = false;
    Result<WechatTrade*> started = book.startCodePay(request, &repeated);
    if (!started)
        return error(started.error());
    WechatTrade* trade = *started;
    if (!repeated) {
        const WechatPayBehaviour behaviour =
            behaviourOfCode(request.authCode).value_or(m_host.wechatOptions().payBehaviour);
        switch (behaviour) {
        case WechatPayBehaviour::Immediate:
            (void)book.pay(trade);
            break;
        case WechatPayBehaviour::Declined:
            (void)book.decline(trade, QStringLiteral("支付失败，用户余额不足"));
            return error(QStringLiteral("NOT_ENOUGH"), QStringLiteral("用户余额不足"));
        case WechatPayBehaviour::BuyerConfirms:
        case WechatPayBehaviour::ConfirmThenPay:
        case WechatPayBehaviour::ConfirmThenClose:
            m_host.buyerConfirming(mchId, trade->outTradeNo, behaviour);
            break;
        }
    }
    if (trade->state == WechatTradeState::Success)
        return ok(wechat_json::transaction(*trade));
    return ok(QJsonObject{{QStringLiteral("trade_state"), QStringLiteral("USERPAYING")}}, 202);
}

WechatAnswer WechatApi::query(const QString& mchId, const QString& path, const QUrlQuery& query) {
    const QString queryMchId = query.queryItemValue(QStringLiteral("mchid"));
    if (queryMchId.isEmpty())
        return error(paramError(QStringLiteral("缺少必填参数 mchid")));
    if (queryMchId != mchId)
        return error(paramError(QStringLiteral("参数 mchid 与请求签名中的商户号不一致")));
    WechatTrade* trade = nullptr;
    if (path.startsWith(kOutTradeNoPath))
        trade = m_host.book().find(mchId, path.mid(kOutTradeNoPath.size()));
    else
        trade = m_host.book().findByTransactionId(mchId, path.mid(kTransactionIdPath.size()));
    if (!trade)
        return error(QStringLiteral("ORDER_NOT_EXIST"), QStringLiteral("订单不存在"));
    return ok(wechat_json::transaction(*trade));
}

WechatAnswer WechatApi::close(const QString& mchId, const QString& outTradeNo,
                              const QJsonObject& body) {
    if (auto e = checkMerchant(body, *m_host.findMerchant(mchId), false))
        return error(*e);
    WechatTrade* trade = m_host.book().find(mchId, outTradeNo);
    if (!trade)
        return error(QStringLiteral("ORDER_NOT_EXIST"), QStringLiteral("订单不存在"));
    Result<WechatTrade*> closed = m_host.book().close(trade);
    if (!closed)
        return error(closed.error());
    return WechatAnswer{204, {}};
}

WechatAnswer WechatApi::reverse(const QString& mchId, const QString& outTradeNo,
                                const QJsonObject& body) {
    if (auto e = checkMerchant(body, *m_host.findMerchant(mchId), true))
        return error(*e);
    WechatTrade* trade = m_host.book().find(mchId, outTradeNo);
    if (!trade)
        return error(QStringLiteral("ORDER_NOT_EXIST"), QStringLiteral("订单不存在"));
    Result<WechatTrade*> reversed = m_host.book().reverse(trade);
    if (!reversed)
        return error(reversed.error());
    return ok(QJsonObject{{QStringLiteral("out_trade_no"), trade->outTradeNo},
                          {QStringLiteral("transaction_id"), trade->transactionId}});
}

WechatAnswer WechatApi::refund(const QString& mchId, const QJsonObject& body) {
    QString outTradeNo, transactionId;
    WechatTradeBook::RefundRequest request;
    if (auto e =
            readText(body, "out_trade_no", QStringLiteral("out_trade_no"), false, 32, &outTradeNo))
        return error(*e);
    if (auto e = readText(body, "transaction_id", QStringLiteral("transaction_id"), false, 32,
                          &transactionId))
        return error(*e);
    if (outTradeNo.isEmpty() && transactionId.isEmpty())
        return error(paramError(QStringLiteral("参数 out_trade_no 与 transaction_id 必填其一")));
    if (auto e = readText(body, "out_refund_no", QStringLiteral("out_refund_no"), true, 64,
                          &request.outRefundNo))
        return error(*e);
    if (!validOutRefundNo(request.outRefundNo))
        return error(paramError(
            QStringLiteral("参数 out_refund_no 应为 1 到 64 个字母、数字或 _-|*@ 字符")));
    if (auto e = readText(body, "reason", QStringLiteral("reason"), false, 80, &request.reason))
        return error(*e);
    if (auto e = readText(body, "notify_url", QStringLiteral("notify_url"), false, 256,
                          &request.notifyUrl))
        return error(*e);
    QJsonObject amount;
    if (auto e = readObject(body, "amount", QStringLiteral("amount"), true, &amount))
        return error(*e);
    if (auto e = readFen(amount, "refund", QStringLiteral("amount.refund"), &request.amount))
        return error(*e);
    if (auto e = readFen(amount, "total", QStringLiteral("amount.total"), &request.total))
        return error(*e);
    if (auto e = readCurrency(amount, QStringLiteral("amount.currency")))
        return error(*e);
    WechatTrade* trade = nullptr;
    if (!outTradeNo.isEmpty()) {
        trade = m_host.book().find(mchId, outTradeNo);
        if (trade && !transactionId.isEmpty() && trade->transactionId != transactionId)
            trade = nullptr;
    } else {
        trade = m_host.book().findByTransactionId(mchId, transactionId);
    }
    if (!trade)
        return error(QStringLiteral("RESOURCE_NOT_EXISTS"), QStringLiteral("订单不存在"));
    request.processing = m_host.wechatOptions().refundProcessingMs > 0;
    Result<WechatTradeBook::RefundOutcome> r = m_host.book().refund(trade, request);
    if (!r)
        return error(r.error());
    if (!r->repeated && r->refund.status == WechatRefundStatus::Processing)
        m_host.refundProcessing(mchId, r->refund.outRefundNo);
    return ok(wechat_json::refund(*r->trade, r->refund));
}

WechatAnswer WechatApi::refundQuery(const QString& mchId, const QString& outRefundNo) {
    const auto [trade, index] = m_host.book().findRefund(mchId, outRefundNo);
    if (!trade)
        return error(QStringLiteral("RESOURCE_NOT_EXISTS"), QStringLiteral("退款单不存在"));
    return ok(wechat_json::refund(*trade, trade->refunds[index]));
}

WechatAnswer WechatApi::tradeBill(const QString& mchId, const QUrlQuery& query) {
    const QString date = query.queryItemValue(QStringLiteral("bill_date"));
    static const QRegularExpression shape(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
    const QDate day = QDate::fromString(date, QStringLiteral("yyyy-MM-dd"));
    if (date.isEmpty())
        return error(paramError(QStringLiteral("缺少必填参数 bill_date")));
    if (!shape.match(date).hasMatch() || !day.isValid())
        return error(paramError(QStringLiteral("参数 bill_date 应为 yyyy-MM-DD 格式的日期")));
    QString type = query.queryItemValue(QStringLiteral("bill_type"));
    if (type.isEmpty())
        type = QStringLiteral("ALL");
    if (type != u"ALL" && type != u"SUCCESS" && type != u"REFUND")
        return error(paramError(QStringLiteral("参数 bill_type 应为 ALL、SUCCESS 或 REFUND")));
    const QString tar = query.queryItemValue(QStringLiteral("tar_type"));
    if (!tar.isEmpty() && tar != u"GZIP")
        return error(paramError(QStringLiteral("参数 tar_type 只支持 GZIP")));
    const QDate today = china_calendar::dateOf(m_host.now());
    if (day > today)
        return error(QStringLiteral("NO_STATEMENT_EXIST"), QStringLiteral("请求的账单文件不存在"));
    // Today's bill is made tomorrow morning: "being made", which WeChat asks to retry.
    if (m_host.wechatOptions().strictBillDates && day == today)
        return error(QStringLiteral("STATEMENT_CREATING"), QStringLiteral("账单生成中"));
    Result<QJsonObject> issued = m_host.issueBill(mchId, day, type, !tar.isEmpty());
    if (!issued)
        return error(issued.error());
    return ok(*issued);
}

} // namespace qpos::sandbox

namespace qpos::sandbox {

// Every valid platform certificate, each sealed with the merchant's APIv3 key as WeChat Pay
// does (AEAD_AES_256_GCM, associated data "certificate"); the answer is signed like any other.
WechatAnswer WechatApi::certificates(const QString& mchId) {
    const WechatMerchant* merchant = m_host.findMerchant(mchId);
    QJsonArray data;
    for (const crypto::X509Certificate& certificate : m_host.platformCertificates()) {
        Result<QString> nonce = crypto::randomAlphanumeric(12);
        if (!nonce)
            return error(QStringLiteral("SYSTEM_ERROR"), nonce.error().message);
        Result<QJsonObject> entry =
            wechat::certificateDownloadEntry(certificate, merchant->apiV3Key, nonce->toLatin1());
        if (!entry)
            return error(QStringLiteral("SYSTEM_ERROR"), entry.error().message);
        data.append(*entry);
    }
    return WechatAnswer{
        200,
        QJsonDocument(QJsonObject{{QStringLiteral("data"), data}}).toJson(QJsonDocument::Compact)};
}

} // namespace qpos::sandbox
