/* SPDX-License-Identifier: MIT */
/* The PostgreSQL end of the whole-node copy (store_copy.h): its tables, columns and keys from
 * PostgreSQL's catalog, its rows read in binary in single-row mode (memory stays flat on a
 * large node), and the bulk write: COPY FROM STDIN in text format, then the table's
 * identity moved past the ids written. Also the check that a database is empty before
 * a copy gives it the schema. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acsa_assert.h"
#include "alloc.h"
#include "store_copy_int.h"
#include "store_pg_int.h"

/* Type oids PostgreSQL fixes for its built-in types (pg_type.dat). */
#define OID_BYTEA 17u
#define OID_INT8 20u
#define OID_INT2 21u
#define OID_INT4 23u
#define OID_TEXT 25u
#define OID_VARCHAR 1043u

/* The table named, in the schema acsa's tables live in. */
#define TABLE_OID "(SELECT c.oid FROM pg_class c WHERE c.relname = $1 " \
                  "AND c.relnamespace = current_schema()::regnamespace)"

/* A catalog query with text parameters; *out_res is the result on ACSA_OK. */
static enum acsa_rc query(struct acsa_store_pg *s, const char *sql, int count,
                          const char *const *values, PGresult **out_res, struct acsa_error *err)
{
    s->writes++; /* Some of these write (the identity columns set after a copy). */
    PGresult *res = PQexecParams(s->conn, sql, count, NULL, values, NULL, NULL, 0);
    ExecStatusType status = PQresultStatus(res);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        enum acsa_rc rc = acsa__pg_fail(s, res, err);
        PQclear(res);
        *out_res = NULL;
        return rc;
    }
    *out_res = res;
    return ACSA_OK;
}

static enum acsa_rc copy_tables(struct acsa_store *store, acsa_copy_name_cb cb, void *ctx,
                                struct acsa_error *err)
{
    PGresult *res = NULL;
    enum acsa_rc rc = query(acsa__pg_of(store),
                            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                            "AND tablename <> 'schema_migrations' AND tablename <> 'balances' "
                            "ORDER BY tablename",
                            0, NULL, &res, err);
    for (int i = 0; rc == ACSA_OK && i < PQntuples(res); i++) {
        rc = cb(ctx, PQgetvalue(res, i, 0));
    }
    PQclear(res);
    return rc;
}

static enum acsa_rc copy_describe(struct acsa_store *store, const char *table,
                                  struct acsa_copy_table *out, struct acsa_error *err)
{
    enum acsa_rc rc = acsa__copy_describe_begin(out, table, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    const char *values[1] = {table};
    PGresult *res = NULL;
    rc = query(acsa__pg_of(store),
               "SELECT a.attname, coalesce((SELECT k.n FROM pg_index i, "
               "unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) WHERE i.indrelid = a.attrelid "
               "AND i.indisprimary AND k.attnum = a.attnum), 0) "
               "FROM pg_attribute a WHERE a.attrelid = " TABLE_OID " "
               "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
               1, values, &res, err);
    int rows = rc == ACSA_OK ? PQntuples(res) : 0;
    for (int i = 0; rc == ACSA_OK && i < rows; i++) {
        long position = strtol(PQgetvalue(res, i, 1), NULL, 10);
        rc = acsa__copy_describe_column(out, PQgetvalue(res, i, 0),
                                        position > 0 && position <= ACSA_COPY_COLUMNS_MAX + 1
                                            ? (uint32_t)position : 0,
                                        err);
    }
    PQclear(res);
    if (rc != ACSA_OK) {
        return rc;
    }
    if (rows == 0) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "table", "table %s not found", table);
    }
    return acsa__copy_describe_done(out, err);
}

/* Runs built SQL that returns one value (a count, a flag) into *out_text's first bytes. */
static enum acsa_rc one_value(struct acsa_store_pg *s, struct acsa__copy_sql *sql, char *out,
                              size_t size, struct acsa_error *err)
{
    out[0] = '\0';
    enum acsa_rc rc = acsa__copy_sql_check(sql, err);
    PGresult *res = NULL;
    if (rc == ACSA_OK) {
        rc = query(s, sql->text, 0, NULL, &res, err);
    }
    if (rc == ACSA_OK && PQntuples(res) == 1) {
        snprintf(out, size, "%s", PQgetvalue(res, 0, 0));
    }
    PQclear(res);
    acsa__copy_sql_free(sql);
    return rc;
}

static enum acsa_rc copy_count(struct acsa_store *store, const char *table, int64_t *out_rows,
                               struct acsa_error *err)
{
    *out_rows = 0;
    if (!acsa__copy_name_ok(table)) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "table", "table %.64s not found", table);
    }
    struct acsa__copy_sql sql;
    acsa__copy_sql_init(&sql);
    acsa__copy_sql_count(&sql, table);
    char text[ACSA_STORE_INT_TEXT_SIZE];
    enum acsa_rc rc = one_value(acsa__pg_of(store), &sql, text, sizeof(text), err);
    *out_rows = rc == ACSA_OK ? strtoll(text, NULL, 10) : 0;
    return rc;
}

/* Whether table holds any row. */
static enum acsa_rc has_rows(struct acsa_store_pg *s, const char *table, bool *out,
                             struct acsa_error *err)
{
    struct acsa__copy_sql sql;
    acsa__copy_sql_init(&sql);
    acsa__copy_sql_add(&sql, "SELECT EXISTS (SELECT 1 FROM ");
    acsa__copy_sql_name(&sql, table);
    acsa__copy_sql_add(&sql, ")");
    char text[8];
    enum acsa_rc rc = one_value(s, &sql, text, sizeof(text), err);
    *out = text[0] == 't';
    return rc;
}

/* ---- Reading ------------------------------------------------------------------------------ */

static uint64_t big_endian(const uint8_t *p, size_t len)
{
    uint64_t value = 0;
    for (size_t i = 0; i < len; i++) {
        value = value << 8 | p[i];
    }
    return value;
}

static enum acsa_rc read_value(const PGresult *res, const struct acsa_copy_table *table,
                               int column, struct acsa_copy_value *v, struct acsa_error *err)
{
    memset(v, 0, sizeof(*v));
    if (PQgetisnull(res, 0, column)) {
        v->type = ACSA_COPY_NULL;
        return ACSA_OK;
    }
    const uint8_t *bytes = (const uint8_t *)PQgetvalue(res, 0, column);
    int length = PQgetlength(res, 0, column);
    size_t len = length > 0 ? (size_t)length : 0;
    Oid type = PQftype(res, column);
    if (type == OID_INT8 || type == OID_INT4 || type == OID_INT2) {
        if (len != 8 && len != 4 && len != 2) {
            type = 0;
        } else {
            /* Sign-extend the big-endian two's complement of 2, 4 or 8 bytes. */
            uint64_t raw = big_endian(bytes, len);
            unsigned shift = (unsigned)(64 - 8 * len);
            v->type = ACSA_COPY_INT;
            v->number = shift > 0 ? (int64_t)(raw << shift) >> shift : (int64_t)raw;
            return ACSA_OK;
        }
    }
    if (type == OID_TEXT || type == OID_VARCHAR || type == OID_BYTEA) {
        v->type = type == OID_BYTEA ? ACSA_COPY_BLOB : ACSA_COPY_TEXT;
        v->bytes = bytes;
        v->len = len;
        return ACSA_OK;
    }
    return acsa_error_set(err, ACSA_ESTORAGE, "column", "storage: %s.%s has a type the copy "
                          "does not read (oid %u)", table->name,
                          table->columns[column], (unsigned)PQftype(res, column));
}

static enum acsa_rc copy_read(struct acsa_store *store, const struct acsa_copy_table *table,
                              acsa_copy_row_cb cb, void *ctx, struct acsa_error *err)
{
    struct acsa_store_pg *s = acsa__pg_of(store);
    struct acsa__copy_sql sql;
    acsa__copy_sql_init(&sql);
    acsa__copy_sql_select(&sql, table);
    enum acsa_rc rc = acsa__copy_sql_check(&sql, err);
    if (rc != ACSA_OK) {
        acsa__copy_sql_free(&sql);
        return rc;
    }
    /* Binary results: integers as 8 bytes, text and bytea as they are. */
    bool sent = PQsendQueryParams(s->conn, sql.text, 0, NULL, NULL, NULL, NULL, 1) != 0;
    if (!sent || PQsetSingleRowMode(s->conn) == 0) {
        rc = acsa__pg_fail(s, NULL, err);
    }
    acsa__copy_sql_free(&sql);
    struct acsa_copy_value values[ACSA_COPY_COLUMNS_MAX];
    PGresult *res = NULL;
    /* Every result is taken, after a failure too, so the connection is ready again. */
    while (sent && (res = PQgetResult(s->conn)) != NULL) {
        ExecStatusType status = PQresultStatus(res);
        if (rc == ACSA_OK && status == PGRES_SINGLE_TUPLE) {
            for (int c = 0; rc == ACSA_OK && c < (int)table->column_count; c++) {
                rc = read_value(res, table, c, &values[c], err);
            }
            if (rc == ACSA_OK) {
                rc = cb(ctx, values, table->column_count, err);
            }
        } else if (rc == ACSA_OK && status != PGRES_TUPLES_OK) {
            rc = acsa__pg_fail(s, res, err);
        }
        PQclear(res);
    }
    return rc;
}

/* ---- Writing ------------------------------------------------------------------------------ */

/* Rows go to the server with COPY FROM STDIN in text format, in chunks of about this size. */
#define CHUNK_SIZE 65536u
#define CHUNK_ROOM (CHUNK_SIZE * 2u)

/* The rows of a COPY under way: the chunk not sent yet. */
struct stream {
    struct acsa_store_pg *s;
    const struct acsa_copy_table *table;
    int64_t rows;
    char *data;
    size_t used;
    size_t cap;
};

static enum acsa_rc nomem(struct acsa_error *err)
{
    return acsa_error_set(err, ACSA_ENOMEM, "", "storage: out of memory");
}

static bool stream_reserve(struct stream *st, size_t more)
{
    if (st->used + more <= st->cap) {
        return true;
    }
    size_t cap = st->cap > 0 ? st->cap : CHUNK_ROOM;
    while (cap < st->used + more) {
        cap *= 2;
    }
    char *grown = acsa_realloc(st->data, cap);
    if (grown == NULL) {
        return false;
    }
    st->data = grown;
    st->cap = cap;
    return true;
}

static enum acsa_rc stream_send(struct stream *st, struct acsa_error *err)
{
    if (st->used == 0) {
        return ACSA_OK;
    }
    ACSA_ASSERT(st->used <= INT32_MAX);
    if (PQputCopyData(st->s->conn, st->data, (int)st->used) != 1) {
        return acsa__pg_fail(st->s, NULL, err);
    }
    st->used = 0;
    return ACSA_OK;
}

/* One value in COPY's text format: \N for NULL; in text a backslash, tab, newline and carriage
 * return escaped; a blob as bytea's hex input, its backslash escaped. */
static void put_value(struct stream *st, const struct acsa_copy_value *v)
{
    char *at = st->data + st->used;
    static const char hex[] = "0123456789abcdef";
    switch (v->type) {
    case ACSA_COPY_NULL:
        memcpy(at, "\\N", 2);
        st->used += 2;
        return;
    case ACSA_COPY_INT:
        st->used += (size_t)snprintf(at, ACSA_STORE_INT_TEXT_SIZE, "%lld", (long long)v->number);
        return;
    case ACSA_COPY_BLOB:
        memcpy(at, "\\\\x", 3);
        at += 3;
        for (size_t i = 0; i < v->len; i++) {
            *at++ = hex[v->bytes[i] >> 4];
            *at++ = hex[v->bytes[i] & 15];
        }
        st->used += 3 + 2 * v->len;
        return;
    case ACSA_COPY_TEXT:
        break;
    }
    for (size_t i = 0; i < v->len; i++) {
        char c = (char)v->bytes[i];
        const char *escape = c == '\\' ? "\\\\" : c == '\t' ? "\\t" : c == '\n' ? "\\n"
                             : c == '\r' ? "\\r" : NULL;
        if (escape != NULL) {
            *at++ = escape[0];
            *at++ = escape[1];
        } else {
            *at++ = c;
        }
    }
    st->used = (size_t)(at - st->data);
}

static enum acsa_rc stream_row(void *ctx, const struct acsa_copy_value *values, uint32_t count,
                               struct acsa_error *err)
{
    struct stream *st = ctx;
    ACSA_ASSERT(count == st->table->column_count);
    for (uint32_t c = 0; c < count; c++) {
        const struct acsa_copy_value *v = &values[c];
        if (v->type == ACSA_COPY_TEXT && v->len > 0 && memchr(v->bytes, '\0', v->len) != NULL) {
            return acsa_error_set(err, ACSA_ESTORAGE, "column", "storage: %s.%s holds a text "
                                  "with a NUL byte, which PostgreSQL does not store",
                                  st->table->name, st->table->columns[c]);
        }
        /* At most two bytes out for one in, a separator, and room for a number. */
        size_t room = 2 * v->len + 4 + ACSA_STORE_INT_TEXT_SIZE;
        if (v->len > SIZE_MAX / 4 || !stream_reserve(st, room)) {
            return nomem(err);
        }
        put_value(st, v);
        st->data[st->used++] = c + 1 < count ? '\t' : '\n';
    }
    st->rows++;
    return st->used >= CHUNK_SIZE ? stream_send(st, err) : ACSA_OK;
}

/* Ends the COPY: sent whole (rc ACSA_OK) or abandoned, and its result taken either way. */
static enum acsa_rc stream_end(struct stream *st, enum acsa_rc rc, struct acsa_error *err)
{
    PGconn *conn = st->s->conn;
    int ended = PQputCopyEnd(conn, rc == ACSA_OK ? NULL : "acsa migrate stopped");
    if (rc == ACSA_OK && ended != 1) {
        rc = acsa__pg_fail(st->s, NULL, err);
    }
    PGresult *res = NULL;
    while ((res = PQgetResult(conn)) != NULL) {
        if (rc == ACSA_OK && PQresultStatus(res) != PGRES_COMMAND_OK) {
            rc = acsa__pg_fail(st->s, res, err);
        }
        PQclear(res);
    }
    return rc;
}

/* Moves each identity column's generator past the largest id written. */
static enum acsa_rc identities_reset(struct acsa_store_pg *s, const char *table,
                                     struct acsa_error *err)
{
    const char *values[1] = {table};
    PGresult *res = NULL;
    enum acsa_rc rc = query(s, "SELECT a.attname FROM pg_attribute a WHERE a.attrelid = "
                               TABLE_OID " AND a.attidentity <> '' AND NOT a.attisdropped",
                            1, values, &res, err);
    for (int i = 0; rc == ACSA_OK && i < PQntuples(res); i++) {
        const char *column = PQgetvalue(res, i, 0);
        if (!acsa__copy_name_ok(column)) {
            rc = acsa_error_set(err, ACSA_ESTORAGE, "column", "storage: identity column of %s "
                                "is not a plain name", table);
            break;
        }
        struct acsa__copy_sql sql;
        acsa__copy_sql_init(&sql);
        acsa__copy_sql_add(&sql, "SELECT setval(pg_get_serial_sequence($1, $2), "
                                 "coalesce((SELECT max(");
        acsa__copy_sql_name(&sql, column);
        acsa__copy_sql_add(&sql, ") FROM ");
        acsa__copy_sql_name(&sql, table);
        acsa__copy_sql_add(&sql, "), 0) + 1, false)");
        rc = acsa__copy_sql_check(&sql, err);
        const char *params[2] = {table, column};
        PGresult *set = NULL;
        if (rc == ACSA_OK) {
            rc = query(s, sql.text, 2, params, &set, err);
        }
        PQclear(set);
        acsa__copy_sql_free(&sql);
    }
    PQclear(res);
    return rc;
}

static enum acsa_rc copy_write(struct acsa_store *store, const struct acsa_copy_table *table,
                               acsa_copy_source_fn source, void *source_ctx, int64_t *out_rows,
                               struct acsa_error *err)
{
    struct acsa_store_pg *s = acsa__pg_of(store);
    *out_rows = 0;
    ACSA_ASSERT(s->depth > 0 && table->column_count > 0);
    bool taken = false;
    enum acsa_rc rc = has_rows(s, table->name, &taken, err);
    if (rc == ACSA_OK && taken) {
        return acsa_error_set(err, ACSA_EEXISTS, "to", "database \"%s\" is not empty: table %s "
                              "has rows", PQdb(s->conn), table->name);
    }
    struct acsa__copy_sql sql;
    acsa__copy_sql_init(&sql);
    acsa__copy_sql_copy_in(&sql, table);
    if (rc == ACSA_OK) {
        rc = acsa__copy_sql_check(&sql, err);
    }
    if (rc == ACSA_OK) {
        s->writes++;
        PGresult *res = PQexec(s->conn, sql.text);
        if (PQresultStatus(res) != PGRES_COPY_IN) {
            rc = acsa__pg_fail(s, res, err);
        }
        PQclear(res);
    }
    acsa__copy_sql_free(&sql);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct stream st;
    memset(&st, 0, sizeof(st));
    st.s = s;
    st.table = table;
    rc = source(source_ctx, stream_row, &st, err);
    if (rc == ACSA_OK) {
        rc = stream_send(&st, err);
    }
    rc = stream_end(&st, rc, err); /* Ends the COPY whatever happened. */
    acsa_free(st.data);
    *out_rows = st.rows;
    if (rc != ACSA_OK) {
        return rc;
    }
    return identities_reset(s, table->name, err);
}

const struct acsa_store_copy_vtbl acsa__pg_copy_vtbl = {
    .tables = copy_tables,
    .describe = copy_describe,
    .count = copy_count,
    .read = copy_read,
    .write = copy_write,
    .backup = acsa__pg_backup,
    .check = acsa__pg_check,
};

/* ---- An empty database -------------------------------------------------------------------- */

enum acsa_rc acsa__pg_copy_check_empty(struct acsa_store *store, struct acsa_error *err)
{
    struct acsa_store_pg *s = acsa__pg_of(store);
    PGresult *res = NULL;
    /* Every relation outside PostgreSQL's own schemas; acsa's own tables (a schema given by
     * an earlier copy that failed) count as empty while they hold no row. */
    enum acsa_rc rc = query(s, "SELECT n.nspname, c.relname, n.nspname = current_schema() "
                               "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                               "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') "
                               "AND n.nspname <> 'information_schema' "
                               "AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 3 DESC, 1, 2",
                            0, NULL, &res, err);
    for (int i = 0; rc == ACSA_OK && i < PQntuples(res); i++) {
        const char *schema = PQgetvalue(res, i, 0);
        const char *name = PQgetvalue(res, i, 1);
        bool ours = PQgetvalue(res, i, 2)[0] == 't' &&
                    (acsa_store_copy_known(name) || acsa_store_copy_derived(name) ||
                     strcmp(name, "schema_migrations") == 0);
        if (!ours) {
            rc = acsa_error_set(err, ACSA_EEXISTS, "to", "database \"%s\" is not empty: it has "
                                "table %s.%s; acsa migrate copies into an empty database only",
                                PQdb(s->conn), schema, name);
            break;
        }
        bool taken = false;
        rc = strcmp(name, "schema_migrations") == 0 ? ACSA_OK : has_rows(s, name, &taken, err);
        if (rc == ACSA_OK && taken) {
            rc = acsa_error_set(err, ACSA_EEXISTS, "to", "database \"%s\" is not empty: table "
                                "%s has rows; acsa migrate copies into an empty database only",
                                PQdb(s->conn), name);
        }
    }
    PQclear(res);
    return rc;
}
