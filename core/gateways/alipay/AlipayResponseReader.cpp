#include "core/gateways/alipay/AlipayResponseReader.h"

#include "core/gateways/alipay/AlipaySignature.h"

#include <QCoreApplication>
#include <QJsonDocument>

#include <utility>

namespace qpos::alipay {

AlipayResponseReader::AlipayResponseReader(crypto::RsaPublicKey alipayKey, QString expectedCertSn)
    : m_alipayKey(std::move(alipayKey))
    , m_expectedCertSn(std::move(expectedCertSn)) {}

namespace {

AlipayReply failed(Error reason, bool transient) {
    return gateway::failedReply<AlipayReply>(std::move(reason), transient);
}

} // namespace

AlipayReply AlipayResponseReader::read(const QString& method, QByteArrayView body) const {
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
    if (!m_expectedCertSn.isEmpty() && !response.certSn.isEmpty() &&
        QString::fromLatin1(response.certSn) != m_expectedCertSn) {
        return failed(Error{QStringLiteral("alipay.cert_sn_mismatch"),
                            QCoreApplication::translate(
                                "qpos::alipay::AlipayResponseReader",
                                "Alipay signed its answer with a certificate the till does not "
                                "have (Alipay may have renewed it). Download the current Alipay "
                                "public-key certificate and update [alipay] alipay_cert_path.")},
                      false);
    }
    if (Status verified = verifyResponse(response, m_alipayKey); !verified)
        return failed(verified.error(), false);

    AlipayReply reply;
    reply.fields = object;
    reply.verdict = classifyAlipayAnswer(object);
    reply.transient =
        reply.verdict.verdict == gateway::OutcomeKind::Unknown && reply.verdict.transient;
    return reply;
}

} // namespace qpos::alipay
