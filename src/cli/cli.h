/* SPDX-License-Identifier: MIT */
/* Declarations shared by the files of the acsa command: the run context, the table-driven
 * option parser every verb uses, verb dispatch, and the table and JSON output functions. */
#ifndef ACSA_CLI_H
#define ACSA_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "app.h"
#include "cli_limits.h"
#include "app_reads.h"
#include "agreement.h"
#include "date.h"
#include "money.h"
#include "order.h"
#include "order_json.h"

/* Returned by the parser and the functions below when the command goes on; any other value
 * is the exit code to end with. */
#define CLI_CONTINUE (-1)
#define CLI_EXIT_OK 0
#define CLI_EXIT_USAGE 2


/* The state of one run of acsa. */
struct cli {
    const char *db_uri;           /* --db; NULL until given (then ACSA_DB, then ./acsa.db). */
    char verb[CLI_VERB_SIZE];      /* The verb path for messages: "order pay". */
    bool json;                     /* --json was given. */
    bool csv;                      /* --csv was given. */
    bool excel;                    /* --excel: CSV begins with a byte order mark. */
    int32_t today;                 /* The local date when acsa started. */
    struct acsa_error err;         /* The last error of the app, store or core. */
    struct cli_doc *doc;           /* Set while acsa doc walks the tables (doc.c): --help
                                    * writes manual pages and completion instead. */
    bool key_given;                /* --key was given (acsa serve's --config gives way). */
};

/* A verb: its word, its handler and one line for --help. Handlers get argv[0] = the word. */
typedef int (*cli_verb_fn)(struct cli *cli, int argc, char **argv);
struct cli_verb {
    const char *name;
    cli_verb_fn run;
    const char *summary;
};

/* How the parser converts an option's value, and what target points to. */
enum cli_kind {
    CLI_FLAG,      /* bool: the option takes no value. */
    CLI_TEXT,      /* char[size]: non-empty text shorter than size. */
    CLI_NATION,    /* char[ACSA_NATION_SIZE]: ISO 3166 alpha-2 code. */
    CLI_CURRENCY,  /* const struct acsa_currency *: a known ISO 4217 code. */
    CLI_DATE,      /* int32_t: a day number from YYYY-MM-DD. */
    CLI_ID,        /* int64_t: a positive whole number. */
    CLI_LINE_NO,   /* uint32_t: a positive whole number. */
    CLI_QUANTITY,  /* int64_t: thousandths, via acsa_quantity_parse. */
    CLI_METHOD,    /* enum acsa_method. */
    CLI_STATE,     /* enum acsa_state. */
    CLI_RAW,       /* const char *: converted later (an amount needs its currency first). */
    CLI_MULTI,     /* struct cli_multi: an option that may be repeated. */
    CLI_PATH,      /* const char *: a file name, any bytes (not held to the text rule). */
    CLI_KIND_COUNT
};

/* The values of a repeatable option, in the order given. */
struct cli_multi {
    const char *values[ACSA_ORDER_LINES_MAX];
    uint32_t count;
};

struct cli_option {
    const char *name;      /* Long name without "--". */
    enum cli_kind kind;
    bool required;
    void *target;          /* Where the converted value goes (see enum cli_kind). */
    size_t size;           /* Buffer size for CLI_TEXT. */
    const char *arg;       /* Value placeholder in --help ("DATE"); NULL for flags. */
    const char *help;      /* One line for --help. */
    bool seen;             /* Set by the parser when the option was given. */
};

/* One entry of a verb's option table (the parser sets seen). */
#define CLI_OPT(name, kind, required, target, size, arg, help) \
    {(name), (kind), (required), (target), (size), (arg), (help), false}
#define CLI_LEN(array) (sizeof(array) / sizeof((array)[0]))

#define CLI_JSON 1u
#define CLI_CSV 2u

/* What one verb accepts. */
struct cli_command {
    const char *summary;          /* One sentence for --help. */
    const char *positional;       /* Placeholder of the one positional argument, or NULL. */
    size_t positional_size;       /* Buffer size it must fit (0: any length). */
    const char *value;            /* The positional argument, set by the parser. */
    unsigned outputs;             /* What the verb prints besides text: CLI_JSON (--json; true
                                   * means it), CLI_CSV (its one table as CSV: --csv, --excel). */
    struct cli_option *options;
    size_t option_count;
};

/* options.c */
int cli_parse(struct cli *cli, struct cli_command *cmd, int argc, char **argv);
int cli_usage(struct cli *cli, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* suggest.c: "did you mean" for a mistyped verb or option. Offer each known word, then ask. */
struct cli_suggest {
    const char *word;
    const char *best;
    size_t best_distance;
};
void cli_suggest_begin(struct cli_suggest *s, const char *word);
void cli_suggest_offer(struct cli_suggest *s, const char *candidate);
/* "; did you mean 'PREFIXWORD'?" in buf, or "" when no known word is near. */
const char *cli_suggest_hint(const struct cli_suggest *s, const char *prefix, char *buf,
                             size_t size);
int cli_fail(struct cli *cli, enum acsa_rc rc);
int cli_amount(struct cli *cli, const char *option, const char *text,
               const struct acsa_currency *currency, int64_t *out_minor);
/* Reports a file that cannot be read (error is the errno) and returns the exit code. */
int cli_cannot_read(struct cli *cli, const char *path, int error);
/* Reads path whole into *out (malloc'd, NUL-terminated), at most cap + 1 bytes: a file longer
 * than cap reads as cap + 1 bytes, for the caller to refuse. CLI_CONTINUE or the exit code. */
int cli_read_file(struct cli *cli, const char *path, size_t cap, char **out, size_t *out_size);
/* A positional id (what names it in the message). */
int cli_parse_id(struct cli *cli, const char *what, const char *text, int64_t *out);
const char *cli_db_path(struct cli *cli);
const char *cli_default_actor(void);

/* main.c */
int cli_dispatch(struct cli *cli, const struct cli_verb *verbs, size_t count, int argc,
                 char **argv);
typedef int (*cli_app_fn)(struct cli *cli, struct acsa_app *app, void *ctx);
int cli_with_app(struct cli *cli, cli_app_fn fn, void *ctx);

/* output.c: one list, printed as an aligned table or streamed as a JSON array. */
struct cli_column {
    const char *header;
    int width;             /* Fixed width (rows printed at once), or 0 (widths computed). */
    int right;             /* Right-aligned (ids, counts): true; CLI_AMOUNT for an amount or
                            * quantity, also grouped by thousands unless --raw. */
};
#define CLI_AMOUNT 2

struct cli_out {
    FILE *file;
    bool json;
    bool csv;              /* Rows written as CSV as they come (csv.h), the header first. */
    bool group;            /* Amount cells grouped by thousands (a table, not --raw). */
    const struct cli_column *columns;
    size_t column_count;
    bool streaming;        /* Every column has a fixed width. */
    char **cells;          /* Buffered rows, row-major, when not streaming. */
    size_t rows;
    size_t capacity;
    size_t items;          /* Rows or JSON items written. */
    bool nested;           /* JSON: the array is a member of an object (no newline after). */
};

/* The context of a list command's row callbacks. */
struct cli_list {
    struct cli *cli;
    struct cli_out out;
    struct acsa_app *app;
};

/* --raw: amounts in tables as plain decimals, not grouped by thousands (1,234,567.50). */
void cli_out_set_raw(void);
void cli_out_begin(struct cli_out *out, FILE *file, bool json, const struct cli_column *columns,
                   size_t column_count);
/* Begins a list written as CSV: the header row (after a byte order mark if excel), then each
 * row as it comes. cli_list_begin begins this way when --csv was given. */
void cli_out_begin_csv(struct cli_out *out, FILE *file, const struct cli_column *columns,
                       size_t column_count, bool excel);
enum acsa_rc cli_out_cells(struct cli_out *out, const char *const *cells);
enum acsa_rc cli_out_json(struct cli_out *out, json_t *item);
enum acsa_rc cli_out_end(struct cli_out *out, enum acsa_rc rc);
void cli_list_begin(struct cli_list *list, struct cli *cli, struct acsa_app *app,
                    const struct cli_column *columns, size_t column_count);
int cli_list_end(struct cli_list *list, enum acsa_rc rc);

enum acsa_rc cli_json_print(FILE *file, json_t *doc);

/* Writes text for a terminal: control characters (C0, DEL, C1) and bytes that are not UTF-8
 * are shown escaped (\x1b, \u009b, \xff), never raw. Every table cell, labelled field and
 * message goes through it. */
void cli_put_text(FILE *file, const char *text);

/* Appends to the text in buf (size bytes, *used of them taken); stops quietly when full. */
void cli_append(char *buf, size_t size, size_t *used, const char *format, ...)
    __attribute__((format(printf, 4, 5)));
/* One "Label    value" line; the formatted value is written by cli_put_text. */
void cli_field(FILE *file, const char *label, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
const char *cli_date_text(int32_t day, char buf[ACSA_DATE_TEXT_SIZE]);

/* Verbs. */
int cmd_init(struct cli *cli, int argc, char **argv);
int cmd_agreement(struct cli *cli, int argc, char **argv);
int cmd_unit(struct cli *cli, int argc, char **argv);
int cmd_official(struct cli *cli, int argc, char **argv);
int cmd_activity(struct cli *cli, int argc, char **argv);
int cmd_demo(struct cli *cli, int argc, char **argv);
int cmd_migrate(struct cli *cli, int argc, char **argv);
int cmd_backup(struct cli *cli, int argc, char **argv);
int cmd_restore(struct cli *cli, int argc, char **argv);
int cmd_order(struct cli *cli, int argc, char **argv);
int cmd_order_list(struct cli *cli, int argc, char **argv);
int cmd_order_show(struct cli *cli, int argc, char **argv);
int cmd_balance(struct cli *cli, int argc, char **argv);
int cmd_overdue(struct cli *cli, int argc, char **argv);
int cmd_convert_overdue(struct cli *cli, int argc, char **argv);
int cmd_serve(struct cli *cli, int argc, char **argv);
int cmd_routes(struct cli *cli, int argc, char **argv);
int cmd_user(struct cli *cli, int argc, char **argv);
int cmd_token(struct cli *cli, int argc, char **argv);
int cmd_audit(struct cli *cli, int argc, char **argv);
int cmd_node(struct cli *cli, int argc, char **argv);
int cmd_peer(struct cli *cli, int argc, char **argv);
int cmd_sync(struct cli *cli, int argc, char **argv);
int cmd_bundle(struct cli *cli, int argc, char **argv);
int cmd_reconcile(struct cli *cli, int argc, char **argv);
int cmd_quarantine(struct cli *cli, int argc, char **argv);
int cmd_order_chain(struct cli *cli, int argc, char **argv);
/* cmd_order_fix.c */
int cmd_order_amend(struct cli *cli, int argc, char **argv);
/* Fills line index of draft from one "category=..,desc=..,.." SPEC (cmd_order.c). */
int cli_order_line_parse(struct cli *cli, struct acsa_order_draft *draft, uint32_t index,
                         const char *spec);
int cmd_report(struct cli *cli, int argc, char **argv);
/* doc.c: the hidden verb acsa doc, and the calls by which --help feeds it. */
int cmd_doc(struct cli *cli, int argc, char **argv);
int cli_doc_main(struct cli *cli, int argc, char **argv, const struct cli_verb *verbs,
                 size_t count, void (*usage)(FILE *));
int cli_doc_group(struct cli *cli, const struct cli_verb *table, size_t count);
void cli_doc_command(struct cli *cli, const struct cli_command *cmd);
void cli_doc_option(struct cli *cli, const char *name, const char *arg, const char *text,
                    bool required);
void cli_doc_command_end(struct cli *cli);
/* config.c: acsa serve's configuration file ("KEY = VALUE" lines, keys the verb's options). */
#define CLI_CONFIG_DEFAULT "/etc/acsa/acsa.conf"
struct cli_config {
    const char *path;                        /* The file. */
    char *text;                              /* Its bytes; values point into them. */
    bool loaded;                             /* The file was read. */
    uint32_t lines[CLI_OPTIONS_MAX];         /* The line that set option i, or 0. */
    uint32_t lines_overridden[CLI_OPTIONS_MAX]; /* The line of option i given on the command
                                              * line too (which wins), or 0. */
    uint32_t db_line;                        /* The line of db, or 0. */
    uint32_t key_line;                       /* The line of key, or 0. */
};
/* Reads path (when required is false, only if it exists) after cli_parse, and sets each option
 * the command line did not give; every value is checked either way. CLI_CONTINUE or the exit
 * code. cli_config_free releases it (the values of options point into it). */
int cli_config_load(struct cli *cli, struct cli_command *cmd, const char *path, bool required,
                    struct cli_config *config);
void cli_config_free(struct cli_config *config);
/* How a message names option index: "--threads", or "FILE:LINE: threads" if the file set it. */
const char *cli_config_name(const struct cli_config *config, const struct cli_command *cmd,
                            size_t index, char *buf, size_t size);
/* options.c: value converted as option opt's (the text rule, then its converter) into target,
 * messages naming it name. CLI_CONTINUE or the exit code. */
int cli_option_convert(struct cli *cli, struct cli_option *opt, const char *name, void *target,
                       const char *value);
/* cmd_import.c */
int cmd_import(struct cli *cli, int argc, char **argv);

/* cmd_statement.c: the reports of requirement 15 (acsa report NAME). */
int cli_report_statement(struct cli *cli, int argc, char **argv);
int cli_report_open(struct cli *cli, int argc, char **argv);
int cli_report_unliquidated(struct cli *cli, int argc, char **argv);
int cli_report_by_method(struct cli *cli, int argc, char **argv);
int cli_report_yearly(struct cli *cli, int argc, char **argv);
int cli_report_missing(struct cli *cli, int argc, char **argv);
/* cmd_order_print.c */
int cmd_order_print(struct cli *cli, int argc, char **argv);
int cmd_order_verify(struct cli *cli, int argc, char **argv);
int cmd_export(struct cli *cli, int argc, char **argv);
/* cmd_document.c */
int cmd_document(struct cli *cli, int argc, char **argv);
int cmd_order_attach(struct cli *cli, int argc, char **argv);
int cmd_order_documents(struct cli *cli, int argc, char **argv);

#endif
