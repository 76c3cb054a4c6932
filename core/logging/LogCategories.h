#pragma once

#include <QLoggingCategory>

// The project's logging categories, one per area. Enable debug output of one area with
// QT_LOGGING_RULES="qpos.store.debug=true" or [log] level.
Q_DECLARE_LOGGING_CATEGORY(lcStore)
Q_DECLARE_LOGGING_CATEGORY(lcCheckout)
Q_DECLARE_LOGGING_CATEGORY(lcAlipay)
Q_DECLARE_LOGGING_CATEGORY(lcWechat)
Q_DECLARE_LOGGING_CATEGORY(lcSync)
Q_DECLARE_LOGGING_CATEGORY(lcConfig)
Q_DECLARE_LOGGING_CATEGORY(lcUi)
Q_DECLARE_LOGGING_CATEGORY(lcSandbox)
Q_DECLARE_LOGGING_CATEGORY(lcServer)
