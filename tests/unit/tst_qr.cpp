// The QR the buyer scans: libqrencode's modules rendered with a white quiet zone and whole
// pixels per module, and a real precreate answer's URL read back by zbar exactly.

#include "core/gateways/alipay/AlipayClient.h"
#include "core/qr/QrCode.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/SandboxServer.h"
#include "tests/support/TempDir.h"
#include "ui/till/QrImage.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QImage>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>

#include <algorithm>
#include <optional>

using namespace qpos;

namespace {

const QString kAppId = QStringLiteral("2021000000000042");
constexpr int kSidePx = 320;

QString urlOfLength(int length) {
    QString url = QStringLiteral("https://qr.alipay.com/bax");
    int i = 0;
    while (url.size() < length)
        url.append(QChar(u'a' + (i++ % 26)));
    return url;
}

qr::QrCode encodeOrFail(const QString& text) {
    Result<qr::QrCode> code = qr::QrCode::encode(text);
    if (!code)
        qFatal("encode failed: %s", qPrintable(code.error().message));
    return *code;
}

// Reads the QR in `image` with zbarimg; empty with `error` set when it cannot.
QString decodeWithZbar(const QImage& image, QString* error) {
    const QString zbarimg = QStandardPaths::findExecutable(QStringLiteral("zbarimg"));
    if (zbarimg.isEmpty()) {
        *error = QStringLiteral("zbarimg is not installed; run scripts/install-deps.sh "
                                "(Debian package zbar-tools)");
        return {};
    }
    test::TempDir dir;
    const QString file = dir.file(QStringLiteral("qr.png"));
    if (!image.save(file, "PNG")) {
        *error = QStringLiteral("cannot write ") + file;
        return {};
    }
    QProcess zbar;
    zbar.start(zbarimg, {QStringLiteral("--raw"), QStringLiteral("-q"), file});
    if (!zbar.waitForFinished(20000) || zbar.exitStatus() != QProcess::NormalExit ||
        zbar.exitCode() != 0) {
        *error = QStringLiteral("zbarimg failed (exit %1): %2")
                     .arg(zbar.exitCode())
                     .arg(QString::fromUtf8(zbar.readAllStandardError()));
        return {};
    }
    QByteArray out = zbar.readAllStandardOutput();
    if (out.endsWith('\n'))
        out.chop(1);
    return QString::fromUtf8(out);
}

} // namespace

class TestQr : public QObject {
    Q_OBJECT

private slots:
    void emptyTextIsRefused() {
        const Result<qr::QrCode> code = qr::QrCode::encode(QString());
        QVERIFY(!code.ok());
        QCOMPARE(code.error().code, QStringLiteral("qr.too_long"));
        QVERIFY(!code.error().message.isEmpty());
    }

    void tooLongTextIsRefused() {
        const Result<qr::QrCode> code = qr::QrCode::encode(urlOfLength(3000));
        QVERIFY(!code.ok());
        QCOMPARE(code.error().code, QStringLiteral("qr.too_long"));
    }

    void nullCodeRendersNothing() { QVERIFY(ui::renderQrImage(qr::QrCode(), kSidePx).isNull()); }

    void sizeIsWholeModulesThatFit_data() {
        QTest::addColumn<int>("maxSide");
        QTest::newRow("dialog") << kSidePx;
        QTest::newRow("large") << 1000;
        QTest::newRow("tiny: one pixel per module") << 10;
    }
    void sizeIsWholeModulesThatFit() {
        QFETCH(int, maxSide);
        const qr::QrCode code = encodeOrFail(QStringLiteral("https://qr.alipay.com/bax0001"));
        const int modules = code.width() + 2 * qr::QrCode::kQuietZone;
        const QImage image = ui::renderQrImage(code, maxSide);
        QVERIFY(!image.isNull());
        QCOMPARE(image.width(), image.height());
        QCOMPARE(image.width() % modules, 0);
        const int scale = image.width() / modules;
        QCOMPARE(scale, std::max(1, maxSide / modules));
        if (maxSide >= modules) {
            QVERIFY(image.width() <= maxSide);
            QVERIFY(image.width() + modules > maxSide); // one more pixel per module would not fit
        }
        QCOMPARE(ui::renderQrImage(code, modules * 5).width(), modules * 5);
        QCOMPARE(ui::renderQrImage(code, modules * 5 - 1).width(), modules * 4);
    }

    void quietZoneIsWhiteAndModulesAreSolid() {
        const qr::QrCode code = encodeOrFail(QStringLiteral("https://qr.alipay.com/bax0002?t=1"));
        const int quiet = qr::QrCode::kQuietZone;
        const int modules = code.width() + 2 * quiet;
        const QImage image = ui::renderQrImage(code, kSidePx);
        const int scale = image.width() / modules;
        QVERIFY(scale > 1);
        int dark = 0;
        for (int y = 0; y < image.height(); ++y) {
            for (int x = 0; x < image.width(); ++x) {
                const int mx = x / scale - quiet;
                const int my = y / scale - quiet;
                const bool inCode = mx >= 0 && my >= 0 && mx < code.width() && my < code.width();
                const QRgb expected =
                    inCode && code.isDark(mx, my) ? qRgb(0, 0, 0) : qRgb(255, 255, 255);
                if (image.pixel(x, y) != expected)
                    QFAIL(qPrintable(QStringLiteral("pixel (%1, %2) of module (%3, %4) is %5")
                                         .arg(x)
                                         .arg(y)
                                         .arg(mx)
                                         .arg(my)
                                         .arg(image.pixel(x, y), 8, 16)));
                dark += expected == qRgb(0, 0, 0) ? 1 : 0;
            }
        }
        // The three finder patterns alone are dark: the code is really drawn.
        QVERIFY(dark > 3 * 24 * scale * scale);
        // Finder pattern corner: the first dark module sits right inside the quiet zone.
        QCOMPARE(image.pixel(quiet * scale, quiet * scale), qRgb(0, 0, 0));
        QCOMPARE(image.pixel(quiet * scale - 1, quiet * scale - 1), qRgb(255, 255, 255));
    }

    void longUrlEncodesAndDecodes() {
        const QString url = urlOfLength(1200);
        const qr::QrCode code = encodeOrFail(url);
        QVERIFY(code.width() > 100); // a high version, yet one code
        QString error;
        const QString decoded = decodeWithZbar(ui::renderQrImage(code, 4 * code.width()), &error);
        if (!error.isEmpty())
            QFAIL(qPrintable(error));
        QCOMPARE(decoded, url);
    }

    // The test: the QR of a real precreate answer reads back as the exact URL.
    void precreateAnswerDecodesToTheExactUrl() {
        sandbox::SandboxServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
        Result<crypto::RsaPrivateKey> appKey = server.alipay().createApp(kAppId);
        QVERIFY(appKey.ok());

        alipay::AlipayClientSettings settings;
        settings.gatewayUrl = server.alipay().gatewayUrl();
        settings.appId = kAppId;
        settings.appPrivateKey = *appKey;
        settings.alipayPublicKey = server.alipay().alipayPublicKey();
        settings.requestTimeout = std::chrono::milliseconds(5000);
        Result<std::unique_ptr<alipay::AlipayClient>> client =
            alipay::AlipayClient::create(settings);
        QVERIFY2(client.ok(), client ? "" : qPrintable(client.error().message));

        const gateway::QrOrderRequest request{
            QStringLiteral("QR%1").arg(QDateTime::currentMSecsSinceEpoch()),
            1234,
            QStringLiteral("Coffee"),
            0,
            QStringLiteral("S01"),
            QStringLiteral("T01"),
            QStringLiteral("C01")};
        std::optional<gateway::GatewayResult<gateway::QrOrder>> created;
        (*client)->createQrOrder(
            request, this,
            [&created](gateway::GatewayResult<gateway::QrOrder> r) { created = std::move(r); });
        QTRY_VERIFY_WITH_TIMEOUT(created.has_value(), 10000);
        QVERIFY2(created->isSuccess(), qPrintable(created->cashierMessage()));
        const QString url = created->value().qrCode;
        QVERIFY(url.startsWith(QStringLiteral("https://qr.alipay.com/")));
        QVERIFY(server.alipay().tradeByQrCode(url).has_value());

        const QImage image = ui::renderQrImage(encodeOrFail(url), kSidePx);
        QVERIFY(image.width() <= kSidePx);
        QString error;
        const QString decoded = decodeWithZbar(image, &error);
        if (!error.isEmpty())
            QFAIL(qPrintable(error));
        QCOMPARE(decoded, url);
    }
};

QTEST_MAIN(TestQr)
#include "tst_qr.moc"
