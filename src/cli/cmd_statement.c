/* SPDX-License-Identifier: MIT */
/* The reports of requirement 15: acsa report statement, open, unliquidated, by-method,
 * yearly and missing. Each is a read of the application (app_reads.h) whose columns and
 * cells are the application's too, printed as a table, streamed as JSON (--json) or as CSV
 * (--csv, --excel). */
#include "cli.h"

#include <string.h>

/* One report table: the application's columns as the CLI's. */
struct report_out {
    struct cli_list list;
    enum acsa_report_table table;
    struct cli_column columns[ACSA_REPORT_COLUMNS_MAX];
    size_t column_count;
    const char *nation;
};

static void columns_of(struct report_out *r, enum acsa_report_table table)
{
    r->table = table;
    const struct acsa_report_column *c = acsa_report_columns(table, &r->column_count);
    for (size_t i = 0; i < r->column_count; i++) {
        r->columns[i].header = c[i].header;
        r->columns[i].width = c[i].width;
        /* Amounts are the right-aligned decimal strings; counts and days are integers. */
        r->columns[i].right = c[i].right && !c[i].integer ? CLI_AMOUNT : c[i].right;
    }
}

static void report_begin(struct report_out *r, struct cli *cli, struct acsa_app *app,
                         enum acsa_report_table table)
{
    memset(r, 0, sizeof(*r));
    columns_of(r, table);
    r->nation = acsa_app_nation(app);
    cli_list_begin(&r->list, cli, app, r->columns, r->column_count);
}

static enum acsa_rc report_row(struct report_out *r, const struct acsa_report_cells *cells)
{
    if (r->list.out.json) {
        return cli_out_json(&r->list.out, acsa_report_row_json(r->table, cells));
    }
    return cli_out_cells(&r->list.out, cells->cells);
}

/* ---- statement ------------------------------------------------------------------------ */

struct statement_args {
    char partner[ACSA_NATION_SIZE];
    int32_t from;
    int32_t to;
    const struct acsa_currency *currency;
};

static enum acsa_rc statement_row(void *ctx, const struct acsa_statement_line *line)
{
    struct acsa_report_cells cells;
    acsa_report_statement_cells(line, &cells);
    return report_row(ctx, &cells);
}

static int statement_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const struct statement_args *a = ctx;
    struct report_out r;
    report_begin(&r, cli, app, ACSA_REPORT_STATEMENT);
    enum acsa_rc rc = acsa_app_statement(app, a->partner,
                                         a->currency != NULL ? a->currency->code : "", a->from,
                                         a->to, statement_row, &r, &cli->err);
    return cli_list_end(&r.list, rc);
}

/* Dates of a period: --from after --to is refused naming both. */
static int period_check(struct cli *cli, int32_t from, int32_t to)
{
    if (from > to) {
        char f[ACSA_DATE_TEXT_SIZE];
        char t[ACSA_DATE_TEXT_SIZE];
        return cli_usage(cli, "--from (%s) is after --to (%s)", acsa_date_format(from, f),
                         acsa_date_format(to, t));
    }
    return CLI_CONTINUE;
}

int cli_report_statement(struct cli *cli, int argc, char **argv)
{
    struct statement_args a;
    memset(&a, 0, sizeof(a));
    struct cli_option options[] = {
        CLI_OPT("partner", CLI_NATION, true, a.partner, 0, "CC", "the partner"),
        CLI_OPT("from", CLI_DATE, true, &a.from, 0, "DATE", "first day of the period"),
        CLI_OPT("to", CLI_DATE, true, &a.to, 0, "DATE", "last day of the period"),
        CLI_OPT("currency", CLI_CURRENCY, false, &a.currency, 0, "CUR", "only this currency"),
    };
    struct cli_command cmd = {"The statement of account with a partner for a period: per "
                              "currency, in cash and in kind, the opening balance, every "
                              "posting with its order, invoice, step and running balance, "
                              "and the closing balance (positive: the partner owes us).",
                              NULL, 0, NULL, true, options, CLI_LEN(options)};
    cmd.outputs |= CLI_CSV;
    int code = cli_parse(cli, &cmd, argc, argv);
    code = code != CLI_CONTINUE ? code : period_check(cli, a.from, a.to);
    return code != CLI_CONTINUE ? code : cli_with_app(cli, statement_in, &a);
}

/* ---- open ----------------------------------------------------------------------------- */

struct open_report {
    struct report_out r;
    struct acsa_open_totals totals;
};

static enum acsa_rc open_row(void *ctx, const struct acsa_open_item *item)
{
    struct report_out *r = ctx;
    struct acsa_report_cells cells;
    acsa_report_open_cells(r->nation, item, &cells);
    return report_row(r, &cells);
}

static enum acsa_rc open_totals_print(struct cli *cli, struct open_report *o)
{
    struct report_out t;
    memset(&t, 0, sizeof(t));
    columns_of(&t, ACSA_REPORT_OPEN_TOTALS);
    cli_out_begin(&t.list.out, stdout, cli->json, t.columns, t.column_count);
    t.list.out.nested = true;
    enum acsa_rc rc = ACSA_OK;
    for (size_t i = 0; rc == ACSA_OK && i < o->totals.count; i++) {
        struct acsa_report_cells cells;
        acsa_report_open_total_cells(&o->totals.items[i], &cells);
        rc = report_row(&t, &cells);
    }
    return cli_out_end(&t.list.out, rc);
}

static enum acsa_rc open_sections(struct cli *cli, struct acsa_app *app, int32_t as_of,
                                  struct open_report *o)
{
    if (cli->csv) {
        /* CSV is one table: the orders. */
        report_begin(&o->r, cli, app, ACSA_REPORT_OPEN);
        return cli_out_end(&o->r.list.out, acsa_app_open_orders(app, as_of, NULL, open_row,
                                                                &o->r, NULL, &cli->err));
    }
    char date[ACSA_DATE_TEXT_SIZE];
    acsa_date_format(as_of, date);
    if (cli->json) {
        printf("{\n\"as_of\": \"%s\",\n\"orders\": ", date);
    } else {
        printf("Open orders as of %s (age: days since raised)\n", date);
    }
    memset(&o->r, 0, sizeof(o->r));
    columns_of(&o->r, ACSA_REPORT_OPEN);
    o->r.nation = acsa_app_nation(app);
    o->r.list.cli = cli;
    o->r.list.app = app;
    cli_out_begin(&o->r.list.out, stdout, cli->json, o->r.columns, o->r.column_count);
    o->r.list.out.nested = true;
    acsa_error_clear(&cli->err);
    ACSA_TRY(cli_out_end(&o->r.list.out, acsa_app_open_orders(app, as_of, NULL, open_row,
                                                              &o->r, &o->totals, &cli->err)));
    fputs(cli->json ? ",\n\"totals\": " : "\nTotals by state\n", stdout);
    ACSA_TRY(open_totals_print(cli, o));
    if (cli->json) {
        fputs("\n}\n", stdout);
    }
    return ACSA_OK;
}

static int open_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    struct open_report o;
    memset(&o, 0, sizeof(o));
    enum acsa_rc rc = open_sections(cli, app, *(const int32_t *)ctx, &o);
    acsa_app_open_totals_free(&o.totals);
    return rc == ACSA_OK ? CLI_EXIT_OK : cli_fail(cli, rc);
}

int cli_report_open(struct cli *cli, int argc, char **argv)
{
    int32_t as_of = cli->today;
    struct cli_option options[] = {
        CLI_OPT("as-of", CLI_DATE, false, &as_of, 0, "DATE",
                "date the ages are counted to (default: today)"),
    };
    struct cli_command cmd = {"Lists every order not closed, cancelled or rejected by state, "
                              "with its age in days since it was raised and its ageing "
                              "bucket, then totals per state and currency (--csv: the orders).",
                              NULL, 0, NULL, true, options, CLI_LEN(options)};
    cmd.outputs |= CLI_CSV;
    int code = cli_parse(cli, &cmd, argc, argv);
    return code != CLI_CONTINUE ? code : cli_with_app(cli, open_in, &as_of);
}

/* ---- unliquidated --------------------------------------------------------------------- */

static enum acsa_rc unliquidated_row(void *ctx, const struct acsa_unliquidated_row *row)
{
    struct acsa_report_cells cells;
    acsa_report_unliquidated_cells(row, &cells);
    return report_row(ctx, &cells);
}

static int unliquidated_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    struct report_out r;
    report_begin(&r, cli, app, ACSA_REPORT_UNLIQUIDATED);
    return cli_list_end(&r.list, acsa_app_unliquidated(app, ctx, unliquidated_row, &r,
                                                       &cli->err));
}

int cli_report_unliquidated(struct cli *cli, int argc, char **argv)
{
    char partner[ACSA_NATION_SIZE] = "";
    struct cli_option options[] = {
        CLI_OPT("partner", CLI_NATION, false, partner, 0, "CC", "only this partner"),
    };
    struct cli_command cmd = {"Obligations not settled, per partner, way (receivable: we "
                              "supplied; payable: we received), currency and method: orders "
                              "and the amount outstanding.",
                              NULL, 0, NULL, true, options, CLI_LEN(options)};
    cmd.outputs |= CLI_CSV;
    int code = cli_parse(cli, &cmd, argc, argv);
    return code != CLI_CONTINUE ? code : cli_with_app(cli, unliquidated_in, partner);
}

/* ---- by-method ------------------------------------------------------------------------ */

static enum acsa_rc method_row(void *ctx, const struct acsa_method_row *row)
{
    struct acsa_report_cells cells;
    acsa_report_method_cells(row, &cells);
    return report_row(ctx, &cells);
}

static int method_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    (void)ctx;
    struct report_out r;
    report_begin(&r, cli, app, ACSA_REPORT_BY_METHOD);
    return cli_list_end(&r.list, acsa_app_by_method(app, method_row, &r, &cli->err));
}

int cli_report_by_method(struct cli *cli, int argc, char **argv)
{
    struct cli_command cmd = {"Settlement by method (cash, rik, eve) per currency, of orders "
                              "past draft and not rejected or cancelled: orders and value, "
                              "those settled, the share of value settled, and the average "
                              "days from delivery to settlement.",
                              NULL, 0, NULL, true, NULL, 0};
    cmd.outputs |= CLI_CSV;
    int code = cli_parse(cli, &cmd, argc, argv);
    return code != CLI_CONTINUE ? code : cli_with_app(cli, method_in, NULL);
}

/* ---- yearly --------------------------------------------------------------------------- */

static enum acsa_rc yearly_row(void *ctx, const struct acsa_yearly_row *row)
{
    struct acsa_report_cells cells;
    acsa_report_yearly_cells(row, &cells);
    return report_row(ctx, &cells);
}

static int yearly_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    struct report_out r;
    report_begin(&r, cli, app, ACSA_REPORT_YEARLY);
    return cli_list_end(&r.list, acsa_app_yearly(app, (int32_t)*(const int64_t *)ctx,
                                                 yearly_row, &r, &cli->err));
}

int cli_report_yearly(struct cli *cli, int argc, char **argv)
{
    int64_t year = 0;
    struct cli_option options[] = {
        CLI_OPT("year", CLI_ID, true, &year, 0, "YYYY", "the year the orders were raised in"),
    };
    struct cli_command cmd = {"The yearly summary: orders raised in the year (past draft, not "
                              "rejected or cancelled) by agreement, activity and category, "
                              "requested and supplied apart, counts and values per currency.",
                              NULL, 0, NULL, true, options, CLI_LEN(options)};
    cmd.outputs |= CLI_CSV;
    int code = cli_parse(cli, &cmd, argc, argv);
    if (code == CLI_CONTINUE && (year < 1900 || year > 9999)) {
        code = cli_usage(cli, "--year: %lld is not a year from 1900 to 9999", (long long)year);
    }
    return code != CLI_CONTINUE ? code : cli_with_app(cli, yearly_in, &year);
}

/* ---- missing -------------------------------------------------------------------------- */

static enum acsa_rc missing_row(void *ctx, const struct acsa_missing_item *item)
{
    struct acsa_report_cells cells;
    acsa_report_missing_cells(item, &cells);
    return report_row(ctx, &cells);
}

static int missing_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    struct report_out r;
    report_begin(&r, cli, app, ACSA_REPORT_MISSING);
    return cli_list_end(&r.list, acsa_app_missing(app, *(const int32_t *)ctx, NULL,
                                                  missing_row, &r, &cli->err));
}

int cli_report_missing(struct cli *cli, int argc, char **argv)
{
    int32_t as_of = cli->today;
    struct cli_option options[] = {
        CLI_OPT("as-of", CLI_DATE, false, &as_of, 0, "DATE",
                "date deadlines are judged on (default: today)"),
    };
    struct cli_command cmd = {"Orders lacking required data or documents, one finding a row: "
                              "no-unit, no-place, no-need-by, no-title, no-invoice, "
                              "no-due-date (docs/CLI.md).",
                              NULL, 0, NULL, true, options, CLI_LEN(options)};
    cmd.outputs |= CLI_CSV;
    int code = cli_parse(cli, &cmd, argc, argv);
    return code != CLI_CONTINUE ? code : cli_with_app(cli, missing_in, &as_of);
}
