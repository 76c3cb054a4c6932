#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace qpos::sandbox {

// A JSON object written the way Alipay writes its answers: keys in the order they are added
// (Alipay's answers are not sorted), UTF-8 text as is, and '/' escaped as "\/". Clients must
// verify the signature over these exact bytes, so this writer never goes through QJsonDocument.
class AlipayJson {
public:
    AlipayJson& add(const char* key, const QString& value);
    // `rawJson` is emitted as is (an array or object built with this class).
    AlipayJson& addRaw(const char* key, const QByteArray& rawJson);
    bool isEmpty() const { return m_fields.isEmpty(); }

    QByteArray toJson() const;

    // A JSON string literal with Alipay's escaping.
    static QByteArray quote(const QString& value);
    static QByteArray array(const QList<QByteArray>& rawItems);

private:
    QList<QPair<QByteArray, QByteArray>> m_fields; // key, raw value
};

} // namespace qpos::sandbox
