#pragma once

#include "core/common/Result.h"
#include "core/qr/QrCode.h"

#include <QImage>
#include <QString>
#include <QWidget>

#include <optional>

namespace qpos::ui {

// The payment QR, as large as the widget allows, always square, every module a whole number
// of pixels (rendered again at each size instead of scaled, so the edges stay sharp for the
// buyer's camera).
class QrView : public QWidget {
    Q_OBJECT

public:
    explicit QrView(QWidget* parent = nullptr);

    // Shows the QR of `text`; on failure (text too long) shows nothing.
    Status setText(const QString& text);
    void clear();
    bool hasCode() const { return m_code.has_value(); }
    // The image as shown now (null when there is no code or the widget has no size yet).
    QImage image() const { return m_image; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void render();

    std::optional<qr::QrCode> m_code;
    QImage m_image;
};

} // namespace qpos::ui
