/* SPDX-License-Identifier: MIT */
/* The audit log: how every command ends (its record, then commit or rollback), the hash chain
 * over the records (byte layout in docs/ARCHITECTURE.md, "Audit log"), and its verification,
 * which streams the log and names the first record that does not recompute. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "acsa_assert.h"
#include "date.h"
#include "app_int.h"

#define HASH_HEX_LENGTH 64

_Static_assert(crypto_hash_sha256_BYTES * 2 + 1 == ACSA_SECRET_TEXT_SIZE,
               "a SHA-256 in hex fills a secret text");

/* ---- Texts and hashing ---------------------------------------------------------------- */

void acsa__app_text_copy(char *dst, size_t size, const char *src)
{
    ACSA_ASSERT(size > 0);
    size_t n = 0;
    for (; src[n] != '\0' && n + 1 < size; n++) {
        unsigned char c = (unsigned char)src[n];
        dst[n] = c < 0x20u || c == 0x7fu ? ' ' : (char)c;
    }
    if (src[n] != '\0') {
        /* Cut before a UTF-8 sequence the buffer could not hold whole. */
        while (n > 0 && ((unsigned char)src[n] & 0xc0u) == 0x80u) {
            n--;
        }
    }
    dst[n] = '\0';
}

enum acsa_rc acsa__app_crypto_init(struct acsa_error *err)
{
    if (sodium_init() < 0) {
        return acsa_error_set(err, ACSA_ESTORAGE, "", "crypto: libsodium cannot start");
    }
    return ACSA_OK;
}

static void hash_line(crypto_hash_sha256_state *state, const char *text)
{
    crypto_hash_sha256_update(state, (const unsigned char *)text, strlen(text));
    crypto_hash_sha256_update(state, (const unsigned char *)"\n", 1);
}

/* SHA-256 over prev_hash and the record's fields, each followed by a line feed, in the
 * order of docs/ARCHITECTURE.md; out is lowercase hex. */
static void audit_hash(const struct acsa_audit_record *r, char out[ACSA_SECRET_TEXT_SIZE])
{
    char id[24];
    char at[24];
    snprintf(id, sizeof(id), "%lld", (long long)r->id);
    snprintf(at, sizeof(at), "%lld", (long long)r->at_s);
    const char *const lines[] = {r->prev_hash, id,        at,          r->actor,
                                 r->action,    r->object, r->outcome,  r->detail};
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        hash_line(&state, lines[i]);
    }
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&state, digest);
    sodium_bin2hex(out, ACSA_SECRET_TEXT_SIZE, digest, sizeof(digest));
}

/* ---- Appending ------------------------------------------------------------------------ */

enum acsa_rc acsa__app_audit_append(struct acsa_app *app, const char *action,
                                    const char *object, enum acsa_rc outcome,
                                    const char *detail, struct acsa_error *err)
{
    struct acsa_audit_record record;
    enum acsa_rc rc = ACCOUNTS(app)->audit_last(app->store, &record, err);
    if (rc == ACSA_ENOTFOUND) {
        acsa_error_clear(err);
        memset(&record, 0, sizeof(record));
        memset(record.hash, '0', HASH_HEX_LENGTH);
        rc = ACSA_OK;
    }
    if (rc != ACSA_OK) {
        return rc;
    }
    int64_t id = record.id + 1;
    memcpy(record.prev_hash, record.hash, sizeof(record.prev_hash));
    record.id = id;
    record.at_s = (int64_t)time(NULL);
    acsa__app_text_copy(record.actor, sizeof(record.actor), app->actor);
    acsa__app_text_copy(record.action, sizeof(record.action), action);
    acsa__app_text_copy(record.object, sizeof(record.object), object != NULL ? object : "");
    acsa__app_text_copy(record.outcome, sizeof(record.outcome),
                        outcome == ACSA_OK ? "ok" : acsa_rc_name(outcome));
    acsa__app_text_copy(record.detail, sizeof(record.detail), detail != NULL ? detail : "");
    audit_hash(&record, record.hash);
    return ACCOUNTS(app)->audit_append(app->store, &record, err);
}

enum acsa_rc acsa__app_refused(struct acsa_app *app, enum acsa_rc rc, const char *action,
                               const char *object, struct acsa_error *err)
{
    ACSA_ASSERT(rc != ACSA_OK);
    if (acsa_rc_fatal(rc)) {
        /* Not a refusal but a failure of the machine: the command is reported to its caller
         * and the database stays exactly as it was (a disk that failed a write, or is full, is
         * not written to again). */
        return rc;
    }
    /* The refusal keeps its own message; a failure to record it cannot be reported in err
     * without hiding why the command was refused, so it is dropped. */
    struct acsa_error local;
    acsa_error_clear(&local);
    const char *detail = err != NULL ? err->message : acsa_rc_text(rc);
    if (acsa_app_begin(app, &local) != ACSA_OK) {
        return rc;
    }
    enum acsa_rc recorded = acsa__app_audit_append(app, action, object, rc, detail, &local);
    if (acsa__app_end(app, recorded, &local) != ACSA_OK) {
        return rc; /* Not recorded, as said above. */
    }
    return rc;
}

enum acsa_rc acsa__app_end(struct acsa_app *app, enum acsa_rc rc, struct acsa_error *err)
{
    if (rc == ACSA_OK) {
        rc = acsa_app_commit(app, err);
    }
    if (rc != ACSA_OK) {
        acsa_app_rollback(app);
    }
    return rc;
}

enum acsa_rc acsa__app_finish(struct acsa_app *app, enum acsa_rc rc, const char *action,
                              const char *object, struct acsa_error *err)
{
    if (rc == ACSA_OK) {
        rc = acsa__app_audit_append(app, action, object, ACSA_OK, "", err);
    }
    rc = acsa__app_end(app, rc, err);
    return rc == ACSA_OK ? ACSA_OK : acsa__app_refused(app, rc, action, object, err);
}

enum acsa_rc acsa__app_finish_step(struct acsa_app *app, enum acsa_rc rc, const char *action,
                                   const char *object, const struct acsa_event *event,
                                   struct acsa_error *err)
{
    if (rc != ACSA_OK || event->backdate_reason[0] == '\0') {
        return acsa__app_finish(app, rc, action, object, err);
    }
    char detail[ACSA_TEXT_SIZE + 64];
    char recorded[ACSA_DATE_TEXT_SIZE];
    char dated[ACSA_DATE_TEXT_SIZE];
    acsa_date_format(event->recorded_day, recorded);
    acsa_date_format(event->day, dated);
    snprintf(detail, sizeof(detail), "back-entered: dated %s, recorded %s, reason: %s", dated,
             recorded, event->backdate_reason);
    rc = acsa__app_audit_append(app, action, object, ACSA_OK, detail, err);
    rc = acsa__app_end(app, rc, err);
    return rc == ACSA_OK ? ACSA_OK : acsa__app_refused(app, rc, action, object, err);
}

enum acsa_rc acsa_app_audit(struct acsa_app *app, const char *action, const char *object,
                            enum acsa_rc outcome, const char *detail, struct acsa_error *err)
{
    ACSA_TRY(acsa__app_check_name("action", action, ACSA_NAME_SIZE, err));
    ACSA_TRY(acsa_app_begin(app, err));
    enum acsa_rc rc = acsa__app_audit_append(app, action, object, outcome, detail, err);
    return acsa__app_end(app, rc, err);
}

enum acsa_rc acsa_app_audit_list(struct acsa_app *app, int64_t after_id, uint32_t limit,
                                 acsa_audit_cb cb, void *ctx, struct acsa_error *err)
{
    return ACCOUNTS(app)->audit_list(app->store, after_id < 0 ? 0 : after_id, limit, cb, ctx, err);
}

/* ---- Verification --------------------------------------------------------------------- */

/* The state of a verification between two records. */
struct verify {
    struct acsa_audit_verdict *out;
    int64_t last_id;                            /* 0 before the first record. */
    char last_hash[ACSA_SECRET_TEXT_SIZE];      /* 64 zeros before the first record. */
};

static enum acsa_rc broken(struct verify *v, int64_t id, const char *reason)
{
    v->out->ok = false;
    v->out->first_broken_id = id;
    acsa__app_text_copy(v->out->reason, sizeof(v->out->reason), reason);
    return ACSA_ESTOP; /* The first break is the verdict: no need to read on. */
}

static bool is_hash_text(const char *text)
{
    size_t n = 0;
    for (; text[n] != '\0'; n++) {
        if ((text[n] < '0' || text[n] > '9') && (text[n] < 'a' || text[n] > 'f')) {
            return false;
        }
    }
    return n == HASH_HEX_LENGTH;
}

static enum acsa_rc verify_record(void *ctx, const struct acsa_audit_record *r)
{
    struct verify *v = ctx;
    char reason[ACSA_AUDIT_TEXT_SIZE];
    if (r->id != v->last_id + 1) {
        snprintf(reason, sizeof(reason), "expected record %lld after record %lld (a gap)",
                 (long long)(v->last_id + 1), (long long)v->last_id);
        return broken(v, r->id, reason);
    }
    if (strcmp(r->prev_hash, v->last_hash) != 0) {
        return broken(v, r->id, v->last_id == 0 ? "prev_hash of the first record is not 64 "
                                                  "zeros"
                                                : "prev_hash is not the hash of the record "
                                                  "before it");
    }
    char expected[ACSA_SECRET_TEXT_SIZE];
    audit_hash(r, expected);
    if (!is_hash_text(r->hash) || strcmp(expected, r->hash) != 0) {
        return broken(v, r->id, "hash does not match the record's contents");
    }
    v->out->records++;
    v->last_id = r->id;
    memcpy(v->last_hash, r->hash, sizeof(v->last_hash));
    return ACSA_OK;
}

enum acsa_rc acsa_app_audit_verify(struct acsa_app *app, struct acsa_audit_verdict *out,
                                   struct acsa_error *err)
{
    memset(out, 0, sizeof(*out));
    out->ok = true;
    struct verify v = {out, 0, ""};
    memset(v.last_hash, '0', HASH_HEX_LENGTH);
    enum acsa_rc rc = ACCOUNTS(app)->audit_list(app->store, 0, 0, verify_record, &v, err);
    if (rc == ACSA_ESTOP && !out->ok) {
        acsa_error_clear(err);
        return ACSA_OK;
    }
    if (rc == ACSA_ESTORAGE && err != NULL && strcmp(err->field, "audit") == 0) {
        /* A record the store cannot even read (a text too long, a number as text) is the
         * first broken one; the store's message names it, then says why. */
        const char *why = strstr(err->message, ": ");
        out->ok = false;
        out->first_broken_id = v.last_id + 1;
        acsa__app_text_copy(out->reason, sizeof(out->reason),
                            why != NULL ? why + 2 : err->message);
        acsa_error_clear(err);
        return ACSA_OK;
    }
    return rc;
}
