/* SPDX-License-Identifier: MIT */
/* Supporting documents: acsa order attach, acsa order documents, acsa document get. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "app_limits.h"
#include "document_json.h"

/* ---- order attach ------------------------------------------------------------------------- */

struct attach_args {
    const char *number;
    uint32_t line;
    const char *file;
    char kind[ACSA_DOCUMENT_KIND_SIZE];
    char by[ACSA_NAME_SIZE];
    uint8_t *bytes;
    size_t len;
};

static int attach_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    struct attach_args *args = ctx;
    char id[ACSA_DOCUMENT_ID_SIZE];
    enum acsa_rc rc = acsa_app_document_attach(app, args->number, args->line,
                                               acsa_document_kind_parse(args->kind),
                                               args->bytes, args->len, "--file", args->by, id,
                                               &cli->err);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    printf("%s\n", id);
    return CLI_EXIT_OK;
}

/* Reads the file whole, refusing one over the limit by its size before reading it. */
static int attach_read(struct cli *cli, struct attach_args *args)
{
    struct stat st;
    if (stat(args->file, &st) != 0) {
        return cli_cannot_read(cli, args->file, errno);
    }
    if (!S_ISREG(st.st_mode)) {
        return cli_usage(cli, "--file: %s is not a regular file", args->file);
    }
    const char *type = NULL;
    if ((uint64_t)st.st_size > ACSA_DOCUMENT_BYTES_MAX) {
        enum acsa_rc rc = acsa_app_document_content_check(NULL, (size_t)st.st_size, "--file",
                                                          &type, &cli->err);
        return cli_fail(cli, rc);
    }
    char *data = NULL;
    int code = cli_read_file(cli, args->file, ACSA_DOCUMENT_BYTES_MAX, &data, &args->len);
    args->bytes = (uint8_t *)data;
    return code;
}

static int order_attach(struct cli *cli, int argc, char **argv)
{
    struct attach_args args;
    memset(&args, 0, sizeof(args));
    snprintf(args.by, sizeof(args.by), "%s", cli_default_actor());
    struct cli_option options[] = {
        CLI_OPT("line", CLI_LINE_NO, true, &args.line, 0, "N", "the line the document supports"),
        CLI_OPT("file", CLI_PATH, true, &args.file, 0, "PATH",
                "a PDF, JPEG or PNG file (told by its content), at most 20 MiB"),
        CLI_OPT("kind", CLI_TEXT, true, args.kind, sizeof(args.kind), "KIND",
                "fuel-ticket, delivery-note, receipt, invoice or other"),
        CLI_OPT("by", CLI_TEXT, false, args.by, sizeof(args.by), "NAME",
                "who attaches it (default: $USER)"),
    };
    struct cli_command cmd = {"Attaches a supporting document to a line of an order and prints "
                              "its id. The reference is signed and sent to the partner by sync "
                              "or bundle, the bytes with it.",
                              "NUMBER", ACSA_NUMBER_SIZE, NULL, 0, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    if (code != CLI_CONTINUE) {
        return code;
    }
    if (acsa_document_kind_parse(args.kind) == 0) {
        return cli_usage(cli, "--kind: \"%s\" is not fuel-ticket, delivery-note, receipt, "
                         "invoice or other", args.kind);
    }
    args.number = cmd.value;
    code = attach_read(cli, &args);
    if (code == CLI_CONTINUE) {
        code = cli_with_app(cli, attach_in, &args);
    }
    acsa_free(args.bytes);
    return code;
}

/* ---- order documents ---------------------------------------------------------------------- */

static const struct cli_column document_columns[] = {
    {"ID", 0, false},   {"LINE", 0, true}, {"KIND", 0, false}, {"SHA256", 0, false},
    {"SIZE", 0, true},  {"TYPE", 0, false}, {"BY", 0, false},  {"WHEN", 0, false},
};

static enum acsa_rc document_row(void *ctx, const struct acsa_document_row *row)
{
    struct cli_list *list = ctx;
    if (list->out.json) {
        return cli_out_json(&list->out, acsa_document_json(row));
    }
    const struct acsa_document_ref *d = &row->ref;
    char line[16];
    char size[32];
    char hex[65];
    char at[ACSA_TIME_TEXT_SIZE];
    snprintf(line, sizeof(line), "%u", d->line);
    snprintf(size, sizeof(size), "%lld%s", (long long)d->size,
             row->have_bytes ? "" : " (pending)");
    for (size_t i = 0; i < sizeof(d->sha256); i++) {
        snprintf(hex + 2 * i, 3, "%02x", d->sha256[i]);
    }
    const char *cells[] = {d->id, line, acsa_document_kind_name(d->kind), hex, size,
                           d->content_type, d->actor, acsa_time_format(d->at_s, at)};
    return cli_out_cells(&list->out, cells);
}

static int documents_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    struct cli_list list;
    cli_list_begin(&list, cli, app, document_columns, CLI_LEN(document_columns));
    enum acsa_rc rc = acsa_app_documents(app, ctx, document_row, &list, &cli->err);
    return cli_list_end(&list, rc);
}

static int order_documents(struct cli *cli, int argc, char **argv)
{
    struct cli_command cmd = {"Lists the supporting documents of an order: id, line, kind, "
                              "SHA-256, size (\"pending\" while a partner's bytes have not "
                              "arrived), content type, who attached it and when.",
                              "NUMBER", ACSA_NUMBER_SIZE, NULL, true, NULL, 0};
    cmd.outputs |= CLI_CSV;
    int code = cli_parse(cli, &cmd, argc, argv);
    return code != CLI_CONTINUE ? code : cli_with_app(cli, documents_in, (void *)cmd.value);
}

/* ---- document get ------------------------------------------------------------------------- */

struct get_args {
    const char *id;
    const char *out;
    bool force;
};

/* Writes data to a temporary file beside path, then links it into place (refused if path
 * exists) or, with force, renames it over path: a reader never meets half a file. */
static int write_out(struct cli *cli, const char *path, bool force, const uint8_t *data,
                     size_t len)
{
    size_t n = strlen(path) + 16;
    char *tmp = acsa_malloc(n);
    if (tmp == NULL) {
        return cli_fail(cli, ACSA_ENOMEM);
    }
    snprintf(tmp, n, "%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    bool ok = fd >= 0;
    size_t done = 0;
    while (ok && done < len) {
        ssize_t w = write(fd, data + done, len - done);
        ok = w > 0;
        done += ok ? (size_t)w : 0;
    }
    ok = ok && fsync(fd) == 0;
    int error = errno;
    if (fd >= 0 && close(fd) != 0 && ok) {
        ok = false;
        error = errno;
    }
    bool exists = false;
    if (ok && force) {
        ok = rename(tmp, path) == 0;
        error = errno;
    } else if (ok) {
        ok = link(tmp, path) == 0;
        error = errno;
        exists = !ok && error == EEXIST;
        unlink(tmp);
    }
    if (!ok) {
        if (fd >= 0) {
            unlink(tmp);
        }
        acsa_free(tmp);
        if (exists) {
            return cli_usage(cli, "--out: %s exists; give --force to replace it", path);
        }
        acsa_error_set(&cli->err, ACSA_ESTORAGE, "out", "--out: cannot write %s: %s", path,
                       strerror(error));
        return cli_fail(cli, ACSA_ESTORAGE);
    }
    acsa_free(tmp);
    return CLI_EXIT_OK;
}

static int get_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const struct get_args *args = ctx;
    struct acsa_document_row row;
    uint8_t *bytes = NULL;
    size_t len = 0;
    enum acsa_rc rc = acsa_app_document_get(app, args->id, &row, &bytes, &len, &cli->err);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    int code = write_out(cli, args->out, args->force, bytes, len);
    acsa_free(bytes);
    return code;
}

static int document_get(struct cli *cli, int argc, char **argv)
{
    struct get_args args;
    memset(&args, 0, sizeof(args));
    struct cli_option options[] = {
        CLI_OPT("out", CLI_PATH, true, &args.out, 0, "FILE", "where to write the bytes"),
        CLI_OPT("force", CLI_FLAG, false, &args.force, 0, NULL, "replace FILE if it exists"),
    };
    struct cli_command cmd = {"Writes a document's bytes to a file (through a temporary file, "
                              "so nothing half-written is left); an existing file is kept "
                              "unless --force is given.",
                              "ID", ACSA_DOCUMENT_ID_SIZE, NULL, 0, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    if (code != CLI_CONTINUE) {
        return code;
    }
    args.id = cmd.value;
    if (!args.force && access(args.out, F_OK) == 0) {
        return cli_usage(cli, "--out: %s exists; give --force to replace it", args.out);
    }
    return cli_with_app(cli, get_in, &args);
}

int cmd_document(struct cli *cli, int argc, char **argv)
{
    static const struct cli_verb verbs[] = {
        {"get", document_get, "ID --out FILE: write a document's bytes to a file"},
    };
    return cli_dispatch(cli, verbs, CLI_LEN(verbs), argc, argv);
}

int cmd_order_attach(struct cli *cli, int argc, char **argv)
{
    return order_attach(cli, argc, argv);
}

int cmd_order_documents(struct cli *cli, int argc, char **argv)
{
    return order_documents(cli, argc, argv);
}
