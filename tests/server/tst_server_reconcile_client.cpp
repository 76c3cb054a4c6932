// The till's client of the store server's reconciliation API (link::RemoteBatchStore) against
// a real in-process qpos-server on loopback, on SQLite and PostgreSQL: the store's batches of a
// day range, a batch with its items, an item marked handled by the manager and refused the
// second time, credentials the server does not know, a server that is gone; and against a
// scripted server, answers that are malformed, cut or not what was asked, each a clear error
// and never part of a list.
#include "core/link/RemoteBatchStore.h"
#include "core/reconcile/BatchJson.h"
#include "server/QposServer.h"
#include "server/reconcile/ServerBatchStore.h"
#include "tests/reconcile/BatchSamples.h"
#include "tests/server/EnrolledTill.h"
#include "tests/server/StoreUnderTest.h"
#include "tests/support/ScriptedHttpServer.h"
#include "tests/support/TempDir.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace qpos;
using namespace qpos::reconcile;
using namespace qpos::server;
using namespace qpos::test;

namespace {

const link::TerminalIdentity kT07{QStringLiteral("S001"), QStringLiteral("T07")};
const link::TerminalIdentity kT08{QStringLiteral("S001"), QStringLiteral("T08")};
const QDate kDay(2026, 11, 20);
const QString kOrder1 = QStringLiteral("S001_T07_20261120_00000001");
const QString kOrder2 = QStringLiteral("S001_T08_20261120_00000002");
constexpr int kWaitMs = 20000;

BatchListReply listOf(link::RemoteBatchStore& remote, const QDate& from, const QDate& to) {
    QSignalSpy spy(&remote, &BatchSource::batchesLoaded);
    remote.loadBatches(QStringLiteral("r1"), from, to);
    if (!spy.wait(kWaitMs))
        return {QStringLiteral("no answer"), {}};
    if (spy.first().at(0).toString() != u"r1")
        return {QStringLiteral("another request's answer"), {}};
    return spy.first().at(1).value<BatchListReply>();
}

BatchItemsReply itemsOf(link::RemoteBatchStore& remote, qint64 batchId) {
    QSignalSpy spy(&remote, &BatchSource::itemsLoaded);
    remote.loadItems(QStringLiteral("r2"), batchId);
    if (!spy.wait(kWaitMs))
        return {QStringLiteral("no answer"), std::nullopt, {}};
    return spy.first().at(1).value<BatchItemsReply>();
}

MarkHandledReply mark(link::RemoteBatchStore& remote, qint64 itemId, const QString& note) {
    QSignalSpy spy(&remote, &BatchSource::markedHandled);
    remote.markHandled(QStringLiteral("r3"), itemId, QStringLiteral("M01"), note, 0);
    if (!spy.wait(kWaitMs))
        return {QStringLiteral("no answer"), QStringLiteral("test.timeout"), itemId};
    return spy.first().at(1).value<MarkHandledReply>();
}

QByteArray compact(const QJsonObject& o) {
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

StoredBatch sampleBatch(qint64 id, const QDate& day, qint64 itemCount) {
    StoredBatch b;
    b.id = id;
    b.merchantId = QStringLiteral("2088000000000001");
    b.day = day;
    b.itemCount = itemCount;
    b.openItemCount = itemCount;
    return b;
}

StoredItem sampleStoredItem(qint64 id, qint64 batchId) {
    StoredItem i;
    i.id = id;
    i.batchId = batchId;
    i.item = sampleItem(DifferenceClass::LocalOnly, kOrder1);
    return i;
}

} // namespace

class TestServerReconcileClient : public QObject {
    Q_OBJECT

    TempDir m_dir;
    StoreUnderTest m_backend{m_dir};
    std::unique_ptr<QposServer> m_server;
    std::optional<EnrolledTill> m_till;
    qint64 m_batchId = 0;
    QList<StoredItem> m_items;

    // The scripted server's answer to a list of [kDay, kDay], read by the client.
    static BatchListReply listAnswer(const QByteArray& body, int status = 200) {
        ScriptedHttpServer fake;
        if (!fake.listen())
            return {QStringLiteral("cannot listen"), {}};
        fake.enqueue(ScriptedAction::respond(status, body));
        link::RemoteBatchStore remote({QUrl(QStringLiteral("http://127.0.0.1:%1").arg(fake.port())),
                                       kT07, link::TerminalSecret(), link::CertificatePin()},
                                      {});
        return listOf(remote, kDay, kDay);
    }

    static void expectUnreadable(const BatchListReply& reply) {
        QVERIFY2(reply.error.contains(QStringLiteral("cannot read")), qPrintable(reply.error));
        QVERIFY(reply.batches.isEmpty());
    }

private slots:
    void initTestCase() {
        QPOS_PREPARE_STORE(m_backend);
        qInfo().noquote() << "server store:" << m_backend.name();
        m_server = std::make_unique<QposServer>(m_backend.makeStore(), ProviderVerifiers(),
                                                QposServer::Options());
        QVERIFY(m_server->start().ok());
        Result<EnrolledTill> till = EnrolledTill::add(*m_server, kT07);
        QVERIFY(till.ok());
        m_till = *till;

        ServerBatchStore& batches = m_server->batches();
        // Differences of two tills of the store in one batch: the server's view is the store's.
        Result<qint64> id =
            batches.saveCompleted(sampleRun(kDay,
                                            {sampleItem(DifferenceClass::LocalOnly, kOrder1),
                                             sampleItem(DifferenceClass::Amount, kOrder2)},
                                            1795700000000));
        QVERIFY(id.ok());
        m_batchId = *id;
        m_items = *batches.items(m_batchId);
        QVERIFY(batches
                    .saveIncomplete(sampleScope(), kDay.addDays(1), BatchState::Overdue,
                                    QStringLiteral("No bill by 18:00"), 1795800000000)
                    .ok());
    }

    void listsTheStoresBatches() {
        link::RemoteBatchStore remote(m_till->endpoint(), {});
        QCOMPARE(remote.origin(), BatchSource::Origin::StoreServer);
        const BatchListReply reply = listOf(remote, kDay, kDay.addDays(1));
        QVERIFY2(reply.error.isEmpty(), qPrintable(reply.error));
        QCOMPARE(reply.batches.size(), 2);
        QCOMPARE(reply.batches[0].state, BatchState::Overdue);
        QCOMPARE(reply.batches[0].error, QStringLiteral("No bill by 18:00"));
        QCOMPARE(reply.batches[1].id, m_batchId);
        QCOMPARE(reply.batches[1].itemCount, 2);
        QVERIFY(reply.batches[1].totals == sampleRun(kDay, {}, 0).result.totals);

        const BatchListReply none = listOf(remote, kDay.addDays(5), kDay.addDays(9));
        QVERIFY(none.error.isEmpty());
        QVERIFY(none.batches.isEmpty());
    }

    void readsABatchWithItsItems() {
        link::RemoteBatchStore remote(m_till->endpoint(), {});
        const BatchItemsReply reply = itemsOf(remote, m_batchId);
        QVERIFY2(reply.error.isEmpty(), qPrintable(reply.error));
        QVERIFY(reply.batch);
        QCOMPARE(reply.batch->id, m_batchId);
        QCOMPARE(reply.items.size(), 2);
        QCOMPARE(reply.items[0].id, m_items[0].id);
        QCOMPARE(reply.items[1].item.outTradeNo, kOrder2);
        QCOMPARE(reply.items[1].item.providerAmountFen, std::optional<money::Fen>(1250));

        // A batch the server does not have is no batch, as the till's own store says.
        const BatchItemsReply gone = itemsOf(remote, 999999);
        QVERIFY2(gone.error.isEmpty(), qPrintable(gone.error));
        QVERIFY(!gone.batch);
        QVERIFY(gone.items.isEmpty());
    }

    void marksAnItemHandledOnceAsTheManager() {
        link::RemoteBatchStore remote(m_till->endpoint(), {});
        const MarkHandledReply first =
            mark(remote, m_items[0].id, QStringLiteral("Cash refund at the counter"));
        QVERIFY2(first.error.isEmpty(), qPrintable(first.error));
        QCOMPARE(first.itemId, m_items[0].id);
        const std::optional<StoredItem> stored = *m_server->batches().item(m_items[0].id);
        QVERIFY(stored);
        QCOMPARE(stored->resolution, ItemResolution::Handled);
        QCOMPARE(stored->resolvedBy, QStringLiteral("M01"));
        QCOMPARE(stored->note, QStringLiteral("Cash refund at the counter"));

        // 409: settled already, said in the till's words; the first note stays.
        const MarkHandledReply again = mark(remote, m_items[0].id, QStringLiteral("Again"));
        QCOMPARE(again.errorCode, QStringLiteral("reconcile.already_resolved"));
        QVERIFY2(again.error.contains(QStringLiteral("settled this difference first")),
                 qPrintable(again.error));
        QCOMPARE((*m_server->batches().item(m_items[0].id))->note,
                 QStringLiteral("Cash refund at the counter"));

        // The server's own sentence for a note it does not take, and nothing changed.
        const MarkHandledReply empty = mark(remote, m_items[1].id, QStringLiteral("  "));
        QVERIFY(!empty.error.isEmpty());
        QVERIFY(empty.errorCode.startsWith(u"reconcile."));
        QCOMPARE((*m_server->batches().item(m_items[1].id))->resolution, ItemResolution::Open);

        const MarkHandledReply unknown = mark(remote, 999999, QStringLiteral("Note"));
        QCOMPARE(unknown.errorCode, QStringLiteral("reconcile.no_such_item"));
        QVERIFY(unknown.error.contains(QStringLiteral("no longer in the batch")));
    }

    void aTerminalTheServerDoesNotKnowIsRefused() {
        link::StoreServerEndpoint stranger = m_till->endpoint();
        stranger.terminal = kT08; // never added
        link::RemoteBatchStore remote(stranger, {});
        const BatchListReply reply = listOf(remote, kDay, kDay);
        QVERIFY2(reply.error.contains(QStringLiteral("refused this till's credentials")),
                 qPrintable(reply.error));
        QVERIFY(reply.error.contains(QStringLiteral("auth.unknown_terminal")));
        QVERIFY(reply.batches.isEmpty());
        const MarkHandledReply marked = mark(remote, m_items[1].id, QStringLiteral("Note"));
        QCOMPARE(marked.errorCode, QStringLiteral("link.refused"));
        QCOMPARE((*m_server->batches().item(m_items[1].id))->resolution, ItemResolution::Open);
    }

    void aServerThatIsGoneIsSaidSo() {
        quint16 port = 0;
        {
            ScriptedHttpServer closed;
            QVERIFY(closed.listen());
            port = closed.port();
        }
        link::StoreServerEndpoint gone = m_till->endpoint();
        gone.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
        link::RemoteBatchStore remote(gone, {});
        const BatchListReply reply = listOf(remote, kDay, kDay);
        QVERIFY2(reply.error.contains(QStringLiteral("cannot be reached")),
                 qPrintable(reply.error));
        const MarkHandledReply marked = mark(remote, m_items[1].id, QStringLiteral("Note"));
        QCOMPARE(marked.errorCode, QStringLiteral("link.unreachable"));
    }

    void aMalformedOrCutAnswerIsAnErrorNotAList() {
        const QJsonObject good = batchToJson(sampleBatch(5, kDay, 0));
        // The well-formed answer is read, so the refusals below are the answer's fault.
        const BatchListReply whole =
            listAnswer(compact({{QStringLiteral("batches"), QJsonArray{good}}}));
        QVERIFY2(whole.error.isEmpty(), qPrintable(whole.error));
        QCOMPARE(whole.batches.size(), 1);

        const QByteArray full =
            compact({{QStringLiteral("batches"), QJsonArray{good, good, good}}});
        expectUnreadable(listAnswer(full.left(full.size() - 2)));
        expectUnreadable(listAnswer(QByteArray()));
        expectUnreadable(listAnswer("[]"));
        expectUnreadable(listAnswer(compact({{QStringLiteral("batch"), QJsonArray{good}}})));
        expectUnreadable(listAnswer(compact({{QStringLiteral("batches"), good}})));
        expectUnreadable(listAnswer(compact({{QStringLiteral("batches"), QJsonArray{good, 7}}})));
        QJsonObject noDay = good;
        noDay.remove(QStringLiteral("day"));
        expectUnreadable(
            listAnswer(compact({{QStringLiteral("batches"), QJsonArray{good, noDay}}})));
        QJsonObject badState = good;
        badState.insert(QStringLiteral("state"), QStringLiteral("finished"));
        expectUnreadable(listAnswer(compact({{QStringLiteral("batches"), QJsonArray{badState}}})));
        // A day outside the ones asked for is not the answer to this question.
        expectUnreadable(
            listAnswer(compact({{QStringLiteral("batches"),
                                 QJsonArray{batchToJson(sampleBatch(6, kDay.addDays(3), 0))}}})));

        // Cut by the connection: the announced length never arrives.
        ScriptedHttpServer fake;
        QVERIFY(fake.listen());
        fake.enqueue(ScriptedAction::truncate(full, full.size() / 2));
        link::RemoteBatchStore remote({QUrl(QStringLiteral("http://127.0.0.1:%1").arg(fake.port())),
                                       kT07, link::TerminalSecret(), link::CertificatePin()},
                                      {});
        const BatchListReply cut = listOf(remote, kDay, kDay);
        QVERIFY(!cut.error.isEmpty());
        QVERIFY(cut.batches.isEmpty());

        // A status the till does not expect, with no JSON: the generic sentence, with the status.
        const BatchListReply bad = listAnswer("<html>oops</html>", 502);
        QVERIFY2(bad.error.contains(QStringLiteral("502")), qPrintable(bad.error));
    }

    void aBatchAnswerMustBeTheBatchAskedForAndWhole() {
        auto read = [](const QByteArray& body) {
            ScriptedHttpServer fake;
            if (!fake.listen())
                return BatchItemsReply{QStringLiteral("cannot listen"), std::nullopt, {}};
            fake.enqueue(ScriptedAction::respond(200, body));
            link::RemoteBatchStore remote(
                {QUrl(QStringLiteral("http://127.0.0.1:%1").arg(fake.port())), kT07,
                 link::TerminalSecret(), link::CertificatePin()},
                {});
            return itemsOf(remote, 5);
        };
        auto answer = [](const StoredBatch& b, const QList<StoredItem>& items) {
            QJsonArray list;
            for (const StoredItem& i : items)
                list.append(itemToJson(i));
            return compact(
                {{QStringLiteral("batch"), batchToJson(b)}, {QStringLiteral("items"), list}});
        };
        const BatchItemsReply whole =
            read(answer(sampleBatch(5, kDay, 2), {sampleStoredItem(1, 5), sampleStoredItem(2, 5)}));
        QVERIFY2(whole.error.isEmpty(), qPrintable(whole.error));
        QCOMPARE(whole.items.size(), 2);

        for (const QByteArray& body :
             {answer(sampleBatch(6, kDay, 2), {sampleStoredItem(1, 6), sampleStoredItem(2, 6)}),
              answer(sampleBatch(5, kDay, 2), {sampleStoredItem(1, 5), sampleStoredItem(2, 9)}),
              answer(sampleBatch(5, kDay, 2), {sampleStoredItem(1, 5)}),
              compact({{QStringLiteral("batch"), batchToJson(sampleBatch(5, kDay, 0))}})}) {
            const BatchItemsReply reply = read(body);
            QVERIFY2(reply.error.contains(QStringLiteral("cannot read")), qPrintable(reply.error));
            QVERIFY(!reply.batch);
            QVERIFY(reply.items.isEmpty());
        }
    }

    void aHandledAnswerMustSayHandled() {
        ScriptedHttpServer fake;
        QVERIFY(fake.listen());
        StoredItem open = sampleStoredItem(3, 5);
        fake.enqueue(
            ScriptedAction::respond(200, compact({{QStringLiteral("item"), itemToJson(open)}})));
        link::RemoteBatchStore remote({QUrl(QStringLiteral("http://127.0.0.1:%1").arg(fake.port())),
                                       kT07, link::TerminalSecret(), link::CertificatePin()},
                                      {});
        const MarkHandledReply reply = mark(remote, 3, QStringLiteral("Refunded"));
        QCOMPARE(reply.errorCode, QStringLiteral("link.unreadable_answer"));
        // What the till sent: the manager and the note, signed, to the item's path.
        QCOMPARE(fake.requestCount(), 1);
        const RecordedRequest& sent = fake.requests().first();
        QCOMPARE(sent.method, QByteArray("POST"));
        QCOMPARE(sent.target, QByteArray("/v1/reconcile/items/3/handled"));
        QVERIFY(sent.headers.value("authorization").startsWith("QPOS-HMAC-SHA256 "));
        const QJsonObject body = QJsonDocument::fromJson(sent.body).object();
        QCOMPARE(body.value(u"staff_id").toString(), QStringLiteral("M01"));
        QCOMPARE(body.value(u"note").toString(), QStringLiteral("Refunded"));
    }
};

QTEST_MAIN(TestServerReconcileClient)
#include "tst_server_reconcile_client.moc"
