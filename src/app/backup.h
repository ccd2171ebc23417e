/* SPDX-License-Identifier: MIT */
/* Backups of a node (acsa backup, acsa restore): a consistent copy of the database taken while
 * the node runs (the store's backup: SQLite's online backup API, or pg_dump), with the node's
 * secret key, sealed under a passphrase in one file (the layout: ARCHITECTURE.md "Backup
 * files"), verified after it is written; and the way back, verified before it takes the
 * database's place. */
#ifndef ACSA_APP_BACKUP_H
#define ACSA_APP_BACKUP_H

#include <stdbool.h>
#include <stdint.h>

#include "rc.h"

#define ACSA_BACKUP_PASSPHRASE_MAX 1024   /* Bytes of a passphrase file, newline excluded. */
#define ACSA_BACKUP_PASSPHRASE_MIN 8
#define ACSA_BACKUP_CHUNK 1048576u        /* Most database bytes in one sealed section. */

/* What a backup or a restore did and checked. */
struct acsa_backup_report {
    char kind[16];              /* "sqlite" or "postgresql". */
    char nation[8];             /* The node's nation. */
    int64_t schema;             /* The schema version of the copy. */
    uint64_t file_bytes;        /* The sealed file. */
    uint64_t db_bytes;          /* The database (or dump) inside it. */
    char db_sha256[65];         /* Of those bytes, hex. */
    bool key_sealed;            /* The node key is in the file. */
    bool key_matches;           /* It is the secret key of the node's public key. */
    char check[128];            /* The engine's integrity check ("ok"); "" if not run. */
    bool audit_ok;              /* The audit chain recomputed on the copy. */
    int64_t audit_records;
    int64_t orders;             /* Orders in the copy. */
    int64_t records;            /* Signed records in the copy. */
    bool read_back;             /* The sealed file was read back and matched. */
    bool checked_live;          /* PostgreSQL: the chain was verified on the live database
                                   (a pg_dump archive cannot be opened as a store). */
    char key_path[4096];        /* restore: where the key went. */
};

/** Backs up the node at db into the new file out (EEXISTS naming "out" if it exists, unless
 * force), sealed under the passphrase in passphrase_file: the database copied while others
 * write, checked (integrity, audit chain), sealed with its key, written to a file beside out,
 * synced, read back and compared, then renamed onto out. EUSAGE naming "passphrase-file" for
 * a missing, empty, too short or too long passphrase. */
ACSA_NODISCARD enum acsa_rc acsa_app_backup(const char *db, const char *out,
                                            const char *passphrase_file, bool force,
                                            struct acsa_backup_report *report,
                                            struct acsa_error *err);

/** Restores the backup file into db (with its key where the node's key goes: --key, ACSA_KEY,
 * or "<db>.key"). Refused (EEXISTS naming "db") if db or the key file exists, unless force.
 * A wrong passphrase is EREFUSED naming "passphrase-file"; a file that is not a backup, is
 * truncated, altered or too large is EREFUSED naming "file" and the reason. The copy is checked
 * (integrity, audit chain, key against the public key) before it takes db's place. */
ACSA_NODISCARD enum acsa_rc acsa_app_restore(const char *file, const char *db,
                                             const char *passphrase_file, bool force,
                                             struct acsa_backup_report *report,
                                             struct acsa_error *err);

#endif
