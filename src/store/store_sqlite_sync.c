/* SPDX-License-Identifier: MIT */
/* Partner nodes and what is exchanged with them in the SQLite store: records
 * (append-only, by origin and seq), the signed batches they came in, the
 * quarantine of refused input, the origins of reference data and the
 * fingerprints reconciliation compares. */
#include <string.h>

#include "acsa_assert.h"
#include "store_sqlite_int.h"

/* A blob column of exactly size bytes into out; false (and the row marked bad)
 * otherwise. */
static bool col_blob(struct acsa__sqlite_row *row, int column, uint8_t *out, size_t size)
{
    const void *data = sqlite3_column_blob(row->stmt, column);
    if (data == NULL || (size_t)sqlite3_column_bytes(row->stmt, column) != size) {
        if (row->bad_column < 0) {
            row->bad_column = column;
        }
        memset(out, 0, size);
        return false;
    }
    memcpy(out, data, size);
    return true;
}

/* ---- Peers ---------------------------------------------------------------------------------- */

#define PEER_COLUMNS "party, url, public_key, received_through, acked_through, last_sync_s"

struct peer_out {
    struct acsa_peer *peer;
    acsa_peer_cb cb;
    void *ctx;
};

static enum acsa_rc peer_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    struct peer_out *out = ctx;
    struct acsa_peer *p = out->peer;
    acsa__sqlite_col_text(row, 0, p->party, sizeof(p->party));
    acsa__sqlite_col_text(row, 1, p->url, sizeof(p->url));
    col_blob(row, 2, p->key, sizeof(p->key));
    p->received_through = acsa__sqlite_col_int(row, 3);
    p->acked_through = acsa__sqlite_col_int(row, 4);
    p->last_sync_s = acsa__sqlite_col_int(row, 5);
    ACSA_TRY(acsa__sqlite_row_check(row, err));
    return out->cb != NULL ? out->cb(out->ctx, p) : ACSA_OK;
}

enum acsa_rc acsa__sqlite_peer_put(struct acsa_store *store, const struct acsa_peer *peer,
                                   struct acsa_error *err)
{
    /* A new key starts the exchange afresh: what the old key signed says nothing
     * of the new node's records. */
    const struct acsa__sqlite_value values[] = {TEXT(peer->party), TEXT(peer->url),
                                                BLOB(peer->key, sizeof(peer->key))};
    const struct acsa__sqlite_statement st =
        STATEMENT(ACSA__SQLITE_PEER_PUT,
                  "INSERT INTO peers (party, url, public_key) VALUES (?1, ?2, ?3) ON "
                  "CONFLICT (party) "
                  "DO UPDATE SET url = excluded.url, public_key = excluded.public_key, "
                  "received_through = CASE WHEN public_key = excluded.public_key THEN "
                  "received_through "
                  "ELSE 0 END, acked_through = CASE WHEN public_key = excluded.public_key "
                  "THEN "
                  "acked_through ELSE 0 END",
                  values);
    return acsa__sqlite_run_write(acsa__sqlite_of(store), &st, NULL, err);
}

enum acsa_rc acsa__sqlite_peer_get(struct acsa_store *store, const char *party,
                                   struct acsa_peer *out, struct acsa_error *err)
{
    char key[ACSA_NATION_SIZE];
    if (!acsa__sqlite_key_copy(key, sizeof(key), party)) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "peer", "peer \"%.8s\" not found", party);
    }
    memset(out, 0, sizeof(*out));
    const struct acsa__sqlite_value values[] = {TEXT(key)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_PEER_GET, "SELECT " PEER_COLUMNS " FROM peers WHERE party = ?1", values);
    struct peer_out result = {out, NULL, NULL};
    enum acsa_rc rc =
        acsa__sqlite_run_get(acsa__sqlite_of(store), &st, peer_row, &result, "peer", err);
    if (rc == ACSA_ENOTFOUND) {
        acsa_error_set(err, ACSA_ENOTFOUND, "peer",
                       "peer %s not found (add it with \"acsa peer add --party %s\")", key, key);
    }
    return rc;
}

enum acsa_rc acsa__sqlite_peer_list(struct acsa_store *store, acsa_peer_cb cb, void *ctx,
                                    struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {INT(0)};
    const struct acsa__sqlite_statement st =
        STATEMENT(ACSA__SQLITE_PEER_LIST,
                  "SELECT " PEER_COLUMNS " FROM peers WHERE ?1 = 0 ORDER BY party", values);
    struct acsa_peer peer;
    struct peer_out result = {&peer, cb, ctx};
    return acsa__sqlite_run_query(acsa__sqlite_of(store), &st, peer_row, &result, NULL, err);
}

enum acsa_rc acsa__sqlite_peer_advance(struct acsa_store *store, const char *party,
                                       int64_t received_through, int64_t acked_through,
                                       int64_t last_sync_s, struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {TEXT(party), INT(received_through),
                                                INT(acked_through), INT(last_sync_s)};
    const struct acsa__sqlite_statement st =
        STATEMENT(ACSA__SQLITE_PEER_ADVANCE,
                  "UPDATE peers SET received_through = max(received_through, ?2), "
                  "acked_through = max(acked_through, ?3), "
                  "last_sync_s = CASE WHEN ?4 > 0 THEN ?4 ELSE last_sync_s END WHERE party "
                  "= ?1",
                  values);
    int64_t changes = 0;
    enum acsa_rc rc = acsa__sqlite_run_write(acsa__sqlite_of(store), &st, &changes, err);
    if (rc == ACSA_OK && changes == 0) {
        rc = acsa_error_set(err, ACSA_ENOTFOUND, "peer", "peer %s not found", party);
    }
    return rc;
}

/* ---- Records -------------------------------------------------------------------------------- */

static enum acsa_rc set_head(struct acsa_store_sqlite *s, enum acsa__sqlite_slot slot,
                             const char *number, const uint8_t hash[ACSA_HASH_SIZE],
                             struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {TEXT(number), BLOB(hash, ACSA_HASH_SIZE)};
    const struct acsa__sqlite_statement st =
        STATEMENT(slot, "UPDATE orders SET chain_head = ?2 WHERE number = ?1", values);
    int64_t changes = 0;
    enum acsa_rc rc = acsa__sqlite_run_write(s, &st, &changes, err);
    if (rc == ACSA_OK && changes == 0) {
        rc = acsa_error_set(err, ACSA_ENOTFOUND, "order", "order \"%s\" not found", number);
    }
    return rc;
}

enum acsa_rc acsa__sqlite_record_append(struct acsa_store *store, const struct acsa_record_row *row,
                                        struct acsa_error *err)
{
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    const struct acsa__sqlite_value values[] = {
        TEXT(row->origin),
        INT(row->seq),
        TEXT(row->partner),
        TEXT(row->order_number[0] != '\0' ? row->order_number : NULL),
        TEXT(row->other_number[0] != '\0' ? row->other_number : NULL),
        BLOB(row->hash, ACSA_HASH_SIZE),
        INT(row->batch_id),
        BLOB(row->body, row->body_len),
    };
    const struct acsa__sqlite_statement st =
        STATEMENT(ACSA__SQLITE_RECORD_APPEND,
                  "INSERT INTO records (origin, seq, partner, order_number, other_number, "
                  "hash, "
                  "batch_id, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, nullif(?7, 0), ?8)",
                  values);
    enum acsa_rc rc = acsa__sqlite_run_write(s, &st, NULL, err);
    if (rc == ACSA_EEXISTS) {
        return acsa_error_set(err, ACSA_EEXISTS, "seq", "record %s/%lld is already stored",
                              row->origin, (long long)row->seq);
    }
    if (rc == ACSA_OK && row->order_number[0] != '\0') {
        rc = set_head(s, ACSA__SQLITE_RECORD_HEAD, row->order_number, row->hash, err);
    }
    if (rc == ACSA_OK && row->other_number[0] != '\0') {
        rc = set_head(s, ACSA__SQLITE_RECORD_HEAD_OTHER, row->other_number, row->hash, err);
    }
    return rc;
}

#define RECORD_COLUMNS                                                                             \
    "id, origin, seq, partner, order_number, other_number, hash, "                                 \
    "coalesce(batch_id, 0)"

struct record_out {
    struct acsa_record_row *row;
    acsa_record_cb cb;
    void *ctx;
};

static enum acsa_rc record_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    struct record_out *out = ctx;
    struct acsa_record_row *r = out->row;
    r->id = acsa__sqlite_col_int(row, 0);
    acsa__sqlite_col_text(row, 1, r->origin, sizeof(r->origin));
    r->seq = acsa__sqlite_col_int(row, 2);
    acsa__sqlite_col_text(row, 3, r->partner, sizeof(r->partner));
    acsa__sqlite_col_text(row, 4, r->order_number, sizeof(r->order_number));
    acsa__sqlite_col_text(row, 5, r->other_number, sizeof(r->other_number));
    col_blob(row, 6, r->hash, sizeof(r->hash));
    r->batch_id = acsa__sqlite_col_int(row, 7);
    r->body = NULL;
    r->body_len = 0;
    if (out->cb != NULL) {
        r->body = sqlite3_column_blob(row->stmt, 8);
        int n = sqlite3_column_bytes(row->stmt, 8);
        r->body_len = n > 0 ? (size_t)n : 0;
        if (r->body == NULL && row->bad_column < 0) {
            row->bad_column = 8;
        }
    }
    ACSA_TRY(acsa__sqlite_row_check(row, err));
    return out->cb != NULL ? out->cb(out->ctx, r) : ACSA_OK;
}

enum acsa_rc acsa__sqlite_record_get(struct acsa_store *store, const char *origin, int64_t seq,
                                     struct acsa_record_row *out, struct acsa_error *err)
{
    memset(out, 0, sizeof(*out));
    const struct acsa__sqlite_value values[] = {TEXT(origin), INT(seq)};
    const struct acsa__sqlite_statement st =
        STATEMENT(ACSA__SQLITE_RECORD_GET,
                  "SELECT " RECORD_COLUMNS " FROM records WHERE origin = ?1 AND seq = ?2", values);
    struct record_out result = {out, NULL, NULL};
    return acsa__sqlite_run_get(acsa__sqlite_of(store), &st, record_row, &result, "record", err);
}

static enum acsa_rc int_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    *(int64_t *)ctx = acsa__sqlite_col_opt_int(row, 0);
    return acsa__sqlite_row_check(row, err);
}

enum acsa_rc acsa__sqlite_record_last_seq(struct acsa_store *store, const char *origin,
                                          int64_t *out_seq, struct acsa_error *err)
{
    *out_seq = 0;
    const struct acsa__sqlite_value values[] = {TEXT(origin)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_RECORD_LAST, "SELECT max(seq) FROM records WHERE origin = ?1", values);
    return acsa__sqlite_run_query(acsa__sqlite_of(store), &st, int_row, out_seq, NULL, err);
}

enum acsa_rc acsa__sqlite_record_scan(struct acsa_store *store, const char *origin,
                                      const char *partner, int64_t after_seq, uint32_t limit,
                                      acsa_record_cb cb, void *ctx, struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL);
    const struct acsa__sqlite_value values[] = {TEXT(origin), TEXT(partner), INT(after_seq),
                                                INT(limit > 0 ? (int64_t)limit : -1)};
    const struct acsa__sqlite_statement st =
        STATEMENT(ACSA__SQLITE_RECORD_SCAN,
                  "SELECT " RECORD_COLUMNS ", body FROM records WHERE origin = ?1 AND seq > ?3 "
                  "AND partner IN (?2, '') ORDER BY seq LIMIT ?4",
                  values);
    struct acsa_record_row row;
    struct record_out result = {&row, cb, ctx};
    return acsa__sqlite_run_query(acsa__sqlite_of(store), &st, record_row, &result, NULL, err);
}

enum acsa_rc acsa__sqlite_record_list(struct acsa_store *store, const char *number,
                                      acsa_record_cb cb, void *ctx, struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL);
    const struct acsa__sqlite_value values[] = {TEXT(number)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_RECORD_LIST,
        "SELECT " RECORD_COLUMNS ", body FROM records WHERE order_number = ?1 "
        "UNION ALL SELECT " RECORD_COLUMNS ", body FROM records WHERE other_number = ?1 "
        "ORDER BY 1",
        values);
    struct acsa_record_row row;
    struct record_out result = {&row, cb, ctx};
    return acsa__sqlite_run_query(acsa__sqlite_of(store), &st, record_row, &result, NULL, err);
}

static enum acsa_rc head_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    uint8_t *hash = ctx;
    if (sqlite3_column_type(row->stmt, 0) == SQLITE_NULL) {
        memset(hash, 0, ACSA_HASH_SIZE);
    } else {
        col_blob(row, 0, hash, ACSA_HASH_SIZE);
    }
    return acsa__sqlite_row_check(row, err);
}

enum acsa_rc acsa__sqlite_chain_head(struct acsa_store *store, const char *number,
                                     uint8_t out_hash[ACSA_HASH_SIZE], struct acsa_error *err)
{
    memset(out_hash, 0, ACSA_HASH_SIZE);
    const struct acsa__sqlite_value values[] = {TEXT(number)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_CHAIN_HEAD, "SELECT chain_head FROM orders WHERE number = ?1", values);
    enum acsa_rc rc =
        acsa__sqlite_run_get(acsa__sqlite_of(store), &st, head_row, out_hash, "order", err);
    if (rc == ACSA_ENOTFOUND) {
        acsa_error_set(err, ACSA_ENOTFOUND, "order", "order \"%.40s\" not found", number);
    }
    return rc;
}

enum acsa_rc acsa__sqlite_chain_head_set(struct acsa_store *store, const char *number,
                                         const uint8_t hash[ACSA_HASH_SIZE],
                                         struct acsa_error *err)
{
    return set_head(acsa__sqlite_of(store), ACSA__SQLITE_CHAIN_HEAD_SET, number, hash, err);
}

enum acsa_rc acsa__sqlite_record_in_chain(struct acsa_store *store, const char *number,
                                          const uint8_t hash[ACSA_HASH_SIZE], bool *out,
                                          struct acsa_error *err)
{
    int64_t found = 0;
    const struct acsa__sqlite_value values[] = {TEXT(number), BLOB(hash, ACSA_HASH_SIZE)};
    const struct acsa__sqlite_statement st =
        STATEMENT(ACSA__SQLITE_RECORD_IN_CHAIN,
                  "SELECT count(*) FROM records WHERE hash = ?2 AND (order_number = ?1 OR "
                  "other_number = ?1)",
                  values);
    enum acsa_rc rc =
        acsa__sqlite_run_query(acsa__sqlite_of(store), &st, int_row, &found, NULL, err);
    *out = rc == ACSA_OK && found > 0;
    return rc;
}

/* ---- Batches and quarantine ----------------------------------------------------------------- */

enum acsa_rc acsa__sqlite_batch_add(struct acsa_store *store, const char *peer, const char *via,
                                    int64_t first_seq, int64_t last_seq, uint32_t count,
                                    const uint8_t digest[ACSA_HASH_SIZE],
                                    const uint8_t signature[ACSA_SIGNATURE_SIZE], int64_t at_s,
                                    int64_t *out_id, struct acsa_error *err)
{
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    const struct acsa__sqlite_value values[] = {
        TEXT(peer),
        TEXT(via),
        INT(first_seq),
        INT(last_seq),
        INT(count),
        BLOB(digest, ACSA_HASH_SIZE),
        BLOB(signature, ACSA_SIGNATURE_SIZE),
        INT(at_s),
    };
    const struct acsa__sqlite_statement st =
        STATEMENT(ACSA__SQLITE_BATCH_ADD,
                  "INSERT INTO batches (peer, via, first_seq, last_seq, count, "
                  "digest, signature, at_s) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                  values);
    enum acsa_rc rc = acsa__sqlite_run_write(s, &st, NULL, err);
    *out_id = rc == ACSA_OK ? sqlite3_last_insert_rowid(s->db) : 0;
    return rc;
}

enum acsa_rc acsa__sqlite_quarantine_add(struct acsa_store *store,
                                         const struct acsa_quarantine_row *row,
                                         struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {
        INT(row->at_s),    TEXT(row->peer),
        TEXT(row->via),    TEXT(row->what),
        INT(row->seq),     TEXT(row->order_number),
        TEXT(row->reason), BLOB(row->body != NULL ? (const void *)row->body : "", row->body_len),
    };
    const struct acsa__sqlite_statement st =
        STATEMENT(ACSA__SQLITE_QUARANTINE_ADD,
                  "INSERT INTO quarantine (at_s, peer, via, what, seq, "
                  "order_number, reason, body) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                  values);
    return acsa__sqlite_run_write(acsa__sqlite_of(store), &st, NULL, err);
}

struct quarantine_out {
    acsa_quarantine_cb cb;
    void *ctx;
};

static enum acsa_rc quarantine_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    struct quarantine_out *out = ctx;
    struct acsa_quarantine_row q;
    memset(&q, 0, sizeof(q));
    q.id = acsa__sqlite_col_int(row, 0);
    q.at_s = acsa__sqlite_col_int(row, 1);
    acsa__sqlite_col_text(row, 2, q.peer, sizeof(q.peer));
    acsa__sqlite_col_text(row, 3, q.via, sizeof(q.via));
    acsa__sqlite_col_text(row, 4, q.what, sizeof(q.what));
    q.seq = acsa__sqlite_col_int(row, 5);
    acsa__sqlite_col_text(row, 6, q.order_number, sizeof(q.order_number));
    acsa__sqlite_col_text(row, 7, q.reason, sizeof(q.reason));
    q.body = sqlite3_column_blob(row->stmt, 8);
    int n = sqlite3_column_bytes(row->stmt, 8);
    q.body_len = n > 0 ? (size_t)n : 0;
    ACSA_TRY(acsa__sqlite_row_check(row, err));
    return out->cb(out->ctx, &q);
}

enum acsa_rc acsa__sqlite_quarantine_list(struct acsa_store *store, uint32_t limit,
                                          acsa_quarantine_cb cb, void *ctx, struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {INT(limit > 0 ? (int64_t)limit : -1)};
    const struct acsa__sqlite_statement st =
        STATEMENT(ACSA__SQLITE_QUARANTINE_LIST,
                  "SELECT id, at_s, peer, via, what, seq, order_number, reason, "
                  "body FROM quarantine "
                  "ORDER BY id DESC LIMIT ?1",
                  values);
    struct quarantine_out result = {cb, ctx};
    return acsa__sqlite_run_query(acsa__sqlite_of(store), &st, quarantine_row, &result, NULL, err);
}

/* ---- Reference origins ---------------------------------------------------------------------- */

enum acsa_rc acsa__sqlite_ref_bind(struct acsa_store *store, enum acsa_ref_kind kind,
                                   int64_t local_id, const char *origin, int64_t origin_id,
                                   struct acsa_error *err)
{
    bool unit = kind == ACSA_REF_UNIT;
    const struct acsa__sqlite_value values[] = {INT(local_id), TEXT(origin), INT(origin_id)};
    const struct acsa__sqlite_statement st =
        STATEMENT(unit ? ACSA__SQLITE_REF_BIND_UNIT : ACSA__SQLITE_REF_BIND_ACTIVITY,
                  unit ? "UPDATE units SET origin = ?2, origin_id = ?3 WHERE id = ?1"
                       : "UPDATE activities SET origin = ?2, origin_id = ?3 WHERE id = ?1",
                  values);
    return acsa__sqlite_run_write(acsa__sqlite_of(store), &st, NULL, err);
}

enum acsa_rc acsa__sqlite_ref_find(struct acsa_store *store, enum acsa_ref_kind kind,
                                   const char *origin, int64_t origin_id, int64_t *out_local_id,
                                   struct acsa_error *err)
{
    bool unit = kind == ACSA_REF_UNIT;
    *out_local_id = 0;
    const struct acsa__sqlite_value values[] = {TEXT(origin), INT(origin_id)};
    const struct acsa__sqlite_statement st =
        STATEMENT(unit ? ACSA__SQLITE_REF_FIND_UNIT : ACSA__SQLITE_REF_FIND_ACTIVITY,
                  unit ? "SELECT id FROM units WHERE origin = ?1 AND origin_id = ?2"
                       : "SELECT id FROM activities WHERE origin = ?1 AND origin_id = ?2",
                  values);
    return acsa__sqlite_run_get(acsa__sqlite_of(store), &st, int_row, out_local_id,
                                unit ? "unit" : "activity", err);
}

struct origin_out {
    char *origin;
    int64_t *origin_id;
};

static enum acsa_rc origin_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    struct origin_out *out = ctx;
    acsa__sqlite_col_text(row, 0, out->origin, ACSA_NATION_SIZE);
    *out->origin_id = acsa__sqlite_col_opt_int(row, 1);
    return acsa__sqlite_row_check(row, err);
}

enum acsa_rc acsa__sqlite_ref_origin(struct acsa_store *store, enum acsa_ref_kind kind,
                                     int64_t local_id, char out_origin[ACSA_NATION_SIZE],
                                     int64_t *out_origin_id, struct acsa_error *err)
{
    bool unit = kind == ACSA_REF_UNIT;
    out_origin[0] = '\0';
    *out_origin_id = 0;
    const struct acsa__sqlite_value values[] = {INT(local_id)};
    const struct acsa__sqlite_statement st =
        STATEMENT(unit ? ACSA__SQLITE_REF_ORIGIN_UNIT : ACSA__SQLITE_REF_ORIGIN_ACTIVITY,
                  unit ? "SELECT origin, origin_id FROM units WHERE id = ?1"
                       : "SELECT origin, origin_id FROM activities WHERE id = ?1",
                  values);
    struct origin_out result = {out_origin, out_origin_id};
    return acsa__sqlite_run_get(acsa__sqlite_of(store), &st, origin_row, &result,
                                unit ? "unit" : "activity", err);
}

enum acsa_rc acsa__sqlite_ref_by_name(struct acsa_store *store, enum acsa_ref_kind kind,
                                      const char *scope, const char *name, int64_t *out_local_id,
                                      struct acsa_error *err)
{
    bool unit = kind == ACSA_REF_UNIT;
    *out_local_id = 0;
    const struct acsa__sqlite_value values[] = {TEXT(scope), TEXT(name)};
    const struct acsa__sqlite_statement st =
        STATEMENT(unit ? ACSA__SQLITE_REF_NAME_UNIT : ACSA__SQLITE_REF_NAME_ACTIVITY,
                  unit ? "SELECT id FROM units WHERE party = ?1 AND name = ?2"
                       : "SELECT id FROM activities WHERE agreement_id = ?1 AND name = ?2",
                  values);
    return acsa__sqlite_run_get(acsa__sqlite_of(store), &st, int_row, out_local_id,
                                unit ? "unit" : "activity", err);
}

/* ---- Fingerprints --------------------------------------------------------------------------- */

struct fingerprint_out {
    acsa_fingerprint_cb cb;
    void *ctx;
};

static enum acsa_rc fingerprint_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    struct fingerprint_out *out = ctx;
    char number[ACSA_NUMBER_SIZE];
    acsa__sqlite_col_text(row, 0, number, sizeof(number));
    uint64_t fingerprint = (uint64_t)sqlite3_column_int64(row->stmt, 1);
    ACSA_TRY(acsa__sqlite_row_check(row, err));
    return out->cb(out->ctx, number, fingerprint);
}

enum acsa_rc acsa__sqlite_order_fingerprints(struct acsa_store *store, const char *partner,
                                             acsa_fingerprint_cb cb, void *ctx,
                                             struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {TEXT(partner)};
    const struct acsa__sqlite_statement st =
        STATEMENT(ACSA__SQLITE_FINGERPRINTS,
                  "SELECT number, fingerprint FROM orders WHERE requester = ?1 "
                  "OR supplier = ?1 "
                  "ORDER BY number",
                  values);
    struct fingerprint_out result = {cb, ctx};
    return acsa__sqlite_run_query(acsa__sqlite_of(store), &st, fingerprint_row, &result, NULL, err);
}
