#include "tests/sandbox/NotifyReceiver.h"

#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QTest>

namespace qpos::test {

NotifyReceiver::NotifyReceiver() {
    m_clock.start();
    m_server.route(QStringLiteral("/notify"), [this](const QHttpServerRequest& request) {
        Received r;
        r.body = request.body();
        r.atMs = m_clock.elapsed();
        Result<alipay::Params> p = alipay::parseForm(r.body);
        if (p)
            r.params = *p;
        m_received.append(r);
        const QByteArray answer =
            m_answers.isEmpty() ? QByteArray("success") : m_answers.takeFirst();
        return QHttpServerResponse(QByteArrayLiteral("text/plain"), answer);
    });
    const quint16 port = m_server.listen(QHostAddress::LocalHost, 0);
    m_url = QUrl(QStringLiteral("http://127.0.0.1:%1/notify").arg(port));
}

bool NotifyReceiver::waitFor(int count, int timeoutMs) const {
    return QTest::qWaitFor([this, count] { return m_received.size() >= count; }, timeoutMs);
}

} // namespace qpos::test
