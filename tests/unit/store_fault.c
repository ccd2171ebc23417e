/* SPDX-License-Identifier: MIT */
/* The fault-injecting store wrapper (store_fault.h). Each forwarder counts the call and, at
 * the armed count, fails it with ACSA_ESTORAGE before the inner store sees it. The build fails
 * when the interface gains or loses an entry the wrapper does not forward: its version and its
 * number of functions are checked below. */
#include "store_fault.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rc.h"

/* Every entry of struct acsa_store_vtbl, in its order: one forwarder each. The version and
 * the count of function pointers must match the interface (raise them with it). */
#define FAULT_ENTRIES 90
#define FUNCTIONS(type) (sizeof(type) / sizeof(void (*)(void)))
_Static_assert(ACSA_STORE_INTERFACE_VERSION == 13,
               "the store interface changed: forward its new entries in store_fault.c");
_Static_assert(FUNCTIONS(struct acsa_store_ledger) + FUNCTIONS(struct acsa_store_accounts) +
                       FUNCTIONS(struct acsa_store_sync) +
                       (offsetof(struct acsa_store_vtbl, ledger) -
                        offsetof(struct acsa_store_vtbl, close)) / sizeof(void (*)(void)) ==
                   FAULT_ENTRIES,
               "the store interface has an entry store_fault.c does not forward");

const unsigned acsa_store_fault_forwarded = FAULT_ENTRIES;

static struct acsa_store_fault *fault_of(struct acsa_store *store)
{
    return (struct acsa_store_fault *)(void *)((char *)store -
                                               offsetof(struct acsa_store_fault, base));
}

struct acsa_store_fault *acsa_store_fault_of(struct acsa_store *store)
{
    return fault_of(store);
}

void acsa_store_fault_arm(struct acsa_store *store, uint64_t fail_at)
{
    struct acsa_store_fault *f = fault_of(store);
    f->calls = 0;
    f->fail_at = fail_at;
}

/* Counts a call; true (err filled) if it is the one to fail. */
static bool fault_hit(struct acsa_store_fault *f, const char *name, struct acsa_error *err)
{
    f->calls++;
    if (f->fail_at == 0 || f->calls != f->fail_at) {
        return false;
    }
    f->failed++;
    snprintf(f->failed_name, sizeof(f->failed_name), "%s", name);
    acsa_error_set(err, ACSA_ESTORAGE, "", "storage: injected fault in %s (call %llu)", name,
                   (unsigned long long)f->calls);
    return true;
}

static void fault_close(struct acsa_store *store)
{
    struct acsa_store_fault *f = fault_of(store);
    acsa_store_close(f->inner);
    free(f);
}

static enum acsa_rc fault_begin_write(struct acsa_store *store, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "begin_write", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->begin_write(f->inner, err);
}

static enum acsa_rc fault_commit(struct acsa_store *store, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "commit", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->commit(f->inner, err);
}

static void fault_rollback(struct acsa_store *store)
{
    struct acsa_store_fault *f = fault_of(store);
    f->calls++;
    f->inner->vtbl->rollback(f->inner);
}

static enum acsa_rc fault_meta_get(struct acsa_store *store, const char *key, char *value,
                                   size_t value_size, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "meta_get", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->meta_get(f->inner, key, value, value_size, err);
}

static enum acsa_rc fault_meta_set(struct acsa_store *store, const char *key, const char *value,
                                   struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "meta_set", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->meta_set(f->inner, key, value, err);
}

static enum acsa_rc fault_agreement_put(struct acsa_store *store,
                                        const struct acsa_agreement *agreement,
                                        const char *canonical_json, const char *source_json,
                                        struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "agreement_put", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->agreement_put(f->inner, agreement, canonical_json, source_json,
                                                 err);
}

static enum acsa_rc fault_agreement_get(struct acsa_store *store, const char *id,
                                        acsa_agreement_json_cb cb, void *ctx,
                                        struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "agreement_get", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->agreement_get(f->inner, id, cb, ctx, err);
}

static enum acsa_rc fault_agreement_list(struct acsa_store *store, acsa_agreement_json_cb cb,
                                         void *ctx, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "agreement_list", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->agreement_list(f->inner, cb, ctx, err);
}

static enum acsa_rc fault_unit_add(struct acsa_store *store, const char *party, const char *name,
                                   int64_t *out_id, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "unit_add", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->unit_add(f->inner, party, name, out_id, err);
}

static enum acsa_rc fault_unit_get(struct acsa_store *store, int64_t id, char *party, char *name,
                                   struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "unit_get", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->unit_get(f->inner, id, party, name, err);
}

static enum acsa_rc fault_unit_list(struct acsa_store *store, acsa_unit_cb cb, void *ctx,
                                    struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "unit_list", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->unit_list(f->inner, cb, ctx, err);
}

static enum acsa_rc fault_official_set_limit(struct acsa_store *store, const char *party,
                                             const char *name, const struct acsa_currency *currency,
                                             int64_t limit_minor, int64_t *out_id,
                                             struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "official_set_limit", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->official_set_limit(f->inner, party, name, currency, limit_minor,
                                                      out_id, err);
}

static enum acsa_rc fault_official_get(struct acsa_store *store, const char *party,
                                       const char *name, struct acsa_official *out,
                                       struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "official_get", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->official_get(f->inner, party, name, out, err);
}

static enum acsa_rc fault_official_list(struct acsa_store *store, acsa_official_cb cb, void *ctx,
                                        struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "official_list", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->official_list(f->inner, cb, ctx, err);
}

static enum acsa_rc fault_activity_add(struct acsa_store *store,
                                       const struct acsa_activity *activity, int64_t *out_id,
                                       struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "activity_add", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->activity_add(f->inner, activity, out_id, err);
}

static enum acsa_rc fault_activity_get(struct acsa_store *store, int64_t id,
                                       struct acsa_activity *out, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "activity_get", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->activity_get(f->inner, id, out, err);
}

static enum acsa_rc fault_activity_list(struct acsa_store *store, const char *agreement_id,
                                        acsa_activity_cb cb, void *ctx, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "activity_list", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->activity_list(f->inner, agreement_id, cb, ctx, err);
}

static enum acsa_rc fault_order_next_sequence(struct acsa_store *store, const char *requester,
                                              const char *supplier, int32_t year,
                                              int64_t *out_sequence, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "order_next_sequence", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->order_next_sequence(f->inner, requester, supplier, year,
                                                       out_sequence, err);
}

static enum acsa_rc fault_order_insert(struct acsa_store *store, const struct acsa_order *order,
                                       const struct acsa_event *event, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "order_insert", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->order_insert(f->inner, order, event, err);
}

static enum acsa_rc fault_order_get(struct acsa_store *store, const char *number,
                                    struct acsa_order *out, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "order_get", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->order_get(f->inner, number, out, err);
}

static enum acsa_rc fault_order_update(struct acsa_store *store, const struct acsa_order *order,
                                       const struct acsa_event *event, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "order_update", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->order_update(f->inner, order, event, err);
}

static enum acsa_rc fault_order_list(struct acsa_store *store,
                                     const struct acsa_order_filter *filter, acsa_order_cb cb,
                                     void *ctx, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "order_list", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->order_list(f->inner, filter, cb, ctx, err);
}

static enum acsa_rc fault_event_list(struct acsa_store *store, const char *order_number,
                                     acsa_event_cb cb, void *ctx, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "event_list", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->event_list(f->inner, order_number, cb, ctx, err);
}

static enum acsa_rc fault_balance(struct acsa_store *store, const char *partner, int32_t as_of_day,
                                  acsa_balance_cb cb, void *ctx, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "balance", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->balance(f->inner, partner, as_of_day, cb, ctx, err);
}

static enum acsa_rc fault_user_add(struct acsa_store *store, const struct acsa_user *user,
                                   const char *password_hash, int64_t created_s, int64_t *out_id,
                                   struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "user_add", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->accounts->user_add(f->inner, user, password_hash, created_s, out_id,
                                              err);
}

static enum acsa_rc fault_user_get(struct acsa_store *store, const char *username,
                                   struct acsa_user *out, char *password_hash,
                                   struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "user_get", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->accounts->user_get(f->inner, username, out, password_hash, err);
}

static enum acsa_rc fault_user_list(struct acsa_store *store, acsa_user_cb cb, void *ctx,
                                    struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "user_list", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->accounts->user_list(f->inner, cb, ctx, err);
}

static enum acsa_rc fault_user_disable(struct acsa_store *store, int64_t user_id,
                                       struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "user_disable", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->accounts->user_disable(f->inner, user_id, err);
}

static enum acsa_rc fault_session_add(struct acsa_store *store, const char *token_hash,
                                      int64_t user_id, const char *csrf, int64_t created_s,
                                      int64_t expires_s, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "session_add", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->accounts->session_add(f->inner, token_hash, user_id, csrf, created_s,
                                                 expires_s, err);
}

static enum acsa_rc fault_session_get(struct acsa_store *store, const char *token_hash,
                                      int64_t now_s, struct acsa_user *out_user, char *out_csrf,
                                      struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "session_get", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->accounts->session_get(f->inner, token_hash, now_s, out_user, out_csrf,
                                                 err);
}

static enum acsa_rc fault_session_delete(struct acsa_store *store, const char *token_hash,
                                         struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "session_delete", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->accounts->session_delete(f->inner, token_hash, err);
}

static enum acsa_rc fault_session_purge(struct acsa_store *store, int64_t now_s,
                                        struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "session_purge", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->accounts->session_purge(f->inner, now_s, err);
}

static enum acsa_rc fault_token_add(struct acsa_store *store, int64_t user_id, const char *name,
                                    const char *token_hash, int64_t created_s, int64_t *out_id,
                                    struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "token_add", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->accounts->token_add(f->inner, user_id, name, token_hash, created_s,
                                               out_id, err);
}

static enum acsa_rc fault_token_user(struct acsa_store *store, const char *token_hash,
                                     struct acsa_user *out, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "token_user", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->accounts->token_user(f->inner, token_hash, out, err);
}

static enum acsa_rc fault_token_get(struct acsa_store *store, int64_t id,
                                    struct acsa_token_info *out, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "token_get", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->accounts->token_get(f->inner, id, out, err);
}

static enum acsa_rc fault_token_revoke(struct acsa_store *store, int64_t id, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "token_revoke", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->accounts->token_revoke(f->inner, id, err);
}

static enum acsa_rc fault_token_list(struct acsa_store *store, const char *username,
                                     acsa_token_cb cb, void *ctx, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "token_list", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->accounts->token_list(f->inner, username, cb, ctx, err);
}

static enum acsa_rc fault_idempotency_get(struct acsa_store *store, int64_t user_id,
                                          const char *key, struct acsa_idempotency_row *out,
                                          struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "idempotency_get", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->accounts->idempotency_get(f->inner, user_id, key, out, err);
}

static enum acsa_rc fault_idempotency_put(struct acsa_store *store, int64_t user_id,
                                          const char *key, const char *request_hash, int status,
                                          const char *body, int64_t created_s,
                                          struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "idempotency_put", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->accounts->idempotency_put(f->inner, user_id, key, request_hash, status,
                                                     body, created_s, err);
}

static enum acsa_rc fault_idempotency_purge(struct acsa_store *store, int64_t before_s,
                                            struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "idempotency_purge", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->accounts->idempotency_purge(f->inner, before_s, err);
}

static enum acsa_rc fault_audit_last(struct acsa_store *store, struct acsa_audit_record *out,
                                     struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "audit_last", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->accounts->audit_last(f->inner, out, err);
}

static enum acsa_rc fault_audit_append(struct acsa_store *store,
                                       const struct acsa_audit_record *record,
                                       struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "audit_append", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->accounts->audit_append(f->inner, record, err);
}

static enum acsa_rc fault_audit_list(struct acsa_store *store, int64_t after_id, uint32_t limit,
                                     acsa_audit_cb cb, void *ctx, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "audit_list", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->accounts->audit_list(f->inner, after_id, limit, cb, ctx, err);
}

static int64_t fault_last_event_id(struct acsa_store *store)
{
    struct acsa_store_fault *f = fault_of(store);
    f->calls++;
    return f->inner->vtbl->ledger->last_event_id(f->inner);
}

static enum acsa_rc fault_peer_put(struct acsa_store *store, const struct acsa_peer *peer,
                                   struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "peer_put", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->peer_put(f->inner, peer, err);
}

static enum acsa_rc fault_peer_get(struct acsa_store *store, const char *party,
                                   struct acsa_peer *out, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "peer_get", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->peer_get(f->inner, party, out, err);
}

static enum acsa_rc fault_peer_list(struct acsa_store *store, acsa_peer_cb cb, void *ctx,
                                    struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "peer_list", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->peer_list(f->inner, cb, ctx, err);
}

static enum acsa_rc fault_peer_advance(struct acsa_store *store, const char *party,
                                       int64_t received_through, int64_t acked_through,
                                       int64_t last_sync_s, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "peer_advance", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->peer_advance(f->inner, party, received_through, acked_through,
                                        last_sync_s, err);
}

static enum acsa_rc fault_record_append(struct acsa_store *store, const struct acsa_record_row *row,
                                        struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "record_append", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->record_append(f->inner, row, err);
}

static enum acsa_rc fault_record_get(struct acsa_store *store, const char *origin, int64_t seq,
                                     struct acsa_record_row *out, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "record_get", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->record_get(f->inner, origin, seq, out, err);
}

static enum acsa_rc fault_record_last_seq(struct acsa_store *store, const char *origin,
                                          int64_t *out_seq, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "record_last_seq", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->record_last_seq(f->inner, origin, out_seq, err);
}

static enum acsa_rc fault_record_scan(struct acsa_store *store, const char *origin,
                                      const char *partner, int64_t after_seq, uint32_t limit,
                                      acsa_record_cb cb, void *ctx, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "record_scan", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->record_scan(f->inner, origin, partner, after_seq, limit, cb, ctx,
                                             err);
}

static enum acsa_rc fault_chain_head(struct acsa_store *store, const char *number,
                                     uint8_t out_hash[ACSA_HASH_SIZE], struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "chain_head", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->chain_head(f->inner, number, out_hash, err);
}

static enum acsa_rc fault_record_in_chain(struct acsa_store *store, const char *number,
                                          const uint8_t hash[ACSA_HASH_SIZE], bool *out,
                                          struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "record_in_chain", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->record_in_chain(f->inner, number, hash, out, err);
}

static enum acsa_rc fault_record_list(struct acsa_store *store, const char *number,
                                      acsa_record_cb cb, void *ctx, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "record_list", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->record_list(f->inner, number, cb, ctx, err);
}

static enum acsa_rc fault_batch_add(struct acsa_store *store, const char *peer, const char *via,
                                    int64_t first_seq, int64_t last_seq, uint32_t count,
                                    const uint8_t digest[ACSA_HASH_SIZE],
                                    const uint8_t signature[ACSA_SIGNATURE_SIZE], int64_t at_s,
                                    int64_t *out_id, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "batch_add", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->batch_add(f->inner, peer, via, first_seq, last_seq, count, digest,
                                     signature, at_s, out_id, err);
}

static enum acsa_rc fault_quarantine_add(struct acsa_store *store,
                                         const struct acsa_quarantine_row *row,
                                         struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "quarantine_add", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->quarantine_add(f->inner, row, err);
}

static enum acsa_rc fault_quarantine_list(struct acsa_store *store, uint32_t limit,
                                          acsa_quarantine_cb cb, void *ctx, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "quarantine_list", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->quarantine_list(f->inner, limit, cb, ctx, err);
}

static enum acsa_rc fault_ref_bind(struct acsa_store *store, enum acsa_ref_kind kind,
                                   int64_t local_id, const char *origin, int64_t origin_id,
                                   struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "ref_bind", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->ref_bind(f->inner, kind, local_id, origin, origin_id, err);
}

static enum acsa_rc fault_ref_find(struct acsa_store *store, enum acsa_ref_kind kind,
                                   const char *origin, int64_t origin_id, int64_t *out_local_id,
                                   struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "ref_find", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->ref_find(f->inner, kind, origin, origin_id, out_local_id, err);
}

static enum acsa_rc fault_ref_origin(struct acsa_store *store, enum acsa_ref_kind kind,
                                     int64_t local_id, char out_origin[ACSA_NATION_SIZE],
                                     int64_t *out_origin_id, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "ref_origin", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->ref_origin(f->inner, kind, local_id, out_origin, out_origin_id,
                                            err);
}

static enum acsa_rc fault_ref_by_name(struct acsa_store *store, enum acsa_ref_kind kind,
                                      const char *scope, const char *name, int64_t *out_local_id,
                                      struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "ref_by_name", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->ref_by_name(f->inner, kind, scope, name, out_local_id, err);
}

static enum acsa_rc fault_order_fingerprints(struct acsa_store *store, const char *partner,
                                             acsa_fingerprint_cb cb, void *ctx,
                                             struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "order_fingerprints", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->order_fingerprints(f->inner, partner, cb, ctx, err);
}

static enum acsa_rc fault_invoice_next_sequence(struct acsa_store *store, const char *series,
                                                int32_t year, int64_t *out_sequence,
                                                struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "invoice_next_sequence", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->invoice_next_sequence(f->inner, series, year, out_sequence, err);
}

static enum acsa_rc fault_grant_add(struct acsa_store *store, const struct acsa_grant *grant,
                                    const char *origin, int64_t origin_id, int64_t *out_id,
                                    struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "grant_add", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->grant_add(f->inner, grant, origin, origin_id, out_id, err);
}

static enum acsa_rc fault_grant_revoke(struct acsa_store *store, int64_t id, int32_t day,
                                       const char *reason, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "grant_revoke", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->grant_revoke(f->inner, id, day, reason, err);
}

static enum acsa_rc fault_grant_list(struct acsa_store *store, const char *party, const char *name,
                                     int32_t as_of_day, acsa_grant_cb cb, void *ctx,
                                     struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "grant_list", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->grant_list(f->inner, party, name, as_of_day, cb, ctx, err);
}

static enum acsa_rc fault_grant_find(struct acsa_store *store, const char *origin,
                                     int64_t origin_id, int64_t *out_id, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "grant_find", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->grant_find(f->inner, origin, origin_id, out_id, err);
}

static enum acsa_rc fault_agreement_version_get(struct acsa_store *store, const char *id,
                                                uint32_t index, acsa_agreement_json_cb cb,
                                                void *ctx, int32_t *out_effective_day,
                                                char *entered_by, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "agreement_version_get", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->agreement_version_get(f->inner, id, index, cb, ctx,
                                                 out_effective_day, entered_by, err);
}

static enum acsa_rc fault_agreement_event_add(struct acsa_store *store, const char *id,
                                              const char *kind, int32_t day, const char *party,
                                              const char *reason, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "agreement_event_add", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->agreement_event_add(f->inner, id, kind, day, party, reason, err);
}

static enum acsa_rc fault_agreement_event_get(struct acsa_store *store, const char *id,
                                              const char *kind, int32_t *out_day, char *party,
                                              char *reason, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "agreement_event_get", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->agreement_event_get(f->inner, id, kind, out_day, party, reason,
                                                       err);
}

static enum acsa_rc fault_unit_service_set(struct acsa_store *store, int64_t id,
                                           const char *service, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "unit_service_set", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->unit_service_set(f->inner, id, service, err);
}

static enum acsa_rc fault_unit_service_get(struct acsa_store *store, int64_t id, char *service,
                                           struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "unit_service_get", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->unit_service_get(f->inner, id, service, err);
}

static enum acsa_rc fault_chain_head_set(struct acsa_store *store, const char *number,
                                         const uint8_t hash[ACSA_HASH_SIZE], struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "chain_head_set", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->chain_head_set(f->inner, number, hash, err);
}

static enum acsa_rc fault_quarantine_select(struct acsa_store *store, int64_t id, bool all,
                                            uint32_t limit, acsa_quarantine_cb cb, void *ctx,
                                            struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "quarantine_select", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->quarantine_select(f->inner, id, all, limit, cb, ctx, err);
}

static enum acsa_rc fault_quarantine_decide(struct acsa_store *store,
                                            const struct acsa_quarantine_decision *decision,
                                            struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "quarantine_decide", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->quarantine_decide(f->inner, decision, err);
}

static enum acsa_rc fault_batch_of_record(struct acsa_store *store, const char *peer, int64_t seq,
                                          int64_t *out_batch_id, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "batch_of_record", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->batch_of_record(f->inner, peer, seq, out_batch_id, err);
}

static enum acsa_rc fault_agreement_version_add_by(struct acsa_store *store,
                                                   const struct acsa_agreement *agreement,
                                                   int32_t effective_day,
                                                   const char *canonical_json,
                                                   const char *source_json, const char *party,
                                                   struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "agreement_version_add_by", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->agreement_version_add_by(f->inner, agreement, effective_day,
                                                    canonical_json, source_json, party, err);
}

static enum acsa_rc fault_statement(struct acsa_store *store, const char *partner,
                                    const char *currency, enum acsa_account account_a,
                                    enum acsa_account account_b, int32_t from_day,
                                    int32_t to_day, acsa_statement_row_cb cb, void *ctx,
                                    struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "statement", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->statement(f->inner, partner, currency, account_a, account_b,
                                             from_day, to_day, cb, ctx, err);
}

static enum acsa_rc fault_order_totals(struct acsa_store *store,
                                       const struct acsa_totals_query *query, acsa_totals_cb cb,
                                       void *ctx, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "order_totals", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->order_totals(f->inner, query, cb, ctx, err);
}

static enum acsa_rc fault_order_line_list(struct acsa_store *store,
                                          const struct acsa_order_filter *filter,
                                          acsa_order_line_cb cb, void *ctx,
                                          struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "order_line_list", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->order_line_list(f->inner, filter, cb, ctx, err);
}

static enum acsa_rc fault_posting_list(struct acsa_store *store,
                                       const struct acsa_order_filter *filter, int32_t from_day,
                                       int32_t to_day, acsa_posting_row_cb cb, void *ctx,
                                       struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "posting_list", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->ledger->posting_list(f->inner, filter, from_day, to_day, cb, ctx,
                                                err);
}

static enum acsa_rc fault_snapshot_put(struct acsa_store *store,
                                       const struct acsa_snapshot_row *row, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "snapshot_put", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->snapshot_put(f->inner, row, err);
}

static enum acsa_rc fault_snapshot_get(struct acsa_store *store, const char *party,
                                       struct acsa_snapshot_row *out, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "snapshot_get", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->snapshot_get(f->inner, party, out, err);
}
static enum acsa_rc fault_document_add(struct acsa_store *store,
                                       const struct acsa_document_ref *ref, const char *origin,
                                       struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "document_add", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->document_add(f->inner, ref, origin, err);
}

static enum acsa_rc fault_document_get(struct acsa_store *store, const char *id,
                                       struct acsa_document_row *out, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "document_get", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->document_get(f->inner, id, out, err);
}

static enum acsa_rc fault_document_list(struct acsa_store *store, const char *number,
                                        bool pending, acsa_document_cb cb, void *ctx,
                                        struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "document_list", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->document_list(f->inner, number, pending, cb, ctx, err);
}

static enum acsa_rc fault_blob_put(struct acsa_store *store, const uint8_t sha256[32],
                                   const uint8_t *bytes, size_t len, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "blob_put", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->blob_put(f->inner, sha256, bytes, len, err);
}

static enum acsa_rc fault_blob_get(struct acsa_store *store, const uint8_t sha256[32],
                                   uint8_t **out, size_t *out_len, struct acsa_error *err)
{
    struct acsa_store_fault *f = fault_of(store);
    if (fault_hit(f, "blob_get", err)) {
        return ACSA_ESTORAGE;
    }
    return f->inner->vtbl->sync->blob_get(f->inner, sha256, out, out_len, err);
}

static const struct acsa_store_ledger fault_ledger = {
    .agreement_put = fault_agreement_put,
    .agreement_get = fault_agreement_get,
    .agreement_list = fault_agreement_list,
    .unit_add = fault_unit_add,
    .unit_get = fault_unit_get,
    .unit_list = fault_unit_list,
    .official_set_limit = fault_official_set_limit,
    .official_get = fault_official_get,
    .official_list = fault_official_list,
    .activity_add = fault_activity_add,
    .activity_get = fault_activity_get,
    .activity_list = fault_activity_list,
    .order_next_sequence = fault_order_next_sequence,
    .order_insert = fault_order_insert,
    .order_get = fault_order_get,
    .order_update = fault_order_update,
    .order_list = fault_order_list,
    .event_list = fault_event_list,
    .balance = fault_balance,
    .last_event_id = fault_last_event_id,
    .invoice_next_sequence = fault_invoice_next_sequence,
    .grant_add = fault_grant_add,
    .grant_revoke = fault_grant_revoke,
    .grant_list = fault_grant_list,
    .grant_find = fault_grant_find,
    .agreement_version_get = fault_agreement_version_get,
    .agreement_event_add = fault_agreement_event_add,
    .agreement_event_get = fault_agreement_event_get,
    .unit_service_set = fault_unit_service_set,
    .unit_service_get = fault_unit_service_get,
    .agreement_version_add_by = fault_agreement_version_add_by,
    .statement = fault_statement,
    .order_totals = fault_order_totals,
    .order_line_list = fault_order_line_list,
    .posting_list = fault_posting_list,
};

static const struct acsa_store_accounts fault_accounts = {
    .user_add = fault_user_add,
    .user_get = fault_user_get,
    .user_list = fault_user_list,
    .user_disable = fault_user_disable,
    .session_add = fault_session_add,
    .session_get = fault_session_get,
    .session_delete = fault_session_delete,
    .session_purge = fault_session_purge,
    .token_add = fault_token_add,
    .token_user = fault_token_user,
    .token_get = fault_token_get,
    .token_revoke = fault_token_revoke,
    .token_list = fault_token_list,
    .idempotency_get = fault_idempotency_get,
    .idempotency_put = fault_idempotency_put,
    .idempotency_purge = fault_idempotency_purge,
    .audit_last = fault_audit_last,
    .audit_append = fault_audit_append,
    .audit_list = fault_audit_list,
};

static const struct acsa_store_sync fault_sync = {
    .peer_put = fault_peer_put,
    .peer_get = fault_peer_get,
    .peer_list = fault_peer_list,
    .peer_advance = fault_peer_advance,
    .record_append = fault_record_append,
    .record_get = fault_record_get,
    .record_last_seq = fault_record_last_seq,
    .record_scan = fault_record_scan,
    .chain_head = fault_chain_head,
    .record_in_chain = fault_record_in_chain,
    .record_list = fault_record_list,
    .batch_add = fault_batch_add,
    .quarantine_add = fault_quarantine_add,
    .quarantine_list = fault_quarantine_list,
    .ref_bind = fault_ref_bind,
    .ref_find = fault_ref_find,
    .ref_origin = fault_ref_origin,
    .ref_by_name = fault_ref_by_name,
    .order_fingerprints = fault_order_fingerprints,
    .chain_head_set = fault_chain_head_set,
    .quarantine_select = fault_quarantine_select,
    .quarantine_decide = fault_quarantine_decide,
    .batch_of_record = fault_batch_of_record,
    .snapshot_put = fault_snapshot_put,
    .snapshot_get = fault_snapshot_get,
    .document_add = fault_document_add,
    .document_get = fault_document_get,
    .document_list = fault_document_list,
    .blob_put = fault_blob_put,
    .blob_get = fault_blob_get,
};

static const struct acsa_store_vtbl fault_vtbl = {
    .version = ACSA_STORE_INTERFACE_VERSION,
    .close = fault_close,
    .begin_write = fault_begin_write,
    .commit = fault_commit,
    .rollback = fault_rollback,
    .meta_get = fault_meta_get,
    .meta_set = fault_meta_set,
};

struct acsa_store *acsa_store_fault_wrap(struct acsa_store *inner)
{
    struct acsa_store_fault *f = calloc(1, sizeof(*f));
    if (f == NULL) {
        acsa_store_close(inner);
        return NULL;
    }
    f->inner = inner;
    f->vtbl = fault_vtbl;
    f->ledger = fault_ledger;
    f->accounts = fault_accounts;
    f->sync = fault_sync;
    f->vtbl.ledger = &f->ledger;
    f->vtbl.accounts = &f->accounts;
    f->vtbl.sync = &f->sync;
    f->vtbl.copy = NULL; /* A copy works on a backend's own handle, never through a wrapper. */
    /* A function the inner backend lacks stays missing, so callers see what it offers. */
    if (inner->vtbl->begin_write == NULL) {
        f->vtbl.begin_write = NULL;
    }
    if (inner->vtbl->commit == NULL) {
        f->vtbl.commit = NULL;
    }
    if (inner->vtbl->rollback == NULL) {
        f->vtbl.rollback = NULL;
    }
    if (inner->vtbl->meta_get == NULL) {
        f->vtbl.meta_get = NULL;
    }
    if (inner->vtbl->meta_set == NULL) {
        f->vtbl.meta_set = NULL;
    }
    if (inner->vtbl->ledger->agreement_put == NULL) {
        f->ledger.agreement_put = NULL;
    }
    if (inner->vtbl->ledger->agreement_get == NULL) {
        f->ledger.agreement_get = NULL;
    }
    if (inner->vtbl->ledger->agreement_list == NULL) {
        f->ledger.agreement_list = NULL;
    }
    if (inner->vtbl->ledger->unit_add == NULL) {
        f->ledger.unit_add = NULL;
    }
    if (inner->vtbl->ledger->unit_get == NULL) {
        f->ledger.unit_get = NULL;
    }
    if (inner->vtbl->ledger->unit_list == NULL) {
        f->ledger.unit_list = NULL;
    }
    if (inner->vtbl->ledger->official_set_limit == NULL) {
        f->ledger.official_set_limit = NULL;
    }
    if (inner->vtbl->ledger->official_get == NULL) {
        f->ledger.official_get = NULL;
    }
    if (inner->vtbl->ledger->official_list == NULL) {
        f->ledger.official_list = NULL;
    }
    if (inner->vtbl->ledger->activity_add == NULL) {
        f->ledger.activity_add = NULL;
    }
    if (inner->vtbl->ledger->activity_get == NULL) {
        f->ledger.activity_get = NULL;
    }
    if (inner->vtbl->ledger->activity_list == NULL) {
        f->ledger.activity_list = NULL;
    }
    if (inner->vtbl->ledger->order_next_sequence == NULL) {
        f->ledger.order_next_sequence = NULL;
    }
    if (inner->vtbl->ledger->order_insert == NULL) {
        f->ledger.order_insert = NULL;
    }
    if (inner->vtbl->ledger->order_get == NULL) {
        f->ledger.order_get = NULL;
    }
    if (inner->vtbl->ledger->order_update == NULL) {
        f->ledger.order_update = NULL;
    }
    if (inner->vtbl->ledger->order_list == NULL) {
        f->ledger.order_list = NULL;
    }
    if (inner->vtbl->ledger->event_list == NULL) {
        f->ledger.event_list = NULL;
    }
    if (inner->vtbl->ledger->balance == NULL) {
        f->ledger.balance = NULL;
    }
    if (inner->vtbl->accounts->user_add == NULL) {
        f->accounts.user_add = NULL;
    }
    if (inner->vtbl->accounts->user_get == NULL) {
        f->accounts.user_get = NULL;
    }
    if (inner->vtbl->accounts->user_list == NULL) {
        f->accounts.user_list = NULL;
    }
    if (inner->vtbl->accounts->user_disable == NULL) {
        f->accounts.user_disable = NULL;
    }
    if (inner->vtbl->accounts->session_add == NULL) {
        f->accounts.session_add = NULL;
    }
    if (inner->vtbl->accounts->session_get == NULL) {
        f->accounts.session_get = NULL;
    }
    if (inner->vtbl->accounts->session_delete == NULL) {
        f->accounts.session_delete = NULL;
    }
    if (inner->vtbl->accounts->session_purge == NULL) {
        f->accounts.session_purge = NULL;
    }
    if (inner->vtbl->accounts->token_add == NULL) {
        f->accounts.token_add = NULL;
    }
    if (inner->vtbl->accounts->token_user == NULL) {
        f->accounts.token_user = NULL;
    }
    if (inner->vtbl->accounts->token_get == NULL) {
        f->accounts.token_get = NULL;
    }
    if (inner->vtbl->accounts->token_revoke == NULL) {
        f->accounts.token_revoke = NULL;
    }
    if (inner->vtbl->accounts->token_list == NULL) {
        f->accounts.token_list = NULL;
    }
    if (inner->vtbl->accounts->idempotency_get == NULL) {
        f->accounts.idempotency_get = NULL;
    }
    if (inner->vtbl->accounts->idempotency_put == NULL) {
        f->accounts.idempotency_put = NULL;
    }
    if (inner->vtbl->accounts->idempotency_purge == NULL) {
        f->accounts.idempotency_purge = NULL;
    }
    if (inner->vtbl->accounts->audit_last == NULL) {
        f->accounts.audit_last = NULL;
    }
    if (inner->vtbl->accounts->audit_append == NULL) {
        f->accounts.audit_append = NULL;
    }
    if (inner->vtbl->accounts->audit_list == NULL) {
        f->accounts.audit_list = NULL;
    }
    if (inner->vtbl->ledger->last_event_id == NULL) {
        f->ledger.last_event_id = NULL;
    }
    if (inner->vtbl->sync->peer_put == NULL) {
        f->sync.peer_put = NULL;
    }
    if (inner->vtbl->sync->peer_get == NULL) {
        f->sync.peer_get = NULL;
    }
    if (inner->vtbl->sync->peer_list == NULL) {
        f->sync.peer_list = NULL;
    }
    if (inner->vtbl->sync->peer_advance == NULL) {
        f->sync.peer_advance = NULL;
    }
    if (inner->vtbl->sync->record_append == NULL) {
        f->sync.record_append = NULL;
    }
    if (inner->vtbl->sync->record_get == NULL) {
        f->sync.record_get = NULL;
    }
    if (inner->vtbl->sync->record_last_seq == NULL) {
        f->sync.record_last_seq = NULL;
    }
    if (inner->vtbl->sync->record_scan == NULL) {
        f->sync.record_scan = NULL;
    }
    if (inner->vtbl->sync->chain_head == NULL) {
        f->sync.chain_head = NULL;
    }
    if (inner->vtbl->sync->record_in_chain == NULL) {
        f->sync.record_in_chain = NULL;
    }
    if (inner->vtbl->sync->record_list == NULL) {
        f->sync.record_list = NULL;
    }
    if (inner->vtbl->sync->batch_add == NULL) {
        f->sync.batch_add = NULL;
    }
    if (inner->vtbl->sync->quarantine_add == NULL) {
        f->sync.quarantine_add = NULL;
    }
    if (inner->vtbl->sync->quarantine_list == NULL) {
        f->sync.quarantine_list = NULL;
    }
    if (inner->vtbl->sync->ref_bind == NULL) {
        f->sync.ref_bind = NULL;
    }
    if (inner->vtbl->sync->ref_find == NULL) {
        f->sync.ref_find = NULL;
    }
    if (inner->vtbl->sync->ref_origin == NULL) {
        f->sync.ref_origin = NULL;
    }
    if (inner->vtbl->sync->ref_by_name == NULL) {
        f->sync.ref_by_name = NULL;
    }
    if (inner->vtbl->sync->order_fingerprints == NULL) {
        f->sync.order_fingerprints = NULL;
    }
    if (inner->vtbl->ledger->invoice_next_sequence == NULL) {
        f->ledger.invoice_next_sequence = NULL;
    }
    if (inner->vtbl->ledger->grant_add == NULL) {
        f->ledger.grant_add = NULL;
    }
    if (inner->vtbl->ledger->grant_revoke == NULL) {
        f->ledger.grant_revoke = NULL;
    }
    if (inner->vtbl->ledger->grant_list == NULL) {
        f->ledger.grant_list = NULL;
    }
    if (inner->vtbl->ledger->grant_find == NULL) {
        f->ledger.grant_find = NULL;
    }
    if (inner->vtbl->ledger->agreement_version_get == NULL) {
        f->ledger.agreement_version_get = NULL;
    }
    if (inner->vtbl->ledger->agreement_event_add == NULL) {
        f->ledger.agreement_event_add = NULL;
    }
    if (inner->vtbl->ledger->agreement_event_get == NULL) {
        f->ledger.agreement_event_get = NULL;
    }
    if (inner->vtbl->ledger->unit_service_set == NULL) {
        f->ledger.unit_service_set = NULL;
    }
    if (inner->vtbl->ledger->unit_service_get == NULL) {
        f->ledger.unit_service_get = NULL;
    }
    if (inner->vtbl->sync->chain_head_set == NULL) {
        f->sync.chain_head_set = NULL;
    }
    if (inner->vtbl->sync->quarantine_select == NULL) {
        f->sync.quarantine_select = NULL;
    }
    if (inner->vtbl->sync->quarantine_decide == NULL) {
        f->sync.quarantine_decide = NULL;
    }
    if (inner->vtbl->sync->batch_of_record == NULL) {
        f->sync.batch_of_record = NULL;
    }
    if (inner->vtbl->ledger->agreement_version_add_by == NULL) {
        f->ledger.agreement_version_add_by = NULL;
    }
    if (inner->vtbl->ledger->statement == NULL) {
        f->ledger.statement = NULL;
    }
    if (inner->vtbl->ledger->order_totals == NULL) {
        f->ledger.order_totals = NULL;
    }
    if (inner->vtbl->ledger->order_line_list == NULL) {
        f->ledger.order_line_list = NULL;
    }
    if (inner->vtbl->ledger->posting_list == NULL) {
        f->ledger.posting_list = NULL;
    }
    if (inner->vtbl->sync->snapshot_put == NULL) {
        f->sync.snapshot_put = NULL;
    }
    if (inner->vtbl->sync->snapshot_get == NULL) {
        f->sync.snapshot_get = NULL;
    }
    f->base.vtbl = &f->vtbl;
    return &f->base;
}
