/* SPDX-License-Identifier: MIT */
/* The latest snapshot of each partner node in the SQLite store: one row per partner, its
 * bytes kept as received so that the signature can be checked again whenever it is used. */
#include <string.h>

#include "alloc.h"
#include "store_sqlite_int.h"

enum acsa_rc acsa__sqlite_snapshot_put(struct acsa_store *store,
                                       const struct acsa_snapshot_row *row,
                                       struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {
        TEXT(row->party), INT(row->created_s), INT(row->sender_through),
        INT(row->seen_through), INT(row->received_s), BLOB(row->bytes, row->len)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_SNAPSHOT_PUT,
        "INSERT INTO peer_snapshots (party, created_s, sender_through, seen_through, "
        "received_s, bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (party) DO UPDATE SET "
        "created_s = excluded.created_s, sender_through = excluded.sender_through, "
        "seen_through = excluded.seen_through, received_s = excluded.received_s, "
        "bytes = excluded.bytes",
        values);
    return acsa__sqlite_run_write(acsa__sqlite_of(store), &st, NULL, err);
}

static enum acsa_rc snapshot_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    struct acsa_snapshot_row *out = ctx;
    acsa__sqlite_col_text(row, 0, out->party, sizeof(out->party));
    out->created_s = acsa__sqlite_col_int(row, 1);
    out->sender_through = acsa__sqlite_col_int(row, 2);
    out->seen_through = acsa__sqlite_col_int(row, 3);
    out->received_s = acsa__sqlite_col_int(row, 4);
    enum acsa_rc rc = acsa__sqlite_row_check(row, err);
    const void *bytes = sqlite3_column_blob(row->stmt, 5);
    int length = sqlite3_column_bytes(row->stmt, 5);
    if (rc == ACSA_OK && (bytes == NULL || length <= 0)) {
        rc = acsa_error_set(err, ACSA_ESTORAGE, "", "storage: the stored snapshot of %s is "
                            "unreadable", out->party);
    }
    if (rc != ACSA_OK) {
        return rc;
    }
    acsa_free(out->bytes); /* A second row cannot come (party is the key); never leak one. */
    out->bytes = acsa_malloc((size_t)length);
    if (out->bytes == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    memcpy(out->bytes, bytes, (size_t)length);
    out->len = (size_t)length;
    return ACSA_OK;
}

enum acsa_rc acsa__sqlite_snapshot_get(struct acsa_store *store, const char *party,
                                       struct acsa_snapshot_row *out, struct acsa_error *err)
{
    char key[ACSA_NATION_SIZE];
    memset(out, 0, sizeof(*out));
    if (!acsa__sqlite_key_copy(key, sizeof(key), party)) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "peer", "peer \"%.8s\" not found", party);
    }
    const struct acsa__sqlite_value values[] = {TEXT(key)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_SNAPSHOT_GET,
        "SELECT party, created_s, sender_through, seen_through, received_s, bytes "
        "FROM peer_snapshots WHERE party = ?1",
        values);
    enum acsa_rc rc = acsa__sqlite_run_get(acsa__sqlite_of(store), &st, snapshot_row, out,
                                           "snapshot", err);
    if (rc != ACSA_OK) {
        acsa_free(out->bytes);
        out->bytes = NULL;
        out->len = 0;
    }
    return rc;
}
