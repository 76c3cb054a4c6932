#include "core/gateways/alipay/AlipaySignature.h"

#include "core/crypto/RsaPrivateKey.h"
#include "core/crypto/RsaPublicKey.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStringDecoder>
#include <QUrl>

namespace qpos::alipay {

namespace {

Error malformed(const QString& detail) {
    return Error{QStringLiteral("alipay.malformed_response"),
                 QCoreApplication::translate("qpos::alipay::AlipaySignature",
                                             "Alipay's answer could not be read (%1). The "
                                             "payment's outcome is not known yet; the till will "
                                             "ask Alipay again.")
                     .arg(detail)};
}

// Skips whitespace; returns the index of the next significant byte.
qsizetype skipSpace(QByteArrayView s, qsizetype i) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        ++i;
    return i;
}

// Index just past the JSON string starting at s[i] == '"', or -1.
qsizetype endOfString(QByteArrayView s, qsizetype i) {
    for (++i; i < s.size(); ++i) {
        if (s[i] == '\\')
            ++i;
        else if (s[i] == '"')
            return i + 1;
    }
    return -1;
}

// Index just past the JSON value starting at s[i], or -1. Only structure is tracked here;
// the parser in the caller validates the JSON itself.
qsizetype endOfValue(QByteArrayView s, qsizetype i) {
    if (i >= s.size())
        return -1;
    if (s[i] == '"')
        return endOfString(s, i);
    if (s[i] == '{' || s[i] == '[') {
        int depth = 0;
        for (; i < s.size(); ++i) {
            const char c = s[i];
            if (c == '"') {
                i = endOfString(s, i);
                if (i < 0)
                    return -1;
                --i;
            } else if (c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                if (--depth == 0)
                    return i + 1;
            }
        }
        return -1;
    }
    while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' &&
           s[i] != '\n' && s[i] != '\r' && s[i] != '\t')
        ++i;
    return i;
}

// Decodes a JSON string token (with its quotes) to bytes; only the escapes Alipay uses in
// the values read here (sign, cert SN) need to be understood, but all are handled.
std::optional<QByteArray> decodeJsonString(QByteArrayView token) {
    const QByteArray wrapped = "[" + token.toByteArray() + "]";
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(wrapped, &error);
    if (error.error != QJsonParseError::NoError || !doc.isArray() || !doc.array().at(0).isString())
        return std::nullopt;
    return doc.array().at(0).toString().toUtf8();
}

bool hexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

} // namespace

QByteArray signContent(const Params& params, SignScope scope) {
    QByteArray out;
    for (auto it = params.cbegin(); it != params.cend(); ++it) {
        if (it.key() == u"sign" || it.value().isEmpty())
            continue;
        if (scope == SignScope::Notification && it.key() == u"sign_type")
            continue;
        if (!out.isEmpty())
            out += '&';
        out += it.key().toUtf8() + '=' + it.value().toUtf8();
    }
    return out;
}

Result<Params> signRequest(Params params, const crypto::RsaPrivateKey& key) {
    params.remove(QStringLiteral("sign"));
    Result<QByteArray> sign = key.signBase64(signContent(params, SignScope::Request));
    if (!sign)
        return sign.error();
    params.insert(QStringLiteral("sign"), QString::fromLatin1(*sign));
    return params;
}

QByteArray formBody(const Params& params) {
    QByteArray out;
    for (auto it = params.cbegin(); it != params.cend(); ++it) {
        if (!out.isEmpty())
            out += '&';
        out += QUrl::toPercentEncoding(it.key()) + '=' + QUrl::toPercentEncoding(it.value());
    }
    return out;
}

Result<Params> parseForm(QByteArrayView body) {
    auto bad = [](const QString& why) {
        return Error{QStringLiteral("alipay.malformed_form"),
                     QCoreApplication::translate("qpos::alipay::AlipaySignature",
                                                 "The form data is malformed (%1) and was "
                                                 "refused.")
                         .arg(why)};
    };
    Params params;
    if (body.isEmpty())
        return params;
    for (QByteArrayView pair : QByteArray(body.toByteArray()).split('&')) {
        if (pair.isEmpty())
            continue;
        const qsizetype eq = pair.indexOf('=');
        if (eq <= 0)
            return bad(QStringLiteral("a field without a name or '='"));
        QString decoded[2];
        const QByteArrayView parts[2] = {pair.first(eq), pair.sliced(eq + 1)};
        for (int p = 0; p < 2; ++p) {
            QByteArray raw = parts[p].toByteArray();
            raw.replace('+', ' ');
            for (qsizetype i = 0; i < raw.size(); ++i) {
                if (raw[i] == '%' &&
                    (i + 2 >= raw.size() || !hexDigit(raw[i + 1]) || !hexDigit(raw[i + 2])))
                    return bad(QStringLiteral("a broken %-escape"));
            }
            const QByteArray bytes = QByteArray::fromPercentEncoding(raw);
            QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
            decoded[p] = utf8.decode(bytes);
            if (utf8.hasError())
                return bad(QStringLiteral("text that is not UTF-8"));
        }
        if (params.contains(decoded[0]))
            return bad(QStringLiteral("the field %1 given twice").arg(decoded[0]));
        params.insert(decoded[0], decoded[1]);
    }
    return params;
}

QString responseKey(const QString& method) {
    QString key = method;
    key.replace(u'.', u'_');
    return key + QStringLiteral("_response");
}

Result<SignedResponse> extractSignedResponse(QByteArrayView body, const QString& method) {
    const QByteArray wanted = responseKey(method).toUtf8();
    qsizetype i = skipSpace(body, 0);
    if (i >= body.size() || body[i] != '{')
        return malformed(QStringLiteral("not a JSON object"));
    // Validate the whole document first: a truncated answer must not pass as a signed one.
    QJsonParseError parseError;
    QJsonDocument::fromJson(body.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return malformed(parseError.errorString());

    SignedResponse out;
    QByteArray found;
    ++i;
    for (;;) {
        i = skipSpace(body, i);
        if (i < body.size() && body[i] == '}')
            break;
        if (i >= body.size() || body[i] != '"')
            return malformed(QStringLiteral("unexpected structure"));
        const qsizetype keyEnd = endOfString(body, i);
        if (keyEnd < 0)
            return malformed(QStringLiteral("unterminated key"));
        const QByteArrayView keyToken = body.sliced(i + 1, keyEnd - i - 2);
        i = skipSpace(body, keyEnd);
        if (i >= body.size() || body[i] != ':')
            return malformed(QStringLiteral("missing ':'"));
        i = skipSpace(body, i + 1);
        const qsizetype valueEnd = endOfValue(body, i);
        if (valueEnd < 0)
            return malformed(QStringLiteral("unterminated value"));
        const QByteArrayView value = body.sliced(i, valueEnd - i);
        if (keyToken == wanted || keyToken == "error_response") {
            if (!found.isEmpty())
                return malformed(QStringLiteral("two response objects"));
            found = keyToken.toByteArray();
            out.signedText = value.toByteArray();
            out.isErrorResponse = keyToken == "error_response";
        } else if (keyToken == "sign" || keyToken == "alipay_cert_sn") {
            const std::optional<QByteArray> text = decodeJsonString(value);
            if (!text)
                return malformed(QStringLiteral("%1 is not a string")
                                     .arg(QString::fromLatin1(keyToken.toByteArray())));
            (keyToken == "sign" ? out.sign : out.certSn) = *text;
        }
        i = skipSpace(body, valueEnd);
        if (i < body.size() && body[i] == ',') {
            ++i;
            continue;
        }
        if (i < body.size() && body[i] == '}')
            break;
        return malformed(QStringLiteral("unexpected structure"));
    }
    if (found.isEmpty())
        return malformed(QStringLiteral("no %1").arg(QString::fromLatin1(wanted)));
    if (out.signedText.isEmpty() || out.signedText.front() != '{')
        return malformed(QStringLiteral("the response is not an object"));
    return out;
}

Status verifyResponse(const SignedResponse& response, const crypto::RsaPublicKey& alipayKey) {
    if (response.sign.isEmpty())
        return Error{QStringLiteral("alipay.unsigned_response"),
                     QCoreApplication::translate("qpos::alipay::AlipaySignature",
                                                 "Alipay's answer carries no signature and "
                                                 "cannot be trusted.")};
    if (Status s = alipayKey.verifyBase64(response.signedText, response.sign); !s.ok())
        return Error{QStringLiteral("alipay.bad_signature"),
                     QCoreApplication::translate("qpos::alipay::AlipaySignature",
                                                 "Alipay's answer failed signature verification "
                                                 "(%1). Check [alipay] alipay_public_key; the "
                                                 "answer was not trusted.")
                         .arg(s.error().message)};
    return Status::success();
}

Status verifyNotification(const Params& params, const crypto::RsaPublicKey& alipayKey) {
    const QString sign = params.value(QStringLiteral("sign"));
    if (sign.isEmpty())
        return Error{QStringLiteral("alipay.unsigned_notification"),
                     QCoreApplication::translate("qpos::alipay::AlipaySignature",
                                                 "The notification carries no signature and was "
                                                 "refused.")};
    if (Status s =
            alipayKey.verifyBase64(signContent(params, SignScope::Notification), sign.toLatin1());
        !s.ok())
        return Error{QStringLiteral("alipay.bad_signature"),
                     QCoreApplication::translate("qpos::alipay::AlipaySignature",
                                                 "The notification failed signature "
                                                 "verification and was refused (%1).")
                         .arg(s.error().message)};
    return Status::success();
}

Result<QByteArray> buildSignedResponse(const QString& responseKeyName, const QByteArray& object,
                                       const crypto::RsaPrivateKey& key, const QByteArray& certSn) {
    Result<QByteArray> sign = key.signBase64(object);
    if (!sign)
        return sign.error();
    QByteArray body = "{\"" + responseKeyName.toUtf8() + "\":" + object;
    if (!certSn.isEmpty())
        body += ",\"alipay_cert_sn\":\"" + certSn + '"';
    // Base64 needs no JSON escaping.
    body += ",\"sign\":\"" + *sign + "\"}";
    return body;
}

} // namespace qpos::alipay
