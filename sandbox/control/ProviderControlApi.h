#pragma once

#include "core/common/Result.h"
#include "sandbox/control/ControlApiSupport.h"
#include "sandbox/http/HttpExchange.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>

namespace qpos::sandbox::control_api {

// What makes one provider's control API its own. The routes, under the provider's prefix, and
// how they answer are the same for both (docs/sandbox.md):
//   GET /                                   the overview
//   GET /<accounts>, POST /<accounts>       the registered apps or merchants; register one
//   GET /settings, POST /settings           the simulator's behaviour
//   GET /notifications                      what was sent to the shop
//   GET /trades, GET /trades/<no>           the trades (?<owner>=... narrows), one trade
//   POST /trades/<no>/<action>              the buyer acts on a trade
//   GET /<codes>/<token>, POST .../<action> the same by the token of its QR code
template <typename Simulator, typename Trade, typename Options, typename Attempt>
struct ProviderControl {
    using TradeAction = Result<Trade> (Simulator::*)(const QString& outTradeNo,
                                                     const QString& owner);
    using CodeAction = Result<Trade> (Simulator::*)(const QString& token);

    QString prefix;        // "/sandbox/alipay"
    QString ownerQueryKey; // the query item that names the app or merchant: "app_id", "mchid"
    // A refusal by the provider's own rules (ACQ.*, ORDERPAID...): a conflict, not bad input.
    bool (*isProviderRule)(const QString& code);

    QJsonObject (*overview)(const Simulator& simulator);
    QString accounts; // "apps", "merchants": also their key in the overview
    // Registers the account `body` describes and answers the request.
    void (*registerAccount)(Simulator& simulator, const HttpExchange& exchange,
                            const QJsonObject& body);

    Result<Options> (*applyOptions)(Options options, const QJsonObject& json);
    QJsonObject (*optionsJson)(const Options& options);
    QJsonObject (*notificationJson)(const Attempt& attempt);

    QJsonObject (*tradeJson)(const Trade& trade);
    QString noTrade; // %1: the order number
    QList<std::pair<QString, TradeAction>> tradeActions;
    QString codes; // "qr", "code"
    std::optional<Trade> (Simulator::*tradeByCode)(const QString& token) const;
    QString noCodeTrade;
    QList<std::pair<QString, CodeAction>> codeActions;
};

// Handles a request whose path starts with the provider's prefix.
template <typename Simulator, typename Trade, typename Options, typename Attempt>
void handleProviderRequest(Simulator& sim, const HttpExchange& ex,
                           const ProviderControl<Simulator, Trade, Options, Attempt>& c) {
    const ControlRequest r = readRequest(ex, c.prefix, c.ownerQueryKey);
    const QStringList& parts = r.parts;
    auto refuse = [&c](const HttpExchange& e, const Error& error) {
        replyRefusal(e, error, c.isProviderRule(error.code));
    };
    auto replyTrade = [&ex, &c, &refuse](const Result<Trade>& trade) {
        if (!trade)
            refuse(ex, trade.error());
        else
            replyObject(ex, 200, c.tradeJson(*trade));
    };
    auto replyFound = [&ex, &c](const std::optional<Trade>& trade, const QString& missing) {
        if (trade)
            replyObject(ex, 200, c.tradeJson(*trade));
        else
            replyError(ex, 404, QStringLiteral("sandbox.not_found"), missing);
    };

    if (parts.isEmpty() && r.get)
        return replyObject(ex, 200, c.overview(sim));
    if (r.area == c.accounts && parts.size() == 1) {
        if (r.get)
            return replyObject(ex, 200,
                               QJsonObject{{c.accounts, c.overview(sim).value(c.accounts)}});
        if (r.post) {
            const std::optional<QJsonObject> body = bodyObject(ex);
            if (!body)
                return;
            return c.registerAccount(sim, ex, *body);
        }
    }
    if (r.area == u"settings" && parts.size() == 1 && (r.get || r.post))
        return handleSettings(sim, ex, c.applyOptions, c.optionsJson, refuse);
    if (r.area == u"notifications" && parts.size() == 1 && r.get)
        return replyList(ex, QStringLiteral("notifications"), sim.notifications(),
                         c.notificationJson);
    if (r.area == u"trades") {
        if (parts.size() == 1 && r.get)
            return replyList(ex, QStringLiteral("trades"), sim.trades(r.owner), c.tradeJson);
        const QString no = parts.value(1);
        if (parts.size() == 2 && r.get)
            return replyFound(sim.trade(no, r.owner), c.noTrade.arg(no));
        if (parts.size() == 3 && r.post) {
            for (const auto& [name, action] : c.tradeActions) {
                if (parts.value(2) == name)
                    return replyTrade((sim.*action)(no, r.owner));
            }
        }
    }
    if (r.area == c.codes && parts.size() >= 2) {
        const QString token = parts.value(1);
        if (parts.size() == 2 && r.get)
            return replyFound((sim.*c.tradeByCode)(token), c.noCodeTrade);
        if (parts.size() == 3 && r.post) {
            for (const auto& [name, action] : c.codeActions) {
                if (parts.value(2) == name)
                    return replyTrade((sim.*action)(token));
            }
        }
    }
    replyNoEndpoint(ex);
}

} // namespace qpos::sandbox::control_api
