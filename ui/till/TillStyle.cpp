#include "ui/till/TillStyle.h"

#include <QFont>
#include <QWidget>

namespace qpos::ui::till_style {

void setPointSize(QWidget* widget, int pointSize, bool bold) {
    QFont font = widget->font();
    font.setPointSize(pointSize);
    font.setBold(bold);
    widget->setFont(font);
}

} // namespace qpos::ui::till_style
