#include "ui/till/StartupPanel.h"

#include "ui/till/TillStyle.h"

#include <QLabel>
#include <QProgressBar>
#include <QVBoxLayout>

namespace qpos::ui {

StartupPanel::StartupPanel(QWidget* parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("startupPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(48, 24, 48, 24);
    layout->addStretch(1);
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("startupTitle"));
    m_title->setWordWrap(true);
    m_title->setAlignment(Qt::AlignCenter);
    till_style::setPointSize(m_title, till_style::kHeadlinePt, true);
    layout->addWidget(m_title);
    m_busy = new QProgressBar(this);
    m_busy->setRange(0, 0); // busy: recovery does not know how long the providers take
    m_busy->setTextVisible(false);
    m_busy->setMaximumHeight(12);
    layout->addWidget(m_busy);
    m_detail = new QLabel(this);
    m_detail->setObjectName(QStringLiteral("startupDetail"));
    m_detail->setWordWrap(true);
    m_detail->setAlignment(Qt::AlignCenter);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    till_style::setPointSize(m_detail, till_style::kStatusPt);
    layout->addWidget(m_detail);
    layout->addStretch(2);
    showRecovering();
}

void StartupPanel::showRecovering() {
    m_error = false;
    m_title->setStyleSheet(QString());
    m_title->setText(tr("Recovering open orders…"));
    m_detail->setText(tr("Before the till opens, every payment left open by the last run is "
                         "checked with the payment provider."));
    m_busy->show();
}

void StartupPanel::showError(const QString& error) {
    m_error = true;
    m_title->setStyleSheet(QStringLiteral("color:#b00020;"));
    m_title->setText(tr("The till cannot take payments"));
    m_detail->setText(
        tr("%1\n\nNo sale can be made until this is fixed. Fix it, then start qpos again.")
            .arg(error));
    m_busy->hide();
}

QString StartupPanel::text() const {
    return m_title->text() + u'\n' + m_detail->text();
}

} // namespace qpos::ui
