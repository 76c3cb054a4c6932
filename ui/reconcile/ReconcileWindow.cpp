#include "ui/reconcile/ReconcileWindow.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/reconcile/AsyncBatchStore.h"
#include "core/reconcile/BatchCsv.h"
#include "core/reconcile/SqliteBatchStore.h"
#include "ui/support/RequestIds.h"

#include <QColor>
#include <QDateEdit>
#include <QDateTime>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QPushButton>
#include <QSaveFile>
#include <QSignalBlocker>
#include <QTableWidget>
#include <QVBoxLayout>

namespace qpos::ui {

using reconcile::BatchState;
using reconcile::ItemResolution;
using reconcile::StoredBatch;
using reconcile::StoredItem;

namespace {

QTableWidget* makeTable(const QStringList& headings, const char* name, QWidget* parent) {
    auto* table = new QTableWidget(0, int(headings.size()), parent);
    table->setObjectName(QString::fromLatin1(name));
    table->setHorizontalHeaderLabels(headings);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

// A cell; amounts and counts are aligned right.
QTableWidgetItem* cell(const QString& text, bool number = false) {
    auto* item = new QTableWidgetItem(text);
    if (number)
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

// A side of an item as the manager reads it: the state word, then the amount.
QString sideText(const QString& state, const std::optional<money::Fen>& fen) {
    if (!fen)
        return state;
    return state.isEmpty() ? money::formatYuan(*fen) : state + u' ' + money::formatYuan(*fen);
}

QString resolutionText(const StoredItem& item) {
    const QString label = reconcile::itemResolutionLabel(item.resolution);
    switch (item.resolution) {
    case ItemResolution::Open:
        return label;
    case ItemResolution::Automatic:
        return item.evidence.isEmpty() ? label : label + QStringLiteral(": ") + item.evidence;
    case ItemResolution::Handled:
        return ReconcileWindow::tr("%1 (%2, %3): %4")
            .arg(label, item.resolvedBy, china_calendar::formatTimestamp(item.resolvedAtMs),
                 item.note);
    }
    return label;
}

bool needsAttention(BatchState state) {
    return state == BatchState::Overdue || state == BatchState::Failed;
}

} // namespace

ReconcileWindow::ReconcileWindow(const QString& dbPath, const QString& managerId,
                                 std::function<qint64()> clock, QWidget* parent)
    : ReconcileWindow(std::make_unique<reconcile::AsyncBatchStore>(dbPath), managerId,
                      std::move(clock), parent) {}

ReconcileWindow::ReconcileWindow(std::unique_ptr<reconcile::BatchSource> source,
                                 const QString& managerId, std::function<qint64()> clock,
                                 QWidget* parent)
    : QDialog(parent)
    , m_store(std::move(source))
    , m_managerId(managerId)
    , m_clock(std::move(clock)) {
    setWindowTitle(tr("Reconciliation"));
    setObjectName(QStringLiteral("reconcileWindow"));
    resize(1200, 760);

    auto* outer = new QVBoxLayout(this);

    // The last seven China days whose bills can exist: the provider makes a day's bill the
    // next morning.
    const QDate today = china_calendar::dateOf(now());
    auto* range = new QHBoxLayout;
    m_from = new QDateEdit(today.addDays(-7), this);
    m_from->setObjectName(QStringLiteral("fromDate"));
    m_to = new QDateEdit(today.addDays(-1), this);
    m_to->setObjectName(QStringLiteral("toDate"));
    for (QDateEdit* edit : {m_from, m_to}) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    }
    m_source = new QLabel(this);
    m_source->setObjectName(QStringLiteral("reconcileSource"));
    m_source->setText(m_store->origin() == reconcile::BatchSource::Origin::StoreServer
                          ? tr("Source: Store server (every till of the store)")
                          : tr("Source: This till"));
    m_show = new QPushButton(tr("Show"), this);
    m_show->setObjectName(QStringLiteral("showBatches"));
    m_show->setAutoDefault(false);
    range->addWidget(new QLabel(tr("Bills of"), this));
    range->addWidget(m_from);
    range->addWidget(new QLabel(tr("to"), this));
    range->addWidget(m_to);
    range->addWidget(m_show);
    range->addStretch(1);
    range->addWidget(m_source);
    outer->addLayout(range);
    connect(m_show, &QPushButton::clicked, this, &ReconcileWindow::reload);

    m_warning = new QLabel(this);
    m_warning->setObjectName(QStringLiteral("reconcileWarning"));
    m_warning->setWordWrap(true);
    m_warning->setStyleSheet(QStringLiteral(
        "QLabel{color:#b00020;background:#fdecee;border:1px solid #e8a0a8;padding:6px;}"));
    m_warning->hide();
    outer->addWidget(m_warning);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("reconcileStatus"));
    m_status->setWordWrap(true);
    outer->addWidget(m_status);

    m_batchTable =
        makeTable({tr("Day"), tr("Provider"), tr("State"), tr("Bill payments"), tr("Bill paid"),
                   tr("Bill refunds"), tr("Bill refunded"), tr("Our payments"), tr("Our paid"),
                   tr("Our refunds"), tr("Our refunded"), tr("Fee"), tr("Open differences")},
                  "batchTable", this);
    outer->addWidget(m_batchTable, 2);
    connect(m_batchTable, &QTableWidget::itemSelectionChanged, this, &ReconcileWindow::chooseBatch);

    m_itemsHeading = new QLabel(tr("Differences"), this);
    m_itemsHeading->setObjectName(QStringLiteral("itemsHeading"));
    outer->addWidget(m_itemsHeading);
    m_itemTable = makeTable({tr("Difference"), tr("Order"), tr("Refund request"), tr("Ours"),
                             tr("In the bill"), tr("Detail"), tr("Settled")},
                            "itemTable", this);
    outer->addWidget(m_itemTable, 3);
    connect(m_itemTable, &QTableWidget::itemSelectionChanged, this,
            &ReconcileWindow::updateButtons);

    auto* actions = new QHBoxLayout;
    m_markHandled = new QPushButton(tr("Mark handled…"), this);
    m_markHandled->setObjectName(QStringLiteral("markHandled"));
    m_csv = new QPushButton(tr("Export CSV…"), this);
    m_csv->setObjectName(QStringLiteral("exportCsv"));
    auto* close = new QPushButton(tr("Close"), this);
    close->setObjectName(QStringLiteral("closeReconcile"));
    for (QPushButton* b : {m_markHandled, m_csv, close}) {
        b->setAutoDefault(false);
        actions->addWidget(b);
    }
    actions->insertStretch(2, 1);
    outer->addLayout(actions);
    connect(m_markHandled, &QPushButton::clicked, this, &ReconcileWindow::askNote);
    connect(m_csv, &QPushButton::clicked, this, &ReconcileWindow::chooseCsvFile);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);

    connect(m_store.get(), &reconcile::BatchSource::batchesLoaded, this,
            &ReconcileWindow::onBatchesLoaded);
    connect(m_store.get(), &reconcile::BatchSource::itemsLoaded, this,
            &ReconcileWindow::onItemsLoaded);
    connect(m_store.get(), &reconcile::BatchSource::markedHandled, this,
            &ReconcileWindow::onMarkedHandled);
    updateButtons();
    reload();
}

ReconcileWindow::~ReconcileWindow() = default;

void ReconcileWindow::showSourceProblem(const QString& problem) {
    m_source->setToolTip(problem);
    m_source->setText(tr("Source: This till (the store server cannot be used: %1)").arg(problem));
    m_source->setWordWrap(true);
}

qint64 ReconcileWindow::now() const {
    return m_clock ? m_clock() : QDateTime::currentMSecsSinceEpoch();
}

void ReconcileWindow::reload() {
    if (m_from->date() > m_to->date()) {
        m_status->setText(tr("The first day is after the last one: choose the days again."));
        return;
    }
    m_batchesRequest = newRequestId();
    m_show->setEnabled(false);
    m_status->setText(tr("Reading the reconciliation…"));
    m_store->loadBatches(m_batchesRequest, m_from->date(), m_to->date());
}

void ReconcileWindow::onBatchesLoaded(const QString& requestId,
                                      const reconcile::BatchListReply& reply) {
    if (requestId != m_batchesRequest)
        return;
    m_batchesRequest.clear();
    m_show->setEnabled(true);
    if (!reply.error.isEmpty()) {
        m_status->setText(reply.error);
        emit batchesShown();
        return;
    }
    m_batches = reply.batches;
    if (!m_outcome.isEmpty())
        m_status->setText(m_outcome); // what the manager just did, not the count again
    else
        m_status->setText(m_batches.isEmpty()
                              ? tr("No bill was reconciled for these days yet.")
                              : tr("%n bill(s) reconciled.", nullptr, int(m_batches.size())));
    m_outcome.clear();
    showBatches();
    showWarning();
    emit batchesShown();
}

void ReconcileWindow::showBatches() {
    const qint64 chosen = m_batch ? m_batch->id : 0;
    const QSignalBlocker quiet(m_batchTable);
    m_batchTable->clearSelection();
    m_batchTable->setRowCount(int(m_batches.size()));
    int chosenRow = m_batches.isEmpty() ? -1 : 0;
    for (int row = 0; row < m_batches.size(); ++row) {
        const StoredBatch& b = m_batches[row];
        const reconcile::BatchTotals& t = b.totals;
        // Figures exist only for a matched bill (a day without one is matched as an empty
        // bill); the other states show their message instead.
        const bool matched = b.state == BatchState::Complete || b.state == BatchState::NoBill;
        auto figure = [matched](const QString& text) {
            return matched ? text : QString();
        };
        const QList<QTableWidgetItem*> cells{
            cell(b.day.toString(Qt::ISODate)),
            cell(channelLabel(b.provider)),
            cell(reconcile::batchStateLabel(b.state)),
            cell(figure(QString::number(t.provider.paymentCount)), true),
            cell(figure(money::formatYuan(t.provider.paymentFen)), true),
            cell(figure(QString::number(t.provider.refundCount)), true),
            cell(figure(money::formatYuan(t.provider.refundFen)), true),
            cell(figure(QString::number(t.local.paymentCount)), true),
            cell(figure(money::formatYuan(t.local.paymentFen)), true),
            cell(figure(QString::number(t.local.refundCount)), true),
            cell(figure(money::formatYuan(t.local.refundFen)), true),
            cell(figure(money::formatSubFenYuan(t.fee)), true),
            cell(matched ? tr("%1 of %2").arg(b.openItemCount).arg(b.itemCount) : b.error),
        };
        for (int c = 0; c < cells.size(); ++c)
            m_batchTable->setItem(row, c, cells[c]);
        for (QTableWidgetItem* c : cells) {
            if (needsAttention(b.state))
                c->setForeground(QColor(0xb0, 0x00, 0x20));
            if (!matched)
                c->setToolTip(b.error); // the whole sentence, however narrow the column
        }
        if (b.id == chosen)
            chosenRow = row;
    }
    if (chosenRow >= 0)
        m_batchTable->selectRow(chosenRow);
    chooseBatch();
}

void ReconcileWindow::showWarning() {
    QStringList lines;
    for (const StoredBatch& b : m_batches) {
        if (!needsAttention(b.state))
            continue;
        lines.append(tr("%1 %2: %3. %4")
                         .arg(channelLabel(b.provider), b.day.toString(Qt::ISODate),
                              reconcile::batchStateLabel(b.state), b.error)
                         .trimmed());
    }
    m_warning->setText(lines.join(u'\n'));
    m_warning->setVisible(!lines.isEmpty());
}

void ReconcileWindow::chooseBatch() {
    const QList<QTableWidgetItem*> selected = m_batchTable->selectedItems();
    const int row = selected.isEmpty() ? -1 : selected.first()->row();
    if (row < 0 || row >= m_batches.size()) {
        m_batch.reset();
        m_items.clear();
        m_itemsRequest.clear();
        showItems(0);
        emit itemsShown();
        return;
    }
    m_batch = m_batches[row];
    m_itemsRequest = newRequestId();
    m_itemsHeading->setText(tr("Reading the differences…"));
    updateButtons();
    m_store->loadItems(m_itemsRequest, m_batch->id);
}

void ReconcileWindow::onItemsLoaded(const QString& requestId,
                                    const reconcile::BatchItemsReply& reply) {
    if (requestId != m_itemsRequest)
        return;
    m_itemsRequest.clear();
    const qint64 chosen = chosenItem() ? chosenItem()->id : 0;
    if (!reply.error.isEmpty()) {
        m_items.clear();
        showItems(0);
        m_status->setText(reply.error);
        emit itemsShown();
        return;
    }
    m_items = reply.items;
    if (reply.batch)
        m_batch = reply.batch;
    showItems(chosen);
    emit itemsShown();
}

void ReconcileWindow::showItems(qint64 chosen) {
    const QSignalBlocker quiet(m_itemTable);
    m_itemTable->clearSelection();
    m_itemTable->setRowCount(int(m_items.size()));
    int chosenRow = -1;
    for (int row = 0; row < m_items.size(); ++row) {
        const StoredItem& s = m_items[row];
        const reconcile::DifferenceItem& d = s.item;
        m_itemTable->setItem(row, 0, cell(reconcile::differenceClassLabel(d.kind)));
        m_itemTable->setItem(row, 1, cell(d.outTradeNo));
        m_itemTable->setItem(row, 2, cell(d.outRequestNo));
        m_itemTable->setItem(row, 3, cell(sideText(d.localState, d.localAmountFen)));
        m_itemTable->setItem(row, 4, cell(sideText(d.providerState, d.providerAmountFen)));
        m_itemTable->setItem(row, 5, cell(d.detail));
        m_itemTable->setItem(row, 6, cell(resolutionText(s)));
        if (s.id == chosen)
            chosenRow = row;
    }
    if (chosenRow >= 0)
        m_itemTable->selectRow(chosenRow);
    if (!m_batch)
        m_itemsHeading->setText(tr("Differences"));
    else if (m_batch->state != BatchState::Complete &&
             (m_batch->state != BatchState::NoBill || m_items.isEmpty()))
        m_itemsHeading->setText(tr("%1 %2: %3")
                                    .arg(channelLabel(m_batch->provider),
                                         m_batch->day.toString(Qt::ISODate),
                                         reconcile::batchStateLabel(m_batch->state)));
    else if (m_items.isEmpty())
        m_itemsHeading->setText(
            tr("%1 %2: the bill and the till agree.")
                .arg(channelLabel(m_batch->provider), m_batch->day.toString(Qt::ISODate)));
    else
        m_itemsHeading->setText(
            tr("Differences of %1 %2 (%3 open)")
                .arg(channelLabel(m_batch->provider), m_batch->day.toString(Qt::ISODate))
                .arg(m_batch->openItemCount));
    updateButtons();
}

std::optional<StoredItem> ReconcileWindow::chosenItem() const {
    const QList<QTableWidgetItem*> selected = m_itemTable->selectedItems();
    const int row = selected.isEmpty() ? -1 : selected.first()->row();
    if (row < 0 || row >= m_items.size())
        return std::nullopt;
    return m_items[row];
}

void ReconcileWindow::updateButtons() {
    const std::optional<StoredItem> item = chosenItem();
    m_markHandled->setEnabled(item && item->resolution == ItemResolution::Open &&
                              m_markRequest.isEmpty() && m_itemsRequest.isEmpty());
    m_csv->setEnabled(m_batch.has_value() && m_itemsRequest.isEmpty());
}

void ReconcileWindow::askNote() {
    const std::optional<StoredItem> item = chosenItem();
    if (!item)
        return;
    auto* dialog = new QInputDialog(this);
    dialog->setObjectName(QStringLiteral("handledNoteDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Mark handled"));
    dialog->setOption(QInputDialog::UsePlainTextEditForTextInput);
    dialog->setLabelText(tr("How was the difference of order %1 settled? (at most %2 "
                            "characters; it is kept with the batch)")
                             .arg(item->item.outTradeNo)
                             .arg(reconcile::SqliteBatchStore::kMaxNoteLength));
    const qint64 itemId = item->id;
    if (itemId == m_unsavedItemId)
        dialog->setTextValue(m_unsavedNote);
    connect(dialog, &QInputDialog::textValueSelected, this, [this, itemId](const QString& note) {
        m_markRequest = newRequestId();
        m_unsavedItemId = itemId;
        m_unsavedNote = note;
        updateButtons();
        m_status->setText(tr("Saving…"));
        m_store->markHandled(m_markRequest, itemId, m_managerId, note, now());
    });
    dialog->open();
}

void ReconcileWindow::onMarkedHandled(const QString& requestId,
                                      const reconcile::MarkHandledReply& reply) {
    if (requestId != m_markRequest)
        return;
    m_markRequest.clear();
    // The note is kept for another try unless it was saved or the item is settled anyway.
    if (reply.error.isEmpty() || reply.errorCode == u"reconcile.already_resolved") {
        m_unsavedItemId = 0;
        m_unsavedNote.clear();
    }
    m_outcome = reply.error.isEmpty() ? tr("The difference is marked handled.") : reply.error;
    m_status->setText(m_outcome);
    updateButtons(); // the list may not come back (the server gone): the item can be tried again
    // Read again either way: a refused item may have been settled meanwhile.
    reload();
}

void ReconcileWindow::chooseCsvFile() {
    if (!m_batch)
        return;
    auto* dialog = new QFileDialog(this, tr("Export the reconciliation as CSV"));
    dialog->setObjectName(QStringLiteral("csvFileDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setOption(QFileDialog::DontUseNativeDialog);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("csv"));
    dialog->setNameFilter(tr("CSV files (*.csv)"));
    dialog->selectFile(QStringLiteral("qpos-reconcile-%1-%2.csv")
                           .arg(channelName(m_batch->provider),
                                m_batch->day.toString(QStringLiteral("yyyyMMdd"))));
    // The batch and differences on the screen, as they were read.
    const QByteArray bytes = reconcile::batchCsv(*m_batch, m_items);
    connect(dialog, &QFileDialog::fileSelected, this, [this, bytes](const QString& path) {
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() ||
            !file.commit()) {
            m_status->setText(
                tr("Cannot write %1: %2. Choose another folder.").arg(path, file.errorString()));
            return;
        }
        m_status->setText(tr("Saved %1.").arg(path));
    });
    dialog->open();
}

} // namespace qpos::ui
