// Every fault the sandbox can inject, observed as a client observes it over HTTP: set by the
// control endpoint, the C++ API or a command-line spec.
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/SandboxServer.h"
#include "tests/sandbox/AlipayTestClient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace qpos;
using namespace qpos::sandbox;
using namespace qpos::test;

namespace {

const QString kApp = QStringLiteral("2021000000000003");
const QString kQuery = QStringLiteral("alipay.trade.query");
const QString kPrecreate = QStringLiteral("alipay.trade.precreate");

} // namespace

class TestSandboxAlipayFaults : public QObject {
    Q_OBJECT

    std::unique_ptr<SandboxServer> m_server;
    std::unique_ptr<AlipayTestClient> m_client;
    crypto::RsaPrivateKey m_key;
    int m_sequence = 0;

    QString nextNo() {
        return QStringLiteral("F%1_%2").arg(QDateTime::currentMSecsSinceEpoch()).arg(++m_sequence);
    }
    AlipaySimulator& alipay() { return m_server->alipay(); }
    FaultPlan& faults() { return m_server->faults(); }

    void addFault(const QJsonObject& fault) {
        int status = 0;
        m_client->controlJson("POST", QStringLiteral("/sandbox/faults"), fault, &status);
        QCOMPARE(status, 201);
    }
    static QJsonObject fault(const char* kind, QJsonObject more = {}) {
        more.insert(QStringLiteral("kind"), QLatin1String(kind));
        return more;
    }
    bool exists(const QString& no) { return alipay().trade(no).has_value(); }

private slots:
    void initTestCase() {
        SandboxOptions options;
        options.faultSeed = 42;
        m_server = std::make_unique<SandboxServer>(options);
        QVERIFY(m_server->listen().ok());
        Result<crypto::RsaPrivateKey> key = alipay().createApp(kApp);
        QVERIFY(key.ok());
        m_key = *key;
        m_client = std::make_unique<AlipayTestClient>(m_server->baseUrl(), kApp, *key,
                                                      alipay().alipayPublicKey());
    }

    void init() { faults().clear(); }

    void latencyDelaysTheAnswer() {
        addFault(fault("latency",
                       {{QStringLiteral("latency_ms"), 400}, {QStringLiteral("method"), kQuery}}));
        // Another method is not delayed.
        GatewayResult r = m_client->precreate(nextNo(), QStringLiteral("1.00"));
        QCOMPARE(r.code(), QStringLiteral("10000"));
        QVERIFY(r.http.elapsedMs < 400);
        r = m_client->call(kQuery, QJsonObject{{QStringLiteral("out_trade_no"), nextNo()}});
        QVERIFY(r.signatureOk);
        QVERIFY2(r.http.elapsedMs >= 390, qPrintable(QString::number(r.http.elapsedMs)));
        // Once only.
        r = m_client->call(kQuery, QJsonObject{{QStringLiteral("out_trade_no"), nextNo()}});
        QVERIFY(r.http.elapsedMs < 400);
        // The server's thread is never blocked: it answers others during a delay.
        addFault(fault("latency", {{QStringLiteral("latency_ms"), 1500},
                                   {QStringLiteral("method"), kPrecreate}}));
        const QString slowNo = nextNo();
        Result<alipay::Params> p = alipay::signRequest(
            m_client->params(kPrecreate,
                             QJsonObject{{QStringLiteral("out_trade_no"), slowNo},
                                         {QStringLiteral("total_amount"), QStringLiteral("1.00")},
                                         {QStringLiteral("subject"), QStringLiteral("x")}}),
            m_key);
        QVERIFY(p.ok());
        QNetworkAccessManager network;
        QNetworkRequest request(alipay().gatewayUrl());
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/x-www-form-urlencoded"));
        QNetworkReply* slow = network.post(request, alipay::formBody(*p));
        QTRY_VERIFY(exists(slowNo)); // applied on arrival, answered later
        QElapsedTimer t;
        t.start();
        int status = 0;
        m_client->controlJson("GET", QStringLiteral("/sandbox/faults"), {}, &status);
        QCOMPARE(status, 200);
        QCOMPARE(
            m_client->call(kQuery, QJsonObject{{QStringLiteral("out_trade_no"), nextNo()}}).code(),
            QStringLiteral("40004"));
        QVERIFY(t.elapsed() < 1000);
        QVERIFY(!slow->isFinished());
        QTRY_VERIFY_WITH_TIMEOUT(slow->isFinished(), 5000);
        QCOMPARE(slow->error(), QNetworkReply::NoError);
        delete slow;
    }

    void httpErrorIsNotApplied() {
        addFault(fault("http_error", {{QStringLiteral("status"), 502}}));
        const QString no = nextNo();
        const GatewayResult r = m_client->precreate(no, QStringLiteral("1.00"));
        QCOMPARE(r.http.status, 502);
        QVERIFY(!r.extracted);
        QVERIFY(!exists(no));
        QCOMPARE(m_client->precreate(no, QStringLiteral("1.00")).code(), QStringLiteral("10000"));
    }

    void timeoutNeverAnswers() {
        addFault(fault("timeout"));
        const QString no = nextNo();
        const GatewayResult r = m_client->send(
            kPrecreate,
            m_client->params(kPrecreate,
                             QJsonObject{{QStringLiteral("out_trade_no"), no},
                                         {QStringLiteral("total_amount"), QStringLiteral("1.00")},
                                         {QStringLiteral("subject"), QStringLiteral("x")}}),
            700);
        QVERIFY(r.http.timedOut);
        QCOMPARE(r.http.status, 0);
        QVERIFY(!exists(no));
        QVERIFY(faults().rules().isEmpty());
    }

    void droppedAfterCommit() {
        // QNetworkAccessManager silently sends a request again (up to twice) when the
        // connection closes before any answer, so the fault stays on until cleared here.
        addFault(fault("drop_after_commit",
                       {{QStringLiteral("method"), kPrecreate}, {QStringLiteral("count"), -1}}));
        const QString no = nextNo();
        const GatewayResult r = m_client->precreate(no, QStringLiteral("3.00"));
        faults().clear();
        QVERIFY(!r.http.timedOut);
        QCOMPARE(r.http.status, 0);
        QVERIFY(r.http.body.isEmpty());
        QVERIFY(r.http.error != QNetworkReply::NoError);
        // The order was made: a retry finds it (idempotent), a query after a scan shows it.
        QVERIFY(exists(no));
        QCOMPARE(m_client->precreate(no, QStringLiteral("3.00")).code(), QStringLiteral("10000"));
    }

    void serviceUnavailableAndSystemError() {
        addFault(fault("service_unavailable"));
        const QString no = nextNo();
        GatewayResult r = m_client->precreate(no, QStringLiteral("1.00"));
        QVERIFY(r.signatureOk);
        QCOMPARE(r.code(), QStringLiteral("20000"));
        QCOMPARE(r.subCode(), QStringLiteral("isp.unknow-error"));
        QVERIFY(!exists(no));

        addFault(fault("system_error"));
        r = m_client->precreate(no, QStringLiteral("1.00"));
        QVERIFY(r.signatureOk);
        QCOMPARE(r.code(), QStringLiteral("40004"));
        QCOMPARE(r.subCode(), QStringLiteral("ACQ.SYSTEM_ERROR"));
        QVERIFY(!exists(no));

        // With "commit": the request was applied, only the answer says otherwise.
        addFault(fault("service_unavailable", {{QStringLiteral("commit"), true}}));
        r = m_client->precreate(no, QStringLiteral("1.00"));
        QCOMPARE(r.code(), QStringLiteral("20000"));
        QVERIFY(exists(no));
        const QString paid = nextNo();
        QVERIFY(m_client->precreate(paid, QStringLiteral("1.00")).code() == u"10000");
        QVERIFY(alipay().buyerPay(paid).ok());
        addFault(fault("system_error",
                       {{QStringLiteral("commit"), true},
                        {QStringLiteral("method"), QStringLiteral("alipay.trade.cancel")}}));
        r = m_client->call(QStringLiteral("alipay.trade.cancel"),
                           QJsonObject{{QStringLiteral("out_trade_no"), paid}});
        QCOMPARE(r.subCode(), QStringLiteral("ACQ.SYSTEM_ERROR"));
        QCOMPARE(r.field("retry_flag"), QStringLiteral("Y"));
        QCOMPARE(alipay().trade(paid)->status, AlipayTradeStatus::Closed);
    }

    // Alipay may answer a refund with fund_change=N: made (commit) or not made.
    void refundUnconfirmed() {
        const QString kRefund = QStringLiteral("alipay.trade.refund");
        const QString kRefundQuery = QStringLiteral("alipay.trade.fastpay.refund.query");
        const QString no = nextNo();
        QVERIFY(m_client->precreate(no, QStringLiteral("10.00")).code() == u"10000");
        QVERIFY(alipay().buyerPay(no).ok());
        auto refund = [&](const QString& requestNo) {
            return m_client->call(
                kRefund, QJsonObject{{QStringLiteral("out_trade_no"), no},
                                     {QStringLiteral("refund_amount"), QStringLiteral("1.00")},
                                     {QStringLiteral("out_request_no"), requestNo}});
        };
        auto queried = [&](const QString& requestNo) {
            return m_client->call(kRefundQuery,
                                  QJsonObject{{QStringLiteral("out_trade_no"), no},
                                              {QStringLiteral("out_request_no"), requestNo}});
        };

        // Not made: N, nothing moved, the query has no refund data; a repeat makes it.
        addFault(fault("refund_unconfirmed", {{QStringLiteral("method"), kRefund}}));
        GatewayResult r = refund(QStringLiteral("R1"));
        QVERIFY(r.signatureOk);
        QCOMPARE(r.code(), QStringLiteral("10000"));
        QCOMPARE(r.field("fund_change"), QStringLiteral("N"));
        QCOMPARE(alipay().trade(no)->refunded, money::Fen(0));
        QVERIFY(queried(QStringLiteral("R1")).field("refund_amount").isEmpty());
        r = refund(QStringLiteral("R1"));
        QCOMPARE(r.field("fund_change"), QStringLiteral("Y"));
        QCOMPARE(alipay().trade(no)->refunded, money::Fen(100));
        // A repeat of a made refund: N, as Alipay answers.
        QCOMPARE(refund(QStringLiteral("R1")).field("fund_change"), QStringLiteral("N"));
        QCOMPARE(alipay().trade(no)->refunded, money::Fen(100));

        // Made, answered N: the query finds it.
        addFault(fault("refund_unconfirmed",
                       {{QStringLiteral("method"), kRefund}, {QStringLiteral("commit"), true}}));
        r = refund(QStringLiteral("R2"));
        QCOMPARE(r.field("fund_change"), QStringLiteral("N"));
        QCOMPARE(alipay().trade(no)->refunded, money::Fen(200));
        QCOMPARE(queried(QStringLiteral("R2")).field("refund_status"),
                 QStringLiteral("REFUND_SUCCESS"));
        QCOMPARE(alipay().refundRequestTimes(no).size(), 4);
    }

    void badSignatureOnAnswers() {
        faults().add(
            *FaultRule::fromSpec(QStringLiteral("bad_signature:method=alipay.trade.precreate")));
        const QString no = nextNo();
        GatewayResult r = m_client->precreate(no, QStringLiteral("1.00"));
        QVERIFY(r.extracted);
        QVERIFY(!r.raw.sign.isEmpty());
        QVERIFY(!r.signatureOk);
        QCOMPARE(r.code(), QStringLiteral("10000"));
        QVERIFY(exists(no));
        r = m_client->precreate(no, QStringLiteral("1.00"));
        QVERIFY(r.signatureOk);
    }

    void countsAndProbabilities() {
        faults().add(*FaultRule::fromSpec(QStringLiteral("http_error:count=2")));
        QCOMPARE(m_client->precreate(nextNo(), QStringLiteral("1.00")).http.status, 503);
        QCOMPARE(m_client->precreate(nextNo(), QStringLiteral("1.00")).http.status, 503);
        QCOMPARE(m_client->precreate(nextNo(), QStringLiteral("1.00")).http.status, 200);

        // Probability 0 never fires, and has no count limit.
        faults().add(*FaultRule::fromSpec(QStringLiteral("http_error:probability=0")));
        for (int i = 0; i < 5; ++i)
            QCOMPARE(m_client->precreate(nextNo(), QStringLiteral("1.00")).http.status, 200);
        QCOMPARE(faults().rules().size(), 1);
        faults().clear();

        // A half chance with a fixed seed: some of each, reproducibly.
        faults().setSeed(7);
        faults().add(*FaultRule::fromSpec(QStringLiteral("http_error:probability=0.5")));
        QList<int> first;
        for (int i = 0; i < 12; ++i)
            first.append(m_client->precreate(nextNo(), QStringLiteral("1.00")).http.status);
        QVERIFY(first.contains(503));
        QVERIFY(first.contains(200));
        faults().setSeed(7);
        QList<int> second;
        for (int i = 0; i < 12; ++i)
            second.append(m_client->precreate(nextNo(), QStringLiteral("1.00")).http.status);
        QCOMPARE(second, first);

        // Always, until cleared.
        faults().clear();
        faults().add(*FaultRule::fromSpec(QStringLiteral("http_error:count=-1,status=500")));
        for (int i = 0; i < 3; ++i)
            QCOMPARE(m_client->precreate(nextNo(), QStringLiteral("1.00")).http.status, 500);
    }

    void controlEndpoints() {
        int status = 0;
        m_client->controlJson("POST", QStringLiteral("/sandbox/faults"), fault("latency"), &status);
        QCOMPARE(status, 400); // latency needs latency_ms
        m_client->controlJson("POST", QStringLiteral("/sandbox/faults"), fault("meteor"), &status);
        QCOMPARE(status, 400);
        const HttpResult added = m_client->control(
            "POST", QStringLiteral("/sandbox/faults"),
            QJsonDocument(QJsonArray{fault("timeout", {{QStringLiteral("method"), kQuery}}),
                                     fault("http_error", {{QStringLiteral("probability"), 0.25}})})
                .toJson());
        QCOMPARE(added.status, 201);
        QJsonObject list = m_client->controlJson("GET", QStringLiteral("/sandbox/faults"));
        QJsonArray items = list.value(u"faults").toArray();
        QCOMPARE(items.size(), 2);
        QCOMPARE(items[0].toObject().value(u"kind").toString(), QStringLiteral("timeout"));
        QCOMPARE(items[0].toObject().value(u"method").toString(), kQuery);
        QCOMPARE(items[1].toObject().value(u"count").toInt(), -1);
        QVERIFY(list.value(u"kinds").toArray().contains(QStringLiteral("drop_after_commit")));
        const int id = items[0].toObject().value(u"id").toInt();
        m_client->controlJson("DELETE", QStringLiteral("/sandbox/faults/%1").arg(id), {}, &status);
        QCOMPARE(status, 200);
        QCOMPARE(faults().rules().size(), 1);
        m_client->controlJson("DELETE", QStringLiteral("/sandbox/faults"), {}, &status);
        QCOMPARE(status, 200);
        QVERIFY(faults().rules().isEmpty());
        QVERIFY(!FaultRule::fromSpec(QStringLiteral("latency:latency_ms")).ok());
        QVERIFY(!FaultRule::fromSpec(QStringLiteral("http_error:status=200")).ok());
    }

    void billDownloadFaults() {
        faults().add(*FaultRule::fromSpec(QStringLiteral("http_error:method=bill.download")));
        const GatewayResult r = m_client->call(
            QStringLiteral("alipay.data.dataservice.bill.downloadurl.query"),
            QJsonObject{{QStringLiteral("bill_type"), QStringLiteral("trade")},
                        {QStringLiteral("bill_date"),
                         QDate::currentDate().addDays(-1).toString(QStringLiteral("yyyy-MM-dd"))}});
        QCOMPARE(r.code(), QStringLiteral("10000"));
        const QUrl url(r.field("bill_download_url"));
        QCOMPARE(m_client->get(url).status, 503);
        QCOMPARE(m_client->get(url).status, 200);
    }
};

QTEST_GUILESS_MAIN(TestSandboxAlipayFaults)
#include "tst_sandbox_alipay_faults.moc"
