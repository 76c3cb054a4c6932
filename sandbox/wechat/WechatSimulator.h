#pragma once

#include "core/common/Result.h"
#include "core/crypto/RsaPrivateKey.h"
#include "core/crypto/X509Certificate.h"
#include "sandbox/faults/ProviderFaults.h"
#include "sandbox/http/HttpExchange.h"
#include "sandbox/support/ExpirySweep.h"
#include "sandbox/support/WrongKey.h"
#include "sandbox/wechat/WechatApi.h"
#include "sandbox/wechat/WechatMerchant.h"
#include "sandbox/wechat/WechatNotifier.h"
#include "sandbox/wechat/WechatOptions.h"
#include "sandbox/wechat/WechatTrade.h"
#include "sandbox/wechat/WechatTradeBook.h"

#include <QHash>
#include <QObject>
#include <QUrl>

#include <functional>
#include <optional>

namespace qpos::sandbox {

class FaultPlan;

// The simulated WeChat Pay (APIv3): the merchant endpoints under /v3 with WeChat's
// Authorization check, signed answers and trade rules, the simulated buyer, encrypted and
// signed notifications with WeChat's retries, trade bills, and the faults asked for in the
// FaultPlan (provider "wechat"). Lives on one thread and never blocks it. Trades are named by
// out_trade_no; when two merchants use the same number, pass the mchid.
class WechatSimulator : public QObject, private WechatApiHost {
    Q_OBJECT

public:
    WechatSimulator(crypto::RsaPrivateKey platformKey, FaultPlan& faults,
                    QObject* parent = nullptr);
    ~WechatSimulator() override;

    // --- keys and merchants
    // The WeChat Pay public key clients verify answers and notifications with, and its id
    // ("PUB_KEY_ID_" + 28 digits, derived from the key so it stays with a kept key).
    const crypto::RsaPublicKey& platformPublicKey() const { return m_key.publicKey(); }
    QString platformKeyId() const { return m_keyId; }
    static QString publicKeyIdOf(const crypto::RsaPublicKey& key);
    // A certificate-serial-like id of a merchant key (40 hex digits, derived from the key).
    static QString serialOf(const crypto::RsaPublicKey& key);

    // --- platform certificates
    // Gives WeChat Pay a platform certificate beside its public key, as for a merchant in the
    // middle of the move: each answer is signed with the key its request's Wechatpay-Serial
    // names (the newest platform certificate when it names none, or one unknown),
    // notifications with either key in turn.
    Status enableMigrationMode();
    bool migrationMode() const { return !m_certificates.isEmpty() && !m_certificateMode; }
    // A merchant still on platform certificates alone: every answer and notification is signed
    // with the newest platform certificate, never with the public key.
    Status enableCertificateMode();
    bool certificateMode() const { return m_certificateMode; }
    // WeChat Pay renews its platform certificate: a new key and serial sign every answer and
    // notification from now on; the old certificate is still listed by GET /v3/certificates
    // while it is valid. Turns certificate mode on when neither mode is on.
    Result<crypto::X509Certificate> rotatePlatformCertificate();
    // The newest platform certificate (null when there is none).
    crypto::X509Certificate platformCertificate() const;
    // Every platform certificate still valid, oldest first: what GET /v3/certificates lists.
    QList<crypto::X509Certificate> platformCertificates() const override;
    // The Wechatpay-Serial of the last API request (empty: it sent none).
    QByteArray lastRequestedSerial() const { return m_lastRequestedSerial; }

    // Registers (or replaces) a merchant. Needs mchid, appid, public key, serial and a
    // 32-byte APIv3 key.
    Status registerMerchant(const WechatMerchant& merchant);
    // Makes a key pair and an APIv3 key for a new merchant and registers it.
    Result<WechatMerchantCredentials> createMerchant(const QString& mchId, const QString& appId,
                                                     const QString& notifyUrl = {});
    Status setNotifyUrl(const QString& mchId, const QString& notifyUrl);
    QList<WechatMerchant> merchants() const { return m_merchants.values(); }
    std::optional<WechatMerchant> merchant(const QString& mchId) const;

    // --- behaviour
    WechatOptions options() const { return m_options; }
    void setOptions(const WechatOptions& options);
    void setPayBehaviour(WechatPayBehaviour behaviour);
    // The business clock (UTC ms) of trades, expiry and bills; tests may pin it. Signatures
    // always use the real clock, as clients do.
    void setClock(std::function<qint64()> clock);
    void setBaseUrl(const QUrl& baseUrl) { m_baseUrl = baseUrl; }
    QUrl baseUrl() const { return m_baseUrl; }

    // --- trades
    QList<WechatTrade> trades(const QString& mchId = {}) const;
    std::optional<WechatTrade> trade(const QString& outTradeNo, const QString& mchId = {}) const;
    // A code_url as answered by the Native call, or just its pr token.
    std::optional<WechatTrade> tradeByCodeUrl(const QString& codeUrl) const;

    // --- the simulated buyer (the GUI's buttons, the control API)
    // Pays a Native order, or confirms a code payment waiting for the password (USERPAYING).
    Result<WechatTrade> buyerPay(const QString& outTradeNo, const QString& mchId = {});
    // Gives up: a Native order closes (as when its time runs out), a code payment fails.
    Result<WechatTrade> buyerCancel(const QString& outTradeNo, const QString& mchId = {});
    Result<WechatTrade> payCodeUrl(const QString& codeUrl);
    Result<WechatTrade> cancelCodeUrl(const QString& codeUrl);
    // Runs the order's time_expire now.
    Result<WechatTrade> expire(const QString& outTradeNo, const QString& mchId = {});
    // The merchant resolves an ABNORMAL refund on the merchant platform: SUCCESS or CLOSED.
    bool resolveRefund(const QString& mchId, const QString& outRefundNo, WechatRefundStatus to);

    QList<WechatNotificationAttempt> notifications() const { return m_notifier->history(); }
    int pendingNotifications() const { return m_notifier->pendingCount(); }

    // --- HTTP entry point: every path under /v3 (SandboxServer routes them here)
    void handleApi(const HttpExchange& exchange);

signals:
    // After every change of a trade (created, paid, closed, refunded).
    void tradeChanged(const qpos::sandbox::WechatTrade& trade);
    void notificationAttempted(const qpos::sandbox::WechatNotificationAttempt& attempt);

private:
    struct BillTicket {
        QString mchId;
        QByteArray content; // the bill itself, which hash_value digests
        bool gzip = false;  // served gzip-compressed (tar_type=GZIP)
        qint64 expiresMs = 0;
        bool truncated = false; // bill_truncated: served cut short
    };

    // WechatApiHost
    const WechatOptions& wechatOptions() const override { return m_options; }
    qint64 now() const override { return m_clock(); }
    const WechatMerchant* findMerchant(const QString& mchId) const override;
    WechatTradeBook& book() override { return m_book; }
    Result<QJsonObject> issueBill(const QString& mchId, QDate day, const QString& billType,
                                  bool gzip) override;
    void buyerConfirming(const QString& mchId, const QString& outTradeNo,
                         WechatPayBehaviour behaviour) override;
    void refundProcessing(const QString& mchId, const QString& outRefundNo) override;

    Result<WechatTrade*> resolve(const QString& outTradeNo, const QString& mchId);
    Result<WechatTrade*> resolveCodeUrl(const QString& codeUrl);
    Result<WechatTrade> buyerAction(Result<WechatTrade*> trade,
                                    Result<WechatTrade*> (WechatTradeBook::*action)(WechatTrade*));
    void onTradeEvent(const WechatTrade& trade, WechatTradeBook::Event event,
                      const WechatRefund* refund);
    QString notifyUrlFor(const WechatTrade& trade, const WechatRefund* refund) const;
    std::optional<WechatNotifier::Notification>
    makeNotification(const WechatTrade& trade, const WechatRefund* refund, const QString& url,
                     const QString& variant, bool wrongKey, bool stale);
    // The Wechatpay-* headers of `body`, signed with the key `requestedSerial` names (see
    // enableMigrationMode()); no `requestedSerial`: a notification.
    WechatNotifier::Headers signHeaders(const QByteArray& body, bool wrongKey, bool stale,
                                        const QByteArray* requestedSerial = nullptr);
    void answer(const HttpExchange& exchange, const QString& method, const WechatAnswer& answer,
                int latencyMs);
    void serveBill(const HttpExchange& exchange, const QString& mchId, int latencyMs);

    crypto::RsaPrivateKey m_key;
    QString m_keyId;
    struct PlatformCertificate {
        crypto::X509Certificate certificate;
        crypto::RsaPrivateKey key;
    };
    // Issues a new platform certificate and makes it the one that signs.
    Status issuePlatformCertificate();

    QList<PlatformCertificate> m_certificates; // oldest first; the last signs
    bool m_certificateMode = false;
    QByteArray m_lastRequestedSerial;
    int m_notificationsSigned = 0;
    WrongKey m_wrongKey;
    ProviderFaults m_faults;
    WechatOptions m_options;
    std::function<qint64()> m_clock;
    QHash<QString, WechatMerchant> m_merchants;
    WechatTradeBook m_book;
    WechatApi m_api;
    WechatNotifier* m_notifier;
    ExpirySweep m_expiry;
    QUrl m_baseUrl;
    QHash<QString, BillTicket> m_billTickets;
};

} // namespace qpos::sandbox
