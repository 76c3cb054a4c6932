#pragma once

#include <QLoggingCategory>

namespace qpos {

// The project's logging categories, one per area. Enable debug output of one area with
// QT_LOGGING_RULES="qpos.store.debug=true"; [log] level decides what reaches the log file.
Q_DECLARE_LOGGING_CATEGORY(lcStore)     // qpos.store
Q_DECLARE_LOGGING_CATEGORY(lcCheckout)  // qpos.checkout
Q_DECLARE_LOGGING_CATEGORY(lcAlipay)    // qpos.gateway.alipay
Q_DECLARE_LOGGING_CATEGORY(lcWechat)    // qpos.gateway.wechat
Q_DECLARE_LOGGING_CATEGORY(lcSync)      // qpos.sync
Q_DECLARE_LOGGING_CATEGORY(lcConfig)    // qpos.config
Q_DECLARE_LOGGING_CATEGORY(lcUi)        // qpos.ui
Q_DECLARE_LOGGING_CATEGORY(lcSandbox)   // qpos.sandbox
Q_DECLARE_LOGGING_CATEGORY(lcServer)    // qpos.server
Q_DECLARE_LOGGING_CATEGORY(lcCrypto)    // qpos.crypto
Q_DECLARE_LOGGING_CATEGORY(lcReconcile) // qpos.reconcile
Q_DECLARE_LOGGING_CATEGORY(lcApp)       // qpos.app: start-up, shutdown, wiring

} // namespace qpos
