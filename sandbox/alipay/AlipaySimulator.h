#pragma once

#include "core/common/Result.h"
#include "core/crypto/RsaPrivateKey.h"
#include "sandbox/alipay/AlipayApp.h"
#include "sandbox/alipay/AlipayCertificateAuthority.h"
#include "sandbox/alipay/AlipayGateway.h"
#include "sandbox/alipay/AlipayNotifier.h"
#include "sandbox/alipay/AlipayOptions.h"
#include "sandbox/alipay/AlipayTrade.h"
#include "sandbox/alipay/AlipayTradeBook.h"
#include "sandbox/faults/ProviderFaults.h"
#include "sandbox/http/HttpExchange.h"
#include "sandbox/support/ExpirySweep.h"
#include "sandbox/support/WrongKey.h"

#include <QHash>
#include <QObject>
#include <QUrl>

#include <functional>
#include <optional>

namespace qpos::sandbox {

class FaultPlan;

// The simulated Alipay: the OpenAPI gateway (/gateway.do) with Alipay's checks, signatures
// and trade rules, the simulated buyer, asynchronous notifications with Alipay's retries,
// bill files, and the faults asked for in the FaultPlan. Lives on one thread and never blocks
// it. Trades are named by out_trade_no; when two apps use the same number, pass the app_id.
class AlipaySimulator : public QObject, private AlipayGatewayHost {
    Q_OBJECT

public:
    AlipaySimulator(crypto::RsaPrivateKey alipayKey, FaultPlan& faults, QObject* parent = nullptr);
    ~AlipaySimulator() override;

    // --- keys and apps
    // The key clients verify answers and notifications with ("alipay_public_key").
    const crypto::RsaPublicKey& alipayPublicKey() const { return m_key.publicKey(); }
    // Registers (or replaces) an app; `pid` defaults to a seller id derived from the app_id.
    Status registerApp(const QString& appId, const crypto::RsaPublicKey& publicKey,
                       const QString& pid = {});
    // Makes a key pair for a new app, registers its public half, returns the private half.
    Result<crypto::RsaPrivateKey> createApp(const QString& appId, const QString& pid = {});
    QList<AlipayApp> apps() const { return m_apps.values(); }

    // --- certificate mode (公钥证书)
    // From now on answers carry alipay_cert_sn and are signed with the current certificate's
    // key; alipay.open.app.alipaycert.download serves every certificate issued so far.
    Status enableCertificateMode();
    bool certificateMode() const { return m_authority.has_value(); }
    // The root certificate clients check renewals against, and the current certificate;
    // null outside certificate mode.
    crypto::X509Certificate rootCertificate() const;
    crypto::X509Certificate alipayCertificate() const;
    // Renews the Alipay certificate (new key, issued by the root, or with `foreignIssuer` by
    // a root nobody has); answers are signed with it from then on. Returns its SN.
    Result<QString> rotateCertificate(bool foreignIssuer = false);

    // --- behaviour
    AlipayOptions options() const { return m_options; }
    void setOptions(const AlipayOptions& options);
    void setPayBehaviour(AlipayPayBehaviour behaviour);
    // The sandbox's clock (UTC ms); tests may pin it. Defaults to the system clock.
    void setClock(std::function<qint64()> clock);
    // Where this simulator is reachable (used in bill_download_url).
    void setBaseUrl(const QUrl& baseUrl) { m_baseUrl = baseUrl; }
    QUrl gatewayUrl() const;

    // --- trades
    QList<AlipayTrade> trades(const QString& appId = {}) const;
    std::optional<AlipayTrade> trade(const QString& outTradeNo, const QString& appId = {}) const;
    // A qr_code URL as answered by precreate, or just its token.
    std::optional<AlipayTrade> tradeByQrCode(const QString& qrCode) const;
    // When each alipay.trade.refund naming `outTradeNo` arrived (sandbox clock, UTC ms), faults
    // included: Alipay asks for repeats on a trade at least 3 s apart.
    QList<qint64> refundRequestTimes(const QString& outTradeNo) const {
        return m_refundRequests.value(outTradeNo);
    }

    // --- the simulated buyer (the GUI's buttons, the control API)
    Result<AlipayTrade> buyerScan(const QString& outTradeNo, const QString& appId = {});
    // Scans first when needed; also confirms a payment code payment that waits (10003).
    Result<AlipayTrade> buyerPay(const QString& outTradeNo, const QString& appId = {});
    // The buyer gives up: the trade closes as when its time runs out.
    Result<AlipayTrade> buyerCancel(const QString& outTradeNo, const QString& appId = {});
    Result<AlipayTrade> scanQrCode(const QString& qrCode);
    Result<AlipayTrade> payQrCode(const QString& qrCode);
    // Runs the trade's timeout now.
    Result<AlipayTrade> expire(const QString& outTradeNo, const QString& appId = {});

    QList<AlipayNotificationAttempt> notifications() const { return m_notifier->history(); }
    int pendingNotifications() const { return m_notifier->pendingCount(); }

    // --- HTTP entry points (SandboxServer routes requests here)
    void handleGateway(const HttpExchange& exchange);
    void handleBillDownload(const HttpExchange& exchange);

signals:
    // After every change of a trade (created, scanned, paid, closed, refunded).
    void tradeChanged(const qpos::sandbox::AlipayTrade& trade);
    void notificationAttempted(const qpos::sandbox::AlipayNotificationAttempt& attempt);

private:
    struct BillTicket {
        QString appId;
        QString billDate;
        qint64 expiresMs = 0;
    };

    // AlipayGatewayHost
    const AlipayOptions& alipayOptions() const override { return m_options; }
    qint64 now() const override { return m_clock(); }
    const AlipayApp* findApp(const QString& appId) const override;
    AlipayTradeBook& book() override { return m_book; }
    QString issueBillUrl(const QString& appId, const QString& billDate) override;
    void buyerConfirming(const QString& appId, const QString& outTradeNo) override;
    std::optional<FaultRule> takeFault(FaultKind kind, const QString& method) override {
        return m_faults.take(kind, method);
    }
    std::optional<FaultRule> takeBillFault(FaultKind kind, const QDate& day) override {
        return m_faults.takeBill(kind, day, m_clock());
    }

    std::optional<QByteArray> alipayCertificatePem(const QString& certSn) const override;

    // The key answers and notifications are signed with now.
    const crypto::RsaPrivateKey& signingKey() const;

    Result<AlipayTrade*> resolve(const QString& outTradeNo, const QString& appId);
    Result<AlipayTrade> buyerAction(AlipayTrade* trade,
                                    Result<AlipayTrade*> (AlipayTradeBook::*action)(AlipayTrade*));
    void onTradeEvent(const AlipayTrade& trade, AlipayTradeBook::Event event,
                      const AlipayRefund* refund);
    alipay::Params notificationParams(const AlipayTrade& trade, const QString& status,
                                      const AlipayRefund* refund) const;
    alipay::Params signNotification(alipay::Params params, bool wrongKey);

    crypto::RsaPrivateKey m_key;
    std::optional<AlipayCertificateAuthority> m_authority;
    WrongKey m_wrongKey;
    ProviderFaults m_faults;
    AlipayOptions m_options;
    std::function<qint64()> m_clock;
    QHash<QString, AlipayApp> m_apps;
    AlipayTradeBook m_book;
    AlipayGateway m_gateway;
    AlipayNotifier* m_notifier;
    ExpirySweep m_expiry;
    QUrl m_baseUrl;
    QHash<QString, BillTicket> m_billTickets;
    QHash<QString, QList<qint64>> m_refundRequests; // by out_trade_no
};

} // namespace qpos::sandbox
