#include "core/config/ConfigWriter.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QMap>
#include <QStringDecoder>
#include <QTemporaryFile>

#include <cerrno>
#include <cstdio>
#include <cstring>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#include <unistd.h>
#endif

namespace qpos {

namespace {

// A configuration file is a few kilobytes (IniFile refuses anything larger than this).
constexpr qint64 kMaxFileBytes = 1024 * 1024;

bool isNameChar(QChar c) {
    const char16_t u = c.unicode();
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' ||
           u == '-' || u == '.';
}

bool isName(QStringView text) {
    if (text.isEmpty())
        return false;
    for (QChar c : text) {
        if (!isNameChar(c))
            return false;
    }
    return true;
}

Error writeError(const QString& message) {
    return Error{QStringLiteral("config.write_failed"), message};
}

// The value as IniFile must read it back: quoted when blanks at either end would be trimmed
// or when the value's own surrounding quotes would be taken away.
QString formatValue(const QString& value) {
    const bool quoted =
        value.size() >= 2 && value.startsWith(QLatin1Char('"')) && value.endsWith(QLatin1Char('"'));
    if (value != value.trimmed() || quoted)
        return QLatin1Char('"') + value + QLatin1Char('"');
    return value;
}

QByteArray keyLine(const QString& key, const QString& value) {
    const QString formatted = formatValue(value);
    if (formatted.isEmpty())
        return (key + QStringLiteral(" =")).toUtf8();
    return (key + QStringLiteral(" = ") + formatted).toUtf8();
}

QString keyId(const QString& section, const QString& key) {
    return section + QLatin1Char('\n') + key;
}

struct Line {
    QByteArray raw; // without the line end
    bool removed = false;
    QList<QByteArray> after; // new lines inserted after this one
};

} // namespace

Result<QByteArray> ConfigWriter::apply(const QByteArray& original, const QList<ConfigEdit>& edits) {
    for (const ConfigEdit& edit : edits) {
        if (!isName(edit.section) || !isName(edit.key)) {
            return Error{QStringLiteral("config.write_invalid_name"),
                         QCoreApplication::translate("qpos::ConfigWriter",
                                                     "\"[%1] %2\" is not a valid setting name.")
                             .arg(edit.section, edit.key)};
        }
        if (edit.value &&
            (edit.value->contains(QLatin1Char('\n')) || edit.value->contains(QLatin1Char('\r')) ||
             edit.value->contains(QChar(0)))) {
            return Error{QStringLiteral("config.write_invalid_value"),
                         QCoreApplication::translate(
                             "qpos::ConfigWriter",
                             "The value of [%1] %2 contains a line break, which a configuration "
                             "file cannot hold.")
                             .arg(edit.section, edit.key)};
        }
    }

    QByteArrayView rest(original);
    QByteArray bom;
    if (rest.startsWith("\xEF\xBB\xBF")) {
        bom = QByteArray("\xEF\xBB\xBF");
        rest = rest.sliced(3);
    }
    QByteArray eol("\n");
    QList<Line> lines;
    while (!rest.isEmpty()) {
        const qsizetype nl = rest.indexOf('\n');
        QByteArrayView raw = nl < 0 ? rest : rest.first(nl);
        rest = nl < 0 ? QByteArrayView() : rest.sliced(nl + 1);
        if (raw.endsWith('\r')) {
            raw.chop(1);
            if (lines.isEmpty())
                eol = QByteArray("\r\n");
        }
        lines.append(Line{raw.toByteArray(), false, {}});
    }

    // Where each section and key is.
    QHash<QString, QList<qsizetype>> keyLines;  // keyId -> line indexes
    QMap<QString, qsizetype> lastLineOfSection; // last header or key line of each section
    QString section;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        const QString text = QString(decoder.decode(lines.at(i).raw)).trimmed();
        if (text.isEmpty() || text.startsWith(QLatin1Char('#')) ||
            text.startsWith(QLatin1Char(';')))
            continue;
        if (text.startsWith(QLatin1Char('[')) && text.endsWith(QLatin1Char(']'))) {
            section = text.mid(1, text.size() - 2).trimmed();
            lastLineOfSection.insert(section, i);
            continue;
        }
        const qsizetype eq = text.indexOf(QLatin1Char('='));
        if (eq < 0)
            continue;
        keyLines[keyId(section, text.left(eq).trimmed())].append(i);
        lastLineOfSection.insert(section, i);
    }

    // New sections, in the order their first key was asked for.
    QStringList newSections;
    QHash<QString, QList<QByteArray>> newSectionLines;
    for (const ConfigEdit& edit : edits) {
        const QString id = keyId(edit.section, edit.key);
        const auto found = keyLines.constFind(id);
        if (found != keyLines.constEnd() && !found->isEmpty()) {
            const QList<qsizetype>& at = *found;
            for (qsizetype n = 0; n < at.size(); ++n)
                lines[at[n]].removed = true;
            if (edit.value) {
                lines[at.first()].removed = false;
                lines[at.first()].raw = keyLine(edit.key, *edit.value);
                keyLines[id] = {at.first()};
            } else {
                keyLines.remove(id);
            }
            continue;
        }
        if (!edit.value)
            continue;
        const auto sectionAt = lastLineOfSection.constFind(edit.section);
        if (sectionAt != lastLineOfSection.constEnd()) {
            lines[*sectionAt].after.append(keyLine(edit.key, *edit.value));
        } else {
            if (!newSections.contains(edit.section))
                newSections.append(edit.section);
            newSectionLines[edit.section].append(keyLine(edit.key, *edit.value));
        }
    }

    QByteArray out = bom;
    bool lastBlank = true;
    for (const Line& line : lines) {
        if (!line.removed) {
            out += line.raw + eol;
            lastBlank = line.raw.trimmed().isEmpty();
        }
        for (const QByteArray& added : line.after) {
            out += added + eol;
            lastBlank = false;
        }
    }
    for (const QString& name : newSections) {
        if (!lastBlank)
            out += eol;
        out += QByteArray("[") + name.toUtf8() + QByteArray("]") + eol;
        for (const QByteArray& added : newSectionLines.value(name))
            out += added + eol;
        lastBlank = false;
    }
    return out;
}

Status ConfigWriter::write(const QString& path, const QList<ConfigEdit>& edits,
                           const Validator& validate) {
    // A symbolic link (a file kept elsewhere by the installer) is followed, not replaced.
    const QFileInfo link(path);
    const QFileInfo target(link.isSymLink() ? link.symLinkTarget() : link.absoluteFilePath());
    const QString absolute = target.absoluteFilePath();

    QByteArray original;
    QFile::Permissions permissions =
        QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther;
    if (target.exists()) {
        if (!target.isFile())
            return writeError(QCoreApplication::translate("qpos::ConfigWriter",
                                                          "%1 is not a file; settings cannot be "
                                                          "saved there.")
                                  .arg(absolute));
        QFile in(absolute);
        if (!in.open(QIODevice::ReadOnly))
            return writeError(
                QCoreApplication::translate("qpos::ConfigWriter", "%1 cannot be read: %2.")
                    .arg(absolute, in.errorString()));
        if (in.size() > kMaxFileBytes)
            return writeError(
                QCoreApplication::translate("qpos::ConfigWriter",
                                            "%1 is too large to be a configuration file.")
                    .arg(absolute));
        original = in.readAll();
        permissions =
            target.permissions() & (QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup |
                                    QFile::WriteGroup | QFile::ReadOther | QFile::WriteOther);
    }

    Result<QByteArray> text = apply(original, edits);
    if (!text)
        return text.error();

    const QDir dir = target.absoluteDir();
    if (!dir.exists() && !QDir().mkpath(dir.absolutePath()))
        return writeError(
            QCoreApplication::translate("qpos::ConfigWriter", "The folder %1 cannot be created.")
                .arg(dir.absolutePath()));

    QTemporaryFile candidate(dir.filePath(target.fileName() + QStringLiteral(".XXXXXX")));
    if (!candidate.open())
        return writeError(
            QCoreApplication::translate("qpos::ConfigWriter", "A file cannot be written in %1: %2.")
                .arg(dir.absolutePath(), candidate.errorString()));
    if (candidate.write(*text) != text->size() || !candidate.flush())
        return writeError(
            QCoreApplication::translate("qpos::ConfigWriter", "Writing %1 failed: %2.")
                .arg(candidate.fileName(), candidate.errorString()));
#ifdef Q_OS_UNIX
    // The new settings must be on disk before they replace the old ones.
    if (::fsync(candidate.handle()) != 0)
        return writeError(
            QCoreApplication::translate("qpos::ConfigWriter", "Writing %1 failed: %2.")
                .arg(candidate.fileName(), QString::fromLocal8Bit(std::strerror(errno))));
#endif
    candidate.setPermissions(permissions);
    candidate.close();

    if (validate) {
        Status checked = validate(candidate.fileName());
        if (!checked)
            return checked; // QTemporaryFile removes the candidate
    }

    const QByteArray from = QFile::encodeName(candidate.fileName());
    const QByteArray to = QFile::encodeName(absolute);
    // rename() replaces the target atomically: a reader sees the old file or the new one.
    if (std::rename(from.constData(), to.constData()) != 0)
        return writeError(
            QCoreApplication::translate("qpos::ConfigWriter", "%1 cannot be replaced: %2.")
                .arg(absolute, QString::fromLocal8Bit(std::strerror(errno))));
    candidate.setAutoRemove(false);
#ifdef Q_OS_UNIX
    const int dirFd = ::open(QFile::encodeName(dir.absolutePath()).constData(),
                             O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirFd >= 0) {
        ::fsync(dirFd);
        ::close(dirFd);
    }
#endif
    return Status::success();
}

} // namespace qpos
