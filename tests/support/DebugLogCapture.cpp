#include "tests/support/DebugLogCapture.h"

namespace qpos::test {

DebugLogCapture::DebugLogCapture(const char* category) {
    s_category = category;
    s_previousFilter = QLoggingCategory::installFilter(debugOn);
    s_logged.clear();
    m_previousHandler = qInstallMessageHandler(capture);
    m_capturing = true;
}

DebugLogCapture::~DebugLogCapture() {
    stop();
}

void DebugLogCapture::stop() {
    if (!m_capturing)
        return;
    m_capturing = false;
    qInstallMessageHandler(m_previousHandler);
    QLoggingCategory::installFilter(s_previousFilter);
}

QString DebugLogCapture::text() const {
    return s_logged.join(u'\n');
}

void DebugLogCapture::capture(QtMsgType, const QMessageLogContext&, const QString& message) {
    s_logged << message;
}

void DebugLogCapture::debugOn(QLoggingCategory* category) {
    if (s_previousFilter)
        s_previousFilter(category);
    if (s_category == category->categoryName())
        category->setEnabled(QtDebugMsg, true);
}

} // namespace qpos::test
