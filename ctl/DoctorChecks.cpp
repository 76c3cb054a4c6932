#include "ctl/DoctorChecks.h"

#include "core/crypto/AlipayCertSn.h"
#include "core/crypto/KeyFiles.h"
#include "core/gateways/alipay/AlipayCertificates.h"
#include "core/gateways/wechat/WechatCertificateFolder.h"
#include "core/gateways/wechat/WechatKeyring.h"
#include "core/link/EnrollmentCodeFile.h"
#include "core/link/TerminalCredentials.h"
#include "core/money/Money.h"
#include "core/printing/PrinterAddress.h"
#include "core/printing/PrinterTransport.h"
#include "core/routing/ChannelRouting.h"
#include "core/staff/StaffStore.h"
#include "core/storage/Database.h"
#include "core/storage/OrderSchema.h"
#include "core/text/Gb18030.h"
#include "ctl/DoctorReport.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QSqlQuery>

#include <sys/stat.h>

namespace qpos::ctl {

namespace {

const QString kKeys = QStringLiteral("keys");

QString modeText(const QString& path) {
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return QStringLiteral("?");
    return QString::number(st.st_mode & 07777, 8).rightJustified(4, u'0');
}

bool othersMayAccess(const QString& path) {
    struct stat st {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 && (st.st_mode & 077) != 0;
}

bool fileExists(const QString& setting, const QString& path, bool secret, DoctorReport& report) {
    if (path.isEmpty())
        return false; // the configuration check reported the missing setting
    if (QFileInfo::exists(path))
        return true;
    report.fail(kKeys, secret ? QCoreApplication::translate(
                                    "qpos::ctl", "%1: %2 does not exist. Install the file there "
                                                 "(owned by the service user, chmod 600) or "
                                                 "correct the path.")
                                    .arg(setting, path)
                              : QCoreApplication::translate(
                                    "qpos::ctl", "%1: %2 does not exist. Install the file there "
                                                 "or correct the path.")
                                    .arg(setting, path));
    return false;
}

// A private key or other secret: nobody but its owner may read it, as ssh insists.
bool isPrivateEnough(const QString& setting, const QString& path, DoctorReport& report) {
    if (!othersMayAccess(path))
        return true;
    report.fail(kKeys, QCoreApplication::translate(
                           "qpos::ctl", "%1: %2 has mode %3, so other users may read it and the "
                                        "till refuses it. Run: chmod 600 %2")
                           .arg(setting, path, modeText(path)));
    return false;
}

bool checkPrivateKey(const QString& setting, const QString& path, DoctorReport& report,
                     crypto::RsaPrivateKey* loaded) {
    if (!fileExists(setting, path, true, report) || !isPrivateEnough(setting, path, report))
        return false;
    Result<crypto::RsaPrivateKey> key = crypto::loadPrivateKeyFile(path);
    if (!key) {
        report.fail(kKeys, setting + QStringLiteral(": ") + key.error().message);
        return false;
    }
    report.ok(kKeys, QCoreApplication::translate("qpos::ctl",
                                                 "%1: %2 holds a %3-bit RSA private key, mode %4.")
                         .arg(setting, path)
                         .arg(key->bits())
                         .arg(modeText(path)));
    if (loaded)
        *loaded = *key;
    return true;
}

bool checkPublicKey(const QString& setting, const QString& path, DoctorReport& report,
                    crypto::RsaPublicKey* loaded) {
    if (!fileExists(setting, path, false, report))
        return false;
    Result<crypto::RsaPublicKey> key = crypto::loadPublicKeyFile(path);
    if (!key) {
        report.fail(kKeys, setting + QStringLiteral(": ") + key.error().message);
        return false;
    }
    report.ok(kKeys, QCoreApplication::translate("qpos::ctl", "%1: %2 holds a %3-bit RSA public "
                                                              "key.")
                         .arg(setting, path)
                         .arg(key->bits()));
    if (loaded)
        *loaded = *key;
    return true;
}

// Each certificate by the id a provider names it by, and how long it is valid.
void reportCertificate(const QString& setting, const QString& id,
                       const crypto::X509Certificate& certificate, DoctorReport& report) {
    const QDateTime until = certificate.notAfter();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QString text = QCoreApplication::translate("qpos::ctl", "%1: certificate %2, valid "
                                                                  "until %3 UTC.")
                             .arg(setting, id, until.toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    if (until < now)
        report.fail(kKeys, text + QLatin1Char(' ') +
                               QCoreApplication::translate(
                                   "qpos::ctl", "It has expired: download the current one."));
    else if (until < now.addDays(30))
        report.warn(kKeys, text + QLatin1Char(' ') +
                               QCoreApplication::translate(
                                   "qpos::ctl", "It expires within 30 days: renew it soon."));
    else
        report.ok(kKeys, text);
}

// `idOf` names each certificate as its provider does (null: only count them).
bool checkCertificate(const QString& setting, const QString& path, DoctorReport& report,
                      QString (*idOf)(const crypto::X509Certificate&) = nullptr) {
    if (!fileExists(setting, path, false, report))
        return false;
    Result<QList<crypto::X509Certificate>> certs = crypto::loadCertificateFile(path);
    if (!certs) {
        report.fail(kKeys, setting + QStringLiteral(": ") + certs.error().message);
        return false;
    }
    report.ok(kKeys, QCoreApplication::translate("qpos::ctl", "%1: %2 holds %3 certificate(s).")
                         .arg(setting, path)
                         .arg(certs->size()));
    if (idOf) {
        for (const crypto::X509Certificate& certificate : *certs)
            reportCertificate(setting, idOf(certificate), certificate, report);
    }
    return true;
}

// Every WeChat Pay platform certificate the till holds: the configured ones and those it
// downloaded (kept beside them), each with its expiry; a warning when even the newest expires
// within 30 days, since the till then has none to move on to.
void reportWechatPlatformCertificates(const WechatConfig& c, DoctorReport& report) {
    Result<QList<crypto::X509Certificate>> configured =
        crypto::loadCertificateFile(c.platformCertPath);
    if (!configured)
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const wechat::WechatCertificateFolder folder(
        wechat::WechatCertificateFolder::besideConfigured(c.platformCertPath));
    wechat::WechatKeyring held({});
    held.addCertificates(*configured);
    const QStringList downloaded = held.addCertificates(folder.loadValid(now.toMSecsSinceEpoch()));
    const QList<crypto::X509Certificate> newestFirst = held.certificates();
    for (const crypto::X509Certificate& certificate : newestFirst) {
        const QString serial = certificate.serialHex();
        report.ok(kKeys,
                  QCoreApplication::translate("qpos::ctl",
                                              "WeChat Pay platform certificate %1 (%2), "
                                              "valid until %3 UTC.")
                      .arg(serial,
                           downloaded.contains(serial)
                               ? QCoreApplication::translate("qpos::ctl", "downloaded")
                               : QCoreApplication::translate("qpos::ctl", "configured"),
                           certificate.notAfter().toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
    }
    const QDateTime newest = newestFirst.constFirst().notAfter();
    const QString where = QDir::toNativeSeparators(folder.path());
    if (newest < now)
        report.fail(kKeys, QCoreApplication::translate(
                               "qpos::ctl",
                               "Every WeChat Pay platform certificate the till holds has "
                               "expired, so WeChat Pay's answers cannot be verified. Let the till "
                               "reach WeChat Pay to download the current one into %1, or move "
                               "to the WeChat Pay public key ([wechat] wechatpay_public_key).")
                               .arg(where));
    else if (newest < now.addDays(30))
        report.warn(kKeys, QCoreApplication::translate(
                               "qpos::ctl",
                               "The newest WeChat Pay platform certificate expires on %1 UTC, "
                               "within 30 days. WeChat Pay issues the next one 10 days before; "
                               "the till downloads it into %2 every 12 hours. If none arrives, "
                               "check that the till reaches WeChat Pay, or move to the WeChat "
                               "Pay public key ([wechat] wechatpay_public_key).")
                               .arg(newest.toString(QStringLiteral("yyyy-MM-dd HH:mm")), where));
}

// The Alipay certificates renewed since the configured one, kept beside it.
void reportRenewedAlipayCertificates(const AlipayConfig& c, DoctorReport& report) {
    Result<QList<crypto::X509Certificate>> configured =
        crypto::loadCertificateFile(c.alipayCertPath);
    Result<QList<crypto::X509Certificate>> roots =
        crypto::loadCertificateFile(c.alipayRootCertPath);
    if (!configured || !roots)
        return;
    Result<alipay::AlipayCertificates> certificates = alipay::AlipayCertificates::load(
        *configured, *roots, QFileInfo(c.alipayCertPath).absolutePath());
    if (!certificates)
        return;
    for (const alipay::RenewedAlipayCertificate& renewed : certificates->renewed())
        reportCertificate(
            QCoreApplication::translate("qpos::ctl", "renewed Alipay certificate (downloaded)"),
            renewed.certSn, renewed.chain.constFirst(), report);
}

bool checkAlipayKeys(const AlipayConfig& c, DoctorReport& report) {
    if (c.sellerId.isEmpty())
        report.warn(kKeys, QCoreApplication::translate(
                               "qpos::ctl",
                               "[alipay] seller_id is not set, so a notification is not checked "
                               "for this shop's Alipay account. Set it to the shop's PID (2088 "
                               "and 12 digits, shown in Alipay's merchant console)."));
    crypto::RsaPrivateKey appKey;
    bool ok = checkPrivateKey(QStringLiteral("[alipay] app_private_key"), c.appPrivateKeyPath,
                              report, &appKey);
    if (c.certMode) {
        ok = checkCertificate(QStringLiteral("[alipay] app_cert"), c.appCertPath, report) && ok;
        ok = checkCertificate(QStringLiteral("[alipay] alipay_cert"), c.alipayCertPath, report,
                              crypto::alipayCertSn) &&
             ok;
        ok = checkCertificate(QStringLiteral("[alipay] alipay_root_cert"), c.alipayRootCertPath,
                              report) &&
             ok;
        if (ok)
            reportRenewedAlipayCertificates(c, report);
        return ok;
    }
    crypto::RsaPublicKey alipayKey;
    if (!checkPublicKey(QStringLiteral("[alipay] alipay_public_key"), c.alipayPublicKeyPath, report,
                        &alipayKey))
        return false;
    if (!appKey.isNull() && appKey.publicKey() == alipayKey) {
        // The most common mix-up: Alipay's console shows both keys side by side.
        report.fail(kKeys, QCoreApplication::translate(
                               "qpos::ctl",
                               "[alipay] alipay_public_key is the public key of the app's own "
                               "private key, not Alipay's. Copy the \"Alipay public key\" "
                               "(支付宝公钥) from Alipay's console into %1.")
                               .arg(c.alipayPublicKeyPath));
        return false;
    }
    return ok;
}

bool checkWechatKeys(const WechatConfig& c, DoctorReport& report) {
    bool ok = checkPrivateKey(QStringLiteral("[wechat] merchant_private_key"),
                              c.merchantPrivateKeyPath, report, nullptr);
    const QString apiV3 = QStringLiteral("[wechat] apiv3_key_file");
    if (fileExists(apiV3, c.apiV3KeyPath, true, report) &&
        isPrivateEnough(apiV3, c.apiV3KeyPath, report)) {
        Result<QByteArray> secret = crypto::readSecretFile(c.apiV3KeyPath);
        if (!secret) {
            report.fail(kKeys, apiV3 + QStringLiteral(": ") + secret.error().message);
            ok = false;
        } else {
            const qsizetype length = secret->trimmed().size();
            secret->fill('\0');
            if (length != 32) {
                report.fail(kKeys, QCoreApplication::translate(
                                       "qpos::ctl", "%1: %2 holds %3 characters; the APIv3 key "
                                                    "has exactly 32. Copy it again from the "
                                                    "merchant platform.")
                                       .arg(apiV3, c.apiV3KeyPath)
                                       .arg(length));
                ok = false;
            } else {
                report.ok(kKeys, QCoreApplication::translate("qpos::ctl",
                                                             "%1: %2 holds a 32-character key, "
                                                             "mode %3.")
                                     .arg(apiV3, c.apiV3KeyPath, modeText(c.apiV3KeyPath)));
            }
        }
    } else {
        ok = false;
    }
    // The WeChat Pay public key, the platform certificates, or both while moving between them.
    if (!c.wechatpayPublicKeyPath.isEmpty()) {
        ok = checkPublicKey(QStringLiteral("[wechat] wechatpay_public_key"),
                            c.wechatpayPublicKeyPath, report, nullptr) &&
             ok;
        if (!c.wechatpayPublicKeyId.isEmpty())
            report.ok(kKeys, QCoreApplication::translate("qpos::ctl",
                                                         "[wechat] wechatpay_public_key_id: "
                                                         "answers under the public key name %1.")
                                 .arg(c.wechatpayPublicKeyId));
    }
    if (!c.platformCertPath.isEmpty()) {
        if (checkCertificate(QStringLiteral("[wechat] platform_certificate"), c.platformCertPath,
                             report))
            reportWechatPlatformCertificates(c, report);
        else
            ok = false;
    }
    if (c.wechatpayPublicKeyPath.isEmpty() && c.platformCertPath.isEmpty()) {
        report.fail(kKeys, QCoreApplication::translate(
                               "qpos::ctl", "Neither [wechat] wechatpay_public_key nor "
                                            "platform_certificate is set, so WeChat Pay's "
                                            "answers cannot be verified. Set the WeChat Pay "
                                            "public key (and its id) from the merchant platform."));
        ok = false;
    }
    return ok;
}

// The nearest directory that exists on the way up from `path`.
QString existingAncestor(const QString& path) {
    QString dir = QFileInfo(path).absoluteFilePath();
    while (!QFileInfo::exists(dir)) {
        const QString parent = QFileInfo(dir).absolutePath();
        if (parent == dir)
            break;
        dir = parent;
    }
    return dir;
}

bool canCreateIn(const QString& dir) {
    const QFileInfo info(existingAncestor(dir));
    return info.isDir() && info.isWritable();
}

void checkStaff(Database& db, DoctorReport& report) {
    const QString area = QStringLiteral("staff");
    StaffStore staff(db);
    Result<QList<StaffMember>> members = staff.list();
    if (!members) {
        report.fail(area, members.error().message);
        return;
    }
    qsizetype managers = 0;
    for (const StaffMember& m : *members)
        managers += m.canApprove() ? 1 : 0;
    if (members->isEmpty()) {
        report.warn(area, QCoreApplication::translate(
                              "qpos::ctl", "No staff is set up: nobody can sign in at the till "
                                           "and no refund can be approved. Add a manager: "
                                           "qposctl staff add --id ID --name NAME --role "
                                           "manager"));
    } else if (managers == 0) {
        report.warn(area, QCoreApplication::translate(
                              "qpos::ctl", "%1 staff but no manager: no refund can be approved. "
                                           "Add one with qposctl staff add ... --role manager")
                              .arg(members->size()));
    } else {
        report.ok(area, QCoreApplication::translate("qpos::ctl", "%1 staff, %2 of them managers.")
                            .arg(members->size())
                            .arg(managers));
    }
}

} // namespace

void checkConfiguration(const ConfigLoadResult& loaded, DoctorReport& report) {
    const QString area = QStringLiteral("config");
    if (loaded.filesRead.isEmpty() && loaded.filesSearched.isEmpty())
        report.ok(area, QCoreApplication::translate("qpos::ctl",
                                                    "No configuration file: the defaults apply."));
    else if (loaded.filesRead.isEmpty())
        report.ok(area, QCoreApplication::translate("qpos::ctl",
                                                    "No configuration file was read (searched: "
                                                    "%1).")
                            .arg(loaded.filesSearched.join(QStringLiteral(", "))));
    else
        report.ok(area, QCoreApplication::translate("qpos::ctl", "Read %1.")
                            .arg(loaded.filesRead.join(QStringLiteral(", "))));
    for (const ConfigIssue& issue : loaded.errors)
        report.fail(area, issue.message);
    for (const ConfigIssue& issue : loaded.warnings)
        report.warn(area, issue.message);
    if (loaded.ok())
        report.ok(area,
                  loaded.config.sandbox
                      ? QCoreApplication::translate("qpos::ctl",
                                                    "The configuration is valid (sandbox "
                                                    "mode: the demo shop).")
                      : QCoreApplication::translate("qpos::ctl", "The configuration is valid."));
}

QList<Channel> checkKeyFiles(const AppConfig& config, DoctorReport& report) {
    QList<Channel> usable;
    if (config.alipay.enabled && checkAlipayKeys(config.alipay, report))
        usable.append(Channel::Alipay);
    if (config.wechat.enabled && checkWechatKeys(config.wechat, report))
        usable.append(Channel::WeChat);
    return usable;
}

void checkDatabase(const AppConfig& config, DoctorReport& report) {
    const QString area = QStringLiteral("database");
    const QString path = config.database.path;
    if (path.isEmpty())
        return;
    const QFileInfo info(path);
    if (!info.exists()) {
        if (canCreateIn(info.absolutePath()))
            report.warn(area, QCoreApplication::translate(
                                  "qpos::ctl", "%1 does not exist yet; the till creates it at its "
                                               "first start (\"qposctl staff add\" does too).")
                                  .arg(path));
        else
            report.fail(area, QCoreApplication::translate(
                                  "qpos::ctl", "%1 does not exist and this user cannot create it: "
                                               "make %2 writable for the service user, or set "
                                               "[database] path.")
                                  .arg(path, info.absolutePath()));
        return;
    }
    Database db;
    if (Status s = db.open(path); !s.ok()) {
        report.fail(area, s.error().message);
        return;
    }
    Result<int> version = order_schema::version(db);
    if (!version) {
        report.fail(area, version.error().message);
        return;
    }
    if (*version > order_schema::kCurrentVersion) {
        report.fail(area, QCoreApplication::translate(
                              "qpos::ctl", "%1 has schema version %2, made by a newer qpos (this "
                                           "one knows up to %3). Install the newer qpos.")
                              .arg(path)
                              .arg(*version)
                              .arg(order_schema::kCurrentVersion));
        return;
    }
    QSqlQuery check(db.handle());
    if (!check.exec(QStringLiteral("PRAGMA quick_check")) || !check.next()) {
        report.fail(area, QCoreApplication::translate("qpos::ctl",
                                                      "%1: the integrity check could not run. "
                                                      "Keep the file (it may hold orders) and "
                                                      "contact support.")
                              .arg(path));
        return;
    }
    const QString verdict = check.value(0).toString();
    check = QSqlQuery();
    if (verdict != u"ok") {
        report.fail(area, QCoreApplication::translate(
                              "qpos::ctl", "%1 is damaged (integrity check: %2). Stop the till, "
                                           "keep a copy of the file and contact support.")
                              .arg(path, verdict));
        return;
    }
    if (Status s = db.begin(); !s.ok()) {
        report.fail(area, QCoreApplication::translate(
                              "qpos::ctl", "%1 cannot be written: %2. Check the permissions of "
                                           "the file and its directory (and free disk space).")
                              .arg(path, s.error().message));
        return;
    }
    db.rollback();
    if (*version < order_schema::kCurrentVersion)
        report.warn(area, QCoreApplication::translate(
                              "qpos::ctl", "%1 has schema version %2; the till upgrades it to %3 "
                                           "at its next start.")
                              .arg(path)
                              .arg(*version)
                              .arg(order_schema::kCurrentVersion));
    else
        report.ok(area, QCoreApplication::translate("qpos::ctl", "%1: schema version %2, "
                                                                 "integrity check passed, "
                                                                 "writable.")
                            .arg(path)
                            .arg(*version));
    if (*version >= order_schema::kCurrentVersion)
        checkStaff(db, report);
}

void checkLogDirectory(const AppConfig& config, DoctorReport& report) {
    const QString area = QStringLiteral("log");
    const QString dir = config.log.dir;
    if (dir.isEmpty())
        return;
    const QFileInfo info(dir);
    if (info.exists()) {
        if (info.isDir() && info.isWritable())
            report.ok(area, QCoreApplication::translate("qpos::ctl", "%1 is writable.").arg(dir));
        else
            report.fail(area, QCoreApplication::translate(
                                  "qpos::ctl", "%1 is not a directory this user can write: fix "
                                               "its permissions or set [log] dir.")
                                  .arg(dir));
        return;
    }
    if (canCreateIn(dir))
        report.ok(area,
                  QCoreApplication::translate("qpos::ctl", "%1 will be created at the first start.")
                      .arg(dir));
    else
        report.fail(area, QCoreApplication::translate(
                              "qpos::ctl", "%1 does not exist and this user cannot create it: "
                                           "create it for the service user or set [log] dir.")
                              .arg(dir));
}

void checkRouting(const AppConfig& config, DoctorReport& report) {
    const QString area = QStringLiteral("routing");
    const QList<Channel> channels = routing::ChannelRouting::configuredChannels(config);
    if (channels.isEmpty()) {
        report.fail(area, QCoreApplication::translate(
                              "qpos::ctl", "This terminal offers no payment channel: enable "
                                           "[alipay] or [wechat] (docs/config.md)."));
        return;
    }
    const routing::ChannelRouting rules(channels, config.routing);
    QStringList offered;
    QStringList codes;
    QStringList limits;
    for (Channel channel : channels) {
        offered << channelLabel(channel);
        const QString prefixes = routing::formatCodePrefixRanges(rules.codePrefixes(channel));
        codes << QStringLiteral("%1 %2").arg(
            channelLabel(channel),
            prefixes.isEmpty() ? QCoreApplication::translate("qpos::ctl", "none") : prefixes);
        if (const std::optional<money::Fen> limit = rules.maxAmountFen(channel))
            limits << QStringLiteral("%1 %2").arg(channelLabel(channel), money::formatYuan(*limit));
    }
    report.ok(area, QCoreApplication::translate("qpos::ctl",
                                                "Offers %1 (Enter charges %2). Payment codes by "
                                                "prefix: %3. Largest payment: %4.")
                        .arg(offered.join(QStringLiteral(", ")), channelLabel(channels.first()),
                             codes.join(QStringLiteral("; ")),
                             limits.isEmpty() ? QCoreApplication::translate("qpos::ctl", "no limit")
                                              : limits.join(QStringLiteral("; "))));
}

void checkStoreServer(const AppConfig& config, DoctorReport& report) {
    const QString area = QStringLiteral("link");
    if (config.storeServer.url.isEmpty()) {
        report.ok(area, QCoreApplication::translate(
                            "qpos::ctl", "Not linked to a store server ([store_server] url is "
                                         "empty): payment results come by polling and the "
                                         "orders stay on this till. To link it, run qposctl "
                                         "enroll CODE."));
        return;
    }
    const Result<link::TerminalCredentials> credentials =
        link::TerminalCredentials::read(config.storeServer.credentialsPath);
    if (!credentials) {
        report.fail(area, credentials.error().message);
        return;
    }
    const link::TerminalIdentity configured{config.store.id, config.terminal.id};
    if (credentials->terminal != configured) {
        report.fail(area, QCoreApplication::translate(
                              "qpos::ctl", "The store server credentials in %1 are for store "
                                           "%2, terminal %3, but this till is store %4, "
                                           "terminal %5. Enroll again with this till's code.")
                              .arg(QDir::toNativeSeparators(config.storeServer.credentialsPath),
                                   credentials->terminal.storeId, credentials->terminal.terminalId,
                                   configured.storeId, configured.terminalId));
        return;
    }
    const QString trust =
        credentials->certificateFingerprint.isEmpty()
            ? QCoreApplication::translate("qpos::ctl", "certificate checked by the CAs")
            : QCoreApplication::translate("qpos::ctl", "certificate pinned, SHA-256 %1…")
                  .arg(credentials->certificateFingerprint.left(16));
    report.ok(area, QCoreApplication::translate("qpos::ctl",
                                                "Linked to %1 as store %2, terminal %3, key %4; "
                                                "%5.")
                        .arg(config.storeServer.url, configured.storeId, configured.terminalId,
                             credentials->secret.keyId, trust));
}

std::optional<link::EnrollmentCode>
checkEnrollmentCode(const AppConfig& config, const QString& codeFile, DoctorReport& report) {
    const QString area = QStringLiteral("link");
    const QString file = QDir::toNativeSeparators(codeFile);
    const link::EnrollmentCodeFile codes(codeFile);
    const Result<std::optional<link::EnrollmentCode>> read = codes.read();
    if (!read) {
        report.fail(area, read.error().message);
        return std::nullopt;
    }
    if (!*read)
        return std::nullopt;
    const link::EnrollmentCode& code = **read;
    const Result<link::TerminalCredentials> credentials =
        link::TerminalCredentials::read(config.storeServer.credentialsPath);
    if (credentials && link::EnrollmentCodeFile::yielded(code, *credentials)) {
        report.warn(area, QCoreApplication::translate(
                              "qpos::ctl", "The enrollment code in %1 enrolled this till but was "
                                           "not deleted: delete the file (the till also does "
                                           "on its next start).")
                              .arg(file));
        return std::nullopt;
    }
    const link::TerminalIdentity configured{config.store.id, config.terminal.id};
    if (code.terminal != configured) {
        report.fail(area, QCoreApplication::translate(
                              "qpos::ctl", "The enrollment code in %1 is for store %2, terminal "
                                           "%3, but this till is store %4, terminal %5. Put this "
                                           "till's code there, or correct [store] id and "
                                           "[terminal] id.")
                              .arg(file, code.terminal.storeId, code.terminal.terminalId,
                                   configured.storeId, configured.terminalId));
        return std::nullopt;
    }
    report.fail(area, QCoreApplication::translate(
                          "qpos::ctl", "Not enrolled yet: the code in %1 (store %2, terminal %3, "
                                       "server %4) is used by the till's next start, or now "
                                       "by qposctl enroll --from-file %1.")
                          .arg(file, code.terminal.storeId, code.terminal.terminalId,
                               code.serverUrl.toString()));
    return code;
}

void checkPrinter(const AppConfig& config, DoctorReport& report) {
    const QString area = QStringLiteral("printer");
    if (!config.printer.enabled) {
        report.ok(area, QCoreApplication::translate(
                            "qpos::ctl", "No receipt printer is used ([printer] enabled is "
                                         "false)."));
        return;
    }
    if (Result<QByteArray> encoded = gb18030::encode(QStringLiteral("收银")); !encoded) {
        report.fail(area, encoded.error().message);
        return;
    }
    Result<printing::PrinterAddress> address = printing::PrinterAddress::parse(config.printer.url);
    if (!address) {
        report.fail(area, address.error().message);
        return;
    }
    if (Result<QString> found = printing::probePrinter(*address))
        report.ok(area, *found);
    else
        report.fail(area, found.error().message);
}

} // namespace qpos::ctl
