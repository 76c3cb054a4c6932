#include "ui/till/NoticeBar.h"

#include "ui/till/TillStyle.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace qpos::ui {

NoticeBar::NoticeBar(QWidget* parent)
    : QFrame(parent) {
    setObjectName(QStringLiteral("noticeBar"));
    setStyleSheet(QStringLiteral("QFrame#noticeBar{background:#fff4e5;border:1px solid #e0a040;}"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(12, 6, 12, 6);
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("noticeText"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    till_style::setPointSize(m_text, till_style::kBodyPt);
    layout->addWidget(m_text, 1);
    auto* dismiss = new QPushButton(tr("Dismiss"), this);
    dismiss->setObjectName(QStringLiteral("noticeDismiss"));
    dismiss->setAutoDefault(false);
    dismiss->setFocusPolicy(Qt::NoFocus);
    layout->addWidget(dismiss, 0, Qt::AlignTop);
    connect(dismiss, &QPushButton::clicked, this, &QWidget::hide);
    hide();
}

void NoticeBar::showNotice(const QString& text) {
    m_text->setText(text);
    setVisible(!text.isEmpty());
}

QString NoticeBar::text() const {
    return m_text->text();
}

} // namespace qpos::ui
