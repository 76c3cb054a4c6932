#pragma once

#include "core/common/Result.h"
#include "core/gateways/DownloadedBill.h"
#include "core/gateways/GatewayRequests.h"
#include "core/gateways/GatewayResult.h"
#include "core/gateways/HttpCallRunner.h"
#include "core/gateways/ProviderBill.h"

#include <QByteArray>
#include <QNetworkRequest>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <utility>

namespace qpos::gateway {

// Where a bill's file is, and how the provider reads it.
struct BillFile {
    QNetworkRequest request;
    // The file's content, unpacked and checked whole (WeChat Pay: gunzip, then the digest
    // of the unpacked bill); a problem is worth fetching the file again. Empty: the file as
    // it came.
    std::function<Result<QByteArray>(const QByteArray& file)> unpack;
    // The bill in the checked content; a problem is final.
    std::function<Result<ProviderBill>(const QByteArray& content)> parse;
};

// A provider's two steps to a bill: an API call that answers where the file is, then the
// file.
template <typename Reply, typename Link>
struct BillSteps {
    HttpCall<Reply> linkCall; // runs within the download's deadline
    std::function<GatewayResult<Link>(const Reply& reply)> readLink;
    // The file a successful link answer points at, or why the till does not follow the link
    // (an Unknown, not repeated).
    std::function<GatewayResult<BillFile>(const GatewayResult<Link>& link)> fileOf;
    // Whether a refusal of the link call is the provider saying it has no bill (yet); empty:
    // none is.
    std::function<std::optional<BillAvailability>(const Refused& refusal)> availabilityOf;
    // What an HTTP status of the file other than 2xx means; empty: the runner's
    // statusFailure().
    std::function<HttpFailure(int status)> fileStatusFailure;
    qint64 maxFileBytes = 0;
};

using BillDownload = RetriedOperation<BillRequest, DownloadedBill>;

// Fetches `file` and ends the attempt of `download` named `name` with the bill, the file's
// bytes and their SHA-256, or why not;
// `again` is the next attempt, for a transient failure the policy leaves time for.
void fetchBillFile(HttpCallRunner& calls, const std::shared_ptr<BillDownload>& download,
                   const BillFile& file, const std::function<HttpFailure(int)>& statusFailure,
                   qint64 maxBytes, const QString& name, std::function<void()> again);

namespace bill_download {

template <typename Reply, typename Link>
void attempt(HttpCallRunner& calls, const std::shared_ptr<BillDownload>& download,
             const std::shared_ptr<const BillSteps<Reply, Link>>& steps) {
    ++download->attempt;
    const QString name = steps->linkCall.name;
    std::function<void()> again = [&calls, download, steps] {
        attempt(calls, download, steps);
    };
    calls.run<Reply>(steps->linkCall, [&calls, download, steps, name, again](const Reply& reply) {
        const GatewayResult<Link> link = steps->readLink(reply);
        if (link.isRefused() && steps->availabilityOf) {
            if (const std::optional<BillAvailability> availability =
                    steps->availabilityOf(link.refused())) {
                DownloadedBill none;
                none.availability = *availability;
                none.providerCode =
                    link.refused().subCode.isEmpty() ? link.refused().code : link.refused().subCode;
                none.message = link.refused().cashierMessage;
                calls.retryOrDeliver(
                    download, false,
                    GatewayResult<DownloadedBill>::success(std::move(none), link.providerFields()),
                    name, again);
                return;
            }
        }
        if (!link.isSuccess()) {
            calls.retryOrDeliver(download, reply.transient,
                                 GatewayResult<DownloadedBill>::from(link), name, again);
            return;
        }
        const GatewayResult<BillFile> file = steps->fileOf(link);
        if (!file.isSuccess()) {
            calls.retryOrDeliver(download, false, GatewayResult<DownloadedBill>::from(file), name,
                                 again);
            return;
        }
        fetchBillFile(calls, download, file.value(), steps->fileStatusFailure, steps->maxFileBytes,
                      name, again);
    });
}

} // namespace bill_download

// Downloads a bill: the link, then the file, retried as a whole within one deadline (a link
// lives only briefly), and delivered once to `context` (no context: the runner). A bill the
// provider has not made yet, or has none of, is a success whose availability says so.
template <typename Reply, typename Link>
void runBillDownload(HttpCallRunner& calls, const BillRequest& request, QObject* context,
                     Completion<DownloadedBill> done, BillSteps<Reply, Link> steps) {
    auto download =
        std::make_shared<BillDownload>(request, context ? context : &calls, std::move(done));
    steps.linkCall.sharedClock = download->clock;
    bill_download::attempt<Reply, Link>(
        calls, download, std::make_shared<const BillSteps<Reply, Link>>(std::move(steps)));
}

} // namespace qpos::gateway
