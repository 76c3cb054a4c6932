#pragma once

#include <QByteArray>
#include <QLoggingCategory>
#include <QString>
#include <QStringList>

namespace qpos::test {

// Records every message logged while it is capturing, with the debug output of one category
// turned on whatever QT_LOGGING_RULES says (ctest turns debug off): how the suites check what
// a gateway writes to the log. One capture at a time (Qt's handler and filter are global).
class DebugLogCapture {
public:
    explicit DebugLogCapture(const char* category);
    ~DebugLogCapture();
    DebugLogCapture(const DebugLogCapture&) = delete;
    DebugLogCapture& operator=(const DebugLogCapture&) = delete;

    // Puts back the previous handler and filter (also done on destruction).
    void stop();
    // Everything captured, one message a line.
    QString text() const;

private:
    static void capture(QtMsgType, const QMessageLogContext&, const QString& message);
    static void debugOn(QLoggingCategory* category);

    static inline QStringList s_logged;
    static inline QByteArray s_category;
    static inline QLoggingCategory::CategoryFilter s_previousFilter = nullptr;
    QtMessageHandler m_previousHandler = nullptr;
    bool m_capturing = false;
};

} // namespace qpos::test
