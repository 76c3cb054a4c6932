#include "tests/fuzz/BillChecks.h"

#include "tests/fuzz/FuzzSupport.h"

namespace qpos::fuzz {

namespace {

bool inRange(money::Fen fen) {
    return fen >= -money::kMaxFen && fen <= money::kMaxFen;
}

bool inRange(money::SubFen amount) {
    const qint64 limit = money::kMaxFen * money::SubFen::kPerFen;
    return amount.thousandthsOfFen() >= -limit && amount.thousandthsOfFen() <= limit;
}

} // namespace

void checkBill(const gateway::ProviderBill& bill, const QString& paymentWord,
               const QString& refundWord) {
    int previousLine = 0;
    for (const gateway::BillRecord& record : bill.records) {
        QPOS_FUZZ_CHECK(record.lineNumber > previousLine);
        previousLine = record.lineNumber;
        QPOS_FUZZ_CHECK(inRange(record.amountFen) && inRange(record.receivedFen) &&
                        inRange(record.refundFen) && inRange(record.fee));
        QPOS_FUZZ_CHECK(record.refundFen >= 0);
        QPOS_FUZZ_CHECK((record.kind == gateway::BillLineKind::Payment) ==
                        (record.kindText == paymentWord));
        QPOS_FUZZ_CHECK((record.kind == gateway::BillLineKind::Refund) ==
                        (record.kindText == refundWord));
        QPOS_FUZZ_CHECK(record.kind == gateway::BillLineKind::Refund || record.refundFen == 0);
        for (const QString& name : record.columns.keys())
            QPOS_FUZZ_CHECK(bill.columnNames.contains(name));
    }
}

} // namespace qpos::fuzz
