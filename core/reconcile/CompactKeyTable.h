#pragma once

#include <QHashFunctions>
#include <QStringView>
#include <QtGlobal>

#include <cstdint>
#include <string>
#include <vector>

namespace qpos::reconcile {

// A hash table from a string key (out_trade_no, a refund's request number) to a small value,
// built for a million entries: the keys' characters live in one array, each entry is the
// value and the key's place in it, and the slots are 32-bit entry numbers (open addressing,
// linear probing, at most half full). About 40 bytes an entry plus the key, where a
// QHash<QString, T> costs several times that. Entries are never removed.
template <typename Value>
class CompactKeyTable {
public:
    struct Entry {
        quint32 keyOffset = 0;
        quint32 keyLength = 0;
        Value value;
    };

    qsizetype size() const { return static_cast<qsizetype>(m_entries.size()); }
    void reserve(qsizetype count) {
        m_entries.reserve(static_cast<std::size_t>(count));
        if (static_cast<std::size_t>(count) * 2 > m_slots.size())
            rehash(slotCountFor(count));
    }

    // The entry of `key`, or nullptr.
    Value* find(QStringView key) {
        if (m_slots.empty())
            return nullptr;
        const std::size_t mask = m_slots.size() - 1;
        for (std::size_t i = qHash(key) & mask;; i = (i + 1) & mask) {
            const quint32 slot = m_slots[i];
            if (slot == 0)
                return nullptr;
            Entry& entry = m_entries[slot - 1];
            if (sameKey(entry, key))
                return &entry.value;
        }
    }

    // Adds `key` with `value` unless it is there; returns the entry's value either way and
    // whether it was added.
    std::pair<Value*, bool> insert(QStringView key, const Value& value) {
        if (Value* existing = find(key))
            return {existing, false};
        if ((m_entries.size() + 1) * 2 > m_slots.size())
            rehash(slotCountFor(static_cast<qsizetype>(m_entries.size()) + 1));
        Entry entry{static_cast<quint32>(m_keys.size()), static_cast<quint32>(key.size()), value};
        m_keys.insert(m_keys.end(), key.utf16(), key.utf16() + key.size());
        m_entries.push_back(entry);
        place(m_entries.size());
        return {&m_entries.back().value, true};
    }

    // Every entry in insertion order, with its key.
    template <typename Visit>
    void forEach(Visit visit) {
        for (Entry& entry : m_entries)
            visit(keyOf(entry), entry.value);
    }

private:
    // Compared inline: the lookup of every bill line ends here.
    bool sameKey(const Entry& entry, QStringView key) const {
        return entry.keyLength == static_cast<quint32>(key.size()) &&
               std::char_traits<char16_t>::compare(m_keys.data() + entry.keyOffset, key.utf16(),
                                                   entry.keyLength) == 0;
    }

    QStringView keyOf(const Entry& entry) const {
        return QStringView(m_keys.data() + entry.keyOffset, qsizetype(entry.keyLength));
    }

    static std::size_t slotCountFor(qsizetype count) {
        std::size_t n = 16;
        while (n < static_cast<std::size_t>(count) * 2)
            n *= 2;
        return n;
    }

    void place(std::size_t entryNumber) {
        const std::size_t mask = m_slots.size() - 1;
        std::size_t i = qHash(keyOf(m_entries[entryNumber - 1])) & mask;
        while (m_slots[i] != 0)
            i = (i + 1) & mask;
        m_slots[i] = static_cast<quint32>(entryNumber);
    }

    void rehash(std::size_t slotCount) {
        m_slots.assign(slotCount, 0);
        for (std::size_t n = 1; n <= m_entries.size(); ++n)
            place(n);
    }

    std::vector<char16_t> m_keys;
    std::vector<Entry> m_entries;
    std::vector<quint32> m_slots;
};

} // namespace qpos::reconcile
