/* SPDX-License-Identifier: MIT */
/* acsa migrate: a node moved from its SQLite file to an empty PostgreSQL database
 * (acsa_app_migrate), with each table's progress on stderr and what was done and checked on
 * stdout. */
#include <stdio.h>
#include <string.h>

#include "migrate.h"
#include "alloc.h"
#include "cli.h"

/* The URI as shown: a password in it is replaced by "***". */
static void shown_uri(const char *uri, char *out, size_t size)
{
    snprintf(out, size, "%s", uri);
    const char *scheme = strstr(uri, "://");
    if (scheme == NULL) {
        return;
    }
    const char *user = scheme + 3;
    size_t authority = strcspn(user, "/?");
    const char *at = memchr(user, '@', authority);
    const char *colon = at != NULL ? memchr(user, ':', (size_t)(at - user)) : NULL;
    if (colon != NULL) {
        snprintf(out, size, "%.*s***%s", (int)(colon + 1 - uri), uri, at);
    }
}

static void progress(void *ctx, const char *table, int64_t done, int64_t total)
{
    (void)ctx;
    if (done < total) {
        fprintf(stderr, "migrate: %-22s %lld of %lld rows\n", table, (long long)done,
                (long long)total);
    } else {
        fprintf(stderr, "migrate: %-22s %lld rows copied\n", table, (long long)done);
    }
}

static void print_report(const struct acsa_migrate_report *r, const char *from, const char *to)
{
    printf("Migrated node %s from ", r->nation);
    cli_put_text(stdout, from);
    printf(" to ");
    cli_put_text(stdout, to);
    printf("\n\n%-22s %10s  %s\n", "Table", "Rows", "Row hash (source = target)");
    for (uint32_t i = 0; i < r->table_count; i++) {
        const struct acsa_migrate_table *t = &r->tables[i];
        printf("%-22s %10lld  %.16s\n", t->name, (long long)t->target_rows, t->hash);
    }
    printf("\nCopied %u tables, %lld rows, in one transaction; row counts and row hashes match "
           "on the target.\n", r->table_count, (long long)r->rows);
    printf("Signed records: %lld, hashes matched.\n", (long long)r->records);
    printf("Audit entries: %lld, chain verified on the target.\n",
           (long long)r->audit_records);
    printf("Node key: ");
    cli_put_text(stdout, r->key_path);
    printf(r->key_present ? " (unchanged: give it with --key or ACSA_KEY to use the new "
                            "database)\n"
                          : " (not present: this node has no key yet)\n");
}

int cmd_migrate(struct cli *cli, int argc, char **argv)
{
    const char *from = NULL;
    const char *to = NULL;
    struct cli_option options[] = {
        CLI_OPT("from", CLI_PATH, true, &from, 0, "PATH",
                "the node's SQLite file (PATH or sqlite:PATH)"),
        CLI_OPT("to", CLI_PATH, true, &to, 0, "URI",
                "an empty PostgreSQL database (postgresql://...)"),
    };
    struct cli_command cmd = {"Copies a node from its SQLite file to an empty PostgreSQL "
                              "database in one transaction, checks row counts, row hashes and "
                              "the audit chain on the target before it commits, and prints what "
                              "it did. The node key file stays where it is (--key, or beside "
                              "the SQLite file).",
                              NULL, 0, NULL, false, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    if (code != CLI_CONTINUE) {
        return code;
    }
    struct acsa_migrate_report *report = acsa_malloc(sizeof(*report));
    if (report == NULL) {
        return cli_fail(cli, ACSA_ENOMEM);
    }
    enum acsa_rc rc = acsa_app_migrate(from, to, progress, NULL, report, &cli->err);
    if (rc == ACSA_OK) {
        char shown[1024];
        shown_uri(to, shown, sizeof(shown));
        print_report(report, from, shown);
    }
    acsa_free(report);
    return rc == ACSA_OK ? CLI_EXIT_OK : cli_fail(cli, rc);
}
