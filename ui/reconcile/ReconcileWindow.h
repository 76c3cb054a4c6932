#pragma once

#include "core/reconcile/BatchSource.h"

#include <QDialog>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

class QDateEdit;
class QLabel;
class QPushButton;
class QTableWidget;

namespace qpos::ui {

// The manager's reconciliation screen (docs/reconciliation.md): the batches of a range of
// China days (the last seven by default) with both sides' counts and amounts, a warning when a
// bill is overdue or could not be read, the differences of the chosen batch, marking one
// handled with a note, and the batch as CSV. The batches come from a reconcile::BatchSource:
// this till's database on a thread of its own, or, on an enrolled till, the store server's API
// for every till of the store; the window says which, and only shows what the source answers.
class ReconcileWindow : public QDialog {
    Q_OBJECT

public:
    // `managerId` is the manager who unlocked the window: who marks differences handled.
    // `clock` gives UTC ms (the system clock when empty): it decides the default days.
    ReconcileWindow(std::unique_ptr<reconcile::BatchSource> source, const QString& managerId,
                    std::function<qint64()> clock = {}, QWidget* parent = nullptr);
    // This till's own batches.
    ReconcileWindow(const QString& dbPath, const QString& managerId,
                    std::function<qint64()> clock = {}, QWidget* parent = nullptr);
    ~ReconcileWindow() override;

    const QString& managerId() const { return m_managerId; }
    reconcile::BatchSource::Origin origin() const { return m_store->origin(); }
    // Why the store server is not used although one is configured (shown beside the source).
    void showSourceProblem(const QString& problem);
    const QList<reconcile::StoredBatch>& batches() const { return m_batches; }
    const QList<reconcile::StoredItem>& items() const { return m_items; }

public slots:
    // Reads the batches of the dates chosen.
    void reload();

signals:
    void batchesShown(); // the batches (or why not) are on the screen
    void itemsShown();   // the chosen batch's differences (or why not) are

private:
    void onBatchesLoaded(const QString& requestId, const reconcile::BatchListReply& reply);
    void onItemsLoaded(const QString& requestId, const reconcile::BatchItemsReply& reply);
    void onMarkedHandled(const QString& requestId, const reconcile::MarkHandledReply& reply);
    void showBatches();
    void showWarning();
    void chooseBatch();
    void showItems(qint64 chosenItemId); // keeps that item chosen when it is still there
    void updateButtons();
    void askNote();
    void chooseCsvFile();
    std::optional<reconcile::StoredItem> chosenItem() const;
    qint64 now() const;

    std::unique_ptr<reconcile::BatchSource> m_store;
    QString m_managerId;
    std::function<qint64()> m_clock;
    QString m_batchesRequest;
    QString m_itemsRequest;
    QString m_markRequest;
    QString m_outcome; // the answer to Mark handled, kept on the status line over the reload
    // A note the source did not take (e.g. the server unreachable): offered again for that item.
    qint64 m_unsavedItemId = 0;
    QString m_unsavedNote;
    QList<reconcile::StoredBatch> m_batches;
    std::optional<reconcile::StoredBatch> m_batch; // the chosen one, as last read
    QList<reconcile::StoredItem> m_items;

    QDateEdit* m_from = nullptr;
    QDateEdit* m_to = nullptr;
    QPushButton* m_show = nullptr;
    QLabel* m_source = nullptr;
    QLabel* m_warning = nullptr;
    QLabel* m_status = nullptr;
    QTableWidget* m_batchTable = nullptr;
    QLabel* m_itemsHeading = nullptr;
    QTableWidget* m_itemTable = nullptr;
    QPushButton* m_markHandled = nullptr;
    QPushButton* m_csv = nullptr;
};

} // namespace qpos::ui
