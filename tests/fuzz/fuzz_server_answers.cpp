// What a till reads from its store server's API: reconciliation batches and items
// (batchFromJson, itemFromJson) and sales reports (salesReportFromJson; also a Z report's
// stored snapshot). The first byte chooses the reader, the rest is the JSON text.
// Properties: what a reader accepts is exactly what the JSON says (every key it writes back
// holds the input's value: no number truncated, no text changed, an optional amount present
// exactly when the input has it; the people a report names are texts as given); writing it and
// reading it again gives the same object; a refusal has a code and a message.
#include "core/reconcile/BatchJson.h"
#include "core/reports/SalesReport.h"
#include "tests/fuzz/FuzzSupport.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace qpos;

namespace {

// `written` is what the reader's value writes back; every key of it must hold the input's
// value. Numbers compare as numbers (5 and 5.0 are the same JSON number).
bool sameAsInput(const QJsonValue& written, const QJsonValue& input) {
    if (written.isDouble())
        return input.isDouble() && written.toDouble() == input.toDouble();
    if (written.isObject()) {
        if (!input.isObject())
            return false;
        const QJsonObject w = written.toObject();
        const QJsonObject in = input.toObject();
        for (auto it = w.begin(); it != w.end(); ++it)
            if (!in.contains(it.key()) || !sameAsInput(it.value(), in.value(it.key())))
                return false;
        return true;
    }
    if (written.isArray()) {
        const QJsonArray w = written.toArray();
        const QJsonArray in = input.toArray();
        if (!input.isArray() || w.size() != in.size())
            return false;
        for (qsizetype i = 0; i < w.size(); ++i)
            if (!sameAsInput(w.at(i), in.at(i)))
                return false;
        return true;
    }
    return written == input;
}

void checkRefusal(const Error& error) {
    QPOS_FUZZ_CHECK(!error.code.isEmpty() && !error.message.isEmpty());
}

void batch(const QJsonObject& json) {
    const Result<reconcile::StoredBatch> read = reconcile::batchFromJson(json);
    if (!read)
        return checkRefusal(read.error());
    const QJsonObject written = reconcile::batchToJson(*read);
    QPOS_FUZZ_CHECK(sameAsInput(written, json));
    const Result<reconcile::StoredBatch> again = reconcile::batchFromJson(written);
    QPOS_FUZZ_CHECK(again.ok());
    QPOS_FUZZ_CHECK(reconcile::batchToJson(*again) == written);
}

void item(const QJsonObject& json) {
    const Result<reconcile::StoredItem> read = reconcile::itemFromJson(json);
    if (!read)
        return checkRefusal(read.error());
    const QJsonObject written = reconcile::itemToJson(*read);
    QPOS_FUZZ_CHECK(sameAsInput(written, json));
    for (const char* optional : {"local_fen", "provider_fen"})
        QPOS_FUZZ_CHECK(written.contains(QLatin1String(optional)) ==
                        json.contains(QLatin1String(optional)));
    const Result<reconcile::StoredItem> again = reconcile::itemFromJson(written);
    QPOS_FUZZ_CHECK(again.ok());
    QPOS_FUZZ_CHECK(reconcile::itemToJson(*again) == written);
}

// The report's numbers are decimal strings (JSON numbers are doubles to many readers): the
// value read must be the number the text spells. Texts are read leniently (a key that is not a
// text reads as empty), and so are lists (a key that is not a list reads as none), except the
// people's (checkPeopleAreTexts).
bool sameReportValue(const QJsonValue& written, const QJsonValue& input) {
    if (written.isString()) {
        if (!input.isString())
            return written.toString().isEmpty();
        bool writtenIsNumber = false;
        const qint64 w = written.toString().toLongLong(&writtenIsNumber);
        bool inputIsNumber = false;
        const qint64 in = input.toString().toLongLong(&inputIsNumber);
        return writtenIsNumber && inputIsNumber ? w == in : written == input;
    }
    if (written.isObject()) {
        const QJsonObject w = written.toObject();
        const QJsonObject in = input.toObject();
        for (auto it = w.begin(); it != w.end(); ++it)
            if (!sameReportValue(it.value(), in.value(it.key())))
                return false;
        return true;
    }
    if (written.isArray()) {
        const QJsonArray w = written.toArray();
        if (!input.isArray())
            return w.isEmpty();
        const QJsonArray in = input.toArray();
        if (w.size() != in.size())
            return false;
        for (qsizetype i = 0; i < w.size(); ++i)
            if (!sameReportValue(w.at(i), in.at(i)))
                return false;
        return true;
    }
    return written == input;
}

// Who sold, who approved a refund and why: an accepted report holds them as texts, read as
// they are.
void checkPeopleAreTexts(const QJsonObject& written, const QJsonObject& json) {
    const struct {
        const char* list;
        QList<const char*> keys;
    } people[] = {{"cashiers", {"cashier_id", "name"}},
                  {"refunds", {"cashier_id", "approved_by", "reason"}}};
    for (const auto& p : people) {
        const QJsonArray w = written.value(QLatin1String(p.list)).toArray();
        const QJsonArray in = json.value(QLatin1String(p.list)).toArray();
        for (qsizetype i = 0; i < w.size(); ++i) {
            for (const char* key : p.keys) {
                const QJsonValue value = in.at(i).toObject().value(QLatin1String(key));
                QPOS_FUZZ_CHECK(value.isString() &&
                                value == w.at(i).toObject().value(QLatin1String(key)));
            }
        }
    }
}

void report(const QJsonObject& json) {
    const Result<reports::SalesReport> read = reports::salesReportFromJson(json);
    if (!read)
        return checkRefusal(read.error());
    const QJsonObject written = reports::toJson(*read);
    // A report stored before the till knew cash has no cash figures: they read as zero.
    QJsonObject compared = written;
    if (!json.contains(u"cash"))
        compared.remove(QStringLiteral("cash"));
    QPOS_FUZZ_CHECK(sameReportValue(compared, json));
    checkPeopleAreTexts(written, json);
    const Result<reports::SalesReport> again = reports::salesReportFromJson(written);
    QPOS_FUZZ_CHECK(again.ok());
    QPOS_FUZZ_CHECK(reports::toJson(*again) == written);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::ensureCoreApplication();
    if (size < 1)
        return 0;
    const QJsonDocument document =
        QJsonDocument::fromJson(fuzz::bytesOf(data + 1, size - 1).toByteArray());
    if (!document.isObject())
        return 0;
    switch (data[0] % 3) {
    case 0:
        batch(document.object());
        break;
    case 1:
        item(document.object());
        break;
    default:
        report(document.object());
        break;
    }
    return 0;
}
