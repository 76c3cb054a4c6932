#pragma once

#include "core/gateways/GatewayOutcome.h"

#include <QJsonObject>
#include <QMetaObject>
#include <QObject>

#include <functional>
#include <utility>
#include <variant>

namespace qpos::gateway {

// The typed result of one gateway call: a value on success, otherwise InProgress, Refused or
// Unknown (see OutcomeKind). Whatever the outcome, `providerFields()` holds the provider's
// raw answer fields that decided it (empty when there was no verified answer), for the
// order event (docs/architecture.md, "Order state machine").
template <typename T>
class [[nodiscard]] GatewayResult {
public:
    static GatewayResult success(T value, QJsonObject providerFields = {}) {
        return GatewayResult(std::in_place_index<0>, std::move(value), std::move(providerFields));
    }
    static GatewayResult inProgress(InProgress progress, QJsonObject providerFields = {}) {
        return GatewayResult(std::in_place_index<1>, std::move(progress),
                             std::move(providerFields));
    }
    static GatewayResult refused(Refused refusal, QJsonObject providerFields = {}) {
        return GatewayResult(std::in_place_index<2>, std::move(refusal), std::move(providerFields));
    }
    static GatewayResult unknown(Unknown unknown, QJsonObject providerFields = {}) {
        return GatewayResult(std::in_place_index<3>, std::move(unknown), std::move(providerFields));
    }
    static GatewayResult unknown(Error reason, QJsonObject providerFields = {}) {
        return unknown(Unknown{std::move(reason)}, std::move(providerFields));
    }

    // The same non-success outcome for another value type (a success has no counterpart).
    template <typename U>
    static GatewayResult from(const GatewayResult<U>& other) {
        switch (other.kind()) {
        case OutcomeKind::InProgress:
            return inProgress(other.inProgress(), other.providerFields());
        case OutcomeKind::Refused:
            return refused(other.refused(), other.providerFields());
        case OutcomeKind::Unknown:
        case OutcomeKind::Success:
            break;
        }
        return unknown(other.kind() == OutcomeKind::Unknown
                           ? other.unknown()
                           : Unknown{Error{QStringLiteral("gateway.internal"), QString()}},
                       other.providerFields());
    }

    OutcomeKind kind() const { return static_cast<OutcomeKind>(m_outcome.index()); }
    bool isSuccess() const { return kind() == OutcomeKind::Success; }
    bool isInProgress() const { return kind() == OutcomeKind::InProgress; }
    bool isRefused() const { return kind() == OutcomeKind::Refused; }
    bool isUnknown() const { return kind() == OutcomeKind::Unknown; }

    const T& value() const { return std::get<0>(m_outcome); }
    T& value() { return std::get<0>(m_outcome); }
    const InProgress& inProgress() const { return std::get<1>(m_outcome); }
    const Refused& refused() const { return std::get<2>(m_outcome); }
    const Unknown& unknown() const { return std::get<3>(m_outcome); }

    const QJsonObject& providerFields() const { return m_providerFields; }

    // One translated sentence for the cashier whatever the outcome (empty on success).
    QString cashierMessage() const {
        switch (kind()) {
        case OutcomeKind::InProgress:
            return inProgress().cashierMessage;
        case OutcomeKind::Refused:
            return refused().cashierMessage;
        case OutcomeKind::Unknown:
            return unknown().reason.message;
        case OutcomeKind::Success:
            break;
        }
        return {};
    }

private:
    using Outcome = std::variant<T, InProgress, Refused, Unknown>;
    // Builds the outcome in place: no temporary variant is moved (GCC 12 then warns about
    // the other alternatives being "maybe uninitialized" under the sanitizers).
    template <std::size_t Index, typename V>
    GatewayResult(std::in_place_index_t<Index> index, V&& outcome, QJsonObject providerFields)
        : m_outcome(index, std::forward<V>(outcome))
        , m_providerFields(std::move(providerFields)) {}

    Outcome m_outcome;
    QJsonObject m_providerFields;
};

// How a gateway hands a result back. See PaymentGateway for the delivery rules.
template <typename T>
using Completion = std::function<void(GatewayResult<T>)>;

// Hands `result` to `done` later from the event loop, in the context's thread, and only while
// the context lives (PaymentGateway's delivery rules).
template <typename T>
void deliverLater(QObject* context, Completion<T> done, GatewayResult<T> result) {
    QMetaObject::invokeMethod(
        context, [done = std::move(done), result = std::move(result)]() { done(result); },
        Qt::QueuedConnection);
}

} // namespace qpos::gateway
