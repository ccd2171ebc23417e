/* SPDX-License-Identifier: MIT */
/* The acsa command: global options (--db, --help, --version), dispatch of verbs and
 * sub-verbs, and the exit codes. Every verb lives in a cmd_*.c file. */
#include "cli.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app_key.h"
#include "alloc.h"

#define CLI_HELP_WORDS_MAX 3

static int cmd_help(struct cli *cli, int argc, char **argv);

static const struct cli_verb verbs[] = {
    {"init", cmd_init, "create the node database (--nation CC [--name NAME])"},
    {"agreement", cmd_agreement, "load FILE | list | show ID: the agreements of this node"},
    {"unit", cmd_unit, "add | list: units of either party"},
    {"official", cmd_official, "add | revoke | list: officials' dated grants of authority"},
    {"activity", cmd_activity, "add | list: exercises and operations orders are raised for"},
    {"order", cmd_order, "create | STEP NUMBER | list | show NUMBER: orders and their steps"},
    {"balance", cmd_balance, "committed, owed and settled per partner and currency; net"},
    {"overdue", cmd_overdue, "orders past due with ageing; cash orders not invoiced in time"},
    {"convert-overdue", cmd_convert_overdue, "convert overdue in-kind obligations to cash"},
    {"export", cmd_export, "orders | lines | postings | documents | journal: files for "
                           "spreadsheets and accounting tools"},
    {"document", cmd_document, "get ID --out FILE: the bytes of a supporting document"},
    {"report", cmd_report, "statement | open | unliquidated | by-method | missing | yearly | "
                           "in-transit: the reports of requirement 15"},
    {"user", cmd_user, "add | list | disable: the people who sign in to the server"},
    {"token", cmd_token, "create | revoke | list: API tokens for scripts"},
    {"audit", cmd_audit, "list | verify: the tamper-evident log of every command"},
    {"node", cmd_node, "show | keygen: this node's key pair, for its partners"},
    {"peer", cmd_peer, "add | list: partner nodes and the keys they sign with"},
    {"sync", cmd_sync, "exchange records with a partner node over HTTP (--peer CC)"},
    {"bundle", cmd_bundle, "export | import: records carried by hand as a signed file"},
    {"reconcile", cmd_reconcile, "compare this node's orders and balances with a partner's"},
    {"quarantine", cmd_quarantine, "list | resolve: records and batches refused, with the "
                                   "reason; a programme officer's retry or drop"},
    {"import", cmd_import, "orders FILE.csv | template: orders raised from a CSV file"},
    {"demo", cmd_demo, "create a demo node database (--db FILE)"},
    {"migrate", cmd_migrate, "copy a SQLite node to an empty PostgreSQL database"},
    {"backup", cmd_backup, "--out FILE --passphrase-file PATH: a sealed, verified copy of the "
                           "running node and its key"},
    {"restore", cmd_restore, "FILE --db PATH --passphrase-file PATH: a backup put back"},
    {"serve", cmd_serve, "serve the HTTP API and web UI ([--listen ADDR:PORT])"},
    {"help", cmd_help, "VERB [SUBVERB]: the help of a verb, as VERB [SUBVERB] --help"},
    {"routes", cmd_routes, NULL},
    {"doc", cmd_doc, NULL}, /* Manual pages and completion from these tables (doc.c). */
};

static void print_usage(FILE *file)
{
    fputs("Usage: acsa [--db PATH] VERB [ARGUMENTS] [OPTIONS]\n"
          "Keeps the accounts of acquisition and cross-servicing agreements (ACSA).\n\n"
          "Verbs:\n",
          file);
    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
        if (verbs[i].summary != NULL) { /* A verb without a summary is not listed. */
            fprintf(file, "  %-16s %s\n", verbs[i].name, verbs[i].summary);
        }
    }
    fputs("\nOrder steps (acsa order STEP NUMBER --by NAME ...): submit, approve, accept,\n"
          "reject, cancel, dispute, issue, receive, return, accept-return, invoice, pay,\n"
          "exchange, close. Every verb has --help; read commands take --json.\n\n"
          "Global options (before or after the verb):\n"
          "  --db PATH        node database (default: $ACSA_DB, else ./acsa.db); a path,\n"
          "                   sqlite:PATH, or postgresql://... for a PostgreSQL database\n"
          "  --key PATH       node key file (default: $ACSA_KEY, else beside a SQLite\n"
          "                   database as PATH.key; required for PostgreSQL)\n"
          "  --help           show this help\n"
          "  --version        show the version\n\n"
          "Exit codes:\n"
          "  0  ok\n"
          "  1  refused by a rule of the agreement or the order state, or beyond a limit\n"
          "  2  usage: unknown option, missing or malformed argument\n"
          "  3  not found (database, agreement, order, file)\n"
          "  4  storage error\n"
          "  5  the partner node could not be reached\n",
          file);
}

/* acsa doc --out DIR (hidden): the manual pages and the bash completion, from the tables. */
int cmd_doc(struct cli *cli, int argc, char **argv)
{
    return cli_doc_main(cli, argc, argv, verbs, CLI_LEN(verbs), print_usage);
}

int cli_with_app(struct cli *cli, cli_app_fn fn, void *ctx)
{
    struct acsa_app *app = NULL;
    enum acsa_rc rc = acsa_app_open(cli_db_path(cli), 0, &app, &cli->err);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    int code = fn(cli, app, ctx);
    acsa_app_close(app);
    return code;
}

static const struct cli_verb *find_verb(const struct cli_verb *table, size_t count,
                                        const char *name)
{
    for (size_t i = 0; i < count; i++) {
        if (strcmp(table[i].name, name) == 0) {
            return &table[i];
        }
    }
    return NULL;
}

/* The usage error for a word that is no verb of table, with the nearest verb if one is. */
static int unknown_verb(struct cli *cli, const struct cli_verb *table, size_t count,
                        const char *word)
{
    struct cli_suggest suggest;
    cli_suggest_begin(&suggest, word);
    for (size_t i = 0; i < count; i++) {
        if (table[i].summary != NULL) {
            cli_suggest_offer(&suggest, table[i].name);
        }
    }
    char hint[64];
    return cli_usage(cli, "unknown verb '%.40s'%s", word,
                     cli_suggest_hint(&suggest, "", hint, sizeof(hint)));
}

/* Appends a word to the verb path used in messages. */
static void verb_push(struct cli *cli, const char *word)
{
    size_t used = strlen(cli->verb);
    cli_append(cli->verb, sizeof(cli->verb), &used, "%s%s", used > 0 ? " " : "", word);
}

static void print_group_help(const struct cli *cli, const struct cli_verb *table, size_t count)
{
    printf("Usage: acsa %s VERB [ARGUMENTS] [OPTIONS]\n\nVerbs:\n", cli->verb);
    for (size_t i = 0; i < count; i++) {
        printf("  %-16s %s\n", table[i].name, table[i].summary);
    }
    printf("\nRun 'acsa %s VERB --help' for the options of one verb.\n", cli->verb);
}

int cli_dispatch(struct cli *cli, const struct cli_verb *table, size_t count, int argc,
                 char **argv)
{
    if (argc < 2) {
        return cli_usage(cli, "a verb is required");
    }
    const char *word = argv[1];
    if (strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0) {
        if (cli->doc != NULL) {
            return cli_doc_group(cli, table, count);
        }
        print_group_help(cli, table, count);
        return CLI_EXIT_OK;
    }
    const struct cli_verb *verb = find_verb(table, count, word);
    if (verb == NULL) {
        return unknown_verb(cli, table, count, word);
    }
    verb_push(cli, verb->name);
    return verb->run(cli, argc - 1, argv + 1);
}

/* acsa help [VERB [SUBVERB...]]: the verb's own --help, or the list of verbs. */
static int cmd_help(struct cli *cli, int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        struct cli_command cmd = {"Shows the help of a verb: 'acsa help order create' is 'acsa "
                                  "order create --help'; without a verb, the list of verbs.",
                                  "[VERB [SUBVERB]]", 0, NULL, 0, NULL, 0};
        return cli_parse(cli, &cmd, argc, argv);
    }
    if (argc > CLI_HELP_WORDS_MAX + 1) {
        return cli_usage(cli, "at most %d words after help", CLI_HELP_WORDS_MAX);
    }
    char *words[CLI_HELP_WORDS_MAX + 3];
    words[0] = argv[0];
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-') {
            return cli_usage(cli, "unexpected option '%.40s': help takes verbs only", argv[i]);
        }
        words[i] = argv[i];
    }
    words[argc] = "--help";
    words[argc + 1] = NULL;
    cli->verb[0] = '\0'; /* Messages name the verb asked about, not help. */
    return cli_dispatch(cli, verbs, sizeof(verbs) / sizeof(verbs[0]), argc + 1, words);
}

/* Global options before the verb. Returns the index of the verb, or -1 with *out_exit set. */
static int global_options(struct cli *cli, int argc, char **argv, int *out_exit)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            print_usage(stdout);
            *out_exit = CLI_EXIT_OK;
            return -1;
        }
        if (strcmp(arg, "--version") == 0) {
            printf("acsa %s\n", ACSA_VERSION);
            *out_exit = CLI_EXIT_OK;
            return -1;
        }
        const char *value = NULL;
        bool key = strcmp(arg, "--key") == 0 || strncmp(arg, "--key=", 6) == 0;
        if (strncmp(arg, "--db=", 5) == 0 || strncmp(arg, "--key=", 6) == 0) {
            value = strchr(arg, '=') + 1;
        } else if ((strcmp(arg, "--db") == 0 || key) && i + 1 < argc) {
            value = argv[++i];
        } else {
            bool known = strcmp(arg, "--db") == 0 || key;
            *out_exit = cli_usage(cli, known ? "%s needs a value" : "unknown option '%.40s'",
                                  arg);
            return -1;
        }
        if (value[0] == '\0') {
            *out_exit = cli_usage(cli, key ? "--key: must not be empty"
                                           : "--db: must not be empty");
            return -1;
        }
        if (key) {
            acsa_app_set_key_path(value); /* The node key file (a PostgreSQL node needs it). */
            cli->key_given = true;
        } else {
            cli->db_uri = value;
        }
    }
    return i;
}

static int32_t local_today(void)
{
    time_t now = time(NULL);
    struct tm tm;
    if (localtime_r(&now, &tm) == NULL) {
        return acsa_date_from_ymd(1970, 1, 1);
    }
    return acsa_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int main(int argc, char **argv)
{
    /* jansson through the heap door too: one allocator for all, and a failed allocation in
     * its parser is told from a malformed document (acsa_alloc_failures). */
    json_set_alloc_funcs(acsa_malloc, acsa_free);
    struct cli cli;
    memset(&cli, 0, sizeof(cli));
    cli.today = local_today();
    int code = CLI_EXIT_OK;
    int first = global_options(&cli, argc, argv, &code);
    if (first < 0) {
        return code;
    }
    if (first >= argc) {
        print_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const struct cli_verb *verb = find_verb(verbs, sizeof(verbs) / sizeof(verbs[0]), argv[first]);
    if (verb == NULL) {
        return unknown_verb(&cli, verbs, sizeof(verbs) / sizeof(verbs[0]), argv[first]);
    }
    verb_push(&cli, verb->name);
    code = verb->run(&cli, argc - first, argv + first);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "acsa: cannot write the output: %s\n", strerror(errno));
        return acsa_rc_exit_code(ACSA_ESTORAGE);
    }
    return code;
}
