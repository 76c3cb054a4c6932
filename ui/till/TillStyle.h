#pragma once

class QWidget;

namespace qpos::ui::till_style {

// Type sizes of the till, chosen to be read at arm's length on a 1024×768 screen.
inline constexpr int kAmountPt = 36;   // amounts the cashier and the customer check
inline constexpr int kHeadlinePt = 28; // PAID, page titles
inline constexpr int kStatusPt = 18;   // live status, messages that need reading
inline constexpr int kButtonPt = 16;   // charge buttons, keypad, inputs
inline constexpr int kBodyPt = 13;     // everything else

// Sets the point size (and weight) of `widget`'s font, keeping the family.
void setPointSize(QWidget* widget, int pointSize, bool bold = false);

} // namespace qpos::ui::till_style
