#include "core/logging/Redactor.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace qpos {

namespace {

const QString& maskText() {
    static const QString text = u"[REDACTED]"_s;
    return text;
}

QRegularExpression compiled(const QString& pattern, QRegularExpression::PatternOptions options) {
    QRegularExpression re(pattern, options | QRegularExpression::UseUnicodePropertiesOption);
    re.optimize();
    Q_ASSERT(re.isValid());
    return re;
}

// Replaces every match of `re` in `text` by `replace(match)`; untouched text is copied as is.
template <typename Replace>
QString replaceEach(const QString& text, const QRegularExpression& re, Replace replace) {
    QRegularExpressionMatchIterator it = re.globalMatch(text);
    if (!it.hasNext())
        return text;
    QString out;
    out.reserve(text.size());
    qsizetype last = 0;
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        out += QStringView(text).sliced(last, m.capturedStart() - last);
        out += replace(m);
        last = m.capturedEnd();
    }
    out += QStringView(text).sliced(last);
    return out;
}

// Rule 1: PEM blocks, complete or cut off.
QString redactPem(const QString& text) {
    if (!text.contains(u"-----BEGIN "_s))
        return text;
    static const QRegularExpression pem = compiled(
        uR"(-----BEGIN (?<label>[A-Z0-9 ]{1,64})-----(?:(?<body>.*?)-----END \k<label>-----|(?:[A-Za-z0-9+/=\r\n]|\\[rn])*))"_s,
        QRegularExpression::DotMatchesEverythingOption);
    return replaceEach(text, pem, [](const QRegularExpressionMatch& m) {
        const QString label = m.captured(u"label");
        QString out = u"-----BEGIN "_s + label + u"-----"_s + maskText();
        if (m.capturedStart(u"body") >= 0)
            out += u"-----END "_s + label + u"-----"_s;
        return out;
    });
}

// Rule 2: Authorization header values. Unquoted, the scheme word stays.
QString redactAuthorization(const QString& text) {
    static const QRegularExpression authorization = compiled(
        uR"((?<![A-Za-z0-9_-])(?<head>(?:[A-Za-z0-9]+[_-])*authorization(?:\\?["'])?[ \t]*[:=][ \t]*)(?:(?<dq>"(?:[^"\\]|\\.)*")|(?<edq>\\"(?:[^"\\]|\\[^"])*\\")|(?<sq>'[^']*')|(?<first>[^\s"',;]+)(?<rest>[ \t]+\S+)?))"_s,
        QRegularExpression::CaseInsensitiveOption);
    return replaceEach(text, authorization, [](const QRegularExpressionMatch& m) {
        const QString head = m.captured(u"head");
        if (m.capturedStart(u"dq") >= 0)
            return head + u'"' + maskText() + u'"';
        if (m.capturedStart(u"edq") >= 0)
            return head + u"\\\""_s + maskText() + u"\\\""_s;
        if (m.capturedStart(u"sq") >= 0)
            return head + u'\'' + maskText() + u'\'';
        if (m.capturedStart(u"rest") >= 0)
            return head + m.captured(u"first") + u' ' + maskText();
        return head + maskText();
    });
}

// Rule 3: labelled values.
QString redactLabelled(const QString& text) {
    static const QRegularExpression labelled = compiled(
        uR"((?<![A-Za-z0-9_-])(?<head>(?:[A-Za-z0-9]+[_-])*(?:sign_content|signature|sign|passcode|password|passwd|pin|api_?v3_?key|api_?key|private_?key|secret_?key|secret|app_auth_token|auth_code|access_token)(?:\\?["'])?(?:\s*[:=]\s*|\s+(?=\\?["'])))(?:(?<dq>"(?:[^"\\]|\\.)*")|(?<edq>\\"(?:[^"\\]|\\[^"])*\\")|(?<sq>'[^']*')|(?<bare>[^\s&,;"'<>(){}\[\]]+)))"_s,
        QRegularExpression::CaseInsensitiveOption);
    return replaceEach(text, labelled, [](const QRegularExpressionMatch& m) {
        const QString head = m.captured(u"head");
        if (m.capturedStart(u"dq") >= 0)
            return head + u'"' + maskText() + u'"';
        if (m.capturedStart(u"edq") >= 0)
            return head + u"\\\""_s + maskText() + u"\\\""_s;
        if (m.capturedStart(u"sq") >= 0)
            return head + u'\'' + maskText() + u'\'';
        return head + maskText();
    });
}

// Rule 4: long base64 runs with upper case, lower case and digits.
QString redactBase64(const QString& text) {
    if (text.size() < 40)
        return text;
    static const QRegularExpression run = compiled(
        uR"((?<![A-Za-z0-9+/])(?:[A-Za-z0-9+/]|\\/|%2[BbFf]){40,}(?:=|%3[Dd]){0,2}(?![A-Za-z0-9+/=]))"_s,
        QRegularExpression::NoPatternOption);
    return replaceEach(text, run, [](const QRegularExpressionMatch& m) {
        const QStringView s = m.capturedView();
        bool upper = false;
        bool lower = false;
        bool digit = false;
        for (QChar c : s) {
            const char16_t u = c.unicode();
            upper = upper || (u >= 'A' && u <= 'Z');
            lower = lower || (u >= 'a' && u <= 'z');
            digit = digit || (u >= '0' && u <= '9');
        }
        return (upper && lower && digit) ? maskText() : s.toString();
    });
}

} // namespace

QString Redactor::mask() {
    return maskText();
}

QString Redactor::redact(const QString& text) {
    return redactBase64(redactLabelled(redactAuthorization(redactPem(text))));
}

} // namespace qpos
