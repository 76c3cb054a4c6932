#include "core/config/IniFile.h"

#include "core/config/ConfigKeys.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QStringDecoder>

using namespace Qt::StringLiterals;

namespace qpos {

namespace {

// A configuration file is a few kilobytes; anything far larger is not one.
constexpr qint64 kMaxFileBytes = 1024 * 1024;

ConfigIssue fileIssue(const QString& code, const QString& path, int line, const QString& message) {
    return ConfigIssue{code, QString(), path, line, message};
}

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

} // namespace

IniFile IniFile::read(const QString& path, QList<ConfigIssue>& errors) {
    const QFileInfo info(path);
    IniFile empty;
    empty.path = info.absoluteFilePath();
    if (info.isDir()) {
        errors << fileIssue(u"config.file_unreadable"_s, empty.path, 0,
                            QCoreApplication::translate(
                                "qpos::Config", "Configuration file %1 is a directory, not a file.")
                                .arg(empty.path));
        return empty;
    }
    QFile file(empty.path);
    if (!file.open(QIODevice::ReadOnly)) {
        errors << fileIssue(u"config.file_unreadable"_s, empty.path, 0,
                            QCoreApplication::translate(
                                "qpos::Config",
                                "Configuration file %1 cannot be read: %2. Check that it exists "
                                "and that the service user may read it.")
                                .arg(empty.path, file.errorString()));
        return empty;
    }
    if (file.size() > kMaxFileBytes) {
        errors << fileIssue(
            u"config.file_unparsable"_s, empty.path, 0,
            QCoreApplication::translate(
                "qpos::Config", "Configuration file %1 is %2 bytes long; a configuration file "
                                "must be smaller than %3 bytes.")
                .arg(empty.path, QString::number(file.size()), QString::number(kMaxFileBytes)));
        return empty;
    }
    const QByteArray data = file.readAll();
    if (file.error() != QFileDevice::NoError) {
        errors << fileIssue(
            u"config.file_unreadable"_s, empty.path, 0,
            QCoreApplication::translate("qpos::Config", "Configuration file %1 cannot be read: %2.")
                .arg(empty.path, file.errorString()));
        return empty;
    }
    return parse(empty.path, data, errors);
}

IniFile IniFile::parse(const QString& path, const QByteArray& data, QList<ConfigIssue>& errors) {
    IniFile result;
    result.path = path;

    if (data.contains('\0')) {
        errors << fileIssue(
            u"config.file_unparsable"_s, path, 0,
            QCoreApplication::translate("qpos::Config",
                                        "Configuration file %1 is not a text file (it contains NUL "
                                        "bytes).")
                .arg(path));
        return result;
    }

    QByteArrayView rest(data);
    if (rest.startsWith("\xEF\xBB\xBF"))
        rest = rest.sliced(3);

    QString section;
    QHash<QString, int> seen; // "section\nkey" -> line, to refuse duplicates in one file
    int lineNo = 0;
    while (!rest.isEmpty()) {
        ++lineNo;
        const qsizetype nl = rest.indexOf('\n');
        QByteArrayView raw = nl < 0 ? rest : rest.first(nl);
        rest = nl < 0 ? QByteArrayView() : rest.sliced(nl + 1);
        if (raw.endsWith('\r'))
            raw.chop(1);

        QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        const QString decoded = decoder.decode(raw);
        if (decoder.hasError()) {
            errors << fileIssue(u"config.file_unparsable"_s, path, lineNo,
                                QCoreApplication::translate(
                                    "qpos::Config",
                                    "%1, line %2: the text is not valid UTF-8. Save the file "
                                    "as UTF-8.")
                                    .arg(path, QString::number(lineNo)));
            continue;
        }
        const QString line = decoded.trimmed();
        if (line.isEmpty() || line.startsWith(u'#') || line.startsWith(u';'))
            continue;

        if (line.startsWith(u'[')) {
            const QStringView name = QStringView(line).sliced(1).chopped(line.endsWith(u']'));
            if (!line.endsWith(u']') || !isName(name.trimmed())) {
                errors << fileIssue(u"config.file_unparsable"_s, path, lineNo,
                                    QCoreApplication::translate(
                                        "qpos::Config",
                                        "%1, line %2: \"%3\" is not a valid section header; "
                                        "write [name] with letters, digits, '_', '-' or '.'.")
                                        .arg(path, QString::number(lineNo), line));
                // Keys up to the next valid header would land in the wrong section: skip them.
                section = u"\n"_s;
                continue;
            }
            section = name.trimmed().toString();
            continue;
        }

        const qsizetype eq = line.indexOf(u'=');
        if (eq < 0) {
            errors << fileIssue(u"config.file_unparsable"_s, path, lineNo,
                                QCoreApplication::translate(
                                    "qpos::Config",
                                    "%1, line %2: expected \"key = value\", a [section] header "
                                    "or a comment starting with # or ;.")
                                    .arg(path, QString::number(lineNo)));
            continue;
        }
        const QString key = line.first(eq).trimmed();
        QString value = line.sliced(eq + 1).trimmed();
        if (!isName(key)) {
            errors << fileIssue(u"config.file_unparsable"_s, path, lineNo,
                                QCoreApplication::translate(
                                    "qpos::Config",
                                    "%1, line %2: \"%3\" is not a valid key name; use letters, "
                                    "digits, '_', '-' or '.'.")
                                    .arg(path, QString::number(lineNo), key));
            continue;
        }
        if (section == u"\n"_s)
            continue; // under a broken header, already reported
        if (section.isEmpty()) {
            errors << fileIssue(
                u"config.file_unparsable"_s, path, lineNo,
                QCoreApplication::translate(
                    "qpos::Config", "%1, line %2: key \"%3\" comes before any [section] header.")
                    .arg(path, QString::number(lineNo), key));
            continue;
        }
        if (value.size() >= 2 && value.startsWith(u'"') && value.endsWith(u'"'))
            value = value.sliced(1).chopped(1);

        const QString id = section + u'\n' + key;
        const auto previous = seen.constFind(id);
        if (previous != seen.constEnd()) {
            errors << ConfigIssue{
                u"config.duplicate_key"_s, qualifiedKeyName(section, key), path, lineNo,
                QCoreApplication::translate(
                    "qpos::Config", "%1, line %2: [%3] %4 is set again (first set on line %5). "
                                    "Keep only one.")
                    .arg(path, QString::number(lineNo), section, key,
                         QString::number(previous.value()))};
            continue;
        }
        seen.insert(id, lineNo);
        result.entries << IniEntry{section, key, value, lineNo};
    }
    return result;
}

} // namespace qpos
