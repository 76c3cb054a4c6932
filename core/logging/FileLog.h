#pragma once

#include "core/common/Result.h"
#include "core/config/AppConfig.h"

#include <QFile>
#include <QString>
#include <QtGlobal>

namespace qpos {

struct FileLogOptions {
    QString dir;                        // created 0700 when missing
    QtMsgType minimumLevel = QtInfoMsg; // less severe messages are dropped (fatal never is)
    qint64 maxFileBytes = 4096 * 1024;  // qpos.log is rotated before it would grow past this
    int maxFiles = 5;                   // qpos.log plus rotated copies qpos.log.1 .. .N-1
    bool forwardToStderr = false;       // also write every line (redacted) to stderr

    static FileLogOptions fromConfig(const LogConfig& config, bool forwardToStderr = false);
};

// The application's log: a Qt message handler that writes every message, passed through
// Redactor first, as one line
//
//     2026-11-23T02:15:04.123Z INFO     qpos.checkout: order DEMO_T01_20261123_00000042 paid
//
// (UTC time with milliseconds, level, category, text; line breaks and other control
// characters inside a message are written as \n, \r, \xNN so that every record is one line
// and a message cannot forge another record) to `<dir>/qpos.log`. Each line is handed to the
// operating system with one unbuffered write, so a crash of the process loses nothing that was
// logged. When the next line would make qpos.log larger than maxFileBytes, the files rotate:
// qpos.log -> qpos.log.1 -> ... -> qpos.log.<maxFiles-1>, the oldest is deleted. Files are
// created with mode 0600. Thread-safe; at most one FileLog is installed at a time. If the file
// cannot be written (disk full, directory removed), lines go to stderr instead.
class FileLog {
public:
    explicit FileLog(FileLogOptions options);
    ~FileLog(); // uninstalls
    FileLog(const FileLog&) = delete;
    FileLog& operator=(const FileLog&) = delete;

    // Creates the directory, opens qpos.log and installs the message handler.
    Status install();
    // Restores the message handler that was installed before, and closes the file.
    void uninstall();
    bool isInstalled() const;

    QString filePath() const;
    const FileLogOptions& options() const { return m_options; }

    static QString fileName(); // "qpos.log"

private:
    static void handleMessage(QtMsgType type, const QMessageLogContext& context,
                              const QString& message);
    void writeLine(const QByteArray& line); // with the global log mutex held
    bool openFile();
    void rotate();

    FileLogOptions m_options;
    QFile m_file;
    qint64 m_size = 0;
    bool m_installed = false;
};

} // namespace qpos
