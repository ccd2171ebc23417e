/* SPDX-License-Identifier: MIT */
/* GET /api/reports/{statement, open, unliquidated, by-method, yearly, missing}: the reports
 * of requirement 15, read by the application (the CLI's reports too), each row under the
 * columns' keys. JSON comes in pages like every list ({items, next_cursor}); ?format=csv
 * answers the whole report as one CSV attachment (text/csv; RFC 4180, csv.h), written row by
 * row into a download (download.c), so memory does not grow with the report. Who may read
 * them is who may read the balance (READ_FINANCE); the open and missing reports list only the
 * orders the user may see. Each report is a struct report_kind (its parameters and how it
 * runs), and one route answers them all. */
#include "server_int.h"
#include "alloc.h"

#include <string.h>

#define LEN(array) (sizeof(array) / sizeof((array)[0]))
#define FORMAT_SIZE 8
#define REPORT_PARAMS_MAX 4

/* The parameters of every report; each reads those it names. */
struct report_params {
    char partner[ACSA_NATION_SIZE];
    int32_t from;
    int32_t to;
    int32_t as_of;
    const struct acsa_currency *currency;
    uint32_t year;
};

struct report_answer {
    struct page page;
    enum acsa_report_table table;
    bool csv;
    struct download download;             /* The CSV, when asked for. */
    uint64_t rows;                        /* Rows offered: the page keys. */
    bool scan_all;                        /* Read past a full page (the totals count all). */
    const char *nation;
    struct report_params p;
    char name[64];                        /* The CSV attachment is NAME.csv. */
    json_t *extra;                        /* Members of the JSON answer beside the items. */
    struct acsa_error err;
};

struct report_kind {
    enum acsa_report_table table;
    /* The report's own query parameters into out (at most REPORT_PARAMS_MAX); returns their
     * count. */
    size_t (*params)(struct report_params *p, struct json_in_field *out);
    /* Runs the report, its rows through answer_row; sets a->name and a->extra. */
    enum acsa_rc (*run)(struct request *req, struct report_answer *a);
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
        return acsa__server_download_row(&a->download, fields, count, &a->err);
    }
    char key[24];
    snprintf(key, sizeof(key), "%012llu", (unsigned long long)++a->rows);
    enum acsa_rc rc = acsa__server_page_offer(&a->page, key,
                                              acsa_report_row_json(a->table, cells));
    return rc == PAGE_FULL && a->scan_all ? ACSA_OK : rc;
}

/* Reads ?format= (json or csv) besides the report's own parameters, and with csv begins the
 * download with the header row; false after answering the problem. */
static bool answer_begin(struct request *req, struct report_answer *a,
                         const struct json_in_field *params, size_t count)
{
    char format[FORMAT_SIZE] = "json";
    struct json_in_field query[3 + REPORT_PARAMS_MAX] = {
        PAGE_QUERY(&a->page),
        JIN("format", JIN_TEXT, false, format, sizeof(format)),
    };
    ACSA_ASSERT(count <= REPORT_PARAMS_MAX);
    memcpy(&query[3], params, count * sizeof(*params));
    if (!acsa__server_query_parse(req, query, 3 + count)) {
        return false;
    }
    if (strcmp(format, "json") != 0 && strcmp(format, "csv") != 0) {
        acsa__server_problem(req, 400, "format", "format: \"%s\" is not json or csv", format);
        return false;
    }
    a->csv = strcmp(format, "csv") == 0;
    if (!a->csv) {
        return true;
    }
    size_t columns = 0;
    const struct acsa_report_column *c = acsa_report_columns(a->table, &columns);
    const char *headers[ACSA_REPORT_COLUMNS_MAX];
    for (size_t i = 0; i < columns; i++) {
        headers[i] = c[i].header;
    }
    enum acsa_rc rc = acsa__server_download_csv(&a->download, headers, columns, &a->err);
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &a->err);
        return false;
    }
    return true;
}

/* Answers the report: the CSV attachment, or the page with the extra members. */
static void answer_end(struct request *req, struct report_answer *a, enum acsa_rc rc)
{
    json_t *extra = a->extra;
    a->extra = NULL;
    if (!a->csv) {
        acsa__server_page_respond(req, &a->page, rc, &a->err, extra);
        return;
    }
    json_decref(extra);
    if (rc != ACSA_OK) {
        acsa__server_download_drop(&a->download);
        acsa__server_problem_rc(req, rc, &a->err);
        return;
    }
    char filename[80];
    snprintf(filename, sizeof(filename), "%s.csv", a->name);
    acsa__server_download_answer(req, &a->download, "text/csv; charset=utf-8", filename);
}

/* The one route of every report. */
static void report_route(struct request *req, const struct report_kind *kind)
{
    struct report_answer *a = acsa_calloc(1, sizeof(*a));
    if (a == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return;
    }
    acsa_error_clear(&a->err);
    a->table = kind->table;
    acsa__server_page_init(&a->page, true);
    a->p.from = ACSA_DATE_NONE;
    a->p.to = ACSA_DATE_NONE;
    a->p.as_of = req->today;
    struct json_in_field params[REPORT_PARAMS_MAX];
    size_t count = kind->params(&a->p, params);
    if (answer_begin(req, a, params, count)) {
        answer_end(req, a, kind->run(req, a));
    }
    acsa_free(a);
}

static size_t no_params(struct report_params *p, struct json_in_field *out)
{
    (void)p;
    (void)out;
    return 0;
}

static size_t as_of_param(struct report_params *p, struct json_in_field *out)
{
    out[0] = (struct json_in_field)JIN("as_of", JIN_DATE, false, &p->as_of, 0);
    return 1;
}

/* ---- statement ------------------------------------------------------------------------ */

static enum acsa_rc statement_offer(void *ctx, const struct acsa_statement_line *line)
{
    struct acsa_report_cells cells;
    acsa_report_statement_cells(line, &cells);
    return answer_row(ctx, &cells);
}

static size_t statement_params(struct report_params *p, struct json_in_field *out)
{
    const struct json_in_field params[] = {
        JIN("partner", JIN_NATION, true, p->partner, 0),
        JIN("from", JIN_DATE, true, &p->from, 0),
        JIN("to", JIN_DATE, true, &p->to, 0),
        JIN("currency", JIN_CURRENCY, false, &p->currency, 0),
    };
    memcpy(out, params, sizeof(params));
    return LEN(params);
}

static enum acsa_rc statement_run(struct request *req, struct report_answer *a)
{
    const struct report_params *p = &a->p;
    char f[ACSA_DATE_TEXT_SIZE];
    char t[ACSA_DATE_TEXT_SIZE];
    snprintf(a->name, sizeof(a->name), "statement-%s-%s-%s", p->partner,
             acsa_date_format(p->from, f), acsa_date_format(p->to, t));
    a->extra = json_pack("{s:o, s:o, s:o}", "partner", acsa_json_string(p->partner), "from",
                         acsa_json_date(p->from), "to", acsa_json_date(p->to));
    return acsa_app_statement(acsa__server_reader(req), p->partner,
                              p->currency != NULL ? p->currency->code : "", p->from, p->to,
                              statement_offer, a, &a->err);
}

void acsa__server_route_report_statement(struct request *req)
{
    static const struct report_kind kind = {ACSA_REPORT_STATEMENT, statement_params,
                                            statement_run};
    report_route(req, &kind);
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

static enum acsa_rc open_run(struct request *req, struct report_answer *a)
{
    struct acsa_app *reader = acsa__server_reader(req);
    a->nation = acsa_app_nation(reader);
    a->scan_all = true;
    snprintf(a->name, sizeof(a->name), "open");
    struct acsa_open_totals totals;
    memset(&totals, 0, sizeof(totals));
    enum acsa_rc rc = acsa_app_open_orders(reader, a->p.as_of, &req->user, open_offer, a,
                                           &totals, &a->err);
    if (rc == ACSA_OK || rc == PAGE_FULL) {
        a->extra = open_totals_json(&totals, a->p.as_of);
    }
    acsa_app_open_totals_free(&totals);
    return rc;
}

void acsa__server_route_report_open(struct request *req)
{
    static const struct report_kind kind = {ACSA_REPORT_OPEN, as_of_param, open_run};
    report_route(req, &kind);
}

/* ---- unliquidated, by-method, yearly -------------------------------------------------- */

static enum acsa_rc unliquidated_offer(void *ctx, const struct acsa_unliquidated_row *row)
{
    struct acsa_report_cells cells;
    acsa_report_unliquidated_cells(row, &cells);
    return answer_row(ctx, &cells);
}

static size_t partner_param(struct report_params *p, struct json_in_field *out)
{
    out[0] = (struct json_in_field)JIN("partner", JIN_NATION, false, p->partner, 0);
    return 1;
}

static enum acsa_rc unliquidated_run(struct request *req, struct report_answer *a)
{
    snprintf(a->name, sizeof(a->name), "unliquidated");
    return acsa_app_unliquidated(acsa__server_reader(req), a->p.partner, unliquidated_offer, a,
                                 &a->err);
}

void acsa__server_route_report_unliquidated(struct request *req)
{
    static const struct report_kind kind = {ACSA_REPORT_UNLIQUIDATED, partner_param,
                                            unliquidated_run};
    report_route(req, &kind);
}

static enum acsa_rc method_offer(void *ctx, const struct acsa_method_row *row)
{
    struct acsa_report_cells cells;
    acsa_report_method_cells(row, &cells);
    return answer_row(ctx, &cells);
}

static enum acsa_rc method_run(struct request *req, struct report_answer *a)
{
    snprintf(a->name, sizeof(a->name), "by-method");
    return acsa_app_by_method(acsa__server_reader(req), method_offer, a, &a->err);
}

void acsa__server_route_report_by_method(struct request *req)
{
    static const struct report_kind kind = {ACSA_REPORT_BY_METHOD, no_params, method_run};
    report_route(req, &kind);
}

static enum acsa_rc yearly_offer(void *ctx, const struct acsa_yearly_row *row)
{
    struct acsa_report_cells cells;
    acsa_report_yearly_cells(row, &cells);
    return answer_row(ctx, &cells);
}

static size_t year_param(struct report_params *p, struct json_in_field *out)
{
    out[0] = (struct json_in_field){"year", JIN_COUNT, true, &p->year, 0, 1900, 9999, false};
    return 1;
}

static enum acsa_rc yearly_run(struct request *req, struct report_answer *a)
{
    snprintf(a->name, sizeof(a->name), "yearly-%u", (unsigned)a->p.year);
    a->extra = json_pack("{s:i}", "year", (int)a->p.year);
    return acsa_app_yearly(acsa__server_reader(req), (int32_t)a->p.year, yearly_offer, a,
                           &a->err);
}

void acsa__server_route_report_yearly(struct request *req)
{
    static const struct report_kind kind = {ACSA_REPORT_YEARLY, year_param, yearly_run};
    report_route(req, &kind);
}

/* ---- missing -------------------------------------------------------------------------- */

static enum acsa_rc missing_offer(void *ctx, const struct acsa_missing_item *item)
{
    struct acsa_report_cells cells;
    acsa_report_missing_cells(item, &cells);
    return answer_row(ctx, &cells);
}

static enum acsa_rc missing_run(struct request *req, struct report_answer *a)
{
    snprintf(a->name, sizeof(a->name), "missing");
    a->extra = json_pack("{s:o}", "as_of", acsa_json_date(a->p.as_of));
    return acsa_app_missing(acsa__server_reader(req), a->p.as_of, &req->user, missing_offer, a,
                            &a->err);
}

void acsa__server_route_report_missing(struct request *req)
{
    static const struct report_kind kind = {ACSA_REPORT_MISSING, as_of_param, missing_run};
    report_route(req, &kind);
}
