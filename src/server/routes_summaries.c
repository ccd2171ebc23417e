/* SPDX-License-Identifier: MIT */
/* GET /api/reports/{statement, open, unliquidated, by-method, yearly, missing}: the reports
 * of requirement 15, read by the application (the CLI's reports too), each row under the
 * columns' keys. JSON comes in pages like every list ({items, next_cursor}); ?format=csv
 * answers the whole report as one CSV attachment (text/csv; RFC 4180, csv.h). Who may read
 * them is who may read the balance (READ_FINANCE); the open and missing reports list only the
 * orders the user may see. */
#include "server_int.h"
#include "alloc.h"

#include <string.h>

#include "csv.h"

#define LEN(array) (sizeof(array) / sizeof((array)[0]))
#define FORMAT_SIZE 8

struct report_answer {
    struct page page;
    enum acsa_report_table table;
    bool csv;
    struct acsa_text text;                /* The CSV, when asked for. */
    uint64_t rows;                        /* Rows offered: the page keys. */
    bool scan_all;                        /* Read past a full page (the totals count all). */
    const struct acsa_user *user;
    const char *nation;
};

static enum acsa_rc answer_row(struct report_answer *a, const struct acsa_report_cells *cells)
{
    size_t count = 0;
    (void)acsa_report_columns(a->table, &count);
    if (a->csv) {
        const char *fields[ACSA_REPORT_COLUMNS_MAX];
        for (size_t i = 0; i < count; i++) {
            fields[i] = strcmp(cells->cells[i], "-") == 0 ? "" : cells->cells[i];
        }
        acsa_csv_row(&a->text, fields, count);
        return a->text.failed ? ACSA_ENOMEM : ACSA_OK;
    }
    char key[24];
    snprintf(key, sizeof(key), "%012llu", (unsigned long long)++a->rows);
    enum acsa_rc rc = acsa__server_page_offer(&a->page, key,
                                              acsa_report_row_json(a->table, cells));
    return rc == PAGE_FULL && a->scan_all ? ACSA_OK : rc;
}

/* Reads ?format= (json or csv) besides the report's own parameters; false after a 400. */
static bool answer_begin(struct request *req, struct report_answer *a,
                         enum acsa_report_table table, struct json_in_field *params,
                         size_t count)
{
    memset(a, 0, sizeof(*a));
    a->table = table;
    a->user = &req->user;
    acsa__server_page_init(&a->page, true);
    char format[FORMAT_SIZE] = "json";
    struct json_in_field query[8] = {
        PAGE_QUERY(&a->page),
        JIN("format", JIN_TEXT, false, format, sizeof(format)),
    };
    size_t n = 3;
    for (size_t i = 0; i < count && n < LEN(query); i++) {
        query[n++] = params[i];
    }
    if (!acsa__server_query_parse(req, query, n)) {
        return false;
    }
    for (size_t i = 0; i < count; i++) {
        params[i].seen = query[3 + i].seen;
    }
    if (strcmp(format, "json") != 0 && strcmp(format, "csv") != 0) {
        acsa__server_problem(req, 400, "format", "format: \"%s\" is not json or csv", format);
        return false;
    }
    a->csv = strcmp(format, "csv") == 0;
    if (a->csv) {
        size_t columns = 0;
        const struct acsa_report_column *c = acsa_report_columns(table, &columns);
        const char *headers[ACSA_REPORT_COLUMNS_MAX];
        for (size_t i = 0; i < columns; i++) {
            headers[i] = c[i].header;
        }
        acsa_text_init(&a->text, 4096);
        acsa_csv_row(&a->text, headers, columns);
    }
    return true;
}

/* Answers the report: the CSV attachment named name, or the page with extra members. */
static void answer_end(struct request *req, struct report_answer *a, enum acsa_rc rc,
                       const struct acsa_error *err, const char *name, json_t *extra)
{
    if (!a->csv) {
        acsa__server_page_respond(req, &a->page, rc, err, extra);
        return;
    }
    json_decref(extra);
    size_t size = 0;
    char *text = acsa_text_take(&a->text, &size);
    if (rc != ACSA_OK) {
        acsa_free(text);
        acsa__server_problem_rc(req, rc, err);
        return;
    }
    if (text == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return;
    }
    acsa__server_response_text(req, 200, "text/csv; charset=utf-8", text, size);
    acsa__server_response_header(req, "Content-Disposition", "attachment; filename=\"%s.csv\"",
                                 name);
}

/* ---- statement ------------------------------------------------------------------------ */

static enum acsa_rc statement_offer(void *ctx, const struct acsa_statement_line *line)
{
    struct acsa_report_cells cells;
    acsa_report_statement_cells(line, &cells);
    return answer_row(ctx, &cells);
}

void acsa__server_route_report_statement(struct request *req)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    struct report_answer *a = acsa_calloc(1, sizeof(*a));
    if (a == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return;
    }
    char partner[ACSA_NATION_SIZE] = "";
    int32_t from = ACSA_DATE_NONE;
    int32_t to = ACSA_DATE_NONE;
    const struct acsa_currency *currency = NULL;
    struct json_in_field params[] = {
        JIN("partner", JIN_NATION, true, partner, 0),
        JIN("from", JIN_DATE, true, &from, 0),
        JIN("to", JIN_DATE, true, &to, 0),
        JIN("currency", JIN_CURRENCY, false, &currency, 0),
    };
    if (answer_begin(req, a, ACSA_REPORT_STATEMENT, params, LEN(params))) {
        enum acsa_rc rc = acsa_app_statement(acsa__server_reader(req), partner,
                                             currency != NULL ? currency->code : "", from, to,
                                             statement_offer, a, &err);
        char name[64];
        char f[ACSA_DATE_TEXT_SIZE];
        char t[ACSA_DATE_TEXT_SIZE];
        snprintf(name, sizeof(name), "statement-%s-%s-%s", partner, acsa_date_format(from, f),
                 acsa_date_format(to, t));
        answer_end(req, a, rc, &err, name,
                   json_pack("{s:o, s:o, s:o}", "partner", acsa_json_string(partner), "from",
                             acsa_json_date(from), "to", acsa_json_date(to)));
    }
    acsa_free(a);
}

/* ---- open ----------------------------------------------------------------------------- */

static enum acsa_rc open_offer(void *ctx, const struct acsa_open_item *item)
{
    struct report_answer *a = ctx;
    struct acsa_report_cells cells;
    acsa_report_open_cells(a->nation, item, &cells);
    return answer_row(a, &cells);
}

static json_t *open_totals_json(const struct acsa_open_totals *totals, int32_t as_of)
{
    json_t *items = json_array();
    for (size_t i = 0; items != NULL && i < totals->count; i++) {
        struct acsa_report_cells cells;
        acsa_report_open_total_cells(&totals->items[i], &cells);
        if (json_array_append_new(items, acsa_report_row_json(ACSA_REPORT_OPEN_TOTALS,
                                                              &cells)) != 0) {
            json_decref(items);
            items = NULL;
        }
    }
    return json_pack("{s:o, s:o}", "as_of", acsa_json_date(as_of), "totals", items);
}

void acsa__server_route_report_open(struct request *req)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    struct report_answer *a = acsa_calloc(1, sizeof(*a));
    if (a == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return;
    }
    int32_t as_of = req->today;
    struct json_in_field params[] = {JIN("as_of", JIN_DATE, false, &as_of, 0)};
    if (answer_begin(req, a, ACSA_REPORT_OPEN, params, LEN(params))) {
        struct acsa_app *reader = acsa__server_reader(req);
        a->nation = acsa_app_nation(reader);
        a->scan_all = true;
        struct acsa_open_totals totals;
        memset(&totals, 0, sizeof(totals));
        enum acsa_rc rc = acsa_app_open_orders(reader, as_of, &req->user, open_offer, a,
                                               &totals, &err);
        answer_end(req, a, rc, &err, "open", rc == ACSA_OK || rc == PAGE_FULL
                                                 ? open_totals_json(&totals, as_of)
                                                 : NULL);
        acsa_app_open_totals_free(&totals);
    }
    acsa_free(a);
}

/* ---- unliquidated, by-method, yearly -------------------------------------------------- */

static enum acsa_rc unliquidated_offer(void *ctx, const struct acsa_unliquidated_row *row)
{
    struct acsa_report_cells cells;
    acsa_report_unliquidated_cells(row, &cells);
    return answer_row(ctx, &cells);
}

void acsa__server_route_report_unliquidated(struct request *req)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    struct report_answer *a = acsa_calloc(1, sizeof(*a));
    if (a == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return;
    }
    char partner[ACSA_NATION_SIZE] = "";
    struct json_in_field params[] = {JIN("partner", JIN_NATION, false, partner, 0)};
    if (answer_begin(req, a, ACSA_REPORT_UNLIQUIDATED, params, LEN(params))) {
        enum acsa_rc rc = acsa_app_unliquidated(acsa__server_reader(req), partner,
                                                unliquidated_offer, a, &err);
        answer_end(req, a, rc, &err, "unliquidated", NULL);
    }
    acsa_free(a);
}

static enum acsa_rc method_offer(void *ctx, const struct acsa_method_row *row)
{
    struct acsa_report_cells cells;
    acsa_report_method_cells(row, &cells);
    return answer_row(ctx, &cells);
}

void acsa__server_route_report_by_method(struct request *req)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    struct report_answer *a = acsa_calloc(1, sizeof(*a));
    if (a == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return;
    }
    if (answer_begin(req, a, ACSA_REPORT_BY_METHOD, NULL, 0)) {
        enum acsa_rc rc = acsa_app_by_method(acsa__server_reader(req), method_offer, a, &err);
        answer_end(req, a, rc, &err, "by-method", NULL);
    }
    acsa_free(a);
}

static enum acsa_rc yearly_offer(void *ctx, const struct acsa_yearly_row *row)
{
    struct acsa_report_cells cells;
    acsa_report_yearly_cells(row, &cells);
    return answer_row(ctx, &cells);
}

void acsa__server_route_report_yearly(struct request *req)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    struct report_answer *a = acsa_calloc(1, sizeof(*a));
    if (a == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return;
    }
    uint32_t year = 0;
    struct json_in_field params[] = {
        {"year", JIN_COUNT, true, &year, 0, 1900, 9999, false},
    };
    if (answer_begin(req, a, ACSA_REPORT_YEARLY, params, LEN(params))) {
        enum acsa_rc rc = acsa_app_yearly(acsa__server_reader(req), (int32_t)year,
                                          yearly_offer, a, &err);
        char name[32];
        snprintf(name, sizeof(name), "yearly-%u", (unsigned)year);
        answer_end(req, a, rc, &err, name, json_pack("{s:i}", "year", (int)year));
    }
    acsa_free(a);
}

/* ---- missing -------------------------------------------------------------------------- */

static enum acsa_rc missing_offer(void *ctx, const struct acsa_missing_item *item)
{
    struct acsa_report_cells cells;
    acsa_report_missing_cells(item, &cells);
    return answer_row(ctx, &cells);
}

void acsa__server_route_report_missing(struct request *req)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    struct report_answer *a = acsa_calloc(1, sizeof(*a));
    if (a == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return;
    }
    int32_t as_of = req->today;
    struct json_in_field params[] = {JIN("as_of", JIN_DATE, false, &as_of, 0)};
    if (answer_begin(req, a, ACSA_REPORT_MISSING, params, LEN(params))) {
        enum acsa_rc rc = acsa_app_missing(acsa__server_reader(req), as_of, &req->user,
                                           missing_offer, a, &err);
        answer_end(req, a, rc, &err, "missing",
                   json_pack("{s:o}", "as_of", acsa_json_date(as_of)));
    }
    acsa_free(a);
}
