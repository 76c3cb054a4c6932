#include "ctl/CtlOutput.h"

#include <QJsonDocument>

namespace qpos::ctl {

void CtlOutput::write(std::FILE* file, const QByteArray& bytes) {
    std::fwrite(bytes.constData(), 1, static_cast<std::size_t>(bytes.size()), file);
    std::fflush(file);
}

void CtlOutput::line(const QString& text) const {
    write(m_out, text.toUtf8() + '\n');
}

void CtlOutput::object(const QJsonObject& object) const {
    write(m_out, QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n');
}

void CtlOutput::note(const QString& text) const {
    write(m_err, text.toUtf8() + '\n');
}

void CtlOutput::error(const QString& message) const {
    write(m_err, "qposctl: " + message.toUtf8() + '\n');
}

} // namespace qpos::ctl
