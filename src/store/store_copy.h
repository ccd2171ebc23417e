/* SPDX-License-Identifier: MIT */
/* Copying a whole node from one store to another, table by table (acsa migrate). The copy is
 * generic: each backend lists the tables it holds, their columns and primary keys from its own
 * catalog, reads a table's rows as typed values in key order, and (a backend that can be a
 * target) writes them in bulk. The list of tables the copy knows, in an order that keeps every
 * reference valid, is kept once here (acsa_store_copy_tables): a table added by a future
 * migration that is missing from it makes the copy refuse rather than leave it behind. */
#ifndef ACSA_STORE_COPY_H
#define ACSA_STORE_COPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define ACSA_COPY_NAME_SIZE 64     /* A table or column name, plus NUL. */
#define ACSA_COPY_COLUMNS_MAX 48   /* Columns of one table. */

/* The type of one stored value. A backend reads its values as these four and nothing else
 * (a value of any other type is refused naming its table and column). */
enum acsa_copy_type {
    ACSA_COPY_NULL,
    ACSA_COPY_INT,    /* number. */
    ACSA_COPY_TEXT,   /* bytes, len (no NUL inside, none needed after). */
    ACSA_COPY_BLOB,   /* bytes, len. */
};

struct acsa_copy_value {
    enum acsa_copy_type type;
    int64_t number;
    const uint8_t *bytes;
    size_t len;
};

/* A table as the copy sees it: its columns in the order values travel, and which of them make
 * its primary key (rows are read in key order, so two stores read alike). */
struct acsa_copy_table {
    char name[ACSA_COPY_NAME_SIZE];
    uint32_t column_count;
    char columns[ACSA_COPY_COLUMNS_MAX][ACSA_COPY_NAME_SIZE];
    uint32_t key_count;
    uint32_t key[ACSA_COPY_COLUMNS_MAX];  /* Indexes into columns, in key order. */
};

/* A table's name; ACSA_OK to go on. */
typedef enum acsa_rc (*acsa_copy_name_cb)(void *ctx, const char *table);
/* One row: values[i] is column i of the table read; valid during the call only. */
typedef enum acsa_rc (*acsa_copy_row_cb)(void *ctx, const struct acsa_copy_value *values,
                                         uint32_t count, struct acsa_error *err);
/* What a target's write pulls its rows from: calls cb once per row, in key order. */
typedef enum acsa_rc (*acsa_copy_source_fn)(void *ctx, acsa_copy_row_cb cb, void *cb_ctx,
                                            struct acsa_error *err);

/* Reached through the store's vtable (vtbl->copy). Every name given is one of the backend's
 * own tables or columns as listed by it; none is ever taken from outside input. */
struct acsa_store_copy_vtbl {
    /* Every table of the node's data, in no particular order: not the engine's catalog, not
     * the ledger of applied migrations. */
    enum acsa_rc (*tables)(struct acsa_store *store, acsa_copy_name_cb cb, void *ctx,
                           struct acsa_error *err);
    /* The columns and primary key of table (ENOTFOUND if there is no such table; ESTORAGE
     * naming it if it has no primary key or too many columns). */
    enum acsa_rc (*describe)(struct acsa_store *store, const char *table,
                             struct acsa_copy_table *out, struct acsa_error *err);
    enum acsa_rc (*count)(struct acsa_store *store, const char *table, int64_t *out_rows,
                          struct acsa_error *err);
    /* The rows of table, the columns in table->columns' order, by primary key. */
    enum acsa_rc (*read)(struct acsa_store *store, const struct acsa_copy_table *table,
                         acsa_copy_row_cb cb, void *ctx, struct acsa_error *err);
    /* Inside begin_write: writes every row source gives into table, which must hold no row
     * yet (EEXISTS naming it otherwise), then moves the table's id generator past the ids
     * written so new rows get new ids. NULL on a backend that cannot be a copy's target. */
    enum acsa_rc (*write)(struct acsa_store *store, const struct acsa_copy_table *table,
                          acsa_copy_source_fn source, void *source_ctx, int64_t *out_rows,
                          struct acsa_error *err);
    /* Backups (acsa backup). A consistent copy of the whole database as it is at one moment,
     * taken while others write, into the new file path (created 0600; EEXISTS if it exists):
     * SQLite a database file through its online backup API, PostgreSQL a pg_dump archive in
     * its custom format (pg_dump run as a child process, on a snapshot this store's
     * connection exports and then stays in, read-only, until the store is closed: the reads
     * that follow see exactly what the dump holds). */
    enum acsa_rc (*backup)(struct acsa_store *store, const char *path, struct acsa_error *err);
    /* The engine's own check of what it holds: SQLite's integrity_check ("ok" when sound,
     * else its first complaint, in out), PostgreSQL a round trip (out "connected"). */
    enum acsa_rc (*check)(struct acsa_store *store, char *out, size_t size,
                          struct acsa_error *err);
};

/** Puts what a backup wrote (path) back as the database uri names: a SQLite file is renamed
 * onto uri's file (with its stale -wal and -shm removed first); a pg_dump archive is restored
 * with pg_restore, as one transaction, into the PostgreSQL database uri, which must hold no
 * table of acsa (EEXISTS). kind is the backend the backup came from ("sqlite" or
 * "postgresql"); EUSAGE naming "db" if it is not uri's. */
ACSA_NODISCARD enum acsa_rc acsa_store_restore(const char *kind, const char *path,
                                               const char *uri, struct acsa_error *err);

/** The backend uri names: "sqlite" or "postgresql". */
const char *acsa_store_kind(const char *uri);

/** The tables the copy knows, in the order they are written (every table after those it
 * refers to); *out_count of them. */
const char *const *acsa_store_copy_tables(size_t *out_count);

/** Whether table is one of them. */
bool acsa_store_copy_known(const char *table);

/** Whether table is derived from others by the database itself (the balances its trigger keeps
 * from the postings): not listed by a backend's tables, never copied, made again on the target
 * as the copied rows arrive. */
bool acsa_store_copy_derived(const char *table);

#endif
