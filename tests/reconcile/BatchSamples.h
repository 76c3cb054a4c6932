#pragma once

// Runs and batches as the daily reconciliation hands them to a BatchStore, for the store's,
// the wire format's and the manager screen's tests.

#include "core/reconcile/BatchStore.h"

namespace qpos::test {

inline reconcile::DifferenceItem sampleItem(reconcile::DifferenceClass kind,
                                            const QString& outTradeNo,
                                            const QString& outRequestNo = {}) {
    reconcile::DifferenceItem d;
    d.kind = kind;
    d.provider = Channel::Alipay;
    d.outTradeNo = outTradeNo;
    d.outRequestNo = outRequestNo;
    switch (kind) {
    case reconcile::DifferenceClass::LocalOnly:
        d.localState = QStringLiteral("paid");
        d.localAmountFen = 1200;
        d.detail = QStringLiteral("Paid here, not in the bills of three days.");
        break;
    case reconcile::DifferenceClass::Amount:
        d.localState = QStringLiteral("paid");
        d.localAmountFen = 1200;
        d.providerState = QStringLiteral("交易");
        d.providerAmountFen = 1250;
        d.providerTradeNo = QStringLiteral("2026112022001400001");
        d.billLine = 7;
        d.detail = QStringLiteral("12.00 here, 12.50 in the bill.");
        break;
    default:
        d.providerState = QStringLiteral("交易");
        d.providerAmountFen = 800;
        d.providerTradeNo = QStringLiteral("2026112022001400002");
        d.billLine = 9;
        d.detail = QStringLiteral("In the bill, not paid here.");
        break;
    }
    return d;
}

// A complete run of `day` with the given differences, all left open for the manager.
inline reconcile::CompletedRun sampleRun(const QDate& day,
                                         const QList<reconcile::DifferenceItem>& items, qint64 atMs,
                                         Channel provider = Channel::Alipay) {
    reconcile::CompletedRun run;
    run.result.provider = provider;
    run.result.merchantId = QStringLiteral("2088000000000001");
    run.result.day = day;
    run.result.totals.provider = {10, 12050, 1, 300};
    run.result.totals.local = {10, 12000, 1, 300};
    run.result.totals.fee = money::SubFen::fromThousandthsOfFen(-74040);
    run.result.totals.matched = 10;
    run.result.totals.held = 1;
    run.result.items = items;
    for (reconcile::DifferenceItem& d : run.result.items)
        d.provider = provider;
    run.result.pool.held.append(reconcile::HeldEntry{
        reconcile::PoolKind::Trade, QStringLiteral("S001_T01_20261120_00000099"), {}, day});
    run.result.pool.billedAhead.append(reconcile::BilledAhead{
        reconcile::PoolKind::Refund, QStringLiteral("S001_T01_20261120_00000098"),
        QStringLiteral("S001_T01_20261120_00000098R1"), day});
    for (qsizetype i = 0; i < items.size(); ++i) {
        run.resolutions.append(reconcile::ItemResolution::Open);
        run.evidence.append(QString());
    }
    run.billSha256 =
        QStringLiteral("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    run.billFile = QStringLiteral("bills/alipay-2026-11-20.zip");
    run.atMs = atMs;
    return run;
}

// A run of `day` the provider had no bill of, matched as an empty bill: the ledger's side only
// (one payment held, `items` from older days' pool), no file, no hash.
inline reconcile::CompletedRun sampleNoBillRun(const QDate& day,
                                               const QList<reconcile::DifferenceItem>& items,
                                               qint64 atMs, Channel provider = Channel::Alipay) {
    reconcile::CompletedRun run = sampleRun(day, items, atMs, provider);
    run.state = reconcile::BatchState::NoBill;
    run.result.totals.provider = {};
    run.result.totals.fee = {};
    run.result.totals.matched = 0;
    run.result.pool.billedAhead.clear();
    run.billSha256.clear();
    run.billFile.clear();
    return run;
}

inline reconcile::LedgerScope sampleScope(Channel provider = Channel::Alipay) {
    return reconcile::LedgerScope{provider, QStringLiteral("2088000000000001")};
}

} // namespace qpos::test
