#pragma once

#include <QStringList>
#include <QUrl>

namespace qpos::alipay {

// The hosts from which Alipay serves trade bills over plain http
// (bill_download_url "http://dwbillcenter.alipay.com/downloadBillFile.resource?..."). The file
// proves itself: the zip's CRCs and the summary's totals must match (parseAlipayBillZip).
const QStringList& alipayBillHttpHosts();

// Whether the till may fetch a bill from `url`: any https address, or plain http to one of
// Alipay's bill hosts or to one of `extraHttpHosts` (only the sandbox configuration names its
// own host there). Everything else stays https-only.
bool isAllowedBillUrl(const QUrl& url, const QStringList& extraHttpHosts);

} // namespace qpos::alipay
