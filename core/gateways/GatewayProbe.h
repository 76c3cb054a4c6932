#pragma once

#include "core/gateways/GatewayAnswers.h"
#include "core/gateways/GatewayResult.h"
#include "core/orders/Channel.h"

#include <QString>

#include <functional>

class QObject;

namespace qpos::gateway {

class PaymentGateway;

// What a probe of a provider found (the doctor command's gateway check).
enum class ProbeVerdict {
    Ok,            // the provider accepted our signature and its answer verified
    Unreachable,   // no answer: network, DNS, TLS, proxy, firewall or the provider is down
    OurKeyRefused, // the provider refused our signature: our private key does not match the
                   // public key registered with the provider
    TheirKeyWrong, // an answer came but its signature did not verify with the configured
                   // provider public key (or certificate)
    AppUnknown,    // the provider does not know the configured app id
    Refused,       // another refusal (permissions, contract, parameters)
    Inconclusive,  // an answer that says nothing about the keys (provider busy, malformed)
};

// Stable machine names: "ok", "unreachable", "our_key_refused", "their_key_wrong",
// "app_unknown", "refused", "inconclusive".
QString probeVerdictName(ProbeVerdict verdict);

struct ProbeResult {
    ProbeVerdict verdict = ProbeVerdict::Inconclusive;
    QString message; // translated: what was found and what to do
    QString detail;  // the error code and the provider's or transport's own words, for IT
    qint64 elapsedMs = 0;
};

// A fresh order number nobody ever used ("QPOSPROBE" + random digits), for a harmless query.
QString probeOrderNumber();

// Reads a query answer for a never-used order number: Alipay answers a signed "trade does
// not exist" when our key is accepted, refuses unsigned with isv.invalid-signature when it is
// not, and any answer that fails verification means the configured provider key is wrong.
ProbeResult classifyProbe(Channel channel, const GatewayResult<TradeSnapshot>& result);

// Queries `gateway` about probeOrderNumber() and reports the verdict through `done` (called
// once, in the thread of `context`, as the gateway's completions are). Moves no money and
// creates nothing at the provider.
void probeGateway(PaymentGateway& gateway, QObject* context,
                  std::function<void(const ProbeResult&)> done);

} // namespace qpos::gateway
