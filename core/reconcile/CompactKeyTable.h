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
// value and the key's place in it, and the slots are 32-bit (open addressing, linear probing,
// at most half full). About 40 bytes an entry plus the key, where a QHash<QString, T> costs
// several times that. Entries are never removed.
//
// A slot holds its entry's number in the low bits, the ones the slot's own index was taken
// from, and the key's hash in the bits above them: a probe reads an entry (and its key, both
// far away in memory) only when that part of the hash matches, so nearly never for another
// key. A table of 2^k slots numbers entries in k bits and keeps 32 - k bits of hash.
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
        const quint32 entry = m_slots[probe(key, qHash(key))];
        return entry == 0 ? nullptr : &m_entries[(entry & m_mask) - 1].value;
    }

    // Adds `key` with `value` unless it is there; returns the entry's value either way and
    // whether it was added. The key is hashed once.
    std::pair<Value*, bool> insert(QStringView key, const Value& value) {
        if (m_slots.empty())
            rehash(slotCountFor(1));
        const std::size_t hash = qHash(key);
        std::size_t slot = probe(key, hash);
        if (m_slots[slot] != 0)
            return {&m_entries[(m_slots[slot] & m_mask) - 1].value, false};
        if ((m_entries.size() + 1) * 2 > m_slots.size()) {
            rehash(slotCountFor(static_cast<qsizetype>(m_entries.size()) + 1));
            slot = freeSlot(hash);
        }
        if (m_keys.empty())
            reserveKeys(key.size());
        Entry entry{static_cast<quint32>(m_keys.size()), static_cast<quint32>(key.size()), value};
        m_keys.insert(m_keys.end(), key.utf16(), key.utf16() + key.size());
        m_entries.push_back(entry);
        m_slots[slot] = slotOf(m_entries.size(), hash);
        return {&m_entries.back().value, true};
    }

    // Every entry in insertion order, with its key.
    template <typename Visit>
    void forEach(Visit visit) {
        for (Entry& entry : m_entries)
            visit(keyOf(entry), entry.value);
    }

private:
    // The slot of `key`, or the free slot where it would go.
    std::size_t probe(QStringView key, std::size_t hash) const {
        const quint32 tag = static_cast<quint32>(hash) & ~m_mask;
        for (std::size_t i = hash & m_mask;; i = (i + 1) & m_mask) {
            const quint32 slot = m_slots[i];
            if (slot == 0)
                return i;
            if ((slot & ~m_mask) == tag && sameKey(m_entries[(slot & m_mask) - 1], key))
                return i;
        }
    }

    std::size_t freeSlot(std::size_t hash) const {
        std::size_t i = hash & m_mask;
        while (m_slots[i] != 0)
            i = (i + 1) & m_mask;
        return i;
    }

    // Entry numbers stay below the slot count (the table is at most half full), so they fit
    // the mask's bits.
    quint32 slotOf(std::size_t entryNumber, std::size_t hash) const {
        return static_cast<quint32>(entryNumber) | (static_cast<quint32>(hash) & ~m_mask);
    }

    // Compared inline: the lookup of every bill line ends here.
    bool sameKey(const Entry& entry, QStringView key) const {
        return entry.keyLength == static_cast<quint32>(key.size()) &&
               std::char_traits<char16_t>::compare(m_keys.data() + entry.keyOffset, key.utf16(),
                                                   entry.keyLength) == 0;
    }

    QStringView keyOf(const Entry& entry) const {
        return QStringView(m_keys.data() + entry.keyOffset, qsizetype(entry.keyLength));
    }

    // Room for the keys of the entries reserved, guessed from the first key: a ledger's keys
    // are mostly of one length, and capacity never written costs no memory. Growing the array
    // instead would copy it, with the old and the new copy held at once.
    void reserveKeys(qsizetype firstKeyLength) {
        m_keys.reserve(m_entries.capacity() * static_cast<std::size_t>(firstKeyLength));
    }

    static std::size_t slotCountFor(qsizetype count) {
        std::size_t n = 16;
        while (n < static_cast<std::size_t>(count) * 2)
            n *= 2;
        return n;
    }

    void rehash(std::size_t slotCount) {
        m_slots.assign(slotCount, 0);
        m_mask = static_cast<quint32>(slotCount - 1);
        for (std::size_t n = 1; n <= m_entries.size(); ++n) {
            const std::size_t hash = qHash(keyOf(m_entries[n - 1]));
            m_slots[freeSlot(hash)] = slotOf(n, hash);
        }
    }

    std::vector<char16_t> m_keys;
    std::vector<Entry> m_entries;
    std::vector<quint32> m_slots;
    quint32 m_mask = 0; // slot count - 1
};

} // namespace qpos::reconcile
