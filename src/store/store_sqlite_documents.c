/* SPDX-License-Identifier: MIT */
/* Supporting documents in the SQLite store: references (append-only) and their bytes, kept
 * once per SHA-256. */
#include <string.h>

#include "alloc.h"
#include "store_sqlite_int.h"

enum acsa_rc acsa__sqlite_document_add(struct acsa_store *store,
                                       const struct acsa_document_ref *ref, const char *origin,
                                       struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {
        TEXT(ref->id), TEXT(ref->number), INT(ref->line),
        TEXT(acsa_document_kind_name(ref->kind)), BLOB(ref->sha256, sizeof(ref->sha256)),
        INT(ref->size), TEXT(ref->content_type), TEXT(ref->actor), INT(ref->at_s),
        TEXT(origin)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_DOCUMENT_ADD,
        "INSERT INTO documents (id, order_number, line, kind, sha256, size, content_type, "
        "actor, at_s, origin) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        values);
    enum acsa_rc rc = acsa__sqlite_run_write(acsa__sqlite_of(store), &st, NULL, err);
    if (rc == ACSA_EEXISTS) {
        return acsa_error_set(err, rc, "id", "document %s exists already", ref->id);
    }
    return rc;
}

#define DOCUMENT_COLUMNS                                                                   \
    "d.id, d.order_number, d.line, d.kind, d.sha256, d.size, d.content_type, d.actor, "    \
    "d.at_s, d.origin, CASE WHEN EXISTS (SELECT 1 FROM document_blobs b "                  \
    "WHERE b.sha256 = d.sha256) THEN 1 ELSE 0 END"

static enum acsa_rc document_row(void *ctx, struct acsa__sqlite_row *row,
                                 struct acsa_document_row *out, struct acsa_error *err)
{
    (void)ctx;
    memset(out, 0, sizeof(*out));
    struct acsa_document_ref *d = &out->ref;
    char kind[ACSA_DOCUMENT_KIND_SIZE];
    acsa__sqlite_col_text(row, 0, d->id, sizeof(d->id));
    acsa__sqlite_col_text(row, 1, d->number, sizeof(d->number));
    d->line = acsa__sqlite_col_u32(row, 2, ACSA_ORDER_LINES_MAX);
    acsa__sqlite_col_text(row, 3, kind, sizeof(kind));
    d->kind = acsa_document_kind_parse(kind);
    const void *hash = sqlite3_column_blob(row->stmt, 4);
    if (hash != NULL && sqlite3_column_bytes(row->stmt, 4) == (int)sizeof(d->sha256)) {
        memcpy(d->sha256, hash, sizeof(d->sha256));
    } else if (row->bad_column < 0) {
        row->bad_column = 4;
    }
    d->size = acsa__sqlite_col_int(row, 5);
    acsa__sqlite_col_text(row, 6, d->content_type, sizeof(d->content_type));
    acsa__sqlite_col_text(row, 7, d->actor, sizeof(d->actor));
    d->at_s = acsa__sqlite_col_int(row, 8);
    acsa__sqlite_col_text(row, 9, out->origin, sizeof(out->origin));
    out->have_bytes = acsa__sqlite_col_flag(row, 10);
    if (d->kind == 0 && row->bad_column < 0) {
        row->bad_column = 3;
    }
    return acsa__sqlite_row_check(row, err);
}

static enum acsa_rc get_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    return document_row(NULL, row, ctx, err);
}

enum acsa_rc acsa__sqlite_document_get(struct acsa_store *store, const char *id,
                                       struct acsa_document_row *out, struct acsa_error *err)
{
    char key[ACSA_DOCUMENT_ID_SIZE];
    memset(out, 0, sizeof(*out));
    if (!acsa__sqlite_key_copy(key, sizeof(key), id)) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "id", "document not found");
    }
    const struct acsa__sqlite_value values[] = {TEXT(key)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_DOCUMENT_GET,
        "SELECT " DOCUMENT_COLUMNS " FROM documents d WHERE d.id = ?1", values);
    return acsa__sqlite_run_get(acsa__sqlite_of(store), &st, get_row, out, "document", err);
}

struct list_ctx {
    acsa_document_cb cb;
    void *ctx;
};

static enum acsa_rc list_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    struct list_ctx *l = ctx;
    struct acsa_document_row out;
    ACSA_TRY(document_row(NULL, row, &out, err));
    return l->cb(l->ctx, &out);
}

enum acsa_rc acsa__sqlite_document_list(struct acsa_store *store, const char *number,
                                        bool pending, acsa_document_cb cb, void *ctx,
                                        struct acsa_error *err)
{
    struct list_ctx l = {cb, ctx};
    const struct acsa__sqlite_value values[] = {TEXT(number), INT(pending ? 1 : 0)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_DOCUMENT_LIST,
        "SELECT " DOCUMENT_COLUMNS " FROM documents d "
        "WHERE (?1 = '' OR d.order_number = ?1) AND (?2 = 0 OR NOT EXISTS "
        "(SELECT 1 FROM document_blobs b WHERE b.sha256 = d.sha256)) "
        "ORDER BY CASE WHEN ?1 = '' THEN '' ELSE d.order_number END, "
        "CASE WHEN ?1 = '' THEN 0 ELSE d.line END, d.id",
        values);
    return acsa__sqlite_run_query(acsa__sqlite_of(store), &st, list_row, &l, NULL, err);
}

enum acsa_rc acsa__sqlite_blob_put(struct acsa_store *store,
                                   const uint8_t sha256[ACSA_HASH_SIZE], const uint8_t *bytes,
                                   size_t len, struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {BLOB(sha256, ACSA_HASH_SIZE),
                                                INT((int64_t)len), BLOB(bytes, len)};
    const struct acsa__sqlite_statement st = STATEMENT_PLAIN(
        ACSA__SQLITE_BLOB_PUT,
        "INSERT INTO document_blobs (sha256, size, bytes) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (sha256) DO NOTHING",
        values);
    return acsa__sqlite_run_write(acsa__sqlite_of(store), &st, NULL, err);
}

struct blob_ctx {
    uint8_t *bytes;
    size_t len;
};

static enum acsa_rc blob_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    struct blob_ctx *b = ctx;
    const void *data = sqlite3_column_blob(row->stmt, 0);
    int length = sqlite3_column_bytes(row->stmt, 0);
    if (data == NULL || length <= 0) {
        return acsa_error_set(err, ACSA_ESTORAGE, "", "storage: stored document bytes are "
                              "unreadable");
    }
    acsa_free(b->bytes);
    b->bytes = acsa_malloc((size_t)length);
    if (b->bytes == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    memcpy(b->bytes, data, (size_t)length);
    b->len = (size_t)length;
    return ACSA_OK;
}

enum acsa_rc acsa__sqlite_blob_get(struct acsa_store *store,
                                   const uint8_t sha256[ACSA_HASH_SIZE], uint8_t **out,
                                   size_t *out_len, struct acsa_error *err)
{
    struct blob_ctx b = {NULL, 0};
    const struct acsa__sqlite_value values[] = {BLOB(sha256, ACSA_HASH_SIZE)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_BLOB_GET, "SELECT bytes FROM document_blobs WHERE sha256 = ?1", values);
    enum acsa_rc rc = acsa__sqlite_run_get(acsa__sqlite_of(store), &st, blob_row, &b,
                                           "document bytes", err);
    if (rc != ACSA_OK) {
        acsa_free(b.bytes);
        b.bytes = NULL;
        b.len = 0;
    }
    *out = b.bytes;
    *out_len = b.len;
    return rc;
}
