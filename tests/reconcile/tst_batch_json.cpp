// The wire format of reconciliation batches and items (BatchJson): the keys and values the
// server API and `qposctl --json` carry, both directions, and a strict reader that names the
// key it refuses.

#include "core/reconcile/BatchJson.h"
#include "tests/reconcile/BatchSamples.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace qpos;
using namespace qpos::reconcile;
using namespace Qt::StringLiterals;

namespace {

StoredBatch sampleBatch() {
    const CompletedRun run = test::sampleRun(QDate(2026, 11, 20), {}, 1795700000000);
    StoredBatch b;
    b.id = 42;
    b.provider = Channel::WeChat;
    b.merchantId = QStringLiteral("1900000109");
    b.day = QDate(2026, 11, 20);
    b.state = BatchState::Complete;
    b.totals = run.result.totals;
    b.itemCount = 3;
    b.openItemCount = 1;
    b.billSha256 = run.billSha256;
    b.billFile = run.billFile;
    b.attempts = 2;
    b.createdAtMs = 1795700000000;
    b.updatedAtMs = 1795700100000;
    return b;
}

StoredItem sampleStoredItem() {
    StoredItem s;
    s.id = 7;
    s.batchId = 42;
    s.item = test::sampleItem(DifferenceClass::Amount, QStringLiteral("S001_T01_20261120_0001"));
    s.item.provider = Channel::WeChat;
    s.resolution = ItemResolution::Handled;
    s.note = QStringLiteral("退了 0.50 元");
    s.resolvedBy = QStringLiteral("M01");
    s.resolvedAtMs = 1795700200000;
    return s;
}

QStringList sortedKeys(const QJsonObject& o) {
    QStringList keys = o.keys();
    keys.sort();
    return keys;
}

} // namespace

class TestBatchJson : public QObject {
    Q_OBJECT

private slots:
    void writesTheBatchWireFormat() {
        const QJsonObject json = batchToJson(sampleBatch());
        QCOMPARE(sortedKeys(json),
                 (QStringList{u"attempts"_s, u"bill_file"_s, u"bill_sha256"_s, u"created_at_ms"_s,
                              u"day"_s, u"error"_s, u"id"_s, u"item_count"_s, u"merchant_id"_s,
                              u"open_item_count"_s, u"provider"_s, u"state"_s, u"totals"_s,
                              u"updated_at_ms"_s}));
        QCOMPARE(json[u"id"].toInteger(), 42);
        QCOMPARE(json[u"provider"].toString(), QStringLiteral("wechat"));
        QCOMPARE(json[u"day"].toString(), QStringLiteral("2026-11-20"));
        QCOMPARE(json[u"state"].toString(), QStringLiteral("complete"));
        QCOMPARE(json[u"created_at_ms"].toInteger(), 1795700000000);
        const QJsonObject totals = json[u"totals"].toObject();
        QCOMPARE(sortedKeys(totals),
                 (QStringList{u"fee"_s, u"held"_s, u"local"_s, u"matched"_s, u"provider"_s}));
        QCOMPARE(totals[u"fee"].toString(), QStringLiteral("-0.74040"));
        const QJsonObject provider = totals[u"provider"].toObject();
        QCOMPARE(sortedKeys(provider), (QStringList{u"payment_count"_s, u"payment_fen"_s,
                                                    u"refund_count"_s, u"refund_fen"_s}));
        QCOMPARE(provider[u"payment_fen"].toInteger(), 12050);
        QCOMPARE(totals[u"local"].toObject()[u"payment_fen"].toInteger(), 12000);
    }

    void writesTheItemWireFormat() {
        StoredItem s = sampleStoredItem();
        QJsonObject json = itemToJson(s);
        QCOMPARE(sortedKeys(json),
                 (QStringList{u"batch_id"_s, u"bill_line"_s, u"class"_s, u"detail"_s, u"evidence"_s,
                              u"id"_s, u"local_fen"_s, u"local_state"_s, u"note"_s,
                              u"out_request_no"_s, u"out_trade_no"_s, u"provider"_s,
                              u"provider_fen"_s, u"provider_state"_s, u"provider_trade_no"_s,
                              u"resolution"_s, u"resolved_at_ms"_s, u"resolved_by"_s}));
        QCOMPARE(json[u"class"].toString(), QStringLiteral("amount"));
        QCOMPARE(json[u"resolution"].toString(), QStringLiteral("handled"));
        QCOMPARE(json[u"local_fen"].toInteger(), 1200);
        QCOMPARE(json[u"provider_fen"].toInteger(), 1250);
        // An amount a side does not know is absent, not zero.
        s.item.providerAmountFen.reset();
        json = itemToJson(s);
        QVERIFY(!json.contains(u"provider_fen"));
        QVERIFY(json.contains(u"local_fen"));
    }

    void aBatchComesBackAsItWent() {
        const StoredBatch sent = sampleBatch();
        // Through text, as the API carries it.
        const QByteArray wire = QJsonDocument(batchToJson(sent)).toJson(QJsonDocument::Compact);
        const Result<StoredBatch> back = batchFromJson(QJsonDocument::fromJson(wire).object());
        QVERIFY2(back.ok(), qPrintable(back.ok() ? QString() : back.error().message));
        QCOMPARE(back->id, sent.id);
        QCOMPARE(back->provider, sent.provider);
        QCOMPARE(back->merchantId, sent.merchantId);
        QCOMPARE(back->day, sent.day);
        QCOMPARE(back->state, sent.state);
        QVERIFY(back->totals == sent.totals);
        QCOMPARE(back->itemCount, sent.itemCount);
        QCOMPARE(back->openItemCount, sent.openItemCount);
        QCOMPARE(back->billSha256, sent.billSha256);
        QCOMPARE(back->billFile, sent.billFile);
        QCOMPARE(back->error, sent.error);
        QCOMPARE(back->attempts, sent.attempts);
        QCOMPARE(back->createdAtMs, sent.createdAtMs);
        QCOMPARE(back->updatedAtMs, sent.updatedAtMs);
        for (BatchState state : kAllBatchStates) {
            StoredBatch b = sent;
            b.state = state;
            QCOMPARE(batchFromJson(batchToJson(b))->state, state);
        }
    }

    void anItemComesBackAsItWent() {
        for (bool withAmounts : {true, false}) {
            StoredItem sent = sampleStoredItem();
            if (!withAmounts) {
                sent.item.localAmountFen.reset();
                sent.item.providerAmountFen.reset();
            }
            const QByteArray wire = QJsonDocument(itemToJson(sent)).toJson();
            const Result<StoredItem> back = itemFromJson(QJsonDocument::fromJson(wire).object());
            QVERIFY2(back.ok(), qPrintable(back.ok() ? QString() : back.error().message));
            QCOMPARE(back->id, sent.id);
            QCOMPARE(back->batchId, sent.batchId);
            QCOMPARE(back->item.kind, sent.item.kind);
            QCOMPARE(back->item.provider, Channel::WeChat);
            QCOMPARE(back->item.outTradeNo, sent.item.outTradeNo);
            QCOMPARE(back->item.outRequestNo, sent.item.outRequestNo);
            QCOMPARE(back->item.localState, sent.item.localState);
            QCOMPARE(back->item.localAmountFen, sent.item.localAmountFen);
            QCOMPARE(back->item.providerState, sent.item.providerState);
            QCOMPARE(back->item.providerAmountFen, sent.item.providerAmountFen);
            QCOMPARE(back->item.providerTradeNo, sent.item.providerTradeNo);
            QCOMPARE(back->item.billLine, sent.item.billLine);
            QCOMPARE(back->item.detail, sent.item.detail);
            QCOMPARE(back->resolution, sent.resolution);
            QCOMPARE(back->evidence, sent.evidence);
            QCOMPARE(back->note, sent.note);
            QCOMPARE(back->resolvedBy, sent.resolvedBy);
            QCOMPARE(back->resolvedAtMs, sent.resolvedAtMs);
        }
        for (DifferenceClass kind : kAllDifferenceClasses) {
            StoredItem s = sampleStoredItem();
            s.item.kind = kind;
            QCOMPARE(itemFromJson(itemToJson(s))->item.kind, kind);
        }
        for (ItemResolution resolution : kAllItemResolutions) {
            StoredItem s = sampleStoredItem();
            s.resolution = resolution;
            QCOMPARE(itemFromJson(itemToJson(s))->resolution, resolution);
        }
    }

    void refusesABadBatchNamingTheKey_data() {
        QTest::addColumn<QString>("key"); // a path: totals.provider.payment_fen
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<bool>("missing"); // removed rather than replaced
        QTest::addRow("no id") << u"id"_s << QJsonValue() << true;
        QTest::addRow("id as text") << u"id"_s << QJsonValue(u"42"_s) << false;
        QTest::addRow("id with a fraction") << u"id"_s << QJsonValue(4.5) << false;
        QTest::addRow("negative count") << u"item_count"_s << QJsonValue(-1) << false;
        QTest::addRow("unknown state") << u"state"_s << QJsonValue(u"done"_s) << false;
        QTest::addRow("state by number") << u"state"_s << QJsonValue(0) << false;
        QTest::addRow("cash is no provider") << u"provider"_s << QJsonValue(u"cash"_s) << false;
        QTest::addRow("unknown provider") << u"provider"_s << QJsonValue(u"unionpay"_s) << false;
        QTest::addRow("no such day") << u"day"_s << QJsonValue(u"2026-11-31"_s) << false;
        QTest::addRow("day not padded") << u"day"_s << QJsonValue(u"2026-1-5"_s) << false;
        QTest::addRow("no merchant") << u"merchant_id"_s << QJsonValue() << true;
        QTest::addRow("null error") << u"error"_s << QJsonValue(QJsonValue::Null) << false;
        QTest::addRow("no totals") << u"totals"_s << QJsonValue() << true;
        QTest::addRow("no fee") << u"totals.fee"_s << QJsonValue() << true;
        QTest::addRow("fee as a number") << u"totals.fee"_s << QJsonValue(-0.7404) << false;
        QTest::addRow("fee not as printed") << u"totals.fee"_s << QJsonValue(u"-0.7404"_s) << false;
        QTest::addRow("no refunds") << u"totals.provider.refund_fen"_s << QJsonValue() << true;
        QTest::addRow("amount as text")
            << "totals.local.payment_fen" << QJsonValue(u"12.00"_s) << false;
    }

    void refusesABadBatchNamingTheKey() {
        QFETCH(QString, key);
        QFETCH(QJsonValue, value);
        QFETCH(bool, missing);
        QJsonObject json = batchToJson(sampleBatch());
        const QStringList path = key.split(u'.');
        // Edit the object at the path's end, then put each level back.
        QList<QJsonObject> levels{json};
        for (qsizetype i = 0; i + 1 < path.size(); ++i)
            levels.append(levels.last()[path[i]].toObject());
        if (missing)
            levels.last().remove(path.last());
        else
            levels.last().insert(path.last(), value);
        for (qsizetype i = path.size() - 1; i > 0; --i)
            levels[i - 1].insert(path[i - 1], levels[i]);

        const Result<StoredBatch> r = batchFromJson(levels.first());
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("reconcile.bad_json"));
        QVERIFY2(r.error().message.contains(u'"' + key + u'"'), qPrintable(r.error().message));
        QVERIFY2(r.error().message.contains(QStringLiteral("send it again")),
                 qPrintable(r.error().message));
    }

    void refusesABadItemNamingTheKey() {
        const struct {
            const char* key;
            QJsonValue value;
        } cases[] = {
            {"class", QJsonValue(u"lost"_s)},
            {"resolution", QJsonValue(u"ignored"_s)},
            {"local_fen", QJsonValue(u"12.00"_s)},
            {"provider_fen", QJsonValue(-5)},
            {"bill_line", QJsonValue(1e12)},
            {"out_trade_no", QJsonValue(QJsonValue::Undefined)},
            {"note", QJsonValue(QJsonArray{})},
            {"resolved_at_ms", QJsonValue(1e300)},
        };
        for (const auto& c : cases) {
            QJsonObject json = itemToJson(sampleStoredItem());
            if (c.value.isUndefined())
                json.remove(QLatin1String(c.key));
            else
                json.insert(QLatin1String(c.key), c.value);
            const Result<StoredItem> r = itemFromJson(json);
            QVERIFY2(!r.ok(), c.key);
            QCOMPARE(r.error().code, QStringLiteral("reconcile.bad_json"));
            QVERIFY2(r.error().message.contains(QStringLiteral("\"%1\"").arg(QLatin1String(c.key))),
                     qPrintable(r.error().message));
        }
        // Keys outside the format are left alone: a newer sender may add some.
        QJsonObject extra = itemToJson(sampleStoredItem());
        extra.insert(QStringLiteral("priority"), 3);
        QVERIFY(itemFromJson(extra).ok());
    }
};

QTEST_GUILESS_MAIN(TestBatchJson)
#include "tst_batch_json.moc"
