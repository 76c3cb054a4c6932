#include "ui/till/ChannelStyle.h"

#include <QCoreApplication>

namespace qpos::ui::channel_style {

QString colour(Channel channel) {
    return channel == Channel::Alipay ? QStringLiteral("#1677ff") : QStringLiteral("#07a35a");
}

QString qrShortcut(Channel channel) {
    return channel == Channel::Alipay ? QStringLiteral("F1") : QStringLiteral("F2");
}

QString scanHint(Channel channel) {
    return channel == Channel::Alipay
               ? QCoreApplication::translate("qpos::ui::ChannelStyle",
                                             "Customer: open Alipay and tap Scan.")
               : QCoreApplication::translate("qpos::ui::ChannelStyle",
                                             "Customer: open WeChat and tap Scan.");
}

} // namespace qpos::ui::channel_style
