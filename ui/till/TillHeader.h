#pragma once

#include "core/link/LinkStatus.h"
#include "core/staff/Staff.h"
#include "core/storage/OrderQuery.h"

#include <QFrame>
#include <QList>
#include <QString>

#include <optional>

class QAction;
class QHBoxLayout;
class QLabel;

namespace qpos::ui {
class LinkIndicator;
}

namespace qpos::ui {

// The till's top line: the shop and terminal, who is logged in, a status line, and today's
// takings; the link to the store backend; with buttons for the window's main actions.
class TillHeader : public QFrame {
    Q_OBJECT

public:
    TillHeader(const QString& storeName, const QString& storeId, const QString& terminalId,
               QWidget* parent = nullptr);

    void setCashier(const std::optional<StaffMember>& cashier);
    void setStatus(const QString& text, bool error = false);
    QString status() const;
    // More about the status, shown when the pointer rests on it (the order number).
    void setStatusDetail(const QString& text);
    // Today's totals over all channels (paid count, paid and net amounts).
    void setTotals(const QList<DailyTotal>& totals);
    void setTotalsError(const QString& error);
    QString totalsText() const;
    // The link to the store backend (LinkIndicator).
    void setLinkStatus(const link::LinkStatus& status);
    // A button that triggers `action` (and follows its enabled/visible state).
    void addActionButton(QAction* action);

private:
    QLabel* m_shop = nullptr;
    QLabel* m_cashier = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_totals = nullptr;
    QHBoxLayout* m_buttons = nullptr;
    LinkIndicator* m_link = nullptr;
};

} // namespace qpos::ui
