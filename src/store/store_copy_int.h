/* SPDX-License-Identifier: MIT */
/* What the two backends' ends of the copy (store_sqlite_copy.c, store_pg_copy.c) share: the
 * SQL texts they build from catalog names, and the description of a table. Names are checked
 * to be plain lower-case identifiers and quoted, so a name never changes what the SQL says. */
#ifndef ACSA_STORE_COPY_INT_H
#define ACSA_STORE_COPY_INT_H

#include "store_copy.h"

/* SQL built at run time (a table's name and columns come from the catalog). */
struct acsa__copy_sql {
    char *text;   /* NUL-terminated; acsa_malloc'd. */
    size_t len;
    size_t cap;
    bool failed;  /* Out of memory: the text is incomplete. */
};

void acsa__copy_sql_init(struct acsa__copy_sql *sql);
void acsa__copy_sql_free(struct acsa__copy_sql *sql);
void acsa__copy_sql_add(struct acsa__copy_sql *sql, const char *text);
/* "name" quoted as an identifier. */
void acsa__copy_sql_name(struct acsa__copy_sql *sql, const char *name);
/* ENOMEM if the text could not be built. */
ACSA_NODISCARD enum acsa_rc acsa__copy_sql_check(const struct acsa__copy_sql *sql,
                                                 struct acsa_error *err);

/* SELECT the table's columns FROM it ORDER BY its key: the same text for every backend. */
void acsa__copy_sql_select(struct acsa__copy_sql *sql, const struct acsa_copy_table *table);
/* SELECT count(*) FROM the table. */
void acsa__copy_sql_count(struct acsa__copy_sql *sql, const char *table);
/* COPY the table (its columns) FROM STDIN. */
void acsa__copy_sql_copy_in(struct acsa__copy_sql *sql, const struct acsa_copy_table *table);
/* Whether name is a plain identifier: [a-z_][a-z0-9_]*, shorter than ACSA_COPY_NAME_SIZE. */
bool acsa__copy_name_ok(const char *name);

/* Describing a table from a catalog: begin with its name, add each column in order with its
 * place in the primary key (1, 2, ..; 0 if not part of it), then done (ESTORAGE naming the
 * table and what is wrong: a name that is not plain, too many columns, no primary key). */
ACSA_NODISCARD enum acsa_rc acsa__copy_describe_begin(struct acsa_copy_table *out,
                                                      const char *table,
                                                      struct acsa_error *err);
ACSA_NODISCARD enum acsa_rc acsa__copy_describe_column(struct acsa_copy_table *out,
                                                       const char *column,
                                                       uint32_t key_position,
                                                       struct acsa_error *err);
ACSA_NODISCARD enum acsa_rc acsa__copy_describe_done(struct acsa_copy_table *out,
                                                     struct acsa_error *err);

extern const struct acsa_store_copy_vtbl acsa__sqlite_copy_vtbl;
extern const struct acsa_store_copy_vtbl acsa__pg_copy_vtbl;

/* Backups of each backend (store_sqlite_backup.c, store_pg_backup.c). */
enum acsa_rc acsa__sqlite_backup(struct acsa_store *store, const char *path,
                                 struct acsa_error *err);
enum acsa_rc acsa__sqlite_check(struct acsa_store *store, char *out, size_t size,
                                struct acsa_error *err);
enum acsa_rc acsa__pg_backup(struct acsa_store *store, const char *path, struct acsa_error *err);
enum acsa_rc acsa__pg_check(struct acsa_store *store, char *out, size_t size,
                            struct acsa_error *err);
enum acsa_rc acsa__pg_restore(const char *path, const char *uri, struct acsa_error *err);

/* Refuses (EEXISTS naming the database and a table) a PostgreSQL database that holds any table
 * but acsa's, or any row in acsa's: run before the schema is given, so nothing is written. */
ACSA_NODISCARD enum acsa_rc acsa__pg_copy_check_empty(struct acsa_store *store,
                                                      struct acsa_error *err);

#endif
