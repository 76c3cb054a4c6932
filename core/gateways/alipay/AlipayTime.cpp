#include "core/gateways/alipay/AlipayTime.h"

namespace qpos::alipay {

QString chinaBillDate(QDate date, bool month) {
    return date.toString(month ? QStringLiteral("yyyy-MM") : QStringLiteral("yyyy-MM-dd"));
}

} // namespace qpos::alipay
