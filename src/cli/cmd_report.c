/* SPDX-License-Identifier: MIT */
/* The reports: balance (receivables, payables and net per partner and currency, streamed one
 * group at a time), overdue (ageing by the agreements' buckets, totals, invoices late) and
 * convert-overdue, the one report that writes. */
#include "cli.h"
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

/* ---- balance -------------------------------------------------------------------------- */

static const struct cli_column balance_columns[] = {
    {"PARTNER", 7, false},          {"CUR", 3, false},
    {"COMMITTED RECV CASH", 19, CLI_AMOUNT}, {"COMMITTED RECV KIND", 19, CLI_AMOUNT},
    {"COMMITTED PAY CASH", 18, CLI_AMOUNT},  {"COMMITTED PAY KIND", 18, CLI_AMOUNT},
    {"RECEIVABLE CASH", 18, CLI_AMOUNT},  {"RECEIVABLE KIND", 18, CLI_AMOUNT},
    {"PAYABLE CASH", 18, CLI_AMOUNT},     {"PAYABLE KIND", 18, CLI_AMOUNT},
    {"SETTLED RECV", 18, CLI_AMOUNT},     {"SETTLED PAY", 18, CLI_AMOUNT},
    {"NET", 18, CLI_AMOUNT},
};

/* Prints one partner and currency of the balance (acsa_balance_line_cb): committed (accepted,
 * not yet delivered), delivered and not yet settled, settled, and the net owed now. */
static enum acsa_rc balance_print(void *ctx, const struct acsa_balance_line *l, acsa_wide net)
{
    struct cli_list *list = ctx;
    if (list->out.json) {
        return cli_out_json(&list->out, acsa_balance_line_json(l, net));
    }
    const struct acsa_currency *currency = acsa_currency_find(l->currency);
    uint8_t e = currency != NULL ? currency->exponent : 0;
    const acsa_wide figures[] = {
        l->committed_receivable_cash_minor, l->committed_receivable_kind_minor,
        l->committed_payable_cash_minor,    l->committed_payable_kind_minor,
        l->receivable_cash_minor,           l->receivable_kind_minor,
        l->payable_cash_minor,              l->payable_kind_minor,
        acsa_balance_line_settled_receivable(l), acsa_balance_line_settled_payable(l),
        net,
    };
    char text[CLI_LEN(figures)][ACSA_WIDE_TEXT_SIZE];
    const char *cells[CLI_LEN(balance_columns)] = {l->partner, l->currency};
    for (size_t i = 0; i < CLI_LEN(figures); i++) {
        cells[i + 2] = acsa_wide_format(figures[i], e, text[i]);
    }
    return cli_out_cells(&list->out, cells);
}

struct balance_args {
    char partner[ACSA_NATION_SIZE];
    int32_t as_of;
};

/* The balance rows grouped into lines, printed by the grouper. */
static enum acsa_rc balance_grouped(struct acsa_app *app, const struct balance_args *args,
                                    struct acsa_balance_grouper *grouper,
                                    struct acsa_error *err)
{
    ACSA_TRY(acsa_app_balance(app, args->partner, args->as_of, acsa_balance_grouper_row, grouper,
                              err));
    return acsa_balance_grouper_finish(grouper);
}

static int balance_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const struct balance_args *args = ctx;
    struct cli_list list;
    cli_list_begin(&list, cli, app, balance_columns, CLI_LEN(balance_columns));
    struct acsa_balance_grouper grouper = {.emit = balance_print, .ctx = &list, .err = &cli->err};
    enum acsa_rc rc = balance_grouped(app, args, &grouper, &cli->err);
    return cli_list_end(&list, rc);
}

int cmd_balance(struct cli *cli, int argc, char **argv)
{
    struct balance_args args = {"", ACSA_DATE_NONE};
    struct cli_option options[] = {
        CLI_OPT("partner", CLI_NATION, false, args.partner, 0, "CC", "only this partner"),
        CLI_OPT("as-of", CLI_DATE, false, &args.as_of, 0, "DATE",
                "postings dated on or before DATE (default: all)"),
    };
    struct cli_command cmd = {"Shows what partners owe us and what we owe them, per partner "
                              "and currency, in cash and in kind: committed (accepted, not yet "
                              "delivered), delivered and not yet settled, settled, and the net "
                              "owed now.",
                              NULL, 0, NULL, true, options, CLI_LEN(options)};
    cmd.outputs |= CLI_CSV;
    int code = cli_parse(cli, &cmd, argc, argv);
    return code != CLI_CONTINUE ? code : cli_with_app(cli, balance_in, &args);
}

/* ---- overdue -------------------------------------------------------------------------- */

/* The report is the application's (acsa_app_overdue, the API's too); the CLI prints it in
 * three sections: overdue orders with their totals, invoices late, disputed orders past due. */
struct overdue_report {
    struct cli_list list;
    int32_t as_of;
    struct acsa_overdue_totals totals;    /* Per bucket and currency. */
    uint32_t late_count;
};

static const struct cli_column overdue_columns[] = {
    {"NUMBER", 18, false}, {"AGREEMENT", 12, false}, {"REQ", 3, false},   {"SUP", 3, false},
    {"METHOD", 6, false},  {"STATE", 10, false},     {"DUE", 10, false},  {"DAYS", 5, true},
    {"BUCKET", 7, false},  {"CUR", 3, false},        {"OUTSTANDING", 16, CLI_AMOUNT},
};

static enum acsa_rc overdue_row(void *ctx, const struct acsa_overdue_item *item)
{
    struct overdue_report *r = ctx;
    const struct acsa_order_summary *o = item->order;
    if (r->list.out.json) {
        return cli_out_json(&r->list.out, acsa_overdue_json(o, item->days, item->label));
    }
    char due[ACSA_DATE_TEXT_SIZE];
    char day_text[16];
    char amount[ACSA_MONEY_TEXT_SIZE];
    snprintf(day_text, sizeof(day_text), "%d", (int)item->days);
    const char *cells[] = {o->number, o->agreement_id, o->requester, o->supplier,
                           acsa_method_name(o->method), acsa_state_name(o->state),
                           cli_date_text(o->due_day, due), day_text, item->label, o->currency,
                           acsa_money_format(o->outstanding_minor, o->exponent, amount)};
    return cli_out_cells(&r->list.out, cells);
}

static enum acsa_rc print_totals(struct overdue_report *r)
{
    static const struct cli_column columns[] = {
        {"BUCKET", 0, false}, {"CUR", 0, false}, {"ORDERS", 0, true},
        {"OUTSTANDING", 0, CLI_AMOUNT}};
    struct cli_out out;
    cli_out_begin(&out, stdout, r->list.out.json, columns, CLI_LEN(columns));
    out.nested = true;
    enum acsa_rc rc = ACSA_OK;
    for (size_t i = 0; rc == ACSA_OK && i < r->totals.count; i++) {
        const struct acsa_overdue_total *t = &r->totals.items[i];
        char orders[24];
        char amount[ACSA_WIDE_TEXT_SIZE];
        acsa_wide_format(t->outstanding_minor, t->exponent, amount);
        snprintf(orders, sizeof(orders), "%llu", (unsigned long long)t->orders);
        const char *cells[] = {t->label, t->currency, orders, amount};
        rc = out.json ? cli_out_json(&out, json_pack("{s:s, s:o, s:I, s:s}", "bucket", t->label,
                                                     "currency",
                                                     acsa_json_string(t->currency), "orders",
                                                     (json_int_t)t->orders, "outstanding",
                                                     amount))
                      : cli_out_cells(&out, cells);
    }
    return cli_out_end(&out, rc);
}

static const struct cli_column late_columns[] = {
    {"NUMBER", 18, false},    {"AGREEMENT", 12, false}, {"DELIVERED", 10, false},
    {"INVOICE BY", 10, false}, {"DAYS LATE", 9, true},  {"CUR", 3, false},
    {"VALUE", 16, CLI_AMOUNT},
};

static enum acsa_rc late_row(void *ctx, const struct acsa_invoice_late *item)
{
    struct overdue_report *r = ctx;
    const struct acsa_order_summary *o = item->order;
    r->late_count++;
    int days = (int)item->days_late;
    char delivered[ACSA_DATE_TEXT_SIZE];
    char by[ACSA_DATE_TEXT_SIZE];
    char value[ACSA_MONEY_TEXT_SIZE];
    if (r->list.out.json) {
        return cli_out_json(&r->list.out,
                            json_pack("{s:o, s:o, s:o, s:o, s:i, s:o, s:o}", "number",
                                      acsa_json_string(o->number), "agreement_id",
                                      acsa_json_string(o->agreement_id), "delivered",
                                      acsa_json_date(o->delivered_day), "invoice_by",
                                      acsa_json_date(item->invoice_by), "days_late", days,
                                      "currency", acsa_json_string(o->currency), "value",
                                      acsa_json_money(o->value_minor, o->exponent)));
    }
    char day_text[16];
    snprintf(day_text, sizeof(day_text), "%d", days);
    const char *cells[] = {o->number, o->agreement_id, cli_date_text(o->delivered_day, delivered),
                           cli_date_text(item->invoice_by, by), day_text, o->currency,
                           acsa_money_format(o->value_minor, o->exponent, value)};
    return cli_out_cells(&r->list.out, cells);
}

/* One section: a heading (or JSON member name) and a list. */
static void section_begin(struct overdue_report *r, const char *title, const char *member,
                          const struct cli_column *columns, size_t column_count)
{
    bool json = r->list.cli->json;
    if (json) {
        printf(",\n\"%s\": ", member);
    } else {
        printf("%s\n", title);
    }
    cli_out_begin(&r->list.out, stdout, json, columns, column_count);
    r->list.out.nested = true;
}

static enum acsa_rc overdue_sections(struct overdue_report *r)
{
    bool json = r->list.cli->json;
    struct acsa_app *app = r->list.app;
    struct acsa_error *err = &r->list.cli->err;
    char date[ACSA_DATE_TEXT_SIZE];
    acsa_date_format(r->as_of, date);
    if (json) {
        printf("{\n\"as_of\": \"%s\"", date);
    }
    char title[64];
    snprintf(title, sizeof(title), "Overdue as of %s", date);
    section_begin(r, title, "orders", overdue_columns, CLI_LEN(overdue_columns));
    enum acsa_rc rc = cli_out_end(&r->list.out,
                                  acsa_app_overdue(app, r->as_of, NULL, ACSA_OVERDUE_OPEN,
                                                   overdue_row, r, &r->totals, err));
    if (rc == ACSA_OK) {
        fputs(json ? ",\n\"totals\": " : "\nTotals by ageing bucket (days overdue)\n", stdout);
        rc = print_totals(r);
    }
    if (rc == ACSA_OK) {
        section_begin(r, "\nInvoice late (cash orders delivered and not invoiced within the "
                         "agreement's days)",
                      "invoice_late", late_columns, CLI_LEN(late_columns));
        rc = cli_out_end(&r->list.out, acsa_app_invoice_late(app, r->as_of, late_row, r, err));
    }
    if (rc == ACSA_OK) {
        section_begin(r, "\nDisputed (past due; settled once resolved)", "disputed",
                      overdue_columns, CLI_LEN(overdue_columns));
        rc = cli_out_end(&r->list.out,
                         acsa_app_overdue(app, r->as_of, NULL, ACSA_OVERDUE_DISPUTED,
                                          overdue_row, r, NULL, err));
    }
    if (rc == ACSA_OK && json) {
        fputs("\n}\n", stdout);
    }
    return rc;
}

static int overdue_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    struct overdue_report r;
    memset(&r, 0, sizeof(r));
    r.list.cli = cli;
    r.list.app = app;
    r.as_of = *(const int32_t *)ctx;
    acsa_error_clear(&cli->err);
    enum acsa_rc rc = overdue_sections(&r);
    acsa_app_overdue_totals_free(&r.totals);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    if (r.late_count > 0) {
        fflush(stdout); /* After the tables, also when both go to one file or pipe. */
        fprintf(stderr, "acsa: warning: %u delivered cash order%s not invoiced in time\n",
                r.late_count, r.late_count == 1 ? "" : "s");
    }
    return CLI_EXIT_OK;
}

int cmd_overdue(struct cli *cli, int argc, char **argv)
{
    int32_t as_of = cli->today;
    struct cli_option options[] = {
        CLI_OPT("as-of", CLI_DATE, false, &as_of, 0, "DATE",
                "date the report is made on (default: today)"),
    };
    struct cli_command cmd = {"Lists orders past due with days overdue, ageing bucket and "
                              "outstanding amount, totals per bucket and currency, and cash "
                              "orders delivered but not invoiced in time.",
                              NULL, 0, NULL, true, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    return code != CLI_CONTINUE ? code : cli_with_app(cli, overdue_in, &as_of);
}

/* ---- convert-overdue ------------------------------------------------------------------ */

struct convert_args {
    int32_t as_of;
    char by[ACSA_NAME_SIZE];
};

static void print_converted(void *ctx, const struct acsa_order *order,
                            const struct acsa_event *event)
{
    printf("%s\n", order->number);
}

static int convert_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const struct convert_args *args = ctx;
    struct acsa_convert_options opts = {.as_of = args->as_of, .today = cli->today,
                                        .by = args->by, .actor = cli_default_actor(),
                                        .automatic_only = false};
    struct acsa_convert_result result;
    enum acsa_rc rc = acsa_app_convert(app, &opts, print_converted, NULL, &result, &cli->err);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    char date[ACSA_DATE_TEXT_SIZE];
    fprintf(stderr, "acsa: converted %llu overdue in-kind obligation%s to cash as of %s\n",
            (unsigned long long)result.converted, result.converted == 1 ? "" : "s",
            acsa_date_format(args->as_of, date));
    if (result.awaiting_approval > 0) {
        fprintf(stderr, "acsa: %llu more await approval: their agreement's conversion rule is "
                "approval; give --by an official of the creditor\n",
                (unsigned long long)result.awaiting_approval);
    }
    return CLI_EXIT_OK;
}

int cmd_convert_overdue(struct cli *cli, int argc, char **argv)
{
    struct convert_args args;
    memset(&args, 0, sizeof(args));
    args.as_of = cli->today;
    struct cli_option options[] = {
        CLI_OPT("as-of", CLI_DATE, false, &args.as_of, 0, "DATE",
                "date of the conversion, not after today (default: today)"),
        CLI_OPT("by", CLI_TEXT, false, args.by, ACSA_NAME_SIZE, "NAME",
                "the official of the creditor approving conversions where the agreement's rule "
                "is approval; elsewhere who records them (default: $USER)"),
    };
    struct cli_command cmd = {"Converts to cash every in-kind obligation already past due on "
                              "the as-of date, in one transaction; prints each order converted. "
                              "Under an agreement whose conversion rule is approval, only with "
                              "--by an authorised official of the creditor.",
                              NULL, 0, NULL, false, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    return code != CLI_CONTINUE ? code : cli_with_app(cli, convert_in, &args);
}
