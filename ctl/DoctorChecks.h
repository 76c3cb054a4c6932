#pragma once

#include "core/config/ConfigLoader.h"
#include "core/link/EnrollmentCode.h"
#include "core/orders/Channel.h"

#include <QList>

#include <optional>

namespace qpos::ctl {

class DoctorReport;

// The local checks of `qposctl doctor`. Each adds its findings to the report; none changes
// anything (the database is opened, checked and its write lock taken and given back).

// Every configuration error and warning, and which files were read.
void checkConfiguration(const ConfigLoadResult& loaded, DoctorReport& report);

// The key files of every enabled provider: present, private ones 0600 or stricter, parse as the
// right kind of key. Returns the channels whose keys are all usable.
QList<Channel> checkKeyFiles(const AppConfig& config, DoctorReport& report);

// The order database (opens, schema version, quick integrity check, writable) and its staff.
void checkDatabase(const AppConfig& config, DoctorReport& report);

// What the terminal offers and how it routes a charge ([routing]): the channels in order, the
// payment-code prefixes and the amount limits; a FAIL when nothing can be charged.
void checkRouting(const AppConfig& config, DoctorReport& report);

// The link to the store backend ([store_server]): not configured, or the server's address and
// the credentials file (present, 0600, for this store and terminal). Does not contact the server.
void checkStoreServer(const AppConfig& config, DoctorReport& report);

// The provisioned enrollment code (docs/deploy.md, "Provisioning"): nothing when there is no
// code file; a FAIL when it cannot be used or still waits to enroll the till; a WARN when it
// enrolled the till but was not consumed. Returns the code that still waits, so the caller can
// check that its server answers.
std::optional<link::EnrollmentCode>
checkEnrollmentCode(const AppConfig& config, const QString& codeFile, DoctorReport& report);
// The receipt printer ([printer]): not used, or its address answers (a network printer is
// asked for its paper status, nothing is printed) or its device file is writable, and the
// system can encode GB18030.
void checkPrinter(const AppConfig& config, DoctorReport& report);

// The log directory exists (or can be made) and is writable.
void checkLogDirectory(const AppConfig& config, DoctorReport& report);

} // namespace qpos::ctl
