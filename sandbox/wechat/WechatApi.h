#pragma once

#include "core/common/Result.h"
#include "core/crypto/X509Certificate.h"
#include "sandbox/http/HttpExchange.h"
#include "sandbox/wechat/WechatMerchant.h"
#include "sandbox/wechat/WechatOptions.h"
#include "sandbox/wechat/WechatTradeBook.h"

#include <QByteArray>
#include <QDate>
#include <QJsonObject>
#include <QString>
#include <QUrlQuery>

#include <optional>

namespace qpos::sandbox {

// What the API needs from the rest of the simulator.
class WechatApiHost {
public:
    virtual ~WechatApiHost() = default;
    virtual const WechatOptions& wechatOptions() const = 0;
    // The business clock (UTC ms): trade times, expiry, bill days.
    virtual qint64 now() const = 0;
    virtual const WechatMerchant* findMerchant(const QString& mchId) const = 0;
    virtual WechatTradeBook& book() = 0;
    // {download_url, hash_type, hash_value} of the merchant's bill of that day, or an error
    // with WeChat's code (NO_STATEMENT_EXIST).
    virtual Result<QJsonObject> issueBill(const QString& mchId, QDate day, const QString& billType,
                                          bool gzip) = 0;
    // A payment code was accepted and the buyer confirms (202 USERPAYING).
    virtual void buyerConfirming(const QString& mchId, const QString& outTradeNo,
                                 WechatPayBehaviour behaviour) = 0;
    // The platform certificates GET /v3/certificates lists (none outside the certificate and
    // migration modes).
    virtual QList<crypto::X509Certificate> platformCertificates() const = 0;
    // A refund was accepted PROCESSING: it must succeed later.
    virtual void refundProcessing(const QString& mchId, const QString& outRefundNo) = 0;
};

// One answer of the APIv3 endpoints before signing.
struct WechatAnswer {
    int status = 200;
    QByteArray body; // JSON, or empty (204)
};

// WeChat Pay APIv3's merchant endpoints under /v3: the Authorization check, the JSON checks
// and the trade rules, each answer as WeChat gives it (see docs/sandbox.md).
class WechatApi {
public:
    explicit WechatApi(WechatApiHost& host);

    // The fault-matching name of an endpoint ("native", "codepay", "query", "close",
    // "reverse", "refund", "refund.query", "tradebill", "bill.download", "certificates"); empty
    // for none.
    static QString methodName(const QByteArray& httpMethod, const QString& path);

    // Checks the Authorization header against the registered merchant: nullopt and the
    // merchant's mchid when it verifies, otherwise the 401 SIGN_ERROR answer (sent unsigned, as
    // WeChat signs only answers to requests it could verify).
    std::optional<WechatAnswer> authenticate(const HttpExchange::Request& request,
                                             QString* mchId) const;

    // Runs an authenticated request of endpoint `method`.
    WechatAnswer execute(const QString& method, const QString& mchId,
                         const HttpExchange::Request& request);

    static WechatAnswer error(const QString& code, const QString& message);
    static WechatAnswer error(const Error& e) { return error(e.code, e.message); }

    // Valid WeChat payment codes: 18 digits starting 10 to 15.
    static bool isPaymentCode(const QString& code);
    // The behaviour a payment code asks for by its last four digits (docs/sandbox.md), if any.
    static std::optional<WechatPayBehaviour> behaviourOfCode(const QString& code);

private:
    WechatAnswer native(const QString& mchId, const QJsonObject& body);
    WechatAnswer codepay(const QString& mchId, const QJsonObject& body);
    WechatAnswer query(const QString& mchId, const QString& path, const QUrlQuery& query);
    WechatAnswer close(const QString& mchId, const QString& outTradeNo, const QJsonObject& body);
    WechatAnswer reverse(const QString& mchId, const QString& outTradeNo, const QJsonObject& body);
    WechatAnswer refund(const QString& mchId, const QJsonObject& body);
    WechatAnswer refundQuery(const QString& mchId, const QString& outRefundNo);
    WechatAnswer tradeBill(const QString& mchId, const QUrlQuery& query);
    WechatAnswer certificates(const QString& mchId);

    WechatApiHost& m_host;
};

} // namespace qpos::sandbox
