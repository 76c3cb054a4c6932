#include "core/gateways/BillDownload.h"

#include <QCryptographicHash>
#include <QNetworkReply>

namespace qpos::gateway {

void fetchBillFile(HttpCallRunner& calls, const std::shared_ptr<BillDownload>& download,
                   const BillFile& file, const std::function<HttpFailure(int)>& statusFailure,
                   qint64 maxBytes, const QString& name, std::function<void()> again) {
    auto end = [&calls, download, name,
                again = std::move(again)](bool transient, GatewayResult<DownloadedBill> result) {
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
                end(failure->transient, GatewayResult<DownloadedBill>::unknown(failure->reason));
                return;
            }
            DownloadedBill downloaded;
            downloaded.file = reply->readAll();
            downloaded.fileSha256Hex =
                QCryptographicHash::hash(downloaded.file, QCryptographicHash::Sha256).toHex();
            QByteArray content = downloaded.file;
            if (file.unpack) {
                Result<QByteArray> unpacked = file.unpack(content);
                if (!unpacked) {
                    end(true, GatewayResult<DownloadedBill>::unknown(unpacked.error()));
                    return;
                }
                content = std::move(*unpacked);
            }
            Result<ProviderBill> bill = file.parse(content);
            if (!bill) {
                end(false, GatewayResult<DownloadedBill>::unknown(bill.error()));
                return;
            }
            downloaded.bill = std::move(*bill);
            end(false, GatewayResult<DownloadedBill>::success(std::move(downloaded)));
        });
}

} // namespace qpos::gateway
