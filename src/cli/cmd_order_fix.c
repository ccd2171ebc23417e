/* SPDX-License-Identifier: MIT */
/* order amend: completes or changes a draft. Each option given changes one thing; the
 * changed draft is checked by every rule of entry again. The other ways out of an order
 * (resolve, close-line, correct, reject-return) are steps of cmd_order.c's table. */
#include "cli.h"
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

struct amend_args {
    struct acsa_amend changes;
    struct acsa_command command;
    struct cli_multi add;
    struct cli_multi remove;
    const char *number;
};

static int amend_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const struct amend_args *args = ctx;
    struct acsa_event event;
    enum acsa_rc rc = acsa_app_order_amend(app, args->number, &args->changes, &args->command,
                                           &event, &cli->err);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    char date[ACSA_DATE_TEXT_SIZE];
    fprintf(stderr, "%s: amended by %s on %s (state draft)\n", args->number,
            args->command.actor, acsa_date_format(args->command.day, date));
    return CLI_EXIT_OK;
}

static int parse_removes(struct cli *cli, struct amend_args *args)
{
    for (uint32_t i = 0; i < args->remove.count; i++) {
        int64_t no = 0;
        int code = cli_parse_id(cli, "--remove-line", args->remove.values[i], &no);
        if (code != CLI_CONTINUE) {
            return code;
        }
        if (no > ACSA_ORDER_LINES_MAX) {
            return cli_usage(cli, "--remove-line: an order has at most %d lines",
                             ACSA_ORDER_LINES_MAX);
        }
        args->changes.remove[args->changes.remove_count++] = (uint32_t)no;
    }
    return CLI_CONTINUE;
}

static int amend_parse(struct cli *cli, struct amend_args *args, int argc, char **argv)
{
    struct acsa_amend *c = &args->changes;
    struct cli_option options[] = {
        CLI_OPT("requester-unit", CLI_ID, false, &c->requester_unit_id, 0, "ID",
                "unit of the requesting party"),
        CLI_OPT("supplier-unit", CLI_ID, false, &c->supplier_unit_id, 0, "ID",
                "unit of the supplying party"),
        CLI_OPT("place", CLI_TEXT, false, c->place, ACSA_TEXT_SIZE, "TEXT", "delivery place"),
        CLI_OPT("need-by", CLI_DATE, false, &c->need_by_day, 0, "DATE", "delivery date"),
        CLI_OPT("add-line", CLI_MULTI, false, &args->add, 0, "SPEC",
                "a line as order create --line takes it; repeatable"),
        CLI_OPT("remove-line", CLI_MULTI, false, &args->remove, 0, "N",
                "a line to remove (numbered as before the amend); repeatable"),
        CLI_OPT("by", CLI_TEXT, true, args->command.actor, ACSA_NAME_SIZE, "NAME",
                "who amends the draft (the requester)"),
        CLI_OPT("date", CLI_DATE, false, &args->command.day, 0, "DATE",
                "date of the amendment (default: today)"),
        CLI_OPT("backdate-reason", CLI_TEXT, false, args->command.backdate_reason,
                ACSA_TEXT_SIZE, "TEXT",
                "why a date more than backdate_days ago is entered only now"),
    };
    struct cli_command cmd = {"Changes a draft order; every rule of entry is checked again.",
                              "NUMBER", ACSA_NUMBER_SIZE, NULL, false, options,
                              CLI_LEN(options)};
    args->command.step = ACSA_STEP_AMEND;
    args->command.day = cli->today;
    int code = cli_parse(cli, &cmd, argc, argv);
    c->set_requester_unit = options[0].seen;
    c->set_supplier_unit = options[1].seen;
    c->set_place = options[2].seen;
    c->set_need_by = options[3].seen;
    for (uint32_t i = 0; code == CLI_CONTINUE && i < args->add.count; i++) {
        code = cli_order_line_parse(cli, &c->add, i, args->add.values[i]);
    }
    c->add.line_count = args->add.count;
    code = code == CLI_CONTINUE ? parse_removes(cli, args) : code;
    args->number = cmd.value;
    return code;
}

int cmd_order_amend(struct cli *cli, int argc, char **argv)
{
    struct amend_args *args = acsa_calloc(1, sizeof(*args));
    if (args == NULL) {
        return cli_fail(cli, ACSA_ENOMEM);
    }
    int code = amend_parse(cli, args, argc, argv);
    if (code == CLI_CONTINUE) {
        code = cli_with_app(cli, amend_in, args);
    }
    acsa_free(args);
    return code;
}
