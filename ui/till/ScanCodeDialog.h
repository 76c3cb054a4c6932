#pragma once

#include "core/money/Money.h"
#include "core/orders/Channel.h"
#include "core/routing/ChannelRouting.h"

#include <QDialog>
#include <QList>
#include <QString>

class QLabel;
class QLineEdit;

namespace qpos::ui {

// "Scan customer's code": waits for the scanner (or the cashier typing the digits under the
// customer's barcode) and accepts a payment code the terminal's routing takes for this amount
// (its wallet offered, the amount within that channel's limit). The code is masked on screen
// and cleared from the field as soon as it is taken.
class ScanCodeDialog : public QDialog {
    Q_OBJECT

public:
    ScanCodeDialog(money::Fen amountFen, routing::ChannelRouting routing,
                   QWidget* parent = nullptr);
    ~ScanCodeDialog() override;

    // Valid once accepted: the code and its channel. takeCode() hands the code over once.
    Channel channel() const { return m_channel; }
    QString takeCode();

public slots:
    void accept() override;

private:
    money::Fen m_amountFen = 0;
    routing::ChannelRouting m_routing;
    QLineEdit* m_code = nullptr;
    QLabel* m_message = nullptr;
    Channel m_channel = Channel::Alipay;
    QString m_taken;
};

} // namespace qpos::ui
