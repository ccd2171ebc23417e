/* SPDX-License-Identifier: MIT */
/* The storage interface. The application layer talks to a store only through this vtable, so
 * a second backend (PostgreSQL) plugs in by providing another vtable; the domain core never
 * sees it. Every mutating application command runs inside begin_write .. commit, and a failed
 * command calls rollback, so a command is all or nothing. Row callbacks stream results: a
 * store never materialises a whole report in memory. */
#ifndef ACSA_STORE_H
#define ACSA_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agreement.h"
#include "authz.h"
#include "order.h"
#include "rc.h"
#include "record.h"
#include "rows.h"
#include "store_limits.h"

struct acsa_store_copy_vtbl; /* store_copy.h */

/* The interface version a backend is built against: acsa_store_open refuses a backend whose
 * vtable carries another. Raise it with every change to a table below. */
#define ACSA_STORE_INTERFACE_VERSION 13

/* Every function returns ACSA_OK, ACSA_ENOTFOUND (a get that found nothing), ACSA_EEXISTS
 * (a unique key taken), ACSA_ESTORAGE (the backend failed: the message is in err) or
 * ACSA_ENOMEM. None is thread-safe on one handle. */
/* Orders and what they refer to: agreements, units, officials and their grants, activities,
 * orders, events, numbering, and the reports read from them. */
struct acsa_store_ledger {
    /* Agreements are kept as the canonical JSON the application made of them (what is read
     * back), with the JSON text they were loaded from as a record; the store never parses
     * either. agreement_get hands the canonical text of id to cb (ENOTFOUND if none). */
    enum acsa_rc (*agreement_put)(struct acsa_store *store, const struct acsa_agreement *agreement,
                                  const char *canonical_json, const char *source_json,
                                  struct acsa_error *err);
    enum acsa_rc (*agreement_get)(struct acsa_store *store, const char *id,
                                  acsa_agreement_json_cb cb, void *ctx, struct acsa_error *err);
    enum acsa_rc (*agreement_list)(struct acsa_store *store, acsa_agreement_json_cb cb,
                                   void *ctx, struct acsa_error *err);

    enum acsa_rc (*unit_add)(struct acsa_store *store, const char *party, const char *name,
                             int64_t *out_id, struct acsa_error *err);
    /* party and name are filled; each buffer holds ACSA_NATION_SIZE / ACSA_NAME_SIZE bytes. */
    enum acsa_rc (*unit_get)(struct acsa_store *store, int64_t id, char *party, char *name,
                             struct acsa_error *err);
    enum acsa_rc (*unit_list)(struct acsa_store *store, acsa_unit_cb cb, void *ctx,
                              struct acsa_error *err);

    /* Creates the official if new, and sets (or replaces) the limit in that currency. */
    enum acsa_rc (*official_set_limit)(struct acsa_store *store, const char *party,
                                       const char *name, const struct acsa_currency *currency,
                                       int64_t limit_minor, int64_t *out_id,
                                       struct acsa_error *err);
    /* Finds an official by party and exact name, with all limits. */
    enum acsa_rc (*official_get)(struct acsa_store *store, const char *party, const char *name,
                                 struct acsa_official *out, struct acsa_error *err);
    enum acsa_rc (*official_list)(struct acsa_store *store, acsa_official_cb cb, void *ctx,
                                  struct acsa_error *err);

    enum acsa_rc (*activity_add)(struct acsa_store *store, const struct acsa_activity *activity,
                                 int64_t *out_id, struct acsa_error *err);
    enum acsa_rc (*activity_get)(struct acsa_store *store, int64_t id, struct acsa_activity *out,
                                 struct acsa_error *err);
    enum acsa_rc (*activity_list)(struct acsa_store *store, const char *agreement_id,
                                  acsa_activity_cb cb, void *ctx, struct acsa_error *err);

    /* The next order sequence number for (requester, supplier, year): 1, 2, ... It is part of
     * the command's transaction, so a refused command leaves no gap and no number is reused. */
    enum acsa_rc (*order_next_sequence)(struct acsa_store *store, const char *requester,
                                        const char *supplier, int32_t year, int64_t *out_sequence,
                                        struct acsa_error *err);
    /* Inserts a new order (with its lines) and its create event. EEXISTS if the number is taken. */
    enum acsa_rc (*order_insert)(struct acsa_store *store, const struct acsa_order *order,
                                 const struct acsa_event *event, struct acsa_error *err);
    /* Loads an order with its lines and history. */
    enum acsa_rc (*order_get)(struct acsa_store *store, const char *number,
                              struct acsa_order *out, struct acsa_error *err);
    /* Writes the order's new state and appends the event with its postings. Lines change
     * after creation only through per-line steps, so only the line the event names (if any)
     * is written. */
    enum acsa_rc (*order_update)(struct acsa_store *store, const struct acsa_order *order,
                                 const struct acsa_event *event, struct acsa_error *err);
    /* Orders matching filter (NULL: all), ordered by number. */
    enum acsa_rc (*order_list)(struct acsa_store *store, const struct acsa_order_filter *filter,
                               acsa_order_cb cb, void *ctx, struct acsa_error *err);
    /* The events of one order, oldest first, with postings. */
    enum acsa_rc (*event_list)(struct acsa_store *store, const char *order_number,
                               acsa_event_cb cb, void *ctx, struct acsa_error *err);
    /* Sums of postings grouped by partner, currency and account, for postings dated on or
     * before as_of_day (ACSA_DATE_NONE: all); partner "" for all partners. Ordered by partner,
     * currency, account. */
    enum acsa_rc (*balance)(struct acsa_store *store, const char *partner, int32_t as_of_day,
                            acsa_balance_cb cb, void *ctx, struct acsa_error *err);

    /* The id of the event the last order_insert or order_update on this handle stored (so
     * that an answer can show the event without reading it back); 0 before any. */
    int64_t (*last_event_id)(struct acsa_store *store);

    /* The next number of an invoice series ("IN-INV") in year: 1, 2, ... never reused, bumped
     * inside the caller's transaction (ARCHITECTURE.md "Invoices"). */
    enum acsa_rc (*invoice_next_sequence)(struct acsa_store *store, const char *series,
                                          int32_t year, int64_t *out_sequence,
                                          struct acsa_error *err);
    /* Version 4: dated grants of officials. */
    /* Adds a grant (and its official, if new, so users can name it); origin NULL for one
     * made here, else the partner node and its id of the grant. */
    enum acsa_rc (*grant_add)(struct acsa_store *store, const struct acsa_grant *grant,
                              const char *origin, int64_t origin_id, int64_t *out_id,
                              struct acsa_error *err);
    /* Records the revocation of a grant from day on; a grant revoked already keeps its
     * first revocation (ENOTFOUND: no such grant). */
    enum acsa_rc (*grant_revoke)(struct acsa_store *store, int64_t id, int32_t day,
                                 const char *reason, struct acsa_error *err);
    /* Grants by party and exact name (either NULL: all), oldest first; as_of_day not
     * ACSA_DATE_NONE keeps those in force on that day. */
    enum acsa_rc (*grant_list)(struct acsa_store *store, const char *party, const char *name,
                               int32_t as_of_day, acsa_grant_cb cb, void *ctx,
                               struct acsa_error *err);
    /* The local id of the grant a partner numbered origin_id; ENOTFOUND if none. */
    enum acsa_rc (*grant_find)(struct acsa_store *store, const char *origin, int64_t origin_id,
                               int64_t *out_id, struct acsa_error *err);
    /* Version 4. Agreement lifecycle: amendments are versions after the one loaded first,
     * append-only, listed by effective day (index 0 is the first amendment; ENOTFOUND past
     * the last). Notice and termination are one each per agreement (kind "notice" or
     * "terminate"; a second: EEXISTS; none: ENOTFOUND, err untouched). */
    /* entered_by (ACSA_NATION_SIZE bytes, or NULL): the party whose node entered it; the
     * version's canonical text goes to cb. */
    enum acsa_rc (*agreement_version_get)(struct acsa_store *store, const char *id,
                                          uint32_t index, acsa_agreement_json_cb cb, void *ctx,
                                          int32_t *out_effective_day, char *entered_by,
                                          struct acsa_error *err);
    enum acsa_rc (*agreement_event_add)(struct acsa_store *store, const char *id,
                                        const char *kind, int32_t day, const char *party,
                                        const char *reason, struct acsa_error *err);
    /* party holds ACSA_NATION_SIZE bytes, reason ACSA_TEXT_SIZE. */
    enum acsa_rc (*agreement_event_get)(struct acsa_store *store, const char *id,
                                        const char *kind, int32_t *out_day, char *party,
                                        char *reason, struct acsa_error *err);
    /* The participating service of a unit (ACSA_CODE_SIZE bytes; "" if never given). */
    enum acsa_rc (*unit_service_set)(struct acsa_store *store, int64_t id, const char *service,
                                     struct acsa_error *err);
    enum acsa_rc (*unit_service_get)(struct acsa_store *store, int64_t id, char *service,
                                     struct acsa_error *err);
    /* An amendment, as canonical JSON, with the party that entered it ("" for none);
     * agreement_version_get reads the party back. */
    enum acsa_rc (*agreement_version_add_by)(struct acsa_store *store,
                                             const struct acsa_agreement *agreement,
                                             int32_t effective_day, const char *canonical_json,
                                             const char *source_json, const char *party,
                                             struct acsa_error *err);
    /* Version 10: the reports of requirement 15. */
    /* The postings with partner in currency on account_a or account_b dated from from_day to
     * to_day, by day, event and leg, with their event's step and invoice: one row at a
     * time. */
    enum acsa_rc (*statement)(struct acsa_store *store, const char *partner,
                              const char *currency, enum acsa_account account_a,
                              enum acsa_account account_b, int32_t from_day, int32_t to_day,
                              acsa_statement_row_cb cb, void *ctx, struct acsa_error *err);
    /* The groups of query->kind (rows.h), summed in the database, in the order of their
     * keys. */
    enum acsa_rc (*order_totals)(struct acsa_store *store, const struct acsa_totals_query *query,
                                 acsa_totals_cb cb, void *ctx, struct acsa_error *err);
    /* Version 11: the exports (ARCHITECTURE.md "Exports"). The lines of the orders matching
     * filter (NULL: all), by order number and line; the postings of their events dated from
     * from_day to to_day (ACSA_DATE_NONE: open), by event id (the order they were recorded
     * in) and leg: the scan follows the events' key, never sorts. Streamed. */
    enum acsa_rc (*order_line_list)(struct acsa_store *store,
                                    const struct acsa_order_filter *filter,
                                    acsa_order_line_cb cb, void *ctx, struct acsa_error *err);
    enum acsa_rc (*posting_list)(struct acsa_store *store, const struct acsa_order_filter *filter,
                                 int32_t from_day, int32_t to_day, acsa_posting_row_cb cb,
                                 void *ctx, struct acsa_error *err);
};

/* Accounts: users, sessions, API tokens, idempotency records and the audit log. */
struct acsa_store_accounts {
    /* ---- Version 2: accounts, sessions, API tokens, sign-in throttling, idempotency and the
     * audit log. Times are Unix seconds; secrets arrive here only as hashes. */

    /* Adds a user (user->disabled is ignored: new users are enabled). EEXISTS if the username
     * is taken. */
    enum acsa_rc (*user_add)(struct acsa_store *store, const struct acsa_user *user,
                             const char *password_hash, int64_t created_s, int64_t *out_id,
                             struct acsa_error *err);
    /* By username; password_hash (ACSA_PASSWORD_HASH_SIZE bytes) receives the stored hash
     * unless it is NULL. */
    enum acsa_rc (*user_get)(struct acsa_store *store, const char *username,
                             struct acsa_user *out, char *password_hash, struct acsa_error *err);
    /* By username. */
    enum acsa_rc (*user_list)(struct acsa_store *store, acsa_user_cb cb, void *ctx,
                              struct acsa_error *err);
    /* Marks the user disabled, deletes their sessions and revokes their API tokens. */
    enum acsa_rc (*user_disable)(struct acsa_store *store, int64_t user_id,
                                 struct acsa_error *err);

    enum acsa_rc (*session_add)(struct acsa_store *store, const char *token_hash,
                                int64_t user_id, const char *csrf, int64_t created_s,
                                int64_t expires_s, struct acsa_error *err);
    /* The user and CSRF token (ACSA_SECRET_TEXT_SIZE bytes) of a session that expires after
     * now_s; ENOTFOUND for an unknown or expired one. */
    enum acsa_rc (*session_get)(struct acsa_store *store, const char *token_hash, int64_t now_s,
                                struct acsa_user *out_user, char *out_csrf,
                                struct acsa_error *err);
    /* ENOTFOUND if there is no such session. */
    enum acsa_rc (*session_delete)(struct acsa_store *store, const char *token_hash,
                                   struct acsa_error *err);
    /* Deletes every session that expired at or before now_s. */
    enum acsa_rc (*session_purge)(struct acsa_store *store, int64_t now_s,
                                  struct acsa_error *err);

    /* EEXISTS if the hash is taken. */
    enum acsa_rc (*token_add)(struct acsa_store *store, int64_t user_id, const char *name,
                              const char *token_hash, int64_t created_s, int64_t *out_id,
                              struct acsa_error *err);
    /* The user of an unrevoked token (disabled or not: the caller decides). */
    enum acsa_rc (*token_user)(struct acsa_store *store, const char *token_hash,
                               struct acsa_user *out, struct acsa_error *err);
    enum acsa_rc (*token_get)(struct acsa_store *store, int64_t id, struct acsa_token_info *out,
                              struct acsa_error *err);
    /* ENOTFOUND if there is no such token; revoking a revoked token changes nothing. */
    enum acsa_rc (*token_revoke)(struct acsa_store *store, int64_t id, struct acsa_error *err);
    /* The tokens of username (NULL or "" for every user's), by id. */
    enum acsa_rc (*token_list)(struct acsa_store *store, const char *username, acsa_token_cb cb,
                               void *ctx, struct acsa_error *err);

    /* ENOTFOUND if (user_id, key) was never stored; out->body is the caller's to free. */
    enum acsa_rc (*idempotency_get)(struct acsa_store *store, int64_t user_id, const char *key,
                                    struct acsa_idempotency_row *out, struct acsa_error *err);
    /* EEXISTS if (user_id, key) is taken. */
    enum acsa_rc (*idempotency_put)(struct acsa_store *store, int64_t user_id, const char *key,
                                    const char *request_hash, int status, const char *body,
                                    int64_t created_s, struct acsa_error *err);
    /* Deletes every stored response created before before_s. */
    enum acsa_rc (*idempotency_purge)(struct acsa_store *store, int64_t before_s,
                                      struct acsa_error *err);

    /* The newest audit record; ENOTFOUND when the log is empty. */
    enum acsa_rc (*audit_last)(struct acsa_store *store, struct acsa_audit_record *out,
                               struct acsa_error *err);
    /* Stores record as given, id and hashes included: the caller chains it. */
    enum acsa_rc (*audit_append)(struct acsa_store *store,
                                 const struct acsa_audit_record *record,
                                 struct acsa_error *err);
    /* Records with id > after_id, oldest first, at most limit (0: all). */
    enum acsa_rc (*audit_list)(struct acsa_store *store, int64_t after_id, uint32_t limit,
                               acsa_audit_cb cb, void *ctx, struct acsa_error *err);
};

/* Node to node: partner nodes, signed records and their chains, batches, the quarantine, the
 * origins of reference data, fingerprints and partners' snapshots. */
struct acsa_store_sync {
    /* ---- Version 3: partner nodes, records, signed batches, quarantine, reference origins,
     * fingerprints. */

    /* Adds the peer, or replaces its url and key (cursors kept unless the key changes). */
    enum acsa_rc (*peer_put)(struct acsa_store *store, const struct acsa_peer *peer,
                             struct acsa_error *err);
    enum acsa_rc (*peer_get)(struct acsa_store *store, const char *party,
                             struct acsa_peer *out, struct acsa_error *err);
    enum acsa_rc (*peer_list)(struct acsa_store *store, acsa_peer_cb cb, void *ctx,
                              struct acsa_error *err);
    /* Moves the cursors forward (a value below the stored one is ignored); last_sync_s 0
     * leaves it. */
    enum acsa_rc (*peer_advance)(struct acsa_store *store, const char *party,
                                 int64_t received_through, int64_t acked_through,
                                 int64_t last_sync_s, struct acsa_error *err);

    /* Stores a record (EEXISTS if (origin, seq) is taken) and makes it the head of the chain
     * of its order and, for an exchange, of the other order. */
    enum acsa_rc (*record_append)(struct acsa_store *store, const struct acsa_record_row *row,
                                  struct acsa_error *err);
    /* The record (origin, seq), without its body (body NULL). */
    enum acsa_rc (*record_get)(struct acsa_store *store, const char *origin, int64_t seq,
                               struct acsa_record_row *out, struct acsa_error *err);
    /* The highest seq of origin's records, 0 if none. */
    enum acsa_rc (*record_last_seq)(struct acsa_store *store, const char *origin,
                                    int64_t *out_seq, struct acsa_error *err);
    /* origin's records with seq > after_seq meant for partner (or for any partner), by seq,
     * at most limit. */
    enum acsa_rc (*record_scan)(struct acsa_store *store, const char *origin,
                                const char *partner, int64_t after_seq, uint32_t limit,
                                acsa_record_cb cb, void *ctx, struct acsa_error *err);
    /* The hash of the newest record of the order's chain (zeros if it has none); ENOTFOUND if
     * there is no such order. */
    enum acsa_rc (*chain_head)(struct acsa_store *store, const char *number,
                               uint8_t out_hash[ACSA_HASH_SIZE], struct acsa_error *err);
    /* Whether hash is a stored record of the order (as its order or exchange partner). */
    enum acsa_rc (*record_in_chain)(struct acsa_store *store, const char *number,
                                    const uint8_t hash[ACSA_HASH_SIZE], bool *out,
                                    struct acsa_error *err);
    /* The records of an order's chain (as its order or exchange partner), oldest first, with
     * their bodies. */
    enum acsa_rc (*record_list)(struct acsa_store *store, const char *number, acsa_record_cb cb,
                                void *ctx, struct acsa_error *err);
    /* Keeps a verified batch: who signed it, its range, the digest signed and the signature. */
    enum acsa_rc (*batch_add)(struct acsa_store *store, const char *peer, const char *via,
                              int64_t first_seq, int64_t last_seq, uint32_t count,
                              const uint8_t digest[ACSA_HASH_SIZE],
                              const uint8_t signature[ACSA_SIGNATURE_SIZE], int64_t at_s,
                              int64_t *out_id, struct acsa_error *err);
    enum acsa_rc (*quarantine_add)(struct acsa_store *store,
                                   const struct acsa_quarantine_row *row,
                                   struct acsa_error *err);
    /* Newest first, at most limit (0: all). */
    enum acsa_rc (*quarantine_list)(struct acsa_store *store, uint32_t limit,
                                    acsa_quarantine_cb cb, void *ctx, struct acsa_error *err);

    /* Reference data by origin: an activity or unit a partner node numbered origin_id is
     * bound to a local id. Local ones are their own origin. */
    enum acsa_rc (*ref_bind)(struct acsa_store *store, enum acsa_ref_kind kind,
                             int64_t local_id, const char *origin, int64_t origin_id,
                             struct acsa_error *err);
    /* ENOTFOUND if no local id is bound to (origin, origin_id). */
    enum acsa_rc (*ref_find)(struct acsa_store *store, enum acsa_ref_kind kind,
                             const char *origin, int64_t origin_id, int64_t *out_local_id,
                             struct acsa_error *err);
    /* The origin of a local id: ("", 0) when it was made here. */
    enum acsa_rc (*ref_origin)(struct acsa_store *store, enum acsa_ref_kind kind,
                               int64_t local_id, char out_origin[ACSA_NATION_SIZE],
                               int64_t *out_origin_id, struct acsa_error *err);
    /* Existing ids by name: units by (party, name), activities by (agreement, name). */
    enum acsa_rc (*ref_by_name)(struct acsa_store *store, enum acsa_ref_kind kind,
                                const char *scope, const char *name, int64_t *out_local_id,
                                struct acsa_error *err);

    /* Every order shared with partner, by number, with acsa_order_fingerprint. */
    enum acsa_rc (*order_fingerprints)(struct acsa_store *store, const char *partner,
                                       acsa_fingerprint_cb cb, void *ctx,
                                       struct acsa_error *err);

    /* Makes hash (a stored record of the order) the head of the order's chain: after
     * concurrent steps the head is the later of them in the order both nodes use, whichever
     * arrived last. ENOTFOUND if there is no such order. */
    enum acsa_rc (*chain_head_set)(struct acsa_store *store, const char *number,
                                   const uint8_t hash[ACSA_HASH_SIZE], struct acsa_error *err);

    /* Quarantine entries, newest first, at most limit (0: all), with their status and last
     * decision: id > 0 that entry alone (none: no call); otherwise the open ones, or every one
     * when all is set. */
    enum acsa_rc (*quarantine_select)(struct acsa_store *store, int64_t id, bool all,
                                      uint32_t limit, acsa_quarantine_cb cb, void *ctx,
                                      struct acsa_error *err);
    /* Adds a decision (at_s and every text as given); EEXISTS if the entry is resolved
     * already (applied or dropped) and this one would resolve it too. */
    enum acsa_rc (*quarantine_decide)(struct acsa_store *store,
                                      const struct acsa_quarantine_decision *decision,
                                      struct acsa_error *err);
    /* The stored signed batch of peer's that carried its record seq (the newest, if taken
     * in more than once); ENOTFOUND if none. */
    enum acsa_rc (*batch_of_record)(struct acsa_store *store, const char *peer, int64_t seq,
                                    int64_t *out_batch_id, struct acsa_error *err);

    /* Keeps row as the partner's one snapshot, replacing the one before (the app decides
     * that it is newer). */
    enum acsa_rc (*snapshot_put)(struct acsa_store *store, const struct acsa_snapshot_row *row,
                                 struct acsa_error *err);
    /* The snapshot of party; ACSA_ENOTFOUND if none was received. out->bytes is the caller's:
     * release it with acsa_free. */
    enum acsa_rc (*snapshot_get)(struct acsa_store *store, const char *party,
                                 struct acsa_snapshot_row *out, struct acsa_error *err);

    /* ---- Version 12: supporting documents. References are append-only; the bytes are kept
     * once per SHA-256, and may arrive after the reference (a partner's). */
    /* Adds a reference from origin (EEXISTS if its id is taken). */
    enum acsa_rc (*document_add)(struct acsa_store *store, const struct acsa_document_ref *ref,
                                 const char *origin, struct acsa_error *err);
    /* One reference by id (ENOTFOUND if none), with whether its bytes are here. */
    enum acsa_rc (*document_get)(struct acsa_store *store, const char *id,
                                 struct acsa_document_row *out, struct acsa_error *err);
    /* The references of an order by line and id; number "" every reference, by id; with
     * pending set, only those whose bytes are not here. */
    enum acsa_rc (*document_list)(struct acsa_store *store, const char *number, bool pending,
                                  acsa_document_cb cb, void *ctx, struct acsa_error *err);
    /* Keeps bytes under their SHA-256 (the caller computed it); bytes held already are kept
     * as they are (ACSA_OK). */
    enum acsa_rc (*blob_put)(struct acsa_store *store, const uint8_t sha256[ACSA_HASH_SIZE],
                             const uint8_t *bytes, size_t len, struct acsa_error *err);
    /* The bytes of sha256 (ENOTFOUND if not here); *out is the caller's: acsa_free it. */
    enum acsa_rc (*blob_get)(struct acsa_store *store, const uint8_t sha256[ACSA_HASH_SIZE],
                             uint8_t **out, size_t *out_len, struct acsa_error *err);
};

struct acsa_store_vtbl {
    uint32_t version; /* ACSA_STORE_INTERFACE_VERSION. */
    void (*close)(struct acsa_store *store);
    /* Transactions nest: the outermost begin_write starts the write transaction, an inner one
     * a savepoint. commit and rollback end the innermost level; rolling back an inner level
     * keeps what the outer levels wrote. */
    enum acsa_rc (*begin_write)(struct acsa_store *store, struct acsa_error *err);
    enum acsa_rc (*commit)(struct acsa_store *store, struct acsa_error *err);
    void (*rollback)(struct acsa_store *store);

    /* Node settings: "nation", "name". value_size includes the NUL. */
    enum acsa_rc (*meta_get)(struct acsa_store *store, const char *key, char *value,
                             size_t value_size, struct acsa_error *err);
    enum acsa_rc (*meta_set)(struct acsa_store *store, const char *key, const char *value,
                             struct acsa_error *err);
    /* The three tables of the interface. */
    const struct acsa_store_ledger *ledger;
    const struct acsa_store_accounts *accounts;
    const struct acsa_store_sync *sync;
    /* Copying a whole node, table by table (acsa migrate): store_copy.h. */
    const struct acsa_store_copy_vtbl *copy;
};

struct acsa_store {
    const struct acsa_store_vtbl *vtbl; /* The backend. */
};

/** Opens the store uri names and migrates it to the current schema: "postgresql://..." (or
 * "postgres://...") a PostgreSQL database, "sqlite:PATH" or a plain PATH a SQLite file. On
 * success *out_store owns the connection; close it with acsa_store_close. ENOTFOUND for a
 * missing file without ACSA_STORE_CREATE; EUSAGE for a database acsa never created or an
 * engine this acsa was built without; ESTORAGE with the engine's message, or for a backend
 * built against another ACSA_STORE_INTERFACE_VERSION. */
ACSA_NODISCARD enum acsa_rc acsa_store_open(const char *uri, unsigned flags,
                                            struct acsa_store **out_store,
                                            struct acsa_error *err);

/** The file of a store kept in one file (the PATH of "sqlite:PATH" or a plain PATH), or NULL
 * when uri names a database server. */
const char *acsa_store_uri_file(const char *uri);

/** The schema version the code migrates to. */
int acsa_store_schema_version(void);

static inline void acsa_store_close(struct acsa_store *store)
{
    if (store != NULL) {
        store->vtbl->close(store);
    }
}

#endif
