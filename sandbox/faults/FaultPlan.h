#pragma once

#include "sandbox/faults/FaultRule.h"

#include <QList>
#include <QRandomGenerator>

#include <initializer_list>
#include <optional>

namespace qpos::sandbox {

// The faults currently asked for. A rule fires on the requests (or notifications) it
// matches, with its probability, until its count is used up; then it is gone.
class FaultPlan {
public:
    explicit FaultPlan(quint32 seed = QRandomGenerator::global()->generate());

    // Same seed, same sequence of probabilistic decisions: for reproducible runs.
    void setSeed(quint32 seed);

    int add(FaultRule rule); // returns the id given to it
    bool remove(int id);
    void clear();
    QList<FaultRule> rules() const { return m_rules; }

    // The first rule of `kind` that fires for this event, counting it as used.
    std::optional<FaultRule> take(FaultKind kind, const QString& provider, const QString& method);
    // The first bill fault of `kind` for the provider's bill of the China date `date` that
    // fires, counting it as used. A bill_not_ready rule whose time has come (`nowMs`) is gone.
    std::optional<FaultRule> takeBill(FaultKind kind, const QString& provider, const QDate& date,
                                      qint64 nowMs);
    // Whether any rule of `kind` could still fire (without using it).
    bool has(FaultKind kind, const QString& provider) const;

private:
    std::optional<FaultRule> takeAt(qsizetype index);

    QList<FaultRule> m_rules;
    QRandomGenerator m_random;
    int m_nextId = 1;
};

} // namespace qpos::sandbox
