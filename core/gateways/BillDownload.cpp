#include "core/gateways/BillDownload.h"

#include <QNetworkReply>

namespace qpos::gateway {

void fetchBillFile(HttpCallRunner& calls, const std::shared_ptr<BillDownload>& download,
                   const BillFile& file, const std::function<HttpFailure(int)>& statusFailure,
                   qint64 maxBytes, const QString& name, std::function<void()> again) {
    auto end = [&calls, download, name,
                again = std::move(again)](bool transient, GatewayResult<ProviderBill> result) {
        calls.retryOrDeliver(download, transient, std::move(result), name, again);
    };
    calls.fetch(
        file.request, QStringLiteral("bill download"), download->clock, maxBytes,
        [&calls, end, file, statusFailure](std::optional<HttpFailure> failure,
                                           QNetworkReply* reply) {
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (!failure && (status < 200 || status >= 300))
                failure = statusFailure ? statusFailure(status) : calls.statusFailure(status);
            if (failure) {
                end(failure->transient, GatewayResult<ProviderBill>::unknown(failure->reason));
                return;
            }
            QByteArray bytes = reply->readAll();
            if (file.unpack) {
                Result<QByteArray> content = file.unpack(bytes);
                if (!content) {
                    end(true, GatewayResult<ProviderBill>::unknown(content.error()));
                    return;
                }
                bytes = std::move(*content);
            }
            Result<ProviderBill> bill = file.parse(bytes);
            if (!bill) {
                end(false, GatewayResult<ProviderBill>::unknown(bill.error()));
                return;
            }
            end(false, GatewayResult<ProviderBill>::success(std::move(*bill)));
        });
}

} // namespace qpos::gateway
