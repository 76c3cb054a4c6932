#pragma once

#include "core/common/Result.h"
#include "core/gateways/GatewayOutcome.h"
#include "core/gateways/GatewayResult.h"

#include <QJsonObject>

#include <optional>
#include <utility>

namespace qpos::gateway {

// What every provider's reading of one call has; the provider's reply adds the verified
// answer's fields.
struct ProviderReply {
    // Set when there is no trustworthy answer: a transport failure, an HTTP status that says
    // nothing, or an answer that could not be verified or read.
    std::optional<Unknown> failure;
    // Worth repeating an idempotent call (transport failure, truncated body, provider busy).
    bool transient = false;

    bool verified() const { return !failure.has_value(); }
};

// A provider's reply that carries no answer, only why.
template <typename Reply>
Reply failedReply(Error reason, bool transient) {
    Reply reply;
    reply.failure = Unknown{std::move(reason)};
    reply.transient = transient;
    return reply;
}

// What the code of a verified answer means for the till, as the provider's classifier reads
// it (Alipay's code and sub_code, WeChat Pay's HTTP status and code).
struct CodeVerdict {
    OutcomeKind verdict = OutcomeKind::Unknown;
    bool transient = false; // worth repeating an idempotent call
    Refused refusal;        // for Refused
    InProgress progress;    // for InProgress
    Error unknownReason;    // for Unknown

    // Leaves the outcome open: only a later query tells what happened.
    void setUnknown(const char* code, const QString& message, bool isTransient) {
        verdict = OutcomeKind::Unknown;
        transient = isTransient;
        unknownReason = Error{QString::fromLatin1(code), message};
    }
};

// The outcome of a call that did not succeed: no trustworthy answer, or the verdict on the
// answer's code. A Success verdict the caller did not take is Unknown.
template <typename T>
GatewayResult<T> notSuccess(const ProviderReply& reply, const CodeVerdict& verdict,
                            const QJsonObject& fields) {
    using Result = GatewayResult<T>;
    if (reply.failure)
        return Result::unknown(*reply.failure);
    switch (verdict.verdict) {
    case OutcomeKind::InProgress:
        return Result::inProgress(verdict.progress, fields);
    case OutcomeKind::Refused:
        return Result::refused(verdict.refusal, fields);
    case OutcomeKind::Unknown:
    case OutcomeKind::Success:
        break;
    }
    return Result::unknown(verdict.unknownReason, fields);
}

} // namespace qpos::gateway
