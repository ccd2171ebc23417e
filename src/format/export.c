/* SPDX-License-Identifier: MIT */
/* The table exports: column tables, rows, and the CSV and JSON writers (export.h); the XLSX
 * writer is xlsx.c. */
#include "export.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "auth_json.h"
#include "document.h"
#include "csv.h"
#include "date.h"
#include "json_text.h"
#include "money.h"
#include "xlsx.h"

static const char *const kind_names[ACSA_EXPORT_KIND_COUNT] = {"orders", "lines", "postings",
                                                                 "documents"};
static const char *const format_names[ACSA_EXPORT_FORMAT_COUNT] = {"csv", "json", "xlsx"};

const char *acsa_export_kind_name(enum acsa_export_kind kind)
{
    return (unsigned)kind < ACSA_EXPORT_KIND_COUNT ? kind_names[kind] : NULL;
}

bool acsa_export_kind_parse(const char *text, enum acsa_export_kind *out)
{
    for (unsigned i = 0; i < ACSA_EXPORT_KIND_COUNT; i++) {
        if (strcmp(text, kind_names[i]) == 0) {
            *out = (enum acsa_export_kind)i;
            return true;
        }
    }
    return false;
}

const char *acsa_export_format_name(enum acsa_export_format format)
{
    return (unsigned)format < ACSA_EXPORT_FORMAT_COUNT ? format_names[format] : NULL;
}

bool acsa_export_format_parse(const char *text, enum acsa_export_format *out)
{
    for (unsigned i = 0; i < ACSA_EXPORT_FORMAT_COUNT; i++) {
        if (strcmp(text, format_names[i]) == 0) {
            *out = (enum acsa_export_format)i;
            return true;
        }
    }
    return false;
}

const char *acsa_export_content_type(enum acsa_export_format format)
{
    switch (format) {
    case ACSA_EXPORT_CSV:
        return "text/csv; charset=utf-8";
    case ACSA_EXPORT_JSON:
        return "application/json";
    case ACSA_EXPORT_XLSX:
    case ACSA_EXPORT_FORMAT_COUNT:
        break;
    }
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
}

/* ---- Columns and rows ------------------------------------------------------------------ */

#define T ACSA_CELL_TEXT
#define M ACSA_CELL_MONEY
#define Q ACSA_CELL_QUANTITY
#define D ACSA_CELL_DATE

static const struct acsa_export_column order_columns[] = {
    {"number", T, 20},        {"agreement_id", T, 12}, {"requester", T, 9},
    {"supplier", T, 9},       {"requester_unit", T, 24}, {"supplier_unit", T, 24},
    {"activity_id", ACSA_CELL_INT, 10}, {"activity", T, 24}, {"method", T, 8},
    {"state", T, 11},         {"currency", T, 8},      {"value", M, 16},
    {"outstanding", M, 16},   {"created", D, 11},      {"delivered", D, 11},
    {"due", D, 11},
};

static const struct acsa_export_column line_columns[] = {
    {"number", T, 20},      {"line", ACSA_CELL_INT, 6}, {"state", T, 11},
    {"requester", T, 9},    {"supplier", T, 9},      {"category", T, 12},
    {"nsn", T, 18},         {"description", T, 36},  {"unit_of_issue", T, 8},
    {"quantity", Q, 12},    {"issued", Q, 12},       {"received", Q, 12},
    {"returned", Q, 12},    {"return_accepted", Q, 12}, {"invoiced", Q, 12},
    {"closed", ACSA_CELL_BOOL, 8}, {"currency", T, 8}, {"unit_price", M, 16},
    {"value", M, 16},
};

static const struct acsa_export_column posting_columns[] = {
    {"date", D, 11},        {"number", T, 20},       {"event_id", ACSA_CELL_INT, 9},
    {"step", T, 14},        {"invoice", T, 20},      {"partner", T, 8},
    {"currency", T, 8},     {"account", T, 26},      {"amount", M, 16},
    {"quantity", Q, 12},    {"line", ACSA_CELL_INT, 6},
};

static const struct acsa_export_column document_columns[] = {
    {"id", T, 22},           {"order", T, 20},        {"line", ACSA_CELL_INT, 6},
    {"kind", T, 14},         {"sha256", T, 66},       {"size", ACSA_CELL_INT, 10},
    {"content_type", T, 16}, {"by", T, 22},           {"at", T, 21},
    {"origin", T, 7},        {"available", ACSA_CELL_BOOL, 9},
};

#undef T
#undef M
#undef Q
#undef D

_Static_assert(sizeof(line_columns) / sizeof(line_columns[0]) <= ACSA_EXPORT_COLUMNS_MAX &&
                   sizeof(order_columns) / sizeof(order_columns[0]) <= ACSA_EXPORT_COLUMNS_MAX,
               "a row holds every column");

const struct acsa_export_column *acsa_export_columns(enum acsa_export_kind kind,
                                                     size_t *out_count)
{
    switch (kind) {
    case ACSA_EXPORT_ORDERS:
        *out_count = sizeof(order_columns) / sizeof(order_columns[0]);
        return order_columns;
    case ACSA_EXPORT_LINES:
        *out_count = sizeof(line_columns) / sizeof(line_columns[0]);
        return line_columns;
    case ACSA_EXPORT_DOCUMENTS:
        *out_count = sizeof(document_columns) / sizeof(document_columns[0]);
        return document_columns;
    case ACSA_EXPORT_POSTINGS:
    case ACSA_EXPORT_KIND_COUNT:
        break;
    }
    *out_count = sizeof(posting_columns) / sizeof(posting_columns[0]);
    return posting_columns;
}

static void put_text(struct acsa_export_row *row, const char *text)
{
    row->cells[row->count++] = (struct acsa_cell){text != NULL ? text : "", 0, 0};
}

static void put_number(struct acsa_export_row *row, int64_t number)
{
    row->cells[row->count++] = (struct acsa_cell){NULL, number, 0};
}

static void put_money(struct acsa_export_row *row, int64_t minor, uint8_t exponent)
{
    row->cells[row->count++] = (struct acsa_cell){NULL, minor, exponent};
}

void acsa_export_order_row(const struct acsa_export_order *e, struct acsa_export_row *row)
{
    const struct acsa_order_summary *o = e->order;
    row->count = 0;
    put_text(row, o->number);
    put_text(row, o->agreement_id);
    put_text(row, o->requester);
    put_text(row, o->supplier);
    put_text(row, e->requester_unit);
    put_text(row, e->supplier_unit);
    put_number(row, o->activity_id);
    put_text(row, e->activity);
    put_text(row, acsa_method_name(o->method));
    put_text(row, acsa_state_name(o->state));
    put_text(row, o->currency);
    put_money(row, o->value_minor, o->exponent);
    put_money(row, o->outstanding_minor, o->exponent);
    put_number(row, o->created_day);
    put_number(row, o->delivered_day);
    put_number(row, o->due_day);
}

void acsa_export_line_row(const struct acsa_order_line_row *r, struct acsa_export_row *row)
{
    const struct acsa_order_summary *o = &r->order;
    const struct acsa_order_line *l = &r->line;
    row->count = 0;
    put_text(row, o->number);
    put_number(row, r->line_no);
    put_text(row, acsa_state_name(o->state));
    put_text(row, o->requester);
    put_text(row, o->supplier);
    put_text(row, l->category);
    put_text(row, l->nsn);
    put_text(row, l->description);
    put_text(row, l->unit_of_issue);
    put_number(row, l->quantity_milli);
    put_number(row, l->issued_milli);
    put_number(row, l->received_milli);
    put_number(row, l->returned_milli);
    put_number(row, l->return_accepted_milli);
    put_number(row, l->invoiced_milli);
    put_number(row, l->closed ? 1 : 0);
    put_text(row, o->currency);
    put_money(row, l->price_minor, o->exponent);
    put_money(row, l->value_minor, o->exponent);
}

void acsa_export_posting_row(const struct acsa_posting_row *r, struct acsa_export_row *row)
{
    const struct acsa_posting *p = &r->posting;
    const struct acsa_currency *cur = acsa_currency_find(p->currency);
    row->count = 0;
    put_number(row, r->day);
    put_text(row, r->order.number);
    put_number(row, r->event_id);
    put_text(row, acsa_step_name(r->step));
    put_text(row, r->invoice);
    put_text(row, p->partner);
    put_text(row, p->currency);
    put_text(row, acsa_account_name(p->account));
    put_money(row, p->amount_minor, cur != NULL ? cur->exponent : r->order.exponent);
    put_number(row, p->quantity_milli);
    put_number(row, p->line_no);
}

void acsa_export_document_row(struct acsa_export_document *d, struct acsa_export_row *row)
{
    const struct acsa_document_ref *ref = &d->document->ref;
    for (size_t i = 0; i < sizeof(ref->sha256); i++) {
        snprintf(d->sha256 + 2 * i, 3, "%02x", ref->sha256[i]);
    }
    _Static_assert(sizeof(d->at) >= ACSA_TIME_TEXT_SIZE, "room for a time");
    acsa_time_format(ref->at_s, d->at);
    row->count = 0;
    put_text(row, ref->id);
    put_text(row, ref->number);
    put_number(row, ref->line);
    put_text(row, acsa_document_kind_name(ref->kind));
    put_text(row, d->sha256);
    put_number(row, ref->size);
    put_text(row, ref->content_type);
    put_text(row, ref->actor);
    put_text(row, d->at);
    put_text(row, d->document->origin);
    put_number(row, d->document->have_bytes ? 1 : 0);
}

/* ---- Writers --------------------------------------------------------------------------- */

struct acsa_export_writer {
    enum acsa_export_format format;
    const struct acsa_export_column *columns;
    size_t count;
    char *path;                    /* For messages. */
    FILE *file;                    /* CSV and JSON. */
    struct acsa__format_xlsx *xlsx;
    uint64_t rows;
    struct acsa_text text;         /* One row being made (CSV, JSON). */
};

/* A cell as the text CSV and JSON show; NULL for none (an empty CSV field, JSON null). */
static const char *cell_text(const struct acsa_export_column *column, const struct acsa_cell *c,
                             char buf[ACSA_MONEY_TEXT_SIZE])
{
    switch (column->type) {
    case ACSA_CELL_TEXT:
        return c->text[0] != '\0' ? c->text : NULL;
    case ACSA_CELL_INT:
        if (c->number == 0) {
            return NULL;
        }
        snprintf(buf, ACSA_MONEY_TEXT_SIZE, "%lld", (long long)c->number);
        return buf;
    case ACSA_CELL_MONEY:
        return acsa_money_format(c->number, c->exponent, buf);
    case ACSA_CELL_QUANTITY:
        return acsa_quantity_format(c->number, buf);
    case ACSA_CELL_DATE:
        return c->number == ACSA_DATE_NONE ? NULL : acsa_date_format((int32_t)c->number, buf);
    case ACSA_CELL_BOOL:
        return c->number != 0 ? "true" : "false";
    }
    return NULL;
}

static void csv_row(struct acsa_export_writer *w, const struct acsa_export_row *row)
{
    for (size_t i = 0; i < w->count; i++) {
        char buf[ACSA_MONEY_TEXT_SIZE];
        const char *text = cell_text(&w->columns[i], &row->cells[i], buf);
        if (i > 0) {
            ACSA_TEXT_LIT(&w->text, ",");
        }
        acsa_csv_field(&w->text, text != NULL ? text : "");
    }
    ACSA_TEXT_LIT(&w->text, "\r\n");
}

/* JSON members as the API writes them: amounts and quantities as decimal strings, ids as
 * numbers, dates as "YYYY-MM-DD", null for none. */
static void json_row(struct acsa_export_writer *w, const struct acsa_export_row *row)
{
    if (w->rows > 0) {
        ACSA_TEXT_LIT(&w->text, ",\n");
    }
    ACSA_TEXT_LIT(&w->text, "{");
    for (size_t i = 0; i < w->count; i++) {
        const struct acsa_export_column *column = &w->columns[i];
        char buf[ACSA_MONEY_TEXT_SIZE];
        const char *text = cell_text(column, &row->cells[i], buf);
        if (i > 0) {
            ACSA_TEXT_LIT(&w->text, ",");
        }
        acsa_text_string(&w->text, column->name);
        ACSA_TEXT_LIT(&w->text, ":");
        if (text == NULL) {
            ACSA_TEXT_LIT(&w->text, "null");
        } else if (column->type == ACSA_CELL_INT) {
            acsa_text_int(&w->text, row->cells[i].number);
        } else if (column->type == ACSA_CELL_BOOL) {
            acsa_text_bool(&w->text, row->cells[i].number != 0);
        } else {
            acsa_text_string(&w->text, text);
        }
    }
    ACSA_TEXT_LIT(&w->text, "}");
}

static enum acsa_rc write_failed(struct acsa_export_writer *w, int error, struct acsa_error *err)
{
    return acsa_error_set(err, ACSA_ESTORAGE, "out", "cannot write \"%s\": %s", w->path,
                          strerror(error));
}

/* Writes and empties the row text. */
static enum acsa_rc flush_text(struct acsa_export_writer *w, struct acsa_error *err)
{
    if (w->text.failed) {
        return acsa_error_set(err, ACSA_ENOMEM, NULL, "out of memory");
    }
    if (w->text.size > 0 && fwrite(w->text.text, 1, w->text.size, w->file) != w->text.size) {
        return write_failed(w, errno, err);
    }
    w->text.size = 0;
    return ACSA_OK;
}

static enum acsa_rc writer_header(struct acsa_export_writer *w, bool bom, struct acsa_error *err)
{
    if (w->format == ACSA_EXPORT_XLSX) {
        return acsa__format_xlsx_open(w->path, w->columns, w->count, &w->xlsx, err);
    }
    w->file = fopen(w->path, "wb");
    if (w->file == NULL) {
        return write_failed(w, errno, err);
    }
    if (w->format == ACSA_EXPORT_JSON) {
        ACSA_TEXT_LIT(&w->text, "[\n");
        return flush_text(w, err);
    }
    if (bom) {
        ACSA_TEXT_LIT(&w->text, ACSA_CSV_BOM);
    }
    for (size_t i = 0; i < w->count; i++) {
        if (i > 0) {
            ACSA_TEXT_LIT(&w->text, ",");
        }
        acsa_csv_field(&w->text, w->columns[i].name);
    }
    ACSA_TEXT_LIT(&w->text, "\r\n");
    return flush_text(w, err);
}

enum acsa_rc acsa_export_writer_open(enum acsa_export_format format, enum acsa_export_kind kind,
                                     const char *path, bool bom,
                                     struct acsa_export_writer **out, struct acsa_error *err)
{
    *out = NULL;
    struct acsa_export_writer *w = acsa_calloc(1, sizeof(*w));
    size_t length = strlen(path);
    char *copy = acsa_malloc(length + 1);
    if (w == NULL || copy == NULL) {
        acsa_free(w);
        acsa_free(copy);
        return acsa_error_set(err, ACSA_ENOMEM, NULL, "out of memory");
    }
    memcpy(copy, path, length + 1);
    w->path = copy;
    w->format = format;
    w->columns = acsa_export_columns(kind, &w->count);
    acsa_text_init(&w->text, 1024);
    enum acsa_rc rc = writer_header(w, bom, err);
    if (rc != ACSA_OK) {
        acsa_export_writer_abort(w);
        return rc;
    }
    *out = w;
    return ACSA_OK;
}

enum acsa_rc acsa_export_writer_row(struct acsa_export_writer *w,
                                    const struct acsa_export_row *row, struct acsa_error *err)
{
    if (row->count != w->count) {
        return acsa_error_set(err, ACSA_EUSAGE, NULL, "a row of %zu cells for %zu columns",
                              row->count, w->count);
    }
    if (w->format == ACSA_EXPORT_XLSX) {
        ACSA_TRY(acsa__format_xlsx_row(w->xlsx, row, err));
    } else {
        if (w->format == ACSA_EXPORT_CSV) {
            csv_row(w, row);
        } else {
            json_row(w, row);
        }
        ACSA_TRY(flush_text(w, err));
    }
    w->rows++;
    return ACSA_OK;
}

uint64_t acsa_export_writer_rows(const struct acsa_export_writer *w)
{
    return w->rows;
}

static enum acsa_rc writer_finish(struct acsa_export_writer *w, struct acsa_error *err)
{
    if (w->format == ACSA_EXPORT_XLSX) {
        struct acsa__format_xlsx *x = w->xlsx;
        w->xlsx = NULL;
        return acsa__format_xlsx_close(x, err);
    }
    if (w->format == ACSA_EXPORT_JSON) {
        if (w->rows > 0) {
            ACSA_TEXT_LIT(&w->text, "\n");
        }
        ACSA_TEXT_LIT(&w->text, "]\n");
    }
    ACSA_TRY(flush_text(w, err));
    FILE *file = w->file;
    w->file = NULL;
    bool failed = fflush(file) != 0 || ferror(file) != 0;
    int error = errno;
    if (fclose(file) != 0 && !failed) {
        failed = true;
        error = errno;
    }
    return failed ? write_failed(w, error, err) : ACSA_OK;
}

enum acsa_rc acsa_export_writer_close(struct acsa_export_writer *w, struct acsa_error *err)
{
    enum acsa_rc rc = writer_finish(w, err);
    acsa_export_writer_abort(w);
    return rc;
}

void acsa_export_writer_abort(struct acsa_export_writer *w)
{
    if (w == NULL) {
        return;
    }
    if (w->file != NULL) {
        fclose(w->file);
    }
    if (w->xlsx != NULL) {
        acsa__format_xlsx_drop(w->xlsx);
    }
    size_t size = 0;
    acsa_free(acsa_text_take(&w->text, &size));
    acsa_free(w->path);
    acsa_free(w);
}
