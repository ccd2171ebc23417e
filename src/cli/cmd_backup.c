/* SPDX-License-Identifier: MIT */
/* acsa backup and acsa restore (backup.h): a sealed, verified copy of the node taken while it
 * runs, and the way back; what was checked is printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backup.h"
#include "alloc.h"
#include "cli.h"

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void print_checks(const struct acsa_backup_report *r)
{
    if (r->check[0] != '\0') {
        printf("  integrity_check: %s\n", r->check);
    }
    printf("  audit chain:     %lld records, verified%s\n", (long long)r->audit_records,
           r->checked_live ? " (in the snapshot the pg_dump archive was taken from)" : "");
    printf("  orders:          %lld\n", (long long)r->orders);
    printf("  signed records:  %lld\n", (long long)r->records);
    printf("  node key:        %s\n",
           !r->key_sealed ? "none (this node has no key file)"
           : r->key_matches ? "sealed, matches the node's public key"
                            : "sealed");
}

int cmd_backup(struct cli *cli, int argc, char **argv)
{
    const char *out = NULL;
    const char *passphrase = NULL;
    bool force = false;
    struct cli_option options[] = {
        CLI_OPT("out", CLI_PATH, true, &out, 0, "FILE", "the backup file to write"),
        CLI_OPT("passphrase-file", CLI_PATH, true, &passphrase, 0, "PATH",
                "a file whose first line is the passphrase that seals the backup"),
        CLI_OPT("force", CLI_FLAG, false, &force, 0, NULL, "replace FILE if it exists"),
    };
    struct cli_command cmd = {"Backs the node up while it runs: a consistent copy of the "
                              "database (SQLite's online backup API, or pg_dump) and the node "
                              "key, sealed under the passphrase (Argon2id, XChaCha20-Poly1305) "
                              "in one file, written beside FILE, checked (integrity, audit "
                              "chain, key), read back, then renamed onto FILE.",
                              NULL, 0, NULL, false, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    if (code != CLI_CONTINUE) {
        return code;
    }
    struct acsa_backup_report *r = acsa_malloc(sizeof(*r));
    if (r == NULL) {
        return cli_fail(cli, ACSA_ENOMEM);
    }
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    enum acsa_rc rc = acsa_app_backup(cli_db_path(cli), out, passphrase, force, r, &cli->err);
    if (rc == ACSA_OK) {
        printf("Backed up node %s (%s, schema %lld) to ", r->nation, r->kind,
               (long long)r->schema);
        cli_put_text(stdout, out);
        printf("\n  file:            %llu bytes (database %llu bytes, SHA-256 %.16s...)\n",
               (unsigned long long)r->file_bytes, (unsigned long long)r->db_bytes,
               r->db_sha256);
        printf("Verified:\n");
        print_checks(r);
        printf("  read back:       the file opens under the passphrase; every section "
               "authenticates; database and key match what was sealed\n");
        printf("Took %.2f s.\n", seconds_since(&start));
    }
    acsa_free(r);
    return rc == ACSA_OK ? CLI_EXIT_OK : cli_fail(cli, rc);
}

int cmd_restore(struct cli *cli, int argc, char **argv)
{
    const char *passphrase = NULL;
    bool force = false;
    struct cli_option options[] = {
        CLI_OPT("passphrase-file", CLI_PATH, true, &passphrase, 0, "PATH",
                "a file whose first line is the backup's passphrase"),
        CLI_OPT("force", CLI_FLAG, false, &force, 0, NULL,
                "replace the database and key file if they exist (stop acsa serve first)"),
    };
    struct cli_command cmd = {"Restores a backup made by acsa backup into the database --db "
                              "names (a new file, or an empty PostgreSQL database) and the node "
                              "key beside it (or --key): every section authenticated, the copy "
                              "checked (integrity, audit chain, key) before it takes its place.",
                              "FILE", 0, NULL, false, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    if (code != CLI_CONTINUE) {
        return code;
    }
    const char *env = getenv("ACSA_DB");
    if (cli->db_uri == NULL && (env == NULL || env[0] == '\0')) {
        return cli_usage(cli, "--db is required: the database to restore into");
    }
    struct acsa_backup_report *r = acsa_malloc(sizeof(*r));
    if (r == NULL) {
        return cli_fail(cli, ACSA_ENOMEM);
    }
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    enum acsa_rc rc = acsa_app_restore(cmd.value, cli_db_path(cli), passphrase, force, r,
                                       &cli->err);
    if (rc == ACSA_OK) {
        printf("Restored node %s (%s) from ", r->nation, r->kind);
        cli_put_text(stdout, cmd.value);
        printf(" into ");
        /* A PostgreSQL URI may hold a password: not printed. */
        bool server = strcmp(r->kind, "postgresql") == 0;
        cli_put_text(stdout, server ? "the PostgreSQL database --db names" : cli_db_path(cli));
        printf("\n  database:        %llu bytes, SHA-256 %.16s...\n",
               (unsigned long long)r->db_bytes, r->db_sha256);
        if (r->key_sealed) {
            printf("  key file:        ");
            cli_put_text(stdout, r->key_path);
            printf("\n");
        }
        printf("Verified:\n");
        print_checks(r);
        printf("Took %.2f s.\n", seconds_since(&start));
    }
    acsa_free(r);
    return rc == ACSA_OK ? CLI_EXIT_OK : cli_fail(cli, rc);
}
