#include "core/logging/LogCategories.h"

namespace qpos {

Q_LOGGING_CATEGORY(lcStore, "qpos.store")
Q_LOGGING_CATEGORY(lcCheckout, "qpos.checkout")
Q_LOGGING_CATEGORY(lcAlipay, "qpos.gateway.alipay")
Q_LOGGING_CATEGORY(lcWechat, "qpos.gateway.wechat")
Q_LOGGING_CATEGORY(lcSync, "qpos.sync")
Q_LOGGING_CATEGORY(lcConfig, "qpos.config")
Q_LOGGING_CATEGORY(lcUi, "qpos.ui")
Q_LOGGING_CATEGORY(lcSandbox, "qpos.sandbox")
Q_LOGGING_CATEGORY(lcServer, "qpos.server")
Q_LOGGING_CATEGORY(lcCrypto, "qpos.crypto")
Q_LOGGING_CATEGORY(lcReconcile, "qpos.reconcile")
Q_LOGGING_CATEGORY(lcApp, "qpos.app")

} // namespace qpos
