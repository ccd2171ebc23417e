/* SPDX-License-Identifier: MIT */
/* The canonical encoding of records: big-endian fixed-width integers, texts as a 16-bit
 * length and their bytes (no NUL), steps and methods by name; nothing optional is left out,
 * so one record has exactly one encoding. */
#include "record.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "acsa_assert.h"
#include "date.h"
#include "money.h"
#include "text.h"
#include "text_quote.h"

enum acsa_signer acsa_step_signer(enum acsa_step step)
{
    switch (step) {
    case ACSA_STEP_ACCEPT:
    case ACSA_STEP_REJECT:
    case ACSA_STEP_ISSUE:
    case ACSA_STEP_INVOICE:
    case ACSA_STEP_ACCEPT_RETURN:
    case ACSA_STEP_CONVERT: /* The creditor turns its in-kind claim into cash, as it invoices. */
    case ACSA_STEP_REJECT_RETURN:
        return ACSA_SIGNER_SUPPLIER;
    case ACSA_STEP_DISPUTE:
    case ACSA_STEP_EXCHANGE:
    case ACSA_STEP_CLOSE:
    case ACSA_STEP_CLOSE_LINE:
        return ACSA_SIGNER_EITHER;
    case ACSA_STEP_RESOLVE:
        return ACSA_SIGNER_DISPUTANT;
    case ACSA_STEP_CORRECT:
        return ACSA_SIGNER_CORRECTED;
    case ACSA_STEP_VOID:
        return ACSA_SIGNER_NONE;
    default:
        return ACSA_SIGNER_REQUESTER;
    }
}

const char *acsa_step_party(const struct acsa_order *order, enum acsa_step step)
{
    switch (acsa_step_signer(step)) {
    case ACSA_SIGNER_REQUESTER: return order->requester;
    case ACSA_SIGNER_SUPPLIER: return order->supplier;
    case ACSA_SIGNER_DISPUTANT: return order->disputed_by[0] != '\0' ? order->disputed_by : NULL;
    default: return NULL;
    }
}

const char *acsa_command_party(const struct acsa_order *order, const struct acsa_command *cmd)
{
    if (cmd->step != ACSA_STEP_CORRECT) {
        return acsa_step_party(order, cmd->step);
    }
    switch (cmd->corrected_step) {
    case ACSA_STEP_ISSUE:
    case ACSA_STEP_ACCEPT_RETURN:
        return order->supplier;
    case ACSA_STEP_RECEIVE:
    case ACSA_STEP_RETURN:
        return order->requester;
    default:
        return NULL; /* The core refuses any other corrected step. */
    }
}

/* Agreement records are signed by either party of the agreement: a notice or a termination
 * by the party that gives it, an amendment (agreed by both) by the party that entered it. */
static const char *const action_names[] = {
    [ACSA_AGREEMENT_AMEND] = "amend",
    [ACSA_AGREEMENT_NOTICE] = "notice",
    [ACSA_AGREEMENT_TERMINATE] = "terminate",
};

const char *acsa_agreement_action_name(enum acsa_agreement_action action)
{
    if (action < ACSA_AGREEMENT_AMEND || action > ACSA_AGREEMENT_TERMINATE) {
        return "";
    }
    return action_names[action];
}

static enum acsa_agreement_action action_parse(const char *name)
{
    for (int a = ACSA_AGREEMENT_AMEND; a <= ACSA_AGREEMENT_TERMINATE; a++) {
        if (strcmp(name, action_names[a]) == 0) {
            return (enum acsa_agreement_action)a;
        }
    }
    return (enum acsa_agreement_action)0;
}

/* ---- Writing ------------------------------------------------------------------------------ */

struct writer {
    uint8_t *buf;
    size_t cap;
    size_t len;
    const char *field; /* The first field that did not fit or was out of range. */
};

static void put_bytes(struct writer *w, const void *data, size_t n, const char *field)
{
    if (w->field != NULL) {
        return;
    }
    if (n > w->cap - w->len) {
        w->field = field;
        return;
    }
    memcpy(w->buf + w->len, data, n);
    w->len += n;
}

static void put_u64(struct writer *w, uint64_t v, unsigned width, const char *field)
{
    uint8_t b[8];
    for (unsigned i = 0; i < width; i++) {
        b[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
    }
    put_bytes(w, b, width, field);
}

static void put_i64(struct writer *w, int64_t v, const char *field)
{
    put_u64(w, (uint64_t)v, 8, field);
}

static void put_i32(struct writer *w, int32_t v, const char *field)
{
    put_u64(w, (uint32_t)v, 4, field);
}

static void put_text(struct writer *w, const char *text, size_t size, const char *field)
{
    size_t n = strnlen(text, size);
    if (n >= size) {
        w->field = w->field != NULL ? w->field : field;
        return;
    }
    put_u64(w, n, 2, field);
    put_bytes(w, text, n, field);
}

#define PUT_TEXT(w, array, field) put_text((w), (array), sizeof(array), (field))

static void put_ref(struct writer *w, const struct acsa_ref *ref, const char *field)
{
    PUT_TEXT(w, ref->origin, field);
    put_i64(w, ref->id, field);
}

static void put_lines(struct writer *w, const struct acsa_order_draft *d)
{
    if (d->line_count > ACSA_ORDER_LINES_MAX) {
        w->field = w->field != NULL ? w->field : "lines";
        return;
    }
    put_u64(w, d->line_count, 4, "lines");
    for (uint32_t i = 0; i < d->line_count; i++) {
        const struct acsa_order_line *l = &d->lines[i];
        PUT_TEXT(w, l->category, "line.category");
        PUT_TEXT(w, l->description, "line.description");
        PUT_TEXT(w, l->nsn, "line.nsn");
        PUT_TEXT(w, l->unit_of_issue, "line.unit");
        put_i64(w, l->quantity_milli, "line.qty");
        put_i64(w, l->price_minor, "line.price");
    }
}

static void put_create(struct writer *w, const struct acsa_record *r)
{
    const struct acsa_order_draft *d = &r->draft;
    PUT_TEXT(w, r->agreement_id, "agreement_id");
    put_ref(w, &r->activity, "activity");
    put_ref(w, &r->requester_unit, "requester_unit");
    put_ref(w, &r->supplier_unit, "supplier_unit");
    PUT_TEXT(w, d->requester, "requester");
    PUT_TEXT(w, d->supplier, "supplier");
    if ((unsigned)d->method >= ACSA_METHOD_COUNT) {
        w->field = w->field != NULL ? w->field : "method";
        return;
    }
    put_text(w, acsa_method_name(d->method), ACSA_CODE_SIZE, "method");
    PUT_TEXT(w, d->place, "place");
    put_i32(w, d->need_by_day, "need_by");
    PUT_TEXT(w, d->line_currency[0], "currency");
    if (d->line_count > ACSA_ORDER_LINES_MAX) {
        w->field = w->field != NULL ? w->field : "lines";
        return;
    }
    put_lines(w, d);
}

/* Version 2: the corrected step of a correction ("" for other steps), then for amend the
 * changed draft in the layout of create's. */
static void put_fix(struct writer *w, const struct acsa_record *r)
{
    const struct acsa_command *c = &r->command;
    bool corrects = c->step == ACSA_STEP_CORRECT;
    if (corrects && (unsigned)c->corrected_step >= ACSA_STEP_COUNT) {
        w->field = w->field != NULL ? w->field : "corrected_step";
        return;
    }
    put_text(w, corrects ? acsa_step_name(c->corrected_step) : "", ACSA_CODE_SIZE,
             "corrected_step");
    if (c->step != ACSA_STEP_AMEND) {
        return;
    }
    const struct acsa_order_draft *d = &r->draft;
    put_ref(w, &r->requester_unit, "requester_unit");
    put_ref(w, &r->supplier_unit, "supplier_unit");
    PUT_TEXT(w, d->place, "place");
    put_i32(w, d->need_by_day, "need_by");
    PUT_TEXT(w, d->line_currency[0], "currency");
    put_lines(w, d);
}

static void put_step(struct writer *w, const struct acsa_record *r)
{
    const struct acsa_command *c = &r->command;
    PUT_TEXT(w, r->number, "number");
    put_bytes(w, r->prev_hash, ACSA_HASH_SIZE, "prev_hash");
    if ((unsigned)c->step >= ACSA_STEP_COUNT) {
        w->field = w->field != NULL ? w->field : "step";
        return;
    }
    put_text(w, acsa_step_name(c->step), ACSA_CODE_SIZE, "step");
    put_i32(w, c->day, "day");
    PUT_TEXT(w, c->actor, "actor");
    PUT_TEXT(w, c->reason, "reason");
    put_u64(w, c->line_no, 4, "line");
    put_i64(w, c->quantity_milli, "qty");
    put_i64(w, c->amount_minor, "amount");
    PUT_TEXT(w, c->currency, "currency");
    put_i64(w, r->official_limit_minor, "official_limit");
    if (c->step == ACSA_STEP_CREATE) {
        put_create(w, r);
    } else if (c->step == ACSA_STEP_EXCHANGE) {
        PUT_TEXT(w, r->other_number, "other_number");
        put_bytes(w, r->other_prev_hash, ACSA_HASH_SIZE, "other_prev_hash");
    }
    /* Version 2: settlement fields, after the fields of the kind. */
    put_i64(w, c->rate.units, "rate");
    put_u64(w, c->rate.scale, 1, "rate_scale");
    put_i32(w, c->rate_day, "rate_date");
    PUT_TEXT(w, c->rate_source, "rate_source");
    PUT_TEXT(w, c->invoice, "invoice");
    put_u64(w, c->exchange_more, 1, "exchange_more");
    put_fix(w, r);
    /* Version 2: the day the step was recorded and its back-entry reason, last. */
    put_i32(w, c->recorded_day, "recorded_day");
    PUT_TEXT(w, c->backdate_reason, "backdate_reason");
}

static void put_grant(struct writer *w, const struct acsa_record *r)
{
    const struct acsa_grant *g = &r->grant;
    put_i64(w, r->ref_id, "id");
    PUT_TEXT(w, g->party, "party");
    PUT_TEXT(w, g->name, "name");
    PUT_TEXT(w, g->title, "title");
    PUT_TEXT(w, g->agreement_id, "agreement_id");
    PUT_TEXT(w, g->currency.code, "currency");
    put_i64(w, g->limit_minor, "limit");
    put_i32(w, g->from_day, "from");
    put_i32(w, g->to_day, "to");
    put_i32(w, g->revoked_day, "revoked");
    PUT_TEXT(w, g->revoke_reason, "revoke_reason");
}

static void put_agreement(struct writer *w, const struct acsa_record *r)
{
    const struct acsa_agreement_fact *f = &r->life;
    PUT_TEXT(w, f->agreement_id, "agreement_id");
    const char *action = acsa_agreement_action_name(f->action);
    if (action[0] == '\0') {
        w->field = w->field != NULL ? w->field : "action";
        return;
    }
    put_text(w, action, ACSA_CODE_SIZE, "action");
    put_i32(w, f->day, "day");
    PUT_TEXT(w, f->actor, "actor");
    PUT_TEXT(w, f->reason, "reason");
    PUT_TEXT(w, f->document, "document");
}

static void put_document(struct writer *w, const struct acsa_record *r)
{
    const struct acsa_document_ref *d = &r->document;
    PUT_TEXT(w, d->id, "id");
    PUT_TEXT(w, d->number, "number");
    put_u64(w, d->line, 4, "line");
    const char *kind = acsa_document_kind_name(d->kind);
    if (kind[0] == '\0') {
        w->field = w->field != NULL ? w->field : "document_kind";
        return;
    }
    put_text(w, kind, ACSA_DOCUMENT_KIND_SIZE, "document_kind");
    put_bytes(w, d->sha256, sizeof(d->sha256), "sha256");
    put_i64(w, d->size, "size");
    PUT_TEXT(w, d->content_type, "content_type");
    PUT_TEXT(w, d->actor, "actor");
    put_i64(w, d->at_s, "at");
}

enum acsa_rc acsa_record_encode(const struct acsa_record *record, uint8_t *buf, size_t cap,
                                size_t *out_len, struct acsa_error *err)
{
    struct writer w = {.buf = buf, .cap = cap, .len = 0, .field = NULL};
    *out_len = 0;
    put_u64(&w, ACSA_RECORD_VERSION, 1, "version");
    put_u64(&w, (uint64_t)record->kind, 1, "kind");
    PUT_TEXT(&w, record->origin, "origin");
    put_i64(&w, record->seq, "seq");
    put_u64(&w, record->manual ? 1 : 0, 1, "manual");
    switch (record->kind) {
    case ACSA_RECORD_STEP:
        put_step(&w, record);
        break;
    case ACSA_RECORD_ACTIVITY: {
        const struct acsa_activity *a = &record->ref_activity;
        put_i64(&w, record->ref_id, "id");
        PUT_TEXT(&w, a->agreement_id, "agreement_id");
        PUT_TEXT(&w, a->name, "name");
        PUT_TEXT(&w, a->type, "type");
        put_i32(&w, a->from_day, "from");
        put_i32(&w, a->to_day, "to");
        PUT_TEXT(&w, a->place, "place");
        PUT_TEXT(&w, a->reason, "reason"); /* Version 2. */
        break;
    }
    case ACSA_RECORD_UNIT:
        put_i64(&w, record->ref_id, "id");
        PUT_TEXT(&w, record->unit_party, "party");
        PUT_TEXT(&w, record->unit_name, "name");
        /* Appended in version 2, and only when known: a unit record without a service keeps
         * the layout it had before, so records stored and sent before stay valid. */
        if (record->unit_service[0] != '\0') {
            PUT_TEXT(&w, record->unit_service, "service");
        }
        break;
    case ACSA_RECORD_GRANT:
        put_grant(&w, record);
        break;
    case ACSA_RECORD_AGREEMENT:
        put_agreement(&w, record);
        break;
    case ACSA_RECORD_DOCUMENT:
        put_document(&w, record);
        break;
    default:
        w.field = "kind";
    }
    if (w.field != NULL) {
        return acsa_error_set(err, ACSA_EUSAGE, w.field,
                              "record.%s: too long or out of range for a record", w.field);
    }
    *out_len = w.len;
    return ACSA_OK;
}

/* ---- Reading ------------------------------------------------------------------------------ */

struct reader {
    const uint8_t *buf;
    size_t len;
    size_t pos;
    const char *field; /* The first field that was short or malformed. */
};

static bool get_bytes(struct reader *r, void *out, size_t n, const char *field)
{
    if (r->field != NULL) {
        return false;
    }
    if (n > r->len - r->pos) {
        r->field = field;
        return false;
    }
    memcpy(out, r->buf + r->pos, n);
    r->pos += n;
    return true;
}

static uint64_t get_u64(struct reader *r, unsigned width, const char *field)
{
    uint8_t b[8] = {0};
    uint64_t v = 0;
    if (get_bytes(r, b, width, field)) {
        for (unsigned i = 0; i < width; i++) {
            v = (v << 8) | b[i];
        }
    }
    return v;
}

static int64_t get_i64(struct reader *r, const char *field)
{
    return (int64_t)get_u64(r, 8, field);
}

static int32_t get_i32(struct reader *r, const char *field)
{
    return (int32_t)(uint32_t)get_u64(r, 4, field);
}

static void get_text(struct reader *r, char *out, size_t size, const char *field)
{
    out[0] = '\0';
    size_t n = (size_t)get_u64(r, 2, field);
    if (r->field != NULL) {
        return;
    }
    if (n >= size) {
        r->field = field;
        return;
    }
    if (get_bytes(r, out, n, field)) {
        out[n] = '\0';
        if (strlen(out) != n) {
            r->field = field; /* An embedded NUL. */
        }
    }
}

#define GET_TEXT(r, array, field) get_text((r), (array), sizeof(array), (field))

static void get_ref(struct reader *r, struct acsa_ref *ref, const char *field)
{
    GET_TEXT(r, ref->origin, field);
    ref->id = get_i64(r, field);
}

/* The currency, then the count and the lines of a create or an amend. */
static void get_lines(struct reader *r, struct acsa_order_draft *d)
{
    char currency[ACSA_CURRENCY_SIZE];
    GET_TEXT(r, currency, "currency");
    uint64_t count = get_u64(r, 4, "lines");
    if (r->field == NULL && count > ACSA_ORDER_LINES_MAX) {
        r->field = "lines";
    }
    for (uint32_t i = 0; r->field == NULL && i < (uint32_t)count; i++) {
        struct acsa_order_line *l = &d->lines[i];
        GET_TEXT(r, l->category, "line.category");
        GET_TEXT(r, l->description, "line.description");
        GET_TEXT(r, l->nsn, "line.nsn");
        GET_TEXT(r, l->unit_of_issue, "line.unit");
        l->quantity_milli = get_i64(r, "line.qty");
        l->price_minor = get_i64(r, "line.price");
        memcpy(d->line_currency[i], currency, sizeof(currency));
    }
    d->line_count = r->field == NULL ? (uint32_t)count : 0;
    if (d->line_count == 0) {
        memcpy(d->line_currency[0], currency, sizeof(currency));
    }
}

static void get_create(struct reader *r, struct acsa_record *out)
{
    struct acsa_order_draft *d = &out->draft;
    GET_TEXT(r, out->agreement_id, "agreement_id");
    get_ref(r, &out->activity, "activity");
    get_ref(r, &out->requester_unit, "requester_unit");
    get_ref(r, &out->supplier_unit, "supplier_unit");
    GET_TEXT(r, d->requester, "requester");
    GET_TEXT(r, d->supplier, "supplier");
    char method[ACSA_CODE_SIZE];
    GET_TEXT(r, method, "method");
    if (r->field == NULL && !acsa_method_parse(method, &d->method)) {
        r->field = "method";
    }
    GET_TEXT(r, d->place, "place");
    d->need_by_day = get_i32(r, "need_by");
    get_lines(r, d);
    d->requester_unit_id = 0;
    d->supplier_unit_id = 0;
}

/* Version 2 fields: see put_fix. */
static void get_fix(struct reader *r, struct acsa_record *out)
{
    struct acsa_command *c = &out->command;
    char step[ACSA_CODE_SIZE];
    GET_TEXT(r, step, "corrected_step");
    c->corrected_step = ACSA_STEP_CREATE;
    if (r->field == NULL && step[0] != '\0' &&
        (c->step != ACSA_STEP_CORRECT || !acsa_step_parse(step, &c->corrected_step))) {
        r->field = "corrected_step";
    }
    if (r->field != NULL || c->step != ACSA_STEP_AMEND) {
        return;
    }
    struct acsa_order_draft *d = &out->draft;
    get_ref(r, &out->requester_unit, "requester_unit");
    get_ref(r, &out->supplier_unit, "supplier_unit");
    GET_TEXT(r, d->place, "place");
    d->need_by_day = get_i32(r, "need_by");
    get_lines(r, d);
}

static void get_step(struct reader *r, struct acsa_record *out)
{
    struct acsa_command *c = &out->command;
    GET_TEXT(r, out->number, "number");
    get_bytes(r, out->prev_hash, ACSA_HASH_SIZE, "prev_hash");
    char step[ACSA_CODE_SIZE];
    GET_TEXT(r, step, "step");
    if (r->field == NULL && !acsa_step_parse(step, &c->step)) {
        r->field = "step";
    }
    c->day = get_i32(r, "day");
    GET_TEXT(r, c->actor, "actor");
    GET_TEXT(r, c->reason, "reason");
    c->line_no = (uint32_t)get_u64(r, 4, "line");
    c->quantity_milli = get_i64(r, "qty");
    c->amount_minor = get_i64(r, "amount");
    GET_TEXT(r, c->currency, "currency");
    out->official_limit_minor = get_i64(r, "official_limit");
    c->official = NULL;
    if (r->field == NULL && c->step == ACSA_STEP_CREATE) {
        get_create(r, out);
    } else if (r->field == NULL && c->step == ACSA_STEP_EXCHANGE) {
        GET_TEXT(r, out->other_number, "other_number");
        get_bytes(r, out->other_prev_hash, ACSA_HASH_SIZE, "other_prev_hash");
    }
    c->rate.units = get_i64(r, "rate");
    c->rate.scale = (uint8_t)get_u64(r, 1, "rate_scale");
    c->rate_day = get_i32(r, "rate_date");
    GET_TEXT(r, c->rate_source, "rate_source");
    GET_TEXT(r, c->invoice, "invoice");
    c->exchange_more = (uint8_t)get_u64(r, 1, "exchange_more");
    if (r->field == NULL) {
        get_fix(r, out);
    }
    c->recorded_day = get_i32(r, "recorded_day");
    GET_TEXT(r, c->backdate_reason, "backdate_reason");
    if (c->step == ACSA_STEP_CREATE) {
        /* A new order's date rules read them from its draft. */
        out->draft.recorded_day = c->recorded_day;
        memcpy(out->draft.backdate_reason, c->backdate_reason, ACSA_TEXT_SIZE);
    }
}

static void get_grant(struct reader *r, struct acsa_record *out)
{
    struct acsa_grant *g = &out->grant;
    out->ref_id = get_i64(r, "id");
    GET_TEXT(r, g->party, "party");
    GET_TEXT(r, g->name, "name");
    GET_TEXT(r, g->title, "title");
    GET_TEXT(r, g->agreement_id, "agreement_id");
    GET_TEXT(r, g->currency.code, "currency");
    g->limit_minor = get_i64(r, "limit");
    g->from_day = get_i32(r, "from");
    g->to_day = get_i32(r, "to");
    g->revoked_day = get_i32(r, "revoked");
    GET_TEXT(r, g->revoke_reason, "revoke_reason");
    const struct acsa_currency *known = acsa_currency_find(g->currency.code);
    g->currency.exponent = known != NULL ? known->exponent : 0;
}

static void get_agreement(struct reader *r, struct acsa_record *out)
{
    struct acsa_agreement_fact *f = &out->life;
    GET_TEXT(r, f->agreement_id, "agreement_id");
    char action[ACSA_CODE_SIZE];
    GET_TEXT(r, action, "action");
    f->action = action_parse(action);
    if (r->field == NULL && f->action == 0) {
        r->field = "action";
    }
    f->day = get_i32(r, "day");
    GET_TEXT(r, f->actor, "actor");
    GET_TEXT(r, f->reason, "reason");
    GET_TEXT(r, f->document, "document");
}

static void get_document(struct reader *r, struct acsa_record *out)
{
    struct acsa_document_ref *d = &out->document;
    GET_TEXT(r, d->id, "id");
    GET_TEXT(r, d->number, "number");
    d->line = (uint32_t)get_u64(r, 4, "line");
    char kind[ACSA_DOCUMENT_KIND_SIZE];
    GET_TEXT(r, kind, "document_kind");
    d->kind = acsa_document_kind_parse(kind);
    if (r->field == NULL && d->kind == 0) {
        r->field = "document_kind";
    }
    (void)get_bytes(r, d->sha256, sizeof(d->sha256), "sha256");
    d->size = get_i64(r, "size");
    GET_TEXT(r, d->content_type, "content_type");
    GET_TEXT(r, d->actor, "actor");
    d->at_s = get_i64(r, "at");
}

enum acsa_rc acsa_record_decode(const uint8_t *buf, size_t len, struct acsa_record *out,
                                struct acsa_error *err)
{
    memset(out, 0, sizeof(*out));
    struct reader r = {.buf = buf, .len = len, .pos = 0, .field = NULL};
    uint64_t version = get_u64(&r, 1, "version");
    if (r.field == NULL && version != ACSA_RECORD_VERSION) {
        return acsa_error_set(err, ACSA_EREFUSED, "version",
                              "record.version: %u is not a version this node reads (%d)",
                              (unsigned)version, ACSA_RECORD_VERSION);
    }
    out->kind = (enum acsa_record_kind)get_u64(&r, 1, "kind");
    GET_TEXT(&r, out->origin, "origin");
    out->seq = get_i64(&r, "seq");
    out->manual = (uint8_t)get_u64(&r, 1, "manual");
    if (r.field == NULL && (!acsa_nation_valid(out->origin) || out->seq <= 0 ||
                            out->manual > 1)) {
        r.field = !acsa_nation_valid(out->origin) ? "origin" : out->seq <= 0 ? "seq" : "manual";
    }
    if (r.field == NULL) {
        switch (out->kind) {
        case ACSA_RECORD_STEP:
            get_step(&r, out);
            break;
        case ACSA_RECORD_ACTIVITY:
            out->ref_id = get_i64(&r, "id");
            GET_TEXT(&r, out->ref_activity.agreement_id, "agreement_id");
            GET_TEXT(&r, out->ref_activity.name, "name");
            GET_TEXT(&r, out->ref_activity.type, "type");
            out->ref_activity.from_day = get_i32(&r, "from");
            out->ref_activity.to_day = get_i32(&r, "to");
            GET_TEXT(&r, out->ref_activity.place, "place");
            GET_TEXT(&r, out->ref_activity.reason, "reason");
            break;
        case ACSA_RECORD_UNIT:
            out->ref_id = get_i64(&r, "id");
            GET_TEXT(&r, out->unit_party, "party");
            GET_TEXT(&r, out->unit_name, "name");
            if (r.field == NULL && r.pos < len) {
                GET_TEXT(&r, out->unit_service, "service");
                /* An empty service is written by leaving it out: one record, one encoding. */
                r.field = r.field == NULL && out->unit_service[0] == '\0' ? "service" : r.field;
            }
            break;
        case ACSA_RECORD_GRANT:
            get_grant(&r, out);
            break;
        case ACSA_RECORD_AGREEMENT:
            get_agreement(&r, out);
            break;
        case ACSA_RECORD_DOCUMENT:
            get_document(&r, out);
            break;
        default:
            r.field = "kind";
        }
    }
    if (r.field == NULL && r.pos != len) {
        r.field = "length";
    }
    if (r.field != NULL) {
        const char *field = r.field;
        memset(out, 0, sizeof(*out));
        return acsa_error_set(err, ACSA_EREFUSED, field,
                              "record.%s: malformed, truncated or out of range", field);
    }
    /* The layout holds; now every value must be one this node can take in. */
    enum acsa_rc rc = acsa_record_check(out, err);
    if (rc != ACSA_OK) {
        memset(out, 0, sizeof(*out));
    }
    return rc;
}

enum acsa_rc acsa_record_roundtrip(const uint8_t *buf, size_t len, struct acsa_record *scratch,
                                   struct acsa_error *err)
{
    enum acsa_rc rc = acsa_record_decode(buf, len, scratch, err);
    if (rc != ACSA_OK) {
        ACSA_ASSERT(rc == ACSA_EREFUSED);
        return rc;
    }
    uint8_t again[ACSA_RECORD_MAX];
    size_t again_len = 0;
    rc = acsa_record_encode(scratch, again, sizeof(again), &again_len, err);
    /* One record, one encoding: what decodes encodes to exactly the bytes it came from. */
    ACSA_ASSERT(rc == ACSA_OK);
    ACSA_ASSERT(again_len == len && memcmp(again, buf, len) == 0);
    return ACSA_OK;
}

/* ---- Ranges ------------------------------------------------------------------------------- */

/* The first field found out of range, and why. */
struct checker {
    const char *field;
    char why[ACSA_ERROR_MESSAGE_SIZE - 64];
};

/* A quote of a refused text is cut to this many bytes, so the rule before it always fits. */
#define QUOTE_SIZE 72

static void refuse(struct checker *c, const char *field, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void refuse(struct checker *c, const char *field, const char *format, ...)
{
    if (c->field != NULL) {
        return;
    }
    c->field = field;
    va_list args;
    va_start(args, format);
    vsnprintf(c->why, sizeof(c->why), format, args);
    va_end(args);
}

/* One line of text.h's rule; required: not empty. The refused text is quoted escaped. */
static void check_text(struct checker *c, const char *field, const char *text, bool required)
{
    if (c->field != NULL) {
        return;
    }
    if (required && text[0] == '\0') {
        refuse(c, field, "is required");
        return;
    }
    struct acsa_error e;
    if (acsa_text_check(text, ACSA_TEXT_LINE, field, &e) != ACSA_OK) {
        char quote[QUOTE_SIZE];
        acsa_text_quote(text, strlen(text), quote, sizeof(quote));
        /* e.message is "<field>: <rule>"; the field is named once, by the caller. */
        size_t skip = strlen(field) + 2;
        refuse(c, field, "%s: \"%s\"", strlen(e.message) > skip ? e.message + skip : e.message,
               quote);
    }
}

static void check_nation(struct checker *c, const char *field, const char *code)
{
    if (c->field == NULL && !acsa_nation_valid(code)) {
        char quote[QUOTE_SIZE];
        refuse(c, field, "\"%s\" is not an ISO 3166 alpha-2 code",
               acsa_text_quote(code, strlen(code), quote, sizeof(quote)));
    }
}

/* An order number: "IN-JP-2024-000042", capital letters, digits and hyphens. */
static void check_number(struct checker *c, const char *field, const char *number)
{
    check_text(c, field, number, true);
    if (c->field == NULL && strspn(number, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") !=
                                strlen(number)) {
        refuse(c, field, "\"%s\" is not an order number (A-Z, 0-9 and -)", number);
    }
}

static void check_day(struct checker *c, const char *field, int32_t day, int32_t last,
                      bool optional)
{
    if (c->field != NULL || (optional && day == ACSA_DATE_NONE)) {
        return;
    }
    if (day < ACSA_DATE_FIRST || day > last) {
        char first_text[ACSA_DATE_TEXT_SIZE];
        char last_text[ACSA_DATE_TEXT_SIZE];
        refuse(c, field, "day %ld is outside %s..%s", (long)day,
               acsa_date_format(ACSA_DATE_FIRST, first_text), acsa_date_format(last, last_text));
    }
}

static void check_range(struct checker *c, const char *field, int64_t v, int64_t min,
                        int64_t max)
{
    if (c->field == NULL && (v < min || v > max)) {
        refuse(c, field, "%lld is outside %lld..%lld", (long long)v, (long long)min,
               (long long)max);
    }
}

static void check_currency(struct checker *c, const char *field, const char *code)
{
    check_text(c, field, code, true);
    if (c->field == NULL && acsa_currency_find(code) == NULL) {
        refuse(c, field, "\"%s\" is not a currency this node knows", code);
    }
}

/* A reference: none (id 0, no origin), or a positive id numbered by a nation. */
static void check_ref(struct checker *c, const char *field, const struct acsa_ref *ref,
                      bool required)
{
    if (c->field != NULL) {
        return;
    }
    if (ref->id == 0 && !required) {
        if (ref->origin[0] != '\0') {
            refuse(c, field, "a reference to nothing (id 0) names no origin");
        }
        return;
    }
    check_range(c, field, ref->id, 1, INT64_MAX);
    check_nation(c, field, ref->origin);
}

static bool per_line(enum acsa_step step)
{
    return step == ACSA_STEP_ISSUE || step == ACSA_STEP_RECEIVE || step == ACSA_STEP_RETURN ||
           step == ACSA_STEP_ACCEPT_RETURN || step == ACSA_STEP_CLOSE_LINE ||
           step == ACSA_STEP_CORRECT || step == ACSA_STEP_REJECT_RETURN;
}

/* The least quantity a per-line step carries: a correction may set a quantity to 0, a line
 * closed short names no quantity, the rest move a positive one. */
static int64_t qty_min(enum acsa_step step)
{
    return step == ACSA_STEP_CORRECT || step == ACSA_STEP_CLOSE_LINE ? 0 : 1;
}

static int64_t qty_max(enum acsa_step step)
{
    return step == ACSA_STEP_CLOSE_LINE ? 0 : INT64_MAX;
}

static bool official_step(enum acsa_step step)
{
    /* Convert carries the approving official's limit where the agreement's rule is approval;
     * whether it must is the core's rule when the record is applied. */
    return step == ACSA_STEP_APPROVE || step == ACSA_STEP_ACCEPT || step == ACSA_STEP_REJECT ||
           step == ACSA_STEP_RESOLVE || step == ACSA_STEP_CONVERT;
}

static bool correctable(enum acsa_step step)
{
    return step == ACSA_STEP_ISSUE || step == ACSA_STEP_RECEIVE || step == ACSA_STEP_RETURN ||
           step == ACSA_STEP_ACCEPT_RETURN;
}

/* The lines of a create or an amend. */
static void check_lines(struct checker *c, const struct acsa_order_draft *d)
{
    check_currency(c, "currency", d->line_currency[0]);
    check_range(c, "lines", d->line_count, 1, ACSA_ORDER_LINES_MAX);
    for (uint32_t i = 0; c->field == NULL && i < d->line_count; i++) {
        const struct acsa_order_line *l = &d->lines[i];
        check_text(c, "line.category", l->category, true);
        check_text(c, "line.description", l->description, true);
        check_text(c, "line.nsn", l->nsn, false);
        check_text(c, "line.unit", l->unit_of_issue, true);
        check_range(c, "line.qty", l->quantity_milli, 1, INT64_MAX);
        check_range(c, "line.price", l->price_minor, 0, INT64_MAX);
        if (c->field == NULL && strcmp(d->line_currency[i], d->line_currency[0]) != 0) {
            refuse(c, "currency", "line %u is in another currency", i + 1);
        }
    }
}

/* Version 2 fields: a corrected step on correct only; the changed draft of an amend. */
static void check_fix(struct checker *c, const struct acsa_record *r)
{
    const struct acsa_command *cmd = &r->command;
    if (cmd->step == ACSA_STEP_CORRECT) {
        if (c->field == NULL && !correctable(cmd->corrected_step)) {
            refuse(c, "corrected_step", "must be issue, receive, return or accept-return");
        }
    } else if (c->field == NULL && cmd->corrected_step != ACSA_STEP_CREATE) {
        refuse(c, "corrected_step", "only a correction names a corrected step");
    }
    if (cmd->step == ACSA_STEP_AMEND) {
        check_ref(c, "requester_unit", &r->requester_unit, false);
        check_ref(c, "supplier_unit", &r->supplier_unit, false);
        check_text(c, "place", r->draft.place, false);
        check_day(c, "need_by", r->draft.need_by_day, ACSA_DATE_LAST, true);
        check_lines(c, &r->draft);
    }
}

static void check_create(struct checker *c, const struct acsa_record *r)
{
    const struct acsa_order_draft *d = &r->draft;
    check_text(c, "agreement_id", r->agreement_id, true);
    check_ref(c, "activity", &r->activity, true);
    check_ref(c, "requester_unit", &r->requester_unit, false);
    check_ref(c, "supplier_unit", &r->supplier_unit, false);
    check_nation(c, "requester", d->requester);
    check_nation(c, "supplier", d->supplier);
    if (c->field == NULL && (unsigned)d->method >= ACSA_METHOD_COUNT) {
        refuse(c, "method", "not a settlement method");
    }
    check_text(c, "place", d->place, false);
    check_day(c, "need_by", d->need_by_day, ACSA_DATE_LAST, true);
    check_lines(c, d);
}

/* Version 2 fields: a rate only on a payment, with its date and source; an invoice number on
 * an invoice (required) and a payment (optional). */
static void check_settlement(struct checker *c, const struct acsa_command *cmd)
{
    bool pay = cmd->step == ACSA_STEP_PAY;
    bool exchange = cmd->step == ACSA_STEP_EXCHANGE;
    bool rated = (pay || exchange) && cmd->rate.units != 0;
    if (c->field == NULL && (rated ? !acsa_rate_valid(&cmd->rate)
                                   : (cmd->rate.units != 0 || cmd->rate.scale != 0))) {
        refuse(c, "rate", "a rate is 1 .. 15 digits, at most 10 decimals, and only a payment "
                          "or an exchange across currencies has one");
    }
    if (rated) {
        check_day(c, "rate_date", cmd->rate_day, ACSA_DATE_STEP_LAST, false);
        check_text(c, "rate_source", cmd->rate_source, true);
    } else {
        check_range(c, "rate_date", cmd->rate_day, 0, 0);
        check_text(c, "rate_source", cmd->rate_source, false);
        if (c->field == NULL && cmd->rate_source[0] != '\0') {
            refuse(c, "rate_source", "only a payment at a rate names a rate source");
        }
    }
    if (cmd->step == ACSA_STEP_INVOICE || (pay && cmd->invoice[0] != '\0')) {
        check_number(c, "invoice", cmd->invoice);
    } else if (c->field == NULL && cmd->invoice[0] != '\0') {
        refuse(c, "invoice", "only an invoice or a payment names an invoice");
    }
    check_range(c, "exchange_more", cmd->exchange_more, 0,
                exchange ? ACSA_EXCHANGE_WITH_MAX - 1 : 0);
}

/* The fields of a step: each step carries only what it uses, the rest zero or empty. */
static void check_step(struct checker *c, const struct acsa_record *r)
{
    const struct acsa_command *cmd = &r->command;
    check_number(c, "number", r->number);
    if (c->field == NULL && (unsigned)cmd->step >= ACSA_STEP_COUNT) {
        refuse(c, "step", "not a step");
        return;
    }
    enum acsa_step step = cmd->step;
    bool line = per_line(step);
    bool pay = step == ACSA_STEP_PAY;
    bool official = official_step(step);
    check_day(c, "day", cmd->day, ACSA_DATE_STEP_LAST, false);
    check_text(c, "actor", cmd->actor, true);
    check_text(c, "reason", cmd->reason, false);
    /* An invoice names a line and a quantity, or neither (everything receipted). */
    bool invoice_line = step == ACSA_STEP_INVOICE && cmd->line_no > 0;
    line = line || invoice_line;
    check_range(c, "line", cmd->line_no, line ? 1 : 0, line ? ACSA_ORDER_LINES_MAX : 0);
    check_range(c, "qty", cmd->quantity_milli, line ? qty_min(step) : 0,
                line ? qty_max(step) : 0);
    check_settlement(c, cmd);
    check_range(c, "amount", cmd->amount_minor, pay ? 1 : 0, pay ? INT64_MAX : 0);
    if (pay) {
        check_currency(c, "currency", cmd->currency);
    } else if (c->field == NULL && cmd->currency[0] != '\0') {
        refuse(c, "currency", "only a payment names a currency");
    }
    check_range(c, "official_limit", r->official_limit_minor, 0, official ? INT64_MAX : 0);
    if (step == ACSA_STEP_CREATE) {
        check_create(c, r);
    } else if (step == ACSA_STEP_EXCHANGE) {
        check_number(c, "other_number", r->other_number);
    }
    check_fix(c, r);
    check_day(c, "recorded_day", cmd->recorded_day, ACSA_DATE_LAST, false);
    if (c->field == NULL && cmd->day > cmd->recorded_day) {
        char day[ACSA_DATE_TEXT_SIZE];
        char recorded[ACSA_DATE_TEXT_SIZE];
        refuse(c, "day", "%s is after the day the step was recorded (%s)",
               acsa_date_format(cmd->day, day), acsa_date_format(cmd->recorded_day, recorded));
    }
    check_text(c, "backdate_reason", cmd->backdate_reason, false);
}

static void check_activity(struct checker *c, const struct acsa_record *r)
{
    const struct acsa_activity *a = &r->ref_activity;
    check_range(c, "id", r->ref_id, 1, INT64_MAX);
    check_text(c, "agreement_id", a->agreement_id, true);
    check_text(c, "name", a->name, true);
    check_text(c, "type", a->type, true);
    check_day(c, "from", a->from_day, ACSA_DATE_LAST, false);
    check_day(c, "to", a->to_day, ACSA_DATE_LAST, false);
    if (c->field == NULL && a->to_day < a->from_day) {
        refuse(c, "to", "the activity ends before it starts");
    }
    check_text(c, "place", a->place, false);
    check_text(c, "reason", a->reason, strcmp(a->type, ACSA_ACTIVITY_OTHER_LAWFUL) == 0);
}

/* A grant: a known currency, a positive limit, days in range (to and revoked optional, to
 * not before from), a revocation reason exactly when revoked. */
static void check_grant(struct checker *c, const struct acsa_record *r)
{
    const struct acsa_grant *g = &r->grant;
    check_range(c, "id", r->ref_id, 1, INT64_MAX);
    check_nation(c, "party", g->party);
    check_text(c, "name", g->name, true);
    check_text(c, "title", g->title, false);
    check_text(c, "agreement_id", g->agreement_id, false);
    check_currency(c, "currency", g->currency.code);
    check_range(c, "limit", g->limit_minor, 1, INT64_MAX);
    check_day(c, "from", g->from_day, ACSA_DATE_LAST, false);
    check_day(c, "to", g->to_day, ACSA_DATE_LAST, true);
    if (c->field == NULL && g->to_day != ACSA_DATE_NONE && g->to_day < g->from_day) {
        refuse(c, "to", "the grant ends before it begins");
    }
    check_day(c, "revoked", g->revoked_day, ACSA_DATE_LAST, true);
    bool revoked = g->revoked_day != ACSA_DATE_NONE;
    check_text(c, "revoke_reason", g->revoke_reason, revoked);
    if (c->field == NULL && !revoked && g->revoke_reason[0] != '\0') {
        refuse(c, "revoke_reason", "only a revoked grant has a reason of revocation");
    }
}

/* A unit's service: empty (not known) or a code of a-z, 0-9 and '-'. */
static void check_service(struct checker *c, const char *service)
{
    if (c->field == NULL && strspn(service, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
                                strlen(service)) {
        char quote[QUOTE_SIZE];
        refuse(c, "service", "\"%s\" is not a service code (a-z, 0-9 and -)",
               acsa_text_quote(service, strlen(service), quote, sizeof(quote)));
    }
}

/* An agreement fact: a known action, a day a step may have, who entered it; a reason on a
 * termination only, a document (multi-line JSON) on an amendment only. */
static void check_agreement(struct checker *c, const struct acsa_record *r)
{
    const struct acsa_agreement_fact *f = &r->life;
    check_text(c, "agreement_id", f->agreement_id, true);
    if (c->field == NULL && acsa_agreement_action_name(f->action)[0] == '\0') {
        refuse(c, "action", "must be amend, notice or terminate");
    }
    check_day(c, "day", f->day, ACSA_DATE_STEP_LAST, false);
    check_text(c, "actor", f->actor, true);
    bool terminate = f->action == ACSA_AGREEMENT_TERMINATE;
    check_text(c, "reason", f->reason, terminate);
    if (c->field == NULL && !terminate && f->reason[0] != '\0') {
        refuse(c, "reason", "only a termination states a reason");
    }
    bool amend = f->action == ACSA_AGREEMENT_AMEND;
    if (c->field == NULL && amend != (f->document[0] != '\0')) {
        refuse(c, "document", amend ? "an amendment carries the agreement document"
                                    : "only an amendment carries a document");
    }
    struct acsa_error e;
    size_t n = strlen(f->document);
    if (c->field == NULL && acsa_text_check(f->document, ACSA_TEXT_NEWLINES, "document", &e) !=
                                ACSA_OK) {
        char quote[QUOTE_SIZE];
        refuse(c, "document", "not text by the rule: \"%s\"",
               acsa_text_quote(f->document, n, quote, sizeof(quote)));
    }
}

/* A document reference: an id of the signer's series ("IN-DOC-..."), an order number, a line,
 * a known kind and content type, a size within the bound, who and when. */
static void check_document(struct checker *c, const struct acsa_record *r)
{
    const struct acsa_document_ref *d = &r->document;
    check_number(c, "id", d->id);
    char prefix[ACSA_NATION_SIZE + 8];
    snprintf(prefix, sizeof(prefix), "%s-DOC-", r->origin);
    if (c->field == NULL && strncmp(d->id, prefix, strlen(prefix)) != 0) {
        refuse(c, "id", "\"%s\" is not of the series %s... of the signing node", d->id,
               prefix);
    }
    check_number(c, "number", d->number);
    check_range(c, "line", d->line, 1, ACSA_ORDER_LINES_MAX);
    if (c->field == NULL && acsa_document_kind_name(d->kind)[0] == '\0') {
        refuse(c, "document_kind", "not a kind of document");
    }
    check_range(c, "size", d->size, 1, ACSA_RECORD_DOCUMENT_BYTES_MAX);
    if (c->field == NULL && !acsa_document_content_type_valid(d->content_type)) {
        char quote[QUOTE_SIZE];
        refuse(c, "content_type", "\"%s\" is not application/pdf, image/jpeg or image/png",
               acsa_text_quote(d->content_type, strlen(d->content_type), quote,
                               sizeof(quote)));
    }
    check_text(c, "actor", d->actor, true);
    check_range(c, "at", d->at_s, 0, ACSA_DOCUMENT_TIME_MAX);
}

void acsa_record_normalize(struct acsa_record *record)
{
    struct acsa_command *cmd = &record->command;
    if (record->kind != ACSA_RECORD_STEP || (unsigned)cmd->step >= ACSA_STEP_COUNT) {
        return;
    }
    if (!per_line(cmd->step) && cmd->step != ACSA_STEP_INVOICE) {
        cmd->line_no = 0;
        cmd->quantity_milli = 0;
    }
    if (cmd->step == ACSA_STEP_CLOSE_LINE) {
        cmd->quantity_milli = 0; /* A line is closed at what was received. */
    }
    if ((cmd->step != ACSA_STEP_PAY && cmd->step != ACSA_STEP_EXCHANGE) || cmd->rate.units == 0) {
        memset(&cmd->rate, 0, sizeof(cmd->rate));
        cmd->rate_day = 0;
        memset(cmd->rate_source, 0, sizeof(cmd->rate_source));
    }
    if (cmd->step != ACSA_STEP_PAY && cmd->step != ACSA_STEP_INVOICE) {
        memset(cmd->invoice, 0, sizeof(cmd->invoice));
    }
    if (cmd->step != ACSA_STEP_EXCHANGE) {
        cmd->exchange_more = 0;
    }
    if (cmd->step != ACSA_STEP_PAY) {
        cmd->amount_minor = 0;
        memset(cmd->currency, 0, sizeof(cmd->currency));
    }
    if (!official_step(cmd->step)) {
        record->official_limit_minor = 0;
    }
    if (cmd->step != ACSA_STEP_CORRECT) {
        cmd->corrected_step = ACSA_STEP_CREATE;
    }
}

enum acsa_rc acsa_record_check(const struct acsa_record *record, struct acsa_error *err)
{
    struct checker c = {.field = NULL, .why = ""};
    check_nation(&c, "origin", record->origin);
    check_range(&c, "seq", record->seq, 1, ACSA_RECORD_SEQ_MAX);
    check_range(&c, "manual", record->manual, 0, 1);
    switch (c.field != NULL ? 0 : (int)record->kind) {
    case 0:
        break; /* The head is refused already. */
    case ACSA_RECORD_STEP:
        check_step(&c, record);
        break;
    case ACSA_RECORD_ACTIVITY:
        check_activity(&c, record);
        break;
    case ACSA_RECORD_UNIT:
        check_range(&c, "id", record->ref_id, 1, INT64_MAX);
        check_nation(&c, "party", record->unit_party);
        check_text(&c, "name", record->unit_name, true);
        check_service(&c, record->unit_service);
        break;
    case ACSA_RECORD_GRANT:
        check_grant(&c, record);
        break;
    case ACSA_RECORD_AGREEMENT:
        check_agreement(&c, record);
        break;
    case ACSA_RECORD_DOCUMENT:
        check_document(&c, record);
        break;
    default:
        refuse(&c, "kind", "%d is not a kind of record", (int)record->kind);
    }
    if (c.field != NULL) {
        return acsa_error_set(err, ACSA_EREFUSED, c.field, "record.%s: %s", c.field, c.why);
    }
    return ACSA_OK;
}

/* ---- Facts -------------------------------------------------------------------------------- */

/* Facts are formatted without printf: every order write computes its fingerprint. */
static void fact_i64(acsa_fact_cb cb, void *ctx, const char *field, int64_t v)
{
    char text[ACSA_MONEY_TEXT_SIZE];
    cb(ctx, field, acsa_money_format(v, 0, text));
}

/* "line <no>.<name>" into buf (48 bytes). */
static const char *line_field(char *buf, uint32_t no, const char *name)
{
    char digits[12];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + no % 10u);
        no /= 10u;
    } while (no != 0 && n < sizeof(digits));
    size_t pos = 5;
    memcpy(buf, "line ", 5);
    while (n > 0) {
        buf[pos++] = digits[--n];
    }
    buf[pos++] = '.';
    size_t len = strlen(name);
    memcpy(buf + pos, name, len + 1); /* Names are short constants below. */
    return buf;
}

static void fact_money(acsa_fact_cb cb, void *ctx, const char *field, int64_t minor,
                       uint8_t exponent)
{
    char text[ACSA_MONEY_TEXT_SIZE];
    cb(ctx, field, acsa_money_format(minor, exponent, text));
}

static void fact_date(acsa_fact_cb cb, void *ctx, const char *field, int32_t day)
{
    char text[ACSA_DATE_TEXT_SIZE];
    cb(ctx, field, day == ACSA_DATE_NONE ? "" : acsa_date_format(day, text));
}

/* Invoices are facts of the order both nodes hold: numbers, dates and what is paid. */
static void invoice_facts(const struct acsa_order *o, acsa_fact_cb cb, void *ctx)
{
    fact_i64(cb, ctx, "invoices", o->invoice_count);
    for (uint32_t i = 0; i < o->invoice_count && i < ACSA_ORDER_INVOICES_MAX; i++) {
        const struct acsa_invoice *inv = &o->invoices[i];
        char field[64];
        snprintf(field, sizeof(field), "invoice %u.number", i + 1);
        cb(ctx, field, inv->number);
        snprintf(field, sizeof(field), "invoice %u.date", i + 1);
        fact_date(cb, ctx, field, inv->day);
        snprintf(field, sizeof(field), "invoice %u.due", i + 1);
        fact_date(cb, ctx, field, inv->due_day);
        snprintf(field, sizeof(field), "invoice %u.amount", i + 1);
        fact_money(cb, ctx, field, inv->amount_minor, o->currency.exponent);
        snprintf(field, sizeof(field), "invoice %u.paid", i + 1);
        fact_money(cb, ctx, field, inv->paid_minor, o->currency.exponent);
    }
}

void acsa_order_facts(const struct acsa_order *o, acsa_fact_cb cb, void *ctx)
{
    uint8_t e = o->currency.exponent;
    cb(ctx, "agreement", o->agreement_id);
    cb(ctx, "requester", o->requester);
    cb(ctx, "supplier", o->supplier);
    cb(ctx, "method", acsa_method_name(o->method));
    cb(ctx, "currency", o->currency.code);
    cb(ctx, "state", acsa_state_name(o->state));
    cb(ctx, "place", o->place);
    fact_date(cb, ctx, "need_by", o->need_by_day);
    fact_date(cb, ctx, "created", o->created_day);
    fact_date(cb, ctx, "delivered", o->delivered_day);
    fact_date(cb, ctx, "invoiced", o->invoiced_day);
    fact_date(cb, ctx, "due", o->due_day);
    fact_money(cb, ctx, "value", o->value_minor, e);
    fact_money(cb, ctx, "received_value", o->received_value_minor, e);
    fact_money(cb, ctx, "kind_settled", o->kind_settled_minor, e);
    fact_money(cb, ctx, "cash_due", o->cash_due_minor, e);
    fact_money(cb, ctx, "paid", o->paid_minor, e);
    cb(ctx, "converted", o->converted ? "yes" : "no");
    cb(ctx, "exchanged_with", o->exchanged_with);
    if (o->disputed_by[0] != '\0') {
        cb(ctx, "disputed_by", o->disputed_by); /* Only once set: older fingerprints hold. */
    }
    fact_i64(cb, ctx, "lines", o->line_count);
    for (uint32_t i = 0; i < o->line_count && i < ACSA_ORDER_LINES_MAX; i++) {
        const struct acsa_order_line *l = &o->lines[i];
        char field[48];
#define LINE_FIELD(name) line_field(field, i + 1, (name))
        cb(ctx, LINE_FIELD("category"), l->category);
        cb(ctx, LINE_FIELD("description"), l->description);
        cb(ctx, LINE_FIELD("nsn"), l->nsn);
        cb(ctx, LINE_FIELD("unit"), l->unit_of_issue);
        fact_i64(cb, ctx, LINE_FIELD("qty_milli"), l->quantity_milli);
        fact_money(cb, ctx, LINE_FIELD("price"), l->price_minor, e);
        fact_money(cb, ctx, LINE_FIELD("value"), l->value_minor, e);
        fact_i64(cb, ctx, LINE_FIELD("issued_milli"), l->issued_milli);
        fact_i64(cb, ctx, LINE_FIELD("received_milli"), l->received_milli);
        fact_i64(cb, ctx, LINE_FIELD("returned_milli"), l->returned_milli);
        fact_i64(cb, ctx, LINE_FIELD("return_accepted_milli"), l->return_accepted_milli);
        fact_i64(cb, ctx, LINE_FIELD("invoiced_milli"), l->invoiced_milli);
        if (l->closed) {
            cb(ctx, LINE_FIELD("closed"), "yes"); /* Only once set: older fingerprints hold. */
        }
#undef LINE_FIELD
    }
    invoice_facts(o, cb, ctx);
}

struct fnv {
    uint64_t h;
};

static void fnv_add(struct fnv *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        f->h = (f->h ^ *p) * 1099511628211ull;
    }
    f->h = (f->h ^ 0x1fu) * 1099511628211ull; /* A separator no fact contains. */
}

static void fnv_fact(void *ctx, const char *field, const char *value)
{
    fnv_add(ctx, field);
    fnv_add(ctx, value);
}

uint64_t acsa_order_fingerprint(const struct acsa_order *order)
{
    struct fnv f = {.h = 14695981039346656037ull};
    fnv_add(&f, order->number);
    acsa_order_facts(order, fnv_fact, &f);
    return f.h;
}
