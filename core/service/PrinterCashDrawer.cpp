#include "core/service/PrinterCashDrawer.h"

#include "core/service/PosService.h"

#include <QMetaObject>

namespace qpos::service {

PrinterCashDrawer::PrinterCashDrawer(PosService* service)
    : m_service(service) {}

Status PrinterCashDrawer::open() {
    // Called on the worker thread; the service and its printer belong to another.
    QPointer<PosService> service = m_service;
    QMetaObject::invokeMethod(
        service.data(),
        [service] {
            if (service)
                service->openDrawer(QString());
        },
        Qt::QueuedConnection);
    return Status();
}

} // namespace qpos::service
