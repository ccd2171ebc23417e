/* SPDX-License-Identifier: MIT */
/* acsa report in-transit: lines issued and not received for longer than their agreement's
 * transit_days (default 14), a discrepancy between the two sides' records that reconcile also
 * flags. */
#include "cli.h"

#include <string.h>

#include "transit.h"

static const struct cli_column transit_columns[] = {
    {"NUMBER", 17, false}, {"LINE", 4, true},       {"ISSUED", 14, CLI_AMOUNT},
    {"RECEIVED", 14, CLI_AMOUNT}, {"UNIT", 6, false},     {"ISSUED ON", 10, false},
    {"DAYS", 5, true},
};

static enum acsa_rc transit_row(void *ctx, const struct acsa_order *order,
                                const struct acsa_transit_line *l)
{
    struct cli_list *list = ctx;
    if (list->out.json) {
        return cli_out_json(&list->out, acsa_transit_json(order, l));
    }
    char line[16];
    char issued[ACSA_MONEY_TEXT_SIZE];
    char received[ACSA_MONEY_TEXT_SIZE];
    char on[ACSA_DATE_TEXT_SIZE];
    char days[16];
    snprintf(line, sizeof(line), "%u", l->line_no);
    snprintf(days, sizeof(days), "%d", (int)l->days);
    const char *cells[] = {order->number, line, acsa_quantity_format(l->issued_milli, issued),
                           acsa_quantity_format(l->received_milli, received),
                           order->lines[l->line_no - 1].unit_of_issue,
                           cli_date_text(l->issued_day, on), days};
    return cli_out_cells(&list->out, cells);
}

struct transit_args {
    int32_t as_of;
    char partner[ACSA_NATION_SIZE];
};

static int transit_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const struct transit_args *args = ctx;
    struct cli_list list;
    cli_list_begin(&list, cli, app, transit_columns, CLI_LEN(transit_columns));
    enum acsa_rc rc = acsa_app_in_transit(app, args->as_of, args->partner, true, transit_row,
                                          &list, &cli->err);
    return cli_list_end(&list, rc);
}

static int report_in_transit(struct cli *cli, int argc, char **argv)
{
    struct transit_args args;
    memset(&args, 0, sizeof(args));
    args.as_of = cli->today;
    struct cli_option options[] = {
        CLI_OPT("as-of", CLI_DATE, false, &args.as_of, 0, "DATE",
                "date the report is made on (default: today)"),
        CLI_OPT("partner", CLI_NATION, false, args.partner, 0, "CC", "only this partner"),
    };
    struct cli_command cmd = {"Lists lines issued and not received for more than their "
                              "agreement's transit_days (default 14): order, line, issued, "
                              "received, when the oldest part still in transit was issued, and "
                              "the days since.",
                              NULL, 0, NULL, true, options, CLI_LEN(options)};
    cmd.outputs |= CLI_CSV;
    int code = cli_parse(cli, &cmd, argc, argv);
    return code != CLI_CONTINUE ? code : cli_with_app(cli, transit_in, &args);
}

int cmd_report(struct cli *cli, int argc, char **argv)
{
    static const struct cli_verb verbs[] = {
        {"in-transit", report_in_transit, "lines issued and not received after transit_days"},
        {"statement", cli_report_statement, "statement of account with a partner for a period"},
        {"open", cli_report_open, "orders not closed, cancelled or rejected, by state and age"},
        {"unliquidated", cli_report_unliquidated, "obligations not settled, per partner"},
        {"by-method", cli_report_by_method, "settlement by method: shares and days"},
        {"yearly", cli_report_yearly, "a year by agreement, activity and category"},
        {"missing", cli_report_missing, "orders lacking required data or documents"},
    };
    return cli_dispatch(cli, verbs, CLI_LEN(verbs), argc, argv);
}
