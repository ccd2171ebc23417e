/* SPDX-License-Identifier: MIT */
/* acsa import: orders from a CSV file, one row per order line grouped by order_ref (the
 * application's import.h does the work, all or nothing), and the template of that file. */
#include "cli.h"

#include <string.h>

#include "alloc.h"
#include "import.h"
#include "json_text.h"

static int import_template(struct cli *cli, int argc, char **argv)
{
    size_t count = 0;
    const struct acsa_import_column *columns = acsa_import_columns(&count);
    (void)columns;
    struct cli_command cmd = {"Prints the CSV template of `acsa import orders`: the header row "
                              "of every column it reads and one example row to replace "
                              "(docs/CLI.md lists the columns and their rules).",
                              NULL, 0, NULL, 0, NULL, 0};
    int code = cli_parse(cli, &cmd, argc, argv);
    if (code != CLI_CONTINUE) {
        return code;
    }
    size_t size = 0;
    char *text = acsa_import_template(&size);
    if (text == NULL) {
        return cli_fail(cli, ACSA_ENOMEM);
    }
    fwrite(text, 1, size, stdout);
    acsa_free(text);
    return CLI_EXIT_OK;
}

struct import_args {
    const char *path;
    bool dry_run;
    char actor[ACSA_NAME_SIZE];
    char *data;
    size_t size;
};

static void print_orders(const struct acsa_import_result *r)
{
    for (uint32_t i = 0; i < r->order_count; i++) {
        const struct acsa_import_order *o = &r->orders[i];
        cli_put_text(stdout, o->ref);
        printf(" -> %s\n", o->number);
        if (!r->dry_run) {
            continue;
        }
        char value[ACSA_MONEY_TEXT_SIZE];
        printf("  %s %s, %u line%s\n", o->currency,
               acsa_money_format(o->value_minor, o->exponent, value), o->line_count,
               o->line_count == 1 ? "" : "s");
        for (uint32_t k = 0; k < o->line_count; k++) {
            const struct acsa_import_line *l = &r->lines[o->first_line + k];
            char qty[ACSA_MONEY_TEXT_SIZE];
            char price[ACSA_MONEY_TEXT_SIZE];
            char line_value[ACSA_MONEY_TEXT_SIZE];
            printf("  row %u: ", l->row);
            cli_put_text(stdout, l->category);
            fputs(", ", stdout);
            cli_put_text(stdout, l->description);
            printf(", %s ", acsa_quantity_format(l->quantity_milli, qty));
            cli_put_text(stdout, l->unit);
            printf(" x %s = %s\n", acsa_money_format(l->price_minor, o->exponent, price),
                   acsa_money_format(l->value_minor, o->exponent, line_value));
        }
    }
}

static void print_problems(const struct acsa_import_result *r)
{
    uint32_t kept = r->problem_count < ACSA_IMPORT_ERRORS_MAX ? r->problem_count
                                                               : ACSA_IMPORT_ERRORS_MAX;
    for (uint32_t i = 0; i < kept; i++) {
        char line[ACSA_ERROR_MESSAGE_SIZE + 64];
        acsa_import_problem_text(&r->problems[i], line, sizeof(line));
        fputs("acsa: ", stderr);
        cli_put_text(stderr, line);
        fputc('\n', stderr);
    }
    if (r->problem_count > kept) {
        fprintf(stderr, "acsa: and %u more\n", r->problem_count - kept);
    }
}

static int import_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const struct import_args *args = ctx;
    struct acsa_import_result *r = acsa_calloc(1, sizeof(*r));
    if (r == NULL) {
        return cli_fail(cli, ACSA_ENOMEM);
    }
    enum acsa_rc rc = acsa_app_import_orders(app, args->data, args->size, args->dry_run,
                                             args->actor, cli->today, NULL, r,
                                             &cli->err);
    int code = CLI_EXIT_OK;
    if (cli->json && !acsa_rc_fatal(rc)) {
        struct acsa_text t;
        acsa_text_init(&t, 1024);
        ACSA_TEXT_LIT(&t, "{");
        acsa_import_json_members(r, &t);
        ACSA_TEXT_LIT(&t, "}\n");
        size_t size = 0;
        char *text = acsa_text_take(&t, &size);
        if (text != NULL) {
            fwrite(text, 1, size, stdout);
        }
        acsa_free(text);
    } else if (rc == ACSA_OK) {
        print_orders(r);
    }
    if (rc != ACSA_OK) {
        if (!cli->json) {
            print_problems(r);
        }
        code = cli_fail(cli, rc);
    } else if (args->dry_run) {
        fprintf(stderr, "dry run: %u order%s of %u line%s would be created; nothing was\n",
                r->order_count, r->order_count == 1 ? "" : "s", r->line_count,
                r->line_count == 1 ? "" : "s");
    } else {
        fprintf(stderr, "imported %u order%s of %u line%s\n", r->order_count,
                r->order_count == 1 ? "" : "s", r->line_count, r->line_count == 1 ? "" : "s");
    }
    acsa_import_result_free(r);
    acsa_free(r);
    return code;
}

static int import_orders(struct cli *cli, int argc, char **argv)
{
    struct import_args args;
    memset(&args, 0, sizeof(args));
    struct cli_option options[] = {
        CLI_OPT("dry-run", CLI_FLAG, false, &args.dry_run, 0, NULL,
                "check every row and show what would be created; create nothing"),
        CLI_OPT("by", CLI_TEXT, false, args.actor, ACSA_NAME_SIZE, "NAME",
                "who raises the orders (default: $USER)"),
    };
    struct cli_command cmd = {"Raises the orders of a CSV file (see `acsa import template`): "
                              "one row per order line, rows grouped into orders by order_ref, "
                              "each checked as `acsa order create` checks it; all or nothing. "
                              "Prints order_ref -> number per order; every error names its "
                              "row and column.",
                              "FILE.csv", 0, NULL, CLI_JSON, options, CLI_LEN(options)};
    snprintf(args.actor, sizeof(args.actor), "%s", cli_default_actor());
    int code = cli_parse(cli, &cmd, argc, argv);
    if (code != CLI_CONTINUE) {
        return code;
    }
    if (cmd.value == NULL) {
        return cli_usage(cli, "FILE.csv is required");
    }
    /* One byte past the limit is read, for the import to refuse naming the limit. */
    code = cli_read_file(cli, cmd.value, ACSA_IMPORT_BYTES_MAX, &args.data, &args.size);
    if (code == CLI_CONTINUE) {
        code = cli_with_app(cli, import_in, &args);
    }
    acsa_free(args.data);
    return code;
}

int cmd_import(struct cli *cli, int argc, char **argv)
{
    static const struct cli_verb verbs[] = {
        {"orders", import_orders, "raise the orders of a CSV file, all or nothing"},
        {"template", import_template, "print the CSV template of import orders"},
    };
    return cli_dispatch(cli, verbs, CLI_LEN(verbs), argc, argv);
}
