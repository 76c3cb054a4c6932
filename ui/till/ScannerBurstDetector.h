#pragma once

#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>

class QLineEdit;
class QWidget;

namespace qpos::ui {

// Tells a barcode scanner from a person. A scanner acting as a keyboard "types" a payment
// code as a burst of digits, far faster than anyone types, and ends it with Enter (or line
// feed, or Tab, as the scanner is set up). Installed as an application event filter, it
// watches the keys that reach the focused widget inside `scope` (while no modal dialog is
// up). When a run of at least minDigits() digits, each following the previous one within
// maxGapMs(), ends in such a key within the same gap, it:
//  - swallows that key (it must not also press the default button or move the focus),
//  - puts back the text the focused line edit had before the burst (the digits landed in it
//    too: they could not be told from typing until the Enter),
//  - and emits codeScanned() with the digits.
// The digits are a secret: they are kept only until the burst ends and never logged.
class ScannerBurstDetector : public QObject {
    Q_OBJECT

public:
    explicit ScannerBurstDetector(QWidget* scope, QObject* parent = nullptr);
    ~ScannerBurstDetector() override;

    void setMaxGapMs(int ms) { m_maxGapMs = ms; }
    int maxGapMs() const { return m_maxGapMs; }
    void setMinDigits(int digits) { m_minDigits = digits; }
    int minDigits() const { return m_minDigits; }
    // Monotonic milliseconds; a steady clock when not set (tests pin it).
    void setClock(std::function<qint64()> clock);

    // Whether it listens; off while the scope does not take sales.
    void setEnabled(bool enabled);
    bool isEnabled() const { return m_enabled; }

    // The detection itself, for one key that reached `target` (a line edit or not) at
    // `atMs`. Returns true when the key ended a burst and must be swallowed.
    bool feedKey(int key, const QString& text, qint64 atMs, QObject* target = nullptr);

signals:
    void codeScanned(const QString& code);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void reset();

    QPointer<QWidget> m_scope;
    std::function<qint64()> m_clock;
    int m_maxGapMs = 50;
    int m_minDigits = 16;
    bool m_enabled = true;

    QString m_digits;           // the current run of fast digits
    qint64 m_lastMs = 0;        // when its last digit arrived
    QPointer<QLineEdit> m_edit; // where the run's digits were typed
    QString m_editBefore;       // its text before the run
};

} // namespace qpos::ui
