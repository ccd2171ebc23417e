/* SPDX-License-Identifier: MIT */
/* Talking to a partner node over HTTP: signed requests, the push-and-pull exchange of record
 * batches, and reconciliation of the two nodes' views of their shared orders. Every request
 * is signed with this node's key (node.h); the partner answers only registered peers. */
#ifndef ACSA_SYNC_H
#define ACSA_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "node.h"
#include "sync_limits.h"

/* The sync endpoints (docs/API.md, "Node to node"). */
#define ACSA_SYNC_STATUS "/sync/v1/status"
#define ACSA_SYNC_BATCHES "/sync/v1/batches"
#define ACSA_SYNC_FINGERPRINTS "/sync/v1/fingerprints"
#define ACSA_SYNC_FACTS "/sync/v1/facts"
#define ACSA_SYNC_BALANCE "/sync/v1/balance"
#define ACSA_SYNC_AGREEMENTS "/sync/v1/agreements"
#define ACSA_SYNC_DOCUMENTS "/sync/v1/documents"                 /* POST: bytes; GET /{sha256} */
#define ACSA_SYNC_DOCUMENTS_PENDING "/sync/v1/documents/pending" /* Hashes the node lacks. */

/* A response of the partner node. */
struct acsa_sync_response {
    long status;           /* HTTP status, 0 if no answer came. */
    uint8_t *body;         /* malloc'd, NUL-terminated; the caller frees it. */
    size_t size;
    bool verified;         /* Signed by the partner's registered key for this request. */
};

/** Sends one signed request to peer's URL + target (body may be NULL for GET) and waits for
 * the answer (at most timeout_s). target must be canonical: a path and an optional query of
 * name=value pairs joined by "&", of A-Z a-z 0-9 - . _ ~ / only (it is signed as sent).
 * ACSA_ENETWORK when the node cannot be reached or answers nothing; ACSA_EFORBIDDEN when the
 * answer is not signed by the partner's registered key for this request (an unsigned 403, 429
 * or 5xx, which the partner gives before it knows the asker, is returned as ACSA_OK with
 * verified false: a refusal to report, never data to use); otherwise ACSA_OK with whatever
 * status it answered. */
ACSA_NODISCARD enum acsa_rc acsa_sync_request(struct acsa_app *app, const struct acsa_peer *peer,
                                              const char *method, const char *target,
                                              const uint8_t *body, size_t body_len,
                                              long timeout_s, struct acsa_sync_response *out,
                                              struct acsa_error *err);
void acsa_sync_response_free(struct acsa_sync_response *response);

/** acsa_sync_request, tried again (six times, waiting longer each time) after a network
 * failure or a 5xx answer. */
ACSA_NODISCARD enum acsa_rc acsa_sync_request_retry(struct acsa_app *app,
                                                    const struct acsa_peer *peer,
                                                    const char *method, const char *target,
                                                    const uint8_t *body, size_t len,
                                                    struct acsa_sync_response *out,
                                                    struct acsa_error *err);

/* What one exchange did. */
struct acsa_sync_report {
    uint32_t batches_sent;
    uint32_t batches_received;
    uint64_t sent;               /* Our records the partner took in (applied). */
    uint64_t sent_duplicates;    /* ... that it held already. */
    uint64_t sent_quarantined;   /* ... that it refused (see its quarantine). */
    uint64_t received;           /* Its records applied here. */
    uint64_t received_duplicates;
    uint64_t received_quarantined;
    int64_t acked_through;       /* Our records it holds, after the exchange. */
    int64_t received_through;    /* Its records we hold, after the exchange. */
    uint32_t documents_sent;     /* Files of our documents it took in. */
    uint32_t documents_received; /* Files of its documents taken in here. */
    uint32_t documents_refused;  /* Files refused, here or there (hash, size, no record). */
    int64_t partner_last_seq;    /* The partner's last record as its status said (0: none). */
};

/* Called after each batch: phase "push" or "pull", records so far in that phase. */
typedef void (*acsa_sync_progress_cb)(void *ctx, const char *phase, uint64_t records);

/* Where an exchange's writes go. run(ctx, fn, arg, err) runs fn on the node's write
 * connection and returns what it returned: the server hands it to its one writer thread. */
struct acsa_sync_writer {
    enum acsa_rc (*run)(void *ctx, acsa_app_write_fn fn, void *arg, struct acsa_error *err);
    void *ctx;
};

/** One complete exchange with the partner of party: push our records it lacks, then pull its
 * records we lack, in batches of batch_records (0: the default), each batch resumable: an
 * interrupted exchange starts again from what the partner confirmed. app reads, signs and
 * talks to the partner; its writes (batches taken in, the partner's cursors) go to writer, or
 * to app itself if writer is NULL. */
ACSA_NODISCARD enum acsa_rc acsa_sync_peer(struct acsa_app *app,
                                           const struct acsa_sync_writer *writer,
                                           const char *party, uint32_t batch_records,
                                           acsa_sync_progress_cb cb, void *ctx,
                                           struct acsa_sync_report *out,
                                           struct acsa_error *err);

/* ---- Reconciliation ------------------------------------------------------------------------ */


/* One disagreement between the two nodes. */
struct acsa_reconcile_row {
    const char *kind;            /* "missing_here", "missing_there", "differs", "balance",
                                    "in_transit". */
    char number[ACSA_NUMBER_SIZE];       /* The order ("" for balance rows). */
    char field[64];                      /* "state", "line 1.received_milli", "INR net" ... */
    char ours[ACSA_RECONCILE_VALUE_SIZE];
    char theirs[ACSA_RECONCILE_VALUE_SIZE];
};

struct acsa_reconcile_summary {
    uint64_t orders_here;        /* Orders shared with the partner on this node. */
    uint64_t orders_there;       /* ... on the partner's node. */
    uint64_t missing_here;
    uint64_t missing_there;
    uint64_t differing;          /* Orders on both with different facts. */
    uint64_t balance_rows;       /* Balance figures that do not mirror. */
    uint64_t in_transit;         /* Lines issued and not received after transit_days. */
    uint64_t agreement_rows;     /* Facts of shared agreements held otherwise or on one side
                                    only (versions, notice, termination). */
};

typedef enum acsa_rc (*acsa_reconcile_cb)(void *ctx, const struct acsa_reconcile_row *row);

/** Compares this node's view of every order shared with party with the partner node's, and
 * the balances per currency (ours must mirror theirs: our receivable is its payable), and
 * lists the lines of those orders issued and not received after their agreement's
 * transit_days as of today. Calls cb for each disagreement, orders by number first, then
 * balances, then lines in transit. */
ACSA_NODISCARD enum acsa_rc acsa_reconcile(struct acsa_app *app, const char *party,
                                           acsa_reconcile_cb cb, void *ctx,
                                           struct acsa_reconcile_summary *out,
                                           struct acsa_error *err);

/** Compares the agreements shared with peer (versions, notice, termination) with the
 * partner's (GET /sync/v1/agreements), calling cb with a row of kind "agreement" (number: the
 * agreement id) for each fact that differs; counts them in summary->agreement_rows. A partner
 * without the route (404) is not compared. Part of acsa_reconcile. */
ACSA_NODISCARD enum acsa_rc acsa_reconcile_agreements(struct acsa_app *app,
                                                      const struct acsa_peer *peer,
                                                      acsa_reconcile_cb cb, void *ctx,
                                                      struct acsa_reconcile_summary *summary,
                                                      struct acsa_error *err);
/* What the snapshot an offline reconciliation compares with had seen. */
struct acsa_reconcile_snapshot {
    int64_t created_s;           /* When the partner made it (its clock). */
    int64_t received_s;          /* When this node took it in. */
    int64_t sender_through;      /* The partner's own records it reflects, through this seq. */
    int64_t seen_through;        /* Our records it had taken in, through this seq. */
    int64_t ours_through;        /* Our records now: those after seen_through it had not. */
    int64_t theirs_held;         /* The partner's records this node holds now. */
    uint32_t orders;             /* Orders it lists. */
};

/** acsa_reconcile against the latest snapshot party's node sent with a bundle (no network):
 * the same merge of fingerprints and comparison of balances, the same rows, except that an
 * order whose fingerprints differ is one row of field "fingerprint" (a snapshot carries no
 * facts). seen says when the snapshot was made and what it had seen. ACSA_ENOTFOUND (field
 * "snapshot") when no snapshot of party was received. */
ACSA_NODISCARD enum acsa_rc acsa_reconcile_offline(struct acsa_app *app, const char *party,
                                                   acsa_reconcile_cb cb, void *ctx,
                                                   struct acsa_reconcile_summary *out,
                                                   struct acsa_reconcile_snapshot *seen,
                                                   struct acsa_error *err);

/* ---- What the partner serves (the server's sync routes use these) ---------------------------- */

/* A growing text or byte buffer. */
struct acsa_sync_buf {
    char *data;
    size_t len;
    size_t cap;
    bool failed;      /* Out of memory: data is incomplete. */
};
void acsa_sync_buf_add(struct acsa_sync_buf *b, const void *data, size_t n);
void acsa_sync_buf_printf(struct acsa_sync_buf *b, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/** "NUMBER HEX16\n" per order shared with party, by number. */
ACSA_NODISCARD enum acsa_rc acsa_sync_fingerprints(struct acsa_app *app, const char *party,
                                                   struct acsa_sync_buf *out,
                                                   struct acsa_error *err);
/** "NUMBER\tFIELD\tVALUE\n" for each fact of the orders named one per line in numbers (only
 * orders shared with party; others are left out). */
ACSA_NODISCARD enum acsa_rc acsa_sync_facts(struct acsa_app *app, const char *party,
                                            const char *numbers, size_t len,
                                            struct acsa_sync_buf *out, struct acsa_error *err);
/** "CURRENCY\tACCOUNT\tAMOUNT_MINOR\n" of the ledger with party. */
ACSA_NODISCARD enum acsa_rc acsa_sync_balance(struct acsa_app *app, const char *party,
                                              struct acsa_sync_buf *out, struct acsa_error *err);
/** "ID\tFIELD\tVALUE\n" of every agreement party is a party of: "versions", "version N"
 * (effective day and the start of the SHA-256 of its canonical text), "notice" and
 * "terminated" (day and party, or none). */
ACSA_NODISCARD enum acsa_rc acsa_sync_agreements(struct acsa_app *app, const char *party,
                                                 struct acsa_sync_buf *out,
                                                 struct acsa_error *err);

/* ---- The nonces of signed requests (the server's sync routes) -------------------------------- */


struct acsa_nonce_cache;

enum acsa_nonce_verdict {
    ACSA_NONCE_NEW,           /* Not seen: remembered now (acsa_nonce_remember). */
    ACSA_NONCE_SEEN,          /* Seen within its window: a replay. */
    ACSA_NONCE_FULL,          /* Every entry holds a nonce still within its window. */
};

/** A cache of at most max nonces (0: ACSA_NONCE_CACHE_MAX); NULL when out of memory. */
struct acsa_nonce_cache *acsa_nonce_cache_new(uint32_t max);
void acsa_nonce_cache_free(struct acsa_nonce_cache *cache);
/** Whether the nonce of from was seen and is remembered still (thread-safe). */
bool acsa_nonce_seen(struct acsa_nonce_cache *cache, const char *from, const char *nonce,
                     int64_t now_s);
/** Remembers the nonce of from until expires_s, unless seen already or the cache is full of
 * nonces not yet expired at now_s (thread-safe, atomic: of two requests with one nonce, one
 * gets ACSA_NONCE_NEW). */
enum acsa_nonce_verdict acsa_nonce_remember(struct acsa_nonce_cache *cache, const char *from,
                                            const char *nonce, int64_t expires_s,
                                            int64_t now_s);
/** Nonces remembered now, expired ones not yet dropped included. */
uint32_t acsa_nonce_count(struct acsa_nonce_cache *cache);

/* ---- JSON shared by `acsa ... --json` and the API ----------------------------------------- */

#include <jansson.h>

/** {party, url, key, fingerprint, received_through, acked_through, last_sync (null if none)}. */
json_t *acsa_peer_json(const struct acsa_peer *peer);
/** {id, at, peer, via, what, seq, order (null if none), reason, bytes}. */
json_t *acsa_quarantine_json(const struct acsa_quarantine_row *row);
/** {kind, order (null for balances), field, ours, theirs}. */
json_t *acsa_reconcile_row_json(const struct acsa_reconcile_row *row);
/** {orders_here, orders_there, missing_here, missing_there, differing, balance_rows}. */
json_t *acsa_reconcile_summary_json(const struct acsa_reconcile_summary *summary);
/** {made, received, partner_records_through, our_records_seen_through, our_records_now,
 * partner_records_held, orders}. */
json_t *acsa_reconcile_snapshot_json(const struct acsa_reconcile_snapshot *seen);
/** {batches_sent, sent, sent_duplicates, sent_quarantined, batches_received, received, ...}. */
json_t *acsa_sync_report_json(const struct acsa_sync_report *report);
/** {sender, receiver, after, through, ack, records, applied, duplicates, quarantined}. */
json_t *acsa_batch_result_json(const struct acsa_batch_result *result);

/** The partner's documents whose bytes this node lacks, as the answer to GET
 * /sync/v1/documents/pending: one SHA-256 as hex a line, of documents whose record party
 * signed. */
ACSA_NODISCARD enum acsa_rc acsa_sync_documents_pending(struct acsa_app *app, const char *party,
                                                        struct acsa_sync_buf *out,
                                                        struct acsa_error *err);

#endif
