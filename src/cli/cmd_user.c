/* SPDX-License-Identifier: MIT */
/* The account verbs: user (add, list, disable), token (create, revoke, list) and audit (list,
 * verify). A password is read from a file or standard input, never from the command line,
 * where other users of the machine could see it. */
#include "cli.h"
#include "alloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "text.h"
#include "auth_json.h"

/* Room for the longest password, a line ending, and one byte more to notice a longer one. */
#define PASSWORD_BUFFER (ACSA_PASSWORD_MAX + 4)

/* ---- user add ------------------------------------------------------------------------- */

struct user_add_args {
    struct acsa_user user;
    const char *role;
    const char *password_file;
    bool password_stdin;
    char password[PASSWORD_BUFFER];
};

/* Reads the password: the whole input, less one line ending. */
static int read_password(struct cli *cli, FILE *in, const char *source, char *out)
{
    size_t size = fread(out, 1, PASSWORD_BUFFER - 1, in);
    if (ferror(in)) {
        return cli_cannot_read(cli, source, errno);
    }
    out[size] = '\0';
    if (strlen(out) != size) {
        return cli_usage(cli, "%s: the password contains a NUL byte", source);
    }
    if (size > 0 && out[size - 1] == '\n') {
        out[--size] = '\0';
    }
    if (size > 0 && out[size - 1] == '\r') {
        out[--size] = '\0';
    }
    if (size > ACSA_PASSWORD_MAX) {
        return cli_usage(cli, "%s: the password is longer than %d bytes", source,
                         ACSA_PASSWORD_MAX);
    }
    if (memchr(out, '\n', size) != NULL) {
        return cli_usage(cli, "%s: the password must be one line", source);
    }
    /* Held to the text rule as the sign-in of the API holds it, so that every password set
     * here can be given there; the message names the byte, never the password. */
    if (acsa_text_check(out, ACSA_TEXT_LINE, "password", &cli->err) != ACSA_OK) {
        return cli_usage(cli, "%s: %s", source, cli->err.message);
    }
    return CLI_CONTINUE;
}

static int take_password(struct cli *cli, struct user_add_args *args)
{
    if (args->password_stdin == (args->password_file != NULL)) {
        return cli_usage(cli, "give exactly one of --password-file FILE and --password-stdin");
    }
    if (args->password_stdin) {
        return read_password(cli, stdin, "standard input", args->password);
    }
    FILE *in = fopen(args->password_file, "rb");
    if (in == NULL) {
        return cli_cannot_read(cli, args->password_file, errno);
    }
    int code = read_password(cli, in, args->password_file, args->password);
    fclose(in);
    return code;
}

static int user_add_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    struct user_add_args *args = ctx;
    int64_t id = 0;
    enum acsa_rc rc = acsa_app_user_add(app, &args->user, args->password, &id, &cli->err);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    printf("%lld\n", (long long)id);
    return CLI_EXIT_OK;
}

/* "requester, approver, ..." for messages. */
static void role_names(char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < ACSA_ROLE_COUNT; i++) {
        cli_append(buf, size, &used, "%s%s", i > 0 ? ", " : "",
                   acsa_role_name((enum acsa_role)i));
    }
}

static int user_add_run(struct cli *cli, struct user_add_args *args)
{
    if (!acsa_role_parse(args->role, &args->user.role)) {
        char names[160];
        role_names(names, sizeof(names));
        return cli_usage(cli, "--role: \"%.40s\" is not a role (%s)", args->role, names);
    }
    int code = take_password(cli, args);
    code = code == CLI_CONTINUE ? cli_with_app(cli, user_add_in, args) : code;
    explicit_bzero(args->password, sizeof(args->password));
    return code;
}

static int user_add(struct cli *cli, int argc, char **argv)
{
    struct user_add_args *args = acsa_calloc(1, sizeof(*args));
    if (args == NULL) {
        return cli_fail(cli, ACSA_ENOMEM);
    }
    struct acsa_user *u = &args->user;
    struct cli_option options[] = {
        CLI_OPT("username", CLI_TEXT, true, u->username, sizeof(u->username), "U",
                "sign-in name: a-z, 0-9, '.', '_', '-'"),
        CLI_OPT("name", CLI_TEXT, true, u->display_name, sizeof(u->display_name), "DISPLAY",
                "the person's name, recorded as the actor of the steps they take"),
        CLI_OPT("role", CLI_RAW, true, &args->role, 0, "ROLE",
                "requester, approver, supplier-clerk, finance-officer, programme-officer or "
                "auditor"),
        CLI_OPT("party", CLI_NATION, true, u->party, 0, "CC", "the user's nation"),
        CLI_OPT("unit", CLI_ID, false, &u->unit_id, 0, "ID",
                "the user's unit (requesters and supplier clerks need one)"),
        CLI_OPT("password-file", CLI_PATH, false, &args->password_file, 0, "FILE",
                "read the password from FILE (its first line)"),
        CLI_OPT("password-stdin", CLI_FLAG, false, &args->password_stdin, 0, NULL,
                "read the password from standard input"),
    };
    struct cli_command cmd = {"Adds a user who signs in to the server, and prints the new id. "
                              "The password (12 characters or more) never goes on the command "
                              "line.",
                              NULL, 0, NULL, false, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    code = code == CLI_CONTINUE ? user_add_run(cli, args) : code;
    acsa_free(args);
    return code;
}

/* ---- user list, user disable ---------------------------------------------------------- */

static enum acsa_rc user_row(void *ctx, const struct acsa_user *user)
{
    struct cli_list *list = ctx;
    if (list->out.json) {
        return cli_out_json(&list->out, acsa_user_json(user));
    }
    char id[24];
    char unit[24] = "-";
    snprintf(id, sizeof(id), "%lld", (long long)user->id);
    if (user->unit_id != 0) {
        snprintf(unit, sizeof(unit), "%lld", (long long)user->unit_id);
    }
    const char *cells[] = {id, user->username, user->display_name, acsa_role_name(user->role),
                           user->party, unit, user->disabled ? "disabled" : "active"};
    return cli_out_cells(&list->out, cells);
}

static int user_list_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    static const struct cli_column columns[] = {
        {"ID", 0, true},    {"USERNAME", 0, false}, {"NAME", 0, false},  {"ROLE", 0, false},
        {"PARTY", 0, false}, {"UNIT", 0, true},     {"STATUS", 0, false},
    };
    struct cli_list list;
    cli_list_begin(&list, cli, app, columns, CLI_LEN(columns));
    return cli_list_end(&list, acsa_app_user_list(app, user_row, &list, &cli->err));
}

/* A verb of one optional positional argument and no options of its own. */
static int simple_verb(struct cli *cli, int argc, char **argv, const char *summary,
                       const char *positional, size_t size, bool json, cli_app_fn fn)
{
    struct cli_command cmd = {summary, positional, size, NULL, json, NULL, 0};
    int code = cli_parse(cli, &cmd, argc, argv);
    return code != CLI_CONTINUE ? code : cli_with_app(cli, fn, (void *)cmd.value);
}

static int user_list(struct cli *cli, int argc, char **argv)
{
    return simple_verb(cli, argc, argv, "Lists the users, by username.", NULL, 0, true,
                       user_list_in);
}

static int user_disable_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const char *username = ctx;
    enum acsa_rc rc = acsa_app_user_disable(app, username, &cli->err);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    fprintf(stderr, "acsa: user %s disabled; their sessions and API tokens no longer work\n",
            username);
    return CLI_EXIT_OK;
}

static int user_disable(struct cli *cli, int argc, char **argv)
{
    return simple_verb(cli, argc, argv, "Disables a user: they can no longer sign in, and "
                       "their sessions and API tokens stop working.",
                       "USERNAME", ACSA_USERNAME_SIZE, false, user_disable_in);
}

int cmd_user(struct cli *cli, int argc, char **argv)
{
    static const struct cli_verb verbs[] = {
        {"add", user_add, "--username U --name DISPLAY --role ROLE --party CC [--unit ID] "
                          "(--password-file FILE | --password-stdin)"},
        {"list", user_list, "list the users"},
        {"disable", user_disable, "USERNAME: disable a user"},
    };
    return cli_dispatch(cli, verbs, CLI_LEN(verbs), argc, argv);
}

/* ---- token ---------------------------------------------------------------------------- */

struct token_args {
    char username[ACSA_USERNAME_SIZE];
    char name[ACSA_NAME_SIZE];
};

static int token_create_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const struct token_args *args = ctx;
    char token[ACSA_SECRET_TEXT_SIZE];
    int64_t id = 0;
    enum acsa_rc rc = acsa_app_token_create(app, args->username, args->name,
                                            (int64_t)time(NULL), token, &id, &cli->err);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    printf("%s\n", token);
    explicit_bzero(token, sizeof(token));
    fprintf(stderr, "acsa: token %lld created for %s; it is shown only this once\n",
            (long long)id, args->username);
    return CLI_EXIT_OK;
}

static int token_create(struct cli *cli, int argc, char **argv)
{
    struct token_args args = {"", ""};
    struct cli_option options[] = {
        CLI_OPT("username", CLI_TEXT, true, args.username, sizeof(args.username), "U",
                "the user the token acts as"),
        CLI_OPT("name", CLI_TEXT, true, args.name, sizeof(args.name), "NAME",
                "what the token is for, e.g. \"nightly export\""),
    };
    struct cli_command cmd = {"Creates an API token for scripts and prints it alone on stdout "
                              "(only this once; the node keeps its hash).",
                              NULL, 0, NULL, false, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    return code != CLI_CONTINUE ? code : cli_with_app(cli, token_create_in, &args);
}

static int token_revoke_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const int64_t *id = ctx;
    enum acsa_rc rc = acsa_app_token_revoke(app, *id, &cli->err);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    fprintf(stderr, "acsa: token %lld revoked\n", (long long)*id);
    return CLI_EXIT_OK;
}

static int token_revoke(struct cli *cli, int argc, char **argv)
{
    struct cli_command cmd = {"Revokes an API token: it stops working at once.", "ID", 0, NULL,
                              false, NULL, 0};
    int64_t id = 0;
    int code = cli_parse(cli, &cmd, argc, argv);
    code = code == CLI_CONTINUE ? cli_parse_id(cli, "ID", cmd.value, &id) : code;
    return code != CLI_CONTINUE ? code : cli_with_app(cli, token_revoke_in, &id);
}

static enum acsa_rc token_row(void *ctx, const struct acsa_token_info *token)
{
    struct cli_list *list = ctx;
    if (list->out.json) {
        return cli_out_json(&list->out, acsa_token_json(token));
    }
    char id[24];
    char created[ACSA_TIME_TEXT_SIZE];
    snprintf(id, sizeof(id), "%lld", (long long)token->id);
    const char *cells[] = {id, token->username, token->name,
                           acsa_time_format(token->created_s, created),
                           token->revoked ? "revoked" : "active"};
    return cli_out_cells(&list->out, cells);
}

static int token_list_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    static const struct cli_column columns[] = {
        {"ID", 0, true},        {"USERNAME", 0, false}, {"NAME", 0, false},
        {"CREATED", 0, false},  {"STATUS", 0, false},
    };
    struct cli_list list;
    cli_list_begin(&list, cli, app, columns, CLI_LEN(columns));
    return cli_list_end(&list, acsa_app_token_list(app, ctx, token_row, &list, &cli->err));
}

static int token_list(struct cli *cli, int argc, char **argv)
{
    char username[ACSA_USERNAME_SIZE] = "";
    struct cli_option options[] = {
        CLI_OPT("username", CLI_TEXT, false, username, sizeof(username), "U",
                "only this user's tokens"),
    };
    struct cli_command cmd = {"Lists API tokens (never their secrets), oldest first.", NULL, 0,
                              NULL, true, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    return code != CLI_CONTINUE ? code : cli_with_app(cli, token_list_in, username);
}

int cmd_token(struct cli *cli, int argc, char **argv)
{
    static const struct cli_verb verbs[] = {
        {"create", token_create, "--username U --name NAME: create an API token"},
        {"revoke", token_revoke, "ID: revoke an API token"},
        {"list", token_list, "[--username U]: list the API tokens"},
    };
    return cli_dispatch(cli, verbs, CLI_LEN(verbs), argc, argv);
}

/* ---- audit ---------------------------------------------------------------------------- */

struct audit_args {
    int64_t after;
    uint32_t limit;
};

static enum acsa_rc audit_row(void *ctx, const struct acsa_audit_record *r)
{
    struct cli_list *list = ctx;
    if (list->out.json) {
        return cli_out_json(&list->out, acsa_audit_json(r));
    }
    char id[24];
    char at[ACSA_TIME_TEXT_SIZE];
    snprintf(id, sizeof(id), "%lld", (long long)r->id);
    const char *cells[] = {id, acsa_time_format(r->at_s, at), r->actor, r->action,
                           r->object[0] != '\0' ? r->object : "-", r->outcome,
                           r->detail[0] != '\0' ? r->detail : "-"};
    return cli_out_cells(&list->out, cells);
}

static int audit_list_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    static const struct cli_column columns[] = {
        {"ID", 0, true},        {"AT", 0, false},      {"ACTOR", 0, false},
        {"ACTION", 0, false},   {"OBJECT", 0, false},  {"OUTCOME", 0, false},
        {"DETAIL", 0, false},
    };
    const struct audit_args *args = ctx;
    struct cli_list list;
    cli_list_begin(&list, cli, app, columns, CLI_LEN(columns));
    return cli_list_end(&list, acsa_app_audit_list(app, args->after, args->limit, audit_row,
                                                   &list, &cli->err));
}

static int audit_list(struct cli *cli, int argc, char **argv)
{
    struct audit_args args = {0, 0};
    struct cli_option options[] = {
        CLI_OPT("after", CLI_ID, false, &args.after, 0, "ID", "only records after this one"),
        CLI_OPT("limit", CLI_LINE_NO, false, &args.limit, 0, "N", "at most N records"),
    };
    struct cli_command cmd = {"Lists the audit log, oldest first: every command, accepted or "
                              "refused, with who ran it.",
                              NULL, 0, NULL, true, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    return code != CLI_CONTINUE ? code : cli_with_app(cli, audit_list_in, &args);
}

static json_t *verdict_json(const struct acsa_audit_verdict *v)
{
    return json_pack("{s:b, s:I, s:o, s:o}", "ok", v->ok, "records", (json_int_t)v->records,
                     "first_broken", acsa_json_id(v->first_broken_id), "reason",
                     acsa_json_text(v->reason));
}

static int audit_verify_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    struct acsa_audit_verdict verdict;
    enum acsa_rc rc = acsa_app_audit_verify(app, &verdict, &cli->err);
    if (rc == ACSA_OK && cli->json) {
        rc = cli_json_print(stdout, verdict_json(&verdict));
    } else if (rc == ACSA_OK && verdict.ok) {
        printf("audit log intact: %lld records\n", (long long)verdict.records);
    }
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    if (!verdict.ok) {
        fprintf(stderr, "acsa: audit record %lld is broken: %s\n",
                (long long)verdict.first_broken_id, verdict.reason);
        return acsa_rc_exit_code(ACSA_EREFUSED);
    }
    return CLI_EXIT_OK;
}

static int audit_verify(struct cli *cli, int argc, char **argv)
{
    return simple_verb(cli, argc, argv, "Recomputes the audit log's hash chain; exits 1 naming "
                       "the first broken record if any record was changed, removed or inserted.",
                       NULL, 0, true, audit_verify_in);
}

int cmd_audit(struct cli *cli, int argc, char **argv)
{
    static const struct cli_verb verbs[] = {
        {"list", audit_list, "[--after ID] [--limit N]: list the audit log"},
        {"verify", audit_verify, "check that no audit record was changed or removed"},
    };
    return cli_dispatch(cli, verbs, CLI_LEN(verbs), argc, argv);
}
