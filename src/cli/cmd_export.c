/* SPDX-License-Identifier: MIT */
/* acsa export: orders, lines, postings or documents as CSV, JSON or XLSX, and the journal of
 * the ledger for ledger, hledger or beancount (ARCHITECTURE.md "Exports"). Rows stream from the
 * application's scans into a temporary file beside --out, which takes the name of --out only
 * once it is complete: an export that fails leaves nothing half-written. An existing --out is
 * refused unless --force. */
#include "cli.h"
#include "alloc.h"
#include "app_export.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Progress on stderr every so many rows (with --progress, or when stderr is a terminal). */
#define EXPORT_PROGRESS_EVERY 100000u

struct export_job {
    bool journal;
    enum acsa_export_kind kind;
    enum acsa_export_format format;
    enum acsa_journal_format journal_format;
    struct acsa_order_filter filter;
    int32_t from_day;
    int32_t to_day;
    bool excel;
    bool force;
    bool progress;
    const char *out;
    char *temp;                        /* The file being written, beside out. */
    struct acsa_export_writer *writer;
    uint64_t rows;
    struct acsa_error *err;
};

static enum acsa_rc row_out(void *ctx, const struct acsa_export_row *row)
{
    struct export_job *job = ctx;
    ACSA_TRY(acsa_export_writer_row(job->writer, row, job->err));
    job->rows++;
    if (job->progress && job->rows % EXPORT_PROGRESS_EVERY == 0) {
        fprintf(stderr, "acsa: export: %llu rows\n", (unsigned long long)job->rows);
    }
    return ACSA_OK;
}

static enum acsa_rc table_export(struct acsa_app *app, struct export_job *job)
{
    ACSA_TRY(acsa_export_writer_open(job->format, job->kind, job->temp, job->excel,
                                     &job->writer, job->err));
    enum acsa_rc rc = acsa_app_export_table(app, job->kind, &job->filter, NULL, job->from_day,
                                            job->to_day, row_out, job, job->err);
    struct acsa_export_writer *writer = job->writer;
    job->writer = NULL;
    if (rc != ACSA_OK) {
        acsa_export_writer_abort(writer);
        return rc;
    }
    return acsa_export_writer_close(writer, job->err);
}

static enum acsa_rc journal_export(struct acsa_app *app, struct export_job *job)
{
    FILE *file = fopen(job->temp, "wb");
    if (file == NULL) {
        return acsa_error_set(job->err, ACSA_ESTORAGE, "out", "cannot write \"%s\": %s",
                              job->temp, strerror(errno));
    }
    enum acsa_rc rc = acsa_app_export_journal(app, file, job->temp, job->journal_format,
                                              job->from_day, job->to_day, &job->rows, job->err);
    if (fclose(file) != 0 && rc == ACSA_OK) {
        rc = acsa_error_set(job->err, ACSA_ESTORAGE, "out", "cannot write \"%s\": %s",
                            job->temp, strerror(errno));
    }
    return rc;
}

/* Gives the finished temporary file the name --out: with --force by rename (replacing what
 * is there), else by link, which fails if --out appeared meanwhile. */
static enum acsa_rc publish(struct export_job *job)
{
    if (job->force) {
        if (rename(job->temp, job->out) != 0) {
            return acsa_error_set(job->err, ACSA_ESTORAGE, "out", "cannot rename to \"%s\": %s",
                                  job->out, strerror(errno));
        }
        return ACSA_OK;
    }
    if (link(job->temp, job->out) != 0) {
        int error = errno;
        return acsa_error_set(job->err, error == EEXIST ? ACSA_EEXISTS : ACSA_ESTORAGE, "out",
                              error == EEXIST ? "--out: \"%s\" exists (--force replaces it)"
                                              : "cannot write \"%s\": %s",
                              job->out, strerror(error));
    }
    unlink(job->temp);
    return ACSA_OK;
}

/* A new empty file beside --out, named after it, for the export to write. */
static enum acsa_rc make_temp(struct export_job *job)
{
    size_t size = strlen(job->out) + 32;
    job->temp = acsa_malloc(size);
    if (job->temp == NULL) {
        return acsa_error_set(job->err, ACSA_ENOMEM, NULL, "out of memory");
    }
    const char *slash = strrchr(job->out, '/');
    int dir = slash != NULL ? (int)(slash - job->out + 1) : 0;
    snprintf(job->temp, size, "%.*s.%s.part-XXXXXX", dir, job->out, job->out + dir);
    int fd = mkstemp(job->temp);
    if (fd < 0) {
        int error = errno;
        acsa_free(job->temp);
        job->temp = NULL;
        return acsa_error_set(job->err, error == ENOENT ? ACSA_ENOTFOUND : ACSA_ESTORAGE, "out",
                              "--out: cannot create a file beside \"%s\": %s", job->out,
                              strerror(error));
    }
    close(fd);
    return ACSA_OK;
}

static int export_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    struct export_job *job = ctx;
    job->err = &cli->err;
    enum acsa_rc rc = make_temp(job);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    rc = job->journal ? journal_export(app, job) : table_export(app, job);
    if (rc == ACSA_OK) {
        rc = publish(job);
    }
    unlink(job->temp);
    acsa_free(job->temp);
    job->temp = NULL;
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    printf("%llu %s written to %s\n", (unsigned long long)job->rows,
           job->journal ? "transactions" : "rows", job->out);
    return CLI_EXIT_OK;
}

/* The kind and format named, and whether they go together. */
static int export_check(struct cli *cli, struct export_job *job, const char *kind,
                        const char *format, struct cli_option *options)
{
    job->journal = strcmp(kind, "journal") == 0;
    if (!job->journal && !acsa_export_kind_parse(kind, &job->kind)) {
        return cli_usage(cli,
                         "KIND: one of orders, lines, postings, documents, journal (not '%.40s')",
                         kind);
    }
    if (job->journal ? !acsa_journal_format_parse(format, &job->journal_format)
                     : !acsa_export_format_parse(format, &job->format)) {
        return cli_usage(cli, "--format: %s (not '%.40s')",
                         job->journal ? "one of ledger, hledger, beancount for a journal"
                                      : "one of csv, json, xlsx",
                         format);
    }
    if (job->excel && (job->journal || job->format != ACSA_EXPORT_CSV)) {
        return cli_usage(cli, "--excel: only with --format csv");
    }
    bool dated = job->journal || job->kind == ACSA_EXPORT_POSTINGS;
    if (!dated && (options[3].seen || options[4].seen)) {
        return cli_usage(cli, "--from and --to: only for postings and journal");
    }
    if (options[3].seen && options[4].seen && job->from_day > job->to_day) {
        return cli_usage(cli, "--from: after --to");
    }
    struct stat st;
    if (!job->force && stat(job->out, &st) == 0) {
        fprintf(stderr, "acsa: --out: \"");
        cli_put_text(stderr, job->out);
        fprintf(stderr, "\" exists (--force replaces it)\n");
        return acsa_rc_exit_code(ACSA_EEXISTS);
    }
    return CLI_CONTINUE;
}

int cmd_export(struct cli *cli, int argc, char **argv)
{
    struct export_job *job = acsa_calloc(1, sizeof(*job));
    if (job == NULL) {
        return cli_fail(cli, ACSA_ENOMEM);
    }
    job->from_day = ACSA_DATE_NONE;
    job->to_day = ACSA_DATE_NONE;
    char format[16] = "";
    bool overdue = false;
    int32_t as_of = cli->today;
    struct acsa_order_filter *f = &job->filter;
    struct cli_option options[] = {
        CLI_OPT("format", CLI_TEXT, true, format, sizeof(format), "FORMAT",
                "csv, json or xlsx; for journal: ledger, hledger or beancount"),
        CLI_OPT("out", CLI_PATH, true, &job->out, 0, "FILE", "the file to write"),
        CLI_OPT("force", CLI_FLAG, false, &job->force, 0, NULL, "replace FILE if it exists"),
        CLI_OPT("from", CLI_DATE, false, &job->from_day, 0, "DATE",
                "postings and journal: from this day (journal: earlier ones as an opening "
                "balance)"),
        CLI_OPT("to", CLI_DATE, false, &job->to_day, 0, "DATE",
                "postings and journal: up to this day"),
        CLI_OPT("excel", CLI_FLAG, false, &job->excel, 0, NULL,
                "csv: begin with a byte order mark for Excel"),
        CLI_OPT("progress", CLI_FLAG, false, &job->progress, 0, NULL,
                "count rows on stderr every 100,000 (default when stderr is a terminal)"),
        CLI_OPT("state", CLI_STATE, false, &f->state, 0, "STATE", "only orders in STATE"),
        CLI_OPT("agreement", CLI_TEXT, false, f->agreement_id, ACSA_ID_SIZE, "ID",
                "only orders under this agreement"),
        CLI_OPT("activity", CLI_ID, false, &f->activity_id, 0, "ID",
                "only orders citing this activity"),
        CLI_OPT("partner", CLI_NATION, false, f->partner, 0, "CC",
                "only orders where CC is a party"),
        CLI_OPT("overdue", CLI_FLAG, false, &overdue, 0, NULL,
                "only orders past due as of --as-of"),
        CLI_OPT("as-of", CLI_DATE, false, &as_of, 0, "DATE",
                "date --overdue is judged on (default: today)"),
        CLI_OPT("search", CLI_TEXT, false, f->search, sizeof(f->search), "TEXT",
                "only orders whose number or a line's description holds TEXT"),
    };
    struct cli_command cmd = {
        "Exports orders, lines, postings or documents (the order list's filters) as csv, json "
        "or xlsx, or the journal of the ledger for ledger, hledger or beancount, into FILE "
        "(written beside it, then renamed).",
        "KIND", 16, NULL, 0, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    if (code == CLI_CONTINUE && options[12].seen && !overdue) {
        code = cli_usage(cli, "--as-of needs --overdue");
    }
    job->progress = job->progress || isatty(STDERR_FILENO);
    if (code == CLI_CONTINUE) {
        code = export_check(cli, job, cmd.value, format, options);
    }
    if (code == CLI_CONTINUE && job->journal &&
        (options[7].seen || options[8].seen || options[9].seen || options[10].seen || overdue ||
         options[13].seen)) {
        code = cli_usage(cli, "journal: the whole ledger, no order filters (only --from, --to)");
    }
    if (code == CLI_CONTINUE) {
        f->state_set = options[7].seen;
        if (overdue) {
            acsa_order_overdue_rule(as_of, &f->due);
        }
        code = cli_with_app(cli, export_in, job);
    }
    acsa_free(job);
    return code;
}
