#include "ctl/StoreAccess.h"

#include "ctl/CtlOutput.h"

#include <QCoreApplication>
#include <QFileInfo>

namespace qpos::ctl {

bool databaseExists(const AppConfig& config) {
    return QFileInfo::exists(config.database.path);
}

std::unique_ptr<OrderStore> openOrderStore(const AppConfig& config, const CtlOutput& out,
                                           bool create) {
    if (!create && !databaseExists(config)) {
        out.error(QCoreApplication::translate("qpos::ctl",
                                              "The order database %1 does not exist yet (the "
                                              "till creates it at its first start).")
                      .arg(config.database.path));
        return nullptr;
    }
    auto store =
        std::make_unique<OrderStore>(OrderStoreOptions{config.store.id, config.terminal.id, {}});
    if (Status s = store->open(config.database.path); !s.ok()) {
        out.error(s.error().message);
        return nullptr;
    }
    return store;
}

} // namespace qpos::ctl
