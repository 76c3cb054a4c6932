#include "core/gateways/alipay/AlipayBillUrl.h"

#include <algorithm>

namespace qpos::alipay {

const QStringList& alipayBillHttpHosts() {
    static const QStringList hosts{QStringLiteral("dwbillcenter.alipay.com")};
    return hosts;
}

bool isAllowedBillUrl(const QUrl& url, const QStringList& extraHttpHosts) {
    if (!url.isValid() || url.host().isEmpty() || !url.userInfo().isEmpty())
        return false;
    if (url.scheme() == u"https")
        return true;
    if (url.scheme() != u"http")
        return false;
    const QString host = url.host();
    auto named = [&host](const QStringList& hosts) {
        return std::any_of(hosts.cbegin(), hosts.cend(), [&host](const QString& allowed) {
            return host.compare(allowed, Qt::CaseInsensitive) == 0;
        });
    };
    return named(alipayBillHttpHosts()) || named(extraHttpHosts);
}

} // namespace qpos::alipay
