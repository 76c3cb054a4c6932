#include "sandbox/wechat/WechatSimulator.h"

#include "core/crypto/CertificateIssuer.h"

#include "core/crypto/SecureRandom.h"
#include "core/gateways/wechat/WechatNotification.h"
#include "core/gateways/wechat/WechatSignature.h"
#include "core/logging/LogCategories.h"
#include "sandbox/bill/BillFaults.h"
#include "sandbox/bill/WechatBill.h"
#include "sandbox/faults/FaultPlan.h"
#include "sandbox/wechat/WechatJson.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonDocument>
#include <QUrlQuery>
#include <QUuid>

#include <algorithm>

namespace qpos::sandbox {

namespace {

const QString kBillMethod = QStringLiteral("bill.download");
const QString kTransactionSuccess = QStringLiteral("TRANSACTION.SUCCESS");
// How old a stale_timestamp answer claims to be.
constexpr qint64 kStaleSeconds = 600;

// A notification's event_type and summary: a payment, or how a refund ended (WeChat Pay's
// 退款结果通知 sends REFUND.SUCCESS, REFUND.ABNORMAL and REFUND.CLOSED).
struct EventText {
    QString type;
    QString summary;
};

EventText eventTextOf(const WechatRefund* refund) {
    if (!refund)
        return {kTransactionSuccess, QStringLiteral("支付成功")};
    switch (refund->status) {
    case WechatRefundStatus::Abnormal:
        return {QStringLiteral("REFUND.ABNORMAL"), QStringLiteral("退款异常")};
    case WechatRefundStatus::Closed:
        return {QStringLiteral("REFUND.CLOSED"), QStringLiteral("退款关闭")};
    case WechatRefundStatus::Success:
    case WechatRefundStatus::Processing:
        break;
    }
    return {QStringLiteral("REFUND.SUCCESS"), QStringLiteral("退款成功")};
}

Error controlError(const QString& code, const QString& message) {
    return Error{code, message};
}

QString digitsOf(const QByteArray& hex, int count) {
    QString out;
    for (char c : hex) {
        const int v = QByteArray(1, c).toInt(nullptr, 16);
        out += QChar(u'0' + v % 10);
        if (out.size() == count)
            break;
    }
    return out;
}

} // namespace

WechatSimulator::WechatSimulator(crypto::RsaPrivateKey platformKey, FaultPlan& faults,
                                 QObject* parent)
    : QObject(parent)
    , m_key(std::move(platformKey))
    , m_keyId(publicKeyIdOf(m_key.publicKey()))
    , m_faults(faults, QStringLiteral("wechat"))
    , m_clock([] { return QDateTime::currentMSecsSinceEpoch(); })
    , m_book([this] { return m_clock(); })
    , m_api(*this)
    , m_notifier(new WechatNotifier(this))
    , m_expiry([this] {
        m_book.expireDue();
        return m_book.hasOpenTrades();
    }) {
    qRegisterMetaType<WechatTrade>();
    qRegisterMetaType<WechatNotificationAttempt>();
    m_book.setListener([this](const WechatTrade& trade, WechatTradeBook::Event event,
                              const WechatRefund* refund) { onTradeEvent(trade, event, refund); });
    connect(m_notifier, &WechatNotifier::attempted, this, &WechatSimulator::notificationAttempted);
    setOptions(m_options);
}

WechatSimulator::~WechatSimulator() = default;

Status WechatSimulator::issuePlatformCertificate() {
    Result<crypto::RsaPrivateKey> key = crypto::RsaPrivateKey::generate();
    if (!key)
        return key.error();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    // As with WeChat Pay's own renewals, a new certificate outlives the one it replaces, even
    // when both are issued within the same second.
    QDateTime notAfter = now.addYears(5);
    for (const PlatformCertificate& held : m_certificates)
        notAfter = std::max(notAfter, held.certificate.notAfter().addDays(1));
    Result<crypto::X509Certificate> certificate = crypto::issueCertificate(
        key->publicKey(),
        crypto::CertificateSubject{QStringLiteral("Tenpay.com sandbox platform"),
                                   QStringLiteral("Tenpay.com"), QStringLiteral("qpos Sandbox"),
                                   QStringLiteral("CN")},
        crypto::CertificateTerms{serialOf(key->publicKey()), now.addDays(-1), notAfter, false},
        crypto::X509Certificate(), *key);
    if (!certificate)
        return certificate.error();
    m_certificates.append(PlatformCertificate{*certificate, *key});
    return Status::success();
}

Status WechatSimulator::enableMigrationMode() {
    m_certificateMode = false;
    if (!m_certificates.isEmpty())
        return Status::success();
    return issuePlatformCertificate();
}

Status WechatSimulator::enableCertificateMode() {
    m_certificateMode = true;
    if (!m_certificates.isEmpty())
        return Status::success();
    return issuePlatformCertificate();
}

Result<crypto::X509Certificate> WechatSimulator::rotatePlatformCertificate() {
    if (m_certificates.isEmpty())
        m_certificateMode = true;
    if (Status issued = issuePlatformCertificate(); !issued)
        return issued.error();
    return m_certificates.constLast().certificate;
}

crypto::X509Certificate WechatSimulator::platformCertificate() const {
    return m_certificates.isEmpty() ? crypto::X509Certificate()
                                    : m_certificates.constLast().certificate;
}

QList<crypto::X509Certificate> WechatSimulator::platformCertificates() const {
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<crypto::X509Certificate> out;
    for (const PlatformCertificate& c : m_certificates) {
        if (c.certificate.notBefore() <= now && now <= c.certificate.notAfter())
            out.append(c.certificate);
    }
    return out;
}

QString WechatSimulator::publicKeyIdOf(const crypto::RsaPublicKey& key) {
    const QByteArray hash = QCryptographicHash::hash(key.toDer(), QCryptographicHash::Sha256);
    return QStringLiteral("PUB_KEY_ID_") + digitsOf(hash.toHex(), 28);
}

QString WechatSimulator::serialOf(const crypto::RsaPublicKey& key) {
    return QString::fromLatin1(
        QCryptographicHash::hash(key.toDer(), QCryptographicHash::Sha1).toHex().toUpper());
}

Status WechatSimulator::registerMerchant(const WechatMerchant& merchant) {
    static const QRegularExpression mchShape(QStringLiteral("^[0-9]{8,32}$"));
    if (!mchShape.match(merchant.mchId).hasMatch() || merchant.appId.isEmpty() ||
        merchant.appId.size() > 32 || merchant.publicKey.isNull() || merchant.serialNo.isEmpty() ||
        merchant.apiV3Key.size() != 32)
        return controlError(QStringLiteral("sandbox.invalid_merchant"),
                            tr("A WeChat merchant needs a mchid of 8 to 32 digits, an appid, an "
                               "RSA public key, its serial number and a 32-character APIv3 "
                               "key."));
    if (!merchant.notifyUrl.isEmpty() && !QUrl(merchant.notifyUrl).isValid())
        return controlError(QStringLiteral("sandbox.invalid_merchant"),
                            tr("The notify URL is not a valid URL."));
    m_merchants.insert(merchant.mchId, merchant);
    qCInfo(lcSandbox).noquote() << "wechat merchant registered:" << merchant.mchId << "appid"
                                << merchant.appId;
    return Status::success();
}

Result<WechatMerchantCredentials> WechatSimulator::createMerchant(const QString& mchId,
                                                                  const QString& appId,
                                                                  const QString& notifyUrl) {
    Result<crypto::RsaPrivateKey> key = crypto::RsaPrivateKey::generate();
    if (!key)
        return key.error();
    Result<QString> apiV3Key = crypto::randomAlphanumeric(32);
    if (!apiV3Key)
        return apiV3Key.error();
    WechatMerchant m{
        mchId,    appId, key->publicKey(), serialOf(key->publicKey()), apiV3Key->toLatin1(),
        notifyUrl};
    if (Status s = registerMerchant(m); !s)
        return s.error();
    return WechatMerchantCredentials{mchId, appId, *key, m.serialNo, m.apiV3Key};
}

Status WechatSimulator::setNotifyUrl(const QString& mchId, const QString& notifyUrl) {
    auto it = m_merchants.find(mchId);
    if (it == m_merchants.end())
        return controlError(QStringLiteral("sandbox.not_found"),
                            tr("No WeChat merchant %1.").arg(mchId));
    it->notifyUrl = notifyUrl;
    return Status::success();
}

std::optional<WechatMerchant> WechatSimulator::merchant(const QString& mchId) const {
    const WechatMerchant* m = findMerchant(mchId);
    return m ? std::optional<WechatMerchant>(*m) : std::nullopt;
}

const WechatMerchant* WechatSimulator::findMerchant(const QString& mchId) const {
    auto it = m_merchants.find(mchId);
    return it == m_merchants.end() ? nullptr : &it.value();
}

void WechatSimulator::setOptions(const WechatOptions& options) {
    m_options = options;
    m_notifier->setScale(options.notifyScale);
    m_notifier->setTimeoutMs(options.notifyTimeoutMs);
}

void WechatSimulator::setPayBehaviour(WechatPayBehaviour behaviour) {
    m_options.payBehaviour = behaviour;
}

void WechatSimulator::setClock(std::function<qint64()> clock) {
    m_clock = std::move(clock);
}

QList<WechatTrade> WechatSimulator::trades(const QString& mchId) const {
    return m_book.trades(mchId);
}

std::optional<WechatTrade> WechatSimulator::trade(const QString& outTradeNo,
                                                  const QString& mchId) const {
    for (const WechatTrade& t : m_book.trades(mchId)) {
        if (t.outTradeNo == outTradeNo)
            return t;
    }
    return std::nullopt;
}

std::optional<WechatTrade> WechatSimulator::tradeByCodeUrl(const QString& codeUrl) const {
    const QString token = codeUrl.section(u'=', -1);
    for (const WechatTrade& t : m_book.trades()) {
        if (!t.codeToken.isEmpty() && t.codeToken == token)
            return t;
    }
    return std::nullopt;
}

Result<WechatTrade*> WechatSimulator::resolve(const QString& outTradeNo, const QString& mchId) {
    m_book.expireDue();
    QList<WechatTrade*> found = m_book.findAll(outTradeNo);
    if (!mchId.isEmpty())
        found.removeIf([&](const WechatTrade* t) { return t->mchId != mchId; });
    if (found.isEmpty())
        return controlError(QStringLiteral("sandbox.not_found"),
                            tr("No WeChat Pay order %1.").arg(outTradeNo));
    if (found.size() > 1)
        return controlError(
            QStringLiteral("sandbox.ambiguous"),
            tr("Several merchants have an order %1; name the mchid.").arg(outTradeNo));
    return found.first();
}

Result<WechatTrade*> WechatSimulator::resolveCodeUrl(const QString& codeUrl) {
    m_book.expireDue();
    WechatTrade* t = m_book.findByCodeToken(codeUrl.section(u'=', -1));
    if (!t)
        return controlError(QStringLiteral("sandbox.not_found"),
                            tr("No WeChat Pay order has that code_url."));
    return t;
}

Result<WechatTrade>
WechatSimulator::buyerAction(Result<WechatTrade*> trade,
                             Result<WechatTrade*> (WechatTradeBook::*action)(WechatTrade*)) {
    if (!trade)
        return trade.error();
    Result<WechatTrade*> r = (m_book.*action)(*trade);
    if (!r)
        return r.error();
    return **r;
}

Result<WechatTrade> WechatSimulator::buyerPay(const QString& outTradeNo, const QString& mchId) {
    return buyerAction(resolve(outTradeNo, mchId), &WechatTradeBook::pay);
}

Result<WechatTrade> WechatSimulator::buyerCancel(const QString& outTradeNo, const QString& mchId) {
    return buyerAction(resolve(outTradeNo, mchId), &WechatTradeBook::buyerCancel);
}

Result<WechatTrade> WechatSimulator::payCodeUrl(const QString& codeUrl) {
    return buyerAction(resolveCodeUrl(codeUrl), &WechatTradeBook::pay);
}

Result<WechatTrade> WechatSimulator::cancelCodeUrl(const QString& codeUrl) {
    return buyerAction(resolveCodeUrl(codeUrl), &WechatTradeBook::buyerCancel);
}

Result<WechatTrade> WechatSimulator::expire(const QString& outTradeNo, const QString& mchId) {
    return buyerAction(resolve(outTradeNo, mchId), &WechatTradeBook::expire);
}

void WechatSimulator::buyerConfirming(const QString& mchId, const QString& outTradeNo,
                                      WechatPayBehaviour behaviour) {
    if (behaviour != WechatPayBehaviour::ConfirmThenPay &&
        behaviour != WechatPayBehaviour::ConfirmThenClose)
        return;
    QTimer::singleShot(m_options.confirmDelayMs, this, [this, mchId, outTradeNo, behaviour] {
        WechatTrade* t = m_book.find(mchId, outTradeNo);
        if (!t || t->state != WechatTradeState::UserPaying)
            return;
        if (behaviour == WechatPayBehaviour::ConfirmThenPay)
            (void)m_book.pay(t);
        else
            (void)m_book.decline(t, QStringLiteral("用户取消支付"));
    });
}

bool WechatSimulator::resolveRefund(const QString& mchId, const QString& outRefundNo,
                                    WechatRefundStatus to) {
    if (to != WechatRefundStatus::Success && to != WechatRefundStatus::Closed)
        return false;
    return m_book.finishRefund(mchId, outRefundNo, to);
}

void WechatSimulator::refundProcessing(const QString& mchId, const QString& outRefundNo) {
    const WechatRefundStatus end =
        wechatRefundStatusFromName(m_options.refundOutcome).value_or(WechatRefundStatus::Success);
    QTimer::singleShot(m_options.refundProcessingMs, this, [this, mchId, outRefundNo, end] {
        m_book.finishRefund(mchId, outRefundNo, end);
    });
}

Result<QJsonObject> WechatSimulator::issueBill(const QString& mchId, QDate day,
                                               const QString& billType, bool gzip) {
    const wechat_bill::BillType type = billType == u"SUCCESS"  ? wechat_bill::BillType::Success
                                       : billType == u"REFUND" ? wechat_bill::BillType::Refund
                                                               : wechat_bill::BillType::All;
    // WeChat makes a day's bills the next morning; until then it answers STATEMENT_CREATING
    // (retry), never NO_STATEMENT_EXIST (no trades: stop).
    if (m_faults.takeBill(FaultKind::BillNotReady, day, m_clock()))
        return Error{QStringLiteral("STATEMENT_CREATING"), QStringLiteral("账单生成中")};
    const BillFaults faults = BillFaults::take(m_faults, day, m_clock());
    const WechatMerchant* merchant = findMerchant(mchId);
    const wechat_bill::Bill bill = wechat_bill::build(
        day, type,
        faults.applyTo(m_book.trades(mchId), mchId, merchant ? merchant->appId : QString()));
    if (bill.rows == 0)
        return Error{QStringLiteral("NO_STATEMENT_EXIST"), QStringLiteral("请求的账单文件不存在")};
    const QByteArray content = bill.csv.toUtf8();
    for (auto it = m_billTickets.begin(); it != m_billTickets.end();)
        it = it->expiresMs < m_clock() ? m_billTickets.erase(it) : std::next(it);
    Result<QString> token = crypto::randomAlphanumeric(32);
    if (!token)
        return Error{QStringLiteral("SYSTEM_ERROR"), token.error().message};
    m_billTickets.insert(*token, BillTicket{mchId, content, gzip,
                                            m_clock() + m_options.billUrlTtlMs, faults.truncated});
    QUrl url = m_baseUrl;
    url.setPath(QStringLiteral("/v3/billdownload/file"));
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("token"), *token);
    url.setQuery(q);
    // The digest is of the bill itself, never of its gzip form (wechatpay-java
    // QueryBillEntity: "原始账单（gzip需要解压缩）的摘要值").
    return QJsonObject{
        {QStringLiteral("download_url"), url.toString()},
        {QStringLiteral("hash_type"), QStringLiteral("SHA1")},
        {QStringLiteral("hash_value"),
         QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha1).toHex())},
    };
}

void WechatSimulator::onTradeEvent(const WechatTrade& trade, WechatTradeBook::Event event,
                                   const WechatRefund* refund) {
    m_expiry.tradeChanged(trade.isOpen());
    emit tradeChanged(trade);
    if (event != WechatTradeBook::Event::Paid && event != WechatTradeBook::Event::RefundSucceeded &&
        event != WechatTradeBook::Event::RefundAbnormal &&
        event != WechatTradeBook::Event::RefundClosed)
        return;
    const QString url = notifyUrlFor(trade, refund);
    if (url.isEmpty())
        return;
    const QString eventType = eventTextOf(refund).type;
    const bool badKey = m_faults.fires(FaultKind::NotifyBadSignature, eventType);
    const bool stale = m_faults.fires(FaultKind::NotifyStaleTimestamp, eventType);
    std::optional<WechatNotifier::Notification> n =
        makeNotification(trade, refund, url,
                         badKey  ? QStringLiteral("bad_signature")
                         : stale ? QStringLiteral("stale_timestamp")
                                 : QString(),
                         badKey, stale);
    if (!n)
        return;
    QList<WechatNotifier::Notification> followUps;
    if (m_faults.take(FaultKind::NotifyDuplicate, eventType)) {
        WechatNotifier::Notification copy = *n;
        copy.variant = QStringLiteral("duplicate");
        followUps.append(copy);
    }
    if (refund && m_faults.take(FaultKind::NotifyOutOfOrder, eventType)) {
        // The payment's notification, held up somewhere, arriving after the refund's.
        WechatTrade before = trade;
        before.state = WechatTradeState::Success;
        before.stateDesc.clear();
        before.refunds.clear();
        before.refunded = 0;
        if (auto stalePayment =
                makeNotification(before, nullptr, url, QStringLiteral("stale"), false, false))
            followUps.append(*stalePayment);
    }
    m_notifier->send(*n, followUps);
}

QString WechatSimulator::notifyUrlFor(const WechatTrade& trade, const WechatRefund* refund) const {
    const WechatMerchant* m = findMerchant(trade.mchId);
    if (m && !m->notifyUrl.isEmpty())
        return m->notifyUrl;
    if (!m_options.notifyRequestUrl)
        return {};
    if (refund && !refund->notifyUrl.isEmpty())
        return refund->notifyUrl;
    return trade.notifyUrl;
}

std::optional<WechatNotifier::Notification>
WechatSimulator::makeNotification(const WechatTrade& trade, const WechatRefund* refund,
                                  const QString& url, const QString& variant, bool wrongKey,
                                  bool stale) {
    const WechatMerchant* m = findMerchant(trade.mchId);
    Result<QString> nonce = crypto::randomAlphanumeric(12);
    if (!m || !nonce)
        return std::nullopt;
    const QByteArray associated = refund ? "refund" : "transaction";
    const QByteArray plaintext = wechat_json::compact(
        refund ? wechat_json::refundNotification(trade, *refund) : wechat_json::transaction(trade));
    Result<QJsonObject> resource =
        wechat::encryptNotificationResource(m->apiV3Key, nonce->toLatin1(), associated, plaintext);
    if (!resource) {
        qCWarning(lcSandbox).noquote()
            << "wechat notification not encrypted:" << resource.error().message;
        return std::nullopt;
    }
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const EventText event = eventTextOf(refund);
    const QJsonObject envelope{
        {QStringLiteral("id"), id},
        {QStringLiteral("create_time"), wechat_json::time(m_clock())},
        {QStringLiteral("resource_type"), QStringLiteral("encrypt-resource")},
        {QStringLiteral("event_type"), event.type},
        {QStringLiteral("summary"), event.summary},
        {QStringLiteral("resource"), *resource},
    };
    WechatNotifier::Notification n;
    n.url = url;
    n.body = wechat_json::compact(envelope);
    n.id = id;
    n.mchId = trade.mchId;
    n.outTradeNo = trade.outTradeNo;
    n.outRefundNo = refund ? refund->outRefundNo : QString();
    n.eventType = event.type;
    n.variant = variant;
    n.sign = [this, wrongKey, stale](const QByteArray& body) {
        return signHeaders(body, wrongKey, stale);
    };
    return n;
}

WechatNotifier::Headers WechatSimulator::signHeaders(const QByteArray& body, bool wrong, bool stale,
                                                     const QByteArray* requestedSerial) {
    const qint64 seconds = QDateTime::currentSecsSinceEpoch() - (stale ? kStaleSeconds : 0);
    const QByteArray timestamp = QByteArray::number(seconds);
    Result<QString> nonceText = crypto::randomAlphanumeric(32);
    const QByteArray nonce = nonceText ? nonceText->toLatin1() : QByteArray("0");
    bool byPublicKey = !m_certificateMode;
    if (migrationMode()) {
        // Answers: the key the request names, the newest certificate by default.
        // Notifications: either key, in turn.
        byPublicKey = requestedSerial == nullptr ? (m_notificationsSigned++ % 2 == 0)
                                                 : *requestedSerial == m_keyId.toLatin1();
    }
    static const PlatformCertificate kNone;
    const PlatformCertificate& certificate =
        m_certificates.isEmpty() ? kNone : m_certificates.constLast();
    const crypto::RsaPrivateKey& signer = byPublicKey ? m_key : certificate.key;
    const QByteArray serial =
        byPublicKey ? m_keyId.toLatin1() : certificate.certificate.serialHex().toLatin1();
    const crypto::RsaPrivateKey& key = wrong ? m_wrongKey.get(signer) : signer;
    Result<QByteArray> signature =
        key.signBase64(wechat::answerSignMessage(timestamp, nonce, body));
    return {{"Wechatpay-Timestamp", timestamp},
            {"Wechatpay-Nonce", nonce},
            {"Wechatpay-Signature", signature ? *signature : QByteArray()},
            {"Wechatpay-Serial", serial}};
}

void WechatSimulator::handleApi(const HttpExchange& exchange) {
    const HttpExchange::Request& req = exchange.request();
    const QString method = WechatApi::methodName(req.method, req.url.path());

    // Faults of the network and the front end come before WeChat looks at the request.
    const std::optional<int> admitted = m_faults.admit(exchange, method);
    if (!admitted)
        return;
    const int latencyMs = *admitted;

    if (method.isEmpty())
        return answer(exchange, method,
                      WechatApi::error(QStringLiteral("NOT_FOUND"),
                                       QStringLiteral("请求的接口 %1 %2 不存在")
                                           .arg(QString::fromLatin1(req.method), req.url.path())),
                      latencyMs);
    QString mchId;
    if (std::optional<WechatAnswer> refused = m_api.authenticate(req, &mchId)) {
        // WeChat signs only answers to requests it could verify: this refusal goes unsigned.
        Result<QString> requestId = crypto::randomAlphanumeric(24);
        const WechatAnswer unsignedAnswer = *refused;
        return ProviderFaults::answer(
            this, exchange, latencyMs, false,
            [exchange, unsignedAnswer, id = requestId ? requestId->toLatin1() : QByteArray()] {
                exchange.reply(unsignedAnswer.status, "application/json", unsignedAnswer.body,
                               {{"Request-ID", id}});
            });
    }

    const ProviderFaults::ServerError serverError = m_faults.serverError(method);
    if (method == kBillMethod && !serverError.unavailable && !serverError.systemError)
        return serveBill(exchange, mchId, latencyMs);
    WechatAnswer result;
    if (serverError.run() && method != kBillMethod)
        result = m_api.execute(method, mchId, req);
    if (serverError.unavailable)
        result = WechatAnswer{503, wechat_json::error(QStringLiteral("SYSTEM_ERROR"),
                                                      QStringLiteral("系统繁忙，请稍后重试"))};
    else if (serverError.systemError)
        result = WechatAnswer{
            500, wechat_json::error(QStringLiteral("SYSTEM_ERROR"), QStringLiteral("系统错误"))};
    answer(exchange, method, result, latencyMs);
}

void WechatSimulator::answer(const HttpExchange& exchange, const QString& method,
                             const WechatAnswer& result, int latencyMs) {
    const bool badSignature = m_faults.fires(FaultKind::BadSignature, method);
    const bool stale = m_faults.fires(FaultKind::StaleTimestamp, method);
    const bool drop = m_faults.fires(FaultKind::DropAfterCommit, method);
    m_lastRequestedSerial = exchange.header("Wechatpay-Serial");
    WechatNotifier::Headers headers =
        signHeaders(result.body, badSignature, stale, &m_lastRequestedSerial);
    Result<QString> requestId = crypto::randomAlphanumeric(24);
    headers.append({"Request-ID", requestId ? requestId->toLatin1() : QByteArray()});
    ProviderFaults::answer(this, exchange, latencyMs, drop, [exchange, result, headers] {
        exchange.reply(result.status, "application/json", result.body, headers);
    });
}

void WechatSimulator::serveBill(const HttpExchange& exchange, const QString& mchId, int latencyMs) {
    const QString token = QUrlQuery(exchange.request().url).queryItemValue(QStringLiteral("token"));
    auto it = m_billTickets.find(token);
    if (it == m_billTickets.end() || it->expiresMs < m_clock() || it->mchId != mchId)
        return answer(exchange, kBillMethod,
                      WechatApi::error(QStringLiteral("RESOURCE_NOT_EXISTS"),
                                       QStringLiteral("账单下载链接无效或已过期，请重新申请")),
                      latencyMs);
    QByteArray data = it->content;
    // The file is not signed (hash_value proves it): a "bad signature" here is a changed bill,
    // still well-formed (gzip included), that only its digest gives away.
    if (m_faults.take(FaultKind::BadSignature, kBillMethod))
        data.append(data.isEmpty() ? 'x' : data.back());
    if (it->gzip) {
        Result<QByteArray> packed = wechat_bill::gzip(data);
        if (!packed)
            return answer(exchange, kBillMethod,
                          WechatApi::error(QStringLiteral("SYSTEM_ERROR"), packed.error().message),
                          latencyMs);
        data = *packed;
    }
    // bill_truncated: the file as an interrupted copy leaves it, still answered 200.
    if (it->truncated)
        data.truncate(data.size() / 2);
    const bool drop = m_faults.fires(FaultKind::DropAfterCommit, kBillMethod);
    ProviderFaults::answer(this, exchange, latencyMs, drop, [exchange, data] {
        exchange.reply(200, "application/octet-stream", data);
    });
}

} // namespace qpos::sandbox
