#include "ui/support/WindowFit.h"

#include <QLabel>
#include <QLayout>
#include <QWidget>

namespace qpos::ui {

void growToFit(QWidget* window) {
    QLayout* layout = window ? window->layout() : nullptr;
    if (!layout)
        return;
    layout->activate();
    const int width = window->width();
    const int needed = layout->hasHeightForWidth() ? layout->totalHeightForWidth(width)
                                                   : layout->totalSizeHint().height();
    if (needed > window->height())
        window->resize(width, needed);
}

void setTextAndFit(QLabel* label, const QString& text) {
    label->setText(text);
    growToFit(label->window());
}

} // namespace qpos::ui
