/* SPDX-License-Identifier: MIT */
/* acsa quarantine: the records and batches this node refused (list, open ones unless --all),
 * and a programme officer's decision on one (resolve: retry it through the checks of sync once
 * its cause is fixed, or drop it). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "quarantine.h"
#include "auth_json.h"
#include "sync.h"
#include "cli.h"

struct list_args {
    uint32_t limit;
    bool all;
};

/* "dropped by NAME: reason", "retry by NAME refused: ...", or "-". */
static const char *decision_text(const struct acsa_quarantine_row *row, char *buf, size_t size)
{
    const struct acsa_quarantine_decision *d = &row->decision;
    if (d->action[0] == '\0') {
        return "-";
    }
    size_t used = 0;
    buf[0] = '\0';
    cli_append(buf, size, &used, "%s by %s: %s", d->outcome, d->by, d->reason);
    return buf;
}

static enum acsa_rc list_row(void *ctx, const struct acsa_quarantine_row *row)
{
    struct cli_list *list = ctx;
    if (list->out.json) {
        return cli_out_json(&list->out, acsa_quarantine_json(row));
    }
    char id[24];
    char seq[24];
    char at[ACSA_TIME_TEXT_SIZE];
    char decision[ACSA_NAME_SIZE + ACSA_TEXT_SIZE + 32];
    snprintf(id, sizeof(id), "%lld", (long long)row->id);
    snprintf(seq, sizeof(seq), "%lld", (long long)row->seq);
    const char *cells[] = {id,
                           acsa_time_format(row->at_s, at),
                           row->peer[0] ? row->peer : "-",
                           row->via,
                           row->what,
                           seq,
                           row->order_number[0] != '\0' ? row->order_number : "-",
                           row->status,
                           row->reason,
                           decision_text(row, decision, sizeof(decision))};
    return cli_out_cells(&list->out, cells);
}

static int list_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    static const struct cli_column columns[] = {
        {"ID", 0, true},       {"AT", 0, false},    {"PEER", 0, false},
        {"VIA", 0, false},     {"WHAT", 0, false},  {"SEQ", 0, true},
        {"ORDER", 0, false},   {"STATUS", 0, false}, {"REASON", 0, false},
        {"DECISION", 0, false},
    };
    const struct list_args *args = ctx;
    struct cli_list list;
    cli_list_begin(&list, cli, app, columns, CLI_LEN(columns));
    return cli_list_end(&list, acsa_app_quarantine_select(app, args->all, args->limit, list_row,
                                                          &list, &cli->err));
}

static int quarantine_list(struct cli *cli, int argc, char **argv)
{
    struct list_args args = {0, false};
    struct cli_option options[] = {
        CLI_OPT("limit", CLI_LINE_NO, false, &args.limit, 0, "N", "only the newest N"),
        CLI_OPT("all", CLI_FLAG, false, &args.all, 0, NULL,
                "resolved entries too (applied or dropped), with the decision"),
    };
    struct cli_command cmd = {"Lists the records and batches this node refused and nobody has "
                              "resolved yet, newest first, each with its id and the reason: "
                              "for the programme officer to act on (acsa quarantine resolve).",
                              NULL, 0, NULL, true, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    return code != CLI_CONTINUE ? code : cli_with_app(cli, list_in, &args);
}

struct resolve_args {
    int64_t id;
    char action[ACSA_QUARANTINE_WORD_SIZE];
    char by[ACSA_NAME_SIZE];
    char reason[ACSA_TEXT_SIZE];
};

static enum acsa_rc print_entry(void *ctx, const struct acsa_quarantine_row *row)
{
    struct cli *cli = ctx;
    if (cli->json) {
        json_t *doc = acsa_quarantine_json(row);
        return doc != NULL ? cli_json_print(stdout, doc) : ACSA_ENOMEM;
    }
    printf("quarantine entry %lld: %s\n", (long long)row->id, row->status);
    return ACSA_OK;
}

static int resolve_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const struct resolve_args *args = ctx;
    enum acsa_rc rc = acsa_app_quarantine_resolve(app, args->id, args->action, args->by,
                                                  args->reason, (int64_t)time(NULL), &cli->err);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    rc = acsa_app_quarantine_get(app, args->id, print_entry, cli, &cli->err);
    return rc == ACSA_OK ? CLI_EXIT_OK : cli_fail(cli, rc);
}

static int quarantine_resolve(struct cli *cli, int argc, char **argv)
{
    struct resolve_args args;
    memset(&args, 0, sizeof(args));
    struct cli_option options[] = {
        CLI_OPT("action", CLI_TEXT, true, args.action, sizeof(args.action), "retry|drop",
                "retry: take it in again through the checks of sync; drop: close it unapplied"),
        CLI_OPT("by", CLI_TEXT, true, args.by, sizeof(args.by), "NAME",
                "the programme officer who decides"),
        CLI_OPT("reason", CLI_TEXT, true, args.reason, sizeof(args.reason), "TEXT",
                "why, for the audit log"),
    };
    struct cli_command cmd = {"Decides on an open quarantine entry: retry it once its cause is "
                              "fixed (a retry still refused keeps it open with the new reason "
                              "and exits 1 naming the rule) or drop it (kept, no longer open). "
                              "Audited; this node's own decision, not sent to the partner.",
                              "ID", 0, NULL, true, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    code = code == CLI_CONTINUE ? cli_parse_id(cli, "ID", cmd.value, &args.id) : code;
    return code != CLI_CONTINUE ? code : cli_with_app(cli, resolve_in, &args);
}

int cmd_quarantine(struct cli *cli, int argc, char **argv)
{
    static const struct cli_verb verbs[] = {
        {"list", quarantine_list, "[--all] [--limit N]: the refused records and batches still "
                                  "open (--all: resolved ones too)"},
        {"resolve", quarantine_resolve, "ID --action retry|drop --by NAME --reason TEXT: a "
                                        "programme officer's decision"},
    };
    return cli_dispatch(cli, verbs, CLI_LEN(verbs), argc, argv);
}
