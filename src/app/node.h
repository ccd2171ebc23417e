/* SPDX-License-Identifier: MIT */
/* A node's identity and its partners: the Ed25519 key pair made by acsa init (the secret in
 * "<db>.key", owner-only), the partner nodes whose keys this node accepts, and the signed
 * batches of records exchanged with them over HTTP or as bundle files. */
#ifndef ACSA_NODE_H
#define ACSA_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"

#include "app_limits.h"

/** Makes the node's key pair: the secret key to key_path (created owner-only, refused if the
 * file exists), the public key to the node's settings. Called by acsa_app_init. */
ACSA_NODISCARD enum acsa_rc acsa_app_node_keygen(struct acsa_app *app, struct acsa_error *err);

/** The node's public key; ACSA_ENOTFOUND (with the command that makes one) if it has none. */
ACSA_NODISCARD enum acsa_rc acsa_app_node_public_key(struct acsa_app *app,
                                                     uint8_t out[32], struct acsa_error *err);
/** The path of the node's secret key file. */
const char *acsa_app_node_key_path(const struct acsa_app *app);

/** Lowercase hex of a public key. */
void acsa_node_key_text(const uint8_t key[32], char out[ACSA_KEY_TEXT_SIZE]);
/** "SHA256:xxxx xxxx ..." of the key's first 16 hash bytes: what two officers read aloud. */
void acsa_node_fingerprint(const uint8_t key[32], char out[ACSA_FINGERPRINT_TEXT_SIZE]);
/** Parses 64 hex digits. */
bool acsa_node_key_parse(const char *text, uint8_t out[32]);

/** Records a partner node (or replaces its URL and key): party is a party of one of the loaded
 * agreements and not this node's own; url is "" or http(s)://...; key is 64 hex digits. */
ACSA_NODISCARD enum acsa_rc acsa_app_peer_add(struct acsa_app *app, const char *party,
                                              const char *url, const char *key_text,
                                              struct acsa_error *err);

/** The partner node of party; ACSA_ENOTFOUND naming the command that adds it. */
ACSA_NODISCARD enum acsa_rc acsa_app_peer_get(struct acsa_app *app, const char *party,
                                              struct acsa_peer *out, struct acsa_error *err);
ACSA_NODISCARD enum acsa_rc acsa_app_peer_list(struct acsa_app *app, acsa_peer_cb cb, void *ctx,
                                               struct acsa_error *err);
/** Moves the peer's cursors forward (0 leaves one as it is), in a transaction of its own. */
ACSA_NODISCARD enum acsa_rc acsa_app_peer_advance(struct acsa_app *app, const char *party,
                                                  int64_t received_through,
                                                  int64_t acked_through, int64_t last_sync_s,
                                                  struct acsa_error *err);

/** The refused records and batches, newest first (at most limit; 0: all). */
ACSA_NODISCARD enum acsa_rc acsa_app_quarantine_list(struct acsa_app *app, uint32_t limit,
                                                     acsa_quarantine_cb cb, void *ctx,
                                                     struct acsa_error *err);

/** Signs msg with the node's secret key. */
ACSA_NODISCARD enum acsa_rc acsa_app_node_sign(struct acsa_app *app, const uint8_t *msg,
                                               size_t len, uint8_t sig[64],
                                               struct acsa_error *err);

/* The sync wire (docs/ARCHITECTURE.md, "The sync wire"): every request carries the sending
 * and the receiving node, the time, a random nonce and the body's SHA-256, all signed with the
 * sender's key over the method and the exact target (path and query); every answer to an
 * admitted request is signed by the answering node over the request's nonce, the status, the
 * body's SHA-256 and both nodes. */
#define ACSA_WIRE_REQUEST_TAG "ACSA-REQ-2" /* First line of a signed request's message. */
#define ACSA_WIRE_REPLY_TAG "ACSA-REP-2"   /* First line of a signed answer's message. */

/* What a signed request signs, as the headers carry it. */
struct acsa_wire_request {
    const char *method;       /* "GET", "POST". */
    const char *target;       /* Path and query, exactly as sent: "/sync/v1/batches?after=5". */
    const char *from;         /* X-Acsa-Node: the sending nation. */
    const char *to;           /* X-Acsa-To: the receiving nation. */
    int64_t at_s;             /* X-Acsa-Time. */
    const char *nonce;        /* X-Acsa-Nonce: 32 lowercase hex digits. */
    const char *body_sha256;  /* X-Acsa-Body-SHA256: 64 lowercase hex digits. */
};

/** Lowercase hex of SHA-256(data) (data may be NULL when len is 0). */
void acsa_sha256_text(const uint8_t *data, size_t len, char out[ACSA_SHA256_TEXT_SIZE]);

/** Whether text is n lowercase hex digits and nothing else. */
bool acsa_wire_hex_valid(const char *text, size_t n);

/** The message a request signs: the tag, method, target, from, to, time, nonce and body hash,
 * each followed by "\n" but the last. Its length, or 0 if a part is missing or malformed or
 * it does not fit cap bytes. */
size_t acsa_request_message(const struct acsa_wire_request *w, char *out, size_t cap);

/** The message an answer signs: the tag, the request's nonce, the status (decimal), the
 * answer body's hash, the answering nation and the asking nation, "\n" between them. */
size_t acsa_reply_message(const char *nonce, long status, const char *body_sha256,
                          const char *from, const char *to, char *out, size_t cap);

/** The checks of a request's headers that need no body and no signature, in this order: the
 * sender is a registered peer (its key to key_out), the receiver is this node, the time is
 * within ACSA_REQUEST_SKEW_S of now_s, the nonce and body hash are well-formed hex.
 * ACSA_EFORBIDDEN naming the header at fault. */
ACSA_NODISCARD enum acsa_rc acsa_app_request_check(struct acsa_app *app,
                                                   const struct acsa_wire_request *w,
                                                   int64_t now_s, uint8_t key_out[32],
                                                   struct acsa_error *err);

/** Whether sig_hex is the signature by key of w's message; ACSA_EFORBIDDEN naming
 * X-Acsa-Signature if not. */
ACSA_NODISCARD enum acsa_rc acsa_request_verify_signature(const struct acsa_wire_request *w,
                                                          const char *sig_hex,
                                                          const uint8_t key[32],
                                                          struct acsa_error *err);

/* A batch: our records for one partner after a cursor, signed (layout in ARCHITECTURE.md). */
struct acsa_batch_info {
    char sender[4];
    char receiver[4];
    int64_t after;            /* Sender's records with seq > after ... */
    int64_t through;          /* ... up to through, those for the receiver: all of them. */
    int64_t ack;              /* The sender holds the receiver's records through this seq. */
    int64_t created_s;
    uint32_t count;
    size_t size;              /* Bytes. */
};

/** Builds and signs the batch of our records for party with seq > after (at most max_records,
 * 0: the default). *out is malloc'd; the caller frees it. */
ACSA_NODISCARD enum acsa_rc acsa_app_batch_export(struct acsa_app *app, const char *party,
                                                  int64_t after, uint32_t max_records,
                                                  int64_t now_s, uint8_t **out,
                                                  size_t *out_len,
                                                  struct acsa_batch_info *info,
                                                  struct acsa_error *err);

struct acsa_batch_result {
    struct acsa_batch_info info;
    uint32_t applied;         /* Records taken in. */
    uint32_t duplicates;      /* Records already held (sent twice): not applied again. */
    uint32_t quarantined;     /* Records refused, kept in quarantine with the reason. */
    uint32_t concurrent;      /* Of those applied: steps decided against a concurrent step of
                                 this node's (one stands on both nodes; ARCHITECTURE.md). */
    bool replay;              /* The whole batch was taken in before. */
};

/** Checks and takes in a batch or bundle (via "sync" or "bundle"): layout and size, addressed
 * to this node, signed by the registered key of its sender, no gap after what this node holds
 * (replays refused); then each record in one transaction, a refused record quarantined with
 * its reason. A batch refused as a whole (ACSA_EREFUSED, ACSA_ECONFLICT for a replay,
 * ACSA_EFORBIDDEN for a bad signature) applies nothing and is quarantined. */
ACSA_NODISCARD enum acsa_rc acsa_app_batch_import(struct acsa_app *app, const uint8_t *buf,
                                                  size_t len, const char *via, int64_t now_s,
                                                  struct acsa_batch_result *result,
                                                  struct acsa_error *err);

/** Signs buf (a batch whose layout holds) again with secret_key (libsodium's 64 bytes), in
 * place: for tests and fuzzers that mutate a batch and must still reach the checks after the
 * signature and the records' apply path. ACSA_EREFUSED (as import) if the layout is broken. */
ACSA_NODISCARD enum acsa_rc acsa_batch_resign(uint8_t *buf, size_t len,
                                              const uint8_t secret_key[64],
                                              struct acsa_error *err);

/** The length of the batch at the start of buf (header, records, signature) when its layout
 * holds within len; len otherwise (the batch's checks then name what is wrong). What follows a
 * batch in a bundle file is the sender's snapshot (snapshot.h). */
size_t acsa_batch_extent(const uint8_t *buf, size_t len);

/** Reads a batch's header without checking its signature (for messages and tests). */
ACSA_NODISCARD enum acsa_rc acsa_batch_peek(const uint8_t *buf, size_t len,
                                            struct acsa_batch_info *out,
                                            struct acsa_error *err);

#endif
