#include "ui/till/AmountEntry.h"

#include "ui/till/TillStyle.h"

#include <QEvent>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QRegularExpressionValidator>
#include <QVBoxLayout>

namespace qpos::ui {

AmountEntry::AmountEntry(QWidget* parent)
    : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);

    auto* label = new QLabel(tr("&Amount (yuan)"), this);
    till_style::setPointSize(label, till_style::kBodyPt);
    layout->addWidget(label);

    m_edit = new QLineEdit(this);
    m_edit->setObjectName(QStringLiteral("amountEdit"));
    m_edit->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_edit->setPlaceholderText(QStringLiteral("0.00"));
    m_edit->setInputMethodHints(Qt::ImhFormattedNumbersOnly | Qt::ImhNoPredictiveText);
    // Only what an amount can hold gets in; what is wrong with it is parseYuan's to say.
    m_edit->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[0-9.]*")), m_edit));
    till_style::setPointSize(m_edit, till_style::kAmountPt, true);
    m_edit->installEventFilter(this);
    label->setBuddy(m_edit);
    layout->addWidget(m_edit);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("amountError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color:#b00020;"));
    till_style::setPointSize(m_error, till_style::kBodyPt + 1, true);
    m_error->setMinimumHeight(m_error->fontMetrics().height() * 2);
    m_error->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    layout->addWidget(m_error);

    // textChanged, not textEdited: a scanner burst's digits are taken back with setText().
    connect(m_edit, &QLineEdit::textChanged, this, [this] {
        refreshError();
        emit amountEdited();
    });
    connect(m_edit, &QLineEdit::returnPressed, this, &AmountEntry::submitted);
}

QString AmountEntry::text() const {
    return m_edit->text();
}

void AmountEntry::setText(const QString& text) {
    m_edit->setText(text);
}

void AmountEntry::clear() {
    if (m_fixed)
        return;
    m_edit->clear();
}

std::optional<money::Fen> AmountEntry::amountFen() const {
    const Result<money::Fen> parsed = money::parseYuan(m_edit->text());
    if (!parsed)
        return std::nullopt;
    return *parsed;
}

std::optional<money::Fen> AmountEntry::check() {
    const Result<money::Fen> parsed = money::parseYuan(m_edit->text());
    if (!parsed) {
        showError(parsed.error().message);
        m_edit->setFocus();
        return std::nullopt;
    }
    showError({});
    return *parsed;
}

QString AmountEntry::errorText() const {
    return m_error->text();
}

void AmountEntry::setFixedAmount(std::optional<money::Fen> fen) {
    m_fixed = fen.has_value();
    m_edit->setReadOnly(m_fixed);
    if (m_fixed)
        m_edit->setText(money::formatYuan(*fen));
}

void AmountEntry::typeText(const QString& text) {
    if (m_fixed)
        return;
    m_edit->insert(text);
}

void AmountEntry::backspace() {
    if (m_fixed)
        return;
    m_edit->backspace();
}

void AmountEntry::ignoreStrayEnter() {
    m_sinceScreenClosed.start();
}

bool AmountEntry::isStrayEnter(const QKeyEvent& key) const {
    if (key.key() != Qt::Key_Return && key.key() != Qt::Key_Enter)
        return false;
    // A held Enter is never a deliberate charge.
    if (key.isAutoRepeat())
        return true;
    return m_edit->text().isEmpty() && m_sinceScreenClosed.isValid() &&
           m_sinceScreenClosed.elapsed() < kStrayEnterMs;
}

bool AmountEntry::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_edit && event->type() == QEvent::KeyPress &&
        isStrayEnter(*static_cast<QKeyEvent*>(event)))
        return true;
    if (watched == m_edit && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent*>(event)->key() == Qt::Key_Escape && !m_fixed &&
        !m_edit->text().isEmpty()) {
        clear();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void AmountEntry::showError(const QString& text) {
    m_error->setText(text);
}

void AmountEntry::refreshError() {
    const QString text = m_edit->text();
    // Empty or still being typed ("12."): nothing to complain about yet.
    if (text.isEmpty() || text.endsWith(u'.')) {
        showError({});
        return;
    }
    const Result<money::Fen> parsed = money::parseYuan(text);
    showError(parsed ? QString() : parsed.error().message);
}

} // namespace qpos::ui
