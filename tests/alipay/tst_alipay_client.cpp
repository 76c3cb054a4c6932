// AlipayClient against a scripted loopback HTTP server: every API's request shape and answer
// parsing, every outcome class, retries, deadlines and the circuit breaker.

#include "core/calendar/ChinaCalendar.h"
#include "core/crypto/AlipayCertSn.h"
#include "core/crypto/RsaPrivateKey.h"
#include "core/crypto/RsaPublicKey.h"
#include "core/gateways/alipay/AlipayClient.h"
#include "core/gateways/alipay/AlipaySignature.h"
#include "core/gateways/GatewayErrors.h"
#include "tests/support/DebugLogCapture.h"
#include "tests/support/GatewayAwait.h"
#include "tests/support/ScriptedHttpServer.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestGatewayClient.h"
#include "tests/support/TestVectors.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <functional>
#include <memory>
#include <optional>

using namespace qpos;
using namespace qpos::alipay;
using namespace qpos::gateway;
using qpos::test::await;
using qpos::test::ScriptedAction;
using qpos::test::ScriptedHttpServer;

namespace {

const QString kAppId = QStringLiteral("2021000117600000");
const QString kOutTradeNo = QStringLiteral("S01T0120261122000001");

} // namespace

class TestAlipayClient : public QObject {
    Q_OBJECT

    crypto::RsaPrivateKey m_appKey;
    crypto::RsaPrivateKey m_alipayKey; // the test's "Alipay": signs the scripted answers
    crypto::RsaPrivateKey m_otherKey;  // a key Alipay never had
    std::unique_ptr<ScriptedHttpServer> m_server;

    AlipayClientSettings settings() const {
        AlipayClientSettings s;
        s.gatewayUrl = m_server->url();
        s.appId = kAppId;
        s.appPrivateKey = m_appKey;
        s.alipayPublicKey = m_alipayKey.publicKey();
        s.notifyUrl = QStringLiteral("https://shop.example.com/notify/alipay");
        qpos::test::useLoopbackTiming(s, qpos::test::LoopbackTiming::scripted());
        return s;
    }

    std::unique_ptr<AlipayClient> client(const AlipayClientSettings& s) {
        return qpos::test::createClient<AlipayClient>(s);
    }
    std::unique_ptr<AlipayClient> client() { return client(settings()); }

    QByteArray signedAnswer(const QString& method, const QByteArray& object,
                            const crypto::RsaPrivateKey* key = nullptr,
                            const QByteArray& certSn = {}) const {
        Result<QByteArray> body =
            buildSignedResponse(responseKey(method), object, key ? *key : m_alipayKey, certSn);
        if (!body)
            qFatal("cannot sign");
        return *body;
    }

    void answer(const QString& method, const QByteArray& object) {
        m_server->enqueue(ScriptedAction::respond(200, signedAnswer(method, object)));
    }

    // The request as the server got it: a form whose signature verifies with the app key.
    Params receivedParams(int index) const {
        const qpos::test::RecordedRequest& r = m_server->requests().at(index);
        [&] {
            QCOMPARE(r.method, QByteArray("POST"));
            QCOMPARE(r.target, QByteArray("/gateway.do"));
            QVERIFY(
                r.headers.value("content-type").startsWith("application/x-www-form-urlencoded"));
        }();
        Result<Params> params = parseForm(r.body);
        if (!params)
            qFatal("request is not a form");
        return *params;
    }

    QJsonObject checkCommonParams(int index, const QString& method) {
        const Params p = receivedParams(index);
        QJsonObject biz;
        [&] {
            QCOMPARE(p.value(QStringLiteral("method")), method);
            QCOMPARE(p.value(QStringLiteral("app_id")), kAppId);
            QCOMPARE(p.value(QStringLiteral("format")), QStringLiteral("JSON"));
            QCOMPARE(p.value(QStringLiteral("charset")), QStringLiteral("utf-8"));
            QCOMPARE(p.value(QStringLiteral("sign_type")), QStringLiteral("RSA2"));
            QCOMPARE(p.value(QStringLiteral("version")), QStringLiteral("1.0"));
            // The timestamp is China time whatever the machine's zone.
            const std::optional<qint64> ts =
                china_calendar::parseTimestamp(p.value(QStringLiteral("timestamp")));
            QVERIFY(ts.has_value());
            QVERIFY(qAbs(*ts - QDateTime::currentMSecsSinceEpoch()) < 10000);
            const QString expected =
                china_calendar::formatTimestamp(QDateTime::currentMSecsSinceEpoch());
            QVERIFY2(p.value(QStringLiteral("timestamp")).startsWith(expected.left(10)),
                     qPrintable(p.value(QStringLiteral("timestamp"))));
            // The signature verifies with the app's public key over the request's sign content.
            QVERIFY(m_appKey.publicKey()
                        .verifyBase64(signContent(p, SignScope::Request),
                                      p.value(QStringLiteral("sign")).toLatin1())
                        .ok());
            QJsonParseError error;
            biz = QJsonDocument::fromJson(p.value(QStringLiteral("biz_content")).toUtf8(), &error)
                      .object();
            QCOMPARE(error.error, QJsonParseError::NoError);
        }();
        return biz;
    }

private slots:
    void initTestCase() {
        const QJsonObject keys = test::testVectors().value(u"keys").toObject();
        Result<crypto::RsaPrivateKey> app =
            crypto::RsaPrivateKey::fromText(keys.value(u"app_private_b64").toString().toUtf8());
        QVERIFY(app.ok());
        m_appKey = *app;
        Result<crypto::RsaPrivateKey> alipay = crypto::RsaPrivateKey::generate();
        QVERIFY(alipay.ok());
        m_alipayKey = *alipay;
        Result<crypto::RsaPrivateKey> other = crypto::RsaPrivateKey::generate();
        QVERIFY(other.ok());
        m_otherKey = *other;
    }

    void init() {
        m_server = std::make_unique<ScriptedHttpServer>();
        QVERIFY(m_server->listen());
    }
    void cleanup() { m_server.reset(); }

    void settingsAreValidated() {
        AlipayClientSettings s = settings();
        s.gatewayUrl = QUrl(QStringLiteral("http://openapi.example.com/gateway.do"));
        Result<std::unique_ptr<AlipayClient>> plain = AlipayClient::create(s);
        QVERIFY(!plain.ok());
        QCOMPARE(plain.error().code, QStringLiteral("alipay.settings_invalid"));
        s = settings();
        s.appCertSn = QStringLiteral("abc"); // certificate mode needs all three SNs
        QVERIFY(!AlipayClient::create(s).ok());
        s = settings();
        s.appPrivateKey = crypto::RsaPrivateKey();
        QVERIFY(!AlipayClient::create(s).ok());
    }

    void settingsFromConfig() {
        const QJsonObject keys = test::testVectors().value(u"keys").toObject();
        qpos::test::TempDir dir;
        auto write = [&dir](const QString& name, const QByteArray& bytes,
                            QFile::Permissions permissions) {
            QFile f(dir.file(name));
            if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
                qFatal("cannot write a test file");
            f.close();
            f.setPermissions(permissions);
            return dir.file(name);
        };
        const QFile::Permissions owner = QFile::ReadOwner | QFile::WriteOwner;
        AlipayConfig config;
        config.enabled = true;
        config.gatewayUrl = m_server->url().toString();
        config.appId = kAppId;
        config.appPrivateKeyPath =
            write(QStringLiteral("app.pem"),
                  keys.value(u"app_private_pkcs8_pem").toString().toUtf8(), owner);
        config.alipayPublicKeyPath = write(QStringLiteral("alipay.pem"),
                                           keys.value(u"alipay_public_pem").toString().toUtf8(),
                                           owner | QFile::ReadGroup | QFile::ReadOther);
        config.timeoutMs = 1234;
        Result<AlipayClientSettings> s = AlipayClientSettings::fromConfig(config);
        QVERIFY2(s.ok(), s.ok() ? "" : qPrintable(s.error().message));
        QCOMPARE(s->requestTimeout, std::chrono::milliseconds(1234));
        QVERIFY(s->appPrivateKey.publicKey() == m_appKey.publicKey());
        QVERIFY(!s->certMode());

        // A private key others can read is refused, as ssh does.
        QFile::setPermissions(config.appPrivateKeyPath,
                              owner | QFile::ReadGroup | QFile::ReadOther);
        Result<AlipayClientSettings> open = AlipayClientSettings::fromConfig(config);
        QVERIFY(!open.ok());
        QVERIFY(open.error().message.contains(u"app.pem"));
        QFile::setPermissions(config.appPrivateKeyPath, owner);

        // Certificate mode: the SNs come from the three certificate files.
        const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
        if (openssl.isEmpty())
            QSKIP("the openssl command is not installed (scripts/install-deps.sh installs it)");
        auto makeCert = [&](const QString& name, const QString& subject) {
            const QString path = dir.file(name);
            QProcess p;
            p.start(openssl, {QStringLiteral("req"), QStringLiteral("-x509"),
                              QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                              QStringLiteral("-nodes"), QStringLiteral("-keyout"),
                              dir.file(name + QStringLiteral(".key")), QStringLiteral("-out"), path,
                              QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                              subject, QStringLiteral("-set_serial"), QStringLiteral("4242")});
            if (!p.waitForFinished(30000) || p.exitCode() != 0)
                qFatal("openssl req failed");
            return path;
        };
        config.certMode = true;
        config.alipayPublicKeyPath.clear();
        config.appCertPath =
            makeCert(QStringLiteral("app.crt"), QStringLiteral("/C=CN/O=qpos/CN=app"));
        config.alipayCertPath =
            makeCert(QStringLiteral("alipay.crt"), QStringLiteral("/C=CN/O=Ant/CN=alipay"));
        const QString root1 =
            makeCert(QStringLiteral("root1.crt"), QStringLiteral("/C=CN/CN=root1"));
        const QString root2 =
            makeCert(QStringLiteral("root2.crt"), QStringLiteral("/C=CN/CN=root2"));
        QFile a(root1), b(root2);
        QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
        config.alipayRootCertPath =
            write(QStringLiteral("roots.crt"), a.readAll() + b.readAll(), owner);
        Result<AlipayClientSettings> cert = AlipayClientSettings::fromConfig(config);
        QVERIFY2(cert.ok(), cert.ok() ? "" : qPrintable(cert.error().message));
        QVERIFY(cert->certMode());
        auto certificate = [](const QString& path) {
            QFile f(path);
            if (!f.open(QIODevice::ReadOnly))
                qFatal("cannot read a certificate");
            Result<crypto::X509Certificate> c = crypto::X509Certificate::fromPem(f.readAll());
            if (!c)
                qFatal("bad certificate");
            return *c;
        };
        QCOMPARE(cert->appCertSn, crypto::appCertSn(certificate(config.appCertPath)));
        QCOMPARE(cert->alipayCertSn, crypto::alipayCertSn(certificate(config.alipayCertPath)));
        QCOMPARE(cert->alipayRootCertSn, crypto::alipayCertSn(certificate(root1)) + u'_' +
                                             crypto::alipayCertSn(certificate(root2)));
        QVERIFY(cert->alipayPublicKey ==
                *certificate(config.alipayCertPath).publicKey()); // answers verify with it
        QCOMPARE(cert->appCertSn.size(), 32);
        QCOMPARE(cert->alipayCertSn.size(), 32);
        QVERIFY(cert->appCertSn != cert->alipayCertSn);
        QCOMPARE(cert->alipayRootCertSn.count(u'_'), 1);
        QVERIFY(cert->alipayRootCertSn.size() == 65);
    }

    void precreateRequestAndAnswer() {
        auto c = client();
        answer(QStringLiteral("alipay.trade.precreate"),
               "{\"code\":\"10000\",\"msg\":\"Success\",\"out_trade_no\":\"S01T0120261122000001\","
               "\"qr_code\":\"https:\\/\\/qr.alipay.com\\/bax08431yfhzdwhlpg7o00b6\"}");
        QrOrderRequest request{kOutTradeNo,
                               1234,
                               QStringLiteral("Iphone6 16G"),
                               120,
                               QStringLiteral("S01"),
                               QStringLiteral("T01"),
                               QStringLiteral("cashier7")};
        auto r = await<QrOrder>([&](QObject* ctx, Completion<QrOrder> done) {
            c->createQrOrder(request, ctx, std::move(done));
        });
        QVERIFY(r.has_value());
        QVERIFY2(r->isSuccess(), qPrintable(r->cashierMessage()));
        QCOMPARE(r->value().qrCode,
                 QStringLiteral("https://qr.alipay.com/bax08431yfhzdwhlpg7o00b6"));
        QCOMPARE(r->value().outTradeNo, kOutTradeNo);
        QCOMPARE(r->providerFields().value(u"code").toString(), QStringLiteral("10000"));

        QCOMPARE(m_server->requestCount(), 1);
        const QJsonObject biz = checkCommonParams(0, QStringLiteral("alipay.trade.precreate"));
        QCOMPARE(biz.value(u"out_trade_no").toString(), kOutTradeNo);
        QCOMPARE(biz.value(u"total_amount").toString(), QStringLiteral("12.34"));
        QCOMPARE(biz.value(u"subject").toString(), QStringLiteral("Iphone6 16G"));
        QCOMPARE(biz.value(u"timeout_express").toString(), QStringLiteral("2m"));
        QCOMPARE(biz.value(u"store_id").toString(), QStringLiteral("S01"));
        QCOMPARE(biz.value(u"terminal_id").toString(), QStringLiteral("T01"));
        QCOMPARE(biz.value(u"operator_id").toString(), QStringLiteral("cashier7"));
        QCOMPARE(receivedParams(0).value(QStringLiteral("notify_url")),
                 QStringLiteral("https://shop.example.com/notify/alipay"));
        QVERIFY(!receivedParams(0).contains(QStringLiteral("app_cert_sn")));
    }

    void payRequestAndAnswer() {
        auto c = client();
        answer(QStringLiteral("alipay.trade.pay"),
               "{\"code\":\"10000\",\"msg\":\"Success\",\"trade_no\":"
               "\"2026112222001446880500012345\",\"out_trade_no\":\"S01T0120261122000001\","
               "\"buyer_logon_id\":\"159****5620\",\"total_amount\":\"12.34\","
               "\"receipt_amount\":\"12.34\",\"buyer_pay_amount\":\"12.00\","
               "\"gmt_payment\":\"2026-11-22 10:21:05\"}");
        PayByCodeRequest request{
            kOutTradeNo, 1234, QStringLiteral("Coffee"), QStringLiteral("286148817284848401"), {},
            {},          {}};
        auto r = await<TradeSnapshot>([&](QObject* ctx, Completion<TradeSnapshot> done) {
            c->payByCode(request, ctx, std::move(done));
        });
        QVERIFY(r.has_value());
        QVERIFY2(r->isSuccess(), qPrintable(r->cashierMessage()));
        const TradeSnapshot& s = r->value();
        QCOMPARE(s.state, TradeState::Paid);
        QCOMPARE(s.providerTradeNo, QStringLiteral("2026112222001446880500012345"));
        QCOMPARE(s.totalFen, money::Fen(1234));
        QCOMPARE(s.receivedFen, std::optional<money::Fen>(1234));
        QCOMPARE(s.buyerPaidFen, std::optional<money::Fen>(1200));
        // 10:21:05 in China is 02:21:05 UTC.
        QCOMPARE(s.paidAtMs,
                 std::optional<qint64>(
                     QDateTime(QDate(2026, 11, 22), QTime(2, 21, 5), Qt::UTC).toMSecsSinceEpoch()));
        QCOMPARE(s.buyerAccount, QStringLiteral("159****5620"));

        const QJsonObject biz = checkCommonParams(0, QStringLiteral("alipay.trade.pay"));
        QCOMPARE(biz.value(u"scene").toString(), QStringLiteral("bar_code"));
        QCOMPARE(biz.value(u"auth_code").toString(), QStringLiteral("286148817284848401"));
        QCOMPARE(biz.value(u"total_amount").toString(), QStringLiteral("12.34"));
        QCOMPARE(biz.value(u"out_trade_no").toString(), kOutTradeNo);
        QVERIFY(!biz.contains(u"store_id")); // empty values are not sent
    }

    void debugLogIsRedacted() {
        auto c = client();
        const QByteArray body = signedAnswer(QStringLiteral("alipay.trade.pay"),
                                             "{\"code\":\"10003\",\"msg\":\"in process\"}");
        m_server->enqueue(ScriptedAction::respond(200, body));
        const QByteArray answerSign =
            QJsonDocument::fromJson(body).object().value(u"sign").toString().toLatin1();
        test::DebugLogCapture log("qpos.gateway.alipay");
        auto r = await<TradeSnapshot>([&](QObject* ctx, Completion<TradeSnapshot> done) {
            c->payByCode(PayByCodeRequest{kOutTradeNo,
                                          100,
                                          QStringLiteral("Tea"),
                                          QStringLiteral("286148817284848401"),
                                          {},
                                          {},
                                          {}},
                         ctx, std::move(done));
        });
        log.stop();
        QVERIFY(r.has_value());
        const QString all = log.text();
        QVERIFY2(all.contains(u"alipay.trade.pay"), qPrintable(all)); // the request was logged
        QVERIFY2(all.contains(u"10003"), qPrintable(all));            // and the answer
        QVERIFY(!all.contains(u"286148817284848401"));                // never the payment code
        QVERIFY(!all.contains(QString::fromLatin1(answerSign.left(40))));
        const QString requestSign = receivedParams(0).value(QStringLiteral("sign"));
        QVERIFY(!all.contains(requestSign.left(40)));
        QVERIFY(!all.contains(u"PRIVATE KEY"));
    }

    void payInProgress() {
        auto c = client();
        answer(QStringLiteral("alipay.trade.pay"),
               "{\"code\":\"10003\",\"msg\":\"order success pay inprocess\",\"out_trade_no\":"
               "\"S01T0120261122000001\",\"trade_no\":\"2026112222001446880500012345\"}");
        auto r = await<TradeSnapshot>([&](QObject* ctx, Completion<TradeSnapshot> done) {
            c->payByCode(PayByCodeRequest{kOutTradeNo,
                                          100,
                                          QStringLiteral("Tea"),
                                          QStringLiteral("28000000000000001"),
                                          {},
                                          {},
                                          {}},
                         ctx, std::move(done));
        });
        QVERIFY(r.has_value());
        QCOMPARE(r->kind(), OutcomeKind::InProgress);
        QVERIFY(!r->inProgress().cashierMessage.isEmpty());
        QCOMPARE(r->providerFields().value(u"code").toString(), QStringLiteral("10003"));
        QCOMPARE(m_server->requestCount(), 1);
    }

    void queryStates_data() {
        QTest::addColumn<QString>("status");
        QTest::addColumn<int>("state");
        QTest::newRow("waiting") << "WAIT_BUYER_PAY" << int(TradeState::WaitingForBuyer);
        QTest::newRow("paid") << "TRADE_SUCCESS" << int(TradeState::Paid);
        QTest::newRow("closed") << "TRADE_CLOSED" << int(TradeState::Closed);
        QTest::newRow("finished") << "TRADE_FINISHED" << int(TradeState::Finished);
    }
    void queryStates() {
        QFETCH(QString, status);
        QFETCH(int, state);
        auto c = client();
        answer(
            QStringLiteral("alipay.trade.query"),
            "{\"code\":\"10000\",\"msg\":\"Success\",\"trade_no\":\"2026112222001446880500012345\","
            "\"out_trade_no\":\"S01T0120261122000001\",\"trade_status\":\"" +
                status.toUtf8() +
                "\",\"total_amount\":\"88.88\",\"receipt_amount\":\"88.88\","
                "\"send_pay_date\":\"2026-11-22 10:21:05\"}");
        auto r = await<TradeSnapshot>([&](QObject* ctx, Completion<TradeSnapshot> done) {
            c->queryTrade(TradeRef{kOutTradeNo, {}}, ctx, std::move(done));
        });
        QVERIFY(r.has_value());
        QVERIFY2(r->isSuccess(), qPrintable(r->cashierMessage()));
        QCOMPARE(int(r->value().state), state);
        QCOMPARE(r->value().providerState, status);
        QCOMPARE(r->value().totalFen, money::Fen(8888));
        QVERIFY(r->value().paidAtMs.has_value());
        const QJsonObject biz = checkCommonParams(0, QStringLiteral("alipay.trade.query"));
        QCOMPARE(biz.value(u"out_trade_no").toString(), kOutTradeNo);
        QVERIFY(!receivedParams(0).contains(QStringLiteral("notify_url")));
    }

    void queryOfUnscannedQrIsNotAFailure() {
        auto c = client();
        answer(QStringLiteral("alipay.trade.query"),
               "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":"
               "\"ACQ.TRADE_NOT_EXIST\",\"sub_msg\":\"交易不存在\"}");
        auto r = await<TradeSnapshot>([&](QObject* ctx, Completion<TradeSnapshot> done) {
            c->queryTrade(TradeRef{kOutTradeNo, {}}, ctx, std::move(done));
        });
        QVERIFY(r.has_value());
        QVERIFY(r->isSuccess());
        QCOMPARE(r->value().state, TradeState::NotCreated);
        QCOMPARE(r->value().outTradeNo, kOutTradeNo);
        QCOMPARE(m_server->requestCount(), 1); // an answer, not a failure: no retry
    }

    void cancelRepeatsOnRetryFlag() {
        auto c = client();
        answer(QStringLiteral("alipay.trade.cancel"),
               "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":"
               "\"ACQ.SYSTEM_ERROR\",\"sub_msg\":\"系统错误\",\"retry_flag\":\"Y\"}");
        answer(
            QStringLiteral("alipay.trade.cancel"),
            "{\"code\":\"10000\",\"msg\":\"Success\",\"trade_no\":\"2026112222001446880500012345\","
            "\"out_trade_no\":\"S01T0120261122000001\",\"retry_flag\":\"N\",\"action\":\"refund\","
            "\"gmt_refund_pay\":\"2026-11-22 10:30:00\"}");
        auto r = await<CancelResult>([&](QObject* ctx, Completion<CancelResult> done) {
            c->cancelTrade(TradeRef{kOutTradeNo, {}}, ctx, std::move(done));
        });
        QVERIFY(r.has_value());
        QVERIFY2(r->isSuccess(), qPrintable(r->cashierMessage()));
        QCOMPARE(r->value().action, CancelAction::Refunded);
        QVERIFY(r->value().refundedAtMs.has_value());
        QCOMPARE(m_server->requestCount(), 2);
        QCOMPARE(checkCommonParams(1, QStringLiteral("alipay.trade.cancel"))
                     .value(u"out_trade_no")
                     .toString(),
                 kOutTradeNo);

        // Retry flag set on every answer: at most maxAttempts calls, then Unknown.
        m_server->clearRequests();
        m_server->setFallback(ScriptedAction::respond(
            200, signedAnswer(QStringLiteral("alipay.trade.cancel"),
                              "{\"code\":\"10000\",\"msg\":\"Success\",\"retry_flag\":\"Y\","
                              "\"action\":\"close\"}")));
        auto again = await<CancelResult>([&](QObject* ctx, Completion<CancelResult> done) {
            c->cancelTrade(TradeRef{kOutTradeNo, {}}, ctx, std::move(done));
        });
        QVERIFY(again.has_value());
        QCOMPARE(again->kind(), OutcomeKind::Unknown);
        QCOMPARE(again->unknown().reason.code, QStringLiteral("alipay.retry_requested"));
        QCOMPARE(m_server->requestCount(), 3);
    }

    void cancelClose() {
        auto c = client();
        answer(QStringLiteral("alipay.trade.cancel"),
               "{\"code\":\"10000\",\"msg\":\"Success\",\"out_trade_no\":\"S01T0120261122000001\","
               "\"retry_flag\":\"N\",\"action\":\"close\"}");
        auto r = await<CancelResult>([&](QObject* ctx, Completion<CancelResult> done) {
            c->cancelTrade(TradeRef{kOutTradeNo, {}}, ctx, std::move(done));
        });
        QVERIFY(r.has_value() && r->isSuccess());
        QCOMPARE(r->value().action, CancelAction::Closed);
    }

    void closeTrade() {
        auto c = client();
        answer(
            QStringLiteral("alipay.trade.close"),
            "{\"code\":\"10000\",\"msg\":\"Success\",\"trade_no\":\"2026112222001446880500012345\","
            "\"out_trade_no\":\"S01T0120261122000001\"}");
        auto r = await<CloseResult>([&](QObject* ctx, Completion<CloseResult> done) {
            c->closeTrade(TradeRef{kOutTradeNo, QStringLiteral("2026112222001446880500012345")},
                          ctx, std::move(done));
        });
        QVERIFY(r.has_value() && r->isSuccess());
        QVERIFY(r->value().existedAtProvider);
        const QJsonObject biz = checkCommonParams(0, QStringLiteral("alipay.trade.close"));
        QCOMPARE(biz.value(u"out_trade_no").toString(), kOutTradeNo);
        QCOMPARE(biz.value(u"trade_no").toString(), QStringLiteral("2026112222001446880500012345"));

        answer(QStringLiteral("alipay.trade.close"),
               "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":"
               "\"ACQ.TRADE_NOT_EXIST\",\"sub_msg\":\"交易不存在\"}");
        auto missing = await<CloseResult>([&](QObject* ctx, Completion<CloseResult> done) {
            c->closeTrade(TradeRef{kOutTradeNo, {}}, ctx, std::move(done));
        });
        QVERIFY(missing.has_value() && missing->isSuccess());
        QVERIFY(!missing->value().existedAtProvider);
    }

    void refundAndRepeat() {
        auto c = client();
        answer(
            QStringLiteral("alipay.trade.refund"),
            "{\"code\":\"10000\",\"msg\":\"Success\",\"trade_no\":\"2026112222001446880500012345\","
            "\"out_trade_no\":\"S01T0120261122000001\",\"buyer_logon_id\":\"159****5620\","
            "\"fund_change\":\"Y\",\"refund_fee\":\"0.50\",\"gmt_refund_pay\":"
            "\"2026-11-22 11:00:00\"}");
        answer(
            QStringLiteral("alipay.trade.refund"),
            "{\"code\":\"10000\",\"msg\":\"Success\",\"trade_no\":\"2026112222001446880500012345\","
            "\"out_trade_no\":\"S01T0120261122000001\",\"fund_change\":\"N\",\"refund_fee\":"
            "\"0.50\"}");
        RefundRequest request{kOutTradeNo,
                              {},
                              QStringLiteral("S01T0120261122000001R1"),
                              50,
                              QStringLiteral("customer changed mind"),
                              {},
                              {},
                              {}};
        auto first = await<RefundResult>([&](QObject* ctx, Completion<RefundResult> done) {
            c->refund(request, ctx, std::move(done));
        });
        QVERIFY(first.has_value());
        QVERIFY2(first->isSuccess(), qPrintable(first->cashierMessage()));
        QVERIFY(first->value().fundChanged);
        QCOMPARE(first->value().refundedTotalFen, money::Fen(50));
        QCOMPARE(first->value().outRequestNo, QStringLiteral("S01T0120261122000001R1"));
        QVERIFY(first->value().refundedAtMs.has_value());
        const QJsonObject biz = checkCommonParams(0, QStringLiteral("alipay.trade.refund"));
        QCOMPARE(biz.value(u"refund_amount").toString(), QStringLiteral("0.50"));
        QCOMPARE(biz.value(u"out_request_no").toString(), QStringLiteral("S01T0120261122000001R1"));
        QCOMPARE(biz.value(u"refund_reason").toString(), QStringLiteral("customer changed mind"));

        auto repeat = await<RefundResult>([&](QObject* ctx, Completion<RefundResult> done) {
            c->refund(request, ctx, std::move(done));
        });
        QVERIFY(repeat.has_value() && repeat->isSuccess());
        QVERIFY(!repeat->value().fundChanged); // a repeat moves no money
        QCOMPARE(checkCommonParams(1, QStringLiteral("alipay.trade.refund"))
                     .value(u"out_request_no")
                     .toString(),
                 QStringLiteral("S01T0120261122000001R1"));
    }

    // An answer without fund_change proves nothing moved: the refund query decides.
    void refundWithoutFundChangeProvesNothing() {
        auto c = client();
        answer(
            QStringLiteral("alipay.trade.refund"),
            "{\"code\":\"10000\",\"msg\":\"Success\",\"trade_no\":\"2026112222001446880500012345\","
            "\"out_trade_no\":\"S01T0120261122000001\",\"refund_fee\":\"0.50\"}");
        RefundRequest request;
        request.outTradeNo = kOutTradeNo;
        request.outRequestNo = QStringLiteral("S01T0120261122000001R1");
        request.amountFen = 50;
        auto r = await<RefundResult>([&](QObject* ctx, Completion<RefundResult> done) {
            c->refund(request, ctx, std::move(done));
        });
        QVERIFY(r.has_value());
        QVERIFY2(r->isSuccess(), qPrintable(r->cashierMessage()));
        QVERIFY(!r->value().fundChanged);
    }

    void refundQuery() {
        auto c = client();
        answer(
            QStringLiteral("alipay.trade.fastpay.refund.query"),
            "{\"code\":\"10000\",\"msg\":\"Success\",\"trade_no\":\"2026112222001446880500012345\","
            "\"out_trade_no\":\"S01T0120261122000001\",\"out_request_no\":"
            "\"S01T0120261122000001R1\",\"total_amount\":\"88.88\",\"refund_amount\":\"0.50\","
            "\"refund_status\":\"REFUND_SUCCESS\",\"gmt_refund_pay\":\"2026-11-22 11:00:00\"}");
        answer(QStringLiteral("alipay.trade.fastpay.refund.query"),
               "{\"code\":\"10000\",\"msg\":\"Success\"}");
        const RefundQuery query{kOutTradeNo, {}, QStringLiteral("S01T0120261122000001R1")};
        auto found =
            await<RefundQueryResult>([&](QObject* ctx, Completion<RefundQueryResult> done) {
                c->queryRefund(query, ctx, std::move(done));
            });
        QVERIFY(found.has_value());
        QVERIFY2(found->isSuccess(), qPrintable(found->cashierMessage()));
        QCOMPARE(found->value().state, RefundState::Refunded);
        QCOMPARE(found->value().refundFen, money::Fen(50));
        QCOMPARE(found->value().tradeTotalFen, std::optional<money::Fen>(8888));
        const QJsonObject biz =
            checkCommonParams(0, QStringLiteral("alipay.trade.fastpay.refund.query"));
        QCOMPARE(biz.value(u"out_request_no").toString(), QStringLiteral("S01T0120261122000001R1"));
        QCOMPARE(biz.value(u"query_options").toArray().first().toString(),
                 QStringLiteral("gmt_refund_pay"));

        auto none = await<RefundQueryResult>([&](QObject* ctx, Completion<RefundQueryResult> done) {
            c->queryRefund(query, ctx, std::move(done));
        });
        QVERIFY(none.has_value() && none->isSuccess());
        QCOMPARE(none->value().state, RefundState::NotFound);
    }

    // Every class of answer, through precreate / pay (never retried: one request each).
    void outcomes_data() {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("code");
        const QString precreate = QStringLiteral("alipay.trade.precreate");
        const QString pay = QStringLiteral("alipay.trade.pay");
        QTest::newRow("20000") << precreate << "20000" << int(OutcomeKind::Unknown)
                               << "alipay.provider_busy";
        QTest::newRow("system error")
            << pay << "system_error" << int(OutcomeKind::Unknown) << "alipay.provider_busy";
        QTest::newRow("has close") << precreate << "ACQ.TRADE_HAS_CLOSE"
                                   << int(OutcomeKind::Refused) << "ACQ.TRADE_HAS_CLOSE";
        QTest::newRow("balance") << pay << "ACQ.BUYER_BALANCE_NOT_ENOUGH"
                                 << int(OutcomeKind::Refused) << "ACQ.BUYER_BALANCE_NOT_ENOUGH";
        QTest::newRow("auth code") << pay << "ACQ.PAYMENT_AUTH_CODE_INVALID"
                                   << int(OutcomeKind::Refused) << "ACQ.PAYMENT_AUTH_CODE_INVALID";
        QTest::newRow("already paid")
            << pay << "ACQ.TRADE_HAS_SUCCESS" << int(OutcomeKind::Unknown) << "alipay.already_paid";
        QTest::newRow("unsigned 40002")
            << pay << "unsigned" << int(OutcomeKind::Unknown) << "alipay.unsigned_response";
        QTest::newRow("http 502") << precreate << "502" << int(OutcomeKind::Unknown)
                                  << "gateway.http_status";
        QTest::newRow("timeout") << pay << "hang" << int(OutcomeKind::Unknown) << "gateway.timeout";
        QTest::newRow("closed") << pay << "close" << int(OutcomeKind::Unknown)
                                << "gateway.connection_failed";
        QTest::newRow("truncated http")
            << precreate << "truncate" << int(OutcomeKind::Unknown) << "gateway.connection_failed";
        QTest::newRow("truncated json") << precreate << "truncated_json"
                                        << int(OutcomeKind::Unknown) << "alipay.malformed_response";
        QTest::newRow("wrong key")
            << pay << "wrong_key" << int(OutcomeKind::Unknown) << "alipay.bad_signature";
        QTest::newRow("other method")
            << pay << "other_method" << int(OutcomeKind::Unknown) << "alipay.malformed_response";
        QTest::newRow("malformed amount")
            << pay << "bad_amount" << int(OutcomeKind::Unknown) << "alipay.malformed_answer";
        QTest::newRow("other order")
            << pay << "other_order" << int(OutcomeKind::Unknown) << "alipay.answer_mismatch";
        QTest::newRow("unexpected code")
            << precreate << "99999" << int(OutcomeKind::Unknown) << "alipay.unexpected_code";
    }
    void outcomes() {
        QFETCH(QString, method);
        QFETCH(QString, scenario);
        QFETCH(int, kind);
        QFETCH(QString, code);

        const QByteArray paid = "{\"code\":\"10000\",\"msg\":\"Success\",\"trade_no\":\"1\","
                                "\"out_trade_no\":\"S01T0120261122000001\",\"total_amount\":";
        auto refusal = [](const QString& sub) {
            return "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"" +
                   sub.toUtf8() + "\",\"sub_msg\":\"x\"}";
        };
        ScriptedAction action;
        if (scenario == u"20000") {
            action = ScriptedAction::respond(
                200, signedAnswer(method, "{\"code\":\"20000\",\"msg\":\"Service Currently "
                                          "Unavailable\",\"sub_code\":\"isp.unknow-error\"}"));
        } else if (scenario == u"99999") {
            action = ScriptedAction::respond(200, signedAnswer(method, "{\"code\":\"99999\"}"));
        } else if (scenario == u"system_error") {
            action = ScriptedAction::respond(
                200, signedAnswer(method, refusal(QStringLiteral("ACQ.SYSTEM_ERROR"))));
        } else if (scenario.startsWith(u"ACQ.")) {
            action = ScriptedAction::respond(200, signedAnswer(method, refusal(scenario)));
        } else if (scenario == u"unsigned") {
            action = ScriptedAction::respond(
                200, "{\"error_response\":{\"code\":\"40002\",\"msg\":\"Invalid Arguments\","
                     "\"sub_code\":\"isv.invalid-signature\",\"sub_msg\":\"验签出错\"}}");
        } else if (scenario == u"502") {
            action = ScriptedAction::respond(502, "<html>Bad Gateway</html>", "text/html");
        } else if (scenario == u"hang") {
            action = ScriptedAction::hang();
        } else if (scenario == u"close") {
            action = ScriptedAction::close();
        } else if (scenario == u"truncate") {
            const QByteArray body =
                signedAnswer(method, "{\"code\":\"10000\",\"msg\":\"Success\"}");
            action = ScriptedAction::truncate(body, body.size() / 2);
        } else if (scenario == u"truncated_json") {
            const QByteArray body =
                signedAnswer(method, "{\"code\":\"10000\",\"msg\":\"Success\"}");
            action = ScriptedAction::respond(200, body.left(body.size() - 20));
        } else if (scenario == u"wrong_key") {
            action =
                ScriptedAction::respond(200, signedAnswer(method, paid + "\"1.00\"}", &m_otherKey));
        } else if (scenario == u"other_method") {
            action = ScriptedAction::respond(
                200, signedAnswer(QStringLiteral("alipay.trade.query"), paid + "\"1.00\"}"));
        } else if (scenario == u"bad_amount") {
            action = ScriptedAction::respond(200, signedAnswer(method, paid + "\"1.001\"}"));
        } else if (scenario == u"other_order") {
            action = ScriptedAction::respond(
                200, signedAnswer(method, "{\"code\":\"10000\",\"msg\":\"Success\",\"trade_no\":"
                                          "\"1\",\"out_trade_no\":\"SOMEONE_ELSE\","
                                          "\"total_amount\":\"1.00\"}"));
        }
        m_server->enqueue(action);
        // Qt's HTTP layer resends a request (even a POST) once when the connection is closed
        // before any answer byte: Alipay sees the same out_trade_no twice, which it treats as
        // the same trade.
        if (scenario == u"close")
            m_server->setFallback(action);

        AlipayClientSettings s = settings();
        s.requestTimeout = std::chrono::milliseconds(400);
        auto c = client(s);
        QElapsedTimer clock;
        clock.start();
        OutcomeKind gotKind = OutcomeKind::Success;
        QString gotCode;
        QString message;
        if (method == u"alipay.trade.pay") {
            auto r = await<TradeSnapshot>([&](QObject* ctx, Completion<TradeSnapshot> done) {
                c->payByCode(PayByCodeRequest{kOutTradeNo,
                                              100,
                                              QStringLiteral("Tea"),
                                              QStringLiteral("28000000000000001"),
                                              {},
                                              {},
                                              {}},
                             ctx, std::move(done));
            });
            QVERIFY(r.has_value());
            gotKind = r->kind();
            gotCode = r->isRefused()   ? r->refused().subCode
                      : r->isUnknown() ? r->unknown().reason.code
                                       : QString();
            message = r->cashierMessage();
        } else {
            auto r = await<QrOrder>([&](QObject* ctx, Completion<QrOrder> done) {
                c->createQrOrder(
                    QrOrderRequest{kOutTradeNo, 100, QStringLiteral("Tea"), 0, {}, {}, {}}, ctx,
                    std::move(done));
            });
            QVERIFY(r.has_value());
            gotKind = r->kind();
            gotCode = r->isRefused()   ? r->refused().subCode
                      : r->isUnknown() ? r->unknown().reason.code
                                       : QString();
            message = r->cashierMessage();
        }
        QCOMPARE(int(gotKind), kind);
        QCOMPARE(gotCode, code);
        QVERIFY(!message.isEmpty());
        QVERIFY(!message.contains(u"sign="));
        if (scenario != u"close")
            QCOMPARE(m_server->requestCount(), 1); // create and pay are never retried
        if (scenario == u"hang")
            QVERIFY(clock.elapsed() < 3000);
    }

    void cashierMessagesAreHelpful() {
        auto c = client();
        m_server->enqueue(ScriptedAction::respond(
            200, signedAnswer(QStringLiteral("alipay.trade.pay"),
                              "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":"
                              "\"ACQ.PAYMENT_AUTH_CODE_INVALID\",\"sub_msg\":"
                              "\"支付失败，获取顾客账户信息失败\"}")));
        auto r = await<TradeSnapshot>([&](QObject* ctx, Completion<TradeSnapshot> done) {
            c->payByCode(PayByCodeRequest{kOutTradeNo,
                                          100,
                                          QStringLiteral("Tea"),
                                          QStringLiteral("28000000000000001"),
                                          {},
                                          {},
                                          {}},
                         ctx, std::move(done));
        });
        QVERIFY(r.has_value() && r->isRefused());
        QCOMPARE(r->refused().code, QStringLiteral("40004"));
        QCOMPARE(r->refused().providerMessage, QStringLiteral("支付失败，获取顾客账户信息失败"));
        QVERIFY(r->refused().cashierMessage.contains(u"payment code"));
    }

    void localProblemsAreNeverSent() {
        auto c = client();
        auto r = await<QrOrder>([&](QObject* ctx, Completion<QrOrder> done) {
            c->createQrOrder(QrOrderRequest{kOutTradeNo, 0, QStringLiteral("Tea"), 0, {}, {}, {}},
                             ctx, std::move(done));
        });
        QVERIFY(r.has_value() && r->isRefused());
        QCOMPARE(r->refused().subCode, QString::fromLatin1(errc::notSent));
        QCOMPARE(m_server->requestCount(), 0);
    }

    void idempotentCallsRetryTransientFailures() {
        auto c = client();
        m_server->enqueue(ScriptedAction::respond(502, "busy", "text/plain"));
        m_server->enqueue(ScriptedAction::respond(
            200, signedAnswer(QStringLiteral("alipay.trade.query"),
                              "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":"
                              "\"ACQ.SYSTEM_ERROR\"}")));
        answer(QStringLiteral("alipay.trade.query"),
               "{\"code\":\"10000\",\"msg\":\"Success\",\"out_trade_no\":\"S01T0120261122000001\","
               "\"trade_status\":\"TRADE_SUCCESS\",\"total_amount\":\"1.00\"}");
        auto r = await<TradeSnapshot>([&](QObject* ctx, Completion<TradeSnapshot> done) {
            c->queryTrade(TradeRef{kOutTradeNo, {}}, ctx, std::move(done));
        });
        QVERIFY(r.has_value());
        QVERIFY2(r->isSuccess(), qPrintable(r->cashierMessage()));
        QCOMPARE(r->value().state, TradeState::Paid);
        QCOMPARE(m_server->requestCount(), 3);
        // Each retry is a fresh, freshly signed request.
        for (int i = 0; i < 3; ++i)
            checkCommonParams(i, QStringLiteral("alipay.trade.query"));

        // Always failing: exactly maxAttempts requests, then Unknown.
        m_server->clearRequests();
        m_server->setFallback(ScriptedAction::respond(503, "down", "text/plain"));
        auto failing = await<CloseResult>([&](QObject* ctx, Completion<CloseResult> done) {
            c->closeTrade(TradeRef{kOutTradeNo, {}}, ctx, std::move(done));
        });
        QVERIFY(failing.has_value());
        QCOMPARE(failing->kind(), OutcomeKind::Unknown);
        QCOMPARE(failing->unknown().reason.code, QString::fromLatin1(errc::httpStatus));
        QCOMPARE(m_server->requestCount(), 3);
        // Backoff never exceeds its cap (plus scheduling slack).
        for (int i = 1; i < 3; ++i) {
            const qint64 gap =
                m_server->requests()[i].receivedAtMs - m_server->requests()[i - 1].receivedAtMs;
            QVERIFY2(gap < 1000, qPrintable(QString::number(gap)));
        }

        // A refund is not retried by the client (the engine spaces its repeats 3 s apart);
        // nor is a pay.
        m_server->clearRequests();
        auto refund = await<RefundResult>([&](QObject* ctx, Completion<RefundResult> done) {
            c->refund(RefundRequest{kOutTradeNo, {}, QStringLiteral("R1"), 10, {}, {}, {}, {}}, ctx,
                      std::move(done));
        });
        QVERIFY(refund.has_value() && refund->isUnknown());
        QCOMPARE(m_server->requestCount(), 1);
        m_server->clearRequests();
        auto pay = await<TradeSnapshot>([&](QObject* ctx, Completion<TradeSnapshot> done) {
            c->payByCode(PayByCodeRequest{kOutTradeNo,
                                          100,
                                          QStringLiteral("Tea"),
                                          QStringLiteral("28000000000000001"),
                                          {},
                                          {},
                                          {}},
                         ctx, std::move(done));
        });
        QVERIFY(pay.has_value() && pay->isUnknown());
        QCOMPARE(m_server->requestCount(), 1);
        // A refusal is an answer: never retried.
        m_server->clearRequests();
        m_server->setFallback(ScriptedAction::respond(
            200, signedAnswer(QStringLiteral("alipay.trade.close"),
                              "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":"
                              "\"ACQ.TRADE_STATUS_ERROR\"}")));
        auto refused = await<CloseResult>([&](QObject* ctx, Completion<CloseResult> done) {
            c->closeTrade(TradeRef{kOutTradeNo, {}}, ctx, std::move(done));
        });
        QVERIFY(refused.has_value() && refused->isRefused());
        QCOMPARE(m_server->requestCount(), 1);
    }

    void retriesStopAtTheDeadline() {
        AlipayClientSettings s = settings();
        test::retryUntilShortDeadline(s);
        auto c = client(s);
        m_server->setFallback(ScriptedAction::hang());
        QElapsedTimer clock;
        clock.start();
        auto r = await<TradeSnapshot>([&](QObject* ctx, Completion<TradeSnapshot> done) {
            c->queryTrade(TradeRef{kOutTradeNo, {}}, ctx, std::move(done));
        });
        const qint64 elapsed = clock.elapsed();
        QVERIFY(r.has_value());
        QCOMPARE(r->kind(), OutcomeKind::Unknown);
        QCOMPARE(r->unknown().reason.code, QString::fromLatin1(errc::timeout));
        QVERIFY2(m_server->requestCount() >= 2,
                 qPrintable(QString::number(m_server->requestCount())));
        QVERIFY2(elapsed < test::kShortRetryDeadline.count() + 400,
                 qPrintable(QString::number(elapsed)));
        QCOMPARE(c->requestsInFlight(), 0);
    }

    void circuitBreakerOpensFailsFastAndRecovers() {
        AlipayClientSettings s = settings();
        test::useQuickBreaker(s);
        auto c = client(s);
        QSignalSpy spy(c.get(), &AlipayClient::circuitStateChanged);
        QSignalSpy breakerSpy(&c->circuitBreaker(), &CircuitBreaker::stateChanged);
        m_server->setFallback(ScriptedAction::respond(502, "down", "text/plain"));
        auto query = [&] {
            return await<TradeSnapshot>([&](QObject* ctx, Completion<TradeSnapshot> done) {
                c->queryTrade(TradeRef{kOutTradeNo, {}}, ctx, std::move(done));
            });
        };
        for (int i = 0; i < 3; ++i) {
            auto r = query();
            QVERIFY(r.has_value());
            QCOMPARE(r->unknown().reason.code, QString::fromLatin1(errc::httpStatus));
        }
        QCOMPARE(c->circuitState(), CircuitState::Open);
        QCOMPARE(spy.size(), 1);
        QCOMPARE(breakerSpy.size(), 1);

        // Open: fails fast, nothing is sent.
        QElapsedTimer clock;
        clock.start();
        auto fast = query();
        QVERIFY(fast.has_value());
        QCOMPARE(fast->unknown().reason.code, QString::fromLatin1(errc::unreachable));
        QVERIFY(fast->unknown().reason.message.contains(u"not reachable"));
        QCOMPARE(m_server->requestCount(), 3);
        QVERIFY(clock.elapsed() < 250);

        // Cool-down over: half-open; a failing probe opens it again.
        QTRY_COMPARE_WITH_TIMEOUT(c->circuitState(), CircuitState::HalfOpen, 3000);
        auto probe = query();
        QVERIFY(probe.has_value());
        QCOMPARE(probe->unknown().reason.code, QString::fromLatin1(errc::httpStatus));
        QCOMPARE(m_server->requestCount(), 4);
        QCOMPARE(c->circuitState(), CircuitState::Open);

        // Next probe succeeds: closed again, requests flow.
        QTRY_COMPARE_WITH_TIMEOUT(c->circuitState(), CircuitState::HalfOpen, 3000);
        answer(QStringLiteral("alipay.trade.query"),
               "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":"
               "\"ACQ.TRADE_NOT_EXIST\"}");
        auto ok = query();
        QVERIFY(ok.has_value() && ok->isSuccess());
        QCOMPARE(c->circuitState(), CircuitState::Closed);
        const QList<CircuitState> expected{CircuitState::Open, CircuitState::HalfOpen,
                                           CircuitState::Open, CircuitState::HalfOpen,
                                           CircuitState::Closed};
        QCOMPARE(spy.size(), expected.size());
        for (qsizetype i = 0; i < expected.size(); ++i)
            QCOMPARE(spy.at(i).at(0).value<CircuitState>(), expected[i]);
    }

    void resultsArriveLaterAndOnlyToLiveContexts() {
        auto c = client();
        m_server->setFallback(ScriptedAction::respondAfter(
            100, 200,
            signedAnswer(QStringLiteral("alipay.trade.query"),
                         "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":"
                         "\"ACQ.TRADE_NOT_EXIST\"}")));
        bool called = false;
        auto context = std::make_unique<QObject>();
        c->queryTrade(TradeRef{kOutTradeNo, {}}, context.get(),
                      [&called](GatewayResult<TradeSnapshot>) { called = true; });
        // Even a local refusal is delivered later, never from inside the call.
        bool localCalled = false;
        c->queryTrade(TradeRef{}, context.get(),
                      [&localCalled](GatewayResult<TradeSnapshot>) { localCalled = true; });
        QVERIFY(!localCalled);
        context.reset(); // the screen went away
        QTRY_COMPARE_WITH_TIMEOUT(m_server->requestCount(), 1, 3000);
        QTest::qWait(300);
        QVERIFY(!called);
        QVERIFY(!localCalled);

        // A null context means the client itself.
        bool viaClient = false;
        c->queryTrade(TradeRef{kOutTradeNo, {}}, nullptr,
                      [&viaClient](GatewayResult<TradeSnapshot> r) { viaClient = r.isSuccess(); });
        QTRY_VERIFY_WITH_TIMEOUT(viaClient, 3000);

        // Destroying the client aborts in-flight calls without calling back.
        bool afterDestroy = false;
        QObject keep;
        c->queryTrade(TradeRef{kOutTradeNo, {}}, &keep,
                      [&afterDestroy](GatewayResult<TradeSnapshot>) { afterDestroy = true; });
        QTRY_COMPARE_WITH_TIMEOUT(m_server->requestCount(), 3, 3000);
        c.reset();
        QTest::qWait(300);
        QVERIFY(!afterDestroy);
    }

    void certificateMode() {
        AlipayClientSettings s = settings();
        s.appCertSn = QStringLiteral("50fa7bc5dc305a4fbdbe166689ddc827");
        s.alipayRootCertSn =
            QStringLiteral("687b59193f3f462dd5336e5abf83c5d8_02941eef3187dddf3d3b83462e1dfcf6");
        s.alipayCertSn = QStringLiteral("e1b9ed6d1c1d0e4f1c49b6e3d0e1a3b2");
        auto c = client(s);
        const QByteArray object = "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":"
                                  "\"ACQ.TRADE_NOT_EXIST\"}";
        m_server->enqueue(
            ScriptedAction::respond(200, signedAnswer(QStringLiteral("alipay.trade.query"), object,
                                                      nullptr, s.alipayCertSn.toLatin1())));
        auto r = await<TradeSnapshot>([&](QObject* ctx, Completion<TradeSnapshot> done) {
            c->queryTrade(TradeRef{kOutTradeNo, {}}, ctx, std::move(done));
        });
        QVERIFY(r.has_value());
        QVERIFY2(r->isSuccess(), qPrintable(r->cashierMessage()));
        const Params p = receivedParams(0);
        QCOMPARE(p.value(QStringLiteral("app_cert_sn")), s.appCertSn);
        QCOMPARE(p.value(QStringLiteral("alipay_root_cert_sn")), s.alipayRootCertSn);
        checkCommonParams(0, QStringLiteral("alipay.trade.query")); // SNs are signed too

        // An answer under another Alipay certificate is not trusted: with no root to check a
        // renewed certificate against, the download cannot make it trusted either.
        m_server->setFallback(ScriptedAction::respond(
            200, signedAnswer(QStringLiteral("alipay.trade.query"), object, nullptr,
                              "00000000000000000000000000000000")));
        auto other = await<TradeSnapshot>([&](QObject* ctx, Completion<TradeSnapshot> done) {
            c->queryTrade(TradeRef{kOutTradeNo, {}}, ctx, std::move(done));
        });
        QVERIFY(other.has_value() && other->isUnknown());
        QCOMPARE(other->unknown().reason.code, QStringLiteral("alipay.cert_sn_unknown"));
    }
};

QTEST_GUILESS_MAIN(TestAlipayClient)
#include "tst_alipay_client.moc"
