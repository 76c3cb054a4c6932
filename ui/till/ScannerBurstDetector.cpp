#include "ui/till/ScannerBurstDetector.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QKeyEvent>
#include <QLineEdit>
#include <QWidget>

#include <memory>

namespace qpos::ui {

namespace {

bool isDigitKey(const QString& text) {
    return text.size() == 1 && text[0].unicode() >= '0' && text[0].unicode() <= '9';
}

// Scanners end a code with the suffix they are set up for: carriage return (Enter), line
// feed, or Tab. A line feed may arrive with no Qt key of its own, only its text.
bool isBurstEnd(int key, const QString& text) {
    return key == Qt::Key_Return || key == Qt::Key_Enter || key == Qt::Key_Tab || text == u"\n" ||
           text == u"\r";
}

} // namespace

ScannerBurstDetector::ScannerBurstDetector(QWidget* scope, QObject* parent)
    : QObject(parent)
    , m_scope(scope) {
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    m_clock = [timer] {
        return timer->elapsed();
    };
    qApp->installEventFilter(this);
}

ScannerBurstDetector::~ScannerBurstDetector() {
    qApp->removeEventFilter(this);
    reset();
}

void ScannerBurstDetector::setClock(std::function<qint64()> clock) {
    m_clock = std::move(clock);
}

void ScannerBurstDetector::setEnabled(bool enabled) {
    m_enabled = enabled;
    reset();
}

bool ScannerBurstDetector::feedKey(int key, const QString& text, qint64 atMs, QObject* target) {
    const bool inTime = !m_digits.isEmpty() && atMs - m_lastMs <= m_maxGapMs;
    if (isDigitKey(text)) {
        if (!inTime) {
            // A new run starts: remember what the field held before its first digit.
            reset();
            m_edit = qobject_cast<QLineEdit*>(target);
            if (m_edit)
                m_editBefore = m_edit->text();
        }
        m_digits += text;
        m_lastMs = atMs;
        return false;
    }
    if (isBurstEnd(key, text) && inTime && m_digits.size() >= m_minDigits) {
        const QString code = m_digits;
        if (m_edit)
            m_edit->setText(m_editBefore);
        reset();
        emit codeScanned(code);
        return true;
    }
    reset();
    return false;
}

bool ScannerBurstDetector::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() != QEvent::KeyPress || !m_enabled || !m_scope)
        return false;
    // A key event travels from the focused widget up to its parents and passes this filter
    // at each step: look at it once, where it starts.
    QWidget* focus = QApplication::focusWidget();
    if (watched != focus || !focus || !m_scope->isVisible() || !m_scope->isAncestorOf(focus) ||
        QApplication::activeModalWidget())
        return false;
    const auto* key = static_cast<QKeyEvent*>(event);
    const Qt::KeyboardModifiers modifiers = key->modifiers() & ~Qt::KeypadModifier;
    if (modifiers != Qt::NoModifier && modifiers != Qt::ShiftModifier) {
        reset();
        return false;
    }
    return feedKey(key->key(), key->text(), m_clock(), watched);
}

void ScannerBurstDetector::reset() {
    m_digits.fill(u'0'); // do not leave the code lying around in memory longer than needed
    m_digits.clear();
    m_lastMs = 0;
    m_edit = nullptr;
    m_editBefore.clear();
}

} // namespace qpos::ui
