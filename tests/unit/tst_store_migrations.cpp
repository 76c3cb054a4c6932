#include "core/reports/ReportBuilder.h"
#include "core/storage/DatabaseBackup.h"
#include "core/storage/OrderSchema.h"
#include "core/storage/OrderStore.h"
#include "tests/support/TempDir.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace qpos;

namespace {

// Builds a database file from a frozen SQL script with the sqlite driver directly, the way an
// older qpos left it on a terminal.
void buildFromScript(const QString& path, const QString& scriptPath) {
    QFile script(scriptPath);
    QVERIFY2(script.open(QIODevice::ReadOnly), qPrintable(scriptPath));
    const QString text = QString::fromUtf8(script.readAll());
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("fixture"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QString statement;
        for (const QString& line : text.split(u'\n')) {
            if (line.trimmed().startsWith(QStringLiteral("--")))
                continue;
            statement += line + u'\n';
            if (line.trimmed().endsWith(u';')) {
                QSqlQuery q(db);
                QVERIFY2(q.exec(statement), qPrintable(q.lastError().text() + statement));
                statement.clear();
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("fixture"));
}

OrderStore makeStore() {
    return OrderStore(OrderStoreOptions{QStringLiteral("S001"), QStringLiteral("T01"), [] {
                                            return qint64(1795460000000);
                                        }});
}

} // namespace

class TestStoreMigrations : public QObject {
    Q_OBJECT

private slots:
    void opensEveryEarlierVersion_data() {
        QTest::addColumn<int>("version");
        for (int v = 0; v < order_schema::kCurrentVersion; ++v)
            QTest::addRow("schema %d", v) << v;
    }

    void opensEveryEarlierVersion() {
        QFETCH(int, version);
        test::TempDir dir;
        const QString path = dir.file(QStringLiteral("orders.db"));
        if (version > 0) {
            const QString script =
                QStringLiteral(QPOS_TEST_DATA_DIR "/orders_schema_v%1.sql").arg(version);
            QVERIFY2(QFile::exists(script),
                     "every released schema version needs a frozen fixture in tests/data");
            buildFromScript(path, script);
        }

        OrderStore store(OrderStoreOptions{QStringLiteral("S001"), QStringLiteral("T01"), [] {
                                               return qint64(1795460000000);
                                           }});
        const Status opened = store.open(path);
        QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
        QCOMPARE(*order_schema::version(store.database()), order_schema::kCurrentVersion);

        if (version == 0) {
            QCOMPARE(store.openOrders()->size(), 0);
            return;
        }
        // Version 1 data survives and the reports see it.
        Result<OrderWithEvents> tea =
            store.orderWithEvents(QStringLiteral("S001_T01_20261123_00000001"));
        QVERIFY(tea.ok());
        QCOMPARE(tea->order.state, OrderState::Paid);
        QCOMPARE(tea->order.items.size(), 1);
        QCOMPARE(tea->events.size(), 2);
        QCOMPARE(tea->events[1].providerFields.value(u"trade_status").toString(),
                 QStringLiteral("TRADE_SUCCESS"));

        Result<QList<DailyTotal>> totals = store.dailyTotals(20261101, 20261130);
        QVERIFY(totals.ok());
        QCOMPARE(totals->size(), 2); // the pending order of the 24th is not a sale
        QCOMPARE(totals->at(0).channel, Channel::Alipay);
        QCOMPARE(totals->at(0).paidFen, 1000);
        QCOMPARE(totals->at(1).channel, Channel::WeChat);
        QCOMPARE(totals->at(1).paidFen, 2500);
        QCOMPARE(totals->at(1).refundedFen, 500);

        // Version 6's report tables are filled from the ledger: each sale at its paid time,
        // each refund at its event's time, with who approved it and why.
        Result<reports::SalesReport> report =
            reports::buildSalesReport(store.database(), reports::ReportScope{20261123, 20261124});
        QVERIFY(report.ok());
        QCOMPARE(report->total.saleCount, 2);
        QCOMPARE(report->total.saleFen, 3500);
        QCOMPARE(report->total.refundCount, 1);
        QCOMPARE(report->total.refundFen, 500);
        QCOMPARE(report->hours[10].figures.saleFen, 1000);
        QCOMPARE(report->hours[23].figures.saleFen, 2500);
        QCOMPARE(report->hours[23].figures.refundFen, 500);
        QCOMPARE(report->cashiers.size(), 1);
        QCOMPARE(report->cashiers[0].cashierId, QStringLiteral("alice"));
        QCOMPARE(report->refunds.size(), 1);
        QCOMPARE(report->refunds[0].outTradeNo, QStringLiteral("S001_T01_20261123_00000002"));
        QCOMPARE(report->refunds[0].approvedBy, QStringLiteral("manager"));
        if (version >= 3)
            QCOMPARE(report->refunds[0].reason, QStringLiteral("broken cake"));

        Result<QList<Order>> open = store.openOrders();
        QCOMPARE(open->size(), 1);
        QCOMPARE(open->at(0).outTradeNo, QStringLiteral("S001_T01_20261124_00000003"));
        QCOMPARE(store.pendingOutbox(100)->size(), 4);

        // New orders continue the old sequence.
        NewOrder n;
        n.amountFen = 100;
        n.subject = QStringLiteral("after upgrade");
        QCOMPARE(store.createOrder(n)->outTradeNo, QStringLiteral("S001_T01_20261124_00000004"));

        // The refund ledger keeps its rows, and takes a refund held by the provider.
        if (version >= 3) {
            Result<QList<RefundRecord>> refunds =
                store.refunds(QStringLiteral("S001_T01_20261123_00000002"));
            QVERIFY(refunds.ok());
            QCOMPARE(refunds->size(), 1);
            QCOMPARE(refunds->at(0).outRequestNo, QStringLiteral("S001_T01_20261123_00000002_R1"));
            QCOMPARE(refunds->at(0).state, RefundRecordState::Succeeded);
        }
        {
            Result<RefundRecord> held =
                store.beginRefund(QStringLiteral("S001_T01_20261123_00000001"), 300,
                                  QStringLiteral("returned"), QStringLiteral("manager"));
            QVERIFY2(held.ok(), qPrintable(held.ok() ? QString() : held.error().message));
            QCOMPARE(*store.settleRefund(held->outRequestNo, RefundRecordState::HeldByProvider,
                                         std::nullopt),
                     TransitionOutcome::Applied);
            QCOMPARE(store.openRefunds()->size(), 1);
            QCOMPARE(store.openRefunds()->at(0).state, RefundRecordState::HeldByProvider);
        }

        // And the migrated database keeps working for new changes.
        OrderTransition t;
        t.outTradeNo = QStringLiteral("S001_T01_20261124_00000003");
        t.to = OrderState::Paid;
        t.source = TransitionSource::Poll;
        QCOMPARE(*store.apply(t), TransitionOutcome::Applied);
        QCOMPARE(store.dailyTotals(20261124, 20261124)->at(0).paidFen, 300);
    }

    void schema7TakesCashAndKeepsEveryOrder() {
        test::TempDir dir;
        const QString path = dir.file(QStringLiteral("orders.db"));
        buildFromScript(path, QStringLiteral(QPOS_TEST_DATA_DIR "/orders_schema_v6.sql"));
        OrderStore store = makeStore();
        const Status opened = store.open(path);
        QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
        // The rebuilt orders table keeps its rows, ids, events and references.
        const OrderWithEvents cake =
            *store.orderWithEvents(QStringLiteral("S001_T01_20261123_00000002"));
        QCOMPARE(cake.order.id, 2);
        QCOMPARE(cake.order.refundedFen, 500);
        QVERIFY(!cake.events.isEmpty());
        QSqlQuery q(store.database().handle());
        QVERIFY(q.exec(QStringLiteral("PRAGMA foreign_key_check")));
        QVERIFY(!q.next());
        QVERIFY(q.exec(QStringLiteral("PRAGMA foreign_keys")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 1); // back on after the swap
        QVERIFY(q.exec(QStringLiteral(
            "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'orders' "
            "AND name LIKE 'orders_%'")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 6); // the five kept, and schema 8's orders_by_channel_paid
        q.finish();
        // Cash can be written now, and a shift keeps its count.
        NewOrder cash;
        cash.channel = Channel::Cash;
        cash.flow = PaymentFlow::Cash;
        cash.amountFen = 700;
        cash.subject = QStringLiteral("Bun");
        cash.cashierId = QStringLiteral("alice");
        const Result<Order> sale = store.recordCashSale(cash, 1000);
        QVERIFY2(sale.ok(), qPrintable(sale.ok() ? QString() : sale.error().message));
        QVERIFY(q.exec(QStringLiteral("SELECT counted_cash_fen, cash_difference_reason, "
                                      "expected_cash_fen FROM shifts")));
        // Neither may a half cash order be written by hand: channel and flow go together.
        QVERIFY(q.prepare(QStringLiteral("UPDATE orders SET flow = 'qr' WHERE out_trade_no = ?")));
        q.bindValue(0, sale->outTradeNo);
        QVERIFY(!q.exec());
    }

    void migratingTwiceIsHarmless() {
        test::TempDir dir;
        const QString path = dir.file(QStringLiteral("orders.db"));
        for (int i = 0; i < 2; ++i) {
            OrderStore store = makeStore();
            QVERIFY(store.open(path).ok());
        }
    }

    void refusesADatabaseFromTheFuture() {
        test::TempDir dir;
        const QString path = dir.file(QStringLiteral("orders.db"));
        {
            Database db;
            QVERIFY(db.open(path).ok());
            QVERIFY(db.exec(QStringLiteral("PRAGMA user_version = 99")).ok());
        }
        OrderStore store = makeStore();
        const Status s = store.open(path);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, QStringLiteral("db.too_new"));
        QVERIFY(s.error().message.contains(QStringLiteral("newer qpos")));
        QVERIFY(QFile::exists(path)); // nothing is deleted
    }

    void refusesAFileThatIsNotADatabase() {
        test::TempDir dir;
        const QString path = dir.file(QStringLiteral("orders.db"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(4096, 'x'));
        f.close();
        OrderStore store = makeStore();
        const Status s = store.open(path);
        QVERIFY(!s.ok());
        QVERIFY2(s.error().message.contains(path), qPrintable(s.error().message));
        QFile check(path);
        QVERIFY(check.open(QIODevice::ReadOnly));
        QCOMPARE(check.readAll(), QByteArray(4096, 'x')); // left as it was
    }

    void failedMigrationChangesNothing() {
        test::TempDir dir;
        const QString path = dir.file(QStringLiteral("orders.db"));
        buildFromScript(path, QStringLiteral(QPOS_TEST_DATA_DIR "/orders_schema_v1.sql"));
        {
            // Something in the way of version 2: migration must fail whole.
            Database db;
            QVERIFY(db.open(path).ok());
            QVERIFY(db.exec(QStringLiteral("CREATE TABLE daily_totals (x)")).ok());
        }
        OrderStore store = makeStore();
        const Status s = store.open(path);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, QStringLiteral("db.migration"));
        Database db;
        QVERIFY(db.open(path).ok());
        QCOMPARE(*order_schema::version(db), 1);
    }
    // A package upgrade copies the database before changing its schema; the copy is the
    // old schema with every order, readable by the old version.
    void backsUpBeforeUpgrading() {
        test::TempDir dir;
        const QString path = dir.file(QStringLiteral("orders.db"));
        buildFromScript(path, QStringLiteral(QPOS_TEST_DATA_DIR "/orders_schema_v4.sql"));
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
        {
            OrderStore store = makeStore();
            QVERIFY(store.open(path).ok());
        }
        const QStringList backups = database_backup::backupsOf(path);
        QCOMPARE(backups.size(), 1);
        QCOMPARE(QFileInfo(backups[0]).fileName(),
                 QStringLiteral("orders.db.20261123T185320000Z.schema4.bak"));
        QCOMPARE(QFile::permissions(backups[0]), QFile::permissions(path));
        QVERIFY(!(QFile::permissions(backups[0]) & (QFile::ReadOther | QFile::ReadGroup)));
        {
            Database copy;
            QVERIFY(copy.open(backups[0]).ok());
            QCOMPARE(*order_schema::version(copy), 4);
            QSqlQuery q(copy.handle());
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM orders")) && q.next());
            QCOMPARE(q.value(0).toInt(), 3);
        }
        // Opening the upgraded database again changes no schema and copies nothing.
        {
            OrderStore store = makeStore();
            QVERIFY(store.open(path).ok());
        }
        QCOMPARE(database_backup::backupsOf(path).size(), 1);
    }

    void keepsTheNewestBackupsOnly() {
        test::TempDir dir;
        const QString path = dir.file(QStringLiteral("orders.db"));
        Database db;
        QVERIFY(db.open(path).ok());
        QVERIFY(order_schema::migrate(db, 1, 0).ok());
        QStringList written;
        for (int i = 0; i < database_backup::kKeptBackups + 2; ++i) {
            Result<QString> b =
                database_backup::backupBeside(db, 1, 1795460000000 + qint64(i) * 86'400'000);
            QVERIFY2(b.ok(), qPrintable(b.ok() ? QString() : b.error().message));
            written.prepend(*b);
        }
        QCOMPARE(database_backup::backupsOf(path), written.mid(0, database_backup::kKeptBackups));
        for (const QString& old : written.mid(database_backup::kKeptBackups))
            QVERIFY(!QFile::exists(old));
    }

    void aFailedBackupStopsTheUpgrade() {
        test::TempDir dir;
        const QString path = dir.file(QStringLiteral("orders.db"));
        buildFromScript(path, QStringLiteral(QPOS_TEST_DATA_DIR "/orders_schema_v4.sql"));
        // Something in the way of the copy (as a full disk would be).
        QVERIFY(
            QDir(dir.path()).mkdir(QStringLiteral("orders.db.20261123T185320000Z.schema4.bak")));
        OrderStore store = makeStore();
        const Status s = store.open(path);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, QStringLiteral("db.backup_failed"));
        QVERIFY2(s.error().message.contains(path), qPrintable(s.error().message));
        Database db;
        QVERIFY(db.open(path).ok());
        QCOMPARE(*order_schema::version(db), 4); // not upgraded without its copy
    }
};

QTEST_GUILESS_MAIN(TestStoreMigrations)
#include "tst_store_migrations.moc"
