// WeChat Pay's trade bill: parseWechatBill over any bytes. Properties: a bill that parses
// keeps the invariants of tests/fuzz/BillChecks.h and has exactly as many lines as its
// summary's 总交易单数 says; one that does not says why.
#include "core/gateways/wechat/WechatBill.h"
#include "tests/fuzz/BillChecks.h"
#include "tests/fuzz/FuzzSupport.h"

using namespace qpos;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::ensureCoreApplication();
    const Result<gateway::ProviderBill> bill = wechat::parseWechatBill(fuzz::bytesOf(data, size));
    if (!bill) {
        QPOS_FUZZ_CHECK(bill.error().code.startsWith(u"wechat.bill_"));
        QPOS_FUZZ_CHECK(!bill.error().message.isEmpty());
        return 0;
    }
    fuzz::checkBill(*bill, QStringLiteral("SUCCESS"), QStringLiteral("REFUND"));
    QPOS_FUZZ_CHECK(bill->summaryRows.size() == 1);
    const QString count = bill->summaryRows.front().columns.value(QStringLiteral("总交易单数"));
    QPOS_FUZZ_CHECK(count.toLongLong() == bill->records.size());
    return 0;
}
