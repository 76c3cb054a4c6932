// Alipay's bill files once out of the zip: parseAlipayBillFiles over GBK bytes. The input is
// the detail file, a NUL, then the summary file. Property: a bill that parses keeps the
// invariants of tests/fuzz/BillChecks.h; one that does not says why.
#include "core/gateways/alipay/AlipayBill.h"
#include "tests/fuzz/BillChecks.h"
#include "tests/fuzz/FuzzInput.h"
#include "tests/fuzz/FuzzSupport.h"

using namespace qpos;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::ensureCoreApplication();
    fuzz::FuzzInput input(fuzz::bytesOf(data, size));
    const QByteArrayView detail = input.field();
    const QByteArrayView summary = input.field();

    const Result<gateway::ProviderBill> bill = alipay::parseAlipayBillFiles(
        QStringLiteral("20880000_20260101_业务明细.csv"), detail,
        QStringLiteral("20880000_20260101_业务明细(汇总).csv"), summary);
    if (bill)
        fuzz::checkBill(*bill, QStringLiteral("交易"), QStringLiteral("退款"));
    else
        QPOS_FUZZ_CHECK(!bill.error().message.isEmpty());
    return 0;
}
