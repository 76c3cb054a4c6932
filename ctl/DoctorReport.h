#pragma once

#include <QList>
#include <QString>

namespace qpos::ctl {

class CtlOutput;

// The findings of `qposctl doctor`: one line per check, OK / WARN / FAIL, each message saying
// what was found and, unless OK, what to do.
class DoctorReport {
public:
    enum class Level { Ok, Warn, Fail };

    struct Finding {
        Level level = Level::Ok;
        QString area; // "config", "keys", "database", "staff", "log", "gateway"
        QString message;
    };

    explicit DoctorReport(const CtlOutput& out)
        : m_out(out) {}

    // Text output prints each finding as it is made (a slow gateway check shows the earlier
    // ones first); JSON output prints everything in finish().
    void ok(const QString& area, const QString& message) { add(Level::Ok, area, message); }
    void warn(const QString& area, const QString& message) { add(Level::Warn, area, message); }
    void fail(const QString& area, const QString& message) { add(Level::Fail, area, message); }

    int failures() const;
    int warnings() const;
    const QList<Finding>& findings() const { return m_findings; }

    // Prints the summary (or the whole JSON report) and returns the exit code: 1 on any FAIL.
    int finish() const;

    static QString levelName(Level level); // "ok", "warn", "fail"

private:
    void add(Level level, const QString& area, const QString& message);

    const CtlOutput& m_out;
    QList<Finding> m_findings;
};

} // namespace qpos::ctl
