#pragma once

#include "core/common/Result.h"
#include "core/gateways/CircuitBreaker.h"
#include "core/gateways/HttpCallRunner.h"
#include "core/gateways/PaymentGateway.h"
#include "core/gateways/wechat/WechatCertificateRefresher.h"
#include "core/gateways/wechat/WechatClientSettings.h"
#include "core/gateways/wechat/WechatKeyring.h"
#include "core/gateways/wechat/WechatNotification.h"
#include "core/gateways/wechat/WechatReply.h"
#include "core/gateways/wechat/WechatRequestBuilder.h"
#include "core/gateways/wechat/WechatResponseReader.h"

#include <QByteArray>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>

class QJsonObject;

namespace qpos::wechat {

// The WeChat Pay APIv3 client (Native pay, code pay, query, close, reverse, refunds, the
// trade bill): implements PaymentGateway over HTTPS.
//
//  - One QNetworkAccessManager per client (one connection pool); TLS verification always on;
//    plain http only to loopback (validated settings); redirects are never followed.
//  - Every request carries a WECHATPAY2-SHA256-RSA2048 Authorization (fresh nonce and
//    timestamp per attempt). Every answer — 2xx, 204 and 4xx alike — must carry valid
//    Wechatpay-* headers from a known platform key within the allowed clock skew; otherwise
//    it is Unknown ("wechat.bad_signature" / "wechat.stale_answer"): a refusal that cannot be
//    verified is not trusted. An unsigned 401 is WeChat refusing the till's own signature
//    ("wechat.request_signature_refused", still Unknown). 5xx is Unknown whatever it says.
//  - Explicit per-request timeout (the whole exchange) and an answer size limit.
//  - Idempotent calls (query, close, reverse, refund with its stable out_refund_no, refund
//    query, bill) retry transient failures with full-jitter backoff within the policy's
//    deadline; Native create and code pay are sent once.
//  - A circuit breaker fails fast with "WeChat Pay is not reachable" after consecutive
//    transport failures, and half-opens after a cool-down.
//  - A merchant on platform certificates (settings.certificateDir set) has them downloaded
//    every 12 hours and when an answer or notification names a serial the till does not
//    have; such an answer is verified once more after the download, and stays Unknown when
//    the serial is still unknown (WechatCertificateRefresher).
//  - Requests and answers are logged at debug in category qpos.gateway.wechat without
//    secrets: no Authorization, payment code or key ever reaches the log.
class WechatClient : public QObject, public gateway::PaymentGateway {
    Q_OBJECT

public:
    // Fails when the settings do not validate (WechatClientSettings::validate()).
    static Result<std::unique_ptr<WechatClient>> create(WechatClientSettings settings,
                                                        QObject* parent = nullptr);
    ~WechatClient() override;

    Channel channel() const override { return Channel::WeChat; }

    // Native: the QR encodes code_url. time_expire is set from expiresAfterS (China time).
    void createQrOrder(const gateway::QrOrderRequest& request, QObject* context,
                       gateway::Completion<gateway::QrOrder> done) override;
    // Code pay (付款码): SUCCESS is paid; 202 / USERPAYING is in progress.
    void payByCode(const gateway::PayByCodeRequest& request, QObject* context,
                   gateway::Completion<gateway::TradeSnapshot> done) override;
    void queryTrade(const gateway::TradeRef& trade, QObject* context,
                    gateway::Completion<gateway::TradeSnapshot> done) override;
    // Queries first, then: nothing to undo (not created, already closed); a code pay trade is
    // reversed (closed if unpaid, refunded if paid); an unpaid Native order is closed; a paid
    // Native order is refunded in full with the stable out_refund_no "<out_trade_no>C", so a
    // repeated cancel never refunds twice.
    void cancelTrade(const gateway::TradeRef& trade, QObject* context,
                     gateway::Completion<gateway::CancelResult> done) override;
    void closeTrade(const gateway::TradeRef& trade, QObject* context,
                    gateway::Completion<gateway::CloseResult> done) override;
    // Needs request.tradeTotalFen (WeChat wants the trade's amount with every refund).
    void refund(const gateway::RefundRequest& request, QObject* context,
                gateway::Completion<gateway::RefundResult> done) override;
    void queryRefund(const gateway::RefundQuery& query, QObject* context,
                     gateway::Completion<gateway::RefundQueryResult> done) override;
    // The day's trade bill (WeChat has no monthly trade bill), fetched gzip-compressed and
    // checked against the SHA1 digest of the unpacked bill.
    void downloadBill(const gateway::BillRequest& request, QObject* context,
                      gateway::Completion<gateway::DownloadedBill> done) override;

    void warmUp() override;

    Result<gateway::PaymentNotification>
    verifyNotification(const gateway::IncomingNotification& notification,
                       const gateway::NotificationOrderLookup& lookup) const override;
    // A notification naming a serial the till does not have waits for a certificate download
    // and is verified once more.
    void verifyNotificationLater(
        const gateway::IncomingNotification& notification, gateway::NotificationOrderLookup lookup,
        QObject* context, std::function<void(Result<gateway::PaymentNotification>)> done) override;
    gateway::NotificationReply notificationReply(bool accepted) const override;

    // Every key the till trusts now: configured, kept from earlier downloads, downloaded.
    const WechatKeyring& keyring() const { return *m_keyring; }
    // The platform certificate downloads; null for a merchant on the public key alone.
    WechatCertificateRefresher* certificateRefresher() const { return m_certificates; }

    const gateway::CircuitBreaker& circuitBreaker() const override { return m_calls->breaker(); }
    const WechatClientSettings& settings() const { return m_settings; }

    // Requests sent but not answered yet (for tests and the doctor command).
    int requestsInFlight() const { return m_calls->inFlight(); }

    // The local UTC clock in milliseconds, for request timestamps, time_expire and the answer
    // and notification time window. Empty: the system clock. (Tests move it.)
    void setClock(std::function<qint64()> nowMs);

signals:
    void circuitStateChanged(qpos::gateway::CircuitState state);

private:
    WechatClient(WechatClientSettings settings, QObject* parent);

    struct CallSpec {
        QString name;                // for the log: "native", "query", ...
        QByteArray method;           // GET or POST
        QByteArray pathQuery;        // "/v3/...?...", percent-encoded
        QByteArray body;             // JSON; empty for GET
        QByteArray loggedBody;       // the body as it may be logged (payment code masked)
        bool retryTransient = false; // idempotent: repeat transient failures

        static CallSpec get(QString name, QByteArray pathQuery, bool retryTransient);
        // Logged as sent; a body with a secret sets loggedBody afterwards.
        static CallSpec post(QString name, QByteArray pathQuery, const QJsonObject& body,
                             bool retryTransient);
    };
    struct Cancel;

    qint64 nowMs() const;

    // WeChat's side of one call: the signed request, and every answer (2xx, 204, 4xx)
    // verified before it is read (a 5xx is an Unknown whatever it says).
    gateway::HttpCall<WechatReply> call(CallSpec spec) const;
    void run(CallSpec spec, std::function<void(const WechatReply&)> handler);

    CallSpec querySpec(const gateway::TradeRef& trade) const;
    CallSpec closeSpec(const gateway::TradeRef& trade) const;
    CallSpec reverseSpec(const gateway::TradeRef& trade) const;
    CallSpec refundSpec(const gateway::RefundRequest& request) const;

    void cancelStep(const std::shared_ptr<Cancel>& cancel);
    void finishCancel(const std::shared_ptr<Cancel>& cancel,
                      gateway::GatewayResult<gateway::CancelResult> result);

    WechatClientSettings m_settings;
    std::shared_ptr<WechatKeyring> m_keyring;
    std::function<qint64()> m_clock;
    WechatRequestBuilder m_builder;
    WechatResponseReader m_reader;
    WechatNotificationVerifier m_notifications;
    gateway::HttpCallRunner* m_calls;
    WechatCertificateRefresher* m_certificates = nullptr;
};

} // namespace qpos::wechat
