/* SPDX-License-Identifier: MIT */
/* The statement runner of the PostgreSQL backend (prepared statements only: values are never
 * written into SQL text) and the readers of result columns. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acsa_assert.h"
#include "date.h"
#include "alloc.h"
#include "store_pg_int.h"

/* SQLSTATE of a unique or primary key violation. */
#define PG_UNIQUE_VIOLATION "23505"
#define PG_FOREIGN_KEY_VIOLATION "23503"

enum acsa_rc acsa__pg_fail(struct acsa_store_pg *s, const PGresult *res, struct acsa_error *err)
{
    const char *message = res != NULL ? PQresultErrorMessage(res) : "";
    if (message == NULL || message[0] == '\0') {
        message = PQerrorMessage(s->conn);
    }
    /* libpq ends its messages with a newline; the error message is one line. */
    size_t length = strcspn(message, "\n");
    if (PQstatus(s->conn) == CONNECTION_BAD) {
        return acsa_error_set(err, ACSA_EUNAVAILABLE, "database",
                              "storage: the database cannot be reached: %.*s", (int)length,
                              message);
    }
    return acsa_error_set(err, ACSA_ESTORAGE, "", "storage: %.*s", (int)length, message);
}

bool acsa__pg_foreign_key(const struct acsa_store_pg *s)
{
    return strcmp(s->last_state, PG_FOREIGN_KEY_VIOLATION) == 0;
}

bool acsa__pg_key_copy(char *dst, size_t size, const char *src)
{
    ACSA_ASSERT(size > 0);
    size_t length = strlen(src);
    if (length >= size) {
        dst[0] = '\0';
        return false;
    }
    memcpy(dst, src, length + 1);
    return true;
}

enum acsa_rc acsa__pg_exec(struct acsa_store_pg *s, const char *sql, struct acsa_error *err)
{
    s->writes++;
    PGresult *res = PQexec(s->conn, sql);
    ExecStatusType status = PQresultStatus(res);
    enum acsa_rc rc = ACSA_OK;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        rc = acsa__pg_fail(s, res, err);
    }
    PQclear(res);
    return rc;
}

void acsa__pg_exec_quiet(struct acsa_store_pg *s, const char *sql)
{
    s->writes++;
    PQclear(PQexec(s->conn, sql));
}

/* The values of one statement as libpq takes them. */
struct params {
    const char *values[ACSA_STORE_PG_PARAMS_MAX];
    int lengths[ACSA_STORE_PG_PARAMS_MAX];
    int formats[ACSA_STORE_PG_PARAMS_MAX];
    char text[ACSA_STORE_PG_PARAMS_MAX][ACSA_STORE_INT_TEXT_SIZE];
};

static void params_fill(struct params *p, const struct acsa__pg_statement *st)
{
    ACSA_ASSERT(st->count <= ACSA_STORE_PG_PARAMS_MAX);
    _Static_assert(ACSA_DATE_TEXT_SIZE <= ACSA_STORE_INT_TEXT_SIZE, "a day fits the buffer");
    for (size_t i = 0; i < st->count; i++) {
        const struct acsa__pg_value *v = &st->values[i];
        p->lengths[i] = 0;
        p->formats[i] = 0;
        p->values[i] = NULL;
        switch (v->kind) {
        case 't':
            p->values[i] = v->text;
            break;
        case 'o':
            p->values[i] = v->text != NULL && v->text[0] != '\0' ? v->text : NULL;
            break;
        case 'z':
        case 'i':
            if (v->kind == 'i' || v->number != 0) {
                snprintf(p->text[i], sizeof(p->text[i]), "%" PRId64, v->number);
                p->values[i] = p->text[i];
            }
            break;
        case 'd':
            if ((int32_t)v->number != ACSA_DATE_NONE) {
                p->values[i] = acsa_date_format((int32_t)v->number, p->text[i]);
            }
            break;
        default:
            ACSA_ASSERT(v->kind == 'b');
            ACSA_ASSERT(v->blob_len <= INT32_MAX);
            /* Binary format: the bytes as they are, no escaping. */
            p->values[i] = v->blob != NULL ? v->blob : "";
            p->lengths[i] = (int)v->blob_len;
            p->formats[i] = 1;
            break;
        }
    }
}

/* Whether sql names a table whose rows a write transaction keeps (struct acsa__pg_cache): a
 * whole word, so "agreement_id" of another table does not count. */
static bool names_reference_table(const char *sql)
{
    static const char *const tables[] = {"agreements", "agreement_versions",
                                         "agreement_events", "activities", "units"};
    for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
        size_t length = strlen(tables[t]);
        for (const char *at = strstr(sql, tables[t]); at != NULL;
             at = strstr(at + length, tables[t])) {
            bool starts = at == sql || !(isalnum((unsigned char)at[-1]) || at[-1] == '_');
            bool ends = !(isalnum((unsigned char)at[length]) || at[length] == '_');
            if (starts && ends) {
                return true;
            }
        }
    }
    return false;
}

void acsa__pg_cache_clear(struct acsa_store_pg *s)
{
    struct acsa__pg_cache *c = &s->cache;
    for (size_t i = 0; i < c->count; i++) {
        PQclear(c->results[i].res);
    }
    c->count = 0;
    c->next = 0;
    c->seq_known = false;
    c->audit_known = false;
}

/* The bound values of st as one key: each value's length, then its bytes. False if they do
 * not fit (the read then simply goes to the server). */
static bool cache_key(const struct params *p, const struct acsa__pg_statement *st, char *key,
                      size_t *out_len)
{
    size_t at = 0;
    for (size_t i = 0; i < st->count; i++) {
        size_t length = p->values[i] == NULL ? 0
                        : p->formats[i] == 1  ? (size_t)p->lengths[i]
                                              : strlen(p->values[i]);
        int written = snprintf(key + at, ACSA_STORE_PG_CACHE_KEY_SIZE - at, "%c%zu:",
                               p->values[i] == NULL ? 'n' : 'v', length);
        if (written < 0 || (size_t)written + length >= ACSA_STORE_PG_CACHE_KEY_SIZE - at) {
            return false;
        }
        at += (size_t)written;
        if (length > 0) {
            memcpy(key + at, p->values[i], length);
            at += length;
        }
    }
    *out_len = at;
    return true;
}

static struct acsa__pg_cached_result *cache_find(struct acsa_store_pg *s, enum acsa__pg_slot slot,
                                                 const char *key, size_t key_len)
{
    struct acsa__pg_cache *c = &s->cache;
    for (size_t i = 0; i < c->count; i++) {
        struct acsa__pg_cached_result *r = &c->results[i];
        if (r->slot == slot && r->key_len == key_len && memcmp(r->key, key, key_len) == 0) {
            return r;
        }
    }
    return NULL;
}

/* Keeps res (the cache owns it from here). */
static void cache_put(struct acsa_store_pg *s, enum acsa__pg_slot slot, const char *key,
                      size_t key_len, PGresult *res)
{
    struct acsa__pg_cache *c = &s->cache;
    struct acsa__pg_cached_result *r = NULL;
    if (c->count < ACSA_STORE_PG_CACHE_RESULTS) {
        r = &c->results[c->count++];
    } else {
        r = &c->results[c->next];
        c->next = (c->next + 1) % ACSA_STORE_PG_CACHE_RESULTS;
        PQclear(r->res);
    }
    r->slot = slot;
    r->key_len = key_len;
    memcpy(r->key, key, key_len);
    r->res = res;
}

static enum acsa_rc prepare(struct acsa_store_pg *s, const struct acsa__pg_statement *st,
                            char name[32], struct acsa_error *err)
{
    ACSA_ASSERT((unsigned)st->slot < ACSA__PG_SLOT_COUNT);
    snprintf(name, 32, "acsa_%u", (unsigned)st->slot);
    if (s->prepared[st->slot]) {
        return ACSA_OK;
    }
    PGresult *res = PQprepare(s->conn, name, st->sql, (int)st->count, NULL);
    enum acsa_rc rc = ACSA_OK;
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        rc = acsa__pg_fail(s, res, err);
    } else {
        s->prepared[st->slot] = true;
        s->writes_reference[st->slot] = !st->cached && names_reference_table(st->sql);
        /* The runner's own SQL: a kept read that wrote, or a unique insert that could abort
         * the transaction, is a mistake in this file, never input. */
        ACSA_ASSERT(!st->cached || strncmp(st->sql, "SELECT ", 7) == 0);
        ACSA_ASSERT(!st->unique || strstr(st->sql, "ON CONFLICT DO NOTHING") != NULL);
    }
    PQclear(res);
    return rc;
}

/* Prepares the statement where the connection has not yet, and runs it: *out_res is its
 * result, failed or not, unless preparing failed. */
static enum acsa_rc send_prepared(struct acsa_store_pg *s, const struct acsa__pg_statement *st,
                                  const struct params *p, PGresult **out_res,
                                  struct acsa_error *err)
{
    char name[32];
    ACSA_TRY(prepare(s, st, name, err));
    *out_res = PQexecPrepared(s->conn, name, (int)st->count, p->values, p->lengths, p->formats,
                              0);
    return ACSA_OK;
}

/* Runs the statement; *out_res is the result on ACSA_OK, or NULL with EEXISTS/ESTORAGE. A
 * read outside any transaction whose connection the database dropped runs again on a new
 * one; a write never does (it may have been done before the connection went). */
static enum acsa_rc execute(struct acsa_store_pg *s, const struct acsa__pg_statement *st,
                            bool read, PGresult **out_res, struct acsa_error *err)
{
    *out_res = NULL;
    struct params p;
    params_fill(&p, st);
    /* Inside a write transaction a kept read answers from the cache: a copy of the kept
     * result, since a row callback may write and so clear the cache under its caller. */
    char key[ACSA_STORE_PG_CACHE_KEY_SIZE];
    size_t key_len = 0;
    bool keep = st->cached && s->depth > 0 && cache_key(&p, st, key, &key_len);
    struct acsa__pg_cached_result *kept = keep ? cache_find(s, st->slot, key, key_len) : NULL;
    if (kept != NULL) {
        *out_res = PQcopyResult(kept->res, PG_COPYRES_ATTRS | PG_COPYRES_TUPLES);
        return *out_res != NULL ? ACSA_OK
                                : acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    ACSA_TRY(acsa__pg_connected(s, err));
    if (!read) {
        s->writes++;
    }
    bool idle = acsa__pg_idle(s);
    PGresult *res = NULL;
    enum acsa_rc rc = send_prepared(s, st, &p, &res, err);
    if (read && idle && PQstatus(s->conn) == CONNECTION_BAD) {
        PQclear(res);
        res = NULL;
        ACSA_TRY(acsa__pg_reconnect(s, err));
        rc = send_prepared(s, st, &p, &res, err);
    }
    /* Known once the statement is prepared: what it changed is read again from here on. */
    if (s->writes_reference[st->slot]) {
        acsa__pg_cache_clear(s);
    }
    if (rc != ACSA_OK) {
        return rc;
    }
    ExecStatusType status = PQresultStatus(res);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
        if (keep) {
            PGresult *copy = PQcopyResult(res, PG_COPYRES_ATTRS | PG_COPYRES_TUPLES);
            if (copy != NULL) {
                cache_put(s, st->slot, key, key_len, copy);
            }
        }
        *out_res = res;
        return ACSA_OK;
    }
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    snprintf(s->last_state, sizeof(s->last_state), "%s", state != NULL ? state : "");
    if (state != NULL && strcmp(state, PG_UNIQUE_VIOLATION) == 0) {
        rc = ACSA_EEXISTS;
    } else {
        rc = acsa__pg_fail(s, res, err);
    }
    PQclear(res);
    return rc;
}

enum acsa_rc acsa__pg_run_write(struct acsa_store_pg *s, const struct acsa__pg_statement *st,
                                int64_t *out_changes, int64_t *out_id, struct acsa_error *err)
{
    PGresult *res = NULL;
    ACSA_TRY(execute(s, st, false, &res, err));
    int64_t changes = strtoll(PQcmdTuples(res), NULL, 10);
    if (out_changes != NULL) {
        *out_changes = changes;
    }
    enum acsa_rc rc = ACSA_OK;
    if (out_id != NULL) {
        struct acsa__pg_row row = {res, 0, -1};
        *out_id = PQntuples(res) == 1 ? acsa__pg_col_int(&row, 0) : 0;
        rc = acsa__pg_row_check(&row, err);
    }
    PQclear(res);
    /* ON CONFLICT DO NOTHING: a key taken inserts nothing and leaves the transaction as it
     * was, where a failed statement would abort it. */
    if (rc == ACSA_OK && st->unique && changes == 0) {
        rc = ACSA_EEXISTS;
    }
    return rc;
}

enum acsa_rc acsa__pg_run_query(struct acsa_store_pg *s, const struct acsa__pg_statement *st,
                                acsa__pg_row_fn fn, void *ctx, int64_t *out_rows,
                                struct acsa_error *err)
{
    if (out_rows != NULL) {
        *out_rows = 0;
    }
    PGresult *res = NULL;
    enum acsa_rc rc = execute(s, st, true, &res, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    int rows = PQntuples(res);
    for (int i = 0; i < rows && rc == ACSA_OK; i++) {
        struct acsa__pg_row row = {res, i, -1};
        rc = fn(ctx, &row, err);
    }
    PQclear(res);
    if (out_rows != NULL) {
        *out_rows = rows;
    }
    return rc;
}

enum acsa_rc acsa__pg_run_get(struct acsa_store_pg *s, const struct acsa__pg_statement *st,
                              acsa__pg_row_fn fn, void *ctx, const char *what,
                              struct acsa_error *err)
{
    int64_t rows = 0;
    enum acsa_rc rc = acsa__pg_run_query(s, st, fn, ctx, &rows, err);
    if (rc == ACSA_OK && rows == 0) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "", "%s not found", what);
    }
    return rc;
}

/* ---- Reading -------------------------------------------------------------------------- */

static void row_bad(struct acsa__pg_row *row, int column)
{
    if (row->bad_column < 0) {
        row->bad_column = column;
    }
}

bool acsa__pg_col_null(const struct acsa__pg_row *row, int column)
{
    return PQgetisnull(row->res, row->row, column) != 0;
}

const char *acsa__pg_col_raw(const struct acsa__pg_row *row, int column, size_t *out_len)
{
    const char *text = PQgetvalue(row->res, row->row, column);
    int length = PQgetlength(row->res, row->row, column);
    if (out_len != NULL) {
        *out_len = length > 0 ? (size_t)length : 0;
    }
    return text != NULL ? text : "";
}

void acsa__pg_col_text(struct acsa__pg_row *row, int column, char *buf, size_t size)
{
    ACSA_ASSERT(size > 0);
    buf[0] = '\0';
    size_t length = 0;
    const char *text = acsa__pg_col_raw(row, column, &length);
    /* A text that does not fit its field would be cut silently: report it instead. */
    if (length >= size) {
        row_bad(row, column);
        return;
    }
    memcpy(buf, text, length);
    buf[length] = '\0';
}

int64_t acsa__pg_col_int(struct acsa__pg_row *row, int column)
{
    if (acsa__pg_col_null(row, column)) {
        row_bad(row, column);
        return 0;
    }
    const char *text = acsa__pg_col_raw(row, column, NULL);
    char *end = NULL;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0') {
        row_bad(row, column);
        return 0;
    }
    return (int64_t)value;
}

int64_t acsa__pg_col_opt_int(struct acsa__pg_row *row, int column)
{
    return acsa__pg_col_null(row, column) ? 0 : acsa__pg_col_int(row, column);
}

uint32_t acsa__pg_col_u32(struct acsa__pg_row *row, int column, uint32_t max)
{
    int64_t value = acsa__pg_col_opt_int(row, column);
    if (value < 0 || value > (int64_t)max) {
        row_bad(row, column);
        return 0;
    }
    return (uint32_t)value;
}

int32_t acsa__pg_col_day(struct acsa__pg_row *row, int column)
{
    if (acsa__pg_col_null(row, column)) {
        return ACSA_DATE_NONE;
    }
    char text[ACSA_DATE_TEXT_SIZE];
    acsa__pg_col_text(row, column, text, sizeof(text));
    int32_t day = ACSA_DATE_NONE;
    if (acsa_date_parse(text, "", &day, NULL) != ACSA_OK) {
        row_bad(row, column);
        return ACSA_DATE_NONE;
    }
    return day;
}

acsa_wide acsa__pg_col_wide(struct acsa__pg_row *row, int column)
{
    acsa_wide value = 0;
    if (!acsa__pg_col_null(row, column) &&
        !acsa_wide_parse(acsa__pg_col_raw(row, column, NULL), &value)) {
        row_bad(row, column);
    }
    return value;
}

enum acsa_state acsa__pg_col_state(struct acsa__pg_row *row, int column)
{
    enum acsa_state state = ACSA_STATE_DRAFT;
    if (acsa__pg_col_null(row, column)) {
        return state;
    }
    if (!acsa_state_parse(acsa__pg_col_raw(row, column, NULL), &state)) {
        row_bad(row, column);
    }
    return state;
}

enum acsa_step acsa__pg_col_step(struct acsa__pg_row *row, int column)
{
    enum acsa_step step = ACSA_STEP_CREATE;
    if (!acsa_step_parse(acsa__pg_col_raw(row, column, NULL), &step)) {
        row_bad(row, column);
    }
    return step;
}

enum acsa_method acsa__pg_col_method(struct acsa__pg_row *row, int column)
{
    enum acsa_method method = ACSA_METHOD_CASH;
    if (!acsa_method_parse(acsa__pg_col_raw(row, column, NULL), &method)) {
        row_bad(row, column);
    }
    return method;
}

enum acsa_account acsa__pg_col_account(struct acsa__pg_row *row, int column)
{
    enum acsa_account account = ACSA_ACCOUNT_RECEIVABLE_CASH;
    if (!acsa_account_parse(acsa__pg_col_raw(row, column, NULL), &account)) {
        row_bad(row, column);
    }
    return account;
}

bool acsa__pg_col_flag(struct acsa__pg_row *row, int column)
{
    int64_t value = acsa__pg_col_int(row, column);
    if (value != 0 && value != 1) {
        row_bad(row, column);
    }
    return value == 1;
}

enum acsa_role acsa__pg_col_role(struct acsa__pg_row *row, int column)
{
    enum acsa_role role = ACSA_ROLE_AUDITOR;
    if (!acsa_role_parse(acsa__pg_col_raw(row, column, NULL), &role)) {
        row_bad(row, column);
    }
    return role;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

/* bytea in text results is "\x" and two hex digits a byte (bytea_output = hex, set at open). */
static bool hex_decode(const char *text, size_t length, uint8_t *out, size_t out_len)
{
    if (length != 2 + 2 * out_len || text[0] != '\\' || text[1] != 'x') {
        return false;
    }
    for (size_t i = 0; i < out_len; i++) {
        int hi = hex_digit(text[2 + 2 * i]);
        int lo = hex_digit(text[3 + 2 * i]);
        if (hi < 0 || lo < 0) {
            return false;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

void acsa__pg_col_fixed(struct acsa__pg_row *row, int column, uint8_t *buf, size_t size)
{
    memset(buf, 0, size);
    size_t length = 0;
    const char *text = acsa__pg_col_raw(row, column, &length);
    if (!hex_decode(text, length, buf, size)) {
        memset(buf, 0, size);
        row_bad(row, column);
    }
}

enum acsa_rc acsa__pg_col_blob(struct acsa__pg_row *row, int column, uint8_t **out,
                               size_t *out_len, struct acsa_error *err)
{
    *out = NULL;
    *out_len = 0;
    if (acsa__pg_col_null(row, column)) {
        return ACSA_OK;
    }
    size_t length = 0;
    const char *text = acsa__pg_col_raw(row, column, &length);
    size_t bytes = length >= 2 ? (length - 2) / 2 : 0;
    uint8_t *buf = acsa_malloc(bytes > 0 ? bytes : 1);
    if (buf == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "storage: out of memory");
    }
    if (!hex_decode(text, length, buf, bytes)) {
        acsa_free(buf);
        row_bad(row, column);
        return acsa__pg_row_check(row, err);
    }
    *out = buf;
    *out_len = bytes;
    return ACSA_OK;
}

enum acsa_rc acsa__pg_row_check(const struct acsa__pg_row *row, struct acsa_error *err)
{
    if (row->bad_column < 0) {
        return ACSA_OK;
    }
    const char *column = PQfname(row->res, row->bad_column);
    return acsa_error_set(err, ACSA_ESTORAGE, "", "storage: stored column \"%s\" holds an "
                          "invalid value", column != NULL ? column : "?");
}
