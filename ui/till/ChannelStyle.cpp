#include "ui/till/ChannelStyle.h"

#include <QCoreApplication>

namespace qpos::ui::channel_style {

QString colour(Channel channel) {
    switch (channel) {
    case Channel::Alipay:
        return QStringLiteral("#1677ff");
    case Channel::WeChat:
        return QStringLiteral("#07a35a");
    case Channel::Cash:
        return QStringLiteral("#8d6e00");
    }
    return QStringLiteral("#616161");
}

QString qrShortcut(Channel channel) {
    switch (channel) {
    case Channel::Alipay:
        return QStringLiteral("F1");
    case Channel::WeChat:
        return QStringLiteral("F2");
    case Channel::Cash:
        return QStringLiteral("F4");
    }
    return QString();
}

QString scanHint(Channel channel) {
    return channel == Channel::Alipay
               ? QCoreApplication::translate("qpos::ui::ChannelStyle",
                                             "Customer: open Alipay and tap Scan.")
               : QCoreApplication::translate("qpos::ui::ChannelStyle",
                                             "Customer: open WeChat and tap Scan.");
}

} // namespace qpos::ui::channel_style
