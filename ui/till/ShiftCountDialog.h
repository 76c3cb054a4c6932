#pragma once

#include "core/reports/CashFigures.h"
#include "core/service/PosService.h"

#include <QDialog>
#include <QString>

#include <optional>

class QLabel;
class QLineEdit;
class QPushButton;

namespace qpos::ui {

// The end of a shift when the till takes cash: the till shows what the drawer should hold
// (the shift's report: float + cash sales − cash refunds), the cashier types what they counted,
// and the difference is shown as they type. A difference needs a reason before the shift can
// end. Accepted once the till stored the count and closed the shift; Esc keeps the shift open.
class ShiftCountDialog : public QDialog {
    Q_OBJECT

public:
    ShiftCountDialog(service::PosService& till, qint64 shiftId, QString cashierId,
                     QWidget* parent = nullptr);

    // The till's figures once they arrived.
    const std::optional<reports::CashFigures>& expected() const { return m_cash; }
    QLineEdit* countedEdit() const { return m_counted; }
    QLineEdit* reasonEdit() const { return m_reason; }
    QString expectedText() const;
    QString differenceText() const;
    QString messageText() const;

public slots:
    void accept() override;

private:
    void onReport(const QString& requestId, const service::SalesReportReply& reply);
    void onShiftChanged(const QString& requestId, const service::ShiftReply& reply);
    std::optional<money::Fen> typedCount() const;
    void showDifference();

    service::PosService& m_till;
    qint64 m_shiftId;
    QString m_cashierId;
    QString m_reportRequestId;
    QString m_closeRequestId;
    std::optional<reports::CashFigures> m_cash;

    QLabel* m_figures = nullptr;
    QLabel* m_expected = nullptr;
    QLineEdit* m_counted = nullptr;
    QLabel* m_difference = nullptr;
    QLineEdit* m_reason = nullptr;
    QLabel* m_message = nullptr;
    QPushButton* m_confirm = nullptr;
};

} // namespace qpos::ui
