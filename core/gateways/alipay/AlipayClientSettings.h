#pragma once

#include "core/common/Result.h"
#include "core/config/AppConfig.h"
#include "core/crypto/RsaPrivateKey.h"
#include "core/crypto/RsaPublicKey.h"
#include "core/gateways/alipay/AlipayCertificates.h"
#include "core/gateways/CircuitBreaker.h"
#include "core/gateways/ConnectionSettings.h"
#include "core/gateways/RetryPolicy.h"

#include <QString>
#include <QStringList>
#include <QtGlobal>
#include <QUrl>

#include <chrono>
#include <memory>

namespace qpos::alipay {

// Everything an AlipayClient needs, with keys already loaded (the composition root loads
// them from the files named in [alipay]; key bytes never pass through here as text).
struct AlipayClientSettings {
    QUrl gatewayUrl; // https; plain http only to a loopback host (the sandbox)
    QString appId;
    crypto::RsaPrivateKey appPrivateKey;
    // Verifies answers and notifications: the Alipay public key, or in certificate mode the
    // public key of the Alipay public-key certificate.
    crypto::RsaPublicKey alipayPublicKey;
    QString notifyUrl; // empty: no asynchronous notification
    // The merchant's Alipay account (PID, 2088 and 12 digits) that every notification must
    // name as seller_id; empty: not checked (`qposctl doctor` warns).
    QString sellerId;
    // Hosts besides Alipay's own bill hosts (alipayBillHttpHosts()) from which a bill may be
    // fetched over plain http. Only the sandbox names its own host here.
    QStringList billHttpHosts;

    // Public-key certificate mode (see crypto/AlipayCertSn.h): sent with every request, and
    // the SN Alipay's answers must carry. All empty in public-key mode.
    QString appCertSn;
    QString alipayRootCertSn;
    QString alipayCertSn;
    // Certificate mode: every Alipay certificate answers may be verified with, by SN (the
    // configured one and those renewed since), shared by the client's reader and downloader.
    // Null in public-key mode.
    std::shared_ptr<AlipayCertificates> certificates;

    // One HTTP exchange; also the most a create or pay call waits.
    std::chrono::milliseconds requestTimeout{15000};
    gateway::RetryPolicy retry;
    gateway::CircuitBreakerPolicy breaker;
    qsizetype maxAnswerBytes = qsizetype(1) << 20; // an API answer is a few KiB
    // Trusted CAs besides the system's, keep-alive ([network]; the factory fills it).
    gateway::ConnectionSettings connection;
    qsizetype maxBillBytes = qsizetype(64) << 20; // a busy shop's monthly bill zip

    bool certMode() const { return !appCertSn.isEmpty(); }

    // Loads the keys and certificates named in [alipay] (private key files must be private
    // to the service user, as ssh requires) and computes the certificate SNs in certificate
    // mode. Fails with the loader's message, which names the file and what to do.
    static Result<AlipayClientSettings> fromConfig(const AlipayConfig& config);

    // Checks the settings hold together: a usable gateway URL (https, or http to loopback),
    // an app id, both keys, and the certificate SNs all present or all absent.
    Status validate() const;
};

// True for 127.0.0.0/8, ::1 and "localhost".
bool isLoopbackHost(const QString& host);

} // namespace qpos::alipay
