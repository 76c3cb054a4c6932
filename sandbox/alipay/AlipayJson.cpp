#include "sandbox/alipay/AlipayJson.h"

namespace qpos::sandbox {

AlipayJson& AlipayJson::add(const char* key, const QString& value) {
    m_fields.append({QByteArray(key), quote(value)});
    return *this;
}

AlipayJson& AlipayJson::addRaw(const char* key, const QByteArray& rawJson) {
    m_fields.append({QByteArray(key), rawJson});
    return *this;
}

QByteArray AlipayJson::toJson() const {
    QByteArray out = "{";
    for (qsizetype i = 0; i < m_fields.size(); ++i) {
        if (i > 0)
            out += ',';
        out += quote(QString::fromUtf8(m_fields[i].first)) + ':' + m_fields[i].second;
    }
    out += '}';
    return out;
}

QByteArray AlipayJson::quote(const QString& value) {
    const QByteArray utf8 = value.toUtf8();
    QByteArray out;
    out.reserve(utf8.size() + 2);
    out += '"';
    for (char c : utf8) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '/':
            out += "\\/";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20)
                out += "\\u00" +
                       QByteArray::number(static_cast<unsigned char>(c), 16).rightJustified(2, '0');
            else
                out += c;
        }
    }
    out += '"';
    return out;
}

QByteArray AlipayJson::array(const QList<QByteArray>& rawItems) {
    QByteArray out = "[";
    for (qsizetype i = 0; i < rawItems.size(); ++i) {
        if (i > 0)
            out += ',';
        out += rawItems[i];
    }
    out += ']';
    return out;
}

} // namespace qpos::sandbox
