#pragma once

#include "core/gateways/ProviderBill.h"

#include <QByteArray>
#include <QString>

namespace qpos::gateway {

// Whether the provider had the bill. Reconciliation schedules a retry on NotReadyYet and
// records NoBill as a day without trades; neither is a failure.
enum class BillAvailability {
    Ready,       // the bill, its file as downloaded and the file's SHA-256
    NotReadyYet, // not made yet (Alipay isp.bill_not_exist, WeChat Pay STATEMENT_CREATING)
    NoBill,      // none will come: no payment or refund that day (WeChat Pay
                 // NO_STATEMENT_EXIST; Alipay does not tell this apart from NotReadyYet)
};

// Stable machine names: "ready", "not_ready_yet", "no_bill".
QString billAvailabilityName(BillAvailability availability);

// What downloading a provider's bill brought back.
struct DownloadedBill {
    BillAvailability availability = BillAvailability::Ready;
    ProviderBill bill; // Ready: parsed, its detail checked against its summary totals
    // Ready: the file's bytes exactly as the provider served them (Alipay's zip, WeChat Pay's
    // gzip), to keep beside the parsed bill, and their SHA-256 in lower-case hex.
    QByteArray file;
    QByteArray fileSha256Hex;
    // NotReadyYet, NoBill: the provider's code and a translated sentence saying what next.
    QString providerCode;
    QString message;
};

} // namespace qpos::gateway
