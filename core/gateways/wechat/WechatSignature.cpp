#include "core/gateways/wechat/WechatSignature.h"

#include <QCoreApplication>

#include <array>
#include <optional>

namespace qpos::wechat {

namespace {

constexpr char kScheme[] = "WECHATPAY2-SHA256-RSA2048";

bool isDigits(QByteArrayView text) {
    if (text.isEmpty())
        return false;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

// A value that can stand between quotes in the header: printable ASCII without `"` and `\`
// (no escaping exists in this format).
bool isQuotable(QByteArrayView text) {
    for (char c : text) {
        if (c < 0x21 || c > 0x7e || c == '"' || c == '\\')
            return false;
    }
    return true;
}

Error badAuthorization(const QString& why) {
    return Error{QStringLiteral("wechat.bad_authorization"),
                 QCoreApplication::translate("qpos::wechat",
                                             "The Authorization header is not a valid WeChat Pay "
                                             "signature header: %1.")
                     .arg(why)};
}

void appendLine(QByteArray& out, QByteArrayView line) {
    out.append(line);
    out.append('\n');
}

} // namespace

QByteArray requestSignMessage(QByteArrayView method, QByteArrayView pathWithQuery,
                              qint64 timestampS, QByteArrayView nonce, QByteArrayView body) {
    QByteArray message;
    message.reserve(method.size() + pathWithQuery.size() + nonce.size() + body.size() + 32);
    appendLine(message, method);
    appendLine(message, pathWithQuery);
    appendLine(message, QByteArray::number(timestampS));
    appendLine(message, nonce);
    appendLine(message, body);
    return message;
}

QByteArray answerSignMessage(QByteArrayView timestamp, QByteArrayView nonce, QByteArrayView body) {
    QByteArray message;
    message.reserve(timestamp.size() + nonce.size() + body.size() + 3);
    appendLine(message, timestamp);
    appendLine(message, nonce);
    appendLine(message, body);
    return message;
}

QByteArray formatAuthorization(const AuthorizationToken& token) {
    QByteArray header(kScheme);
    header += " mchid=\"" + token.mchId.toUtf8() + "\",nonce_str=\"" + token.nonce.toUtf8() +
              "\",signature=\"" + token.signature.toUtf8() + "\",timestamp=\"" +
              QByteArray::number(token.timestampS) + "\",serial_no=\"" + token.serialNo.toUtf8() +
              '"';
    return header;
}

Result<AuthorizationToken> parseAuthorization(QByteArrayView header) {
    const QByteArrayView scheme(kScheme);
    if (!header.startsWith(scheme) || header.size() < scheme.size() + 1 ||
        header.at(scheme.size()) != ' ')
        return badAuthorization(QCoreApplication::translate(
            "qpos::wechat", "it does not start with WECHATPAY2-SHA256-RSA2048"));

    // The five fields, each exactly once, in any order.
    constexpr std::array<const char*, 5> names{"mchid", "nonce_str", "signature", "timestamp",
                                               "serial_no"};
    std::array<std::optional<QByteArray>, 5> values;

    QByteArrayView rest = header.sliced(scheme.size() + 1);
    while (true) {
        const qsizetype eq = rest.indexOf('=');
        if (eq <= 0)
            return badAuthorization(
                QCoreApplication::translate("qpos::wechat", "a field is not name=\"value\""));
        const QByteArrayView name = rest.first(eq);
        rest = rest.sliced(eq + 1);
        if (rest.isEmpty() || rest.front() != '"')
            return badAuthorization(
                QCoreApplication::translate("qpos::wechat", "the value of %1 is not quoted")
                    .arg(QString::fromLatin1(name)));
        rest = rest.sliced(1);
        const qsizetype close = rest.indexOf('"');
        if (close < 0)
            return badAuthorization(
                QCoreApplication::translate("qpos::wechat", "the value of %1 is not closed")
                    .arg(QString::fromLatin1(name)));
        const QByteArrayView value = rest.first(close);
        rest = rest.sliced(close + 1);

        qsizetype index = -1;
        for (qsizetype i = 0; i < qsizetype(names.size()); ++i) {
            if (name == QByteArrayView(names[size_t(i)]))
                index = i;
        }
        if (index < 0 || !isQuotable(name))
            return badAuthorization(
                QCoreApplication::translate("qpos::wechat", "it has an unknown field"));
        if (values[size_t(index)])
            return badAuthorization(
                QCoreApplication::translate("qpos::wechat", "the field %1 appears twice")
                    .arg(QString::fromLatin1(name)));
        if (value.isEmpty() || !isQuotable(value))
            return badAuthorization(QCoreApplication::translate("qpos::wechat",
                                                                "the field %1 is empty or has "
                                                                "characters not allowed")
                                        .arg(QString::fromLatin1(name)));
        values[size_t(index)] = value.toByteArray();

        if (rest.isEmpty())
            break;
        if (rest.front() != ',')
            return badAuthorization(QCoreApplication::translate(
                "qpos::wechat", "the fields are not separated by commas"));
        rest = rest.sliced(1);
    }
    for (size_t i = 0; i < names.size(); ++i) {
        if (!values[i])
            return badAuthorization(
                QCoreApplication::translate("qpos::wechat", "the field %1 is missing")
                    .arg(QString::fromLatin1(names[i])));
    }
    const QByteArray& timestamp = *values[3];
    if (!isDigits(timestamp) || timestamp.size() > 12)
        return badAuthorization(
            QCoreApplication::translate("qpos::wechat", "the timestamp is not a number"));

    AuthorizationToken token;
    token.mchId = QString::fromLatin1(*values[0]);
    token.nonce = QString::fromLatin1(*values[1]);
    token.signature = QString::fromLatin1(*values[2]);
    token.timestampS = timestamp.toLongLong();
    token.serialNo = QString::fromLatin1(*values[4]);
    return token;
}

Result<QByteArray> signRequest(const crypto::RsaPrivateKey& key, const QString& mchId,
                               const QString& serialNo, QByteArrayView method,
                               QByteArrayView pathWithQuery, qint64 timestampS,
                               QByteArrayView nonce, QByteArrayView body) {
    Result<QByteArray> signature =
        key.signBase64(requestSignMessage(method, pathWithQuery, timestampS, nonce, body));
    if (!signature)
        return signature.error();
    AuthorizationToken token;
    token.mchId = mchId;
    token.nonce = QString::fromLatin1(nonce);
    token.signature = QString::fromLatin1(*signature);
    token.timestampS = timestampS;
    token.serialNo = serialNo;
    return formatAuthorization(token);
}

bool verifyAnswerSignature(const crypto::RsaPublicKey& key, const WechatpayHeaders& headers,
                           QByteArrayView body) {
    if (key.isNull() || !isDigits(headers.timestamp) || headers.nonce.isEmpty() ||
        headers.signature.isEmpty() || !isQuotable(headers.nonce))
        return false;
    return key
        .verifyBase64(answerSignMessage(headers.timestamp, headers.nonce, body), headers.signature)
        .ok();
}

} // namespace qpos::wechat
