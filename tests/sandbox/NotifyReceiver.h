#pragma once

#include "core/gateways/alipay/AlipaySignature.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHttpServer>
#include <QList>
#include <QUrl>

namespace qpos::test {

// A merchant's notify_url on loopback: records every notification and answers with the next
// of the scripted answers (then "success").
class NotifyReceiver {
public:
    struct Received {
        alipay::Params params;
        QByteArray body;
        qint64 atMs = 0; // since the receiver started
    };

    NotifyReceiver();
    QUrl url() const { return m_url; }
    void script(const QList<QByteArray>& answers) { m_answers = answers; }
    const QList<Received>& received() const { return m_received; }
    bool waitFor(int count, int timeoutMs = 10000) const;

private:
    QHttpServer m_server;
    QUrl m_url;
    QList<QByteArray> m_answers;
    QList<Received> m_received;
    QElapsedTimer m_clock;
};

} // namespace qpos::test
