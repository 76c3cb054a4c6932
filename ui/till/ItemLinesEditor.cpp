#include "ui/till/ItemLinesEditor.h"

#include "ui/till/TillStyle.h"

#include <QGridLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QRegularExpressionValidator>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace qpos::ui {

namespace {

constexpr int kMaxNameLength = 64;
constexpr int kMaxQuantity = 9999;
constexpr int kMaxLines = 100;

} // namespace

ItemLinesEditor::ItemLinesEditor(QWidget* parent)
    : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);

    auto* fields = new QGridLayout;
    fields->setHorizontalSpacing(6);
    fields->setVerticalSpacing(2);
    auto* nameLabel = new QLabel(tr("&Item"), this);
    auto* quantityLabel = new QLabel(tr("&Qty"), this);
    auto* priceLabel = new QLabel(tr("&Unit price"), this);
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("itemName"));
    m_name->setMaxLength(kMaxNameLength);
    m_name->setPlaceholderText(tr("Item name"));
    m_quantity = new QSpinBox(this);
    m_quantity->setObjectName(QStringLiteral("itemQuantity"));
    m_quantity->setRange(1, kMaxQuantity);
    m_price = new QLineEdit(this);
    m_price->setObjectName(QStringLiteral("itemPrice"));
    m_price->setPlaceholderText(QStringLiteral("0.00"));
    m_price->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_price->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[0-9.]*")), m_price));
    m_add = new QPushButton(tr("Add"), this);
    m_add->setObjectName(QStringLiteral("addItem"));
    m_add->setAutoDefault(false);
    for (QWidget* w : {static_cast<QWidget*>(nameLabel), static_cast<QWidget*>(quantityLabel),
                       static_cast<QWidget*>(priceLabel)})
        till_style::setPointSize(w, till_style::kBodyPt);
    for (QWidget* w : {static_cast<QWidget*>(m_name), static_cast<QWidget*>(m_quantity),
                       static_cast<QWidget*>(m_price), static_cast<QWidget*>(m_add)})
        till_style::setPointSize(w, till_style::kButtonPt);
    nameLabel->setBuddy(m_name);
    quantityLabel->setBuddy(m_quantity);
    priceLabel->setBuddy(m_price);
    fields->addWidget(nameLabel, 0, 0);
    fields->addWidget(quantityLabel, 0, 1);
    fields->addWidget(priceLabel, 0, 2);
    fields->addWidget(m_name, 1, 0);
    fields->addWidget(m_quantity, 1, 1);
    fields->addWidget(m_price, 1, 2);
    fields->addWidget(m_add, 1, 3);
    fields->setColumnStretch(0, 3);
    fields->setColumnStretch(1, 1);
    fields->setColumnStretch(2, 2);
    layout->addLayout(fields);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("itemError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color:#b00020;"));
    till_style::setPointSize(m_error, till_style::kBodyPt, true);
    m_error->hide();
    layout->addWidget(m_error);

    m_table = new QTableWidget(0, 4, this);
    m_table->setObjectName(QStringLiteral("itemLines"));
    m_table->setHorizontalHeaderLabels({tr("Item"), tr("Qty"), tr("Unit price"), tr("Total")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->installEventFilter(this);
    till_style::setPointSize(m_table, till_style::kBodyPt);
    layout->addWidget(m_table, 1);

    m_remove = new QPushButton(tr("Remove line"), this);
    m_remove->setObjectName(QStringLiteral("removeItem"));
    m_remove->setAutoDefault(false);
    m_remove->setToolTip(tr("Remove the selected line (Delete)"));
    m_remove->setEnabled(false);
    till_style::setPointSize(m_remove, till_style::kBodyPt);
    auto* removeRow = new QHBoxLayout;
    removeRow->addStretch(1);
    removeRow->addWidget(m_remove);
    layout->addLayout(removeRow);

    connect(m_add, &QPushButton::clicked, this, &ItemLinesEditor::addLine);
    connect(m_remove, &QPushButton::clicked, this, &ItemLinesEditor::removeSelectedLine);
    connect(m_name, &QLineEdit::returnPressed, this, &ItemLinesEditor::onReturn);
    connect(m_price, &QLineEdit::returnPressed, this, &ItemLinesEditor::onReturn);
    connect(m_table, &QTableWidget::itemSelectionChanged, this,
            [this] { m_remove->setEnabled(!m_table->selectedItems().isEmpty()); });
}

money::Fen ItemLinesEditor::totalFen() const {
    money::Fen total = 0;
    for (const OrderItem& item : m_items)
        total += item.lineTotalFen();
    return total;
}

void ItemLinesEditor::clear() {
    m_items.clear();
    m_name->clear();
    m_quantity->setValue(1);
    m_price->clear();
    showError({});
    showLines();
    emit itemsChanged();
}

bool ItemLinesEditor::addLine() {
    const QString name = m_name->text().trimmed();
    if (name.isEmpty()) {
        showError(tr("Type the item's name."));
        m_name->setFocus();
        return false;
    }
    const Result<money::Fen> price =
        money::parseYuan(m_price->text(), money::Sign::Positive, tr("Unit price"));
    if (!price) {
        showError(price.error().message);
        m_price->setFocus();
        return false;
    }
    if (m_items.size() >= kMaxLines) {
        showError(tr("A sale holds at most %1 lines.").arg(kMaxLines));
        return false;
    }
    OrderItem item{name, m_quantity->value(), *price};
    // Both factors are bounded (kMaxFen, kMaxQuantity): the product cannot overflow.
    if (totalFen() + item.lineTotalFen() > money::kMaxFen) {
        showError(tr("The total would be more than the largest amount allowed (%1).")
                      .arg(money::formatYuan(money::kMaxFen)));
        return false;
    }
    m_items.append(item);
    m_name->clear();
    m_quantity->setValue(1);
    m_price->clear();
    showError({});
    showLines();
    m_name->setFocus();
    emit itemsChanged();
    return true;
}

void ItemLinesEditor::removeSelectedLine() {
    const int row = m_table->currentRow();
    if (row < 0 || row >= m_items.size())
        return;
    m_items.removeAt(row);
    showLines();
    emit itemsChanged();
}

bool ItemLinesEditor::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_table && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent*>(event)->key() == Qt::Key_Delete) {
        removeSelectedLine();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void ItemLinesEditor::onReturn() {
    if (m_name->text().trimmed().isEmpty() && m_price->text().isEmpty()) {
        emit submittedEmpty();
        return;
    }
    addLine();
}

void ItemLinesEditor::showLines() {
    m_table->setRowCount(0);
    for (const OrderItem& item : m_items) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        const QStringList cells{item.name, QString::number(item.quantity),
                                money::formatYuan(item.unitPriceFen),
                                money::formatYuan(item.lineTotalFen())};
        for (int col = 0; col < cells.size(); ++col) {
            auto* cell = new QTableWidgetItem(cells[col]);
            cell->setTextAlignment(col == 0 ? Qt::AlignLeft | Qt::AlignVCenter
                                            : Qt::AlignRight | Qt::AlignVCenter);
            m_table->setItem(row, col, cell);
        }
    }
    m_remove->setEnabled(!m_table->selectedItems().isEmpty());
}

void ItemLinesEditor::showError(const QString& text) {
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

} // namespace qpos::ui
