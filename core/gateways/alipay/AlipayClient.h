#pragma once

#include "core/common/Result.h"
#include "core/gateways/alipay/AlipayClientSettings.h"
#include "core/gateways/alipay/AlipayNotification.h"
#include "core/gateways/alipay/AlipayRequestBuilder.h"
#include "core/gateways/alipay/AlipayResponseReader.h"
#include "core/gateways/CircuitBreaker.h"
#include "core/gateways/HttpCallRunner.h"
#include "core/gateways/PaymentGateway.h"

#include <QJsonObject>
#include <QObject>
#include <QUrl>

#include <functional>
#include <memory>

namespace qpos::alipay {

// The Alipay OpenAPI client (当面付): implements PaymentGateway over HTTPS.
//
//  - One QNetworkAccessManager per client (one connection pool); TLS verification always on
//    (Qt's default is never weakened); plain http only to loopback (validated settings).
//  - Every request is signed (RSA2) and every answer verified over the raw `*_response` text,
//    in public-key or certificate mode; unsigned, unverifiable, truncated or foreign answers
//    are Unknown. In certificate mode an answer under an alipay_cert_sn the till does not have
//    waits while that certificate is downloaded (alipay.open.app.alipaycert.download) and
//    checked against the Alipay root certificate, then is verified with it.
//  - Explicit per-request timeout (the whole exchange, not just inactivity).
//  - Idempotent calls (query, refund query, close, cancel incl. retry_flag=Y, refund with
//    its stable out_request_no, bill) retry transient failures with full-jitter backoff
//    within the policy's deadline; precreate and pay are sent once.
//  - A circuit breaker fails fast with "Alipay is not reachable" after consecutive transport
//    failures, and half-opens after a cool-down.
//  - Requests and answers are logged at debug in category qpos.gateway.alipay, redacted
//    (no sign, keys or payment codes).
class AlipayClient : public QObject, public gateway::PaymentGateway {
    Q_OBJECT

public:
    // Fails when the settings do not validate (AlipayClientSettings::validate()).
    static Result<std::unique_ptr<AlipayClient>> create(AlipayClientSettings settings,
                                                        QObject* parent = nullptr);
    ~AlipayClient() override;

    Channel channel() const override { return Channel::Alipay; }

    void createQrOrder(const gateway::QrOrderRequest& request, QObject* context,
                       gateway::Completion<gateway::QrOrder> done) override;
    void payByCode(const gateway::PayByCodeRequest& request, QObject* context,
                   gateway::Completion<gateway::TradeSnapshot> done) override;
    void queryTrade(const gateway::TradeRef& trade, QObject* context,
                    gateway::Completion<gateway::TradeSnapshot> done) override;
    void cancelTrade(const gateway::TradeRef& trade, QObject* context,
                     gateway::Completion<gateway::CancelResult> done) override;
    void closeTrade(const gateway::TradeRef& trade, QObject* context,
                    gateway::Completion<gateway::CloseResult> done) override;
    void refund(const gateway::RefundRequest& request, QObject* context,
                gateway::Completion<gateway::RefundResult> done) override;
    void queryRefund(const gateway::RefundQuery& query, QObject* context,
                     gateway::Completion<gateway::RefundQueryResult> done) override;
    void downloadBill(const gateway::BillRequest& request, QObject* context,
                      gateway::Completion<gateway::DownloadedBill> done) override;

    void warmUp() override;

    Result<gateway::PaymentNotification>
    verifyNotification(const gateway::IncomingNotification& notification,
                       const gateway::NotificationOrderLookup& lookup) const override;
    gateway::NotificationReply notificationReply(bool accepted) const override;

    const gateway::CircuitBreaker& circuitBreaker() const override { return m_calls->breaker(); }
    const AlipayClientSettings& settings() const { return m_settings; }

    // Requests sent but not answered yet (for tests and the doctor command).
    int requestsInFlight() const { return m_calls->inFlight(); }

signals:
    void circuitStateChanged(qpos::gateway::CircuitState state);

private:
    AlipayClient(AlipayClientSettings settings, QObject* parent);

    struct CallSpec {
        QString method;
        QJsonObject biz;
        bool retryTransient = false; // idempotent: repeat transient failures
        bool withNotifyUrl = false;
    };

    // Alipay's side of one call: the signed form, and the answer verified over the raw
    // `*_response` text (a non-2xx status is an Unknown without reading it).
    gateway::HttpCall<AlipayReply> call(CallSpec spec) const;

    // Runs a call and delivers `parse(reply)` to `context`, first fetching the certificate an
    // answer names when the till does not have it.
    template <typename T, typename Parse>
    void runCall(CallSpec spec, QObject* context, gateway::Completion<T> done, Parse parse);
    // Downloads Alipay's certificate `certSn`, checks it and trusts it; `done` gets the verdict.
    void fetchCertificate(const QString& certSn, std::function<void(Status)> done);
    Status adoptDownloaded(const QString& certSn, const AlipayReply& reply);

    AlipayClientSettings m_settings;
    std::shared_ptr<AlipayCertificates> m_certificates; // null in public-key mode
    AlipayRequestBuilder m_builder;
    AlipayResponseReader m_reader;
    AlipayNotificationVerifier m_notifications;
    gateway::HttpCallRunner* m_calls;
};

} // namespace qpos::alipay
