/* SPDX-License-Identifier: MIT */
/* Moving a node from its SQLite file to an empty PostgreSQL database (acsa migrate): every
 * table copied in one transaction on the target, checked there before it commits (row counts,
 * a hash of every table's content, the signed records and the audit entries among them, and
 * the audit chain recomputed), so the target gets the whole node or nothing. The node's key
 * file is not part of the database and stays where it is. */
#ifndef ACSA_APP_MIGRATE_H
#define ACSA_APP_MIGRATE_H

#include <stdbool.h>
#include <stdint.h>

#include "rc.h"

#define ACSA_MIGRATE_TABLES_MAX 64
#define ACSA_MIGRATE_NAME_SIZE 64
#define ACSA_MIGRATE_PATH_SIZE 4096

struct acsa_migrate_table {
    char name[ACSA_MIGRATE_NAME_SIZE];
    int64_t source_rows;
    int64_t target_rows;                /* Counted on the target after the copy. */
    char hash[65];                      /* SHA-256 (hex) of the table's rows, both sides. */
};

struct acsa_migrate_report {
    char nation[8];                     /* The node's nation. */
    uint32_t table_count;
    struct acsa_migrate_table tables[ACSA_MIGRATE_TABLES_MAX]; /* In the order copied. */
    int64_t rows;                       /* Every row copied. */
    int64_t records;                    /* Signed records among them, hashes matched. */
    int64_t audit_records;              /* Audit entries, chain verified on the target. */
    char key_path[ACSA_MIGRATE_PATH_SIZE]; /* The node key file the target goes on using. */
    bool key_present;                   /* Whether that file exists. */
};

/* Told as a table is copied: rows done of total; done == total when the table is finished. */
typedef void (*acsa_migrate_progress_fn)(void *ctx, const char *table, int64_t done,
                                         int64_t total);

/** Copies the SQLite node at from ("PATH" or "sqlite:PATH") to the PostgreSQL database to
 * ("postgresql://..."), which must be empty (EEXISTS naming it and a table otherwise; nothing
 * written). EUSAGE naming --from or --to for a bad one; EREFUSED naming the table when the
 * source holds a table the copy does not know or the two schemas differ, or when the check
 * after the copy finds a difference (then nothing is committed). progress may be NULL. */
ACSA_NODISCARD enum acsa_rc acsa_app_migrate(const char *from, const char *to,
                                             acsa_migrate_progress_fn progress, void *ctx,
                                             struct acsa_migrate_report *out,
                                             struct acsa_error *err);

#endif
