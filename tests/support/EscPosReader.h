#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace qpos::test {

// Reads back an ESC/POS job the way a printer would: the commands the till uses, with their
// parameters checked against their published ranges, and the text between them decoded from
// GB18030. Anything else is an error, so a malformed job cannot pass a test.
struct EscPosCommand {
    QString name;      // "init", "chinese", "align", "bold", "size", "feed", "cut", "drawer",
                       // "qr.model", "qr.size", "qr.level", "qr.store", "qr.print", "status"
    QByteArray params; // the parameter bytes (qr.store: the data without m)
};

struct EscPosLine {
    QString text;
    int widthScale = 1; // 2 while GS ! selected double width
};

struct EscPosReading {
    QString error; // empty when every byte was understood
    QList<EscPosCommand> commands;
    QList<EscPosLine> lines;

    QStringList texts() const;
    QList<QByteArray> qrPayloads() const;
    int count(const QString& name) const;
    // Whether a line reads exactly `text` once trailing and leading blanks are dropped.
    bool hasLine(const QString& text) const;
    // The first line that contains `text`, or an empty string.
    QString lineWith(const QString& text) const;
};

EscPosReading readEscPos(const QByteArray& job);

} // namespace qpos::test
