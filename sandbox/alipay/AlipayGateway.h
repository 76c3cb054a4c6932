#pragma once

#include "core/gateways/alipay/AlipaySignature.h"
#include "sandbox/alipay/AlipayApp.h"
#include "sandbox/alipay/AlipayOptions.h"
#include "sandbox/alipay/AlipayTradeBook.h"
#include "sandbox/faults/FaultRule.h"

#include <QByteArray>
#include <QDate>
#include <QString>
#include <QStringList>

#include <optional>

namespace qpos::sandbox {

// What the gateway needs from the rest of the simulator.
class AlipayGatewayHost {
public:
    virtual ~AlipayGatewayHost() = default;
    virtual const AlipayOptions& alipayOptions() const = 0;
    virtual qint64 now() const = 0;
    virtual const AlipayApp* findApp(const QString& appId) const = 0;
    virtual AlipayTradeBook& book() = 0;
    // A one-time download URL for the app's bill of that period.
    virtual QString issueBillUrl(const QString& appId, const QString& billDate) = 0;
    // A payment code was accepted and the buyer is confirming (10003).
    virtual void buyerConfirming(const QString& appId, const QString& outTradeNo) = 0;
    // The fault of `kind` that fires for `method`, if any (the refund_unconfirmed fault).
    virtual std::optional<FaultRule> takeFault(FaultKind kind, const QString& method) = 0;
    // The bill fault of `kind` for the bill of the China date `day`, if any (bill_not_ready).
    virtual std::optional<FaultRule> takeBillFault(FaultKind kind, const QDate& day) = 0;
    // Certificate mode: the PEM text of an Alipay certificate issued so far, by its SN.
    virtual std::optional<QByteArray> alipayCertificatePem(const QString& certSn) const = 0;
};

// One answer of /gateway.do before signing: the response key and the object's exact text.
struct AlipayAnswer {
    QString responseKey;      // "alipay_trade_pay_response" or "error_response"
    QByteArray object;        // raw JSON, Alipay's escaping
    bool signedAnswer = true; // gateway-level refusals go out without a signature
};

// Alipay's gateway: the common parameters and signature of a request, then the method.
class AlipayGateway {
public:
    explicit AlipayGateway(AlipayGatewayHost& host);

    static QStringList supportedMethods();

    // The parameters of a request: from the query string and the form body, as Alipay takes
    // them. A name given in both, or a malformed form, is refused.
    static Result<alipay::Params> readParams(const QByteArray& query, const QByteArray& contentType,
                                             const QByteArray& body);

    // The gateway's checks, in Alipay's terms: nullopt when the request may run.
    std::optional<AlipayAnswer> verify(const alipay::Params& params) const;

    // Runs a verified request.
    AlipayAnswer execute(const alipay::Params& params);

    // A gateway-level refusal (error_response, unsigned).
    static AlipayAnswer gatewayError(const char* code, const char* msg, const QString& subCode,
                                     const QString& subMsg);
    // An answer that is code 20000 or 40004 ACQ.SYSTEM_ERROR for `method`.
    static AlipayAnswer serviceUnavailable(const QString& method);
    static AlipayAnswer systemError(const QString& method, const alipay::Params& params);

private:
    AlipayAnswer precreate(const QString& appId, const alipay::Params& params,
                           const QJsonObject& biz);
    AlipayAnswer pay(const QString& appId, const alipay::Params& params, const QJsonObject& biz);
    AlipayAnswer query(const QString& appId, const QJsonObject& biz);
    AlipayAnswer cancel(const QString& appId, const QJsonObject& biz);
    AlipayAnswer close(const QString& appId, const QJsonObject& biz);
    AlipayAnswer refund(const QString& appId, const QJsonObject& biz);
    AlipayAnswer refundQuery(const QString& appId, const QJsonObject& biz);
    AlipayAnswer billUrl(const QString& appId, const QJsonObject& biz);
    AlipayAnswer certificateDownload(const QJsonObject& biz);

    AlipayGatewayHost& m_host;
    QString m_method;
};

} // namespace qpos::sandbox
