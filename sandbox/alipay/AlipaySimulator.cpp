#include "sandbox/alipay/AlipaySimulator.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/logging/LogCategories.h"
#include "sandbox/alipay/AlipayJson.h"
#include "sandbox/bill/AlipayBill.h"
#include "sandbox/bill/BillFaults.h"
#include "sandbox/faults/FaultPlan.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QUrlQuery>

namespace qpos::sandbox {

namespace {

const QString kBillMethod = QStringLiteral("bill.download");

Error controlError(const QString& code, const QString& message) {
    return Error{code, message};
}

QString randomHex(int bytes) {
    QByteArray raw(bytes, Qt::Uninitialized);
    for (char& c : raw)
        c = static_cast<char>(QRandomGenerator::global()->bounded(256));
    return QString::fromLatin1(raw.toHex());
}

} // namespace

AlipaySimulator::AlipaySimulator(crypto::RsaPrivateKey alipayKey, FaultPlan& faults,
                                 QObject* parent)
    : QObject(parent)
    , m_key(std::move(alipayKey))
    , m_faults(faults, QStringLiteral("alipay"))
    , m_clock([] { return QDateTime::currentMSecsSinceEpoch(); })
    , m_book([this] { return m_clock(); })
    , m_gateway(*this)
    , m_notifier(new AlipayNotifier(this))
    , m_expiry([this] {
        m_book.expireDue();
        return m_book.hasOpenTrades();
    }) {
    qRegisterMetaType<AlipayTrade>();
    qRegisterMetaType<AlipayNotificationAttempt>();
    m_book.setListener([this](const AlipayTrade& trade, AlipayTradeBook::Event event,
                              const AlipayRefund* refund) { onTradeEvent(trade, event, refund); });
    connect(m_notifier, &AlipayNotifier::attempted, this, &AlipaySimulator::notificationAttempted);
    setOptions(m_options);
}

AlipaySimulator::~AlipaySimulator() = default;

Status AlipaySimulator::enableCertificateMode() {
    if (m_authority)
        return Status::success();
    Result<AlipayCertificateAuthority> authority =
        AlipayCertificateAuthority::create(m_key, m_clock());
    if (!authority)
        return authority.error();
    m_authority = std::move(authority).value();
    return Status::success();
}

crypto::X509Certificate AlipaySimulator::rootCertificate() const {
    return m_authority ? m_authority->root() : crypto::X509Certificate();
}

crypto::X509Certificate AlipaySimulator::alipayCertificate() const {
    return m_authority ? m_authority->current() : crypto::X509Certificate();
}

Result<QString> AlipaySimulator::rotateCertificate(bool foreignIssuer) {
    if (!m_authority)
        return controlError(QStringLiteral("sandbox.not_certificate_mode"),
                            QStringLiteral("The simulated Alipay is not in certificate mode: "
                                           "enable it first."));
    return m_authority->rotate(m_clock(), foreignIssuer);
}

std::optional<QByteArray> AlipaySimulator::alipayCertificatePem(const QString& certSn) const {
    if (!m_authority)
        return std::nullopt;
    std::optional<crypto::X509Certificate> found = m_authority->certificate(certSn);
    if (!found)
        return std::nullopt;
    return found->toPem();
}

const crypto::RsaPrivateKey& AlipaySimulator::signingKey() const {
    return m_authority ? m_authority->currentKey() : m_key;
}

Status AlipaySimulator::registerApp(const QString& appId, const crypto::RsaPublicKey& publicKey,
                                    const QString& pid) {
    if (appId.isEmpty() || appId.size() > 32 || publicKey.isNull())
        return controlError(QStringLiteral("sandbox.invalid_app"),
                            QCoreApplication::translate("qpos::sandbox::AlipaySimulator",
                                                        "An app needs an app_id of at most 32 "
                                                        "characters and an RSA public key."));
    QString seller = pid;
    if (seller.isEmpty()) {
        // A stable 2088 + 12 digits seller id for the app, like a real PID.
        const QByteArray hash =
            QCryptographicHash::hash(appId.toUtf8(), QCryptographicHash::Sha256).toHex();
        QString digits;
        for (char c : hash) {
            if (c >= '0' && c <= '9')
                digits += QLatin1Char(c);
        }
        seller = QStringLiteral("2088") + (digits + QStringLiteral("000000000000")).left(12);
    }
    m_apps.insert(appId, AlipayApp{appId, publicKey, seller});
    qCInfo(lcSandbox).noquote() << "alipay app registered:" << appId << "seller" << seller;
    return Status::success();
}

Result<crypto::RsaPrivateKey> AlipaySimulator::createApp(const QString& appId, const QString& pid) {
    Result<crypto::RsaPrivateKey> key = crypto::RsaPrivateKey::generate();
    if (!key)
        return key;
    if (Status s = registerApp(appId, key->publicKey(), pid); !s)
        return s.error();
    return key;
}

void AlipaySimulator::setOptions(const AlipayOptions& options) {
    m_options = options;
    m_notifier->setScale(options.notifyScale);
    m_notifier->setTimeoutMs(options.notifyTimeoutMs);
}

void AlipaySimulator::setPayBehaviour(AlipayPayBehaviour behaviour) {
    m_options.payBehaviour = behaviour;
}

void AlipaySimulator::setClock(std::function<qint64()> clock) {
    m_clock = std::move(clock);
}

QUrl AlipaySimulator::gatewayUrl() const {
    QUrl url = m_baseUrl;
    url.setPath(QStringLiteral("/gateway.do"));
    return url;
}

const AlipayApp* AlipaySimulator::findApp(const QString& appId) const {
    auto it = m_apps.find(appId);
    return it == m_apps.end() ? nullptr : &it.value();
}

QList<AlipayTrade> AlipaySimulator::trades(const QString& appId) const {
    return m_book.trades(appId);
}

std::optional<AlipayTrade> AlipaySimulator::trade(const QString& outTradeNo,
                                                  const QString& appId) const {
    for (const AlipayTrade& t : m_book.trades(appId)) {
        if (t.outTradeNo == outTradeNo)
            return t;
    }
    return std::nullopt;
}

std::optional<AlipayTrade> AlipaySimulator::tradeByQrCode(const QString& qrCode) const {
    const QString token = qrCode.section(u'/', -1);
    for (const AlipayTrade& t : m_book.trades()) {
        if (!t.qrToken.isEmpty() && t.qrToken == token)
            return t;
    }
    return std::nullopt;
}

Result<AlipayTrade*> AlipaySimulator::resolve(const QString& outTradeNo, const QString& appId) {
    QList<AlipayTrade*> found = m_book.findAll(outTradeNo);
    if (!appId.isEmpty())
        found.removeIf([&](const AlipayTrade* t) { return t->appId != appId; });
    if (found.isEmpty())
        return controlError(
            QStringLiteral("sandbox.not_found"),
            QCoreApplication::translate("qpos::sandbox::AlipaySimulator", "No Alipay order %1.")
                .arg(outTradeNo));
    if (found.size() > 1)
        return controlError(QStringLiteral("sandbox.ambiguous"),
                            QCoreApplication::translate("qpos::sandbox::AlipaySimulator",
                                                        "Several apps have an order %1; name the "
                                                        "app_id.")
                                .arg(outTradeNo));
    return found.first();
}

Result<AlipayTrade>
AlipaySimulator::buyerAction(AlipayTrade* trade,
                             Result<AlipayTrade*> (AlipayTradeBook::*action)(AlipayTrade*)) {
    Result<AlipayTrade*> r = (m_book.*action)(trade);
    if (!r)
        return r.error();
    return **r;
}

Result<AlipayTrade> AlipaySimulator::buyerScan(const QString& outTradeNo, const QString& appId) {
    Result<AlipayTrade*> t = resolve(outTradeNo, appId);
    if (!t)
        return t.error();
    return buyerAction(*t, &AlipayTradeBook::scan);
}

Result<AlipayTrade> AlipaySimulator::buyerPay(const QString& outTradeNo, const QString& appId) {
    Result<AlipayTrade*> t = resolve(outTradeNo, appId);
    if (!t)
        return t.error();
    return buyerAction(*t, &AlipayTradeBook::pay);
}

Result<AlipayTrade> AlipaySimulator::buyerCancel(const QString& outTradeNo, const QString& appId) {
    Result<AlipayTrade*> t = resolve(outTradeNo, appId);
    if (!t)
        return t.error();
    return buyerAction(*t, &AlipayTradeBook::buyerGivesUp);
}

Result<AlipayTrade> AlipaySimulator::expire(const QString& outTradeNo, const QString& appId) {
    Result<AlipayTrade*> t = resolve(outTradeNo, appId);
    if (!t)
        return t.error();
    return buyerAction(*t, &AlipayTradeBook::expire);
}

Result<AlipayTrade> AlipaySimulator::scanQrCode(const QString& qrCode) {
    AlipayTrade* t = m_book.findByQrToken(qrCode.section(u'/', -1));
    if (!t)
        return controlError(QStringLiteral("sandbox.not_found"),
                            QCoreApplication::translate("qpos::sandbox::AlipaySimulator",
                                                        "No Alipay order has that QR code."));
    return buyerAction(t, &AlipayTradeBook::scan);
}

Result<AlipayTrade> AlipaySimulator::payQrCode(const QString& qrCode) {
    AlipayTrade* t = m_book.findByQrToken(qrCode.section(u'/', -1));
    if (!t)
        return controlError(QStringLiteral("sandbox.not_found"),
                            QCoreApplication::translate("qpos::sandbox::AlipaySimulator",
                                                        "No Alipay order has that QR code."));
    return buyerAction(t, &AlipayTradeBook::pay);
}

void AlipaySimulator::buyerConfirming(const QString& appId, const QString& outTradeNo) {
    const AlipayPayBehaviour behaviour = m_options.payBehaviour;
    if (behaviour != AlipayPayBehaviour::ConfirmThenPay &&
        behaviour != AlipayPayBehaviour::ConfirmThenClose)
        return;
    QTimer::singleShot(m_options.confirmDelayMs, this, [this, appId, outTradeNo, behaviour] {
        AlipayTrade* t = m_book.find(appId, outTradeNo, {});
        if (!t || t->status != AlipayTradeStatus::WaitBuyerPay)
            return;
        if (behaviour == AlipayPayBehaviour::ConfirmThenPay)
            (void)m_book.pay(t);
        else
            (void)m_book.buyerGivesUp(t);
    });
}

QString AlipaySimulator::issueBillUrl(const QString& appId, const QString& billDate) {
    for (auto it = m_billTickets.begin(); it != m_billTickets.end();)
        it = it->expiresMs < m_clock() ? m_billTickets.erase(it) : std::next(it);
    const QString token = randomHex(16);
    m_billTickets.insert(token, BillTicket{appId, billDate, m_clock() + m_options.billUrlTtlMs});
    const AlipayApp* app = findApp(appId);
    const std::optional<alipay_bill::Period> period = alipay_bill::Period::parse(billDate);
    const QString pid = app ? app->pid : QString();
    QUrl url = m_baseUrl;
    url.setPath(QStringLiteral("/downloadBillFile.resource"));
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("bizType"), QStringLiteral("trade"));
    q.addQueryItem(QStringLiteral("userId"), pid);
    q.addQueryItem(QStringLiteral("fileType"), QStringLiteral("csv.zip"));
    q.addQueryItem(QStringLiteral("bigFileId"), token);
    q.addQueryItem(QStringLiteral("downloadFileName"), pid + QStringLiteral("0156_") +
                                                           (period ? period->label : QString()) +
                                                           QStringLiteral(".csv.zip"));
    url.setQuery(q);
    return url.toString();
}

void AlipaySimulator::onTradeEvent(const AlipayTrade& trade, AlipayTradeBook::Event event,
                                   const AlipayRefund* refund) {
    m_expiry.tradeChanged(trade.isOpen());
    emit tradeChanged(trade);
    if (event == AlipayTradeBook::Event::Created || !trade.exists() || trade.notifyUrl.isEmpty())
        return;
    QString status;
    switch (event) {
    case AlipayTradeBook::Event::Scanned:
        if (!m_options.notifyWaitBuyerPay)
            return;
        status = QStringLiteral("WAIT_BUYER_PAY");
        break;
    case AlipayTradeBook::Event::Paid:
        status = QStringLiteral("TRADE_SUCCESS");
        break;
    case AlipayTradeBook::Event::Closed:
        status = QStringLiteral("TRADE_CLOSED");
        break;
    case AlipayTradeBook::Event::Refunded:
        status = alipayTradeStatusName(trade.status);
        break;
    case AlipayTradeBook::Event::Created:
        return;
    }
    const bool badKey = m_faults.fires(FaultKind::NotifyBadSignature, status);
    AlipayNotifier::Notification n{
        trade.notifyUrl, signNotification(notificationParams(trade, status, refund), badKey),
        badKey ? QStringLiteral("bad_signature") : QString()};
    QList<AlipayNotifier::Notification> followUps;
    if (m_faults.take(FaultKind::NotifyDuplicate, status)) {
        AlipayNotifier::Notification copy = n;
        copy.variant = QStringLiteral("duplicate");
        followUps.append(copy);
    }
    if (event == AlipayTradeBook::Event::Paid &&
        m_faults.take(FaultKind::NotifyOutOfOrder, status)) {
        // The WAIT_BUYER_PAY notification of before the payment, arriving after it.
        AlipayTrade before = trade;
        before.status = AlipayTradeStatus::WaitBuyerPay;
        before.paidMs = 0;
        followUps.append(
            {trade.notifyUrl,
             signNotification(notificationParams(before, QStringLiteral("WAIT_BUYER_PAY"), nullptr),
                              false),
             QStringLiteral("stale")});
    }
    m_notifier->send(n, followUps);
}

alipay::Params AlipaySimulator::notificationParams(const AlipayTrade& trade, const QString& status,
                                                   const AlipayRefund* refund) const {
    const AlipayApp* app = findApp(trade.appId);
    const bool paid = trade.paidMs > 0;
    const QString total = money::formatYuan(trade.total);
    alipay::Params p;
    auto set = [&p](const char* key, const QString& value) {
        if (!value.isEmpty())
            p.insert(QString::fromLatin1(key), value);
    };
    set("notify_time", china_calendar::formatTimestamp(m_clock()));
    set("notify_type", QStringLiteral("trade_status_sync"));
    set("notify_id", QStringLiteral("2024") + randomHex(15));
    set("app_id", trade.appId);
    set("auth_app_id", trade.appId);
    set("charset", QStringLiteral("utf-8"));
    set("version", QStringLiteral("1.0"));
    set("sign_type", QStringLiteral("RSA2"));
    set("trade_no", trade.tradeNo);
    set("out_trade_no", trade.outTradeNo);
    set("buyer_id", trade.buyerUserId);
    set("buyer_logon_id", trade.buyerLogonId);
    set("seller_id", app ? app->pid : QString());
    set("trade_status", status);
    set("total_amount", total);
    set("subject", trade.subject);
    set("body", trade.body);
    set("gmt_create", china_calendar::formatTimestamp(trade.createdMs));
    if (paid) {
        set("receipt_amount", total);
        set("invoice_amount", total);
        set("buyer_pay_amount", total);
        set("point_amount", QStringLiteral("0.00"));
        set("gmt_payment", china_calendar::formatTimestamp(trade.paidMs));
        // Notifications spell the fund channel key in camel case, unlike query answers.
        AlipayJson fund;
        fund.add("amount", total).add("fundChannel", QStringLiteral("ALIPAYACCOUNT"));
        set("fund_bill_list", QString::fromUtf8(AlipayJson::array({fund.toJson()})));
    }
    if (refund) {
        set("out_biz_no", refund->outRequestNo);
        set("refund_fee", money::formatYuan(refund->refundedAfter));
        set("gmt_refund", china_calendar::dateTimeOf(refund->atMs)
                              .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")));
    }
    if (status == u"TRADE_CLOSED" && trade.closedMs > 0)
        set("gmt_close", china_calendar::formatTimestamp(trade.closedMs));
    return p;
}

alipay::Params AlipaySimulator::signNotification(alipay::Params params, bool wrong) {
    const crypto::RsaPrivateKey& key = wrong ? m_wrongKey.get(signingKey()) : signingKey();
    Result<QByteArray> sign =
        key.signBase64(alipay::signContent(params, alipay::SignScope::Notification));
    if (sign)
        params.insert(QStringLiteral("sign"), QString::fromLatin1(*sign));
    return params;
}

void AlipaySimulator::handleGateway(const HttpExchange& exchange) {
    const HttpExchange::Request& req = exchange.request();
    if (req.method != "POST" && req.method != "GET") {
        exchange.reply(405, "text/plain;charset=utf-8", "Method Not Allowed");
        return;
    }
    Result<alipay::Params> params = AlipayGateway::readParams(
        req.url.query(QUrl::FullyEncoded).toUtf8(), exchange.header("Content-Type"), req.body);
    const QString method = params ? params->value(QStringLiteral("method")) : QString();
    if (method == u"alipay.trade.refund") {
        const QJsonObject biz =
            QJsonDocument::fromJson(params->value(QStringLiteral("biz_content")).toUtf8()).object();
        m_refundRequests[biz.value(u"out_trade_no").toString()].append(m_clock());
    }

    // Faults of the network and the front end come before Alipay looks at the request.
    const std::optional<int> latencyMs = m_faults.admit(exchange, method);
    if (!latencyMs)
        return;

    AlipayAnswer answer;
    if (!params) {
        answer = AlipayGateway::gatewayError("40002", "Invalid Arguments",
                                             QStringLiteral("isv.invalid-parameter"),
                                             params.error().message);
    } else if (std::optional<AlipayAnswer> refused = m_gateway.verify(*params)) {
        answer = *refused;
    } else {
        const ProviderFaults::ServerError serverError = m_faults.serverError(method);
        if (serverError.run())
            answer = m_gateway.execute(*params);
        if (serverError.unavailable)
            answer = AlipayGateway::serviceUnavailable(method);
        else if (serverError.systemError)
            answer = AlipayGateway::systemError(method, *params);
    }

    QByteArray body;
    if (answer.signedAnswer) {
        const bool badSignature = m_faults.fires(FaultKind::BadSignature, method);
        Result<QByteArray> built = alipay::buildSignedResponse(
            answer.responseKey, answer.object,
            badSignature ? m_wrongKey.get(signingKey()) : signingKey(),
            m_authority ? m_authority->currentSn().toLatin1() : QByteArray());
        if (!built) {
            exchange.reply(500, "text/plain;charset=utf-8", built.error().message.toUtf8());
            return;
        }
        body = *built;
    } else {
        body = "{\"" + answer.responseKey.toUtf8() + "\":" + answer.object + '}';
    }
    const bool drop = m_faults.fires(FaultKind::DropAfterCommit, method);
    ProviderFaults::answer(this, exchange, *latencyMs, drop, [exchange, body] {
        exchange.reply(200, "text/html;charset=utf-8", body);
    });
}

void AlipaySimulator::handleBillDownload(const HttpExchange& exchange) {
    if (m_faults.take(FaultKind::HttpError, kBillMethod)) {
        exchange.reply(503, "text/html;charset=utf-8", "<html><body>503</body></html>");
        return;
    }
    if (m_faults.take(FaultKind::Timeout, kBillMethod)) {
        m_faults.hang(exchange);
        return;
    }
    const auto latency = m_faults.take(FaultKind::Latency, kBillMethod);
    const bool drop = m_faults.fires(FaultKind::DropAfterCommit, kBillMethod);

    const QUrlQuery query(exchange.request().url);
    const QString token = query.queryItemValue(QStringLiteral("bigFileId"));
    auto it = m_billTickets.find(token);
    if (it == m_billTickets.end() || it->expiresMs < m_clock()) {
        exchange.reply(404, "text/html;charset=utf-8",
                       "<html><body>The bill download link is invalid or has expired (links "
                       "are valid for a short time; ask for a new one).</body></html>");
        return;
    }
    const BillTicket ticket = *it;
    const AlipayApp* app = findApp(ticket.appId);
    const std::optional<alipay_bill::Period> period = alipay_bill::Period::parse(ticket.billDate);
    if (!app || !period) {
        exchange.reply(404, "text/plain;charset=utf-8", "no such bill");
        return;
    }
    // Only a day's bill has faults of its own (they name a date).
    const bool oneDay = period->afterLast == period->first.addDays(1);
    const BillFaults faults =
        oneDay ? BillFaults::take(m_faults, period->first, m_clock()) : BillFaults{};
    const alipay_bill::Bill bill = alipay_bill::build(
        app->pid, *period, faults.applyTo(m_book.trades(ticket.appId)), m_clock());
    Result<QByteArray> zip = alipay_bill::toZip(bill);
    if (!zip) {
        exchange.reply(500, "text/plain;charset=utf-8", zip.error().message.toUtf8());
        return;
    }
    const QByteArray served = faults.served(*zip);
    const QByteArray disposition =
        "attachment; filename=\"" + QUrl::toPercentEncoding(bill.zipName) + '"';
    ProviderFaults::answer(this, exchange, latency ? latency->latencyMs : 0, drop,
                           [exchange, data = served, disposition] {
                               exchange.reply(200, "application/oct-stream", data,
                                              {{"Content-Disposition", disposition}});
                           });
}

} // namespace qpos::sandbox
