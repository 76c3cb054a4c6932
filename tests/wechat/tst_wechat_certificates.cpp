// WeChat Pay platform certificates kept current by the till: downloaded from
// GET /v3/certificates when an answer or a notification names a serial the till does not
// have and every 12 hours, refused whole when a download does not check out, and kept on
// disk across a restart. The real WechatClient, loaded from files as the till loads it,
// against the sandbox over loopback; tampered downloads come from a scripted server.

#include "core/crypto/CertificateIssuer.h"
#include "core/crypto/SecureRandom.h"
#include "core/gateways/wechat/WechatCertificateDownload.h"
#include "core/gateways/wechat/WechatCertificateFolder.h"
#include "core/gateways/wechat/WechatClient.h"
#include "sandbox/SandboxServer.h"
#include "sandbox/wechat/WechatSimulator.h"
#include "tests/sandbox/WechatTestClient.h"
#include "tests/support/AwaitedGatewayCalls.h"
#include "tests/support/ScriptedHttpServer.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestGatewayClient.h"
#include "tests/support/WaitUntil.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>

#include <memory>

using namespace qpos;
using namespace qpos::gateway;
using namespace qpos::sandbox;
using qpos::wechat::WechatClient;
using qpos::wechat::WechatClientSettings;

namespace {

const QString kMchId = QStringLiteral("1900000888");
const QString kAppId = QStringLiteral("wx8888888888888888");

bool writeFile(const QString& path, const QByteArray& bytes, bool secret = false) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        return false;
    file.close();
    return !secret || file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
}

bool holds(const WechatClient& c, const QString& serial) {
    return c.keyring().find(serial).has_value();
}

// A platform certificate of our own, for the scripted server's downloads.
struct Issued {
    crypto::RsaPrivateKey key;
    crypto::X509Certificate certificate;
};

Issued issue(const QDateTime& from, const QDateTime& to) {
    Result<crypto::RsaPrivateKey> key = crypto::RsaPrivateKey::generate();
    if (!key)
        qFatal("key: %s", qPrintable(key.error().message));
    Result<crypto::X509Certificate> c = crypto::issueCertificate(
        key->publicKey(),
        crypto::CertificateSubject{QStringLiteral("Tenpay.com test platform"), {}, {}, {}},
        crypto::CertificateTerms{WechatSimulator::serialOf(key->publicKey()), from, to, false},
        crypto::X509Certificate(), *key);
    if (!c)
        qFatal("certificate: %s", qPrintable(c.error().message));
    return Issued{*key, *c};
}

} // namespace

class TestWechatCertificates : public QObject {
    Q_OBJECT

    std::unique_ptr<SandboxServer> m_server;
    WechatMerchantCredentials m_merchant;
    std::unique_ptr<test::TempDir> m_keys;
    std::unique_ptr<test::WechatNotifyReceiver> m_receiver;
    int m_sequence = 0;

    WechatSimulator& sim() { return m_server->wechat(); }
    QString nextNo() {
        return QStringLiteral("PC%1_%2").arg(QDateTime::currentMSecsSinceEpoch()).arg(++m_sequence);
    }

    // [wechat] of a merchant on platform certificates alone.
    WechatConfig config() const {
        WechatConfig c;
        c.enabled = true;
        c.gatewayUrl = m_server->baseUrl().toString();
        c.mchId = kMchId;
        c.appId = kAppId;
        c.merchantPrivateKeyPath = m_keys->file(QStringLiteral("apiclient_key.pem"));
        c.merchantSerialNo = m_merchant.serialNo;
        c.apiV3KeyPath = m_keys->file(QStringLiteral("apiv3.key"));
        c.platformCertPath = m_keys->file(QStringLiteral("wechatpay_platform.pem"));
        c.notifyUrl = QStringLiteral("https://shop.example.com/wechat/notify");
        c.timeoutMs = 5000;
        return c;
    }
    QString folder() const {
        return wechat::WechatCertificateFolder::besideConfigured(config().platformCertPath);
    }

    WechatClientSettings settings() const {
        Result<WechatClientSettings> s = WechatClientSettings::fromConfig(config());
        if (!s)
            qFatal("settings: %s", qPrintable(s.error().message));
        test::useLoopbackTiming(s.value(), test::LoopbackTiming::sandbox());
        return *s;
    }
    std::unique_ptr<WechatClient> client() { return test::createClient<WechatClient>(settings()); }

    std::optional<GatewayResult<QrOrder>> native(WechatClient& c, const QString& no) {
        return test::createQrOrder(c, QrOrderRequest{no, 2500, QStringLiteral("Tea"), 600,
                                                     QStringLiteral("S01"), QStringLiteral("T01"),
                                                     QStringLiteral("C01")});
    }

    // POST to the sandbox's control API, as a test script would.
    QJsonObject control(const QString& path) {
        QNetworkAccessManager network;
        QNetworkRequest request(m_server->baseUrl().resolved(QUrl(path)));
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
        QNetworkReply* reply = network.post(request, QByteArrayLiteral("{}"));
        if (!test::waitUntil([reply] { return reply->isFinished(); }, 10000))
            return {};
        const QJsonObject out = QJsonDocument::fromJson(reply->readAll()).object();
        reply->deleteLater();
        return out;
    }

    static IncomingNotification incoming(const test::WechatNotifyReceiver::Received& received) {
        IncomingNotification n;
        n.body = received.body;
        for (const auto& [name, value] : received.headers)
            n.headers.insert(name.toLower(), value);
        return n;
    }
    static NotificationOrderLookup lookupOf(const QString& no) {
        return [no](const QString& outTradeNo) {
            if (outTradeNo != no)
                return std::optional<Order>();
            Order o;
            o.outTradeNo = no;
            o.amountFen = 2500;
            o.channel = Channel::WeChat;
            return std::optional<Order>(o);
        };
    }
    // verifyNotificationLater(), awaited.
    std::optional<Result<PaymentNotification>>
    verifyLater(WechatClient& c, const test::WechatNotifyReceiver::Received& received,
                const QString& no) {
        std::optional<Result<PaymentNotification>> verdict;
        QObject context;
        c.verifyNotificationLater(incoming(received), lookupOf(no), &context,
                                  [&verdict](Result<PaymentNotification> v) { verdict = v; });
        test::waitUntil([&verdict] { return verdict.has_value(); }, 10000);
        return verdict;
    }

private slots:
    void init() {
        SandboxOptions options;
        options.wechat.notifyScale = 0.001;
        m_server = std::make_unique<SandboxServer>(options);
        QVERIFY(m_server->listen(QHostAddress::LocalHost, 0).ok());
        QVERIFY(sim().enableCertificateMode().ok());
        Result<WechatMerchantCredentials> merchant = sim().createMerchant(kMchId, kAppId);
        QVERIFY(merchant.ok());
        m_merchant = *merchant;
        m_receiver = std::make_unique<test::WechatNotifyReceiver>();
        QVERIFY(sim().setNotifyUrl(kMchId, m_receiver->url().toString()).ok());

        m_keys = std::make_unique<test::TempDir>();
        const WechatConfig c = config();
        QVERIFY(writeFile(c.merchantPrivateKeyPath, m_merchant.privateKey.toPkcs8Pem(), true));
        QVERIFY(writeFile(c.apiV3KeyPath, m_merchant.apiV3Key, true));
        QVERIFY(writeFile(c.platformCertPath, sim().platformCertificate().toPem()));
    }
    void cleanup() {
        m_server.reset();
        m_receiver.reset();
        m_keys.reset();
    }

    // WeChat Pay renews its certificate while the till runs: the next answer, signed with the
    // new one, verifies after one download, which is kept beside the configured certificate.
    void rotationMidRunVerifiesAfterOneDownload() {
        auto c = client();
        QVERIFY(c->certificateRefresher() != nullptr);
        const QString no = nextNo();
        const auto created = native(*c, no);
        QVERIFY(created.has_value());
        QVERIFY2(created->isSuccess(), qPrintable(created->cashierMessage()));
        QCOMPARE(c->certificateRefresher()->downloadsStarted(), 0);
        const QByteArray oldSerial = sim().platformCertificate().serialHex().toUpper().toLatin1();
        QCOMPARE(sim().lastRequestedSerial(), oldSerial);

        const QJsonObject rotated = control(QStringLiteral("/sandbox/wechat/certificates/rotate"));
        QCOMPARE(rotated.value(u"platform_certificates").toArray().size(), 2);
        const QString newSerial = sim().platformCertificate().serialHex();
        QVERIFY(!holds(*c, newSerial));

        const auto queried = test::queryTrade(*c, no);
        QVERIFY(queried.has_value());
        QVERIFY2(queried->isSuccess(), qPrintable(queried->cashierMessage()));
        QCOMPARE(queried->value().state, TradeState::WaitingForBuyer);
        QCOMPARE(c->certificateRefresher()->downloadsStarted(), 1);
        QVERIFY(holds(*c, newSerial));
        QVERIFY(QFile::exists(QDir(folder()).filePath(newSerial + QStringLiteral(".pem"))));

        // Known now: the next answer needs no download, and the request names the new
        // certificate, as wechatpay-go names the newest it holds.
        QVERIFY(test::queryTrade(*c, no)->isSuccess());
        QCOMPARE(c->certificateRefresher()->downloadsStarted(), 1);
        QCOMPARE(sim().lastRequestedSerial(), newSerial.toUpper().toLatin1());
    }

    // A notification signed with the new certificate waits for the download, then verifies.
    void notificationSignedWithTheNewCertificateVerifies() {
        auto c = client();
        QVERIFY(sim().rotatePlatformCertificate().ok());
        const QString no = nextNo();
        QVERIFY(native(*c, no)->isSuccess()); // its answer fetched the certificate...
        const QString newSerial = sim().platformCertificate().serialHex();
        QVERIFY(holds(*c, newSerial));

        // ...so rotate once more: the notification is the first to name the newest one.
        auto second = client();
        QVERIFY(sim().rotatePlatformCertificate().ok());
        const QString newest = sim().platformCertificate().serialHex();
        QVERIFY(!holds(*second, newest));
        QVERIFY(sim().buyerPay(no).ok());
        QVERIFY(m_receiver->waitFor(1));
        const auto received = m_receiver->received().first();
        QCOMPARE(received.header("Wechatpay-Serial"), newest.toLatin1());
        const auto verdict = verifyLater(*second, received, no);
        QVERIFY(verdict.has_value());
        QVERIFY2(verdict->ok(), verdict->ok() ? "" : qPrintable(verdict->error().message));
        QCOMPARE((*verdict)->state, TradeState::Paid);
        QCOMPARE(second->certificateRefresher()->downloadsStarted(), 1);
    }

    // A serial the download does not bring either: the answer stays Unknown, the notification
    // refused, and the message names both keys and what to do.
    void serialStillUnknownAfterTheDownloadStaysUnknown() {
        QVERIFY(sim().enableMigrationMode().ok()); // notifications also under the public key
        auto c = client();
        for (int i = 0; i < 2; ++i) {
            m_receiver->clear();
            const QString no = nextNo();
            QVERIFY(native(*c, no)->isSuccess());
            QVERIFY(sim().buyerPay(no).ok());
            QVERIFY(m_receiver->waitFor(1));
            const auto received = m_receiver->received().first();
            if (received.header("Wechatpay-Serial") != sim().platformKeyId().toLatin1())
                continue;
            const auto verdict = verifyLater(*c, received, no);
            QVERIFY(verdict.has_value());
            QVERIFY(!verdict->ok());
            QCOMPARE(verdict->error().code,
                     QString::fromLatin1(wechat::notification_errc::unknownSerial));
            QVERIFY2(verdict->error().message.contains(u"platform_certificate") &&
                         verdict->error().message.contains(u"wechatpay_public_key"),
                     qPrintable(verdict->error().message));
            QCOMPARE(c->certificateRefresher()->downloadsStarted(), 1);
            return;
        }
        QFAIL("no notification came under the public key");
    }

    void answerUnderAKeyNoDownloadHoldsStaysUnknown() {
        useOwnCertificate();
        test::ScriptedHttpServer server;
        QVERIFY(server.listen());
        WechatClientSettings s = settings();
        s.gatewayUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.port()));
        test::useQuickBreaker(s);
        auto c = test::createClient<WechatClient>(s);
        const Issued stranger = issue(QDateTime::currentDateTimeUtc().addDays(-1),
                                      QDateTime::currentDateTimeUtc().addYears(1));
        const QByteArray answer = "{\"code_url\":\"weixin://wxpay/bizpayurl?pr=x\"}";
        server.enqueue(signedBy(stranger, 200, answer));
        // The download lists only the configured certificate.
        server.enqueue(signedBy(trusted(), 200, downloadOf({trusted().certificate})));
        const auto created = native(*c, nextNo());
        QVERIFY(created.has_value());
        QVERIFY(created->isUnknown());
        QVERIFY2(created->unknown().reason.message.contains(u"platform_certificate") &&
                     created->unknown().reason.message.contains(u"wechatpay_public_key"),
                 qPrintable(created->unknown().reason.message));
        QCOMPARE(c->certificateRefresher()->downloadsStarted(), 1);
        QCOMPARE(server.requestCount(), 2);
        QCOMPARE(server.requests().at(1).target, QByteArray("/v3/certificates"));
    }

    // A download that does not check out is refused whole; the till keeps what it has.
    void tamperedDownloadIsRefusedAndOldCertificatesKept_data() {
        QTest::addColumn<QString>("tamper");
        QTest::newRow("none (control)") << QString();
        QTest::newRow("GCM tag") << QStringLiteral("tag");
        QTest::newRow("serial_no") << QStringLiteral("serial");
        QTest::newRow("expired certificate") << QStringLiteral("expired");
        QTest::newRow("answer signature") << QStringLiteral("signature");
        QTest::newRow("signed by a stranger") << QStringLiteral("stranger");
    }
    void tamperedDownloadIsRefusedAndOldCertificatesKept() {
        QFETCH(QString, tamper);
        useOwnCertificate();
        test::ScriptedHttpServer server;
        QVERIFY(server.listen());
        WechatClientSettings s = settings();
        s.gatewayUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.port()));
        auto c = test::createClient<WechatClient>(s);
        const QList<wechat::WechatPlatformKey> before = c->keyring().keys();

        const QDateTime now = QDateTime::currentDateTimeUtc();
        const Issued renewed = tamper == u"expired" ? issue(now.addYears(-2), now.addDays(-1))
                                                    : issue(now.addDays(-1), now.addYears(5));
        QByteArray body = downloadOf({trusted().certificate, renewed.certificate});
        QJsonObject answer = QJsonDocument::fromJson(body).object();
        QJsonArray data = answer.value(u"data").toArray();
        QJsonObject entry = data.at(1).toObject();
        if (tamper == u"tag") {
            QJsonObject sealed = entry.value(u"encrypt_certificate").toObject();
            QByteArray bytes =
                QByteArray::fromBase64(sealed.value(u"ciphertext").toString().toLatin1());
            bytes[bytes.size() - 1] = char(bytes.back() ^ 0x01);
            sealed.insert(QStringLiteral("ciphertext"), QString::fromLatin1(bytes.toBase64()));
            entry.insert(QStringLiteral("encrypt_certificate"), sealed);
        } else if (tamper == u"serial") {
            entry.insert(QStringLiteral("serial_no"), trusted().certificate.serialHex());
        }
        data.replace(1, entry);
        answer.insert(QStringLiteral("data"), data);
        body = QJsonDocument(answer).toJson(QJsonDocument::Compact);
        const Issued stranger = issue(now.addDays(-1), now.addYears(1));
        test::ScriptedAction action =
            signedBy(tamper == u"stranger" ? stranger : trusted(), 200, body);
        if (tamper == u"signature")
            action.body.replace("\"data\"", "\"data\" ");
        server.enqueue(action);

        bool ended = false;
        c->certificateRefresher()->refresh([&ended] { ended = true; });
        QVERIFY(test::waitUntil([&ended] { return ended; }, 10000));
        const QString serial = renewed.certificate.serialHex();
        const QString file = QDir(folder()).filePath(serial + QStringLiteral(".pem"));
        if (tamper.isEmpty()) {
            QVERIFY(!c->certificateRefresher()->lastFailure());
            QVERIFY(holds(*c, serial));
            QVERIFY(QFile::exists(file));
            return;
        }
        QVERIFY(c->certificateRefresher()->lastFailure().has_value());
        QVERIFY(!holds(*c, serial));
        QCOMPARE(c->keyring().keys().size(), before.size());
        QVERIFY(holds(*c, trusted().certificate.serialHex()));
        QVERIFY(!QFile::exists(file));
    }

    // Twelve hours after the last download the client downloads again, on its own.
    void refreshesEveryTwelveHours() {
        WechatClientSettings s = settings();
        s.certificateCheckEvery = std::chrono::milliseconds(20);
        auto c = test::createClient<WechatClient>(s);
        qint64 now = QDateTime::currentMSecsSinceEpoch();
        c->certificateRefresher()->setScheduleClock([&now] { return now; });
        // Nothing was ever downloaded: due at the first check.
        QVERIFY(test::waitUntil([&c] {
            return c->certificateRefresher()->downloadsStarted() == 1 &&
                   !c->certificateRefresher()->downloading();
        }));
        QVERIFY(!c->certificateRefresher()->lastFailure());
        QVERIFY(QFile::exists(QDir(folder()).filePath(sim().platformCertificate().serialHex() +
                                                      QStringLiteral(".pem"))));

        QVERIFY(sim().rotatePlatformCertificate().ok());
        now += 12 * 3600 * 1000 - 60 * 1000;
        QTest::qWait(200);
        QCOMPARE(c->certificateRefresher()->downloadsStarted(), 1);
        now += 60 * 1000;
        QVERIFY(
            test::waitUntil([&c] { return c->certificateRefresher()->downloadsStarted() == 2; }));
        QVERIFY(test::waitUntil(
            [&c, this] { return holds(*c, sim().platformCertificate().serialHex()); }));
    }

    // What one run downloaded, the next run trusts from the start; an expired file is not used.
    void downloadedCertificatesSurviveARestart() {
        const QString no = nextNo();
        {
            auto c = client();
            QVERIFY(native(*c, no)->isSuccess());
            QVERIFY(sim().rotatePlatformCertificate().ok());
            QVERIFY(test::queryTrade(*c, no)->isSuccess());
            QCOMPARE(c->certificateRefresher()->downloadsStarted(), 1);
        }
        const QString renewed = sim().platformCertificate().serialHex();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const Issued expired = issue(now.addYears(-2), now.addDays(-1));
        QVERIFY(writeFile(
            QDir(folder()).filePath(expired.certificate.serialHex() + QStringLiteral(".pem")),
            expired.certificate.toPem()));

        const WechatClientSettings s = settings();
        QCOMPARE(s.requestSerial, renewed); // the certificate valid the longest
        auto restarted = test::createClient<WechatClient>(s);
        QVERIFY(holds(*restarted, renewed));
        QVERIFY(!holds(*restarted, expired.certificate.serialHex()));
        QVERIFY(test::queryTrade(*restarted, no)->isSuccess());
        QCOMPARE(restarted->certificateRefresher()->downloadsStarted(), 0);
    }

private:
    // The platform certificate the scripted server signs with, which the till is configured
    // with instead of the sandbox's (useOwnCertificate()).
    Issued trusted() {
        if (!m_trusted)
            m_trusted = issue(QDateTime::currentDateTimeUtc().addDays(-1),
                              QDateTime::currentDateTimeUtc().addYears(5));
        return *m_trusted;
    }
    void useOwnCertificate() {
        QVERIFY(writeFile(config().platformCertPath, trusted().certificate.toPem()));
    }
    std::optional<Issued> m_trusted;

    QByteArray downloadOf(const QList<crypto::X509Certificate>& certificates) const {
        QJsonArray data;
        for (const crypto::X509Certificate& certificate : certificates) {
            Result<QString> nonce = crypto::randomAlphanumeric(12);
            Result<QJsonObject> entry = wechat::certificateDownloadEntry(
                certificate, m_merchant.apiV3Key, nonce->toLatin1());
            if (!entry)
                qFatal("entry: %s", qPrintable(entry.error().message));
            data.append(*entry);
        }
        return QJsonDocument(QJsonObject{{QStringLiteral("data"), data}})
            .toJson(QJsonDocument::Compact);
    }
    static test::ScriptedAction signedBy(const Issued& signer, int status, const QByteArray& body) {
        const QByteArray timestamp = QByteArray::number(QDateTime::currentSecsSinceEpoch());
        const QByteArray nonce = QByteArrayLiteral("n0nce0123456789");
        Result<QByteArray> signature =
            signer.key.signBase64(wechat::answerSignMessage(timestamp, nonce, body));
        test::ScriptedAction action = test::ScriptedAction::respond(status, body);
        action.headers = {{"Wechatpay-Timestamp", timestamp},
                          {"Wechatpay-Nonce", nonce},
                          {"Wechatpay-Signature", signature ? *signature : QByteArray()},
                          {"Wechatpay-Serial", signer.certificate.serialHex().toLatin1()}};
        return action;
    }
};

QTEST_GUILESS_MAIN(TestWechatCertificates)
#include "tst_wechat_certificates.moc"
