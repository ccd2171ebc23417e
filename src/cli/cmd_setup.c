/* SPDX-License-Identifier: MIT */
/* The setup verbs: init, agreement (load, list, show), unit, official and activity (add and
 * list), and demo. Each parses its arguments, calls the application layer once and prints. */
#include "cli.h"
#include "transit.h"
#include "alloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"


int cmd_init(struct cli *cli, int argc, char **argv)
{
    char nation[ACSA_NATION_SIZE] = "";
    char name[ACSA_NAME_SIZE] = "";
    struct cli_option options[] = {
        CLI_OPT("nation", CLI_NATION, true, nation, 0, "CC", "this node's nation (IN, JP, ...)"),
        CLI_OPT("name", CLI_TEXT, false, name, sizeof(name), "NAME", "display name of the node"),
    };
    struct cli_command cmd = {"Creates and initialises the node database given by --db.", NULL,
                              0, NULL, false, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    if (code != CLI_CONTINUE) {
        return code;
    }
    const char *path = cli_db_path(cli);
    enum acsa_rc rc = acsa_app_init(path, nation, name, &cli->err);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    fprintf(stderr, "acsa: initialised %s for nation %s\n", path, nation);
    return CLI_EXIT_OK;
}

/* ---- agreement ------------------------------------------------------------------------ */

struct loaded_file {
    char *text;
    size_t size;
};

static int read_file(struct cli *cli, const char *path, struct loaded_file *file)
{
    char *text = NULL;
    size_t size = 0;
    int code = cli_read_file(cli, path, CLI_AGREEMENT_FILE_MAX, &text, &size);
    if (code != CLI_CONTINUE) {
        return code;
    }
    if (size > CLI_AGREEMENT_FILE_MAX) {
        acsa_free(text);
        return cli_usage(cli, "FILE: %s is larger than %u bytes", path, CLI_AGREEMENT_FILE_MAX);
    }
    file->text = text;
    file->size = size;
    return CLI_CONTINUE;
}

static int agreement_load_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const struct loaded_file *file = ctx;
    char id[ACSA_ID_SIZE];
    enum acsa_rc rc = acsa_app_agreement_load(app, file->text, file->size, id, &cli->err);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    printf("%s\n", id);
    return CLI_EXIT_OK;
}

static int agreement_load(struct cli *cli, int argc, char **argv)
{
    struct cli_command cmd = {"Loads an agreement file (JSON) and prints its id.", "FILE", 0,
                              NULL, false, NULL, 0};
    int code = cli_parse(cli, &cmd, argc, argv);
    struct loaded_file file = {NULL, 0};
    code = code == CLI_CONTINUE ? read_file(cli, cmd.value, &file) : code;
    if (code != CLI_CONTINUE) {
        return code;
    }
    code = cli_with_app(cli, agreement_load_in, &file);
    acsa_free(file.text);
    return code;
}

static enum acsa_rc agreement_row(void *ctx, const struct acsa_agreement *a)
{
    struct cli_list *list = ctx;
    int32_t term_end = acsa_agreement_term_end(a, list->cli->today);
    bool in_force = acsa_agreement_in_force(a, list->cli->today);
    if (list->out.json) {
        return cli_out_json(&list->out, acsa_agreement_summary_json(a, list->cli->today));
    }
    char parties[2 * ACSA_NATION_SIZE + 1];
    char from[ACSA_DATE_TEXT_SIZE];
    char end[ACSA_DATE_TEXT_SIZE];
    char terminated[ACSA_DATE_TEXT_SIZE];
    snprintf(parties, sizeof(parties), "%s-%s", a->parties[0], a->parties[1]);
    const char *cells[] = {a->id, parties, cli_date_text(a->effective_from_day, from),
                           cli_date_text(term_end, end),
                           cli_date_text(a->terminated_day, terminated), in_force ? "yes" : "no",
                           a->title};
    return cli_out_cells(&list->out, cells);
}

static int agreement_list_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    static const struct cli_column columns[] = {
        {"ID", 0, false},         {"PARTIES", 0, false},  {"IN FORCE FROM", 0, false},
        {"TERM END", 0, false},   {"TERMINATED", 0, false}, {"IN FORCE", 0, false},
        {"TITLE", 0, false},
    };
    struct cli_list list;
    cli_list_begin(&list, cli, app, columns, CLI_LEN(columns));
    return cli_list_end(&list, acsa_app_agreement_list(app, agreement_row, &list,
                                                        &cli->err));
}

/* A read verb whose only options are --db, --json and --help. */
static int plain_read(struct cli *cli, int argc, char **argv, const char *summary,
                      const char *positional, size_t positional_size, cli_app_fn fn)
{
    struct cli_command cmd = {summary, positional, positional_size, NULL, true, NULL, 0};
    int code = cli_parse(cli, &cmd, argc, argv);
    if (code != CLI_CONTINUE) {
        return code;
    }
    return cli_with_app(cli, fn, (void *)cmd.value);
}

static int agreement_list(struct cli *cli, int argc, char **argv)
{
    return plain_read(cli, argc, argv, "Lists the agreements of this node.", NULL, 0,
                      agreement_list_in);
}

static void join_codes(char *buf, size_t size, const char (*codes)[ACSA_CODE_SIZE],
                       uint32_t count)
{
    size_t used = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < count; i++) {
        cli_append(buf, size, &used, "%s%s", i > 0 ? ", " : "", codes[i]);
    }
}

static void agreement_terms_text(const struct acsa_agreement *a)
{
    char text[CLI_JOINED_SIZE];
    size_t used = 0;
    text[0] = '\0';
    for (unsigned m = 0; m < ACSA_METHOD_COUNT; m++) {
        if (a->method_allowed[m]) {
            cli_append(text, sizeof(text), &used, "%s%s: due %d days after %s",
                       used > 0 ? "; " : "", acsa_method_name((enum acsa_method)m),
                       (int)a->due_days[m], m == ACSA_METHOD_CASH ? "invoice" : "receipt");
        }
    }
    cli_field(stdout, "Methods", "%s", text);
    used = 0;
    text[0] = '\0';
    for (uint32_t i = 0; i < a->currency_count; i++) {
        cli_append(text, sizeof(text), &used, "%s%s (%u decimals)", i > 0 ? ", " : "",
                   a->currencies[i].code, (unsigned)a->currencies[i].exponent);
    }
    cli_field(stdout, "Currencies", "%s", text);
    cli_field(stdout, "Conversion", "%s", acsa_conversion_name(a->conversion));
    cli_field(stdout, "Invoice within", "%d days of delivery", (int)a->invoice_within_days);
    cli_field(stdout, "In transit", "%d days from issue to receipt, then a discrepancy",
              (int)acsa_transit_days(a));
    used = 0;
    for (uint32_t b = 0; b <= ACSA_AGEING_BOUNDS; b++) {
        char label[32];
        acsa_agreement_ageing_label(a, b, label, sizeof(label));
        cli_append(text, sizeof(text), &used, "%s%s", b > 0 ? ", " : "", label);
    }
    cli_field(stdout, "Ageing buckets", "%s days", text);
    cli_field(stdout, "Pricing basis", "%s", a->pricing_basis[0] != '\0' ? a->pricing_basis : "-");
}

static void agreement_text(const struct acsa_agreement *a, int32_t today)
{
    char date[ACSA_DATE_TEXT_SIZE];
    char codes[CLI_JOINED_SIZE];
    cli_field(stdout, "Id", "%s", a->id);
    cli_field(stdout, "Title", "%s", a->title);
    cli_field(stdout, "Parties", "%s, %s", a->parties[0], a->parties[1]);
    cli_field(stdout, "Signed", "%s", cli_date_text(a->signed_day, date));
    cli_field(stdout, "In force from", "%s", cli_date_text(a->effective_from_day, date));
    cli_field(stdout, "Term", "%d years", (int)a->term_years);
    if (a->renewal_years > 0) {
        cli_field(stdout, "Renewal", "automatic, every %d years", (int)a->renewal_years);
    } else {
        cli_field(stdout, "Renewal", "none");
    }
    cli_field(stdout, "Term end", "%s", cli_date_text(acsa_agreement_term_end(a, today), date));
    cli_field(stdout, "Terminated", "%s", cli_date_text(a->terminated_day, date));
    cli_field(stdout, "In force today", "%s", acsa_agreement_in_force(a, today) ? "yes" : "no");
    join_codes(codes, sizeof(codes), a->activity_types, a->activity_type_count);
    cli_field(stdout, "Activity types", "%s", codes);
    join_codes(codes, sizeof(codes), a->categories, a->category_count);
    cli_field(stdout, "Categories", "%s", codes);
    join_codes(codes, sizeof(codes), a->excluded, a->excluded_count);
    cli_field(stdout, "Excluded", "%s", a->excluded_count > 0 ? codes : "-");
    agreement_terms_text(a);
}

/* Versions (effective dates and hashes of their canonical JSON) and status. */
static void agreement_life_text(const struct acsa_agreement_info *info)
{
    char date[ACSA_DATE_TEXT_SIZE];
    char when[ACSA_DATE_TEXT_SIZE];
    if (info->terminated_day != ACSA_DATE_NONE) {
        cli_field(stdout, "Status", "terminated by %s from %s (last day %s): %s",
                  info->terminated_by, cli_date_text(info->terminated_day, date),
                  cli_date_text(info->last_day, when), info->reason);
    } else if (strcmp(info->status, "notice given") == 0) {
        cli_field(stdout, "Status", "notice given by %s on %s (ends on %s)", info->notice_by,
                  cli_date_text(info->notice_day, date), cli_date_text(info->last_day, when));
    } else {
        cli_field(stdout, "Status", "%s", info->status);
    }
    for (uint32_t i = 0; i < info->version_count; i++) {
        char label[32];
        snprintf(label, sizeof(label), "Version %u", (unsigned)i + 1);
        cli_field(stdout, label, "from %s, sha256 %s%s%s",
                  cli_date_text(info->effective[i], date), info->hash[i],
                  info->entered_by[i][0] != '\0' ? ", entered by " : "", info->entered_by[i]);
    }
}

static json_t *agreement_life_json(const struct acsa_agreement_info *info)
{
    char date[ACSA_DATE_TEXT_SIZE];
    json_t *versions = json_array();
    for (uint32_t i = 0; versions != NULL && i < info->version_count; i++) {
        json_array_append_new(versions,
                              json_pack("{s:i, s:s, s:s, s:s}", "version", (int)i + 1,
                                        "effective", cli_date_text(info->effective[i], date),
                                        "sha256", info->hash[i], "entered_by",
                                        info->entered_by[i]));
    }
    json_t *life = json_pack("{s:s, s:o}", "status", info->status, "versions", versions);
    if (life != NULL) {
        json_object_set_new(life, "last_day", info->last_day == ACSA_DATE_NONE
                                                  ? json_null()
                                                  : json_string(cli_date_text(info->last_day,
                                                                              date)));
        json_object_set_new(life, "notice", info->notice_day == ACSA_DATE_NONE
                                                ? json_null()
                                                : json_pack("{s:s, s:s}", "date",
                                                            cli_date_text(info->notice_day,
                                                                          date),
                                                            "by", info->notice_by));
        json_object_set_new(life, "termination",
                            info->terminated_day == ACSA_DATE_NONE
                                ? json_null()
                                : json_pack("{s:s, s:s, s:s}", "date",
                                            cli_date_text(info->terminated_day, date), "by",
                                            info->terminated_by, "reason", info->reason));
    }
    return life;
}

/* Reads agreement id as it stands today (its lifecycle into info, its terms into agreement,
 * both work areas; info NULL when it could not be allocated) and shows it. */
static enum acsa_rc agreement_show_read(struct cli *cli, struct acsa_app *app, const char *id,
                                        struct acsa_agreement *agreement,
                                        struct acsa_agreement_info *info)
{
    if (info == NULL) {
        return ACSA_ENOMEM;
    }
    ACSA_TRY(acsa_app_agreement_info(app, id, cli->today, info, &cli->err));
    ACSA_TRY(acsa_app_agreement_on(app, id, cli->today, agreement, &cli->err));
    if (cli->json) {
        json_t *detail = acsa_agreement_detail_json(agreement, cli->today);
        if (detail != NULL) {
            json_object_set_new(detail, "lifecycle", agreement_life_json(info));
        }
        return cli_json_print(stdout, detail);
    }
    agreement_text(agreement, cli->today);
    agreement_life_text(info);
    return ACSA_OK;
}

static int agreement_show_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    struct acsa_agreement *agreement = acsa_malloc(sizeof(*agreement));
    if (agreement == NULL) {
        return cli_fail(cli, ACSA_ENOMEM);
    }
    struct acsa_agreement_info *info = acsa_malloc(sizeof(*info));
    enum acsa_rc rc = agreement_show_read(cli, app, ctx, agreement, info);
    acsa_free(info);
    acsa_free(agreement);
    return rc == ACSA_OK ? CLI_EXIT_OK : cli_fail(cli, rc);
}

static int agreement_show(struct cli *cli, int argc, char **argv)
{
    return plain_read(cli, argc, argv, "Shows every field of one agreement.", "ID",
                      ACSA_ID_SIZE, agreement_show_in);
}

struct amend_args {
    struct loaded_file file;
    int32_t effective;
};

static int agreement_amend_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const struct amend_args *args = ctx;
    char id[ACSA_ID_SIZE];
    enum acsa_rc rc = acsa_app_agreement_amend(app, args->file.text, args->file.size,
                                               args->effective, id, &cli->err);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    printf("%s\n", id);
    return CLI_EXIT_OK;
}

static int agreement_amend(struct cli *cli, int argc, char **argv)
{
    struct amend_args args = {{NULL, 0}, ACSA_DATE_NONE};
    struct cli_option options[] = {
        CLI_OPT("effective", CLI_DATE, true, &args.effective, 0, "DATE",
                "the day the new version comes into force"),
    };
    struct cli_command cmd = {"Loads a new version of a loaded agreement (same id), in force "
                              "from --effective; earlier steps keep the version of their day.",
                              "FILE", 0, NULL, false, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    code = code == CLI_CONTINUE ? read_file(cli, cmd.value, &args.file) : code;
    if (code != CLI_CONTINUE) {
        return code;
    }
    code = cli_with_app(cli, agreement_amend_in, &args);
    acsa_free(args.file.text);
    return code;
}

struct ending_args {
    const char *id;
    int32_t date;
    char reason[ACSA_TEXT_SIZE];
};

static int agreement_notice_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const struct ending_args *args = ctx;
    enum acsa_rc rc = acsa_app_agreement_notice(app, args->id, args->date, &cli->err);
    return rc == ACSA_OK ? CLI_EXIT_OK : cli_fail(cli, rc);
}

static int agreement_notice(struct cli *cli, int argc, char **argv)
{
    struct ending_args args = {NULL, ACSA_DATE_NONE, ""};
    struct cli_option options[] = {
        CLI_OPT("date", CLI_DATE, true, &args.date, 0, "DATE", "the day notice is given"),
    };
    struct cli_command cmd = {"Gives notice of non-renewal: the agreement ends at the end of "
                              "the term running on --date.", "ID", ACSA_ID_SIZE, NULL, false,
                              options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    args.id = cmd.value;
    return code != CLI_CONTINUE ? code : cli_with_app(cli, agreement_notice_in, &args);
}

static int agreement_terminate_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const struct ending_args *args = ctx;
    enum acsa_rc rc = acsa_app_agreement_terminate(app, args->id, args->date, args->reason,
                                                   &cli->err);
    return rc == ACSA_OK ? CLI_EXIT_OK : cli_fail(cli, rc);
}

static int agreement_terminate(struct cli *cli, int argc, char **argv)
{
    struct ending_args args = {NULL, ACSA_DATE_NONE, ""};
    struct cli_option options[] = {
        CLI_OPT("date", CLI_DATE, true, &args.date, 0, "DATE",
                "the day the termination takes effect (the last day in force is the day "
                "before)"),
        CLI_OPT("reason", CLI_TEXT, true, args.reason, ACSA_TEXT_SIZE, "TEXT", "why"),
    };
    struct cli_command cmd = {"Terminates an agreement: no new orders from --date; orders "
                              "accepted before still settle.", "ID", ACSA_ID_SIZE, NULL, false,
                              options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    args.id = cmd.value;
    return code != CLI_CONTINUE ? code : cli_with_app(cli, agreement_terminate_in, &args);
}

int cmd_agreement(struct cli *cli, int argc, char **argv)
{
    static const struct cli_verb verbs[] = {
        {"load", agreement_load, "FILE: load an agreement file (JSON)"},
        {"list", agreement_list, "list the agreements"},
        {"show", agreement_show, "ID: show every field of one agreement"},
        {"amend", agreement_amend, "FILE --effective DATE: a new version from DATE"},
        {"notice", agreement_notice, "ID --date DATE: notice of non-renewal"},
        {"terminate", agreement_terminate, "ID --date DATE --reason TEXT: terminate"},
    };
    return cli_dispatch(cli, verbs, CLI_LEN(verbs), argc, argv);
}

/* ---- unit ----------------------------------------------------------------------------- */

static int print_new_id(struct cli *cli, enum acsa_rc rc, int64_t id)
{
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    printf("%lld\n", (long long)id);
    return CLI_EXIT_OK;
}

struct party_name {
    char party[ACSA_NATION_SIZE];
    char name[ACSA_NAME_SIZE];
    char service[ACSA_CODE_SIZE];
    const char *limit;
    const struct acsa_currency *currency;
};

static int unit_add_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const struct party_name *args = ctx;
    int64_t id = 0;
    enum acsa_rc rc = acsa_app_unit_add_service(app, args->party, args->name, args->service,
                                                &id, &cli->err);
    return print_new_id(cli, rc, id);
}

static int unit_add(struct cli *cli, int argc, char **argv)
{
    struct party_name args = {"", "", "", NULL, NULL};
    struct cli_option options[] = {
        CLI_OPT("party", CLI_NATION, true, args.party, 0, "CC", "nation the unit belongs to"),
        CLI_OPT("name", CLI_TEXT, true, args.name, sizeof(args.name), "NAME", "unit name"),
        CLI_OPT("service", CLI_TEXT, true, args.service, sizeof(args.service), "SERVICE",
                "its armed service, e.g. navy, jmsdf (orders need a participating service)"),
    };
    struct cli_command cmd = {"Adds a unit of either party and prints its id.", NULL, 0, NULL,
                              false, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    return code != CLI_CONTINUE ? code : cli_with_app(cli, unit_add_in, &args);
}

static enum acsa_rc unit_row(void *ctx, int64_t id, const char *party, const char *name)
{
    struct cli_list *list = ctx;
    if (list->out.json) {
        return cli_out_json(&list->out, acsa_unit_json(id, party, name));
    }
    char number[24];
    snprintf(number, sizeof(number), "%lld", (long long)id);
    const char *cells[] = {number, party, name};
    return cli_out_cells(&list->out, cells);
}

static int unit_list_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    static const struct cli_column columns[] = {
        {"ID", 0, true}, {"PARTY", 0, false}, {"NAME", 0, false}};
    struct cli_list list;
    cli_list_begin(&list, cli, app, columns, CLI_LEN(columns));
    return cli_list_end(&list, acsa_app_unit_list(app, unit_row, &list, &cli->err));
}

static int unit_list(struct cli *cli, int argc, char **argv)
{
    return plain_read(cli, argc, argv, "Lists the units of both parties.", NULL, 0,
                      unit_list_in);
}

int cmd_unit(struct cli *cli, int argc, char **argv)
{
    static const struct cli_verb verbs[] = {
        {"add", unit_add, "--party CC --name NAME: add a unit"},
        {"list", unit_list, "list the units"},
    };
    return cli_dispatch(cli, verbs, CLI_LEN(verbs), argc, argv);
}

/* ---- activity ------------------------------------------------------------------------- */

static int activity_add_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    int64_t id = 0;
    enum acsa_rc rc = acsa_app_activity_add(app, ctx, &id, &cli->err);
    return print_new_id(cli, rc, id);
}

static int activity_add(struct cli *cli, int argc, char **argv)
{
    struct acsa_activity activity;
    memset(&activity, 0, sizeof(activity));
    struct cli_option options[] = {
        CLI_OPT("agreement", CLI_TEXT, true, activity.agreement_id, ACSA_ID_SIZE, "ID",
                "agreement the activity falls under"),
        CLI_OPT("name", CLI_TEXT, true, activity.name, ACSA_NAME_SIZE, "NAME",
                "name, e.g. \"Dharma Guardian 2024\""),
        CLI_OPT("type", CLI_TEXT, true, activity.type, ACSA_CODE_SIZE, "TYPE",
                "activity type of the agreement, e.g. bilateral-training"),
        CLI_OPT("from", CLI_DATE, true, &activity.from_day, 0, "DATE", "first day"),
        CLI_OPT("to", CLI_DATE, true, &activity.to_day, 0, "DATE", "last day"),
        CLI_OPT("place", CLI_TEXT, false, activity.place, ACSA_TEXT_SIZE, "PLACE", "where"),
        CLI_OPT("reason", CLI_TEXT, false, activity.reason, ACSA_TEXT_SIZE, "TEXT",
                "why both nations' laws allow it (required for type other-lawful)"),
    };
    struct cli_command cmd = {"Adds an exercise or operation and prints its id.", NULL, 0,
                              NULL, false, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    return code != CLI_CONTINUE ? code : cli_with_app(cli, activity_add_in, &activity);
}

static enum acsa_rc activity_row(void *ctx, const struct acsa_activity *a)
{
    struct cli_list *list = ctx;
    if (list->out.json) {
        return cli_out_json(&list->out, acsa_activity_json(a));
    }
    char number[24];
    char from[ACSA_DATE_TEXT_SIZE];
    char to[ACSA_DATE_TEXT_SIZE];
    snprintf(number, sizeof(number), "%lld", (long long)a->id);
    const char *cells[] = {number, a->agreement_id, a->name, a->type,
                           cli_date_text(a->from_day, from), cli_date_text(a->to_day, to),
                           a->place[0] != '\0' ? a->place : "-"};
    return cli_out_cells(&list->out, cells);
}

static int activity_list_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    static const struct cli_column columns[] = {
        {"ID", 0, true},    {"AGREEMENT", 0, false}, {"NAME", 0, false}, {"TYPE", 0, false},
        {"FROM", 0, false}, {"TO", 0, false},        {"PLACE", 0, false},
    };
    const char *agreement_id = ctx;
    struct cli_list list;
    cli_list_begin(&list, cli, app, columns, CLI_LEN(columns));
    return cli_list_end(&list, acsa_app_activity_list(app, agreement_id, activity_row,
                                                       &list, &cli->err));
}

static int activity_list(struct cli *cli, int argc, char **argv)
{
    char agreement_id[ACSA_ID_SIZE] = "";
    struct cli_option options[] = {
        CLI_OPT("agreement", CLI_TEXT, false, agreement_id, sizeof(agreement_id), "ID",
                "only the activities under this agreement"),
    };
    struct cli_command cmd = {"Lists the activities, earliest first.", NULL, 0, NULL, true,
                              options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    if (code != CLI_CONTINUE) {
        return code;
    }
    return cli_with_app(cli, activity_list_in, options[0].seen ? agreement_id : NULL);
}

int cmd_activity(struct cli *cli, int argc, char **argv)
{
    static const struct cli_verb verbs[] = {
        {"add", activity_add, "--agreement ID --name NAME --type TYPE --from DATE --to DATE"},
        {"list", activity_list, "[--agreement ID]: list the activities"},
    };
    return cli_dispatch(cli, verbs, CLI_LEN(verbs), argc, argv);
}

/* ---- demo ----------------------------------------------------------------------------- */

int cmd_demo(struct cli *cli, int argc, char **argv)
{
    struct cli_command cmd = {"Creates a demo node database at --db (India's node with the "
                              "India-Japan agreement, units, officials, exercises and orders "
                              "in every state). Refuses if the file exists.",
                              NULL, 0, NULL, false, NULL, 0};
    int code = cli_parse(cli, &cmd, argc, argv);
    if (code != CLI_CONTINUE) {
        return code;
    }
    enum acsa_rc rc = acsa_demo_run(cli_db_path(cli), stderr, &cli->err);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    /* Show what the demo holds: the same reports a user would ask for next. */
    char balance_verb[] = "balance";
    char overdue_verb[] = "overdue";
    char *balance_argv[] = {balance_verb, NULL};
    char *overdue_argv[] = {overdue_verb, NULL};
    printf("Balance with each partner\n");
    code = cmd_balance(cli, 1, balance_argv);
    if (code == CLI_EXIT_OK) {
        printf("\nOverdue orders\n");
        code = cmd_overdue(cli, 1, overdue_argv);
    }
    return code;
}
