// The GBK codec both ways: the till reads Alipay's GBK bills, the sandbox writes them.
#include "core/text/GbkCodec.h"

#include <QTest>

using namespace qpos;

namespace {

const QByteArray kAlipayGbk("\xd6\xa7\xb8\xb6\xb1\xa6"); // 支付宝
const QByteArray kCoffeeGbk("\xbf\xa7\xb7\xc8");         // 咖啡

} // namespace

class TestGbkCodec : public QObject {
    Q_OBJECT

private slots:
    void bothDirections() {
        QCOMPARE(*gbk::encode(QStringLiteral("支付宝")), kAlipayGbk);
        QCOMPARE(*gbk::decode(kAlipayGbk), QStringLiteral("支付宝"));
        QCOMPARE(*gbk::encode(QString()), QByteArray());
        QCOMPARE(*gbk::decode(QByteArray()), QString());

        const QString header = QStringLiteral("支付宝交易号,订单金额（元）,退款批次号/请求号\r\n");
        const Result<QByteArray> bytes = gbk::encode(header);
        QVERIFY(bytes.ok());
        QCOMPARE(bytes->size(), 21 * 2 + 5); // two bytes a Chinese character, one for ASCII
        QCOMPARE(*gbk::decode(*bytes), header);
    }

    void decodesGb18030() {
        // A four-byte GB18030 sequence (U+0080) is read, not refused, but GBK cannot hold it.
        QCOMPARE(*gbk::decode(QByteArray("a\x81\x30\x81\x30z")), QStringLiteral("a\u0080z"));
        QVERIFY(!gbk::encode(QStringLiteral("a\u0080z")).ok());
    }

    void invalidBytesAreErrors() {
        const Result<QString> bad = gbk::decode(QByteArray("ok\nline two \xff\xff"));
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, QStringLiteral("alipay.gbk_invalid"));
        QVERIFY2(bad.error().message.contains(u"line 2, byte 12"), qPrintable(bad.error().message));

        const Result<QString> cut = gbk::decode(QByteArray("\xd6\xa7\xb8"));
        QVERIFY(!cut.ok());
        QCOMPARE(cut.error().code, QStringLiteral("alipay.gbk_invalid"));
        QVERIFY2(cut.error().message.contains(u"truncated"), qPrintable(cut.error().message));

        QVERIFY(!gbk::decode(QByteArray("\x81", 1)).ok());
    }

    void unencodableCharacters() {
        // Strict: an error naming the character's UTF-8 byte offset.
        const Result<QByteArray> strict = gbk::encode(QStringLiteral("咖啡☕!"));
        QVERIFY(!strict.ok());
        QCOMPARE(strict.error().code, QStringLiteral("alipay.gbk_unencodable"));
        QVERIFY2(strict.error().message.contains(u"byte 6"), qPrintable(strict.error().message));

        // Replacing: one '?' a character, whatever its UTF-8 length.
        QCOMPARE(*gbk::encodeReplacing(QStringLiteral("咖啡☕!")), kCoffeeGbk + "?!");
        QCOMPARE(*gbk::encodeReplacing(QStringLiteral("a😀b☕")), QByteArray("a?b?"));
        QCOMPARE(*gbk::encodeReplacing(QStringLiteral("支付宝")), kAlipayGbk);
    }
};

QTEST_GUILESS_MAIN(TestGbkCodec)
#include "tst_gbk_codec.moc"
