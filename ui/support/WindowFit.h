#pragma once

class QLabel;
class QString;
class QWidget;

namespace qpos::ui {

// Grows a shown dialog to the height its contents need at its present width, never shrinking
// it. A top-level layout sets the window's minimum size without the extra lines a
// word-wrapped label takes, so a message that appears after the dialog is shown would
// otherwise squeeze the fields above it until their text is cut.
void growToFit(QWidget* window);

// Sets a word-wrapped label's text and grows its window to show it whole.
void setTextAndFit(QLabel* label, const QString& text);

} // namespace qpos::ui
