#include "core/gateways/alipay/AlipayResponseReader.h"

#include "core/gateways/alipay/AlipaySignature.h"

#include <QCoreApplication>
#include <QJsonDocument>

#include <utility>

namespace qpos::alipay {

AlipayResponseReader::AlipayResponseReader(crypto::RsaPublicKey alipayKey,
                                           std::shared_ptr<const AlipayCertificates> certificates)
    : m_alipayKey(std::move(alipayKey))
    , m_certificates(std::move(certificates)) {}

namespace {

AlipayReply failed(Error reason, bool transient) {
    return gateway::failedReply<AlipayReply>(std::move(reason), transient);
}

} // namespace

AlipayReply AlipayResponseReader::read(const QString& method, QByteArrayView body) const {
    return readWith(method, body, std::nullopt);
}

AlipayReply AlipayResponseReader::readSignedBy(const QString& method, QByteArrayView body,
                                               const QString& certSn,
                                               const crypto::RsaPublicKey& key) const {
    return readWith(method, body, Signer{certSn, key});
}

AlipayReply AlipayResponseReader::readWith(const QString& method, QByteArrayView body,
                                           const std::optional<Signer>& carried) const {
    Result<SignedResponse> extracted = extractSignedResponse(body, method);
    if (!extracted) {
        // A truncated or garbled body may be a network glitch: repeating a query is harmless.
        return failed(extracted.error(), true);
    }
    const SignedResponse& response = *extracted;
    const QJsonObject object = QJsonDocument::fromJson(response.signedText).object();

    if (response.sign.isEmpty()) {
        // Alipay sends some errors unsigned (40002 isv.invalid-signature). They cannot be
        // trusted, so the outcome stays open, but their code tells the operator what is wrong.
        const QString code = object.value(u"code").toString();
        const QString subCode = object.value(u"sub_code").toString();
        const QString subMsg = object.value(u"sub_msg").toString();
        return failed(
            Error{QStringLiteral("alipay.unsigned_response"),
                  QCoreApplication::translate("qpos::alipay::AlipayResponseReader",
                                              "Alipay's answer carries no signature and cannot "
                                              "be trusted (Alipay code %1 %2). %3 The till will "
                                              "ask Alipay again.")
                      .arg(code, subCode, alipayCashierMessage(code, subCode, subMsg))},
            false);
    }
    crypto::RsaPublicKey key = m_alipayKey;
    const QString certSn = QString::fromLatin1(response.certSn);
    if (carried) {
        if (!certSn.isEmpty() && certSn != carried->certSn)
            return failed(Error{QStringLiteral("alipay.cert_sn_unknown"),
                                QCoreApplication::translate(
                                    "qpos::alipay::AlipayResponseReader",
                                    "Alipay's certificate download was signed under yet another "
                                    "certificate; it was not trusted.")},
                          false);
        key = carried->key;
    } else if (m_certificates && !certSn.isEmpty()) {
        // Certificate mode: the answer says which Alipay certificate signed it.
        if (std::optional<crypto::RsaPublicKey> known = m_certificates->keyFor(certSn)) {
            key = *known;
        } else {
            AlipayReply reply = failed(
                Error{QStringLiteral("alipay.cert_sn_unknown"),
                      QCoreApplication::translate(
                          "qpos::alipay::AlipayResponseReader",
                          "Alipay signed its answer with a certificate the till does not have "
                          "(Alipay renewed it). The till fetches it from Alipay and checks it "
                          "against the Alipay root certificate before trusting the answer.")},
                false);
            reply.unknownCertSn = certSn;
            reply.body = body.toByteArray();
            return reply;
        }
    }
    if (Status verified = verifyResponse(response, key); !verified)
        return failed(verified.error(), false);

    AlipayReply reply;
    reply.fields = object;
    reply.verdict = classifyAlipayAnswer(object);
    reply.transient =
        reply.verdict.verdict == gateway::OutcomeKind::Unknown && reply.verdict.transient;
    return reply;
}

} // namespace qpos::alipay
