// The orders view against a real till (sandbox Alipay over loopback, a temporary database):
// today's orders by default, filters by state, channel and dates, search by order number,
// paging, live updates, and Enter opening an order's details.

#include "tests/gui/TillFixture.h"
#include "ui/orders/OrderDetailDialog.h"
#include "ui/orders/OrdersModel.h"
#include "ui/orders/OrdersView.h"

#include <QApplication>
#include <QComboBox>
#include <QDateEdit>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

using namespace qpos;
using qpos::test::TillFixture;

class TestOrdersView : public QObject {
    Q_OBJECT

    TillFixture m_fixture;
    Order m_a; // paid 12.34
    Order m_b; // paid 5.00
    Order m_c; // cancelled 1.00

    struct Screen {
        std::unique_ptr<ui::OrdersView> view;
        QTableView* table = nullptr;
        QAbstractItemModel* model = nullptr;
        QComboBox* state = nullptr;
        QComboBox* channel = nullptr;
        QLineEdit* search = nullptr;
        QDateEdit* from = nullptr;
        QDateEdit* to = nullptr;
        QLabel* status = nullptr;
        QPushButton* loadMore = nullptr;

        QString number(int row) const {
            return model->index(row, ui::OrdersModel::NumberColumn).data().toString();
        }
        QString cell(int row, int column) const {
            return model->index(row, column).data().toString();
        }
    };

    Screen open(int pageSize = 50) {
        Screen s;
        s.view = std::make_unique<ui::OrdersView>(m_fixture.till());
        s.view->setPageSize(pageSize);
        s.view->resize(1000, 600);
        s.view->show();
        s.table = s.view->findChild<QTableView*>(QStringLiteral("ordersTable"));
        s.model = s.table->model();
        s.state = s.view->findChild<QComboBox*>(QStringLiteral("stateFilter"));
        s.channel = s.view->findChild<QComboBox*>(QStringLiteral("channelFilter"));
        s.search = s.view->findChild<QLineEdit*>(QStringLiteral("orderSearch"));
        s.from = s.view->findChild<QDateEdit*>(QStringLiteral("fromDate"));
        s.to = s.view->findChild<QDateEdit*>(QStringLiteral("toDate"));
        s.status = s.view->findChild<QLabel*>(QStringLiteral("ordersStatus"));
        s.loadMore = s.view->findChild<QPushButton*>(QStringLiteral("loadMoreButton"));
        return s;
    }

    static void waitLoaded(const Screen& s) {
        QTRY_VERIFY_WITH_TIMEOUT(!s.status->text().isEmpty() &&
                                     !s.status->text().startsWith(QStringLiteral("Loading")),
                                 10000);
    }

private slots:
    void initTestCase() {
        QVERIFY(m_fixture.start());
        const auto a = m_fixture.paidOrder(1234);
        QVERIFY(a);
        m_a = *a;
        const auto b = m_fixture.paidOrder(500);
        QVERIFY(b);
        m_b = *b;
        const auto c = m_fixture.cancelledOrder(100);
        QVERIFY(c);
        m_c = *c;
    }

    void showsTodaysOrdersNewestFirst() {
        Screen s = open();
        QTRY_COMPARE(s.model->rowCount(), 3);
        QCOMPARE(s.number(0), m_c.outTradeNo);
        QCOMPARE(s.number(1), m_b.outTradeNo);
        QCOMPARE(s.number(2), m_a.outTradeNo);
        QCOMPARE(s.cell(2, ui::OrdersModel::AmountColumn), QStringLiteral("12.34"));
        QCOMPARE(s.cell(2, ui::OrdersModel::StateColumn), orderStateLabel(OrderState::Paid));
        QCOMPARE(s.cell(0, ui::OrdersModel::StateColumn), orderStateLabel(OrderState::Cancelled));
        QCOMPARE(s.cell(0, ui::OrdersModel::ChannelColumn), channelLabel(Channel::Alipay));
        QCOMPARE(s.from->date(), s.to->date());
        QVERIFY(s.status->text().contains(QStringLiteral("3")));
    }

    void filtersByState() {
        Screen s = open();
        QTRY_COMPARE(s.model->rowCount(), 3);
        s.state->setFocus();
        s.state->setCurrentIndex(s.state->findData(int(OrderState::Paid)));
        QTRY_COMPARE(s.model->rowCount(), 2);
        waitLoaded(s);
        QCOMPARE(s.model->rowCount(), 2);
        QCOMPARE(s.number(0), m_b.outTradeNo);
        QCOMPARE(s.number(1), m_a.outTradeNo);

        s.state->setCurrentIndex(s.state->findData(int(OrderState::Cancelled)));
        waitLoaded(s);
        QTRY_COMPARE(s.model->rowCount(), 1);
        QCOMPARE(s.number(0), m_c.outTradeNo);
    }

    void filtersByChannel() {
        Screen s = open();
        QTRY_COMPARE(s.model->rowCount(), 3);
        s.channel->setCurrentIndex(s.channel->findData(int(Channel::WeChat)));
        waitLoaded(s);
        QTRY_COMPARE(s.model->rowCount(), 0);
        QCOMPARE(s.status->text(), QStringLiteral("No orders match."));
        s.channel->setCurrentIndex(s.channel->findData(int(Channel::Alipay)));
        QTRY_COMPARE(s.model->rowCount(), 3);
    }

    void filtersByDateRange() {
        Screen s = open();
        QTRY_COMPARE(s.model->rowCount(), 3);
        const QDate today = s.to->date();
        s.from->setDate(today.addDays(-3));
        s.to->setDate(today.addDays(-1));
        waitLoaded(s);
        QTRY_COMPARE(s.model->rowCount(), 0);
        s.to->setDate(today);
        QTRY_COMPARE(s.model->rowCount(), 3);
        // Moving the start past the end drags the end along.
        s.from->setDate(today.addDays(1));
        QCOMPARE(s.to->date(), today.addDays(1));
        QTRY_COMPARE(s.model->rowCount(), 0);
        QTest::mouseClick(s.view->findChild<QPushButton*>(QStringLiteral("todayButton")),
                          Qt::LeftButton);
        QCOMPARE(s.from->date(), today);
        QTRY_COMPARE(s.model->rowCount(), 3);
    }

    void searchesByOrderNumber() {
        Screen s = open();
        QTRY_COMPARE(s.model->rowCount(), 3);
        // A fragment, as a customer reads out the end of the number.
        const QString fragment = m_b.outTradeNo.right(6);
        s.search->setFocus();
        QTest::keyClicks(s.search, fragment);
        QTest::keyClick(s.search, Qt::Key_Return);
        QTRY_COMPARE(s.model->rowCount(), 1);
        waitLoaded(s);
        QCOMPARE(s.model->rowCount(), 1);
        QCOMPARE(s.number(0), m_b.outTradeNo);

        // A whole number is found whatever dates are chosen.
        s.search->clear();
        QTRY_COMPARE(s.model->rowCount(), 3);
        const QDate today = s.to->date();
        s.from->setDate(today.addDays(-9));
        s.to->setDate(today.addDays(-8));
        QTRY_COMPARE(s.model->rowCount(), 0);
        s.search->setFocus();
        QTest::keyClicks(s.search, m_a.outTradeNo);
        QTest::keyClick(s.search, Qt::Key_Return);
        QTRY_COMPARE(s.model->rowCount(), 1);
        QCOMPARE(s.number(0), m_a.outTradeNo);
        QVERIFY(s.status->text().contains(QStringLiteral("all dates")));

        QTest::keyClicks(s.search, QStringLiteral("X"));
        QTest::keyClick(s.search, Qt::Key_Return);
        QTRY_COMPARE(s.model->rowCount(), 0);
    }

    void loadsMorePages() {
        Screen s = open(2);
        QTRY_COMPARE(s.model->rowCount(), 2);
        QTRY_VERIFY(s.loadMore->isEnabled());
        QVERIFY(s.status->text().contains(QStringLiteral("more")));
        QTest::mouseClick(s.loadMore, Qt::LeftButton);
        QTRY_COMPARE(s.model->rowCount(), 3);
        QCOMPARE(s.number(2), m_a.outTradeNo);
        QTRY_VERIFY(!s.loadMore->isEnabled());
    }

    void followsOrderChanges() {
        Screen s = open();
        QTRY_COMPARE(s.model->rowCount(), 3);
        const auto waiting = m_fixture.waitingOrder(777);
        QVERIFY(waiting);
        QTRY_COMPARE(s.model->rowCount(), 4);
        QCOMPARE(s.number(0), waiting->outTradeNo);
        QTRY_COMPARE(s.cell(0, ui::OrdersModel::StateColumn), orderStateLabel(OrderState::Pending));
        QVERIFY(m_fixture.pay(waiting->outTradeNo));
        QTRY_COMPARE(s.cell(0, ui::OrdersModel::StateColumn), orderStateLabel(OrderState::Paid));

        // A list of cancelled orders drops the order that is no longer one.
        s.state->setCurrentIndex(s.state->findData(int(OrderState::Pending)));
        waitLoaded(s);
        const int pendingRows = s.model->rowCount();
        const auto another = m_fixture.waitingOrder(888);
        QVERIFY(another);
        QTRY_COMPARE(s.model->rowCount(), pendingRows + 1);
        QVERIFY(m_fixture.pay(another->outTradeNo));
        QTRY_COMPARE(s.model->rowCount(), pendingRows);
    }

    void enterOpensTheDetails() {
        Screen s = open();
        QTRY_VERIFY(s.model->rowCount() >= 3);
        s.search->setFocus();
        QTest::keyClicks(s.search, m_a.outTradeNo);
        QTest::keyClick(s.search, Qt::Key_Return);
        QTRY_COMPARE(s.model->rowCount(), 1);
        s.table->setFocus();
        s.table->setCurrentIndex(s.model->index(0, 0));
        QTest::keyClick(s.table, Qt::Key_Return);
        ui::OrderDetailDialog* detail = nullptr;
        QTRY_VERIFY((detail = s.view->findChild<ui::OrderDetailDialog*>()) != nullptr);
        QCOMPARE(detail->outTradeNo(), m_a.outTradeNo);
        auto* number = detail->findChild<QLabel*>(QStringLiteral("detailNumber"));
        QTRY_COMPARE(number->text(), m_a.outTradeNo);
        QCOMPARE(detail->findChild<QLabel*>(QStringLiteral("detailAmount"))->text(),
                 QStringLiteral("12.34 yuan"));
        auto* events = detail->findChild<QTableWidget*>(QStringLiteral("eventsTable"));
        QVERIFY(events->rowCount() >= 3); // created, pending, paid
        QVERIFY(events->item(events->rowCount() - 1, 1)
                    ->text()
                    .endsWith(orderStateLabel(OrderState::Paid)));
        auto* refund = detail->findChild<QPushButton*>(QStringLiteral("refundButton"));
        QVERIFY(refund->isVisible());
        // The provider's fields of the payment are viewable.
        events->selectRow(events->rowCount() - 1);
        auto* fields = detail->findChild<QWidget*>(QStringLiteral("providerFields"));
        QVERIFY(fields->property("plainText").toString().contains(QStringLiteral("trade_")));
        detail->close();

        // A cancelled order offers no refund.
        s.view->openOrder(m_c.outTradeNo);
        ui::OrderDetailDialog* cancelled = nullptr;
        QTRY_VERIFY((cancelled = [&]() -> ui::OrderDetailDialog* {
                        for (auto* d : s.view->findChildren<ui::OrderDetailDialog*>()) {
                            if (d->outTradeNo() == m_c.outTradeNo)
                                return d;
                        }
                        return nullptr;
                    }()) != nullptr);
        QTRY_VERIFY(cancelled->order().has_value());
        QVERIFY(!cancelled->findChild<QPushButton*>(QStringLiteral("refundButton"))->isVisible());
        cancelled->close();
    }
};

QTEST_MAIN(TestOrdersView)
#include "tst_orders_view.moc"
