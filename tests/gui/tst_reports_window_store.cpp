// The reports window on an enrolled till: "This terminal" shows the till's own report, "Whole
// store" the report of every till of the store, which the store server computes from the orders
// the tills uploaded (this till's through its real outbox upload, another till's signed upload),
// with the same figures, charts, tables by cashier, refunds with who approved them and why, and
// CSV export; a store server that went away is said so.
#include "core/link/TerminalCredentials.h"
#include "server/QposServer.h"
#include "tests/gui/TillFixture.h"
#include "tests/server/EnrolledTill.h"
#include "tests/server/StoreUnderTest.h"
#include "tests/support/TempDir.h"
#include "tests/support/WaitUntil.h"
#include "ui/reports/ReportsWindow.h"

#include <QComboBox>
#include <QDateTime>
#include <QFile>
#include <QFileDialog>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

using namespace qpos;

namespace {

const link::TerminalIdentity kT01{QStringLiteral("S01"), QStringLiteral("T01")};
const link::TerminalIdentity kT02{QStringLiteral("S01"), QStringLiteral("T02")};

QString text(QWidget& window, const char* name) {
    auto* label = window.findChild<QLabel*>(QString::fromLatin1(name));
    return label ? label->text() : QStringLiteral("<no %1>").arg(QString::fromLatin1(name));
}

// Chooses this terminal (0) or the whole store (1) and waits until the window shows the answer.
bool choose(ui::ReportsWindow& window, int index) {
    auto* scope = window.findChild<QComboBox*>(QStringLiteral("reportScope"));
    if (!scope || !scope->isVisible() || !test::waitUntil([scope] { return scope->isEnabled(); }))
        return false;
    QSignalSpy shown(&window, &ui::ReportsWindow::reportShown);
    scope->setCurrentIndex(index);
    return shown.wait(test::kUiWaitMs);
}

} // namespace

class TestReportsWindowStore : public QObject {
    Q_OBJECT

    test::TempDir m_dir;
    test::StoreUnderTest m_backend{m_dir};
    std::unique_ptr<server::QposServer> m_server;
    test::TillFixture m_fixture;

    // The order is on the server in `state`: this till's outbox reached it.
    bool uploaded(const QString& outTradeNo, OrderState state = OrderState::Paid) {
        return test::waitUntil([&] {
            Result<std::optional<server::ServerOrder>> order = m_server->store().order(outTradeNo);
            return order.ok() && order->has_value() && (*order)->state == state;
        });
    }

private slots:
    void initTestCase() {
        QPOS_PREPARE_STORE(m_backend);
        m_server = std::make_unique<server::QposServer>(
            m_backend.makeStore(), server::ProviderVerifiers(), server::QposServer::Options());
        QVERIFY(m_server->start().ok());
        Result<test::EnrolledTill> t01 = test::EnrolledTill::add(*m_server, kT01);
        QVERIFY(t01.ok());
        const link::StoreServerEndpoint endpoint = t01->endpoint();
        const QString credentials = m_dir.file(QStringLiteral("store-server.json"));
        const link::TerminalCredentials saved{kT01, endpoint.secret, QString()};
        QVERIFY(saved.write(credentials).ok());
        QVERIFY(m_fixture.start([&](AppConfig& config) {
            config.storeServer.url = endpoint.baseUrl.toString();
            config.storeServer.credentialsPath = credentials;
        }));

        // Another till of the store: its cashier C02 sold 40.00 by Alipay just now (today, as
        // the window asks).
        Result<test::EnrolledTill> t02 = test::EnrolledTill::add(*m_server, kT02);
        QVERIFY(t02.ok());
        const qint64 paidAtMs = QDateTime::currentMSecsSinceEpoch() - 1000;
        test::TillEvent sale{t02->orderNo(1),
                             QStringLiteral("alipay"),
                             4000,
                             0,
                             QStringLiteral("paid"),
                             1,
                             paidAtMs,
                             QJsonObject{{QStringLiteral("cashier_id"), QStringLiteral("C02")}}};
        QCOMPARE(t02->upload(1, {sale}).httpStatus, 200);
    }

    void showsThisTerminalOrTheWholeStore() {
        // This till's cashier sells 10.00; the manager gives 2.00 back.
        const std::optional<Order> tea = m_fixture.paidOrder(1000);
        QVERIFY(tea);
        QSignalSpy refunded(&m_fixture.till(), &service::PosService::refundFinished);
        m_fixture.till().refund(checkout::RefundCommand{QStringLiteral("r1"), tea->outTradeNo, 200,
                                                        QStringLiteral("找错钱 wrong change"),
                                                        test::TillFixture::kManagerId});
        QVERIFY(refunded.wait(test::kUiWaitMs));
        QVERIFY(refunded.first().first().value<checkout::RefundReport>().ok);
        QVERIFY(uploaded(tea->outTradeNo, OrderState::PartiallyRefunded));

        ui::ReportsWindow window(m_fixture.till(), QStringLiteral("Shop"));
        QSignalSpy shown(&window, &ui::ReportsWindow::reportShown);
        window.offerWholeStore();
        window.show();
        QVERIFY(shown.wait(test::kUiWaitMs)); // today, this terminal
        QVERIFY(!window.showsWholeStore());
        QCOMPARE(text(window, "grossValue"), QStringLiteral("¥ 10.00"));

        QVERIFY(choose(window, 1));
        QVERIFY2(window.showsWholeStore(), qPrintable(text(window, "reportStatus")));
        QCOMPARE(text(window, "grossValue"), QStringLiteral("¥ 50.00"));
        QCOMPARE(text(window, "countValue"), QStringLiteral("2"));
        QCOMPARE(text(window, "averageValue"), QStringLiteral("¥ 25.00"));
        QVERIFY(text(window, "reportStatus").contains(QStringLiteral("Whole store")));
        QCOMPARE(text(window, "refundsValue"), QStringLiteral("¥ 2.00"));
        auto* channels = window.findChild<QTableWidget*>(QStringLiteral("channelTable"));
        QCOMPARE(channels->item(0, 2)->text(), QStringLiteral("50.00")); // Alipay gross
        // Both tills' cashiers, named from this till's staff list where it knows the id, with
        // the refund counted for the cashier who took the sale.
        auto* cashiers = window.findChild<QTableWidget*>(QStringLiteral("cashierTable"));
        QCOMPARE(cashiers->rowCount(), 2);
        QCOMPARE(cashiers->item(0, 0)->text(),
                 QStringLiteral("Cai Cashier (%1)").arg(test::TillFixture::kCashierId));
        QCOMPARE(cashiers->item(0, 2)->text(), QStringLiteral("10.00"));
        QCOMPARE(cashiers->item(0, 4)->text(), QStringLiteral("2.00"));
        QCOMPARE(cashiers->item(1, 0)->text(), QStringLiteral("C02"));
        QCOMPARE(cashiers->item(1, 2)->text(), QStringLiteral("40.00"));
        // The refund with who approved it and why, as on this terminal's own report.
        auto* refunds = window.findChild<QTableWidget*>(QStringLiteral("refundTable"));
        QCOMPARE(refunds->rowCount(), 1);
        QCOMPARE(refunds->item(0, 1)->text(), tea->outTradeNo);
        QCOMPARE(refunds->item(0, 3)->text(), QStringLiteral("2.00"));
        QCOMPARE(refunds->item(0, 4)->text(), test::TillFixture::kManagerId);
        QCOMPARE(refunds->item(0, 5)->text(), QStringLiteral("找错钱 wrong change"));

        // The same export as for this terminal, named for the store.
        auto* csv = window.findChild<QPushButton*>(QStringLiteral("exportCsv"));
        QVERIFY(csv && csv->isEnabled());
        QTest::mouseClick(csv, Qt::LeftButton);
        QFileDialog* dialog = nullptr;
        QVERIFY(test::waitUntil([&] {
            dialog = window.findChild<QFileDialog*>(QStringLiteral("csvFileDialog"));
            return dialog && dialog->isVisible();
        }));
        QVERIFY(dialog->selectedFiles().value(0).contains(QStringLiteral("store")));
        const QString path = m_dir.file(QStringLiteral("store-report.csv"));
        dialog->selectFile(path);
        static_cast<QDialog*>(dialog)->accept();
        QVERIFY(test::waitUntil([&] { return QFile::exists(path); }));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QVERIFY2(bytes.contains("50.00") && bytes.contains("whole store"),
                 bytes.left(400).constData());

        QVERIFY(choose(window, 0));
        QVERIFY(!window.showsWholeStore());
        QCOMPARE(text(window, "grossValue"), QStringLiteral("¥ 10.00"));
        QCOMPARE(refunds->rowCount(), 1);
        QCOMPARE(refunds->item(0, 4)->text(), test::TillFixture::kManagerId);
        QCOMPARE(refunds->item(0, 5)->text(), QStringLiteral("找错钱 wrong change"));
        QCOMPARE(cashiers->rowCount(), 1);
        QCOMPARE(cashiers->item(0, 0)->text(),
                 QStringLiteral("Cai Cashier (%1)").arg(test::TillFixture::kCashierId));
    }

    void aServerGoneIsSaidAndTheReportKept() {
        ui::ReportsWindow window(m_fixture.till(), QStringLiteral("Shop"));
        QSignalSpy shown(&window, &ui::ReportsWindow::reportShown);
        window.offerWholeStore();
        window.show();
        QVERIFY(shown.wait(test::kUiWaitMs));
        m_server.reset();
        QVERIFY(choose(window, 1));
        QVERIFY2(text(window, "reportStatus").contains(QStringLiteral("cannot be reached")),
                 qPrintable(text(window, "reportStatus")));
        QVERIFY(!window.showsWholeStore());
        QCOMPARE(text(window, "grossValue"), QStringLiteral("¥ 10.00")); // as it was
        QCOMPARE(window.findChild<QComboBox*>(QStringLiteral("reportScope"))->currentIndex(), 0);
    }
};

QTEST_MAIN(TestReportsWindowStore)
#include "tst_reports_window_store.moc"
