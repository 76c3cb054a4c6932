#pragma once

#include <QString>
#include <QStringView>

#include <array>
#include <cstddef>

namespace qpos::gateway {

// One provider code ("ACQ.TRADE_HAS_CLOSE", "ORDER_CLOSED") and the phrase that tells a
// cashier what it means, marked with QT_TRANSLATE_NOOP in the provider's own context.
struct CodeText {
    const char16_t* code;
    const char* text;
};

// The phrase for `code` in `table`, untranslated (the caller translates it in the context it
// was marked in); nullptr when the table has no such code.
template <std::size_t N>
const char* lookUpCodeText(const std::array<CodeText, N>& table, const QString& code) {
    for (const CodeText& entry : table) {
        if (code == QStringView(entry.code))
            return entry.text;
    }
    return nullptr;
}

} // namespace qpos::gateway
