#include "MainWindow.h"

#include <QLabel>
#include <QTableWidget>
#include <QTest>

using namespace qpos;

class TestMainWindow : public QObject {
    Q_OBJECT

private slots:
    void sandboxShowsABanner() {
        ui::MainWindow window(ui::ShopIdentity{QStringLiteral("Demo shop"), QStringLiteral("DEMO"),
                                               QStringLiteral("T01"), true});
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* banner = window.findChild<QLabel*>(QStringLiteral("sandboxBanner"));
        QVERIFY(banner);
        QVERIFY(banner->isVisible());
        QVERIFY(banner->text().contains(QStringLiteral("SANDBOX")));
        auto* header = window.findChild<QLabel*>(QStringLiteral("shopHeader"));
        QVERIFY(header->text().contains(QStringLiteral("DEMO")));
        QVERIFY(header->text().contains(QStringLiteral("T01")));
    }

    void realShopHasNoBanner() {
        ui::MainWindow window(ui::ShopIdentity{QStringLiteral("Shop"), QStringLiteral("S1"),
                                               QStringLiteral("T1"), false});
        QVERIFY(!window.findChild<QLabel*>(QStringLiteral("sandboxBanner")));
    }

    void showsTodaysTakingsInYuan() {
        ui::MainWindow window(ui::ShopIdentity{QStringLiteral("Shop"), QStringLiteral("S1"),
                                               QStringLiteral("T1"), false});
        DailyTotal alipay{20261123, Channel::Alipay, 3, 12345, 345};
        DailyTotal wechat{20261123, Channel::WeChat, 1, 1, 0};
        window.showTodayTotals({alipay, wechat});
        auto* table = window.findChild<QTableWidget*>(QStringLiteral("todayTotals"));
        QVERIFY(table);
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->item(0, 1)->text(), QStringLiteral("3"));
        QCOMPARE(table->item(0, 2)->text(), QStringLiteral("123.45"));
        QCOMPARE(table->item(0, 3)->text(), QStringLiteral("120.00"));
        QCOMPARE(table->item(1, 2)->text(), QStringLiteral("0.01"));
        window.showTodayTotals({});
        QCOMPARE(table->rowCount(), 0);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
