/* SPDX-License-Identifier: MIT */
/* Imports of orders from CSV (import.h): the file is read and every cell judged first, each
 * error kept with its row and column; the rows are grouped into orders by order_ref, whose
 * order-level columns must agree; then, in one transaction, each order is raised through
 * acsa_app_order_create, the very path of `acsa order create`, and a refusal of the core is
 * traced back to the row and column it came from. Any error rolls everything back. */
#include "import.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "app_int.h"
#include "csv.h"
#include "date.h"
#include "money.h"
#include "text.h"

enum col {
    C_REF, C_AGREEMENT, C_REQUESTER, C_SUPPLIER, C_ACTIVITY, C_METHOD, C_REQUESTER_UNIT,
    C_SUPPLIER_UNIT, C_PLACE, C_NEED_BY, C_DATE, C_BACKDATE_REASON, C_CURRENCY, C_CATEGORY,
    C_DESCRIPTION, C_NSN, C_QUANTITY, C_UNIT, C_PRICE, C_COUNT
};

/* The one table of columns: the template prints it, the reader reads by it. */
static const struct acsa_import_column columns[C_COUNT] = {
    [C_REF] = {"order_ref", true, true, "A1",
               "any text of up to 63 characters; the rows of one order_ref are one order"},
    [C_AGREEMENT] = {"agreement", true, true, "IN-JP-2020", "id of a loaded agreement"},
    [C_REQUESTER] = {"requester", true, true, "IN", "requesting party (ISO 3166 alpha-2)"},
    [C_SUPPLIER] = {"supplier", true, true, "JP", "supplying party (ISO 3166 alpha-2)"},
    [C_ACTIVITY] = {"activity", true, true, "1", "id of the activity the order cites"},
    [C_METHOD] = {"method", true, true, "cash", "settlement method: cash, rik or eve"},
    [C_REQUESTER_UNIT] = {"requester_unit", false, true, "",
                          "id of a unit of the requesting party (may be empty)"},
    [C_SUPPLIER_UNIT] = {"supplier_unit", false, true, "",
                         "id of a unit of the supplying party (may be empty)"},
    [C_PLACE] = {"place", false, true, "Yokosuka berth 4", "delivery place (may be empty)"},
    [C_NEED_BY] = {"need_by", false, true, "2024-06-12",
                   "delivery date, YYYY-MM-DD (may be empty)"},
    [C_DATE] = {"date", false, true, "2024-06-10",
                "date raised, YYYY-MM-DD (empty: today)"},
    [C_BACKDATE_REASON] = {"backdate_reason", false, true, "",
                           "why a date more than the agreement's backdate_days ago is entered "
                           "only now (may be empty)"},
    [C_CURRENCY] = {"currency", true, true, "JPY",
                    "ISO 4217 currency of the order's prices"},
    [C_CATEGORY] = {"category", true, false, "pol", "a category of the agreement"},
    [C_DESCRIPTION] = {"description", true, false, "Diesel fuel marine", "what is ordered"},
    [C_NSN] = {"nsn", false, false, "", "NATO stock number or part number (may be empty)"},
    [C_QUANTITY] = {"quantity", true, false, "12000",
                    "quantity, greater than zero, at most 3 decimals"},
    [C_UNIT] = {"unit", true, false, "l", "unit of issue: l, kg, ea, ..."},
    [C_PRICE] = {"price", true, false, "150",
                 "unit price, at most the currency's decimals (JPY 0, INR 2, ...)"},
};

/* The size of the field each text column goes to (0: parsed, not copied). */
static const size_t column_size[C_COUNT] = {
    [C_REF] = ACSA_IMPORT_REF_SIZE,    [C_AGREEMENT] = ACSA_ID_SIZE,
    [C_PLACE] = ACSA_TEXT_SIZE,        [C_BACKDATE_REASON] = ACSA_TEXT_SIZE,
    [C_CATEGORY] = ACSA_CODE_SIZE,     [C_DESCRIPTION] = ACSA_TEXT_SIZE,
    [C_NSN] = ACSA_NSN_SIZE,           [C_UNIT] = ACSA_UNIT_OF_ISSUE_SIZE,
};

const struct acsa_import_column *acsa_import_columns(size_t *out_count)
{
    *out_count = C_COUNT;
    return columns;
}

char *acsa_import_template(size_t *out_size)
{
    const char *names[C_COUNT];
    const char *examples[C_COUNT];
    for (size_t i = 0; i < C_COUNT; i++) {
        names[i] = columns[i].name;
        examples[i] = columns[i].example;
    }
    struct acsa_text t;
    acsa_text_init(&t, 512);
    acsa_csv_row(&t, names, C_COUNT);
    acsa_csv_row(&t, examples, C_COUNT);
    return acsa_text_take(&t, out_size);
}

/* One data row, every cell judged. */
struct row {
    uint32_t row;
    uint32_t bad;                              /* A bit per column with an error. */
    char ref[ACSA_IMPORT_REF_SIZE];
    char agreement[ACSA_ID_SIZE];
    char requester[ACSA_NATION_SIZE];
    char supplier[ACSA_NATION_SIZE];
    int64_t activity;
    enum acsa_method method;
    int64_t requester_unit;
    int64_t supplier_unit;
    char place[ACSA_TEXT_SIZE];
    int32_t need_by;
    int32_t date;                              /* 0: today. */
    char backdate_reason[ACSA_TEXT_SIZE];
    const struct acsa_currency *currency;
    char category[ACSA_CODE_SIZE];
    char description[ACSA_TEXT_SIZE];
    char nsn[ACSA_NSN_SIZE];
    int64_t quantity;
    char unit[ACSA_UNIT_OF_ISSUE_SIZE];
    int64_t price;
};

struct import {
    struct acsa_import_result *out;
    int map[C_COUNT];                          /* File column of each column, or -1. */
    uint32_t file_columns;
    struct row *rows;
    uint32_t row_count;
    uint32_t *index;                           /* Rows sorted by order_ref, then row: */
    uint32_t indexed;                          /* those whose order_ref is well. */
    uint32_t *group_start;                     /* Groups: positions in index, */
    uint32_t group_count;                      /* in the order of their first rows. */
    struct acsa_order_draft *draft;
    bool beyond;                               /* Past a limit of the file: create nothing. */
};

static void problem(struct import *im, uint32_t row, const char *column, enum acsa_rc rc,
                    const char *format, ...) __attribute__((format(printf, 5, 6)));

static void problem(struct import *im, uint32_t row, const char *column, enum acsa_rc rc,
                    const char *format, ...)
{
    struct acsa_import_result *out = im->out;
    if (out->problem_count < ACSA_IMPORT_ERRORS_MAX) {
        struct acsa_import_problem *p = &out->problems[out->problem_count];
        p->row = row;
        p->rc = rc;
        snprintf(p->column, sizeof(p->column), "%s", column);
        va_list args;
        va_start(args, format);
        vsnprintf(p->message, sizeof(p->message), format, args);
        va_end(args);
    }
    out->problem_count++;
}

/* A problem from an error of the core, without the "field: " its message may begin with. */
static void problem_from(struct import *im, uint32_t row, const char *column,
                         const struct acsa_error *e, const char *prefix)
{
    const char *message = e->message;
    size_t n = strlen(prefix);
    if (n > 0 && strncmp(message, prefix, n) == 0 && strncmp(message + n, ": ", 2) == 0) {
        message += n + 2;
    }
    problem(im, row, column, e->rc, "%s", message);
}

/* ---- The header ------------------------------------------------------------------------ */

static bool read_header(struct import *im, const char *const *fields, uint32_t count)
{
    for (int c = 0; c < C_COUNT; c++) {
        im->map[c] = -1;
    }
    im->file_columns = count;
    uint32_t before = im->out->problem_count;
    for (uint32_t i = 0; i < count; i++) {
        int found = -1;
        for (int c = 0; c < C_COUNT; c++) {
            if (strcmp(fields[i], columns[c].name) == 0) {
                found = c;
            }
        }
        char where[16];
        snprintf(where, sizeof(where), "%u", i + 1);
        if (found < 0) {
            bool valid = acsa_text_valid(fields[i], strlen(fields[i]), ACSA_TEXT_LINE, NULL);
            problem(im, 1, where, ACSA_EUSAGE, "unknown column \"%.*s\" (columns: see `acsa "
                    "import template`)", ACSA_QUOTE_MAX, valid ? fields[i] : "(not UTF-8)");
        } else if (im->map[found] >= 0) {
            problem(im, 1, columns[found].name, ACSA_EUSAGE, "column given twice (columns %d "
                    "and %u)", im->map[found] + 1, i + 1);
        } else {
            im->map[found] = (int)i;
        }
    }
    for (int c = 0; c < C_COUNT; c++) {
        if (im->map[c] < 0 && columns[c].required) {
            problem(im, 1, columns[c].name, ACSA_EUSAGE, "required column missing");
        }
    }
    return im->out->problem_count == before;
}

/* ---- One row's cells ------------------------------------------------------------------- */

static void bad(struct import *im, struct row *r, int c, enum acsa_rc rc, const char *format,
                ...) __attribute__((format(printf, 5, 6)));

static void bad(struct import *im, struct row *r, int c, enum acsa_rc rc, const char *format,
                ...)
{
    char message[ACSA_ERROR_MESSAGE_SIZE];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof(message), format, args);
    va_end(args);
    r->bad |= 1u << c;
    problem(im, r->row, columns[c].name, rc, "%s", message);
}

/* A positive whole number (an id). */
static bool parse_id(const char *text, int64_t *out)
{
    size_t digits = strspn(text, "0123456789");
    if (digits == 0 || digits > 15 || text[digits] != '\0' || text[0] == '0') {
        return false;
    }
    *out = strtoll(text, NULL, 10);
    return true;
}

/* Copies text into r's field of column c; false (and a problem) if it is too long. */
static void copy_text(struct import *im, struct row *r, int c, const char *text, char *to)
{
    size_t size = column_size[c];
    if (strlen(text) >= size) {
        bad(im, r, c, ACSA_EUSAGE, "longer than %zu bytes", size - 1);
        return;
    }
    memcpy(to, text, strlen(text) + 1);
}

static void parse_cell(struct import *im, struct row *r, int c, const char *text)
{
    struct acsa_error e;
    acsa_error_clear(&e);
    const char *name = columns[c].name;
    switch ((enum col)c) {
    case C_REF: copy_text(im, r, c, text, r->ref); break;
    case C_AGREEMENT: copy_text(im, r, c, text, r->agreement); break;
    case C_PLACE: copy_text(im, r, c, text, r->place); break;
    case C_BACKDATE_REASON: copy_text(im, r, c, text, r->backdate_reason); break;
    case C_CATEGORY: copy_text(im, r, c, text, r->category); break;
    case C_DESCRIPTION: copy_text(im, r, c, text, r->description); break;
    case C_NSN: copy_text(im, r, c, text, r->nsn); break;
    case C_UNIT: copy_text(im, r, c, text, r->unit); break;
    case C_REQUESTER:
    case C_SUPPLIER:
        if (!acsa_nation_valid(text)) {
            bad(im, r, c, ACSA_EUSAGE, "\"%s\" is not an ISO 3166 alpha-2 code", text);
        } else {
            memcpy(c == C_REQUESTER ? r->requester : r->supplier, text, ACSA_NATION_SIZE);
        }
        break;
    case C_ACTIVITY:
    case C_REQUESTER_UNIT:
    case C_SUPPLIER_UNIT: {
        int64_t *to = c == C_ACTIVITY ? &r->activity
                      : c == C_REQUESTER_UNIT ? &r->requester_unit : &r->supplier_unit;
        if (text[0] != '\0' && !parse_id(text, to)) {
            bad(im, r, c, ACSA_EUSAGE, "\"%s\" is not an id (a whole number above 0)", text);
        }
        break;
    }
    case C_METHOD:
        if (!acsa_method_parse(text, &r->method)) {
            bad(im, r, c, ACSA_EUSAGE, "\"%s\" is not a method: cash, rik or eve", text);
        }
        break;
    case C_NEED_BY:
    case C_DATE:
        if (text[0] != '\0' &&
            acsa_date_parse(text, name, c == C_DATE ? &r->date : &r->need_by, &e) != ACSA_OK) {
            r->bad |= 1u << c;
            problem_from(im, r->row, name, &e, name);
        }
        break;
    case C_CURRENCY:
        r->currency = acsa_currency_find(text);
        if (r->currency == NULL) {
            bad(im, r, c, ACSA_EUSAGE, "\"%s\" is not a known ISO 4217 currency", text);
        }
        break;
    case C_QUANTITY:
        if (acsa_quantity_parse(text, name, &r->quantity, &e) != ACSA_OK) {
            r->bad |= 1u << c;
            problem_from(im, r->row, name, &e, name);
        }
        break;
    case C_PRICE:
        /* Needs the currency: judged after the row's other cells. */
        break;
    case C_COUNT: break;
    }
}

static void parse_price(struct import *im, struct row *r, const char *text)
{
    if (r->currency == NULL || (r->bad & (1u << C_PRICE)) != 0) {
        return; /* Without a currency the decimals cannot be judged; that error is named. */
    }
    struct acsa_error e;
    acsa_error_clear(&e);
    if (acsa_money_parse(text, r->currency->exponent, "price", &r->price, &e) != ACSA_OK) {
        r->bad |= 1u << C_PRICE;
        char message[ACSA_ERROR_MESSAGE_SIZE + 16];
        const char *m = strncmp(e.message, "price: ", 7) == 0 ? e.message + 7 : e.message;
        snprintf(message, sizeof(message), "%s in %s", m, r->currency->code);
        problem(im, r->row, "price", ACSA_EUSAGE, "%s", message);
    }
}

static bool blank(const char *const *fields, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++) {
        if (fields[i][0] != '\0') {
            return false;
        }
    }
    return true;
}

static void read_row(struct import *im, uint32_t number, const char *const *fields,
                     uint32_t count)
{
    struct row *r = &im->rows[im->row_count++];
    memset(r, 0, sizeof(*r));
    r->row = number;
    r->need_by = ACSA_DATE_NONE;
    if (count != im->file_columns) {
        r->bad = ~0u;
        problem(im, number, "", ACSA_EUSAGE, "%u fields, the header has %u", count,
                im->file_columns);
        return;
    }
    for (int c = 0; c < C_COUNT; c++) {
        if (im->map[c] < 0) {
            continue;
        }
        const char *text = fields[im->map[c]];
        struct acsa_error e;
        acsa_error_clear(&e);
        if (acsa_text_check(text, ACSA_TEXT_LINE, columns[c].name, &e) != ACSA_OK) {
            r->bad |= 1u << c;
            problem_from(im, r->row, columns[c].name, &e, columns[c].name);
        } else if (text[0] == '\0') {
            if (columns[c].required) {
                bad(im, r, c, ACSA_EUSAGE, "required");
            }
        } else {
            parse_cell(im, r, c, text);
        }
    }
    if (im->map[C_PRICE] >= 0 && (r->bad & (1u << C_PRICE)) == 0 &&
        fields[im->map[C_PRICE]][0] != '\0') {
        parse_price(im, r, fields[im->map[C_PRICE]]);
    }
}

/* Reads the file: the header, then every row, each cell judged. */
static enum acsa_rc read_file(struct import *im, const char *data, size_t size,
                              struct acsa_error *err)
{
    struct acsa_csv_reader reader;
    ACSA_TRY(acsa_csv_reader_open(&reader, data, size, C_COUNT * 4, err));
    bool header = false;
    enum acsa_rc rc = ACSA_OK;
    for (;;) {
        const char *const *fields = NULL;
        uint32_t count = 0;
        uint32_t column = 0;
        bool end = false;
        struct acsa_error e;
        acsa_error_clear(&e);
        rc = acsa_csv_next(&reader, &fields, &count, &end, &column, &e);
        if (rc != ACSA_OK) {
            char where[16];
            snprintf(where, sizeof(where), "%u", column);
            const char *name = where;
            if (header) {
                for (int c = 0; c < C_COUNT; c++) {
                    if (im->map[c] == (int)column - 1) {
                        name = columns[c].name;
                    }
                }
            }
            const char *m = strstr(e.message, ": ");
            problem(im, reader.row, name, rc, "%s", m != NULL ? m + 2 : e.message);
            rc = acsa_rc_fatal(rc) ? rc : ACSA_OK;
            break;
        }
        if (end) {
            break;
        }
        if (!header) {
            header = true;
            if (!read_header(im, fields, count)) {
                break;
            }
            continue;
        }
        if (blank(fields, count)) {
            continue;
        }
        if (im->row_count == ACSA_IMPORT_ROWS_MAX) {
            problem(im, reader.row, "", ACSA_ELIMIT, "more than %u rows of order lines "
                    "(ACSA_IMPORT_ROWS_MAX); split the file", ACSA_IMPORT_ROWS_MAX);
            im->beyond = true;
            break;
        }
        read_row(im, reader.row, fields, count);
    }
    if (rc == ACSA_OK && !header) {
        problem(im, 0, "", ACSA_EUSAGE, "the file is empty: a header row is required (see "
                "`acsa import template`)");
    } else if (rc == ACSA_OK && im->out->problem_count == 0 && im->row_count == 0) {
        problem(im, 2, "", ACSA_EUSAGE, "no order lines below the header");
    }
    acsa_csv_reader_close(&reader);
    return rc;
}

/* ---- Orders from rows ------------------------------------------------------------------- */

/* A row by its order_ref, for sorting: the rows of one order together, in file order. */
struct keyed {
    const char *ref;
    uint32_t at;                               /* Index into rows (file order). */
};

static int by_ref(const void *a, const void *b)
{
    const struct keyed *x = a;
    const struct keyed *y = b;
    int c = strcmp(x->ref, y->ref);
    return c != 0 ? c : (x->at > y->at) - (x->at < y->at);
}

/* A group of rows: where it starts in the sorted rows and its first row. */
struct group {
    uint32_t first_at;
    uint32_t start;
};

static int by_first_row(const void *a, const void *b)
{
    const struct group *x = a;
    const struct group *y = b;
    return (x->first_at > y->first_at) - (x->first_at < y->first_at);
}

/* Whether two rows of one order hold the same value in order-level column c. */
static bool same(const struct row *a, const struct row *b, int c)
{
    switch ((enum col)c) {
    case C_AGREEMENT: return strcmp(a->agreement, b->agreement) == 0;
    case C_REQUESTER: return strcmp(a->requester, b->requester) == 0;
    case C_SUPPLIER: return strcmp(a->supplier, b->supplier) == 0;
    case C_ACTIVITY: return a->activity == b->activity;
    case C_METHOD: return a->method == b->method;
    case C_REQUESTER_UNIT: return a->requester_unit == b->requester_unit;
    case C_SUPPLIER_UNIT: return a->supplier_unit == b->supplier_unit;
    case C_PLACE: return strcmp(a->place, b->place) == 0;
    case C_NEED_BY: return a->need_by == b->need_by;
    case C_DATE: return a->date == b->date;
    case C_BACKDATE_REASON: return strcmp(a->backdate_reason, b->backdate_reason) == 0;
    case C_CURRENCY: return a->currency == b->currency;
    default: return true;
    }
}

/* Groups the rows by order_ref (rows whose order_ref is in error are left out), checking that
 * each order's rows agree on its order-level columns and that it has no more lines than an
 * order may. */
static enum acsa_rc group_rows(struct import *im, struct acsa_error *err)
{
    im->index = acsa_calloc(im->row_count + 1u, sizeof(*im->index));
    im->group_start = acsa_calloc(im->row_count + 1u, sizeof(*im->group_start));
    struct keyed *keyed = acsa_calloc(im->row_count + 1u, sizeof(*keyed));
    struct group *groups = acsa_calloc(im->row_count + 1u, sizeof(*groups));
    if (im->index == NULL || im->group_start == NULL || keyed == NULL || groups == NULL) {
        acsa_free(keyed);
        acsa_free(groups);
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory grouping the rows");
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i < im->row_count; i++) {
        if ((im->rows[i].bad & (1u << C_REF)) == 0) {
            keyed[n++] = (struct keyed){im->rows[i].ref, i};
        }
    }
    qsort(keyed, n, sizeof(*keyed), by_ref);
    for (uint32_t i = 0; i < n; i++) {
        im->index[i] = keyed[i].at;
        if (i == 0 || strcmp(keyed[i].ref, keyed[i - 1].ref) != 0) {
            groups[im->group_count++] = (struct group){keyed[i].at, i};
        }
    }
    im->indexed = n;
    acsa_free(keyed);
    /* The orders in the order of their first rows. */
    qsort(groups, im->group_count, sizeof(*groups), by_first_row);
    for (uint32_t g = 0; g < im->group_count; g++) {
        im->group_start[g] = groups[g].start;
    }
    acsa_free(groups);
    for (uint32_t g = 0; g < im->group_count; g++) {
        uint32_t lo = im->group_start[g];
        const struct row *first = &im->rows[im->index[lo]];
        uint32_t lines = 0;
        for (uint32_t i = lo; i < n && strcmp(im->rows[im->index[i]].ref, first->ref) == 0;
             i++) {
            struct row *r = &im->rows[im->index[i]];
            if (++lines == ACSA_ORDER_LINES_MAX + 1) {
                problem(im, r->row, "order_ref", ACSA_ELIMIT, "order_ref \"%s\" has more than "
                        "%d lines (ACSA_ORDER_LINES_MAX)", r->ref, ACSA_ORDER_LINES_MAX);
                r->bad |= 1u;
            }
            for (int c = 0; c < C_COUNT && i > lo; c++) {
                uint32_t both = r->bad | first->bad;
                if (columns[c].order_level && c != C_REF && (both & (1u << c)) == 0 &&
                    !same(r, first, c)) {
                    r->bad |= 1u << c;
                    problem(im, r->row, columns[c].name, ACSA_EUSAGE, "differs from row %u, the "
                            "first row of order_ref \"%s\": the rows of one order agree on its "
                            "order-level columns", first->row, first->ref);
                }
            }
        }
    }
    return ACSA_OK;
}

/* The rows of group g: their positions in index, from *out_from, *out_count of them. */
static void group_rows_of(const struct import *im, uint32_t g, uint32_t *out_from,
                          uint32_t *out_count)
{
    uint32_t from = im->group_start[g];
    const char *ref = im->rows[im->index[from]].ref;
    uint32_t to = from;
    while (to < im->indexed && strcmp(im->rows[im->index[to]].ref, ref) == 0) {
        to++;
    }
    *out_from = from;
    *out_count = to - from;
}

/* The column a field of the core or the app names. */
static const char *column_of(const char *field)
{
    static const struct {
        const char *field;
        const char *column;
    } names[] = {
        {"line.category", "category"}, {"line.desc", "description"}, {"line.unit", "unit"},
        {"line.qty", "quantity"},      {"line.price", "price"},      {"line.currency", "currency"},
        {"line.nsn", "nsn"},           {"agreement_id", "agreement"}, {"activity_id", "activity"},
        {"need_by", "need_by"},        {"date", "date"},             {"by", "by"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(field, names[i].field) == 0) {
            return names[i].column;
        }
    }
    for (int c = 0; c < C_COUNT; c++) {
        if (strcmp(field, columns[c].name) == 0) {
            return columns[c].name;
        }
    }
    return field;
}

/* Traces a refusal of an order's create to the row and column it came from. */
static void refusal(struct import *im, const uint32_t *rows, uint32_t count,
                    const struct acsa_error *e)
{
    const struct row *first = &im->rows[rows[0]];
    const char *column = column_of(e->field);
    unsigned line = 0;
    int used = 0;
    if (strncmp(e->field, "line", 4) == 0 && sscanf(e->message, "line %u: %n", &line, &used) == 1 &&
        used > 0 && line >= 1 && line <= count) {
        problem(im, im->rows[rows[line - 1]].row, column, e->rc, "%s", e->message + used);
        return;
    }
    problem_from(im, first->row, column, e, e->field);
}

static void fill_draft(struct import *im, const uint32_t *rows, uint32_t count, int32_t today)
{
    struct acsa_order_draft *d = im->draft;
    memset(d, 0, sizeof(*d));
    const struct row *first = &im->rows[rows[0]];
    memcpy(d->requester, first->requester, sizeof(d->requester));
    memcpy(d->supplier, first->supplier, sizeof(d->supplier));
    d->requester_unit_id = first->requester_unit;
    d->supplier_unit_id = first->supplier_unit;
    d->method = first->method;
    memcpy(d->place, first->place, sizeof(d->place));
    d->need_by_day = first->need_by;
    d->recorded_day = today;
    memcpy(d->backdate_reason, first->backdate_reason, sizeof(d->backdate_reason));
    d->line_count = count;
    for (uint32_t i = 0; i < count; i++) {
        const struct row *r = &im->rows[rows[i]];
        struct acsa_order_line *l = &d->lines[i];
        memcpy(l->category, r->category, sizeof(l->category));
        memcpy(l->description, r->description, sizeof(l->description));
        memcpy(l->nsn, r->nsn, sizeof(l->nsn));
        memcpy(l->unit_of_issue, r->unit, sizeof(l->unit_of_issue));
        l->quantity_milli = r->quantity;
        l->price_minor = r->price;
        memcpy(d->line_currency[i], r->currency->code, ACSA_CURRENCY_SIZE);
    }
}

/* Keeps what a create made of the order of group rows. */
static void keep_created(struct import *im, struct acsa_app *app, const uint32_t *rows,
                         uint32_t count, const char *number)
{
    struct acsa_import_result *out = im->out;
    struct acsa_app_created created;
    acsa_app_order_created(app, &created);
    const struct row *first = &im->rows[rows[0]];
    struct acsa_import_order *o = &out->orders[out->order_count++];
    memcpy(o->ref, first->ref, sizeof(o->ref));
    memcpy(o->number, number, sizeof(o->number));
    o->row = first->row;
    memcpy(o->currency, first->currency->code, sizeof(o->currency));
    o->exponent = first->currency->exponent;
    o->value_minor = created.order->value_minor;
    o->first_line = out->line_count;
    o->line_count = count;
    for (uint32_t i = 0; i < count; i++) {
        const struct row *r = &im->rows[rows[i]];
        struct acsa_import_line *l = &out->lines[out->line_count++];
        l->row = r->row;
        memcpy(l->category, r->category, sizeof(l->category));
        memcpy(l->description, r->description, sizeof(l->description));
        l->quantity_milli = r->quantity;
        memcpy(l->unit, r->unit, sizeof(l->unit));
        l->price_minor = r->price;
        l->value_minor = created.order->lines[i].value_minor;
    }
}

/* Raises every order whose rows are all well, inside the caller's transaction; a refusal is
 * kept as a problem and the next order tried, so that one import reports them all. */
static enum acsa_rc create_orders(struct import *im, struct acsa_app *app, const char *actor,
                                  int32_t today, const struct acsa_user *user,
                                  struct acsa_error *err)
{
    for (uint32_t g = 0; g < im->group_count; g++) {
        uint32_t from = 0;
        uint32_t count = 0;
        group_rows_of(im, g, &from, &count);
        const uint32_t *rows = &im->index[from];
        bool well = count <= ACSA_ORDER_LINES_MAX;
        for (uint32_t i = 0; i < count; i++) {
            well = well && im->rows[rows[i]].bad == 0;
        }
        if (!well) {
            continue;
        }
        fill_draft(im, rows, count, today);
        const struct row *first = &im->rows[rows[0]];
        char number[ACSA_NUMBER_SIZE];
        struct acsa_error e;
        acsa_error_clear(&e);
        struct acsa_order_scope scope = {first->requester, first->supplier,
                                         first->requester_unit, first->supplier_unit};
        if (user != NULL && acsa_authz_create(user, &scope, &e) != ACSA_OK) {
            problem(im, first->row, "requester_unit", ACSA_EFORBIDDEN, "%s", e.message);
            continue;
        }
        enum acsa_rc rc = acsa_app_order_create(app, first->agreement, first->activity,
                                                im->draft, first->date != 0 ? first->date
                                                : today, actor, number, &e);
        if (acsa_rc_fatal(rc)) {
            *err = e;
            return rc;
        }
        if (rc != ACSA_OK) {
            refusal(im, rows, count, &e);
            continue;
        }
        keep_created(im, app, rows, count, number);
    }
    return ACSA_OK;
}

static enum acsa_rc import_body(struct import *im, struct acsa_app *app, const char *data,
                                size_t size, const char *actor, int32_t today,
                                const struct acsa_user *user, struct acsa_error *err)
{
    struct acsa_import_result *out = im->out;
    if (size > ACSA_IMPORT_BYTES_MAX) {
        problem(im, 0, "", ACSA_ELIMIT, "the file is larger than %u bytes "
                "(ACSA_IMPORT_BYTES_MAX); split it", ACSA_IMPORT_BYTES_MAX);
        return ACSA_OK;
    }
    size_t rows = 1;
    for (size_t i = 0; i < size; i++) {
        rows += data[i] == '\n';
    }
    if (rows > ACSA_IMPORT_ROWS_MAX + 2u) {
        rows = ACSA_IMPORT_ROWS_MAX + 2u; /* The reader stops past the limit. */
    }
    im->rows = acsa_calloc(rows, sizeof(*im->rows));
    im->draft = acsa_calloc(1, sizeof(*im->draft));
    if (im->rows == NULL || im->draft == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory reading the import");
    }
    ACSA_TRY(read_file(im, data, size, err));
    if (im->row_count == 0 || im->map[C_REF] < 0 || im->beyond) {
        return ACSA_OK;
    }
    out->rows = im->row_count;
    ACSA_TRY(group_rows(im, err));
    out->orders = acsa_calloc(im->group_count + 1u, sizeof(*out->orders));
    out->lines = acsa_calloc(im->row_count + 1u, sizeof(*out->lines));
    if (out->orders == NULL || out->lines == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory reading the import");
    }
    ACSA_TRY(acsa_app_begin(app, err));
    enum acsa_rc rc = create_orders(im, app, actor, today, user, err);
    if (rc != ACSA_OK || out->problem_count > 0 || out->dry_run) {
        acsa_app_rollback(app);
        return rc;
    }
    char object[64];
    snprintf(object, sizeof(object), "import:%u orders", out->order_count);
    ACSA_TRY(acsa__app_finish(app, ACSA_OK, "order.import", object, err));
    out->created = true;
    return ACSA_OK;
}

/* The problems kept, by row (stable: those of one row in the order found). */
static void sort_problems(struct acsa_import_result *out)
{
    uint32_t kept = out->problem_count < ACSA_IMPORT_ERRORS_MAX ? out->problem_count
                                                                 : ACSA_IMPORT_ERRORS_MAX;
    for (uint32_t i = 1; i < kept; i++) {
        struct acsa_import_problem p = out->problems[i];
        uint32_t k = i;
        while (k > 0 && out->problems[k - 1].row > p.row) {
            out->problems[k] = out->problems[k - 1];
            k--;
        }
        out->problems[k] = p;
    }
}

enum acsa_rc acsa_app_import_orders(struct acsa_app *app, const char *data, size_t size,
                                    bool dry_run, const char *actor, int32_t today,
                                    const struct acsa_user *user,
                                    struct acsa_import_result *out, struct acsa_error *err)
{
    memset(out, 0, sizeof(*out));
    out->dry_run = dry_run;
    acsa_error_clear(err);
    struct import im;
    memset(&im, 0, sizeof(im));
    im.out = out;
    enum acsa_rc rc = import_body(&im, app, data, size, actor, acsa__app_today(today), user,
                                  err);
    acsa_free(im.rows);
    acsa_free(im.index);
    acsa_free(im.group_start);
    acsa_free(im.draft);
    if (rc != ACSA_OK || out->problem_count == 0) {
        return rc;
    }
    out->order_count = 0;
    out->line_count = 0;
    sort_problems(out);
    rc = out->problems[0].rc;
    acsa_error_set(err, rc, "import", "import: %u error%s; nothing was created",
                   out->problem_count, out->problem_count == 1 ? "" : "s");
    return acsa__app_refused(app, rc, "order.import", "import:orders", err);
}

void acsa_import_result_free(struct acsa_import_result *result)
{
    acsa_free(result->orders);
    acsa_free(result->lines);
    result->orders = NULL;
    result->lines = NULL;
}

static void json_money(struct acsa_text *t, int64_t minor, uint8_t exponent)
{
    char buf[ACSA_MONEY_TEXT_SIZE];
    acsa_text_string(t, acsa_money_format(minor, exponent, buf));
}

void acsa_import_json_members(const struct acsa_import_result *r, struct acsa_text *t)
{
    ACSA_TEXT_LIT(t, "\"dry_run\":");
    acsa_text_bool(t, r->dry_run);
    ACSA_TEXT_LIT(t, ",\"created\":");
    acsa_text_bool(t, r->created);
    ACSA_TEXT_LIT(t, ",\"orders\":[");
    for (uint32_t i = 0; i < r->order_count; i++) {
        const struct acsa_import_order *o = &r->orders[i];
        if (i > 0) {
            ACSA_TEXT_LIT(t, ",");
        }
        ACSA_TEXT_LIT(t, "{\"order_ref\":");
        acsa_text_string(t, o->ref);
        ACSA_TEXT_LIT(t, ",\"number\":");
        acsa_text_string(t, o->number);
        ACSA_TEXT_LIT(t, ",\"row\":");
        acsa_text_int(t, o->row);
        ACSA_TEXT_LIT(t, ",\"currency\":");
        acsa_text_string(t, o->currency);
        ACSA_TEXT_LIT(t, ",\"value\":");
        json_money(t, o->value_minor, o->exponent);
        ACSA_TEXT_LIT(t, ",\"lines\":[");
        for (uint32_t k = 0; k < o->line_count; k++) {
            const struct acsa_import_line *l = &r->lines[o->first_line + k];
            char qty[ACSA_MONEY_TEXT_SIZE];
            if (k > 0) {
            ACSA_TEXT_LIT(t, ",");
        }
        ACSA_TEXT_LIT(t, "{\"row\":");
            acsa_text_int(t, l->row);
            ACSA_TEXT_LIT(t, ",\"category\":");
            acsa_text_string(t, l->category);
            ACSA_TEXT_LIT(t, ",\"description\":");
            acsa_text_string(t, l->description);
            ACSA_TEXT_LIT(t, ",\"quantity\":");
            acsa_text_string(t, acsa_quantity_format(l->quantity_milli, qty));
            ACSA_TEXT_LIT(t, ",\"unit\":");
            acsa_text_string(t, l->unit);
            ACSA_TEXT_LIT(t, ",\"price\":");
            json_money(t, l->price_minor, o->exponent);
            ACSA_TEXT_LIT(t, ",\"value\":");
            json_money(t, l->value_minor, o->exponent);
            ACSA_TEXT_LIT(t, "}");
        }
        ACSA_TEXT_LIT(t, "]}");
    }
    ACSA_TEXT_LIT(t, "],\"error_count\":");
    acsa_text_int(t, r->problem_count);
    ACSA_TEXT_LIT(t, ",\"errors\":[");
    uint32_t kept = r->problem_count < ACSA_IMPORT_ERRORS_MAX ? r->problem_count
                                                               : ACSA_IMPORT_ERRORS_MAX;
    for (uint32_t i = 0; i < kept; i++) {
        const struct acsa_import_problem *p = &r->problems[i];
        if (i > 0) {
            ACSA_TEXT_LIT(t, ",");
        }
        ACSA_TEXT_LIT(t, "{\"row\":");
        if (p->row > 0) {
            acsa_text_int(t, p->row);
        } else {
            ACSA_TEXT_LIT(t, "null");
        }
        ACSA_TEXT_LIT(t, ",\"column\":");
        acsa_text_text(t, p->column);
        ACSA_TEXT_LIT(t, ",\"message\":");
        acsa_text_string(t, p->message);
        ACSA_TEXT_LIT(t, "}");
    }
    ACSA_TEXT_LIT(t, "]");
}

void acsa_import_problem_text(const struct acsa_import_problem *p, char *buf, size_t size)
{
    if (p->row == 0) {
        snprintf(buf, size, "%s", p->message);
    } else if (p->column[0] == '\0') {
        snprintf(buf, size, "row %u: %s", p->row, p->message);
    } else {
        snprintf(buf, size, "row %u, column %s: %s", p->row, p->column, p->message);
    }
}
