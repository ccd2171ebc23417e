/* SPDX-License-Identifier: MIT */
/* A node's signed snapshot for one partner: the fingerprints of every order they share and
 * the balances with it, as the sync routes serve them to a reconciling partner, with when it
 * was made and which records it had seen. Every bundle file carries one after its batch, so a
 * node reached only by bundles can still be reconciled (acsa reconcile --offline). Layout in
 * docs/ARCHITECTURE.md, "Snapshots". */
#ifndef ACSA_SNAPSHOT_H
#define ACSA_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "node.h"

#define ACSA_SNAPSHOT_MAGIC "ACSASNP2"         /* First 8 bytes: kind and layout version
                                                  (2: balances as i128; 1, still read: i64). */
#define ACSA_SNAPSHOT_MAGIC_V1 "ACSASNP1"

_Static_assert((uint64_t)ACSA_SNAPSHOT_ORDERS_MAX * (2 + ACSA_NUMBER_SIZE - 1 + 8) +
                   (uint64_t)ACSA_SNAPSHOT_BALANCES_MAX * (2 + 3 + 2 + 32 + 8) + 128
                   <= ACSA_SNAPSHOT_BYTES_MAX,
               "a snapshot of the most orders and balances must fit the byte limit");

/* A decoded, verified snapshot. The lists are in the text the sync routes serve (see
 * acsa_sync_fingerprints and acsa_sync_balance), so that reconciliation compares a snapshot
 * and a live answer the same way. */
struct acsa_snapshot {
    char sender[ACSA_NATION_SIZE];
    char receiver[ACSA_NATION_SIZE];
    int64_t created_s;          /* When the sender made it (its clock). */
    int64_t sender_through;     /* The sender's own records, through this seq. */
    int64_t seen_through;       /* The receiver's records the sender had taken in. */
    uint32_t orders;
    uint32_t balances;
    char *fingerprints;         /* "NUMBER HEX16\n" by number; acsa_malloc'd. */
    size_t fingerprints_len;
    char *balance;              /* "CUR\tACCOUNT\tAMOUNT_MINOR\n"; acsa_malloc'd. */
    size_t balance_len;
};

void acsa_snapshot_free(struct acsa_snapshot *snapshot);

/* Building a snapshot: begin, the orders by number, the balances, then end, which hands out
 * the digest to sign, and seal, which appends the signature. */
struct acsa_snapshot_writer {
    uint8_t *data;
    size_t len;
    size_t cap;
    size_t count_at;            /* Where the count of the list being written is. */
    uint32_t count;
    bool failed;                /* Out of memory, or over a limit: nothing usable. */
    bool over;                  /* More orders or balance figures than a snapshot may hold. */
};

void acsa_snapshot_begin(struct acsa_snapshot_writer *w, const char *sender,
                         const char *receiver, int64_t created_s, int64_t sender_through,
                         int64_t seen_through);
void acsa_snapshot_add_order(struct acsa_snapshot_writer *w, const char *number,
                             uint64_t fingerprint);
/** Ends the list of orders, begins the balances. */
void acsa_snapshot_begin_balances(struct acsa_snapshot_writer *w);
void acsa_snapshot_add_balance(struct acsa_snapshot_writer *w, const char *currency,
                               const char *account, acsa_wide amount_minor);
/** The SHA-256 the signature covers: every byte written so far. */
void acsa_snapshot_end(struct acsa_snapshot_writer *w, uint8_t digest[32]);
void acsa_snapshot_seal(struct acsa_snapshot_writer *w,
                        const uint8_t signature[ACSA_SNAPSHOT_SIGNATURE_SIZE]);

/** Checks buf as a snapshot signed by key, made by sender for receiver, and decodes it:
 * size, layout, signature, then every field (ACSA_EREFUSED naming the field, e.g.
 * "snapshot.orders[3].number: not valid UTF-8, or a control character, at byte 2";
 * ACSA_EFORBIDDEN for a signature that does not verify). out is the caller's to release with
 * acsa_snapshot_free, also on a refusal. */
ACSA_NODISCARD enum acsa_rc acsa_snapshot_decode(const uint8_t *buf, size_t len,
                                                 const uint8_t key[32], const char *sender,
                                                 const char *receiver,
                                                 struct acsa_snapshot *out,
                                                 struct acsa_error *err);

/** This node's signed snapshot for party, made at now_s: *out is acsa_malloc'd. */
ACSA_NODISCARD enum acsa_rc acsa_app_snapshot_export(struct acsa_app *app, const char *party,
                                                     int64_t now_s, uint8_t **out,
                                                     size_t *out_len, struct acsa_error *err);

/** A bundle file for party: the batch of acsa_app_batch_export (its info in *info), then this
 * node's snapshot (*snapshot_len bytes of the *out_len). */
ACSA_NODISCARD enum acsa_rc acsa_app_bundle_export(struct acsa_app *app, const char *party,
                                                   int64_t after, int64_t now_s,
                                                   uint8_t **out, size_t *out_len,
                                                   size_t *snapshot_len,
                                                   struct acsa_batch_info *info,
                                                   struct acsa_error *err);

/** Takes in a bundle file: its snapshot (if any: a bundle of an older version has none) is
 * checked first, with the sender's registered key, and must be newer than the one held (made
 * after it, having seen no less); a refused snapshot refuses the whole bundle, which applies
 * nothing and is quarantined. Then the batch as acsa_app_batch_import takes it in; once it is,
 * the snapshot replaces the one held. *snapshot_stored tells whether there was one. */
ACSA_NODISCARD enum acsa_rc acsa_app_bundle_import(struct acsa_app *app, const uint8_t *buf,
                                                   size_t len, int64_t now_s,
                                                   struct acsa_batch_result *result,
                                                   bool *snapshot_stored,
                                                   struct acsa_error *err);

/** The latest snapshot received from party, checked again with its registered key; row gets
 * when it came (row->bytes is left NULL). ACSA_ENOTFOUND naming the command that brings one
 * when none was received. */
ACSA_NODISCARD enum acsa_rc acsa_app_snapshot_latest(struct acsa_app *app, const char *party,
                                                     struct acsa_snapshot *out,
                                                     struct acsa_snapshot_row *row,
                                                     struct acsa_error *err);

#endif
