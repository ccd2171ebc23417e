/* SPDX-License-Identifier: MIT */
/* The one option parser of acsa: each verb describes its options in a table, and this file
 * runs getopt_long over it, converts and checks every value, and prints the verb's --help. */
#include "cli.h"
#include "app_key.h"
#include "text.h"
#include "alloc.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* getopt_long values of the options every verb has; a verb's own options are numbered from
 * OPT_FIRST by their index in its table. */
enum { OPT_HELP = 'h', OPT_DB = 1000, OPT_JSON, OPT_KEY, OPT_CSV, OPT_EXCEL, OPT_RAW, OPT_FIRST };

/* Longest piece of user text quoted back in a message. */

/* Longest "--name ARG" shown in a help line before its text is pushed to the next line. */
#define HELP_ARG_WIDTH 24

/* Messages quote what was given (an argument, a stored name): written through
 * cli_put_text so that no control character reaches the terminal. */
int cli_usage(struct cli *cli, const char *format, ...)
{
    const char *space = cli->verb[0] != '\0' ? " " : "";
    char message[ACSA_ERROR_MESSAGE_SIZE];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof(message), format, args);
    va_end(args);
    fprintf(stderr, "acsa%s%s: ", space, cli->verb);
    cli_put_text(stderr, message);
    fprintf(stderr, "\nTry 'acsa%s%s --help'.\n", space, cli->verb);
    return CLI_EXIT_USAGE;
}

int cli_fail(struct cli *cli, enum acsa_rc rc)
{
    const char *message = cli->err.message[0] != '\0' ? cli->err.message : acsa_rc_text(rc);
    fputs("acsa: ", stderr);
    cli_put_text(stderr, message);
    fputc('\n', stderr);
    return acsa_rc_exit_code(rc);
}

int cli_cannot_read(struct cli *cli, const char *path, int error)
{
    fprintf(stderr, "acsa: %s: cannot read %s: %s\n", cli->verb, path, strerror(error));
    return acsa_rc_exit_code(ACSA_ENOTFOUND);
}

int cli_read_file(struct cli *cli, const char *path, size_t cap, char **out, size_t *out_size)
{
    *out = NULL;
    *out_size = 0;
    FILE *in = fopen(path, "rb");
    if (in == NULL) {
        return cli_cannot_read(cli, path, errno);
    }
    char *data = acsa_malloc(cap + 2);
    if (data == NULL) {
        fclose(in);
        return cli_fail(cli, ACSA_ENOMEM);
    }
    size_t size = fread(data, 1, cap + 1, in);
    int error = ferror(in) ? errno : 0;
    fclose(in);
    if (error != 0) {
        acsa_free(data);
        return cli_cannot_read(cli, path, error);
    }
    data[size] = '\0';
    *out = data;
    *out_size = size;
    return CLI_CONTINUE;
}

const char *cli_db_path(struct cli *cli)
{
    if (cli->db_uri == NULL) {
        const char *env = getenv("ACSA_DB");
        cli->db_uri = env != NULL && env[0] != '\0' ? env : "acsa.db";
    }
    return cli->db_uri;
}

const char *cli_default_actor(void)
{
    const char *user = getenv("USER");
    if (user == NULL || user[0] == '\0' || strlen(user) >= ACSA_NAME_SIZE ||
        !acsa_text_valid(user, strlen(user), ACSA_TEXT_LINE, NULL)) {
        return "unknown";
    }
    return user;
}

int cli_amount(struct cli *cli, const char *option, const char *text,
               const struct acsa_currency *currency, int64_t *out_minor)
{
    enum acsa_rc rc = acsa_money_parse(text, currency->exponent, option, out_minor, &cli->err);
    return rc == ACSA_OK ? CLI_CONTINUE : cli_usage(cli, "%s", cli->err.message);
}

/* ---- Converters, one per enum cli_kind ------------------------------------------------ */

typedef int (*converter)(struct cli *cli, struct cli_option *opt, const char *flag,
                         const char *value);

/* A positive whole number up to max, the whole text consumed; no sign, no spaces. */
static bool parse_positive(const char *text, long long max, long long *out)
{
    if (text[0] < '0' || text[0] > '9') {
        return false;
    }
    errno = 0;
    char *end = NULL;
    long long value = strtoll(text, &end, 10);
    if (errno != 0 || end == NULL || *end != '\0' || value <= 0 || value > max) {
        return false;
    }
    *out = value;
    return true;
}

static int convert_flag(struct cli *cli, struct cli_option *opt, const char *flag,
                        const char *value)
{
    *(bool *)opt->target = true;
    return CLI_CONTINUE;
}

static int convert_text(struct cli *cli, struct cli_option *opt, const char *flag,
                        const char *value)
{
    size_t length = strlen(value);
    if (length == 0) {
        return cli_usage(cli, "%s: must not be empty", flag);
    }
    if (length >= opt->size) {
        return cli_usage(cli, "%s: longer than %zu characters", flag, opt->size - 1);
    }
    memcpy(opt->target, value, length + 1);
    return CLI_CONTINUE;
}

static int convert_nation(struct cli *cli, struct cli_option *opt, const char *flag,
                          const char *value)
{
    if (!acsa_nation_valid(value)) {
        return cli_usage(cli, "%s: \"%.*s\" is not an ISO 3166 alpha-2 code (e.g. IN, JP)",
                         flag, ACSA_QUOTE_MAX, value);
    }
    memcpy(opt->target, value, ACSA_NATION_SIZE);
    return CLI_CONTINUE;
}

static int convert_currency(struct cli *cli, struct cli_option *opt, const char *flag,
                            const char *value)
{
    const struct acsa_currency *currency = acsa_currency_find(value);
    if (currency == NULL) {
        return cli_usage(cli, "%s: \"%.*s\" is not a known ISO 4217 currency", flag, ACSA_QUOTE_MAX,
                         value);
    }
    *(const struct acsa_currency **)opt->target = currency;
    return CLI_CONTINUE;
}

static int convert_date(struct cli *cli, struct cli_option *opt, const char *flag,
                        const char *value)
{
    if (acsa_date_parse(value, flag, opt->target, &cli->err) != ACSA_OK) {
        return cli_usage(cli, "%s", cli->err.message);
    }
    return CLI_CONTINUE;
}

/* A positive whole number up to max, or a usage error naming what. */
static int parse_number(struct cli *cli, const char *what, const char *text, long long max,
                        long long *out)
{
    if (!parse_positive(text, max, out)) {
        return cli_usage(cli, "%s: \"%.*s\" is not a positive whole number", what, ACSA_QUOTE_MAX,
                         text);
    }
    return CLI_CONTINUE;
}

static int convert_number(struct cli *cli, struct cli_option *opt, const char *flag,
                          const char *value)
{
    long long max = opt->kind == CLI_ID ? INT64_MAX : UINT32_MAX;
    long long number = 0;
    int code = parse_number(cli, flag, value, max, &number);
    if (code != CLI_CONTINUE) {
        return code;
    }
    if (opt->kind == CLI_ID) {
        *(int64_t *)opt->target = number;
    } else {
        *(uint32_t *)opt->target = (uint32_t)number;
    }
    return CLI_CONTINUE;
}

int cli_parse_id(struct cli *cli, const char *what, const char *text, int64_t *out)
{
    long long number = 0;
    int code = parse_number(cli, what, text, INT64_MAX, &number);
    if (code == CLI_CONTINUE) {
        *out = number;
    }
    return code;
}

static int convert_quantity(struct cli *cli, struct cli_option *opt, const char *flag,
                            const char *value)
{
    if (acsa_quantity_parse(value, flag, opt->target, &cli->err) != ACSA_OK) {
        return cli_usage(cli, "%s", cli->err.message);
    }
    return CLI_CONTINUE;
}

/* "a, b, c" from the names of count values, for messages that list what is accepted. */
static void join_names(char *buf, size_t size, bool states, unsigned count)
{
    size_t used = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < count; i++) {
        const char *name = states ? acsa_state_name((enum acsa_state)i)
                                  : acsa_method_name((enum acsa_method)i);
        cli_append(buf, size, &used, "%s%s", i > 0 ? ", " : "", name);
    }
}

static int convert_name(struct cli *cli, struct cli_option *opt, const char *flag,
                        const char *value)
{
    bool states = opt->kind == CLI_STATE;
    bool found = states ? acsa_state_parse(value, opt->target)
                        : acsa_method_parse(value, opt->target);
    if (found) {
        return CLI_CONTINUE;
    }
    char names[256];
    join_names(names, sizeof(names), states, states ? ACSA_STATE_COUNT : ACSA_METHOD_COUNT);
    return cli_usage(cli, "%s: \"%.*s\" is not %s (%s)", flag, ACSA_QUOTE_MAX, value,
                     states ? "an order state" : "a settlement method", names);
}

static int convert_raw(struct cli *cli, struct cli_option *opt, const char *flag,
                       const char *value)
{
    if (value[0] == '\0') {
        return cli_usage(cli, "%s: must not be empty", flag);
    }
    *(const char **)opt->target = value;
    return CLI_CONTINUE;
}

static int convert_multi(struct cli *cli, struct cli_option *opt, const char *flag,
                         const char *value)
{
    struct cli_multi *multi = opt->target;
    if (multi->count >= ACSA_ORDER_LINES_MAX) {
        return cli_usage(cli, "%s: given more than %d times", flag, ACSA_ORDER_LINES_MAX);
    }
    multi->values[multi->count] = value;
    multi->count++;
    return CLI_CONTINUE;
}

static const converter converters[CLI_KIND_COUNT] = {
    [CLI_FLAG] = convert_flag,         [CLI_TEXT] = convert_text,
    [CLI_NATION] = convert_nation,     [CLI_CURRENCY] = convert_currency,
    [CLI_DATE] = convert_date,         [CLI_ID] = convert_number,
    [CLI_LINE_NO] = convert_number,    [CLI_QUANTITY] = convert_quantity,
    [CLI_METHOD] = convert_name,       [CLI_STATE] = convert_name,
    [CLI_RAW] = convert_raw,           [CLI_MULTI] = convert_multi,
    [CLI_PATH] = convert_raw,
};

/* The one check of argument text: every value of every option (a --line whole, so its
 * sub-fields desc=, unit=, nsn= too) and the positional argument must pass the text rule
 * (text.h) before any converter sees it or any message quotes it. One line each: no option
 * is multi-line. File paths are exempt: the kernel takes any bytes, and they are not stored. */
static int check_argument(struct cli *cli, const char *name, const char *value)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    if (acsa_text_check(value, ACSA_TEXT_LINE, name, &err) != ACSA_OK) {
        return cli_usage(cli, "%s", err.message);
    }
    return CLI_CONTINUE;
}

static int set_option(struct cli *cli, struct cli_option *opt, const char *value)
{
    char flag[48];
    snprintf(flag, sizeof(flag), "--%s", opt->name);
    if (opt->seen && opt->kind != CLI_MULTI) {
        return cli_usage(cli, "%s: given more than once", flag);
    }
    opt->seen = true;
    value = value != NULL ? value : "";
    char name[64];
    snprintf(name, sizeof(name), "%s", flag);
    if (opt->kind == CLI_MULTI) {
        /* "--line 2", as the messages about a line's keys name it. */
        snprintf(name, sizeof(name), "%s %u", flag, ((struct cli_multi *)opt->target)->count + 1);
    }
    if (opt->kind != CLI_PATH && check_argument(cli, name, value) != CLI_CONTINUE) {
        return CLI_EXIT_USAGE;
    }
    return converters[opt->kind](cli, opt, flag, value);
}

int cli_option_convert(struct cli *cli, struct cli_option *opt, const char *name, void *target,
                       const char *value)
{
    struct cli_option copy = *opt;
    copy.target = target;
    if (opt->kind != CLI_PATH && check_argument(cli, name, value) != CLI_CONTINUE) {
        return CLI_EXIT_USAGE;
    }
    return converters[opt->kind](cli, &copy, name, value);
}

/* ---- Help ----------------------------------------------------------------------------- */

static void help_line(struct cli *cli, const char *name, const char *arg, const char *text,
                      bool required)
{
    if (cli->doc != NULL) { /* acsa doc: the same line, for the manual and the completion. */
        cli_doc_option(cli, name, arg, text, required);
        return;
    }
    char left[64];
    snprintf(left, sizeof(left), "--%s%s%s", name, arg != NULL ? " " : "",
             arg != NULL ? arg : "");
    if (strlen(left) > HELP_ARG_WIDTH) {
        printf("  %s\n  %-*s  ", left, HELP_ARG_WIDTH, "");
    } else {
        printf("  %-*s  ", HELP_ARG_WIDTH, left);
    }
    printf("%s%s\n", text, required ? " (required)" : "");
}

/* Whether the verb has an option --key of its own (peer add: the partner's public key); there
 * the node key file is named before the verb or by ACSA_KEY. */
static bool has_own_key(const struct cli_command *cmd)
{
    for (size_t i = 0; i < cmd->option_count; i++) {
        if (strcmp(cmd->options[i].name, "key") == 0) {
            return true;
        }
    }
    return false;
}

static void print_usage_line(const struct cli *cli, const struct cli_command *cmd)
{
    printf("Usage: acsa %s", cli->verb);
    if (cmd->positional != NULL) {
        printf(" %s", cmd->positional);
    }
    for (size_t i = 0; i < cmd->option_count; i++) {
        const struct cli_option *opt = &cmd->options[i];
        if (opt->required) {
            printf(" --%s %s", opt->name, opt->arg != NULL ? opt->arg : "");
        }
    }
    printf(" [options]\n\n%s\n\nOptions:\n", cmd->summary);
}

static void print_help(struct cli *cli, const struct cli_command *cmd)
{
    if (cli->doc != NULL) {
        cli_doc_command(cli, cmd);
    } else {
        print_usage_line(cli, cmd);
    }
    for (size_t i = 0; i < cmd->option_count; i++) {
        const struct cli_option *opt = &cmd->options[i];
        help_line(cli, opt->name, opt->arg, opt->help, opt->required);
    }
    help_line(cli, "db", "PATH", "node database (default: $ACSA_DB, else ./acsa.db)", false);
    if (!has_own_key(cmd)) {
        help_line(cli, "key", "PATH",
                  "node key file (default: $ACSA_KEY, else beside the database)", false);
    }
    if ((cmd->outputs & CLI_JSON)) {
        help_line(cli, "json", NULL, "print JSON instead of a table (fields in docs/CLI.md)",
                  false);
        help_line(cli, "raw", NULL,
                  "amounts in tables as plain decimals (1234567.50), for scripts", false);
    }
    if ((cmd->outputs & CLI_CSV)) {
        help_line(cli, "csv", NULL, "print CSV (RFC 4180, UTF-8) instead of a table", false);
        help_line(cli, "excel", NULL, "with --csv: begin with a byte order mark for Excel", false);
    }
    help_line(cli, "help", NULL, "show this help and exit", false);
    if (cli->doc != NULL) {
        cli_doc_command_end(cli);
    }
}

/* ---- Parsing -------------------------------------------------------------------------- */

/* The usage error for an option the verb does not take, with the nearest it does take. */
static int unknown_option(struct cli *cli, const struct cli_command *cmd, const char *given)
{
    char name[48] = "";
    if (strncmp(given, "--", 2) == 0) {
        snprintf(name, sizeof(name), "%.*s", (int)strcspn(given + 2, "="), given + 2);
    }
    struct cli_suggest suggest;
    cli_suggest_begin(&suggest, name);
    for (size_t i = 0; i < cmd->option_count; i++) {
        cli_suggest_offer(&suggest, cmd->options[i].name);
    }
    cli_suggest_offer(&suggest, "db");
    cli_suggest_offer(&suggest, "help");
    if ((cmd->outputs & CLI_JSON)) {
        cli_suggest_offer(&suggest, "json");
        cli_suggest_offer(&suggest, "raw");
    }
    if ((cmd->outputs & CLI_CSV)) {
        cli_suggest_offer(&suggest, "csv");
        cli_suggest_offer(&suggest, "excel");
    }
    char hint[72];
    return cli_usage(cli, "unknown option '%.*s'%s", ACSA_QUOTE_MAX, given,
                     cli_suggest_hint(&suggest, "--", hint, sizeof(hint)));
}

static int handle_option(struct cli *cli, struct cli_command *cmd, int code, char **argv)
{
    const char *current = argv[optind - 1];
    switch (code) {
    case OPT_HELP:
        print_help(cli, cmd);
        return CLI_EXIT_OK;
    case OPT_DB:
        if (optarg[0] == '\0') {
            return cli_usage(cli, "--db: must not be empty");
        }
        cli->db_uri = optarg;
        return CLI_CONTINUE;
    case OPT_KEY:
        if (optarg[0] == '\0') {
            return cli_usage(cli, "--key: must not be empty");
        }
        acsa_app_set_key_path(optarg);
        cli->key_given = true;
        return CLI_CONTINUE;
    case OPT_JSON:
        cli->json = true;
        return CLI_CONTINUE;
    case OPT_CSV:
        cli->csv = true;
        return CLI_CONTINUE;
    case OPT_EXCEL:
        cli->excel = true;
        return CLI_CONTINUE;
    case OPT_RAW:
        cli_out_set_raw();
        return CLI_CONTINUE;
    case ':':
        return cli_usage(cli, "%s needs a value", current);
    case '?':
        if (optopt > 0 && optopt < OPT_DB) {
            return cli_usage(cli, "unknown option '-%c'", optopt);
        }
        return unknown_option(cli, cmd, current);
    default:
        return set_option(cli, &cmd->options[code - OPT_FIRST], optarg);
    }
}

static int take_positional(struct cli *cli, struct cli_command *cmd, int argc, char **argv)
{
    int first = optind;
    if (cmd->positional == NULL || first >= argc) {
        if (first < argc) {
            return cli_usage(cli, "unexpected argument '%.*s'", ACSA_QUOTE_MAX, argv[first]);
        }
        if (cmd->positional != NULL) {
            return cli_usage(cli, "%s is required", cmd->positional);
        }
        return CLI_CONTINUE;
    }
    if (first + 1 < argc) {
        return cli_usage(cli, "unexpected argument '%.*s'", ACSA_QUOTE_MAX, argv[first + 1]);
    }
    const char *value = argv[first];
    bool path = strcmp(cmd->positional, "FILE") == 0; /* A file name, as CLI_PATH. */
    if (!path && check_argument(cli, cmd->positional, value) != CLI_CONTINUE) {
        return CLI_EXIT_USAGE;
    }
    if (value[0] == '\0') {
        return cli_usage(cli, "%s: must not be empty", cmd->positional);
    }
    if (cmd->positional_size > 0 && strlen(value) >= cmd->positional_size) {
        return cli_usage(cli, "%s: longer than %zu characters", cmd->positional,
                         cmd->positional_size - 1);
    }
    cmd->value = value;
    return CLI_CONTINUE;
}

int cli_parse(struct cli *cli, struct cli_command *cmd, int argc, char **argv)
{
    struct option longopts[CLI_OPTIONS_MAX + 8];
    size_t n = 0;
    if (cmd->option_count > CLI_OPTIONS_MAX) {
        abort(); /* A verb table larger than the parser was built for. */
    }
    for (size_t i = 0; i < cmd->option_count; i++) {
        int has_arg = cmd->options[i].kind == CLI_FLAG ? no_argument : required_argument;
        longopts[n++] = (struct option){cmd->options[i].name, has_arg, NULL, OPT_FIRST + (int)i};
    }
    longopts[n++] = (struct option){"db", required_argument, NULL, OPT_DB};
    if (!has_own_key(cmd)) {
        longopts[n++] = (struct option){"key", required_argument, NULL, OPT_KEY};
    }
    if ((cmd->outputs & CLI_JSON)) {
        longopts[n++] = (struct option){"json", no_argument, NULL, OPT_JSON};
        longopts[n++] = (struct option){"raw", no_argument, NULL, OPT_RAW};
    }
    if ((cmd->outputs & CLI_CSV)) {
        longopts[n++] = (struct option){"csv", no_argument, NULL, OPT_CSV};
        longopts[n++] = (struct option){"excel", no_argument, NULL, OPT_EXCEL};
    }
    longopts[n++] = (struct option){"help", no_argument, NULL, OPT_HELP};
    longopts[n] = (struct option){NULL, 0, NULL, 0};
    optind = 0;
    opterr = 0;
    for (;;) {
        int code = getopt_long(argc, argv, ":h", longopts, NULL);
        if (code == -1) {
            break;
        }
        int rc = handle_option(cli, cmd, code, argv);
        if (rc != CLI_CONTINUE) {
            return rc;
        }
    }
    int rc = take_positional(cli, cmd, argc, argv);
    if (rc == CLI_CONTINUE && cli->csv && cli->json) {
        rc = cli_usage(cli, "--csv and --json: choose one");
    }
    if (rc == CLI_CONTINUE && cli->excel && !cli->csv) {
        rc = cli_usage(cli, "--excel: only with --csv");
    }
    for (size_t i = 0; rc == CLI_CONTINUE && i < cmd->option_count; i++) {
        if (cmd->options[i].required && !cmd->options[i].seen) {
            rc = cli_usage(cli, "--%s is required", cmd->options[i].name);
        }
    }
    return rc;
}
