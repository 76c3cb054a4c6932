// Alipay's bill archive: readZipEntries (libzip) and parseAlipayBillZip over any bytes.
// Properties: no file read out of an archive is larger than the limit given (a zip bomb stays
// bounded), and a bill that parses keeps the invariants of tests/fuzz/BillChecks.h.
#include "core/gateways/alipay/AlipayBill.h"
#include "core/gateways/alipay/ZipArchiveReader.h"
#include "tests/fuzz/BillChecks.h"
#include "tests/fuzz/FuzzSupport.h"

using namespace qpos;

namespace {
constexpr qint64 kMaxEntryBytes = 256 * 1024;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::ensureCoreApplication();
    const QByteArrayView input = fuzz::bytesOf(data, size);

    if (const Result<QList<alipay::ZipEntry>> entries =
            alipay::readZipEntries(input, kMaxEntryBytes)) {
        for (const alipay::ZipEntry& entry : *entries)
            QPOS_FUZZ_CHECK(entry.data.size() <= kMaxEntryBytes);
    } else {
        QPOS_FUZZ_CHECK(!entries.error().message.isEmpty());
    }

    const Result<gateway::ProviderBill> bill = alipay::parseAlipayBillZip(input, kMaxEntryBytes);
    if (bill)
        fuzz::checkBill(*bill, QStringLiteral("交易"), QStringLiteral("退款"));
    else
        QPOS_FUZZ_CHECK(!bill.error().message.isEmpty());
    return 0;
}
