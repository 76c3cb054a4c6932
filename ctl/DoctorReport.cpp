#include "ctl/DoctorReport.h"

#include "ctl/CtlExit.h"
#include "ctl/CtlOutput.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>

namespace qpos::ctl {

QString DoctorReport::levelName(Level level) {
    switch (level) {
    case Level::Ok:
        return QStringLiteral("ok");
    case Level::Warn:
        return QStringLiteral("warn");
    case Level::Fail:
        return QStringLiteral("fail");
    }
    return QStringLiteral("fail");
}

void DoctorReport::add(Level level, const QString& area, const QString& message) {
    m_findings.append(Finding{level, area, message});
    if (m_out.json())
        return;
    m_out.line(levelName(level).toUpper().leftJustified(6) + area.leftJustified(10) + message);
}

int DoctorReport::failures() const {
    return int(std::count_if(m_findings.cbegin(), m_findings.cend(),
                             [](const Finding& f) { return f.level == Level::Fail; }));
}

int DoctorReport::warnings() const {
    return int(std::count_if(m_findings.cbegin(), m_findings.cend(),
                             [](const Finding& f) { return f.level == Level::Warn; }));
}

int DoctorReport::finish() const {
    if (m_out.json()) {
        QJsonArray checks;
        for (const Finding& f : m_findings)
            checks.append(QJsonObject{{QStringLiteral("check"), f.area},
                                      {QStringLiteral("status"), levelName(f.level)},
                                      {QStringLiteral("message"), f.message}});
        m_out.object(QJsonObject{{QStringLiteral("ok"), failures() == 0},
                                 {QStringLiteral("failures"), failures()},
                                 {QStringLiteral("warnings"), warnings()},
                                 {QStringLiteral("checks"), checks}});
    } else {
        m_out.line(QCoreApplication::translate("qpos::ctl", "%1 failed, %2 warnings, %3 checks.")
                       .arg(failures())
                       .arg(warnings())
                       .arg(m_findings.size()));
    }
    return failures() > 0 ? kExitError : kExitOk;
}

} // namespace qpos::ctl
