// The receipt printer's side of the till without a till: GB18030 text, the ESC/POS commands
// checked byte for byte against Epson's reference, layout on 58 and 80 mm rolls, the receipt
// and report documents read back as a printer would, and both transports (a fake network
// printer on loopback, a device file that is a temporary file).

#include "core/calendar/ChinaCalendar.h"
#include "core/printing/EscPosDocument.h"
#include "core/printing/PrintedWidth.h"
#include "core/printing/PrinterAddress.h"
#include "core/printing/PrinterTransport.h"
#include "core/printing/ReceiptPrinter.h"
#include "core/printing/ReportSlip.h"
#include "core/printing/SaleReceipt.h"
#include "core/text/Gb18030.h"
#include "core/text/GbkCodec.h"
#include "tests/support/EscPosReader.h"
#include "tests/support/FakeEscPosPrinter.h"
#include "tests/support/TempDir.h"

#include <QElapsedTimer>
#include <QFile>
#include <QHostAddress>
#include <QTcpServer>
#include <QTest>

#include <chrono>
#include <future>

using namespace qpos;
using namespace qpos::printing;

namespace {

// 2026-12-04 21:30:05 China time.
const qint64 kPaidAt = *china_calendar::parseTimestamp(u"2026-12-04 21:30:05");

Order paidOrder() {
    Order o;
    o.outTradeNo = QStringLiteral("S01_T1_20261204_000042");
    o.channel = Channel::Alipay;
    o.amountFen = 1234;
    o.state = OrderState::Paid;
    o.storeId = QStringLiteral("S01");
    o.terminalId = QStringLiteral("T1");
    o.cashierId = QStringLiteral("C01");
    o.createdAtMs = kPaidAt - 20000;
    o.paidAtMs = kPaidAt;
    o.providerTradeNo = QStringLiteral("2026120422001400000000000042");
    o.items = {OrderItem{QStringLiteral("珍珠奶茶 Bubble tea"), 2, 500},
               OrderItem{QStringLiteral("蛋挞"), 1, 234}};
    return o;
}

SaleReceipt receipt() {
    SaleReceipt r;
    r.shopName = QStringLiteral("测试小店 Test shop");
    r.order = paidOrder();
    r.cashierName = QStringLiteral("王收银");
    return r;
}

QByteArray bytesOf(const EscPosDocument& doc) {
    Result<QByteArray> bytes = doc.bytes();
    if (!bytes)
        qFatal("document not encoded: %s", qPrintable(bytes.error().message));
    return *bytes;
}

// Every line fits the roll, counting the double size it was printed in.
QString overlongLine(const test::EscPosReading& reading, int columns) {
    for (const test::EscPosLine& line : reading.lines) {
        if (printedWidth(line.text) * line.widthScale > columns)
            return line.text;
    }
    return QString();
}

PrinterConfig printerAt(const QString& url, PaperWidth width = PaperWidth::Mm80) {
    PrinterConfig c;
    c.enabled = true;
    c.url = url;
    c.width = width;
    return c;
}

// A job sent on another thread, as the till's printer thread does, while the fake printer
// runs on this one.
Status sendAway(ReceiptPrinter& printer, const EscPosDocument& doc) {
    std::future<Status> done =
        std::async(std::launch::async, [&printer, &doc] { return printer.print(doc); });
    while (done.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready)
        QTest::qWait(5);
    return done.get();
}

} // namespace

class TestEscPos : public QObject {
    Q_OBJECT

private slots:
    void gb18030EncodesChineseAndTheFullWidthYuanSign() {
        // Checked against the GB18030-2005 code table: 收 CA D5, 银 D2 F8, ￥ A3 A4.
        const Result<QByteArray> encoded = gb18030::encode(QStringLiteral("收银 ￥1"));
        QVERIFY(encoded);
        QCOMPARE(*encoded, QByteArray("\xCA\xD5\xD2\xF8 \xA3\xA4"
                                      "1"));
        // A character outside GBK takes GB18030's four bytes and comes back the same.
        const QString rare = QString::fromUcs4(U"\U00020000");
        const Result<QByteArray> four = gb18030::encode(rare);
        QVERIFY(four);
        QCOMPARE(four->size(), 4);
        QCOMPARE(gbk::decode(*four).value(), rare);
    }

    void widthCountsChineseAsTwoColumns() {
        QCOMPARE(printedWidth(u"abc"), 3);
        QCOMPARE(printedWidth(u"收银员"), 6);
        QCOMPARE(printedWidth(u"￥12.34"), 7);
        QCOMPARE(
            wrapToWidth(u"收银员收银员", 5),
            QStringList({QStringLiteral("收银"), QStringLiteral("员收"), QStringLiteral("银员")}));
        // A Latin word moves down whole.
        QCOMPARE(wrapToWidth(u"Bubble tea large", 12),
                 QStringList({QStringLiteral("Bubble tea"), QStringLiteral("large")}));
        const QStringList two = twoColumns(u"合计", u"￥12.34", 32);
        QCOMPARE(two.size(), 1);
        QCOMPARE(printedWidth(two.first()), 32);
        QVERIFY(two.first().startsWith(u"合计 "));
        QVERIFY(two.first().endsWith(u"￥12.34"));
        // A label too long for the line wraps; the amount keeps the right margin.
        const QStringList long_ = twoColumns(u"超大杯珍珠奶茶加椰果加布丁少冰", u"￥18.00", 16);
        for (const QString& line : long_)
            QVERIFY2(printedWidth(line) <= 16, qPrintable(line));
        QVERIFY(long_.last().endsWith(u"￥18.00"));
        // Control characters never reach the printer as commands.
        QCOMPARE(printableText(u"a\x1b@b\nc"), QStringLiteral("a @b c"));
    }

    void commandsAreEpsonsBytes() {
        EscPosDocument doc(48);
        doc.initialize()
            .align(Alignment::Center)
            .bold(true)
            .doubleSize(true)
            .doubleSize(false)
            .feed(3)
            .cut();
        QCOMPARE(bytesOf(doc), QByteArray("\x1B\x40\x1C\x26"  // ESC @, FS &
                                          "\x1B\x61\x01"      // ESC a 1
                                          "\x1B\x45\x01"      // ESC E 1
                                          "\x1D\x21\x11"      // GS ! 0x11
                                          "\x1D\x21\x00"      // GS ! 0
                                          "\x1B\x64\x03"      // ESC d 3
                                          "\x1D\x56\x42\x00", // GS V 66 0
                                          23));
        EscPosDocument pin2(32);
        pin2.drawerKick(DrawerPin::Pin2);
        QCOMPARE(bytesOf(pin2), QByteArray("\x1B\x70\x00\x19\xFA", 5));
        EscPosDocument pin5(32);
        pin5.drawerKick(DrawerPin::Pin5);
        QCOMPARE(bytesOf(pin5), QByteArray("\x1B\x70\x01\x19\xFA", 5));

        EscPosDocument qr(48);
        qr.qrCode("AB", 6, QrErrorLevel::M);
        QCOMPARE(bytesOf(qr),
                 QByteArray("\x1D\x28\x6B\x04\x00\x31\x41\x32\x00" // fn 165: model 2
                            "\x1D\x28\x6B\x03\x00\x31\x43\x06"     // fn 167: 6 dots
                            "\x1D\x28\x6B\x03\x00\x31\x45\x31"     // fn 169: level M
                            "\x1D\x28\x6B\x05\x00\x31\x50\x30"
                            "AB"                               // fn 180: store, k + 3 = 5
                            "\x1D\x28\x6B\x03\x00\x31\x51\x30" // fn 181: print
                            "\x0A",
                            44));
        // A payload longer than 255 bytes spreads its length over pL and pH.
        EscPosDocument big(48);
        big.qrCode(QByteArray(300, 'x'), 4, QrErrorLevel::L);
        QVERIFY(bytesOf(big).contains(QByteArray("\x1D\x28\x6B\x2F\x01\x31\x50\x30", 8)));
    }

    void saleReceiptReadsBackOnBothRolls_data() {
        QTest::addColumn<int>("columns");
        QTest::newRow("58 mm") << 32;
        QTest::newRow("80 mm") << 48;
    }
    void saleReceiptReadsBackOnBothRolls() {
        QFETCH(int, columns);
        const QByteArray job = bytesOf(saleReceiptDocument(receipt(), columns));
        const test::EscPosReading r = test::readEscPos(job);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QVERIFY2(overlongLine(r, columns).isEmpty(), qPrintable(overlongLine(r, columns)));
        QVERIFY(job.startsWith(QByteArray("\x1B\x40\x1C\x26", 4)));
        QCOMPARE(r.commands.last().name, QStringLiteral("cut"));
        QCOMPARE(r.count(QStringLiteral("cut")), 1);
        QCOMPARE(r.count(QStringLiteral("drawer")), 0);

        QVERIFY(r.hasLine(QStringLiteral("测试小店 Test")) ||
                r.hasLine(QStringLiteral("测试小店 Test shop")));
        QVERIFY(r.hasLine(QStringLiteral("S01_T1_20261204_000042")));
        QVERIFY(r.lineWith(QStringLiteral("2026-12-04 21:30:05")).startsWith(u"Time"));
        QVERIFY(r.lineWith(QStringLiteral("王收银 (C01)")).startsWith(u"Cashier"));
        QVERIFY(r.lineWith(QStringLiteral("Alipay")).startsWith(u"Payment"));
        QVERIFY(r.lineWith(QStringLiteral("蛋挞")).endsWith(u"￥2.34"));
        const QString total = r.lineWith(QStringLiteral("Total"));
        QVERIFY2(total.endsWith(u"￥12.34"), qPrintable(total));
        QVERIFY(r.hasLine(QStringLiteral("2026120422001400000000000042")));
        QVERIFY(r.lineWith(QStringLiteral("REPRINT")).isEmpty());

        // The QR is well formed and holds exactly the order number.
        QCOMPARE(r.qrPayloads(), QList<QByteArray>{QByteArray("S01_T1_20261204_000042")});
        QCOMPARE(r.count(QStringLiteral("qr.model")), 1);
        QCOMPARE(r.count(QStringLiteral("qr.print")), 1);
    }

    void reprintSaysSoAndShowsRefunds() {
        SaleReceipt again = receipt();
        again.reprint = true;
        again.printedAtMs = kPaidAt + 3600000;
        again.order.state = OrderState::PartiallyRefunded;
        again.order.refundedFen = 234;
        const test::EscPosReading r = test::readEscPos(bytesOf(saleReceiptDocument(again, 32)));
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QVERIFY(r.hasLine(QStringLiteral("** REPRINT **")));
        QVERIFY(r.lineWith(QStringLiteral("Refunded")).endsWith(u"-￥2.34"));
        QVERIFY(r.lineWith(QStringLiteral("Net paid")).endsWith(u"￥10.00"));
        QVERIFY(r.lineWith(QStringLiteral("2026-12-04 22:30:05")).startsWith(u"Reprinted"));
    }

    void noReceiptForAnUnpaidOrder() {
        Order o = paidOrder();
        QVERIFY(receiptAllowed(o).ok());
        o.state = OrderState::Pending;
        const Status s = receiptAllowed(o);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, QStringLiteral("printer.not_paid"));
        QVERIFY(s.error().message.contains(o.outTradeNo));
    }

    void reportSlipPrintsTheReportsOwnFigures() {
        reports::SalesReport report;
        report.fromDay = report.toDay = 20261204;
        report.total = reports::Figures{3, 4500, 1, 500};
        report.channels = {{QStringLiteral("alipay"), reports::Figures{2, 3000, 1, 500}},
                           {QStringLiteral("wechat"), reports::Figures{1, 1500, 0, 0}}};
        for (int h = 0; h < 24; ++h)
            report.hours << reports::HourFigures{h, h == 9 ? report.total : reports::Figures{}};
        report.days = {{20261204, report.total}};
        report.cashiers = {{QStringLiteral("C01"), QStringLiteral("王收银"), report.total}};
        report.refunds = {reports::RefundLine{kPaidAt, 20261204, QStringLiteral("S01_T1_X"),
                                              QStringLiteral("alipay"), QStringLiteral("C01"), 500,
                                              QStringLiteral("M01"), QStringLiteral("破损")}};
        const test::EscPosReading r = test::readEscPos(bytesOf(
            reportSlipDocument(report, QStringLiteral("X 报表"), QStringLiteral("2026-12-04"),
                               QStringLiteral("测试小店"), kPaidAt, 32)));
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QVERIFY2(overlongLine(r, 32).isEmpty(), qPrintable(overlongLine(r, 32)));
        QVERIFY(r.hasLine(QStringLiteral("X 报表")));
        QVERIFY(r.lineWith(QStringLiteral("Gross")).endsWith(u"￥45.00"));
        QVERIFY(r.lineWith(QStringLiteral("Net")).endsWith(u"￥40.00"));
        QVERIFY(r.lineWith(QStringLiteral("Average ticket")).endsWith(u"￥15.00"));
        QVERIFY(r.lineWith(QStringLiteral("WeChat Pay")).endsWith(u"￥15.00"));
        QVERIFY(r.lineWith(QStringLiteral("王收银 (C01)")).endsWith(u"￥40.00"));
        QVERIFY(r.lineWith(QStringLiteral("09:00")).endsWith(u"￥40.00"));
        QVERIFY(r.lineWith(QStringLiteral("10:00")).isEmpty()); // an hour without business
        QVERIFY(r.lineWith(QStringLiteral("破损")).contains(u"M01"));
        QCOMPARE(r.commands.last().name, QStringLiteral("cut"));

        reports::ZReport z;
        z.seq = 7;
        z.businessDay = 20261204;
        z.fromDay = 20261203;
        z.takenAtMs = kPaidAt;
        z.takenBy = QStringLiteral("M01");
        z.snapshot = report;
        const test::EscPosReading zr =
            test::readEscPos(bytesOf(zReportSlipDocument(z, QString(), kPaidAt, 48)));
        QVERIFY2(zr.error.isEmpty(), qPrintable(zr.error));
        QVERIFY(zr.hasLine(QStringLiteral("Z report No. 7")));
        QVERIFY(zr.hasLine(QStringLiteral("Covers 2026-12-03 to 2026-12-04")));
        QVERIFY(zr.lineWith(QStringLiteral("Net")).endsWith(u"￥40.00"));
    }

    void addressesAreParsed() {
        Result<PrinterAddress> tcp = PrinterAddress::parse(QStringLiteral("tcp://10.0.0.9"));
        QVERIFY(tcp);
        QCOMPARE(tcp->port, quint16(9100));
        QCOMPARE(tcp->text(), QStringLiteral("tcp://10.0.0.9:9100"));
        Result<PrinterAddress> dev = PrinterAddress::parse(QStringLiteral("/dev/usb/lp0"));
        QVERIFY(dev);
        QCOMPARE(dev->kind, PrinterAddress::Kind::DeviceFile);
        for (const char* bad : {"lp0", "http://10.0.0.9:9100", "tcp://:9100", "tcp://h:0"}) {
            const Result<PrinterAddress> r = PrinterAddress::parse(QString::fromLatin1(bad));
            QVERIFY2(!r, bad);
            QCOMPARE(r.error().code, QStringLiteral("printer.bad_address"));
            QVERIFY(r.error().message.contains(u"Settings"));
        }
    }

    void networkPrinterReceivesTheJob() {
        test::FakeEscPosPrinter fake;
        QVERIFY(fake.listen());
        ReceiptPrinter printer(printerAt(fake.url(), PaperWidth::Mm58));
        const EscPosDocument doc = saleReceiptDocument(receipt(), printer.columns());
        const Status s = sendAway(printer, doc);
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error().message));
        QVERIFY(fake.waitForJobs(1));
        QCOMPARE(fake.jobs().first(), bytesOf(doc));
        QCOMPARE(fake.statusQueries, 1);

        // The drawer: ESC p on the configured pin and nothing else.
        PrinterConfig pin5 = printerAt(fake.url());
        pin5.drawer = CashDrawerPin::Pin5;
        ReceiptPrinter drawer(pin5);
        std::future<Status> kicked =
            std::async(std::launch::async, [&drawer] { return drawer.openDrawer(); });
        while (kicked.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready)
            QTest::qWait(5);
        QVERIFY(kicked.get().ok());
        QVERIFY(fake.waitForJobs(2));
        QCOMPARE(fake.jobs().at(1), QByteArray("\x1B\x70\x01\x19\xFA", 5));
    }

    void aPrinterThatNeverAnswersTheStatusStillPrints() {
        test::FakeEscPosPrinter fake;
        fake.paperStatus.reset();
        QVERIFY(fake.listen());
        TransportTimeouts quick;
        quick.statusMs = 200;
        ReceiptPrinter printer(printerAt(fake.url()), quick);
        QVERIFY(sendAway(printer, saleReceiptDocument(receipt(), 48)).ok());
        QVERIFY(fake.waitForJobs(1));
        QVERIFY(test::readEscPos(fake.jobs().first()).hasLine(QStringLiteral("Thank you!")));
    }

    void paperOutIsReportedAndNothingIsSent() {
        test::FakeEscPosPrinter fake;
        fake.paperStatus = 0x12 | 0x60; // roll paper end
        QVERIFY(fake.listen());
        ReceiptPrinter printer(printerAt(fake.url()));
        const Status s = sendAway(printer, saleReceiptDocument(receipt(), 48));
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, QStringLiteral("printer.paper_out"));
        QVERIFY(s.error().message.contains(u"new roll"));
        QVERIFY(fake.waitForJobs(1));
        QVERIFY(fake.jobs().first().isEmpty());
    }

    void unreachablePrinterIsAClearError() {
        // A port nobody listens on: a server bound, its port noted, then closed.
        QTcpServer gone;
        QVERIFY(gone.listen(QHostAddress::LocalHost, 0));
        const quint16 port = gone.serverPort();
        gone.close();
        ReceiptPrinter printer(printerAt(QStringLiteral("tcp://127.0.0.1:%1").arg(port)));
        QElapsedTimer t;
        t.start();
        const Status s = printer.print(saleReceiptDocument(receipt(), 48));
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, QStringLiteral("printer.unreachable"));
        QVERIFY(s.error().message.contains(QStringLiteral("127.0.0.1:%1").arg(port)));
        QVERIFY(s.error().message.contains(u"switched on"));
        QVERIFY(t.elapsed() < 5000);

        ReceiptPrinter off(PrinterConfig{});
        const Status disabled = off.openDrawer();
        QVERIFY(!disabled.ok());
        QCOMPARE(disabled.error().code, QStringLiteral("printer.disabled"));
    }

    void deviceFileTransportWritesTheJob() {
        test::TempDir dir;
        const QString path = dir.file(QStringLiteral("lp0"));
        QFile create(path);
        QVERIFY(create.open(QIODevice::WriteOnly));
        create.close();
        ReceiptPrinter printer(printerAt(path, PaperWidth::Mm58));
        const EscPosDocument doc = saleReceiptDocument(receipt(), 32);
        QVERIFY(printer.print(doc).ok());
        QVERIFY(printer.openDrawer().ok());
        QFile written(path);
        QVERIFY(written.open(QIODevice::ReadOnly));
        QCOMPARE(written.readAll(), bytesOf(doc) + QByteArray("\x1B\x70\x00\x19\xFA", 5));

        ReceiptPrinter missing(printerAt(dir.file(QStringLiteral("no-such-lp"))));
        const Status s = missing.print(doc);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, QStringLiteral("printer.no_device"));
        QVERIFY(s.error().message.contains(u"plugged in"));
        QVERIFY(!probePrinter(*PrinterAddress::parse(dir.file(QStringLiteral("no-such-lp")))));
        QVERIFY(probePrinter(*PrinterAddress::parse(path)));
    }
};

QTEST_GUILESS_MAIN(TestEscPos)
#include "tst_escpos.moc"
