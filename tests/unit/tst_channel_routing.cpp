#include "core/config/AppConfig.h"
#include "core/config/ConfigLoader.h"
#include "core/routing/ChannelRouting.h"
#include "core/routing/CodePrefixRange.h"
#include "core/routing/PaymentCode.h"

#include "tests/support/TempDir.h"

#include <QFile>
#include <QTest>

using namespace Qt::StringLiterals;
using qpos::AppConfig;
using qpos::Channel;
using qpos::routing::ChannelRouting;
using qpos::routing::CodePrefixRange;

namespace {

const QList<Channel> kBoth{Channel::Alipay, Channel::WeChat};

// A code of `length` digits that starts with `prefix`.
QString code(const QString& prefix, int length = 18) {
    QString c = prefix;
    while (c.size() < length)
        c += QChar(u'0' + char16_t(c.size() % 10));
    return c;
}

ChannelRouting defaultRouting(const QList<Channel>& offered = kBoth) {
    return ChannelRouting(offered, qpos::productionDefaults(u"/tmp/unused"_s).routing);
}

qpos::ConfigLoadResult load(const QByteArray& body, bool sandbox = false) {
    qpos::test::TempDir tmp;
    const QString path = tmp.file(u"qpos.ini"_s);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write("[store]\nid = S1\n[terminal]\nid = T1\n" + body);
    f.close();
    qpos::ConfigLoadOptions options;
    options.sandbox = sandbox;
    options.dataDir = tmp.path();
    return qpos::ConfigLoader::load({qpos::ConfigSource{path, true}}, options);
}

QString describe(const qpos::ConfigLoadResult& r) {
    QStringList lines;
    for (const qpos::ConfigIssue& i : r.errors)
        lines << i.code + u": "_s + i.message;
    return lines.join(u'\n');
}

} // namespace

class TestChannelRouting : public QObject {
    Q_OBJECT

private slots:
    void prefixBoundaries_data() {
        QTest::addColumn<QString>("prefix");
        QTest::addColumn<int>("wallet"); // -1 none, else Channel
        QTest::newRow("09") << u"09"_s << -1;
        QTest::newRow("10") << u"10"_s << int(Channel::WeChat);
        QTest::newRow("13") << u"13"_s << int(Channel::WeChat);
        QTest::newRow("15") << u"15"_s << int(Channel::WeChat);
        QTest::newRow("16") << u"16"_s << -1;
        QTest::newRow("24") << u"24"_s << -1;
        QTest::newRow("25") << u"25"_s << int(Channel::Alipay);
        QTest::newRow("28") << u"28"_s << int(Channel::Alipay);
        QTest::newRow("30") << u"30"_s << int(Channel::Alipay);
        QTest::newRow("31") << u"31"_s << -1;
        QTest::newRow("99") << u"99"_s << -1;
    }

    void prefixBoundaries() {
        QFETCH(QString, prefix);
        QFETCH(int, wallet);
        const ChannelRouting routing = defaultRouting();
        const qpos::Result<Channel> channel = routing.channelForCode(code(prefix));
        if (wallet < 0) {
            QVERIFY(!channel);
            QCOMPARE(channel.error().code, u"payment_code.unknown_prefix"_s);
            QVERIFY(!routing.walletOf(code(prefix)));
        } else {
            QVERIFY2(channel.ok(), qPrintable(prefix));
            QCOMPARE(int(*channel), wallet);
        }
    }

    void lengths_data() {
        QTest::addColumn<int>("length");
        QTest::addColumn<bool>("wellFormed");
        QTest::newRow("15") << 15 << false;
        QTest::newRow("16") << 16 << true;
        QTest::newRow("18") << 18 << true;
        QTest::newRow("24") << 24 << true;
        QTest::newRow("25") << 25 << false;
    }

    void lengths() {
        QFETCH(int, length);
        QFETCH(bool, wellFormed);
        const ChannelRouting routing = defaultRouting();
        for (const QString& prefix : {u"13"_s, u"28"_s}) {
            const QString c = code(prefix, length);
            QCOMPARE(qpos::routing::payment_code::isWellFormed(c), wellFormed);
            const qpos::Result<Channel> channel = routing.channelForCode(c);
            QCOMPARE(channel.ok(), wellFormed);
            if (!wellFormed)
                QCOMPARE(channel.error().code, u"payment_code.malformed"_s);
        }
    }

    void notDigits() {
        const ChannelRouting routing = defaultRouting();
        QCOMPARE(routing.channelForCode(u"28x456789012345678"_s).error().code,
                 u"payment_code.malformed"_s);
        QCOMPARE(routing.channelForCode(u" 134567890123456789"_s).error().code,
                 u"payment_code.malformed"_s);
        QCOMPARE(routing.channelForCode(QString()).error().code, u"payment_code.malformed"_s);
    }

    void channelNotOffered() {
        const ChannelRouting alipayOnly = defaultRouting({Channel::Alipay});
        const qpos::Result<Channel> wechat = alipayOnly.channelForCode(code(u"13"_s));
        QCOMPARE(wechat.error().code, u"payment_code.channel_not_offered"_s);
        QVERIFY2(wechat.error().message.contains(qpos::channelLabel(Channel::WeChat)),
                 qPrintable(wechat.error().message));
        QCOMPARE(*alipayOnly.channelForCode(code(u"28"_s)), Channel::Alipay);

        const qpos::Status qr = alipayOnly.checkCharge(Channel::WeChat, 100);
        QCOMPARE(qr.error().code, u"routing.channel_not_offered"_s);
        QVERIFY(alipayOnly.checkCharge(Channel::Alipay, 100).ok());

        const ChannelRouting none = defaultRouting({});
        QVERIFY(!none.defaultChannel());
        QCOMPARE(none.channelForCode(code(u"28"_s)).error().code,
                 u"payment_code.channel_not_offered"_s);
    }

    void amountLimits() {
        qpos::RoutingConfig rules = qpos::productionDefaults(u"/tmp/unused"_s).routing;
        rules.wechatMaxAmountFen = 500000; // 5000.00
        const ChannelRouting routing(kBoth, rules);
        QVERIFY(routing.checkCharge(Channel::WeChat, 500000).ok());
        const qpos::Status over = routing.checkCharge(Channel::WeChat, 500001);
        QVERIFY(!over.ok());
        QCOMPARE(over.error().code, u"routing.over_limit"_s);
        const QString& message = over.error().message;
        QVERIFY2(message.contains(qpos::channelLabel(Channel::WeChat)), qPrintable(message));
        QVERIFY2(message.contains(u"5000.00"_s), qPrintable(message));
        QVERIFY2(message.contains(u"5000.01"_s), qPrintable(message));
        // What to do: the other channel takes it.
        QVERIFY2(message.contains(qpos::channelLabel(Channel::Alipay)), qPrintable(message));
        QVERIFY(routing.checkCharge(Channel::Alipay, 99999999).ok());

        // The limit applies to a scanned code as well.
        QCOMPARE(routing.routeCode(code(u"13"_s), 600000).error().code, u"routing.over_limit"_s);
        QCOMPARE(*routing.routeCode(code(u"13"_s), 400000), Channel::WeChat);
        QCOMPARE(*routing.routeCode(code(u"28"_s), 600000), Channel::Alipay);

        // Both limited below the amount: split the sale, no other wallet is suggested.
        rules.alipayMaxAmountFen = 100000;
        const ChannelRouting both(kBoth, rules);
        const QString split = both.checkCharge(Channel::WeChat, 600000).error().message;
        QVERIFY2(!split.contains(qpos::channelLabel(Channel::Alipay)), qPrintable(split));
    }

    void configuredOrder() {
        AppConfig c = qpos::productionDefaults(u"/tmp/unused"_s);
        c.wechat.enabled = true;
        QCOMPARE(ChannelRouting::configuredChannels(c), QList<Channel>{Channel::WeChat});
        c.alipay.enabled = true;
        QCOMPARE(ChannelRouting::configuredChannels(c), kBoth);
        c.routing.channels = {Channel::WeChat, Channel::Alipay};
        QCOMPARE(ChannelRouting::configuredChannels(c),
                 (QList<Channel>{Channel::WeChat, Channel::Alipay}));
        // Only channels with a gateway are offered, in the configured order.
        const ChannelRouting r = ChannelRouting::fromConfig(c, kBoth);
        QCOMPARE(r.channels(), (QList<Channel>{Channel::WeChat, Channel::Alipay}));
        QCOMPARE(*r.defaultChannel(), Channel::WeChat);
        QCOMPARE(ChannelRouting::fromConfig(c, {Channel::Alipay}).channels(),
                 QList<Channel>{Channel::Alipay});
        // The sandbox (nothing enabled in a file): both, Alipay first.
        const AppConfig sandbox = qpos::sandboxDefaults(u"/tmp/unused"_s);
        QCOMPARE(ChannelRouting::configuredChannels(sandbox), kBoth);
    }

    void prefixRanges() {
        QString problem;
        const auto ranges =
            qpos::routing::parseCodePrefixRanges(u" 10-15 , 18,620-629"_s, &problem);
        QVERIFY2(ranges, qPrintable(problem));
        QCOMPARE(ranges->size(), 3);
        QCOMPARE(qpos::routing::formatCodePrefixRanges(*ranges), u"10-15, 18, 620-629"_s);
        QVERIFY(ranges->at(2).matches(u"625000000000000000"));
        QVERIFY(!ranges->at(2).matches(u"630000000000000000"));
        QVERIFY(!ranges->at(2).matches(u"62"));
        QVERIFY(qpos::routing::parseCodePrefixRanges(QString())->isEmpty());
        for (const QString& bad : {u"10-"_s, u"a-b"_s, u"15-10"_s, u"1-15"_s, u"1234567"_s,
                                   u"10,,12"_s, u"10-15, 12"_s, u"10-15,"_s}) {
            problem.clear();
            QVERIFY2(!qpos::routing::parseCodePrefixRanges(bad, &problem), qPrintable(bad));
            QVERIFY2(!problem.isEmpty(), qPrintable(bad));
        }
        // Different lengths compare by the codes they match.
        QVERIFY((CodePrefixRange{u"3"_s, u"3"_s}.overlaps(CodePrefixRange{u"25"_s, u"30"_s})));
        QVERIFY(!(CodePrefixRange{u"3"_s, u"3"_s}.overlaps(CodePrefixRange{u"25"_s, u"29"_s})));
        QVERIFY((CodePrefixRange{u"300"_s, u"305"_s}.overlaps(CodePrefixRange{u"25"_s, u"30"_s})));
    }

    void extraRangesFromConfig() {
        const qpos::ConfigLoadResult r =
            load("[routing]\nalipay_code_prefixes = 25-30, 62\nwechat_code_prefixes = 10-15,"
                 " 18\nwechat_max_amount = 5000\n",
                 true);
        QVERIFY2(r.ok(), qPrintable(describe(r)));
        const ChannelRouting routing = ChannelRouting::fromConfig(r.config, kBoth);
        QCOMPARE(*routing.channelForCode(code(u"62"_s)), Channel::Alipay);
        QCOMPARE(*routing.channelForCode(code(u"18"_s)), Channel::WeChat);
        QCOMPARE(routing.channelForCode(code(u"17"_s)).error().code,
                 u"payment_code.unknown_prefix"_s);
        QCOMPARE(*routing.maxAmountFen(Channel::WeChat), qpos::money::Fen(500000));
        QVERIFY(!routing.maxAmountFen(Channel::Alipay));
    }

    void badConfig_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("overlap across channels")
            << QByteArray("[routing]\nwechat_code_prefixes = 10-15, 28\n")
            << u"config.prefixes_overlap"_s << u"[routing] alipay_code_prefixes"_s;
        QTest::newRow("channel not enabled")
            << QByteArray("[routing]\nchannels = wechat\n") << u"config.channel_not_enabled"_s
            << u"[wechat] enabled"_s;
        QTest::newRow("unknown channel") << QByteArray("[routing]\nchannels = alipay, unionpay\n")
                                         << u"config.invalid_value"_s << u"unionpay"_s;
        QTest::newRow("limit zero") << QByteArray("[routing]\nwechat_max_amount = 0\n")
                                    << u"config.invalid_value"_s << u"\"0\""_s;
    }

    void badConfig() {
        QFETCH(QByteArray, body);
        QFETCH(QString, code);
        QFETCH(QString, mentions);
        const qpos::ConfigLoadResult r = load(body);
        QVERIFY(!r.ok());
        QCOMPARE(r.errors.first().code, code);
        QVERIFY2(r.errors.first().message.contains(mentions), qPrintable(describe(r)));
    }
};

QTEST_GUILESS_MAIN(TestChannelRouting)
#include "tst_channel_routing.moc"
