/* SPDX-License-Identifier: MIT */
/* acsa official: dated grants of authority (add), their revocation (revoke) and the grants in
 * force on a day (list). Each add is a new grant; nothing is overwritten. */
#include <stdio.h>
#include <string.h>

#include "grant_json.h"
#include "cli.h"

struct grant_args {
    char party[ACSA_NATION_SIZE];
    char name[ACSA_NAME_SIZE];
    char title[ACSA_NAME_SIZE];
    char agreement[ACSA_ID_SIZE];
    const char *limit;
    const struct acsa_currency *currency;
    int32_t from;
    int32_t to;
    int32_t date;
    char reason[ACSA_TEXT_SIZE];
};

static int add_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const struct grant_args *args = ctx;
    struct acsa_grant g;
    memset(&g, 0, sizeof(g));
    memcpy(g.party, args->party, sizeof(g.party));
    memcpy(g.name, args->name, sizeof(g.name));
    memcpy(g.title, args->title, sizeof(g.title));
    memcpy(g.agreement_id, args->agreement, sizeof(g.agreement_id));
    g.currency = *args->currency;
    int code = cli_amount(cli, "--limit", args->limit, args->currency, &g.limit_minor);
    if (code != CLI_CONTINUE) {
        return code;
    }
    g.from_day = args->from;
    g.to_day = args->to;
    g.revoked_day = ACSA_DATE_NONE;
    int64_t id = 0;
    enum acsa_rc rc = acsa_app_grant_add(app, &g, &id, &cli->err);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    printf("%lld\n", (long long)id);
    return CLI_EXIT_OK;
}

static int official_add(struct cli *cli, int argc, char **argv)
{
    struct grant_args args;
    memset(&args, 0, sizeof(args));
    args.to = ACSA_DATE_NONE;
    struct cli_option options[] = {
        CLI_OPT("party", CLI_NATION, true, args.party, 0, "CC", "nation of the official"),
        CLI_OPT("name", CLI_TEXT, true, args.name, sizeof(args.name), "NAME",
                "name, exactly as given later with --by"),
        CLI_OPT("title", CLI_TEXT, true, args.title, sizeof(args.title), "TITLE",
                "rank and appointment, shown with the official's approvals"),
        CLI_OPT("limit", CLI_RAW, true, &args.limit, 0, "AMOUNT",
                "approval limit, in the decimals of --currency"),
        CLI_OPT("currency", CLI_CURRENCY, true, &args.currency, 0, "CUR",
                "currency of the limit (ISO 4217)"),
        CLI_OPT("from", CLI_DATE, true, &args.from, 0, "DATE", "first day of the grant"),
        CLI_OPT("to", CLI_DATE, false, &args.to, 0, "DATE",
                "last day of the grant (default: open-ended)"),
        CLI_OPT("agreement", CLI_TEXT, false, args.agreement, sizeof(args.agreement), "ID",
                "the one agreement it covers (default: every agreement of the party)"),
    };
    struct cli_command cmd = {"Grants an official authority to approve, accept and reject orders "
                              "up to a limit in one currency over dated days; every call is a "
                              "new grant and earlier ones stay. Prints the grant's id.",
                              NULL, 0, NULL, false, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    return code != CLI_CONTINUE ? code : cli_with_app(cli, add_in, &args);
}

static int revoke_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const struct grant_args *args = ctx;
    uint32_t count = 0;
    enum acsa_rc rc = acsa_app_official_revoke(app, args->party, args->name, args->date,
                                               args->reason, &count, &cli->err);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    printf("%u\n", (unsigned)count);
    return CLI_EXIT_OK;
}

static int official_revoke(struct cli *cli, int argc, char **argv)
{
    struct grant_args args;
    memset(&args, 0, sizeof(args));
    struct cli_option options[] = {
        CLI_OPT("party", CLI_NATION, true, args.party, 0, "CC", "nation of the official"),
        CLI_OPT("name", CLI_TEXT, true, args.name, sizeof(args.name), "NAME",
                "name of the official"),
        CLI_OPT("date", CLI_DATE, true, &args.date, 0, "DATE",
                "first day the official holds no authority"),
        CLI_OPT("reason", CLI_TEXT, true, args.reason, sizeof(args.reason), "TEXT",
                "why, for the audit log and the partner"),
    };
    struct cli_command cmd = {"Ends every grant of an official from a date on; the grants stay "
                              "in the history with the revocation. Prints how many it ended.",
                              NULL, 0, NULL, false, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    return code != CLI_CONTINUE ? code : cli_with_app(cli, revoke_in, &args);
}

static enum acsa_rc grant_row(void *ctx, const struct acsa_grant *g, const char *origin,
                              int64_t origin_id)
{
    (void)origin_id;
    struct cli_list *list = ctx;
    if (list->out.json) {
        return cli_out_json(&list->out, acsa_grant_json(g, origin));
    }
    char id[24];
    char limit[ACSA_MONEY_TEXT_SIZE + 8];
    char amount[ACSA_MONEY_TEXT_SIZE];
    char from[ACSA_DATE_TEXT_SIZE];
    char to[ACSA_DATE_TEXT_SIZE];
    char revoked[ACSA_DATE_TEXT_SIZE];
    snprintf(id, sizeof(id), "%lld", (long long)g->id);
    snprintf(limit, sizeof(limit), "%s %s", g->currency.code,
             acsa_money_format(g->limit_minor, g->currency.exponent, amount));
    const char *cells[] = {id, g->party, g->name, g->title,
                           g->agreement_id[0] != '\0' ? g->agreement_id : "(all)", limit,
                           acsa_date_format(g->from_day, from),
                           g->to_day != ACSA_DATE_NONE ? acsa_date_format(g->to_day, to) : "-",
                           g->revoked_day != ACSA_DATE_NONE
                               ? acsa_date_format(g->revoked_day, revoked) : "-"};
    return cli_out_cells(&list->out, cells);
}

struct list_args {
    int32_t as_of;
    bool all;
};

static int list_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const struct list_args *args = ctx;
    static const struct cli_column columns[] = {
        {"ID", 0, true},    {"PARTY", 0, false}, {"NAME", 0, false},
        {"TITLE", 0, false}, {"AGREEMENT", 0, false}, {"LIMIT", 0, CLI_AMOUNT},
        {"FROM", 0, false}, {"TO", 0, false},    {"REVOKED", 0, false}};
    struct cli_list list;
    cli_list_begin(&list, cli, app, columns, CLI_LEN(columns));
    int32_t as_of = args->all ? ACSA_DATE_NONE : args->as_of;
    return cli_list_end(&list, acsa_app_grant_list(app, NULL, NULL, as_of, grant_row,
                                                    &list, &cli->err));
}

static int official_list(struct cli *cli, int argc, char **argv)
{
    struct list_args args = {cli->today, false};
    struct cli_option options[] = {
        CLI_OPT("as-of", CLI_DATE, false, &args.as_of, 0, "DATE",
                "the day the grants are in force on (default: today)"),
        CLI_OPT("all", CLI_FLAG, false, &args.all, 0, NULL,
                "every grant ever made, ended and revoked ones included"),
    };
    struct cli_command cmd = {"Lists the grants of officials in force on a day (today unless "
                              "--as-of); grants that ended or were revoked by then show only "
                              "with --all.", NULL, 0, NULL, true, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    return code != CLI_CONTINUE ? code : cli_with_app(cli, list_in, &args);
}

int cmd_official(struct cli *cli, int argc, char **argv)
{
    static const struct cli_verb verbs[] = {
        {"add", official_add, "--party CC --name NAME --title TITLE --limit AMOUNT --currency "
                              "CUR --from DATE [--to DATE] [--agreement ID]"},
        {"revoke", official_revoke, "--party CC --name NAME --date DATE --reason TEXT"},
        {"list", official_list, "[--as-of DATE] [--all]: the grants in force on a day"},
    };
    return cli_dispatch(cli, verbs, CLI_LEN(verbs), argc, argv);
}
