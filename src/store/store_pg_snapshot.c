/* SPDX-License-Identifier: MIT */
/* The latest snapshot of each partner node in the PostgreSQL store: one row per partner, its
 * bytes kept as received so that the signature can be checked again whenever it is used. */
#include <string.h>

#include "alloc.h"
#include "store_pg_int.h"

enum acsa_rc acsa__pg_snapshot_put(struct acsa_store *store,
                                   const struct acsa_snapshot_row *row,
                                   struct acsa_error *err)
{
    const struct acsa__pg_value values[] = {
        PG_TEXT(row->party), PG_INT(row->created_s), PG_INT(row->sender_through),
        PG_INT(row->seen_through), PG_INT(row->received_s), PG_BLOB(row->bytes, row->len)};
    const struct acsa__pg_statement st = PG_STATEMENT(
        ACSA__PG_SNAPSHOT_PUT,
        "INSERT INTO peer_snapshots (party, created_s, sender_through, seen_through, "
        "received_s, bytes) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (party) DO UPDATE SET "
        "created_s = excluded.created_s, sender_through = excluded.sender_through, "
        "seen_through = excluded.seen_through, received_s = excluded.received_s, "
        "bytes = excluded.bytes",
        values);
    return acsa__pg_run_write(acsa__pg_of(store), &st, NULL, NULL, err);
}

static enum acsa_rc snapshot_row(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    struct acsa_snapshot_row *out = ctx;
    acsa__pg_col_text(row, 0, out->party, sizeof(out->party));
    out->created_s = acsa__pg_col_int(row, 1);
    out->sender_through = acsa__pg_col_int(row, 2);
    out->seen_through = acsa__pg_col_int(row, 3);
    out->received_s = acsa__pg_col_int(row, 4);
    enum acsa_rc rc = acsa__pg_row_check(row, err);
    acsa_free(out->bytes); /* A second row cannot come (party is the key); never leak one. */
    out->bytes = NULL;
    out->len = 0;
    if (rc == ACSA_OK) {
        rc = acsa__pg_col_blob(row, 5, &out->bytes, &out->len, err);
    }
    if (rc == ACSA_OK && out->len == 0) {
        rc = acsa_error_set(err, ACSA_ESTORAGE, "", "storage: the stored snapshot of %s is "
                            "unreadable", out->party);
    }
    return rc;
}

enum acsa_rc acsa__pg_snapshot_get(struct acsa_store *store, const char *party,
                                   struct acsa_snapshot_row *out, struct acsa_error *err)
{
    char key[ACSA_NATION_SIZE];
    memset(out, 0, sizeof(*out));
    if (!acsa__pg_key_copy(key, sizeof(key), party)) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "peer", "peer \"%.8s\" not found", party);
    }
    const struct acsa__pg_value values[] = {PG_TEXT(key)};
    const struct acsa__pg_statement st = PG_STATEMENT(
        ACSA__PG_SNAPSHOT_GET,
        "SELECT party, created_s, sender_through, seen_through, received_s, bytes "
        "FROM peer_snapshots WHERE party = $1",
        values);
    enum acsa_rc rc = acsa__pg_run_get(acsa__pg_of(store), &st, snapshot_row, out,
                                       "snapshot", err);
    if (rc != ACSA_OK) {
        acsa_free(out->bytes);
        out->bytes = NULL;
        out->len = 0;
    }
    return rc;
}
