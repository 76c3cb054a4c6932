#include "sandbox/faults/FaultPlan.h"

namespace qpos::sandbox {

FaultPlan::FaultPlan(quint32 seed)
    : m_random(seed) {}

void FaultPlan::setSeed(quint32 seed) {
    m_random.seed(seed);
}

int FaultPlan::add(FaultRule rule) {
    rule.id = m_nextId++;
    m_rules.append(rule);
    return rule.id;
}

bool FaultPlan::remove(int id) {
    return m_rules.removeIf([id](const FaultRule& r) { return r.id == id; }) > 0;
}

void FaultPlan::clear() {
    m_rules.clear();
}

std::optional<FaultRule> FaultPlan::take(FaultKind kind, const QString& provider,
                                         const QString& method) {
    for (qsizetype i = 0; i < m_rules.size(); ++i) {
        FaultRule& rule = m_rules[i];
        if (rule.kind != kind || !rule.matches(provider, method))
            continue;
        if (std::optional<FaultRule> fired = takeAt(i))
            return fired;
    }
    return std::nullopt;
}

std::optional<FaultRule> FaultPlan::takeBill(FaultKind kind, const QString& provider,
                                             const QDate& date, qint64 nowMs) {
    for (qsizetype i = 0; i < m_rules.size(); ++i) {
        const FaultRule& rule = m_rules[i];
        if (rule.kind != kind || rule.provider != provider || rule.billDate != date)
            continue;
        if (kind == FaultKind::BillNotReady && rule.untilMs <= nowMs) {
            m_rules.removeAt(i--);
            continue;
        }
        if (std::optional<FaultRule> fired = takeAt(i))
            return fired;
    }
    return std::nullopt;
}

// Rolls the rule's probability; when it fires, counts it as used.
std::optional<FaultRule> FaultPlan::takeAt(qsizetype index) {
    FaultRule& rule = m_rules[index];
    if (rule.probability < 1.0 && m_random.generateDouble() >= rule.probability)
        return std::nullopt;
    const FaultRule fired = rule;
    if (rule.remaining > 0 && --rule.remaining == 0)
        m_rules.removeAt(index);
    return fired;
}

bool FaultPlan::has(FaultKind kind, const QString& provider) const {
    for (const FaultRule& rule : m_rules) {
        if (rule.kind == kind && rule.provider == provider)
            return true;
    }
    return false;
}

} // namespace qpos::sandbox
