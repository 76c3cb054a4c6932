#pragma once

#include <QJsonObject>
#include <QString>

#include <cstdio>

namespace qpos::ctl {

// Where qposctl writes: results to stdout (text, or one compact JSON object per line), and
// problems and progress notes to stderr. Every line is flushed at once, so a script reading
// the output through a pipe sees the order number and QR code the moment they exist.
class CtlOutput {
public:
    explicit CtlOutput(bool json = false, std::FILE* out = stdout, std::FILE* err = stderr)
        : m_json(json)
        , m_out(out)
        , m_err(err) {}

    bool json() const { return m_json; }
    void setJson(bool json) { m_json = json; }

    // One line of text on stdout (a newline is added).
    void line(const QString& text) const;
    // One JSON object on one line of stdout.
    void object(const QJsonObject& object) const;
    // A note on stderr ("qposctl: " is not added): progress, warnings.
    void note(const QString& text) const;
    // A problem on stderr, as "qposctl: <message>".
    void error(const QString& message) const;

private:
    static void write(std::FILE* file, const QByteArray& bytes);

    bool m_json = false;
    std::FILE* m_out;
    std::FILE* m_err;
};

} // namespace qpos::ctl
