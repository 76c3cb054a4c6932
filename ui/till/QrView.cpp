#include "ui/till/QrView.h"

#include "ui/till/QrImage.h"

#include <QPainter>

#include <algorithm>

namespace qpos::ui {

namespace {

// Large enough for a phone at a counter's distance (and at least 300 px on a 1024×768 till).
constexpr int kMinimumSidePx = 300;

} // namespace

QrView::QrView(QWidget* parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("paymentQr"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setAccessibleName(tr("Payment QR code"));
}

Status QrView::setText(const QString& text) {
    Result<qr::QrCode> code = qr::QrCode::encode(text);
    if (!code) {
        clear();
        return code.error();
    }
    m_code = std::move(code).value();
    render();
    update();
    return {};
}

void QrView::clear() {
    m_code.reset();
    m_image = QImage();
    update();
}

QSize QrView::sizeHint() const {
    return {480, 480};
}

QSize QrView::minimumSizeHint() const {
    return {kMinimumSidePx, kMinimumSidePx};
}

void QrView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), Qt::white);
    if (m_image.isNull())
        return;
    const QSizeF shown = m_image.deviceIndependentSize();
    const QPointF topLeft((width() - shown.width()) / 2.0, (height() - shown.height()) / 2.0);
    painter.drawImage(topLeft.toPoint(), m_image);
}

void QrView::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    render();
}

void QrView::render() {
    if (!m_code) {
        m_image = QImage();
        return;
    }
    const qreal ratio = devicePixelRatioF();
    const int side = std::min(width(), height());
    if (side <= 0) {
        m_image = QImage();
        return;
    }
    // Rendered in device pixels: whole device pixels per module on a HiDPI screen too.
    m_image = renderQrImage(*m_code, static_cast<int>(side * ratio));
    m_image.setDevicePixelRatio(ratio);
}

} // namespace qpos::ui
