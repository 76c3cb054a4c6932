#include "ui/reports/ZReportDialog.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/staff/StaffLabel.h"
#include "ui/reports/ReportExport.h"
#include "ui/support/RequestIds.h"
#include "ui/support/YuanText.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPrinter>
#include <QPushButton>
#include <QVBoxLayout>

namespace qpos::ui {

namespace {

QString dayText(int day) {
    return china_calendar::dateOfDayNumber(day).toString(Qt::ISODate);
}

} // namespace

ZReportDialog::ZReportDialog(service::PosService& till, const QString& shopName,
                             const QString& manager, QWidget* parent)
    : QDialog(parent)
    , m_till(till)
    , m_shopName(shopName)
    , m_manager(manager)
    , m_printer(std::make_unique<QPrinter>(QPrinter::HighResolution)) {
    setWindowTitle(tr("Z report — close the business day"));
    setObjectName(QStringLiteral("zReportDialog"));
    resize(640, 520);
    auto* layout = new QVBoxLayout(this);

    m_day = new QLabel(this);
    m_day->setObjectName(QStringLiteral("businessDay"));
    QFont big = m_day->font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    big.setBold(true);
    m_day->setFont(big);
    layout->addWidget(m_day);

    m_warnings = new QLabel(this);
    m_warnings->setObjectName(QStringLiteral("zWarnings"));
    m_warnings->setWordWrap(true);
    layout->addWidget(m_warnings);
    m_despite = new QCheckBox(tr("I have read the warnings: take the Z anyway"), this);
    m_despite->setObjectName(QStringLiteral("despiteWarnings"));
    m_despite->setVisible(false);
    layout->addWidget(m_despite);

    m_take = new QPushButton(tr("Take the Z report"), this);
    m_take->setObjectName(QStringLiteral("takeZ"));
    m_take->setAutoDefault(false);
    m_take->setEnabled(false);
    layout->addWidget(m_take, 0, Qt::AlignLeft);
    connect(m_take, &QPushButton::clicked, this, &ZReportDialog::take);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("zStatus"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    layout->addWidget(new QLabel(tr("Z reports taken (newest first):"), this));
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("zList"));
    layout->addWidget(m_list, 1);

    auto* actions = new QHBoxLayout;
    m_reprint = new QPushButton(tr("Reprint…"), this);
    m_reprint->setObjectName(QStringLiteral("reprintZ"));
    m_pdf = new QPushButton(tr("Export PDF…"), this);
    m_pdf->setObjectName(QStringLiteral("exportZPdf"));
    m_thermal = new QPushButton(tr("Receipt printer"), this);
    m_thermal->setObjectName(QStringLiteral("printZOnReceiptPrinter"));
    m_thermal->setToolTip(tr("Print the selected Z report on the till's receipt printer"));
    auto* close = new QPushButton(tr("Close"), this);
    for (QPushButton* b : {m_reprint, m_pdf, m_thermal, close}) {
        b->setAutoDefault(false);
        actions->addWidget(b);
    }
    actions->insertStretch(3, 1);
    layout->addLayout(actions);
    m_reprint->setEnabled(false);
    m_pdf->setEnabled(false);
    m_thermal->setEnabled(false);
    connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
        m_reprint->setEnabled(row >= 0);
        m_pdf->setEnabled(row >= 0);
        m_thermal->setEnabled(row >= 0 && m_printRequestId.isEmpty());
    });
    connect(m_thermal, &QPushButton::clicked, this, [this] {
        const reports::ZReport* z = selected();
        if (!z || !m_printRequestId.isEmpty())
            return;
        m_printRequestId = newRequestId();
        m_thermal->setEnabled(false);
        m_status->setText(tr("Printing on the receipt printer…"));
        // From the stored snapshot, as every reprint of a Z.
        m_till.printZReport(m_printRequestId, z->seq);
    });
    connect(&m_till, &service::PosService::printFinished, this,
            [this](const QString& requestId, const service::PrintReply& reply) {
                if (m_printRequestId.isEmpty() || requestId != m_printRequestId)
                    return;
                m_printRequestId.clear();
                m_thermal->setEnabled(selected() != nullptr);
                m_status->setText(reply.error.isEmpty()
                                      ? tr("The Z report was printed on the receipt printer.")
                                      : tr("The Z report was not printed: %1").arg(reply.error));
            });
    const auto show = [this](const QString& message) {
        m_status->setText(message);
    };
    connect(m_reprint, &QPushButton::clicked, this, [this, show] {
        if (const reports::ZReport* z = selected())
            report_export::print(this, *m_printer, z->snapshot, title(*z), subtitle(*z), show);
    });
    connect(m_pdf, &QPushButton::clicked, this, [this, show] {
        if (const reports::ZReport* z = selected())
            report_export::savePdf(this, z->snapshot, title(*z), subtitle(*z),
                                   QStringLiteral("qpos-z-%1").arg(z->seq), show);
    });
    connect(close, &QPushButton::clicked, this, &QDialog::reject);

    connect(&m_till, &service::PosService::zReportsLoaded, this, &ZReportDialog::onReports);
    m_requestId = newRequestId();
    m_status->setText(tr("Checking the business day…"));
    m_till.loadZReports(m_requestId);
}

ZReportDialog::~ZReportDialog() = default;

const reports::ZReport* ZReportDialog::selected() const {
    const int row = m_list->currentRow();
    return row >= 0 && row < m_zReports.size() ? &m_zReports[row] : nullptr;
}

QString ZReportDialog::title(const reports::ZReport& z) const {
    return tr("Z report No. %1 — business day %2").arg(z.seq).arg(dayText(z.businessDay));
}

QString ZReportDialog::subtitle(const reports::ZReport& z) const {
    const QString days = z.fromDay == z.businessDay
                             ? dayText(z.businessDay)
                             : tr("%1 to %2").arg(dayText(z.fromDay), dayText(z.businessDay));
    return tr("%1 — %2 — taken %3 (China time) by %4")
        .arg(m_shopName, days, china_calendar::formatTimestamp(z.takenAtMs),
             staffLabel(z.takenBy, z.takenByName));
}

void ZReportDialog::take() {
    if (!m_requestId.isEmpty())
        return;
    m_requestId = newRequestId();
    m_taking = true;
    m_take->setEnabled(false);
    m_status->setText(tr("Taking the Z report…"));
    m_till.takeZReport(m_requestId, m_manager, m_despite->isVisible() && m_despite->isChecked());
}

void ZReportDialog::onReports(const QString& requestId, const service::ZReportsReply& reply) {
    if (requestId != m_requestId)
        return;
    m_requestId.clear();
    m_day->setText(tr("Business day %1").arg(dayText(reply.businessDay)));
    const bool warned = reply.warnings.any();
    QStringList warnings;
    if (reply.warnings.openOrders > 0 || reply.warnings.unsentChanges > 0)
        warnings << tr("Before closing: %1 payment(s) are still open and %2 change(s) are not "
                       "uploaded yet. Whatever they bring after the Z counts on the next "
                       "business day.")
                        .arg(reply.warnings.openOrders)
                        .arg(reply.warnings.unsentChanges);
    if (reply.warnings.drawerUncounted)
        warnings << tr("A shift with a cash drawer is still open: its cash is not counted, so "
                       "the Z shows the cash expected, not counted. End that shift (Till > End "
                       "my shift) to count the drawer first.");
    m_warnings->setText(warned ? warnings.join(u'\n')
                               : tr("No open payments, everything is uploaded."));
    m_despite->setVisible(warned && !reply.closedToday);
    // A day is closed once: after today's Z the button would only be refused.
    m_take->setEnabled(!reply.closedToday);
    if (reply.closedToday)
        m_warnings->setText(tr("Today is closed by its Z report: sales from now on count on %1. "
                               "The next Z report can be taken tomorrow.")
                                .arg(dayText(reply.businessDay)));

    if (!reply.error.isEmpty()) {
        m_taking = false;
        m_status->setText(reply.error);
        emit updated();
        return;
    }
    const bool taken = m_taking;
    m_taking = false;
    if (taken && !reply.zReports.isEmpty())
        m_zReports.prepend(reply.zReports.first()); // the Z just taken comes alone
    else
        m_zReports = reply.zReports;
    m_list->clear();
    for (const reports::ZReport& z : m_zReports) {
        QString line = tr("No. %1 — %2 — net %3, %4 sales — by %5")
                           .arg(z.seq)
                           .arg(dayText(z.businessDay), yuanText(z.snapshot.total.netFen()))
                           .arg(z.snapshot.total.saleCount)
                           .arg(staffLabel(z.takenBy, z.takenByName));
        // The drawer as the Z froze it; the PDF and the print list every cash figure.
        if (!z.snapshot.cash.isEmpty())
            line += tr(" — cash expected %1").arg(yuanText(z.snapshot.cash.expectedFen));
        m_list->addItem(line);
    }
    m_status->setText(taken && !m_zReports.isEmpty()
                          ? tr("Z report No. %1 taken. Sales from now on count on %2.")
                                .arg(m_zReports.first().seq)
                                .arg(dayText(reply.businessDay))
                          : QString());
    emit updated();
}

} // namespace qpos::ui
