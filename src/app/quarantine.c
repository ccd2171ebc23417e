/* SPDX-License-Identifier: MIT */
/* Decisions on the quarantine: a programme officer retries a refused record or batch once its
 * cause is fixed (a missing agreement, unit or grant has since arrived), through exactly the
 * path sync takes (acsa__app_record_take, or the batch import), or drops it. Each decision is a
 * row of its own and an audit record; the refused bytes stay. A decision is about this node's
 * intake and stays on this node (docs/ARCHITECTURE.md "Decisions on the quarantine"). */
#include "quarantine.h"

#include <stdio.h>
#include <string.h>

#include "app_int.h"
#include "node.h"
#include "text.h"
#include "text_quote.h"
#include "alloc.h"

#define ACTION_NAME "quarantine.resolve"

#define DETAIL_SIZE (ACSA_QUARANTINE_WORD_SIZE + ACSA_NAME_SIZE + ACSA_TEXT_SIZE + \
                     ACSA_AUDIT_TEXT_SIZE + 32)


/* ---- Lists ------------------------------------------------------------------------------ */

struct safe_rows {
    acsa_quarantine_cb cb;
    void *ctx;
    bool found;
};

#define QUOTE(from, to) acsa_text_quote((from), strnlen((from), sizeof(from)), (to), sizeof(to))

/* Every text handed on as one line of valid UTF-8: what came from a partner (or quotes it) and
 * rows stored before text was checked may hold anything. */
static enum acsa_rc safe_row(void *ctx, const struct acsa_quarantine_row *row)
{
    struct safe_rows *rows = ctx;
    struct acsa_quarantine_row safe = *row;
    QUOTE(row->via, safe.via);
    QUOTE(row->what, safe.what);
    QUOTE(row->order_number, safe.order_number);
    QUOTE(row->reason, safe.reason);
    QUOTE(row->decision.by, safe.decision.by);
    QUOTE(row->decision.reason, safe.decision.reason);
    QUOTE(row->decision.refusal, safe.decision.refusal);
    if (!acsa_nation_valid(row->peer)) {
        memset(safe.peer, 0, sizeof(safe.peer));
    }
    rows->found = true;
    return rows->cb(rows->ctx, &safe);
}

enum acsa_rc acsa_app_quarantine_select(struct acsa_app *app, bool all, uint32_t limit,
                                        acsa_quarantine_cb cb, void *ctx, struct acsa_error *err)
{
    struct safe_rows rows = {cb, ctx, false};
    return SYNC_STORE(app)->quarantine_select(app->store, 0, all, limit, safe_row, &rows, err);
}

static enum acsa_rc no_entry(int64_t id, struct acsa_error *err)
{
    return acsa_error_set(err, ACSA_ENOTFOUND, "id", "id: there is no quarantine entry %lld "
                          "(acsa quarantine list --all shows them)", (long long)id);
}

enum acsa_rc acsa_app_quarantine_get(struct acsa_app *app, int64_t id, acsa_quarantine_cb cb,
                                     void *ctx, struct acsa_error *err)
{
    struct safe_rows rows = {cb, ctx, false};
    if (id > 0) {
        ACSA_TRY(SYNC_STORE(app)->quarantine_select(app->store, id, true, 1, safe_row, &rows,
                                                    err));
    }
    if (!rows.found) {
        return no_entry(id, err);
    }
    return ACSA_OK;
}

/* ---- Resolving -------------------------------------------------------------------------- */

/* The entry decided on, with a copy of its bytes (the row's own lives only in the callback). */
struct entry {
    struct acsa_quarantine_row row;
    uint8_t *body;
    bool found;
};

static enum acsa_rc entry_keep(void *ctx, const struct acsa_quarantine_row *row)
{
    struct entry *e = ctx;
    e->row = *row;
    e->row.body = NULL;
    e->body = acsa_malloc(row->body_len > 0 ? row->body_len : 1);
    if (e->body == NULL) {
        return ACSA_ENOMEM;
    }
    memcpy(e->body, row->body != NULL ? row->body : (const uint8_t *)"", row->body_len);
    e->found = true;
    return ACSA_OK;
}

static enum acsa_rc check_text(const char *field, const char *text, size_t size,
                               struct acsa_error *err)
{
    ACSA_TRY(acsa__app_check_name(field, text, size, err));
    return acsa_text_check(text, ACSA_TEXT_LINE, field, err);
}

/* What a front end gives, before anything is read. */
static enum acsa_rc check_input(int64_t id, const char *action, const char *by,
                                const char *reason, struct acsa_error *err)
{
    if (id <= 0) {
        return acsa_error_set(err, ACSA_EUSAGE, "id", "id: a quarantine entry's id is a "
                              "positive whole number");
    }
    if (action == NULL || action[0] == '\0') {
        return acsa_error_set(err, ACSA_EUSAGE, "action", "action: is required (retry or drop)");
    }
    if (strcmp(action, "retry") != 0 && strcmp(action, "drop") != 0) {
        return acsa_error_set(err, ACSA_EUSAGE, "action", "action: must be retry or drop");
    }
    ACSA_TRY(check_text("by", by, ACSA_NAME_SIZE, err));
    return check_text("reason", reason, ACSA_TEXT_SIZE, err);
}

/* The open entry id, into e; ENOTFOUND or EEXISTS (resolved already) otherwise. */
static enum acsa_rc load_open(struct acsa_app *app, int64_t id, struct entry *e,
                              struct acsa_error *err)
{
    enum acsa_rc rc =
        SYNC_STORE(app)->quarantine_select(app->store, id, true, 1, entry_keep, e, err);
    if (rc == ACSA_ENOMEM) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    if (rc == ACSA_OK && !e->found) {
        return no_entry(id, err);
    }
    if (rc == ACSA_OK && strcmp(e->row.status, "open") != 0) {
        char by[ACSA_NAME_SIZE];
        QUOTE(e->row.decision.by, by);
        return acsa_error_set(err, ACSA_EEXISTS, "id", "id: quarantine entry %lld was "
                              "resolved already (%s by %s); a decision is final", (long long)id,
                              e->row.status, by);
    }
    return rc;
}

/* Takes the quarantined record in, in a level of its own; *refused (why says it) leaves
 * nothing behind. Returns ACSA_OK or a failure of the machine. */
static enum acsa_rc retry_record(struct acsa_app *app, const struct entry *e, bool *refused,
                                 struct acsa_error *why, struct acsa_error *err)
{
    const struct acsa_quarantine_row *q = &e->row;
    int64_t batch_id = 0;
    enum acsa_rc rc = SYNC_STORE(app)->batch_of_record(app->store, q->peer, q->seq, &batch_id, err);
    if (rc == ACSA_ENOTFOUND) {
        acsa_error_clear(err);
        *refused = true;
        acsa_error_set(why, ACSA_EREFUSED, "batch", "batch: the signed batch that carried "
                       "record %s/%lld is not held here; only a record taken from a verified "
                       "batch can be retried", q->peer, (long long)q->seq);
        return ACSA_OK;
    }
    ACSA_TRY(rc);
    ACSA_TRY(acsa_app_begin(app, err));
    uint8_t hash[ACSA_HASH_SIZE];
    acsa__app_sha256(e->body, q->body_len, hash);
    bool duplicate = false;
    bool concurrent = false;
    /* The officer's retry is the decision a conflict decided by hand waits for. */
    enum acsa_rc took = acsa__app_record_take(app, q->peer, e->body, q->body_len, hash, batch_id,
                                              true, &duplicate, &concurrent, why);
    if (acsa_rc_fatal(took)) {
        acsa_app_rollback(app);
        *err = *why;
        return took;
    }
    *refused = took != ACSA_OK;
    if (*refused) {
        acsa_app_rollback(app);
        return ACSA_OK;
    }
    return acsa__app_end(app, ACSA_OK, err);
}

/* Takes a quarantined batch in again (the whole import, its own levels and audit record). */
static enum acsa_rc retry_batch(struct acsa_app *app, const struct entry *e, int64_t now_s,
                                bool *refused, struct acsa_error *why, struct acsa_error *err)
{
    const struct acsa_quarantine_row *q = &e->row;
    if (q->body_len >= ACSA_QUARANTINE_KEPT_BYTES_MAX) {
        *refused = true;
        acsa_error_set(why, ACSA_EREFUSED, "batch", "batch: only its first %u bytes were kept; "
                       "import the bundle again (acsa bundle import) or sync",
                       ACSA_QUARANTINE_KEPT_BYTES_MAX);
        return ACSA_OK;
    }
    struct acsa_batch_result result;
    enum acsa_rc rc = acsa__app_batch_take(app, e->body, q->body_len, q->via, now_s, false,
                                           NULL, &result, why);
    if (acsa_rc_fatal(rc)) {
        *err = *why;
        return rc;
    }
    *refused = rc != ACSA_OK;
    return ACSA_OK;
}

/* Records the decision and its audit record in the open level. */
static enum acsa_rc record_decision(struct acsa_app *app, struct acsa_quarantine_decision *d,
                                    const struct acsa_error *why, const char *object,
                                    struct acsa_error *err)
{
    if (strcmp(d->outcome, "refused") == 0) {
        acsa_text_quote(why->message, strnlen(why->message, sizeof(why->message)), d->refusal,
                        sizeof(d->refusal));
    }
    enum acsa_rc rc = SYNC_STORE(app)->quarantine_decide(app->store, d, err);
    if (rc == ACSA_EEXISTS) {
        return acsa_error_set(err, ACSA_EEXISTS, "id", "id: quarantine entry %lld was "
                              "resolved already; a decision is final",
                              (long long)d->quarantine_id);
    }
    ACSA_TRY(rc);
    /* Room for every part; the audit log keeps what fits its detail. */
    char detail[DETAIL_SIZE];
    snprintf(detail, sizeof(detail), "%s by %s: %s%s%s", d->action, d->by, d->reason,
             d->refusal[0] != '\0' ? "; refused: " : "", d->refusal);
    return acsa__app_audit_append(app, ACTION_NAME, object,
                                  d->refusal[0] != '\0' ? ACSA_EREFUSED : ACSA_OK, detail, err);
}

/* In the open level: the entry loaded into e, retried if d says so (*refused, why: the retry
 * was refused again), and the decision recorded. */
static enum acsa_rc decide(struct acsa_app *app, struct entry *e,
                           struct acsa_quarantine_decision *d, const char *object,
                           bool *refused, struct acsa_error *why, struct acsa_error *err)
{
    ACSA_TRY(load_open(app, d->quarantine_id, e, err));
    bool retry = strcmp(d->action, "retry") == 0;
    if (retry) {
        ACSA_TRY(strcmp(e->row.what, "batch") == 0
                     ? retry_batch(app, e, d->at_s, refused, why, err)
                     : retry_record(app, e, refused, why, err));
    }
    snprintf(d->outcome, sizeof(d->outcome), "%s", !retry ? "dropped" : *refused ? "refused"
                                                                                  : "applied");
    return record_decision(app, d, why, object, err);
}

/* The retry still refused: the entry stays open, and the caller hears the rule. */
static enum acsa_rc still_refused(int64_t id, const struct acsa_error *why,
                                  struct acsa_error *err)
{
    return acsa_error_set(err, ACSA_EREFUSED, why->field[0] != '\0' ? why->field : "id",
                          "retry of quarantine entry %lld refused again, it stays open: %s",
                          (long long)id, why->message);
}

enum acsa_rc acsa_app_quarantine_resolve(struct acsa_app *app, int64_t id, const char *action,
                                         const char *by, const char *reason, int64_t now_s,
                                         struct acsa_error *err)
{
    char object[ACSA__APP_OBJECT_SIZE];
    snprintf(object, sizeof(object), "quarantine:%lld", (long long)id);
    enum acsa_rc rc = check_input(id, action, by, reason, err);
    if (rc != ACSA_OK) {
        return acsa__app_refused(app, rc, ACTION_NAME, object, err);
    }
    struct entry *e = acsa_calloc(1, sizeof(*e));
    if (e == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    rc = acsa_app_begin(app, err);
    if (rc != ACSA_OK) {
        acsa_free(e);
        return rc;
    }
    struct acsa_quarantine_decision d;
    memset(&d, 0, sizeof(d));
    d.quarantine_id = id;
    d.at_s = now_s;
    snprintf(d.action, sizeof(d.action), "%s", action);
    snprintf(d.by, sizeof(d.by), "%s", by);
    snprintf(d.reason, sizeof(d.reason), "%s", reason);
    struct acsa_error why;
    acsa_error_clear(&why);
    bool refused = false;
    rc = decide(app, e, &d, object, &refused, &why, err);
    rc = acsa__app_end(app, rc, err);
    if (e->body != NULL) {
        acsa_free(e->body);
    }
    acsa_free(e);
    if (rc != ACSA_OK) {
        return acsa__app_refused(app, rc, ACTION_NAME, object, err);
    }
    return refused ? still_refused(id, &why, err) : ACSA_OK;
}
