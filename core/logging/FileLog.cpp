#include "core/logging/FileLog.h"

#include "core/logging/Redactor.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QMutex>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace qpos {

namespace {

// Guards the installed FileLog, its file and the previous handler.
QBasicMutex g_mutex;
FileLog* g_active = nullptr;
QtMessageHandler g_previous = nullptr;

// A message logged while a message is being written (Qt warning about a file, ...) goes to
// stderr instead of recursing into the lock.
thread_local bool t_inHandler = false;

// Severity order; QtMsgType's numeric order is not one (QtInfoMsg is 4).
int severity(QtMsgType type) {
    switch (type) {
    case QtDebugMsg:
        return 0;
    case QtInfoMsg:
        return 1;
    case QtWarningMsg:
        return 2;
    case QtCriticalMsg:
        return 3;
    case QtFatalMsg:
        return 4;
    }
    return 4;
}

const char* levelName(QtMsgType type) {
    switch (type) {
    case QtDebugMsg:
        return "DEBUG   ";
    case QtInfoMsg:
        return "INFO    ";
    case QtWarningMsg:
        return "WARNING ";
    case QtCriticalMsg:
        return "CRITICAL";
    case QtFatalMsg:
        return "FATAL   ";
    }
    return "FATAL   ";
}

// One record, one line: control characters are escaped.
void appendEscaped(QString& out, const QString& text) {
    for (QChar c : text) {
        const char16_t u = c.unicode();
        if (u >= 0x20 && u != 0x7f) {
            out += c;
        } else if (u == '\n') {
            out += u"\\n"_s;
        } else if (u == '\r') {
            out += u"\\r"_s;
        } else if (u == '\t') {
            out += c;
        } else {
            out += u"\\x"_s + QString::number(u, 16).rightJustified(2, u'0');
        }
    }
}

QByteArray formatLine(QtMsgType type, const char* category, const QString& redacted) {
    QString line = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    line += u' ';
    line += QLatin1StringView(levelName(type));
    line += u' ';
    line += QLatin1StringView(category && *category ? category : "default");
    line += u": "_s;
    appendEscaped(line, redacted);
    line += u'\n';
    return line.toUtf8();
}

void writeStderr(const QByteArray& line) {
    std::fwrite(line.constData(), 1, static_cast<size_t>(line.size()), stderr);
    std::fflush(stderr);
}

QString rotatedPath(const QString& current, int n) {
    return current + u'.' + QString::number(n);
}

bool renameOver(const QString& from, const QString& to) {
    // POSIX rename replaces the target atomically; QFile::rename refuses an existing target.
    return std::rename(QFile::encodeName(from).constData(), QFile::encodeName(to).constData()) == 0;
}

} // namespace

FileLogOptions FileLogOptions::fromConfig(const LogConfig& config, bool forwardToStderr) {
    FileLogOptions o;
    o.dir = config.dir;
    switch (config.level) {
    case LogLevel::Debug:
        o.minimumLevel = QtDebugMsg;
        break;
    case LogLevel::Info:
        o.minimumLevel = QtInfoMsg;
        break;
    case LogLevel::Warning:
        o.minimumLevel = QtWarningMsg;
        break;
    case LogLevel::Critical:
        o.minimumLevel = QtCriticalMsg;
        break;
    }
    o.maxFileBytes = qint64(config.maxFileKb) * 1024;
    o.maxFiles = config.maxFiles;
    o.forwardToStderr = forwardToStderr;
    return o;
}

FileLog::FileLog(FileLogOptions options)
    : m_options(std::move(options)) {
    m_options.maxFiles = qMax(1, m_options.maxFiles);
    m_options.maxFileBytes = qMax<qint64>(1, m_options.maxFileBytes);
}

FileLog::~FileLog() {
    uninstall();
}

QString FileLog::fileName() {
    return u"qpos.log"_s;
}

QString FileLog::filePath() const {
    return QDir(m_options.dir).filePath(fileName());
}

Status FileLog::install() {
    {
        QMutexLocker lock(&g_mutex);
        if (m_installed)
            return Status::success();
        if (g_active) {
            return Error{
                u"log.already_installed"_s,
                QCoreApplication::translate(
                    "qpos::FileLog", "A log file is already being written (%1); close it first.")
                    .arg(g_active->filePath())};
        }
    }
    // File work happens without the lock: Qt may log a warning on the way, and that message
    // must not find the lock taken.
    if (m_options.dir.isEmpty())
        return Error{u"log.dir"_s,
                     QCoreApplication::translate("qpos::FileLog",
                                                 "No log directory is configured ([log] dir).")};
    const QString dir = QDir::cleanPath(QDir(m_options.dir).absolutePath());
    if (!QFileInfo(dir).isDir()) {
        const QFileInfo info(dir);
        if (!QDir().mkpath(info.absolutePath()) ||
            !QDir().mkdir(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner)) {
            return Error{u"log.dir"_s,
                         QCoreApplication::translate(
                             "qpos::FileLog",
                             "The log directory %1 cannot be created; check [log] dir and the "
                             "permissions of its parent directory.")
                             .arg(dir)};
        }
    }
    m_options.dir = dir;
    if (!openFile()) {
        return Error{u"log.file"_s,
                     QCoreApplication::translate(
                         "qpos::FileLog", "The log file %1 cannot be opened for writing: %2.")
                         .arg(filePath(), m_file.errorString())};
    }

    QMutexLocker lock(&g_mutex);
    if (g_active) {
        lock.unlock();
        m_file.close();
        return Error{u"log.already_installed"_s,
                     QCoreApplication::translate(
                         "qpos::FileLog", "A log file is already being written; close it first.")};
    }
    g_previous = qInstallMessageHandler(&FileLog::handleMessage);
    g_active = this;
    m_installed = true;
    return Status::success();
}

void FileLog::uninstall() {
    {
        QMutexLocker lock(&g_mutex);
        if (!m_installed)
            return;
        if (g_active == this) {
            qInstallMessageHandler(g_previous);
            g_active = nullptr;
            g_previous = nullptr;
        }
        m_installed = false;
    }
    m_file.close();
}

bool FileLog::isInstalled() const {
    QMutexLocker lock(&g_mutex);
    return m_installed;
}

bool FileLog::openFile() {
    m_file.close();
    m_file.setFileName(filePath());
    const QFile::Permissions ownerOnly = QFile::ReadOwner | QFile::WriteOwner;
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered, ownerOnly)) {
        return false;
    }
    // An existing file keeps its mode on open: tighten it.
    const QFile::Permissions others = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup |
                                      QFile::ReadOther | QFile::WriteOther | QFile::ExeOther;
    if (m_file.permissions() & (others | QFile::ExeOwner))
        m_file.setPermissions(ownerOnly);
    m_size = m_file.size();
    return true;
}

void FileLog::rotate() {
    m_file.close();
    const QString current = filePath();
    const int keep = m_options.maxFiles;
    if (keep <= 1) {
        QFile::remove(current);
    } else {
        QFile::remove(rotatedPath(current, keep - 1));
        for (int n = keep - 2; n >= 1; --n) {
            const QString from = rotatedPath(current, n);
            if (QFileInfo::exists(from))
                renameOver(from, rotatedPath(current, n + 1));
        }
        renameOver(current, rotatedPath(current, 1));
    }
    // Copies left by an earlier, larger max_files.
    for (int n = qMax(1, keep); QFileInfo::exists(rotatedPath(current, n)); ++n)
        QFile::remove(rotatedPath(current, n));
    openFile();
}

void FileLog::writeLine(const QByteArray& line) {
    if (m_file.isOpen() && m_size > 0 && m_size + line.size() > m_options.maxFileBytes)
        rotate();
    if (!m_file.isOpen() && !openFile()) {
        if (!m_options.forwardToStderr)
            writeStderr(line);
        return;
    }
    const qint64 written = m_file.write(line);
    if (written != line.size() && !m_options.forwardToStderr)
        writeStderr(line);
    if (written > 0)
        m_size += written;
}

void FileLog::handleMessage(QtMsgType type, const QMessageLogContext& context,
                            const QString& message) {
    if (t_inHandler) {
        writeStderr(formatLine(type, context.category, Redactor::redact(message)));
        return;
    }
    t_inHandler = true;
    // Redaction and formatting happen outside the lock; only the write is serialised.
    const QByteArray line = formatLine(type, context.category, Redactor::redact(message));
    {
        QMutexLocker lock(&g_mutex);
        FileLog* log = g_active;
        if (!log) {
            writeStderr(line); // uninstalled while this message was on its way
        } else if (type == QtFatalMsg || severity(type) >= severity(log->m_options.minimumLevel)) {
            log->writeLine(line);
            if (log->m_options.forwardToStderr)
                writeStderr(line);
        }
    }
    t_inHandler = false;
}

} // namespace qpos
