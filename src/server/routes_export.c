/* SPDX-License-Identifier: MIT */
/* The export routes (docs/API.md "Exports"): GET /api/export/{orders,lines,postings} with the
 * order list's filters as CSV, JSON or XLSX, the orders the user may see; GET
 * /api/export/journal as a ledger, hledger or beancount journal, for the roles that read the
 * balance. The export is written by the same writers as `acsa export` into a download
 * (download.c): the server's memory does not grow with the rows. */
#include "server_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "app_export.h"
#include "date.h"

#define LEN(array) (sizeof(array) / sizeof((array)[0]))

/* Answers with the finished export, named acsa-NAME-TODAY.EXTENSION. */
static void export_answer(struct request *req, struct download *d, const char *content_type,
                          const char *name, const char *extension)
{
    char today[ACSA_DATE_TEXT_SIZE];
    char filename[96];
    snprintf(filename, sizeof(filename), "acsa-%s-%s.%s", name,
             acsa_date_format(req->today, today), extension);
    acsa__server_download_answer(req, d, content_type, filename);
}

/* ---- Orders, lines, postings ------------------------------------------------------------- */

struct table_export {
    struct acsa_export_writer *writer;
    struct acsa_error *err;
};

static enum acsa_rc row_out(void *ctx, const struct acsa_export_row *row)
{
    struct table_export *e = ctx;
    return acsa_export_writer_row(e->writer, row, e->err);
}

struct table_args {
    enum acsa_export_kind kind;
    enum acsa_export_format format;
    struct acsa_order_filter filter;
    int32_t from_day;
    int32_t to_day;
    bool excel;
};

static enum acsa_rc table_write(struct request *req, const struct table_args *a,
                                const char *path, struct acsa_error *err)
{
    struct table_export e = {NULL, err};
    ACSA_TRY(acsa_export_writer_open(a->format, a->kind, path, a->excel, &e.writer, err));
    enum acsa_rc rc = acsa_app_export_table(acsa__server_reader(req), a->kind, &a->filter,
                                            &req->user, a->from_day, a->to_day, row_out, &e,
                                            err);
    if (rc != ACSA_OK) {
        acsa_export_writer_abort(e.writer);
        return rc;
    }
    return acsa_export_writer_close(e.writer, err);
}

/* The query: format, the order list's filters, and for postings from and to. */
static bool table_query(struct request *req, struct table_args *a)
{
    char format[16] = "";
    bool overdue = false;
    int32_t as_of = req->today;
    struct acsa_order_filter *f = &a->filter;
    struct json_in_field query[] = {
        JIN("format", JIN_TEXT, true, format, sizeof(format)),
        JIN("state", JIN_STATE, false, &f->state, 0),
        JIN("agreement", JIN_TEXT, false, f->agreement_id, sizeof(f->agreement_id)),
        JIN("activity", JIN_ID, false, &f->activity_id, 0),
        JIN("partner", JIN_NATION, false, f->partner, 0),
        JIN("overdue", JIN_BOOL, false, &overdue, 0),
        JIN("as_of", JIN_DATE, false, &as_of, 0),
        JIN("q", JIN_TEXT, false, f->search, sizeof(f->search)),
        JIN("from", JIN_DATE, false, &a->from_day, 0),
        JIN("to", JIN_DATE, false, &a->to_day, 0),
        JIN("excel", JIN_BOOL, false, &a->excel, 0),
    };
    if (!acsa__server_query_parse(req, query, LEN(query))) {
        return false;
    }
    if (!acsa_export_format_parse(format, &a->format)) {
        acsa__server_problem(req, 400, "format", "format: one of csv, json, xlsx");
        return false;
    }
    if (query[6].seen && !overdue) {
        acsa__server_problem(req, 400, "as_of", "as_of: needs overdue=true");
        return false;
    }
    if (a->kind != ACSA_EXPORT_POSTINGS && (query[8].seen || query[9].seen)) {
        acsa__server_problem(req, 400, query[8].seen ? "from" : "to",
                             "%s: only for postings", query[8].seen ? "from" : "to");
        return false;
    }
    if (a->excel && a->format != ACSA_EXPORT_CSV) {
        acsa__server_problem(req, 400, "excel", "excel: only with format=csv");
        return false;
    }
    f->state_set = query[1].seen;
    if (overdue) {
        acsa_order_overdue_rule(as_of, &f->due);
    }
    return true;
}

void acsa__server_route_export(struct request *req)
{
    struct table_args a;
    memset(&a, 0, sizeof(a));
    a.from_day = ACSA_DATE_NONE;
    a.to_day = ACSA_DATE_NONE;
    if (!acsa_export_kind_parse(req->params[0], &a.kind)) {
        acsa__server_problem(req, 404, "kind", "no export \"%s\": orders, lines, postings, "
                             "documents or journal", req->params[0]);
        return;
    }
    if (!table_query(req, &a)) {
        return;
    }
    struct acsa_error err;
    acsa_error_clear(&err);
    struct download d;
    enum acsa_rc rc = acsa__server_download_make(&d, &err);
    if (rc == ACSA_OK) {
        rc = table_write(req, &a, d.path, &err);
    }
    if (rc != ACSA_OK) {
        acsa__server_download_drop(&d);
        acsa__server_problem_rc(req, rc, &err);
        return;
    }
    export_answer(req, &d, acsa_export_content_type(a.format), acsa_export_kind_name(a.kind),
                acsa_export_format_name(a.format));
}

/* ---- The journal ------------------------------------------------------------------------- */

static enum acsa_rc journal_write(struct request *req, enum acsa_journal_format format,
                                  int32_t from_day, int32_t to_day, const char *path,
                                  struct acsa_error *err)
{
    FILE *file = fopen(path, "wb");
    if (file == NULL) {
        return acsa_error_set(err, ACSA_ESTORAGE, NULL, "cannot write the journal: %s",
                              strerror(errno));
    }
    enum acsa_rc rc = acsa_app_export_journal(acsa__server_reader(req), file, "the journal",
                                              format, from_day, to_day, NULL, err);
    if (fclose(file) != 0 && rc == ACSA_OK) {
        rc = acsa_error_set(err, ACSA_ESTORAGE, NULL, "cannot write the journal: %s",
                            strerror(errno));
    }
    return rc;
}

void acsa__server_route_export_journal(struct request *req)
{
    char text[16] = "";
    int32_t from_day = ACSA_DATE_NONE;
    int32_t to_day = ACSA_DATE_NONE;
    struct json_in_field query[] = {
        JIN("format", JIN_TEXT, true, text, sizeof(text)),
        JIN("from", JIN_DATE, false, &from_day, 0),
        JIN("to", JIN_DATE, false, &to_day, 0),
    };
    if (!acsa__server_query_parse(req, query, LEN(query))) {
        return;
    }
    enum acsa_journal_format format;
    if (!acsa_journal_format_parse(text, &format)) {
        acsa__server_problem(req, 400, "format", "format: one of ledger, hledger, beancount");
        return;
    }
    if (from_day != ACSA_DATE_NONE && to_day != ACSA_DATE_NONE && from_day > to_day) {
        acsa__server_problem(req, 400, "from", "from: after to");
        return;
    }
    struct acsa_error err;
    acsa_error_clear(&err);
    struct download d;
    enum acsa_rc rc = acsa__server_download_make(&d, &err);
    if (rc == ACSA_OK) {
        rc = journal_write(req, format, from_day, to_day, d.path, &err);
    }
    if (rc != ACSA_OK) {
        acsa__server_download_drop(&d);
        acsa__server_problem_rc(req, rc, &err);
        return;
    }
    export_answer(req, &d, "text/plain; charset=utf-8", "journal",
                acsa_journal_extension(format));
}
