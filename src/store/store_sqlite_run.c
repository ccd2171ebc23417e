/* SPDX-License-Identifier: MIT */
/* The two statement runners (writes and queries) over a list of values to bind, shared by the
 * store files whose statements are plain lists of parameters. */
#include "store_sqlite_int.h"

static enum acsa_rc prepare(struct acsa_store_sqlite *s, const struct acsa__sqlite_statement *st,
                            sqlite3_stmt **out, struct acsa_error *err)
{
    enum acsa_rc rc = acsa__sqlite_acquire(s, st->slot, st->sql, out, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa__sqlite_bind b;
    acsa__sqlite_bind_init(&b, *out);
    for (size_t i = 0; i < st->count; i++) {
        const struct acsa__sqlite_value *v = &st->values[i];
        if (v->kind == 't') {
            acsa__sqlite_bind_text(&b, (int)i + 1, v->text);
        } else if (v->kind == 'i') {
            acsa__sqlite_bind_int(&b, (int)i + 1, v->number);
        } else if (v->kind == 'd') {
            acsa__sqlite_bind_day(&b, (int)i + 1, (int32_t)v->number);
        } else if (b.rc == SQLITE_OK) {
            b.rc = sqlite3_bind_blob64(*out, (int)i + 1, v->blob, (sqlite3_uint64)v->blob_len,
                                       SQLITE_TRANSIENT);
        }
    }
    if (b.rc != SQLITE_OK) {
        rc = acsa__sqlite_fail(s, err);
        acsa__sqlite_release(s, st->slot, *out);
        *out = NULL;
    }
    return rc;
}

enum acsa_rc acsa__sqlite_run_write(struct acsa_store_sqlite *s,
                                    const struct acsa__sqlite_statement *st,
                                    int64_t *out_changes, struct acsa_error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = prepare(s, st, &stmt, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    int code = sqlite3_step(stmt);
    if (code == SQLITE_DONE && out_changes != NULL) {
        *out_changes = sqlite3_changes64(s->db);
    } else if (acsa__sqlite_is_unique(code)) {
        rc = ACSA_EEXISTS;
    } else if (code != SQLITE_DONE) {
        rc = acsa__sqlite_fail(s, err);
    }
    acsa__sqlite_release(s, st->slot, stmt);
    return rc;
}

enum acsa_rc acsa__sqlite_run_query(struct acsa_store_sqlite *s,
                                    const struct acsa__sqlite_statement *st,
                                    acsa__sqlite_row_fn fn, void *ctx, int64_t *out_rows,
                                    struct acsa_error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = prepare(s, st, &stmt, err);
    int64_t rows = 0;
    while (rc == ACSA_OK) {
        int code = sqlite3_step(stmt);
        if (code == SQLITE_DONE) {
            break;
        }
        if (code != SQLITE_ROW) {
            rc = acsa__sqlite_fail(s, err);
            break;
        }
        rows++;
        struct acsa__sqlite_row row;
        acsa__sqlite_row_init(&row, stmt);
        rc = fn(ctx, &row, err);
    }
    if (stmt != NULL) {
        acsa__sqlite_release(s, st->slot, stmt);
    }
    if (out_rows != NULL) {
        *out_rows = rows;
    }
    return rc;
}

enum acsa_rc acsa__sqlite_run_get(struct acsa_store_sqlite *s,
                                  const struct acsa__sqlite_statement *st,
                                  acsa__sqlite_row_fn fn, void *ctx, const char *what,
                                  struct acsa_error *err)
{
    int64_t rows = 0;
    enum acsa_rc rc = acsa__sqlite_run_query(s, st, fn, ctx, &rows, err);
    if (rc == ACSA_OK && rows == 0) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "", "%s not found", what);
    }
    return rc;
}
