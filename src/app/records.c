/* SPDX-License-Identifier: MIT */
/* Records of steps and reference data: every step taken here becomes our next record, chained
 * to the order's previous record; a record a partner node signed is taken in only if its
 * signer may take that step, its chain link is known and the core accepts the step. Both
 * paths end in the same core calls and store writes, so both nodes derive the same order and,
 * each from its own side, the same ledger. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "acsa_assert.h"
#include "concurrency.h"
#include "date.h"
#include "app_int.h"
#include "alloc.h"

void acsa__app_sha256(const void *data, size_t len, uint8_t out[ACSA_HASH_SIZE])
{
    crypto_hash_sha256(out, data, len);
}

/* The other party of an order, seen from this node. */
static const char *partner_of(const struct acsa_app *app, const struct acsa_order *order)
{
    return strcmp(order->requester, app->nation) == 0 ? order->supplier : order->requester;
}

static enum acsa_rc local_party_allowed(struct acsa_app *app, const struct acsa_order *order,
                                        enum acsa_step step, const char *party, bool *manual,
                                        struct acsa_error *err);

enum acsa_rc acsa__app_local_step_allowed(struct acsa_app *app, const struct acsa_order *order,
                                          enum acsa_step step, bool *manual,
                                          struct acsa_error *err)
{
    return local_party_allowed(app, order, step, acsa_step_party(order, step), manual, err);
}

enum acsa_rc acsa__app_local_command_allowed(struct acsa_app *app,
                                             const struct acsa_order *order,
                                             const struct acsa_command *cmd, bool *manual,
                                             struct acsa_error *err)
{
    return local_party_allowed(app, order, cmd->step, acsa_command_party(order, cmd), manual,
                               err);
}

void acsa__app_command_prepare(const struct acsa_app *app, struct acsa_command *cmd)
{
    acsa_app_name_key(cmd->actor, cmd->actor_key);
    cmd->recorded_day = acsa__app_today(cmd->recorded_day);
    if (cmd->party[0] == '\0') {
        memcpy(cmd->party, app->nation, sizeof(cmd->party));
    }
}

static enum acsa_rc local_party_allowed(struct acsa_app *app, const struct acsa_order *order,
                                        enum acsa_step step, const char *party, bool *manual,
                                        struct acsa_error *err)
{
    *manual = false;
    if (party == NULL || strcmp(party, app->nation) == 0) {
        return ACSA_OK;
    }
    struct acsa_peer peer;
    enum acsa_rc rc = SYNC_STORE(app)->peer_get(app->store, party, &peer, err);
    if (rc == ACSA_ENOTFOUND) {
        acsa_error_clear(err);
        *manual = true; /* The partner keeps no node: its step is entered here, unsigned. */
        return ACSA_OK;
    }
    if (rc == ACSA_OK) {
        rc = acsa_error_set(err, ACSA_EFORBIDDEN, "step",
                            "step: %s on %s belongs to %s, whose node signs it and sends it by "
                            "sync; it cannot be entered on this node (%s)",
                            acsa_step_name(step), order->number, party, app->nation);
    }
    return rc;
}

enum acsa_rc acsa__app_ref_of(struct acsa_app *app, enum acsa_ref_kind kind, int64_t local_id,
                              struct acsa_ref *out, struct acsa_error *err)
{
    memset(out, 0, sizeof(*out));
    if (local_id == 0) {
        return ACSA_OK;
    }
    enum acsa_rc rc = SYNC_STORE(app)->ref_origin(app->store, kind, local_id, out->origin, &out->id,
                                             err);
    if (rc == ACSA_OK && out->origin[0] == '\0') {
        memcpy(out->origin, app->nation, sizeof(out->origin));
        out->id = local_id;
    }
    return rc;
}

/* Stores work->record with the given routing: encoded and hashed here when body is NULL (our
 * own), else the received bytes with their hash. */
static enum acsa_rc store_record(struct acsa_app *app, struct acsa__app_work *work,
                                 const char *partner, int64_t batch_id, const uint8_t *body,
                                 size_t body_len, const uint8_t *hash, struct acsa_error *err)
{
    const struct acsa_record *r = &work->record;
    struct acsa_record_row row;
    memset(&row, 0, sizeof(row));
    memcpy(row.origin, r->origin, sizeof(row.origin));
    row.seq = r->seq;
    snprintf(row.partner, sizeof(row.partner), "%s", partner);
    if (r->kind == ACSA_RECORD_STEP) {
        memcpy(row.order_number, r->number, sizeof(row.order_number));
        if (r->command.step == ACSA_STEP_EXCHANGE) {
            memcpy(row.other_number, r->other_number, sizeof(row.other_number));
        }
    }
    row.batch_id = batch_id;
    if (body == NULL) {
        /* Our own record must be one the partner can take in: a value out of its range would
         * be refused there, and every later step of the order with it. */
        ACSA_TRY(acsa_record_check(r, err));
        ACSA_TRY(acsa_record_encode(r, work->record_buf, sizeof(work->record_buf), &row.body_len,
                                    err));
        row.body = work->record_buf;
        acsa__app_sha256(row.body, row.body_len, row.hash);
    } else {
        row.body = body;
        row.body_len = body_len;
        memcpy(row.hash, hash, ACSA_HASH_SIZE);
    }
    return SYNC_STORE(app)->record_append(app->store, &row, err);
}

/* Our next record number. */
static enum acsa_rc next_seq(struct acsa_app *app, int64_t *out, struct acsa_error *err)
{
    int64_t last = 0;
    enum acsa_rc rc = SYNC_STORE(app)->record_last_seq(app->store, app->nation, &last, err);
    if (rc == ACSA_OK && last >= ACSA_RECORD_SEQ_MAX) {
        return acsa_error_set(err, ACSA_EREFUSED, "seq", "seq: this node has written record "
                              "%lld, the last number a record may have", (long long)last);
    }
    *out = last + 1;
    return rc;
}

enum acsa_rc acsa__app_record_local(struct acsa_app *app, struct acsa__app_work *work,
                                    bool manual, struct acsa_error *err)
{
    struct acsa_record *r = &work->record;
    r->kind = ACSA_RECORD_STEP;
    memcpy(r->origin, app->nation, sizeof(r->origin));
    r->manual = manual ? 1 : 0;
    r->command.official = NULL;
    acsa_record_normalize(r);
    ACSA_TRY(next_seq(app, &r->seq, err));
    /* The chain head was read before this step's own write changed nothing in it: the order
     * row keeps the head until record_append moves it. */
    if (r->command.step != ACSA_STEP_CREATE) {
        ACSA_TRY(SYNC_STORE(app)->chain_head(app->store, r->number, r->prev_hash, err));
    }
    if (r->command.step == ACSA_STEP_EXCHANGE) {
        ACSA_TRY(SYNC_STORE(app)->chain_head(app->store, r->other_number, r->other_prev_hash,
                                             err));
    }
    return store_record(app, work, partner_of(app, &work->order), 0, NULL, 0, NULL, err);
}

enum acsa_rc acsa__app_record_ref(struct acsa_app *app, enum acsa_ref_kind kind, int64_t id,
                                  struct acsa_error *err)
{
    struct acsa__app_work *work = acsa__app_work(app, err);
    if (work == NULL) {
        return ACSA_ENOMEM;
    }
    struct acsa_record *r = &work->record;
    memset(r, 0, sizeof(*r));
    memcpy(r->origin, app->nation, sizeof(r->origin));
    r->ref_id = id;
    const char *partner = "";
    ACSA_TRY(next_seq(app, &r->seq, err));
    if (kind == ACSA_REF_UNIT) {
        r->kind = ACSA_RECORD_UNIT;
        ACSA_TRY(LEDGER(app)->unit_get(app->store, id, r->unit_party, r->unit_name, err));
        ACSA_TRY(LEDGER(app)->unit_service_get(app->store, id, r->unit_service, err));
    } else {
        r->kind = ACSA_RECORD_ACTIVITY;
        ACSA_TRY(LEDGER(app)->activity_get(app->store, id, &r->ref_activity, err));
        ACSA_TRY(acsa__app_agreement(app, r->ref_activity.agreement_id, &work->agreement, err));
        const char *first = work->agreement.parties[0];
        partner = strcmp(first, app->nation) == 0 ? work->agreement.parties[1] : first;
    }
    return store_record(app, work, partner, 0, NULL, 0, NULL, err);
}

enum acsa_rc acsa__app_record_grant(struct acsa_app *app, const struct acsa_grant *grant,
                                    struct acsa_error *err)
{
    struct acsa__app_work *work = acsa__app_work(app, err);
    if (work == NULL) {
        return ACSA_ENOMEM;
    }
    struct acsa_record *r = &work->record;
    memset(r, 0, sizeof(*r));
    r->kind = ACSA_RECORD_GRANT;
    memcpy(r->origin, app->nation, sizeof(r->origin));
    r->ref_id = grant->id;
    r->grant = *grant;
    r->grant.id = 0;
    ACSA_TRY(next_seq(app, &r->seq, err));
    return store_record(app, work, "", 0, NULL, 0, NULL, err);
}

enum acsa_rc acsa__app_record_agreement(struct acsa_app *app,
                                        const struct acsa_agreement_fact *fact,
                                        const char *partner, struct acsa_error *err)
{
    struct acsa__app_work *work = acsa__app_work(app, err);
    if (work == NULL) {
        return ACSA_ENOMEM;
    }
    struct acsa_record *r = &work->record;
    memset(r, 0, sizeof(*r));
    r->kind = ACSA_RECORD_AGREEMENT;
    memcpy(r->origin, app->nation, sizeof(r->origin));
    r->life = *fact;
    ACSA_TRY(next_seq(app, &r->seq, err));
    return store_record(app, work, partner, 0, NULL, 0, NULL, err);
}

enum acsa_rc acsa__app_record_document(struct acsa_app *app, const struct acsa_document_ref *ref,
                                       const char *partner, struct acsa_error *err)
{
    struct acsa__app_work *work = acsa__app_work(app, err);
    if (work == NULL) {
        return ACSA_ENOMEM;
    }
    struct acsa_record *r = &work->record;
    memset(r, 0, sizeof(*r));
    r->kind = ACSA_RECORD_DOCUMENT;
    memcpy(r->origin, app->nation, sizeof(r->origin));
    r->document = *ref;
    ACSA_TRY(next_seq(app, &r->seq, err));
    return store_record(app, work, partner, 0, NULL, 0, NULL, err);
}

/* ---- Taking in a partner's record ---------------------------------------------------------- */

/* Every check of a record comes before its first write, so a refusal leaves nothing behind
 * and needs no savepoint; a write that fails afterwards is a storage failure, which ends the
 * whole batch. */
static enum acsa_rc written(enum acsa_rc rc, struct acsa_error *err)
{
    if (rc == ACSA_OK || acsa_rc_fatal(rc)) {
        return rc;
    }
    char message[ACSA_ERROR_MESSAGE_SIZE];
    snprintf(message, sizeof(message), "%s", err->message);
    return acsa_error_set(err, ACSA_ESTORAGE, err->field, "storage: %s", message);
}

#define REFUSE(err, field, ...) acsa_error_set((err), ACSA_EREFUSED, (field), __VA_ARGS__)

/* The service the partner's unit record carries, kept when this node knows none for the unit,
 * so that an order citing it is judged by the agreement's services here as on its node. A unit
 * of the same name entered here with its own service keeps it. */
static enum acsa_rc take_unit_service(struct acsa_app *app, int64_t id, const char *service,
                                      struct acsa_error *err)
{
    if (service[0] == '\0') {
        return ACSA_OK;
    }
    enum acsa_rc rc = acsa__app_check_service(service, err);
    if (rc != ACSA_OK) {
        err->rc = ACSA_EREFUSED; /* A partner's record, refused: not a usage error here. */
        return ACSA_EREFUSED;
    }
    char held[ACSA_CODE_SIZE];
    rc = LEDGER(app)->unit_service_get(app->store, id, held, err);
    if (rc == ACSA_OK && held[0] == '\0') {
        rc = written(LEDGER(app)->unit_service_set(app->store, id, service, err), err);
    }
    return rc;
}

/* A unit or activity a partner made: bound to the one of the same name here, else added. */
static enum acsa_rc take_ref(struct acsa_app *app, struct acsa__app_work *work,
                             struct acsa_error *err)
{
    const struct acsa_record *r = &work->record;
    enum acsa_ref_kind kind = r->kind == ACSA_RECORD_UNIT ? ACSA_REF_UNIT : ACSA_REF_ACTIVITY;
    int64_t id = 0;
    enum acsa_rc rc = SYNC_STORE(app)->ref_find(app->store, kind, r->origin, r->ref_id, &id, err);
    if (rc != ACSA_ENOTFOUND) {
        return rc; /* Bound already (a record can only repeat what it said). */
    }
    acsa_error_clear(err);
    if (kind == ACSA_REF_UNIT) {
        ACSA_TRY(acsa__app_check_party(r->unit_party, err));
        ACSA_TRY(acsa__app_check_name("name", r->unit_name, ACSA_NAME_SIZE, err));
        rc = SYNC_STORE(app)->ref_by_name(app->store, kind, r->unit_party, r->unit_name, &id,
                                          err);
        if (rc == ACSA_ENOTFOUND) {
            acsa_error_clear(err);
            rc = written(LEDGER(app)->unit_add(app->store, r->unit_party, r->unit_name, &id, err),
                         err);
        }
        if (rc != ACSA_OK) {
            return rc;
        }
        ACSA_TRY(take_unit_service(app, id, r->unit_service, err));
    } else {
        const struct acsa_activity *a = &r->ref_activity;
        rc = acsa__app_agreement(app, a->agreement_id, &work->agreement, err);
        if (rc == ACSA_ENOTFOUND) {
            return REFUSE(err, "agreement_id", "activity %s: agreement %s is not loaded here",
                          a->name, a->agreement_id);
        }
        if (rc != ACSA_OK) {
            return rc;
        }
        ACSA_TRY(acsa_activity_validate(&work->agreement, a, err));
        rc = SYNC_STORE(app)->ref_by_name(app->store, kind, a->agreement_id, a->name, &id, err);
        if (rc == ACSA_ENOTFOUND) {
            acsa_error_clear(err);
            rc = written(LEDGER(app)->activity_add(app->store, a, &id, err), err);
        }
        if (rc != ACSA_OK) {
            return rc;
        }
    }
    return written(SYNC_STORE(app)->ref_bind(app->store, kind, id, r->origin, r->ref_id, err),
                   err);
}

/* The local id a partner's reference stands for (0 for none). */
static enum acsa_rc resolve_ref(struct acsa_app *app, enum acsa_ref_kind kind,
                                const struct acsa_ref *ref, const char *field, int64_t *out,
                                struct acsa_error *err)
{
    *out = 0;
    if (ref->id == 0) {
        return ACSA_OK;
    }
    if (strcmp(ref->origin, app->nation) == 0) {
        *out = ref->id;
        return ACSA_OK;
    }
    enum acsa_rc rc = SYNC_STORE(app)->ref_find(app->store, kind, ref->origin, ref->id, out, err);
    if (rc == ACSA_ENOTFOUND) {
        return REFUSE(err, field, "%s: %s %s/%lld is not known here (its record has not "
                      "arrived)", field, kind == ACSA_REF_UNIT ? "unit" : "activity",
                      ref->origin, (long long)ref->id);
    }
    return rc;
}

/* The units a record's order names, as this node numbers them; each must exist and belong to
 * its party, as for an order entered here: the store's keys are not the check. */
static enum acsa_rc take_units(struct acsa_app *app, struct acsa_record *r,
                               struct acsa_error *err)
{
    struct acsa_order_draft *d = &r->draft;
    ACSA_TRY(resolve_ref(app, ACSA_REF_UNIT, &r->requester_unit, "requester_unit",
                         &d->requester_unit_id, err));
    ACSA_TRY(resolve_ref(app, ACSA_REF_UNIT, &r->supplier_unit, "supplier_unit",
                         &d->supplier_unit_id, err));
    ACSA_TRY(acsa__app_check_unit(app, "requester_unit", d->requester_unit_id, d->requester,
                                  err));
    return acsa__app_check_unit(app, "supplier_unit", d->supplier_unit_id, d->supplier, err);
}

static enum acsa_rc take_create(struct acsa_app *app, struct acsa__app_work *work,
                                struct acsa_error *err)
{
    struct acsa_record *r = &work->record;
    struct acsa_order_draft *d = &r->draft;
    if (strcmp(d->requester, r->origin) != 0) {
        return REFUSE(err, "step", "step: create on %s belongs to %s (the requesting party), "
                      "not to its signer %s", r->number, d->requester, r->origin);
    }
    if (strcmp(d->supplier, app->nation) != 0) {
        return REFUSE(err, "supplier", "supplier: order %s is not between %s and this node (%s)",
                      r->number, r->origin, app->nation);
    }
    static const uint8_t none[ACSA_HASH_SIZE];
    if (sodium_memcmp(r->prev_hash, none, sizeof(none)) != 0) {
        return REFUSE(err, "prev_hash", "prev_hash: the create record of %s follows nothing",
                      r->number);
    }
    uint8_t head[ACSA_HASH_SIZE];
    enum acsa_rc rc = SYNC_STORE(app)->chain_head(app->store, r->number, head, err);
    if (rc == ACSA_OK) {
        return REFUSE(err, "number", "number: order %s already exists here", r->number);
    }
    if (rc != ACSA_ENOTFOUND) {
        return rc; /* A failed read says nothing of the order: the batch fails, not the record. */
    }
    acsa_error_clear(err);
    int64_t activity_id = 0;
    rc = acsa__app_agreement_on(app, r->agreement_id, r->command.day, &work->agreement, err);
    if (rc == ACSA_ENOTFOUND) {
        return REFUSE(err, "agreement_id", "agreement_id: %s is not loaded here", r->agreement_id);
    }
    if (rc != ACSA_OK) {
        return rc;
    }
    ACSA_TRY(resolve_ref(app, ACSA_REF_ACTIVITY, &r->activity, "activity", &activity_id, err));
    ACSA_TRY(take_units(app, r, err));
    /* The units' services, as their records carried them: an order for a unit outside the
     * agreement's participating services is refused here as on the node that raised it. */
    ACSA_TRY(acsa__app_check_services(app, &work->agreement, d->requester,
                                      d->requester_unit_id, d->supplier, d->supplier_unit_id,
                                      err));
    ACSA_TRY(LEDGER(app)->activity_get(app->store, activity_id, &work->activity, err));
    /* The number must be the one the requester's node would give: requester-supplier-year. */
    char expected[ACSA_NUMBER_SIZE];
    int32_t year = 0;
    acsa_date_to_ymd(r->command.day, &year, NULL, NULL);
    acsa_order_number_format(d->requester, d->supplier, year, 1, expected);
    /* The prefix, then the sequence: six digits at least (more past the 999,999th order). */
    size_t prefix = strlen(expected) - 6;
    size_t digits = strlen(r->number) - (strlen(r->number) >= prefix ? prefix : 0);
    bool sequence = strlen(r->number) >= prefix + 6 &&
                    strspn(r->number + prefix, "0123456789") == digits;
    if (strncmp(r->number, expected, prefix) != 0 || !sequence) {
        return REFUSE(err, "number", "number: %s is not a number %s gives to an order of %d",
                      r->number, d->requester, (int)year);
    }
    ACSA_TRY(acsa_order_create(&work->agreement, &work->activity, d, r->number, r->command.day,
                               r->command.actor, &work->order, &work->event, err));
    return written(LEDGER(app)->order_insert(app->store, &work->order, &work->event, err), err);
}

/* The units an amendment names, as this node numbers them and checked as for an order entered
 * here, and the order's activity, into work->activity. */
static enum acsa_rc amend_units(struct acsa_app *app, struct acsa__app_work *work,
                                struct acsa_error *err)
{
    ACSA_TRY(take_units(app, &work->record, err));
    return LEDGER(app)->activity_get(app->store, work->order.activity_id, &work->activity, err);
}

enum acsa_rc acsa__app_amend_take(struct acsa_app *app, struct acsa__app_work *work,
                                  struct acsa_error *err)
{
    struct acsa_record *r = &work->record;
    struct acsa_order_draft *d = &r->draft;
    memcpy(d->requester, work->order.requester, sizeof(d->requester));
    memcpy(d->supplier, work->order.supplier, sizeof(d->supplier));
    d->method = work->order.method;
    enum acsa_rc rc = amend_units(app, work, err);
    r->command.amend = d;
    r->command.activity = &work->activity;
    return rc;
}

/* The chain link of a step: prev must be a record of that order stored here. */
static enum acsa_rc check_link(struct acsa_app *app, const char *number,
                               const uint8_t prev[ACSA_HASH_SIZE], const char *field,
                               struct acsa_error *err)
{
    bool known = false;
    enum acsa_rc rc = SYNC_STORE(app)->record_in_chain(app->store, number, prev, &known, err);
    if (rc == ACSA_OK && !known) {
        return REFUSE(err, field, "%s: the record it follows on %s is not known here (missing, "
                      "refused, or out of order)", field, number);
    }
    return rc;
}

/* The official a partner's approve, accept or reject is judged by, into cmd->official. The
 * signer's officials hold the grants its node signed and sent before the step: the core judges
 * the step by them, as the signer's node did. A node that has sent no grant of that official
 * (a database from before grants were synced) is trusted with the limit its record carries. */
static enum acsa_rc partner_official(struct acsa_app *app, struct acsa__app_work *work,
                                     const char *party, struct acsa_error *err)
{
    struct acsa_record *r = &work->record;
    struct acsa_command *cmd = &r->command;
    cmd->official = NULL;
    bool resolving = cmd->step == ACSA_STEP_RESOLVE;
    bool by_official = cmd->step == ACSA_STEP_APPROVE || cmd->step == ACSA_STEP_ACCEPT ||
                       cmd->step == ACSA_STEP_REJECT || resolving;
    if (resolving) {
        party = r->origin; /* The disputing party's node signs the resolution. */
    }
    if (party == NULL || !by_official) {
        return ACSA_OK;
    }
    enum acsa_rc rc = acsa__app_official_fill(app, work, party, cmd->actor, &cmd->official, err);
    /* No grant of the official known here (a partner that has sent none): the record's limit,
     * as the signing node holds it, is judged instead; a resolution carries none. */
    if (rc == ACSA_OK && cmd->official == NULL && (r->official_limit_minor > 0 || resolving)) {
        memset(&work->official, 0, sizeof(work->official));
        memcpy(work->official.party, r->origin, sizeof(work->official.party));
        memcpy(work->official.name, cmd->actor, sizeof(work->official.name));
        work->official.limit_currency[0] = work->order.currency;
        work->official.limit_minor[0] = r->official_limit_minor;
        work->official.limit_count = 1;
        cmd->official = &work->official;
    }
    return rc;
}

/* The last event of an order (the step to void) and the order's date before it: the latest
 * date of the steps before, a voided step not counted. */
struct last_event {
    struct acsa_event last;
    int32_t dated;              /* The order's date after the events read so far. */
    int32_t dated_before;       /* ... and before the last of them. */
    bool any;
};

static enum acsa_rc keep_last(void *ctx, const struct acsa_event_row *row)
{
    struct last_event *l = ctx;
    if (row->event.step == ACSA_STEP_VOID) {
        l->dated = l->dated_before; /* The voided step no longer dates the order. */
        return ACSA_OK;
    }
    l->dated_before = l->any ? l->dated : row->event.day;
    l->dated = l->any && l->dated > row->event.day ? l->dated : row->event.day;
    l->last = row->event;
    l->any = true;
    return ACSA_OK;
}

/* Reads the order's events into l and voids the last of them on work->order. */
static enum acsa_rc void_last_event(struct acsa_app *app, struct acsa__app_work *work,
                                    struct last_event *l, struct acsa_error *err)
{
    ACSA_TRY(LEDGER(app)->event_list(app->store, work->order.number, keep_last, l, err));
    return acsa_order_void(&work->order, &l->last, l->dated_before, acsa__app_today(0), "acsa",
                           work->fork_detail, &work->other_event, err);
}

/* Our step at the head of the order's chain lost to the partner's concurrent one: the order
 * returns to where it was before it (into work->order), and the void's event, with the order
 * as it leaves it, waits in work->other_event and work->other to be written. */
static enum acsa_rc void_head(struct acsa_app *app, struct acsa__app_work *work,
                              struct acsa_error *err)
{
    struct last_event *l = acsa_calloc(1, sizeof(*l));
    if (l == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    enum acsa_rc rc = void_last_event(app, work, l, err);
    acsa_free(l);
    if (rc == ACSA_OK) {
        memcpy(&work->other, &work->order, sizeof(work->other));
    }
    return rc == ACSA_OK || acsa_rc_fatal(rc) ? rc : ACSA_EREFUSED;
}

/* The partner's step on work->order, judged by the core: an amendment's units and a
 * submission's services first, and our voided step under it when a conflict voids ours.
 * Nothing is written. */
static enum acsa_rc apply_partner_step(struct acsa_app *app, struct acsa__app_work *work,
                                       struct acsa_error *err)
{
    struct acsa_command *cmd = &work->record.command;
    if (cmd->step == ACSA_STEP_AMEND) {
        ACSA_TRY(acsa__app_amend_take(app, work, err));
    }
    if (cmd->step == ACSA_STEP_SUBMIT) {
        ACSA_TRY(acsa__app_check_services(app, &work->agreement, work->order.requester,
                                          work->order.requester_unit_id, work->order.supplier,
                                          work->order.supplier_unit_id, err));
    }
    if (work->fork == ACSA__APP_FORK_VOID_HEAD) {
        ACSA_TRY(void_head(app, work, err));
    }
    return acsa_order_apply(&work->agreement, app->nation, &work->order, cmd, &work->event, err);
}

static enum acsa_rc take_step(struct acsa_app *app, struct acsa__app_work *work,
                              struct acsa_error *err)
{
    struct acsa_record *r = &work->record;
    struct acsa_command *cmd = &r->command;
    enum acsa_rc rc = LEDGER(app)->order_get(app->store, r->number, &work->order, err);
    if (rc == ACSA_ENOTFOUND) {
        return REFUSE(err, "number", "number: order %s is not known here (its create record "
                      "has not arrived)", r->number);
    }
    if (rc != ACSA_OK) {
        return rc;
    }
    ACSA_TRY(acsa__app_agreement_on(app, work->order.agreement_id, cmd->day, &work->agreement,
                                    err));
    acsa_app_order_keys(&work->order);
    acsa_app_name_key(cmd->actor, cmd->actor_key);
    memcpy(cmd->party, r->origin, sizeof(cmd->party)); /* Who signed it takes it. */
    const char *party = acsa_command_party(&work->order, cmd);
    bool in_order = strcmp(work->order.requester, r->origin) == 0 ||
                    strcmp(work->order.supplier, r->origin) == 0;
    if (!in_order || (party != NULL && strcmp(party, r->origin) != 0)) {
        return REFUSE(err, "step", "step: %s on %s belongs to %s, not to its signer %s",
                      acsa_step_name(cmd->step), r->number,
                      party != NULL ? party : "a party of the order", r->origin);
    }
    rc = check_link(app, r->number, r->prev_hash, "prev_hash", err);
    if (rc != ACSA_OK || work->fork == ACSA__APP_FORK_SUPERSEDED) {
        return rc; /* Its signer may take it, and it follows a record known here: kept. */
    }
    if (cmd->step == ACSA_STEP_EXCHANGE) {
        rc = LEDGER(app)->order_get(app->store, r->other_number, &work->other, err);
        if (rc == ACSA_ENOTFOUND) {
            return REFUSE(err, "other_number", "other_number: order %s is not known here",
                          r->other_number);
        }
        if (rc != ACSA_OK) {
            return rc;
        }
        ACSA_TRY(check_link(app, r->other_number, r->other_prev_hash, "other_prev_hash", err));
        ACSA_TRY(acsa_order_exchange(&work->agreement, app->nation, &work->order, &work->other,
                                     cmd, &work->event, &work->other_event, err));
        ACSA_TRY(written(LEDGER(app)->order_update(app->store, &work->other, &work->other_event,
                                                   err), err));
    } else {
        ACSA_TRY(partner_official(app, work, party, err));
        rc = apply_partner_step(app, work, err);
        cmd->official = NULL;
        cmd->amend = NULL;
        cmd->activity = NULL;
        if (rc != ACSA_OK) {
            return rc;
        }
        /* Our voided step, then the partner's: nothing is written unless both hold. */
        if (work->fork == ACSA__APP_FORK_VOID_HEAD) {
            ACSA_TRY(written(LEDGER(app)->order_update(app->store, &work->other,
                                                       &work->other_event, err), err));
        }
    }
    return written(LEDGER(app)->order_update(app->store, &work->order, &work->event, err), err);
}

/* ---- Concurrent steps --------------------------------------------------------------------- */

/* Finds the record of an order's chain with a given hash: its key (day, signer, seq), its step
 * and the record it follows. */
struct head_find {
    const uint8_t *hash;
    struct acsa_record *scratch;
    struct acsa_step_key key;
    enum acsa_step step;
    uint8_t prev[ACSA_HASH_SIZE];
    char actor[ACSA_NAME_SIZE];
    bool found;
};

static enum acsa_rc find_head(void *ctx, const struct acsa_record_row *row)
{
    struct head_find *h = ctx;
    if (h->found || memcmp(row->hash, h->hash, ACSA_HASH_SIZE) != 0) {
        return ACSA_OK;
    }
    struct acsa_error ignored;
    if (acsa_record_decode(row->body, row->body_len, h->scratch, &ignored) == ACSA_OK &&
        h->scratch->kind == ACSA_RECORD_STEP) {
        h->key.day = h->scratch->command.day;
        memcpy(h->key.nation, row->origin, sizeof(h->key.nation));
        h->key.seq = row->seq;
        h->step = h->scratch->command.step;
        memcpy(h->prev, h->scratch->prev_hash, ACSA_HASH_SIZE);
        memcpy(h->actor, h->scratch->command.actor, sizeof(h->actor));
        h->found = true;
    }
    return ACSA_OK;
}

/* The record of number's chain with that hash, into h (h->found false if none). */
static enum acsa_rc head_find(struct acsa_app *app, const char *number,
                              const uint8_t hash[ACSA_HASH_SIZE], struct head_find *h,
                              struct acsa_error *err)
{
    memset(h, 0, sizeof(*h));
    h->hash = hash;
    h->scratch = acsa_malloc(sizeof(*h->scratch));
    if (h->scratch == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    enum acsa_rc rc = SYNC_STORE(app)->record_list(app->store, number, find_head, h, err);
    acsa_free(h->scratch);
    h->scratch = NULL;
    return rc;
}

/* A step whose link is an older record than the head was taken concurrently with the steps
 * after it. Whichever arrived last, the head of the chain is the later of the two in the
 * order both nodes use (day, signer nation, seq), so both nodes end with the same head. */
static enum acsa_rc settle_head(struct acsa_app *app, const struct acsa_record *r,
                                const uint8_t old_head[ACSA_HASH_SIZE], struct acsa_error *err)
{
    if (sodium_memcmp(r->prev_hash, old_head, ACSA_HASH_SIZE) == 0) {
        return ACSA_OK; /* Not concurrent: the new record is the head. */
    }
    struct head_find h;
    enum acsa_rc rc = head_find(app, r->number, old_head, &h, err);
    struct acsa_step_key incoming = {.day = r->command.day, .seq = r->seq};
    memcpy(incoming.nation, r->origin, sizeof(incoming.nation));
    if (rc == ACSA_OK && h.found && acsa_step_key_compare(&h.key, &incoming) > 0) {
        rc = SYNC_STORE(app)->chain_head_set(app->store, r->number, old_head, err);
    }
    return rc;
}

/* Two steps taken from the same record of an order, ours the head of its chain here and the
 * partner's r, that do not commute: both nodes decide them by acsa_conflict_decide, so each
 * ends with the same step standing whichever arrived first (ARCHITECTURE.md, "Concurrent
 * steps"). old_head is the chain's head here; officer is set when a programme officer retries
 * the record, which is the decision a conflict decided by hand waits for. */
static enum acsa_rc fork_decide(struct acsa_app *app, struct acsa__app_work *work,
                                const uint8_t old_head[ACSA_HASH_SIZE], bool officer,
                                enum acsa__app_fork *out, struct acsa_error *err)
{
    const struct acsa_record *r = &work->record;
    *out = ACSA__APP_FORK_NONE;
    if (sodium_memcmp(r->prev_hash, old_head, ACSA_HASH_SIZE) == 0) {
        return ACSA_OK;
    }
    struct head_find h;
    enum acsa_rc rc = head_find(app, r->number, old_head, &h, err);
    if (rc != ACSA_OK || !h.found || strcmp(h.key.nation, app->nation) != 0 ||
        memcmp(h.prev, r->prev_hash, ACSA_HASH_SIZE) != 0 ||
        acsa_steps_commute(h.step, r->command.step)) {
        return rc;
    }
    struct acsa_step_key incoming = {.day = r->command.day, .seq = r->seq};
    memcpy(incoming.nation, r->origin, sizeof(incoming.nation));
    enum acsa_conflict decided = acsa_conflict_decide(h.step, &h.key, r->command.step,
                                                      &incoming);
    char ours[ACSA_DATE_TEXT_SIZE];
    char theirs[ACSA_DATE_TEXT_SIZE];
    acsa_date_format(h.key.day, ours);
    acsa_date_format(r->command.day, theirs);
    if (decided == ACSA_CONFLICT_BY_HAND && !officer) {
        *out = ACSA__APP_FORK_BY_HAND;
        return REFUSE(err, "step", "step: %s's %s of %s on %s conflicts with %s's %s of %s, "
                      "taken concurrently, and neither can be voided: held until a programme "
                      "officer on each side decides (quarantine resolve)", r->origin,
                      acsa_step_name(r->command.step), theirs, r->number, app->nation,
                      acsa_step_name(h.step), ours);
    }
    if (decided == ACSA_CONFLICT_BY_HAND) {
        return ACSA_OK; /* Applied on top of ours if the core accepts it, as decided. */
    }
    bool ours_stands = decided == ACSA_CONFLICT_FIRST_STANDS;
    /* Names are cut to fit: the detail is a line of the history, the records hold the rest. */
    int n = snprintf(work->fork_detail, sizeof(work->fork_detail), "%s's %s of %s by %.40s and "
                     "%s's %s of %s by %.40s were concurrent: the %s stands, the %s is void",
                     app->nation, acsa_step_name(h.step), ours, h.actor, r->origin,
                     acsa_step_name(r->command.step), theirs, r->command.actor,
                     acsa_step_name(ours_stands ? h.step : r->command.step),
                     acsa_step_name(ours_stands ? r->command.step : h.step));
    ACSA_ASSERT(n > 0);
    *out = ours_stands ? ACSA__APP_FORK_SUPERSEDED : ACSA__APP_FORK_VOID_HEAD;
    return ACSA_OK;
}

enum acsa_rc acsa__app_record_take(struct acsa_app *app, const char *signer,
                                   const uint8_t *body, size_t len,
                                   const uint8_t hash[ACSA_HASH_SIZE], int64_t batch_id,
                                   bool decided, bool *duplicate, bool *concurrent,
                                   struct acsa_error *err)
{
    *duplicate = false;
    *concurrent = false;
    struct acsa__app_work *work = acsa__app_work(app, err);
    if (work == NULL) {
        return ACSA_ENOMEM;
    }
    struct acsa_record *r = &work->record;
    enum acsa_rc rc = acsa_record_decode(body, len, r, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    if (strcmp(r->origin, signer) != 0) {
        return REFUSE(err, "origin", "origin: record %s/%lld came in a batch signed by %s",
                      r->origin, (long long)r->seq, signer);
    }
    /* A step recorded "tomorrow" here is a wrong clock or a forgery; one day of slack covers
     * nodes in time zones ahead of ours. */
    int32_t today = acsa__app_today(0);
    if (r->kind == ACSA_RECORD_STEP && today != 0 &&
        r->command.recorded_day > today + ACSA_RECORDED_DAY_SLACK) {
        char recorded[ACSA_DATE_TEXT_SIZE];
        char here[ACSA_DATE_TEXT_SIZE];
        return REFUSE(err, "recorded_day", "recorded_day: %s is after today on this node (%s) "
                      "plus %d day", acsa_date_format(r->command.recorded_day, recorded),
                      acsa_date_format(today, here), ACSA_RECORDED_DAY_SLACK);
    }
    struct acsa_record_row stored;
    rc = SYNC_STORE(app)->record_get(app->store, r->origin, r->seq, &stored, err);
    if (rc == ACSA_OK) {
        if (sodium_memcmp(hash, stored.hash, ACSA_HASH_SIZE) == 0) {
            *duplicate = true;
            return ACSA_OK;
        }
        return REFUSE(err, "seq", "seq: %s/%lld differs from the record of that number taken "
                      "in before", r->origin, (long long)r->seq);
    }
    if (rc != ACSA_ENOTFOUND) {
        return rc;
    }
    acsa_error_clear(err);
    const char *partner = "";
    switch (r->kind) {
    case ACSA_RECORD_UNIT:
    case ACSA_RECORD_ACTIVITY:
        ACSA_TRY(take_ref(app, work, err));
        break;
    case ACSA_RECORD_GRANT:
        rc = acsa__app_take_grant(app, work, err);
        if (rc != ACSA_OK) {
            return rc == ACSA_EREFUSED || rc == ACSA_EUSAGE || rc == ACSA_ELIMIT
                       ? rc : written(rc, err);
        }
        break;
    case ACSA_RECORD_AGREEMENT:
        ACSA_TRY(acsa__app_take_agreement(app, work, err));
        partner = r->origin;
        break;
    case ACSA_RECORD_DOCUMENT:
        rc = acsa__app_take_document(app, work, err);
        if (rc != ACSA_OK) {
            return rc == ACSA_EREFUSED ? rc : written(rc, err);
        }
        partner = r->origin;
        break;
    case ACSA_RECORD_STEP:
        break;
    }
    /* The head before this record: an exchange moves two chains and conflicts with any
     * concurrent step, so only single-order steps can be concurrent here. */
    uint8_t old_head[ACSA_HASH_SIZE];
    bool single = r->kind == ACSA_RECORD_STEP && r->command.step != ACSA_STEP_CREATE &&
                  r->command.step != ACSA_STEP_EXCHANGE;
    enum acsa__app_fork fork = ACSA__APP_FORK_NONE;
    if (single) {
        rc = SYNC_STORE(app)->chain_head(app->store, r->number, old_head, err);
        if (rc == ACSA_ENOTFOUND) {
            return REFUSE(err, "number", "number: order %s is not known here (its create "
                          "record has not arrived)", r->number);
        }
        if (rc != ACSA_OK) {
            return written(rc, err);
        }
        rc = fork_decide(app, work, old_head, decided, &fork, err);
        if (rc != ACSA_OK) {
            return fork == ACSA__APP_FORK_BY_HAND ? rc : written(rc, err);
        }
    }
    /* Whether the record is a step concurrent with ours: told even if taking it in fails. */
    *concurrent = fork == ACSA__APP_FORK_SUPERSEDED || fork == ACSA__APP_FORK_VOID_HEAD;
    if (r->kind == ACSA_RECORD_STEP) {
        work->fork = fork;
        rc = r->command.step == ACSA_STEP_CREATE ? take_create(app, work, err)
                                                 : take_step(app, work, err);
        work->fork = ACSA__APP_FORK_NONE;
        partner = r->origin;
        if (rc != ACSA_OK) {
            return rc;
        }
    }
    /* A record from the partner is kept for the history; it is never sent back. */
    ACSA_TRY(written(store_record(app, work, partner, batch_id, body, len, hash, err), err));
    /* A partner's step that lost is kept with the order's records (the history both nodes
     * share) but not applied: our step stays the head of the chain. */
    if (fork == ACSA__APP_FORK_SUPERSEDED) {
        ACSA_TRY(written(SYNC_STORE(app)->chain_head_set(app->store, r->number, old_head, err),
                         err));
    }
    if (*concurrent) {
        ACSA_TRY(written(acsa__app_audit_append(app, "sync.concurrent", r->number, ACSA_OK,
                                                work->fork_detail, err), err));
    }
    if (single && fork == ACSA__APP_FORK_NONE) {
        return written(settle_head(app, r, old_head, err), err);
    }
    return ACSA_OK;
}
