/* SPDX-License-Identifier: MIT */
/* The statement runners (writes and queries) over a list of values to bind: every statement
 * of the SQLite store is stepped here. */
#include "acsa_assert.h"
#include "store_sqlite_int.h"

/* The statement of st's slot, or one prepared for this run alone (ACSA__SQLITE_ONCE). */
static enum acsa_rc statement_open(struct acsa_store_sqlite *s,
                                   const struct acsa__sqlite_statement *st, sqlite3_stmt **out,
                                   struct acsa_error *err)
{
    if (st->slot != ACSA__SQLITE_ONCE) {
        return acsa__sqlite_acquire(s, st->slot, st->sql, out, err);
    }
    *out = NULL;
    if (sqlite3_prepare_v2(s->db, st->sql, -1, out, NULL) != SQLITE_OK) {
        return acsa__sqlite_fail(s, err);
    }
    return ACSA_OK;
}

static void statement_close(struct acsa_store_sqlite *s, const struct acsa__sqlite_statement *st,
                            sqlite3_stmt *stmt)
{
    if (st->slot != ACSA__SQLITE_ONCE) {
        acsa__sqlite_release(s, st->slot, stmt);
    } else {
        sqlite3_finalize(stmt);
    }
}

static void bind_value(struct acsa__sqlite_bind *b, int index, const struct acsa__sqlite_value *v)
{
    switch (v->kind) {
    case 't':
        acsa__sqlite_bind_text(b, index, v->text);
        break;
    case 'o':
        acsa__sqlite_bind_opt_text(b, index, v->text);
        break;
    case 'i':
        acsa__sqlite_bind_int(b, index, v->number);
        break;
    case 'n':
        acsa__sqlite_bind_opt_int(b, index, v->number);
        break;
    case 'd':
        acsa__sqlite_bind_day(b, index, (int32_t)v->number);
        break;
    case '-':
        acsa__sqlite_bind_text(b, index, NULL);
        break;
    default:
        ACSA_ASSERT(v->kind == 'b');
        if (b->rc == SQLITE_OK) {
            b->rc = sqlite3_bind_blob64(b->stmt, index, v->blob, (sqlite3_uint64)v->blob_len,
                                        SQLITE_TRANSIENT);
        }
        break;
    }
}

static enum acsa_rc prepare(struct acsa_store_sqlite *s, const struct acsa__sqlite_statement *st,
                            sqlite3_stmt **out, struct acsa_error *err)
{
    enum acsa_rc rc = statement_open(s, st, out, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa__sqlite_bind b;
    acsa__sqlite_bind_init(&b, *out);
    for (size_t i = 0; i < st->count; i++) {
        bind_value(&b, (int)i + 1, &st->values[i]);
    }
    if (b.rc != SQLITE_OK) {
        rc = acsa__sqlite_fail(s, err);
        statement_close(s, st, *out);
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
    } else if (st->keys != ACSA__SQLITE_KEYS_FAIL && acsa__sqlite_is_unique(code)) {
        rc = ACSA_EEXISTS;
    } else if (st->keys == ACSA__SQLITE_KEYS_REFS && acsa__sqlite_is_foreign_key(code)) {
        rc = ACSA_ENOTFOUND;
    } else if (code != SQLITE_DONE) {
        rc = acsa__sqlite_fail(s, err);
    }
    statement_close(s, st, stmt);
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
        statement_close(s, st, stmt);
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

enum acsa_rc acsa__sqlite_run_kept(struct acsa_store_sqlite *s, sqlite3_stmt *stmt,
                                   struct acsa_error *err)
{
    int code = sqlite3_step(stmt);
    (void)sqlite3_reset(stmt); /* Its code repeats the step's. */
    return code == SQLITE_DONE ? ACSA_OK : acsa__sqlite_fail(s, err);
}
