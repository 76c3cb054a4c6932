#include "ui/orders/OrderLabels.h"

#include <QCoreApplication>

namespace qpos::ui {

QString transitionSourceLabel(TransitionSource source) {
    switch (source) {
    case TransitionSource::Cashier:
        return QCoreApplication::translate("qpos::ui::OrderLabels", "Till");
    case TransitionSource::Request:
        return QCoreApplication::translate("qpos::ui::OrderLabels", "Provider's answer");
    case TransitionSource::Poll:
        return QCoreApplication::translate("qpos::ui::OrderLabels", "Status query");
    case TransitionSource::Push:
        return QCoreApplication::translate("qpos::ui::OrderLabels", "Provider notification");
    case TransitionSource::Recovery:
        return QCoreApplication::translate("qpos::ui::OrderLabels", "Recovery at start-up");
    case TransitionSource::Reconcile:
        return QCoreApplication::translate("qpos::ui::OrderLabels", "Daily bill");
    case TransitionSource::Cash:
        return QCoreApplication::translate("qpos::ui::OrderLabels", "Cash at the till");
    }
    return transitionSourceName(source);
}

QString paymentFlowLabel(PaymentFlow flow) {
    switch (flow) {
    case PaymentFlow::QrCode:
        return QCoreApplication::translate("qpos::ui::OrderLabels", "Buyer scans the QR code");
    case PaymentFlow::PayByCode:
        return QCoreApplication::translate("qpos::ui::OrderLabels", "Buyer's payment code");
    case PaymentFlow::Cash:
        return QCoreApplication::translate("qpos::ui::OrderLabels", "Cash at the till");
    }
    return paymentFlowName(flow);
}

} // namespace qpos::ui
