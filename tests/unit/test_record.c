/* SPDX-License-Identifier: MIT */
/* Records: the canonical encoding checked against an independent writer of the documented
 * layout, round trips of every kind and every step (create with several lines, exchange),
 * every malformed input refused with its field named (each field cut short, overlong, with an
 * embedded NUL, unknown names, bad header values, trailing bytes), single-byte corruptions,
 * the signer table, and the order fingerprint: equal for equal orders, changed by every shared
 * fact, unchanged by local ids and actors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "agreement.h"
#include "agreement_json.h"
#include "date.h"
#include "money.h"
#include "order.h"
#include "record.h"
#include "text.h"
#include "text_quote.h"

#ifndef ACSA_SOURCE_ROOT
#define ACSA_SOURCE_ROOT "."
#endif

#define SPEC_BYTES 65536
#define SPEC_MARKS 640

/* ---- An independent writer of the layout (docs/ARCHITECTURE.md, "Records") ---------------- */

/* Where one field lies in the bytes, under the name a refusal gives it. */
struct mark {
    const char *label;
    size_t start;
    size_t end;
};

/* The bytes of one record as the layout says, every field marked; one field (by label) can be
 * replaced by raw bytes to make malformed input. */
struct spec {
    uint8_t b[SPEC_BYTES];
    size_t n;
    struct mark marks[SPEC_MARKS];
    size_t mark_count;
    const char *override_label;
    const uint8_t *override_bytes;
    size_t override_len;
};

static void raw(struct spec *s, const void *data, size_t n)
{
    assert_true(s->n + n <= sizeof(s->b));
    memcpy(s->b + s->n, data, n);
    s->n += n;
}

static void mark(struct spec *s, const char *label, size_t start)
{
    assert_true(s->mark_count < SPEC_MARKS);
    s->marks[s->mark_count++] = (struct mark){label, start, s->n};
}

/* True when the caller writes the field; false when the override was written instead. */
static bool open_field(struct spec *s, const char *label)
{
    if (s->override_label != NULL && strcmp(label, s->override_label) == 0) {
        size_t start = s->n;
        raw(s, s->override_bytes, s->override_len);
        mark(s, label, start);
        return false;
    }
    return true;
}

static void be(uint8_t *out, uint64_t v, unsigned width)
{
    for (unsigned i = 0; i < width; i++) {
        out[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
    }
}

static void s_uint(struct spec *s, const char *label, uint64_t v, unsigned width)
{
    size_t start = s->n;
    if (open_field(s, label)) {
        uint8_t b[8];
        be(b, v, width);
        raw(s, b, width);
        mark(s, label, start);
    }
}

static void put_text_bytes(struct spec *s, const char *text)
{
    uint8_t len[2];
    be(len, strlen(text), 2);
    raw(s, len, 2);
    raw(s, text, strlen(text));
}

static void s_text(struct spec *s, const char *label, const char *text)
{
    size_t start = s->n;
    if (open_field(s, label)) {
        put_text_bytes(s, text);
        mark(s, label, start);
    }
}

static void s_bytes(struct spec *s, const char *label, const uint8_t *data, size_t n)
{
    size_t start = s->n;
    if (open_field(s, label)) {
        raw(s, data, n);
        mark(s, label, start);
    }
}

static void s_ref(struct spec *s, const char *label, const struct acsa_ref *ref)
{
    size_t start = s->n;
    if (open_field(s, label)) {
        put_text_bytes(s, ref->origin);
        uint8_t b[8];
        be(b, (uint64_t)ref->id, 8);
        raw(s, b, 8);
        mark(s, label, start);
    }
}

/* Big-endian integers, texts as u16 length and bytes, steps and methods by name. */
static void spec_write(struct spec *s, const struct acsa_record *r)
{
    s->n = 0;
    s->mark_count = 0;
    s_uint(s, "version", 2, 1);
    s_uint(s, "kind", (uint64_t)r->kind, 1);
    s_text(s, "origin", r->origin);
    s_uint(s, "seq", (uint64_t)r->seq, 8);
    s_uint(s, "manual", r->manual, 1);
    const struct acsa_command *c = &r->command;
    const struct acsa_order_draft *d = &r->draft;
    const struct acsa_activity *a = &r->ref_activity;
    switch (r->kind) {
    case ACSA_RECORD_STEP:
        s_text(s, "number", r->number);
        s_bytes(s, "prev_hash", r->prev_hash, ACSA_HASH_SIZE);
        s_text(s, "step", acsa_step_name(c->step));
        s_uint(s, "day", (uint32_t)c->day, 4);
        s_text(s, "actor", c->actor);
        s_text(s, "reason", c->reason);
        s_uint(s, "line", c->line_no, 4);
        s_uint(s, "qty", (uint64_t)c->quantity_milli, 8);
        s_uint(s, "amount", (uint64_t)c->amount_minor, 8);
        s_text(s, "currency", c->currency);
        s_uint(s, "official_limit", (uint64_t)r->official_limit_minor, 8);
        if (c->step == ACSA_STEP_CREATE) {
            s_text(s, "agreement_id", r->agreement_id);
            s_ref(s, "activity", &r->activity);
            s_ref(s, "requester_unit", &r->requester_unit);
            s_ref(s, "supplier_unit", &r->supplier_unit);
            s_text(s, "requester", d->requester);
            s_text(s, "supplier", d->supplier);
            s_text(s, "method", acsa_method_name(d->method));
            s_text(s, "place", d->place);
            s_uint(s, "need_by", (uint32_t)d->need_by_day, 4);
            s_text(s, "create.currency", d->line_currency[0]);
            s_uint(s, "lines", d->line_count, 4);
            for (uint32_t i = 0; i < d->line_count; i++) {
                const struct acsa_order_line *l = &d->lines[i];
                s_text(s, "line.category", l->category);
                s_text(s, "line.description", l->description);
                s_text(s, "line.nsn", l->nsn);
                s_text(s, "line.unit", l->unit_of_issue);
                s_uint(s, "line.qty", (uint64_t)l->quantity_milli, 8);
                s_uint(s, "line.price", (uint64_t)l->price_minor, 8);
            }
        } else if (c->step == ACSA_STEP_EXCHANGE) {
            s_text(s, "other_number", r->other_number);
            s_bytes(s, "other_prev_hash", r->other_prev_hash, ACSA_HASH_SIZE);
        }
        /* Version 2: settlement fields after those of the kind. */
        s_uint(s, "rate", (uint64_t)c->rate.units, 8);
        s_uint(s, "rate_scale", c->rate.scale, 1);
        s_uint(s, "rate_date", (uint32_t)c->rate_day, 4);
        s_text(s, "rate_source", c->rate_source);
        s_text(s, "invoice", c->invoice);
        s_uint(s, "exchange_more", c->exchange_more, 1);
        /* Version 2: the corrected step, then an amend's changed draft. */
        s_text(s, "corrected_step",
               c->step == ACSA_STEP_CORRECT ? acsa_step_name(c->corrected_step) : "");
        if (c->step == ACSA_STEP_AMEND) {
            s_ref(s, "amend.requester_unit", &r->requester_unit);
            s_ref(s, "amend.supplier_unit", &r->supplier_unit);
            s_text(s, "amend.place", d->place);
            s_uint(s, "amend.need_by", (uint32_t)d->need_by_day, 4);
            s_text(s, "amend.currency", d->line_currency[0]);
            s_uint(s, "amend.lines", d->line_count, 4);
            for (uint32_t i = 0; i < d->line_count; i++) {
                const struct acsa_order_line *l = &d->lines[i];
                s_text(s, "amend.line.category", l->category);
                s_text(s, "amend.line.description", l->description);
                s_text(s, "amend.line.nsn", l->nsn);
                s_text(s, "amend.line.unit", l->unit_of_issue);
                s_uint(s, "amend.line.qty", (uint64_t)l->quantity_milli, 8);
                s_uint(s, "amend.line.price", (uint64_t)l->price_minor, 8);
            }
        }
        s_uint(s, "recorded_day", (uint32_t)c->recorded_day, 4);
        s_text(s, "backdate_reason", c->backdate_reason);
        break;
    case ACSA_RECORD_ACTIVITY:
        s_uint(s, "id", (uint64_t)r->ref_id, 8);
        s_text(s, "agreement_id", a->agreement_id);
        s_text(s, "name", a->name);
        s_text(s, "type", a->type);
        s_uint(s, "from", (uint32_t)a->from_day, 4);
        s_uint(s, "to", (uint32_t)a->to_day, 4);
        s_text(s, "place", a->place);
        s_text(s, "reason", a->reason); /* Version 2. */
        break;
    case ACSA_RECORD_GRANT:
        s_uint(s, "id", (uint64_t)r->ref_id, 8);
        s_text(s, "party", r->grant.party);
        s_text(s, "name", r->grant.name);
        s_text(s, "title", r->grant.title);
        s_text(s, "agreement_id", r->grant.agreement_id);
        s_text(s, "currency", r->grant.currency.code);
        s_uint(s, "limit", (uint64_t)r->grant.limit_minor, 8);
        s_uint(s, "from", (uint32_t)r->grant.from_day, 4);
        s_uint(s, "to", (uint32_t)r->grant.to_day, 4);
        s_uint(s, "revoked", (uint32_t)r->grant.revoked_day, 4);
        s_text(s, "revoke_reason", r->grant.revoke_reason);
        break;
    case ACSA_RECORD_UNIT:
        s_uint(s, "id", (uint64_t)r->ref_id, 8);
        s_text(s, "party", r->unit_party);
        s_text(s, "name", r->unit_name);
        if (r->unit_service[0] != '\0') {
            s_text(s, "service", r->unit_service); /* Appended in version 2, when known. */
        }
        break;
    case ACSA_RECORD_AGREEMENT:
        s_text(s, "agreement_id", r->life.agreement_id);
        s_text(s, "action", acsa_agreement_action_name(r->life.action));
        s_uint(s, "day", (uint32_t)r->life.day, 4);
        s_text(s, "actor", r->life.actor);
        s_text(s, "reason", r->life.reason);
        s_text(s, "document", r->life.document);
        break;
    case ACSA_RECORD_DOCUMENT:
        s_text(s, "id", r->document.id);
        s_text(s, "number", r->document.number);
        s_uint(s, "line", r->document.line, 4);
        s_text(s, "document_kind", acsa_document_kind_name(r->document.kind));
        s_bytes(s, "sha256", r->document.sha256, 32);
        s_uint(s, "size", (uint64_t)r->document.size, 8);
        s_text(s, "content_type", r->document.content_type);
        s_text(s, "actor", r->document.actor);
        s_uint(s, "at", (uint64_t)r->document.at_s, 8);
        break;
    }
}

/* The field a refusal names for a label ("create.currency" is "currency"). */
static const char *field_of(const char *label)
{
    if (strncmp(label, "amend.", 6) == 0) {
        return label + 6;
    }
    return strncmp(label, "create.", 7) == 0 ? label + 7 : label;
}

/* ---- Records to encode ------------------------------------------------------------------- */

static int32_t day_of(const char *text)
{
    int32_t day = 0;
    struct acsa_error err;
    assert_int_equal(acsa_date_parse(text, "date", &day, &err), ACSA_OK);
    return day;
}

static void fill_hash(uint8_t hash[ACSA_HASH_SIZE], uint8_t seed)
{
    for (unsigned i = 0; i < ACSA_HASH_SIZE; i++) {
        hash[i] = (uint8_t)(seed + 7 * i);
    }
}

static void set_line(struct acsa_order_draft *d, uint32_t i, const char *category,
                     const char *description, const char *nsn, const char *unit,
                     int64_t qty, int64_t price, const char *currency)
{
    struct acsa_order_line *l = &d->lines[i];
    snprintf(l->category, sizeof(l->category), "%s", category);
    snprintf(l->description, sizeof(l->description), "%s", description);
    snprintf(l->nsn, sizeof(l->nsn), "%s", nsn);
    snprintf(l->unit_of_issue, sizeof(l->unit_of_issue), "%s", unit);
    l->quantity_milli = qty;
    l->price_minor = price;
    snprintf(d->line_currency[i], ACSA_CURRENCY_SIZE, "%s", currency);
    d->line_count = i + 1 > d->line_count ? i + 1 : d->line_count;
}

/* A step record with every common field set (and nothing a decoder would not give back). */
static void make_step(struct acsa_record *r, enum acsa_step step)
{
    memset(r, 0, sizeof(*r));
    r->kind = ACSA_RECORD_STEP;
    snprintf(r->origin, sizeof(r->origin), "IN");
    r->seq = 42 + (int64_t)step;
    r->manual = (uint8_t)(step % 2);
    snprintf(r->number, sizeof(r->number), "IN-JP-2024-000007");
    if (step != ACSA_STEP_CREATE) {
        fill_hash(r->prev_hash, (uint8_t)(0x10 + step));
    }
    r->command.step = step;
    r->command.day = day_of("2024-06-10") + (int32_t)step;
    r->command.recorded_day = day_of("2024-08-01");
    snprintf(r->command.backdate_reason, sizeof(r->command.backdate_reason), "%s",
             step % 3 == 0 ? "found in the ship's log" : "");
    r->draft.recorded_day = step == ACSA_STEP_CREATE ? r->command.recorded_day : 0;
    if (step == ACSA_STEP_CREATE) {
        memcpy(r->draft.backdate_reason, r->command.backdate_reason, ACSA_TEXT_SIZE);
    }
    snprintf(r->command.actor, sizeof(r->command.actor), "Lt Iyer (%s)", acsa_step_name(step));
    snprintf(r->command.reason, sizeof(r->command.reason), "reason of %s", acsa_step_name(step));
    r->command.line_no = 2;
    r->command.quantity_milli = 1500;
    r->command.amount_minor = 20000 + step;
    snprintf(r->command.currency, sizeof(r->command.currency), "JPY");
    r->official_limit_minor = step == ACSA_STEP_APPROVE ? 5000000 : 0;
    if (step == ACSA_STEP_PAY) {
        /* 200.00 INR at 1 INR = 1.7750 JPY, against one invoice. */
        snprintf(r->command.currency, sizeof(r->command.currency), "INR");
        r->command.rate = (struct acsa_rate){17750, 4};
        r->command.rate_day = day_of("2024-06-09");
        snprintf(r->command.rate_source, sizeof(r->command.rate_source), "RBI reference rate");
        snprintf(r->command.invoice, sizeof(r->command.invoice), "JP-INV-2024-000001");
    }
    if (step == ACSA_STEP_INVOICE) {
        snprintf(r->command.invoice, sizeof(r->command.invoice), "JP-INV-2024-000002");
    }
    if (step == ACSA_STEP_EXCHANGE) {
        /* The first of three reverse orders, in USD at 1 USD = 149.35 JPY. */
        r->command.exchange_more = 2;
        r->command.rate = (struct acsa_rate){14935, 2};
        r->command.rate_day = day_of("2024-06-09");
        snprintf(r->command.rate_source, sizeof(r->command.rate_source), "agreed by both");
    }
    if (step == ACSA_STEP_CREATE) {
        struct acsa_order_draft *d = &r->draft;
        snprintf(r->agreement_id, sizeof(r->agreement_id), "IN-JP-2020");
        snprintf(r->activity.origin, sizeof(r->activity.origin), "IN");
        r->activity.id = 3;
        snprintf(r->requester_unit.origin, sizeof(r->requester_unit.origin), "IN");
        r->requester_unit.id = 1;
        snprintf(r->supplier_unit.origin, sizeof(r->supplier_unit.origin), "JP");
        r->supplier_unit.id = 9;
        snprintf(d->requester, sizeof(d->requester), "IN");
        snprintf(d->supplier, sizeof(d->supplier), "JP");
        d->method = ACSA_METHOD_RIK;
        snprintf(d->place, sizeof(d->place), "Yokosuka, berth 4");
        d->need_by_day = day_of("2024-06-05");
        set_line(d, 0, "pol", "Diesel, marine (F-76)", "9140-00-273-2377", "l", 12000000, 95,
                 "JPY");
        set_line(d, 1, "food", "Fresh rations", "", "kg", 400500, 1250, "JPY");
        set_line(d, 2, "water", "Potable water", "6810-01-", "m3", 30000, 0, "JPY");
    } else if (step == ACSA_STEP_EXCHANGE) {
        snprintf(r->other_number, sizeof(r->other_number), "JP-IN-2024-000003");
        fill_hash(r->other_prev_hash, 0xA0);
    } else if (step == ACSA_STEP_CORRECT) {
        r->command.corrected_step = ACSA_STEP_RECEIVE;
    } else if (step == ACSA_STEP_AMEND) {
        struct acsa_order_draft *d = &r->draft;
        snprintf(r->requester_unit.origin, sizeof(r->requester_unit.origin), "IN");
        r->requester_unit.id = 2;
        snprintf(d->place, sizeof(d->place), "Visakhapatnam");
        d->need_by_day = day_of("2024-06-20");
        set_line(d, 0, "pol", "Diesel, marine (F-76)", "", "l", 5000000, 95, "JPY");
        set_line(d, 1, "water", "Potable water", "", "m3", 20000, 10, "JPY");
    }
    /* Each step carries only its own fields: a line on per-line steps, an amount on pay. */
    acsa_record_normalize(r);
}

static void make_activity(struct acsa_record *r)
{
    memset(r, 0, sizeof(*r));
    r->kind = ACSA_RECORD_ACTIVITY;
    snprintf(r->origin, sizeof(r->origin), "JP");
    r->seq = 1;
    r->ref_id = 17;
    struct acsa_activity *a = &r->ref_activity;
    snprintf(a->agreement_id, sizeof(a->agreement_id), "IN-JP-2020");
    snprintf(a->name, sizeof(a->name), "JIMEX 2024");
    snprintf(a->type, sizeof(a->type), "bilateral-training");
    a->from_day = day_of("2024-06-01");
    a->to_day = day_of("2024-06-20");
    snprintf(a->place, sizeof(a->place), "Arabian Sea");
}

static void make_unit(struct acsa_record *r)
{
    memset(r, 0, sizeof(*r));
    r->kind = ACSA_RECORD_UNIT;
    snprintf(r->origin, sizeof(r->origin), "JP");
    r->seq = ACSA_RECORD_SEQ_MAX;
    r->ref_id = 5;
    snprintf(r->unit_party, sizeof(r->unit_party), "JP");
    snprintf(r->unit_name, sizeof(r->unit_name), "JS Izumo (DDH-183)");
    snprintf(r->unit_service, sizeof(r->unit_service), "jmsdf");
}

/* An agreement record: a termination, or with action amend, an amendment with its document. */
static void make_agreement(struct acsa_record *r, enum acsa_agreement_action action)
{
    memset(r, 0, sizeof(*r));
    r->kind = ACSA_RECORD_AGREEMENT;
    snprintf(r->origin, sizeof(r->origin), "JP");
    r->seq = 9;
    struct acsa_agreement_fact *f = &r->life;
    snprintf(f->agreement_id, sizeof(f->agreement_id), "IN-JP-2020");
    f->action = action;
    f->day = day_of("2025-03-01");
    snprintf(f->actor, sizeof(f->actor), "cli:ops");
    if (action == ACSA_AGREEMENT_TERMINATE) {
        snprintf(f->reason, sizeof(f->reason), "superseded by IN-JP-2025");
    }
    if (action == ACSA_AGREEMENT_AMEND) {
        snprintf(f->document, sizeof(f->document), "{\n  \"id\": \"IN-JP-2020\"\n}");
    }
}

/* A document record: JP's fuel ticket for line 2 of an order. */
static void make_document(struct acsa_record *r)
{
    memset(r, 0, sizeof(*r));
    r->kind = ACSA_RECORD_DOCUMENT;
    snprintf(r->origin, sizeof(r->origin), "JP");
    r->seq = 12;
    struct acsa_document_ref *d = &r->document;
    snprintf(d->id, sizeof(d->id), "JP-DOC-2024-000001");
    snprintf(d->number, sizeof(d->number), "IN-JP-2024-000001");
    d->line = 2;
    d->kind = ACSA_DOCUMENT_FUEL_TICKET;
    memset(d->sha256, 0xAB, sizeof(d->sha256));
    d->size = 1234;
    snprintf(d->content_type, sizeof(d->content_type), "image/png");
    snprintf(d->actor, sizeof(d->actor), "Lt K. Sato");
    d->at_s = 1718000000;
}

/* What one test works on; on the heap because records and orders are large. */
struct fixture {
    struct acsa_record record;
    struct acsa_record decoded;
    struct acsa_record again;
    uint8_t buf[ACSA_RECORD_MAX];
    uint8_t buf2[ACSA_RECORD_MAX];
    uint8_t big[SPEC_BYTES];
    struct spec spec;
    struct acsa_agreement agreement;
    struct acsa_activity activity;
    struct acsa_order order;
    struct acsa_order other;
    struct acsa_event event;
    struct acsa_error err;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

/* Encodes r, checks the bytes are the layout's, decodes them back to r exactly and encodes
 * the decoded record to the same bytes. Returns the length. */
static size_t round_trip(struct fixture *f, const struct acsa_record *r)
{
    size_t len = 0;
    enum acsa_rc rc = acsa_record_encode(r, f->buf, sizeof(f->buf), &len, &f->err);
    if (rc != ACSA_OK) {
        fail_msg("encode: %s", f->err.message);
    }
    spec_write(&f->spec, r);
    assert_int_equal(len, f->spec.n);
    assert_memory_equal(f->buf, f->spec.b, len);
    rc = acsa_record_decode(f->buf, len, &f->decoded, &f->err);
    if (rc != ACSA_OK) {
        fail_msg("decode: %s", f->err.message);
    }
    assert_memory_equal(&f->decoded, r, sizeof(*r));
    size_t len2 = 0;
    assert_int_equal(acsa_record_encode(&f->decoded, f->buf2, sizeof(f->buf2), &len2, &f->err),
                     ACSA_OK);
    assert_int_equal(len2, len);
    assert_memory_equal(f->buf2, f->buf, len);
    return len;
}

static bool all_zero(const void *data, size_t n)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < n; i++) {
        if (p[i] != 0) {
            return false;
        }
    }
    return true;
}

/* Expects buf to be refused, naming field, with nothing left in the output. */
static void expect_refused(struct fixture *f, const uint8_t *buf, size_t len, const char *field,
                           const char *what)
{
    memset(&f->decoded, 0xAB, sizeof(f->decoded));
    acsa_error_clear(&f->err);
    enum acsa_rc rc = acsa_record_decode(buf, len, &f->decoded, &f->err);
    if (rc != ACSA_EREFUSED) {
        fail_msg("%s: decode gave %s, expected ACSA_EREFUSED naming %s", what, acsa_rc_name(rc),
                 field);
    }
    if (strcmp(f->err.field, field) != 0) {
        fail_msg("%s: refusal names \"%s\" (%s), expected \"%s\"", what, f->err.field,
                 f->err.message, field);
    }
    char prefix[80];
    snprintf(prefix, sizeof(prefix), "record.%s:", field);
    assert_true(strncmp(f->err.message, prefix, strlen(prefix)) == 0 ||
                strncmp(f->err.message, field, strlen(field)) == 0);
    assert_true(all_zero(&f->decoded, sizeof(f->decoded)));
}

/* ---- Layout and round trips --------------------------------------------------------------- */

static void test_layout_bytes(void **state)
{
    struct fixture *f = *state;
    make_step(&f->record, ACSA_STEP_PAY);
    f->record.seq = 0x0000010203040506;
    f->record.command.day = -2;
    f->record.command.amount_minor = 1;
    memset(&f->record.command.rate, 0, sizeof(f->record.command.rate));
    memset(f->record.command.rate_source, 0, sizeof(f->record.command.rate_source));
    memset(f->record.command.invoice, 0, sizeof(f->record.command.invoice));
    f->record.command.rate_day = 0;
    snprintf(f->record.command.currency, sizeof(f->record.command.currency), "JPY");
    size_t len = round_trip(f, &f->record);
    /* The fixed head a batch reader peeks at: version, kind, "IN", seq, manual. */
    static const uint8_t head[] = {2, 1, 0, 2, 'I', 'N', 0, 0, 1, 2, 3, 4, 5, 6, 0};
    assert_memory_equal(f->buf, head, sizeof(head));
    /* number as u16 length and its bytes, no NUL. */
    assert_int_equal(f->buf[15], 0);
    assert_int_equal(f->buf[16], strlen("IN-JP-2024-000007"));
    assert_memory_equal(f->buf + 17, "IN-JP-2024-000007", 17);
    assert_memory_equal(f->buf + 34, f->record.prev_hash, ACSA_HASH_SIZE);
    /* The step by name. */
    assert_memory_equal(f->buf + 66, "\0\3pay", 5);
    /* day -2 as a 32-bit two's complement. */
    static const uint8_t day[] = {0xFF, 0xFF, 0xFF, 0xFE};
    assert_memory_equal(f->buf + 71, day, sizeof(day));
    /* The official limit (0), then the version 2 fields: no rate (0, 0, no date, no source),
     * no invoice, no exchange to follow, no corrected step; last the recorded day and an
     * empty back-entry reason. */
    static const uint8_t tail[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                   0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    assert_memory_equal(f->buf + len - 6 - sizeof(tail), tail, sizeof(tail));
    static const uint8_t recorded[] = {0x00, 0x00, 0x4D, 0xE0, 0, 0}; /* 2024-08-01, "". */
    assert_memory_equal(f->buf + len - 6, recorded, sizeof(recorded));
    /* A buffer one byte short is refused, naming the field that did not fit. */
    size_t short_len = 99;
    assert_int_equal(acsa_record_encode(&f->record, f->buf, len - 1, &short_len, &f->err),
                     ACSA_EUSAGE);
    assert_string_equal(f->err.field, "backdate_reason");
    assert_int_equal(short_len, 0);
    assert_int_equal(acsa_record_encode(&f->record, f->buf, 0, &short_len, &f->err),
                     ACSA_EUSAGE);
    assert_string_equal(f->err.field, "version");
    assert_int_equal(acsa_record_encode(&f->record, f->buf, len, &short_len, &f->err), ACSA_OK);
    assert_int_equal(short_len, len);
}

static void test_round_trip_every_step(void **state)
{
    struct fixture *f = *state;
    for (int s = 0; s < ACSA_STEP_COUNT; s++) {
        make_step(&f->record, (enum acsa_step)s);
        round_trip(f, &f->record);
        f->record.manual = f->record.manual ? 0 : 1;
        round_trip(f, &f->record);
    }
}

/* Version 2: the ranges of the ways out. A correction may set a quantity to 0 and names the
 * step it corrects; only a correction names one; a line is closed with no quantity; an amend
 * carries a whole draft, held to the rules of a create's. */
static void ways_out_check(struct fixture *f, enum acsa_rc rc, const char *field)
{
    enum acsa_rc got = acsa_record_check(&f->record, &f->err);
    if (got != rc || (field != NULL && strcmp(f->err.field, field) != 0)) {
        fail_msg("%s: check gave %s (%s), expected %s naming %s",
                 acsa_step_name(f->record.command.step), acsa_rc_name(got), f->err.message,
                 acsa_rc_name(rc), field != NULL ? field : "-");
    }
}

static void test_ways_out_ranges(void **state)
{
    struct fixture *f = *state;
    make_step(&f->record, ACSA_STEP_CORRECT);
    f->record.command.quantity_milli = 0;
    ways_out_check(f, ACSA_OK, NULL);
    round_trip(f, &f->record);
    f->record.command.corrected_step = ACSA_STEP_PAY;
    ways_out_check(f, ACSA_EREFUSED, "corrected_step");
    f->record.command.corrected_step = ACSA_STEP_CREATE;
    ways_out_check(f, ACSA_EREFUSED, "corrected_step");
    f->record.command.corrected_step = ACSA_STEP_ACCEPT_RETURN;
    f->record.command.quantity_milli = -1;
    ways_out_check(f, ACSA_EREFUSED, "qty");
    make_step(&f->record, ACSA_STEP_RECEIVE);
    f->record.command.corrected_step = ACSA_STEP_ISSUE;
    ways_out_check(f, ACSA_EREFUSED, "corrected_step");
    make_step(&f->record, ACSA_STEP_CLOSE_LINE);
    assert_int_equal(f->record.command.quantity_milli, 0);
    ways_out_check(f, ACSA_OK, NULL);
    f->record.command.quantity_milli = 1;
    ways_out_check(f, ACSA_EREFUSED, "qty");
    make_step(&f->record, ACSA_STEP_REJECT_RETURN);
    ways_out_check(f, ACSA_OK, NULL);
    f->record.command.quantity_milli = 0;
    ways_out_check(f, ACSA_EREFUSED, "qty");
    make_step(&f->record, ACSA_STEP_RESOLVE);
    f->record.official_limit_minor = 5000000;
    ways_out_check(f, ACSA_OK, NULL);
    round_trip(f, &f->record);
    make_step(&f->record, ACSA_STEP_AMEND);
    round_trip(f, &f->record);
    f->record.draft.line_count = 0;
    ways_out_check(f, ACSA_EREFUSED, "lines");
    make_step(&f->record, ACSA_STEP_AMEND);
    snprintf(f->record.draft.line_currency[1], ACSA_CURRENCY_SIZE, "INR");
    ways_out_check(f, ACSA_EREFUSED, "currency");
    make_step(&f->record, ACSA_STEP_AMEND);
    f->record.requester_unit.id = 0;
    ways_out_check(f, ACSA_EREFUSED, "requester_unit"); /* id 0 names no origin. */
}

static void test_round_trip_create(void **state)
{
    struct fixture *f = *state;
    /* Every method; one line, three lines, and the limits of every integer. */
    for (int m = 0; m < ACSA_METHOD_COUNT; m++) {
        make_step(&f->record, ACSA_STEP_CREATE);
        f->record.draft.method = (enum acsa_method)m;
        round_trip(f, &f->record);
    }
    make_step(&f->record, ACSA_STEP_CREATE);
    f->record.draft.line_count = 1;
    memset(f->record.draft.lines + 1, 0, 2 * sizeof(f->record.draft.lines[0]));
    memset(f->record.draft.line_currency + 1, 0, 2 * ACSA_CURRENCY_SIZE);
    round_trip(f, &f->record);

    make_step(&f->record, ACSA_STEP_CREATE);
    struct acsa_order_draft *d = &f->record.draft;
    d->need_by_day = ACSA_DATE_NONE;
    memset(d->place, 0, sizeof(d->place));
    memset(&f->record.requester_unit, 0, sizeof(f->record.requester_unit));
    memset(&f->record.supplier_unit, 0, sizeof(f->record.supplier_unit));
    /* The limits of every integer a create carries (docs/ARCHITECTURE.md, "Records"). */
    d->lines[0].quantity_milli = INT64_MAX;
    d->lines[0].price_minor = INT64_MAX;
    d->lines[1].quantity_milli = 1;
    d->lines[1].price_minor = 0;
    f->record.command.day = ACSA_DATE_STEP_LAST;
    f->record.command.recorded_day = ACSA_DATE_LAST;
    d->recorded_day = ACSA_DATE_LAST;
    f->record.activity.id = INT64_MAX;
    f->record.seq = ACSA_RECORD_SEQ_MAX;
    round_trip(f, &f->record);
    f->record.command.day = ACSA_DATE_FIRST;
    d->need_by_day = ACSA_DATE_LAST;
    f->record.seq = 1;
    round_trip(f, &f->record);

    /* Seven lines: the decoder gives each line the order currency. */
    make_step(&f->record, ACSA_STEP_CREATE);
    for (uint32_t i = 3; i < 7; i++) {
        char description[32];
        snprintf(description, sizeof(description), "line %u", i + 1);
        set_line(&f->record.draft, i, "medical", description, "6505-01", "ea", 1000 * i, i,
                 "JPY");
    }
    round_trip(f, &f->record);
    assert_int_equal(f->decoded.draft.line_count, 7);
    assert_string_equal(f->decoded.draft.line_currency[6], "JPY");
    assert_string_equal(f->decoded.draft.lines[6].description, "line 7");
}

static void test_round_trip_exchange(void **state)
{
    struct fixture *f = *state;
    make_step(&f->record, ACSA_STEP_EXCHANGE);
    round_trip(f, &f->record);
    assert_string_equal(f->decoded.other_number, "JP-IN-2024-000003");
    assert_memory_equal(f->decoded.other_prev_hash, f->record.other_prev_hash, ACSA_HASH_SIZE);
    /* Other steps do not carry the exchange fields: a close is the same record without them. */
    make_step(&f->record, ACSA_STEP_CLOSE);
    round_trip(f, &f->record);
    assert_string_equal(f->decoded.other_number, "");
    assert_true(all_zero(f->decoded.other_prev_hash, ACSA_HASH_SIZE));
}

static void test_round_trip_reference_data(void **state)
{
    struct fixture *f = *state;
    make_activity(&f->record);
    round_trip(f, &f->record);
    assert_string_equal(f->decoded.ref_activity.name, "JIMEX 2024");
    assert_int_equal(f->decoded.ref_id, 17);
    memset(f->record.ref_activity.place, 0, sizeof(f->record.ref_activity.place));
    f->record.manual = 1;
    round_trip(f, &f->record);
    make_unit(&f->record);
    round_trip(f, &f->record);
    assert_string_equal(f->decoded.unit_name, "JS Izumo (DDH-183)");
    assert_int_equal(f->decoded.seq, ACSA_RECORD_SEQ_MAX);
}

/* The three facts of an agreement's lifecycle, and the unit's service, round trip. */
static void test_round_trip_agreement(void **state)
{
    struct fixture *f = *state;
    make_agreement(&f->record, ACSA_AGREEMENT_AMEND);
    round_trip(f, &f->record);
    assert_int_equal(f->decoded.life.action, ACSA_AGREEMENT_AMEND);
    assert_string_equal(f->decoded.life.document, f->record.life.document);
    make_agreement(&f->record, ACSA_AGREEMENT_NOTICE);
    round_trip(f, &f->record);
    make_agreement(&f->record, ACSA_AGREEMENT_TERMINATE);
    round_trip(f, &f->record);
    assert_string_equal(f->decoded.life.reason, "superseded by IN-JP-2025");
    /* The largest document a record carries fits in ACSA_RECORD_MAX. */
    make_agreement(&f->record, ACSA_AGREEMENT_AMEND);
    memset(f->record.life.document, 'x', sizeof(f->record.life.document) - 1);
    round_trip(f, &f->record);
    make_unit(&f->record);
    size_t len = round_trip(f, &f->record);
    assert_memory_equal(f->buf + len - 7, "\0\5jmsdf", 7);
    assert_string_equal(f->decoded.unit_service, "jmsdf");
    /* Not known: left out, so the record is byte for byte the unit record of before. */
    memset(f->record.unit_service, 0, sizeof(f->record.unit_service));
    len = round_trip(f, &f->record);
    assert_memory_equal(f->buf + len - 20, "\0\x12JS Izumo (DDH-183)", 20);
    /* An empty service written as an empty text would be a second encoding: refused. */
    f->buf[len] = 0;
    f->buf[len + 1] = 0;
    expect_refused(f, f->buf, len + 2, "service", "an empty service written out");
}

/* Encodes r (which the layout allows) and expects the decoder's range check to refuse it. */
static void expect_range_refused(struct fixture *f, const char *field, const char *what)
{
    size_t len = 0;
    assert_int_equal(acsa_record_encode(&f->record, f->buf, sizeof(f->buf), &len, &f->err),
                     ACSA_OK);
    expect_refused(f, f->buf, len, field, what);
    assert_int_equal(acsa_record_check(&f->record, &f->err), ACSA_EREFUSED);
    assert_string_equal(f->err.field, field);
}

static void test_agreement_record_ranges(void **state)
{
    struct fixture *f = *state;
    make_agreement(&f->record, ACSA_AGREEMENT_TERMINATE);
    f->record.life.reason[0] = '\0';
    expect_range_refused(f, "reason", "a termination without a reason");
    make_agreement(&f->record, ACSA_AGREEMENT_NOTICE);
    snprintf(f->record.life.reason, sizeof(f->record.life.reason), "because");
    expect_range_refused(f, "reason", "a notice with a reason");
    make_agreement(&f->record, ACSA_AGREEMENT_NOTICE);
    snprintf(f->record.life.document, sizeof(f->record.life.document), "{}");
    expect_range_refused(f, "document", "a notice with a document");
    make_agreement(&f->record, ACSA_AGREEMENT_TERMINATE);
    snprintf(f->record.life.reason, sizeof(f->record.life.reason), "two\nlines");
    expect_range_refused(f, "reason", "a reason of two lines");
    make_agreement(&f->record, ACSA_AGREEMENT_TERMINATE);
    f->record.life.day = ACSA_DATE_STEP_LAST + 1;
    expect_range_refused(f, "day", "a day past the last a step may have");
    make_agreement(&f->record, ACSA_AGREEMENT_NOTICE);
    f->record.life.day = ACSA_DATE_NONE;
    expect_range_refused(f, "day", "no day");
    make_agreement(&f->record, ACSA_AGREEMENT_NOTICE);
    snprintf(f->record.life.agreement_id, sizeof(f->record.life.agreement_id), "IN\xC0\xAFJP");
    expect_range_refused(f, "agreement_id", "an overlong UTF-8 form");
    /* An action the encoder does not know is refused at encoding, naming it. */
    make_agreement(&f->record, ACSA_AGREEMENT_NOTICE);
    f->record.life.action = (enum acsa_agreement_action)9;
    size_t len = 0;
    assert_int_equal(acsa_record_encode(&f->record, f->buf, sizeof(f->buf), &len, &f->err),
                     ACSA_EUSAGE);
    assert_string_equal(f->err.field, "action");
    assert_string_equal(acsa_agreement_action_name(ACSA_AGREEMENT_TERMINATE), "terminate");
    assert_string_equal(acsa_agreement_action_name((enum acsa_agreement_action)0), "");
}

/* Record kind 6: the layout is the spec's, and every value out of range is refused, a size
 * over the bound above all (a partner naming a huge file is refused before any byte). */
static void test_document_record(void **state)
{
    struct fixture *f = *state;
    make_document(&f->record);
    round_trip(f, &f->record);
    assert_string_equal(f->decoded.document.id, "JP-DOC-2024-000001");
    assert_int_equal(f->decoded.document.size, 1234);
    make_document(&f->record);
    f->record.document.size = (int64_t)ACSA_RECORD_DOCUMENT_BYTES_MAX + 1;
    expect_range_refused(f, "size", "a size over the bound");
    make_document(&f->record);
    f->record.document.size = 0;
    expect_range_refused(f, "size", "an empty document");
    make_document(&f->record);
    snprintf(f->record.document.id, sizeof(f->record.document.id), "IN-DOC-2024-000001");
    expect_range_refused(f, "id", "an id of the other node's series");
    make_document(&f->record);
    f->record.document.line = 0;
    expect_range_refused(f, "line", "line 0");
    make_document(&f->record);
    f->record.document.line = 65;
    expect_range_refused(f, "line", "line 65");
    make_document(&f->record);
    snprintf(f->record.document.content_type, sizeof(f->record.document.content_type),
             "text/html");
    expect_range_refused(f, "content_type", "an HTML document");
    make_document(&f->record);
    f->record.document.at_s = -1;
    expect_range_refused(f, "at", "a time before 1970");
    make_document(&f->record);
    f->record.document.actor[0] = '\0';
    expect_range_refused(f, "actor", "no actor");
    make_document(&f->record);
    f->record.document.kind = (enum acsa_document_kind)9;
    size_t len = 0;
    assert_int_equal(acsa_record_encode(&f->record, f->buf, sizeof(f->buf), &len, &f->err),
                     ACSA_EUSAGE);
    assert_string_equal(f->err.field, "document_kind");
}

/* The longest record there is: a create of 64 lines with every text at its longest.
 * record.h promises that ACSA_RECORD_MAX always suffices. */
static void test_longest_create_fits(void **state)
{
    struct fixture *f = *state;
    make_step(&f->record, ACSA_STEP_CREATE);
    struct acsa_record *r = &f->record;
    memset(r->command.actor, 'a', sizeof(r->command.actor) - 1);
    memset(r->command.reason, 'r', sizeof(r->command.reason) - 1);
    memset(r->number, 'N', sizeof(r->number) - 1);
    memset(r->agreement_id, 'G', sizeof(r->agreement_id) - 1);
    memset(r->draft.place, 'p', sizeof(r->draft.place) - 1);
    for (uint32_t i = 0; i < ACSA_ORDER_LINES_MAX; i++) {
        struct acsa_order_line *l = &r->draft.lines[i];
        memset(l, 0, sizeof(*l));
        memset(l->category, 'c', sizeof(l->category) - 1);
        memset(l->description, 'd', sizeof(l->description) - 1);
        memset(l->nsn, 'n', sizeof(l->nsn) - 1);
        memset(l->unit_of_issue, 'u', sizeof(l->unit_of_issue) - 1);
        l->quantity_milli = 1000;
        l->price_minor = 1;
        snprintf(r->draft.line_currency[i], ACSA_CURRENCY_SIZE, "JPY");
    }
    r->draft.line_count = ACSA_ORDER_LINES_MAX;
    spec_write(&f->spec, r);
    size_t len = 0;
    enum acsa_rc rc = acsa_record_encode(r, f->buf, sizeof(f->buf), &len, &f->err);
    if (rc != ACSA_OK) {
        fail_msg("a create of %d full lines takes %zu bytes; ACSA_RECORD_MAX is %d: %s",
                 ACSA_ORDER_LINES_MAX, f->spec.n, ACSA_RECORD_MAX, f->err.message);
    }
    round_trip(f, r);
}

/* ---- Encoding refusals -------------------------------------------------------------------- */

static void expect_encode_usage(struct fixture *f, const struct acsa_record *r, const char *field)
{
    size_t len = 7;
    acsa_error_clear(&f->err);
    enum acsa_rc rc = acsa_record_encode(r, f->buf, sizeof(f->buf), &len, &f->err);
    if (rc != ACSA_EUSAGE || strcmp(f->err.field, field) != 0) {
        fail_msg("encode gave %s naming \"%s\", expected ACSA_EUSAGE naming \"%s\"",
                 acsa_rc_name(rc), f->err.field, field);
    }
    assert_int_equal(len, 0);
    char prefix[80];
    snprintf(prefix, sizeof(prefix), "record.%s:", field);
    assert_true(strncmp(f->err.message, prefix, strlen(prefix)) == 0);
}

static void test_encode_refusals(void **state)
{
    struct fixture *f = *state;
    /* Texts that fill their array (no NUL): too long for a record. */
    make_step(&f->record, ACSA_STEP_SUBMIT);
    memset(f->record.command.actor, 'x', sizeof(f->record.command.actor));
    expect_encode_usage(f, &f->record, "actor");
    make_step(&f->record, ACSA_STEP_SUBMIT);
    memset(f->record.number, 'x', sizeof(f->record.number));
    expect_encode_usage(f, &f->record, "number");
    make_step(&f->record, ACSA_STEP_CREATE);
    memset(f->record.draft.lines[2].description, 'x', ACSA_TEXT_SIZE);
    expect_encode_usage(f, &f->record, "line.description");
    make_step(&f->record, ACSA_STEP_CREATE);
    memset(f->record.supplier_unit.origin, 'X', ACSA_NATION_SIZE);
    expect_encode_usage(f, &f->record, "supplier_unit");
    make_step(&f->record, ACSA_STEP_EXCHANGE);
    memset(f->record.other_number, 'x', ACSA_NUMBER_SIZE);
    expect_encode_usage(f, &f->record, "other_number");
    make_unit(&f->record);
    memset(f->record.unit_name, 'x', ACSA_NAME_SIZE);
    expect_encode_usage(f, &f->record, "name");
    make_activity(&f->record);
    memset(f->record.ref_activity.type, 'x', ACSA_CODE_SIZE);
    expect_encode_usage(f, &f->record, "type");
    /* Values out of range. */
    make_step(&f->record, ACSA_STEP_CREATE);
    f->record.draft.line_count = ACSA_ORDER_LINES_MAX + 1;
    expect_encode_usage(f, &f->record, "lines");
    make_unit(&f->record);
    f->record.kind = (enum acsa_record_kind)0;
    expect_encode_usage(f, &f->record, "kind");
    f->record.kind = (enum acsa_record_kind)7;
    expect_encode_usage(f, &f->record, "kind");
}

/* A step that is no step is a value out of range: refused, not encoded as a record that no
 * node can decode. */
static void test_encode_step_out_of_range(void **state)
{
    struct fixture *f = *state;
    make_step(&f->record, ACSA_STEP_SUBMIT);
    f->record.command.step = ACSA_STEP_COUNT;
    expect_encode_usage(f, &f->record, "step");
}

/* A method out of range must be refused as EUSAGE naming "method", not abort the process: run
 * in a child so that an abort is reported as a failure of this test alone. */
static void test_encode_method_out_of_range(void **state)
{
    struct fixture *f = *state;
    make_step(&f->record, ACSA_STEP_CREATE);
    f->record.draft.method = ACSA_METHOD_COUNT;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        size_t len = 0;
        enum acsa_rc rc = acsa_record_encode(&f->record, f->buf, sizeof(f->buf), &len, &f->err);
        _exit(rc == ACSA_EUSAGE && strcmp(f->err.field, "method") == 0 ? 0 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status)) {
        fail_msg("encoding a create whose method is out of range killed the process with "
                 "signal %d instead of returning ACSA_EUSAGE naming \"method\"",
                 WTERMSIG(status));
    }
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) != 0) {
        fail_msg("encoding a create whose method is out of range did not return ACSA_EUSAGE "
                 "naming \"method\"");
    }
}

/* ---- Decoding refusals -------------------------------------------------------------------- */

/* The base record of a refusal case. */
enum base {
    BASE_SUBMIT,
    BASE_CREATE,
    BASE_EXCHANGE,
    BASE_ACTIVITY,
    BASE_UNIT,
    BASE_AGREEMENT,
};

static void make_base(struct acsa_record *r, enum base base)
{
    switch (base) {
    case BASE_SUBMIT: make_step(r, ACSA_STEP_SUBMIT); break;
    case BASE_CREATE: make_step(r, ACSA_STEP_CREATE); break;
    case BASE_EXCHANGE: make_step(r, ACSA_STEP_EXCHANGE); break;
    case BASE_ACTIVITY: make_activity(r); break;
    case BASE_UNIT: make_unit(r); break;
    case BASE_AGREEMENT: make_agreement(r, ACSA_AGREEMENT_AMEND); break;
    }
}

#define B(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

/* One malformed input: a field of a valid record replaced by other bytes. */
struct bad_case {
    enum base base;
    const char *label;          /* The field replaced. */
    const uint8_t *bytes;       /* What stands in its place. */
    size_t len;
    const char *field;          /* What the refusal names. */
    const char *what;
};

static const uint8_t LONG_32[] = {0, 32, 'I', 'N', '-', 'J', 'P', '-', '2', '0', '2', '4', '-',
                                  '0', '0', '0', '0', '0', '1', 'x', 'x', 'x', 'x', 'x', 'x',
                                  'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'};

static const struct bad_case BAD_CASES[] = {
    /* The header. */
    {BASE_SUBMIT, "kind", B(0), "kind", "kind 0"},
    {BASE_SUBMIT, "kind", B(7), "kind", "kind 7"},
    {BASE_UNIT, "kind", B(0xFF), "kind", "kind 255"},
    {BASE_SUBMIT, "origin", B(0, 2, 'i', 'n'), "origin", "lower-case origin"},
    {BASE_SUBMIT, "origin", B(0, 0), "origin", "empty origin"},
    {BASE_SUBMIT, "origin", B(0, 1, 'I'), "origin", "one-letter origin"},
    {BASE_SUBMIT, "origin", B(0, 2, '1', 'N'), "origin", "digit in origin"},
    {BASE_SUBMIT, "origin", B(0, 3, 'I', 'N', 'D'), "origin", "overlong origin"},
    {BASE_SUBMIT, "origin", B(0, 2, 'I', 0), "origin", "NUL in origin"},
    {BASE_SUBMIT, "origin", B(0xFF, 0xFF), "origin", "origin length 65535"},
    {BASE_SUBMIT, "seq", B(0, 0, 0, 0, 0, 0, 0, 0), "seq", "seq 0"},
    {BASE_SUBMIT, "seq", B(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF), "seq", "seq -1"},
    {BASE_UNIT, "seq", B(0x80, 0, 0, 0, 0, 0, 0, 0), "seq", "seq INT64_MIN"},
    {BASE_SUBMIT, "manual", B(2), "manual", "manual 2"},
    {BASE_ACTIVITY, "manual", B(0xFF), "manual", "manual 255"},
    /* Step fields. */
    {BASE_SUBMIT, "number", LONG_32, sizeof(LONG_32), "number", "32-byte number"},
    {BASE_SUBMIT, "number", B(0, 5, 'I', 'N', 0, 'J', 'P'), "number", "NUL in number"},
    {BASE_SUBMIT, "number", B(0xFF, 0xFF), "number", "number length 65535"},
    {BASE_SUBMIT, "step", B(0, 10, 'f', 'r', 'o', 'b', 'n', 'i', 'c', 'a', 't', 'e'), "step",
     "unknown step"},
    {BASE_SUBMIT, "step", B(0, 0), "step", "empty step"},
    {BASE_SUBMIT, "step", B(0, 6, 'S', 'u', 'b', 'm', 'i', 't'), "step", "capitalised step"},
    {BASE_SUBMIT, "step", B(0, 7, 's', 'u', 'b', 'm', 'i', 't', 0), "step", "NUL after step"},
    {BASE_SUBMIT, "actor", B(0, 3, 'a', 0, 'b'), "actor", "NUL in actor"},
    {BASE_SUBMIT, "reason", B(1, 0), "reason", "reason of 256 bytes"},
    {BASE_SUBMIT, "currency", B(0, 4, 'J', 'P', 'Y', 'X'), "currency", "4-letter currency"},
    {BASE_EXCHANGE, "other_number", LONG_32, sizeof(LONG_32), "other_number",
     "32-byte other number"},
    {BASE_EXCHANGE, "other_number", B(0, 2, 0, 0), "other_number", "NUL other number"},
    /* Create fields. */
    {BASE_CREATE, "agreement_id", B(0, 3, 'I', 0, 'N'), "agreement_id", "NUL in agreement"},
    {BASE_CREATE, "activity", B(0, 3, 'I', 'N', 'D', 0, 0, 0, 0, 0, 0, 0, 1), "activity",
     "overlong activity origin"},
    {BASE_CREATE, "requester_unit", B(0, 2, 0, 'N', 0, 0, 0, 0, 0, 0, 0, 1), "requester_unit",
     "NUL in unit origin"},
    {BASE_CREATE, "supplier_unit", B(0, 9), "supplier_unit", "overlong unit origin"},
    {BASE_CREATE, "requester", B(0, 3, 'I', 'N', 'D'), "requester", "3-letter requester"},
    {BASE_CREATE, "supplier", B(0, 2, 'J', 0), "supplier", "NUL in supplier"},
    {BASE_CREATE, "method", B(0, 6, 'b', 'a', 'r', 't', 'e', 'r'), "method", "unknown method"},
    {BASE_CREATE, "method", B(0, 0), "method", "empty method"},
    {BASE_CREATE, "method", B(0, 4, 'C', 'A', 'S', 'H'), "method", "capitalised method"},
    {BASE_CREATE, "place", B(1, 0), "place", "place of 256 bytes"},
    {BASE_CREATE, "create.currency", B(0, 4, 'E', 'U', 'R', 'O'), "currency",
     "4-letter order currency"},
    {BASE_CREATE, "lines", B(0, 0, 0, 65), "lines", "65 lines"},
    {BASE_CREATE, "lines", B(0xFF, 0xFF, 0xFF, 0xFF), "lines", "4294967295 lines"},
    /* The version 2 tail after the lines is read as a fourth line, up to its price. */
    {BASE_CREATE, "lines", B(0, 0, 0, 4), "rate_source", "4 lines announced, 3 given"},
    /* The third line's bytes are read as the version 2 tail, which they do not fit. */
    {BASE_CREATE, "lines", B(0, 0, 0, 2), "rate_source", "2 lines announced, 3 given"},
    {BASE_CREATE, "line.category", B(0, 32), "line.category", "category of 32 bytes"},
    {BASE_CREATE, "line.description", B(0, 2, 'a', 0), "line.description",
     "NUL in description"},
    {BASE_CREATE, "line.nsn", B(0, 32), "line.nsn", "nsn of 32 bytes"},
    {BASE_CREATE, "line.unit", B(0, 16), "line.unit", "unit of issue of 16 bytes"},
    {BASE_CREATE, "line.unit", B(0, 1, 0), "line.unit", "NUL unit of issue"},
    /* Reference data. */
    {BASE_ACTIVITY, "agreement_id", B(0, 32), "agreement_id", "agreement id of 32 bytes"},
    {BASE_ACTIVITY, "name", B(0, 96), "name", "activity name of 96 bytes"},
    {BASE_ACTIVITY, "type", B(0, 3, 'a', 0, 'b'), "type", "NUL in activity type"},
    {BASE_ACTIVITY, "place", B(1, 0), "place", "activity place of 256 bytes"},
    {BASE_UNIT, "party", B(0, 3, 'J', 'P', 'N'), "party", "3-letter unit party"},
    {BASE_UNIT, "name", B(0, 4, 'J', 'S', 0, 'I'), "name", "NUL in unit name"},
    {BASE_UNIT, "name", B(0, 96), "name", "unit name of 96 bytes"},
    {BASE_UNIT, "service", B(0, 32), "service", "service of 32 bytes"},
    {BASE_UNIT, "service", B(0, 4, 'N', 'a', 'v', 'y'), "service", "capitalised service"},
    {BASE_UNIT, "service", B(0, 3, 'a', 0, 'b'), "service", "NUL in service"},
    {BASE_UNIT, "service", B(0, 0), "service", "an empty service written out"},
    /* Agreement records. */
    {BASE_AGREEMENT, "agreement_id", B(0, 0), "agreement_id", "empty agreement id"},
    {BASE_AGREEMENT, "agreement_id", B(0, 32), "agreement_id", "agreement id of 32 bytes"},
    {BASE_AGREEMENT, "agreement_id", B(0, 2, 0xC3, 0x28), "agreement_id",
     "bad UTF-8 agreement id"},
    {BASE_AGREEMENT, "action", B(0, 6, 'r', 'e', 'n', 'e', 'w', 's'), "action",
     "unknown action"},
    {BASE_AGREEMENT, "action", B(0, 5, 'A', 'm', 'e', 'n', 'd'), "action", "capitalised action"},
    {BASE_AGREEMENT, "action", B(0, 0), "action", "empty action"},
    {BASE_AGREEMENT, "day", B(0x80, 0, 0, 0), "day", "day INT32_MIN"},
    {BASE_AGREEMENT, "day", B(0x7F, 0xFF, 0xFF, 0xFF), "day", "day INT32_MAX"},
    {BASE_AGREEMENT, "actor", B(0, 0), "actor", "no actor"},
    {BASE_AGREEMENT, "actor", B(0, 96), "actor", "actor of 96 bytes"},
    {BASE_AGREEMENT, "actor", B(0, 2, 'a', 0x07), "actor", "control character in actor"},
    {BASE_AGREEMENT, "reason", B(0, 3, 'w', 'h', 'y'), "reason", "a reason on an amendment"},
    {BASE_AGREEMENT, "reason", B(1, 0), "reason", "reason of 256 bytes"},
    {BASE_AGREEMENT, "document", B(0, 0), "document", "an amendment without its document"},
    {BASE_AGREEMENT, "document", B(0, 3, '{', 0xFF, '}'), "document", "bad UTF-8 document"},
    {BASE_AGREEMENT, "document", B(0, 3, '{', 0x1B, '}'), "document", "escape in document"},
    {BASE_AGREEMENT, "document", B(0x40, 0), "document", "document of 16384 bytes"},
};

static void test_decode_refusals(void **state)
{
    struct fixture *f = *state;
    for (size_t i = 0; i < sizeof(BAD_CASES) / sizeof(BAD_CASES[0]); i++) {
        const struct bad_case *c = &BAD_CASES[i];
        make_base(&f->record, c->base);
        /* The text overrides with a length and no bytes are followed by the record's rest;
         * give long texts their bytes so that the length alone is what is wrong. */
        static uint8_t bytes[ACSA_AGREEMENT_DOC_MAX + 8];
        size_t len = c->len;
        memcpy(bytes, c->bytes, len);
        if (len == 2 && c->bytes[0] * 256 + c->bytes[1] > 8 && c->bytes[0] != 0xFF) {
            size_t n = (size_t)c->bytes[0] * 256 + c->bytes[1];
            memset(bytes + 2, 'x', n);
            len += n;
        }
        f->spec.override_label = c->label;
        f->spec.override_bytes = bytes;
        f->spec.override_len = len;
        spec_write(&f->spec, &f->record);
        f->spec.override_label = NULL;
        expect_refused(f, f->spec.b, f->spec.n, c->field, c->what);
    }
}

static void test_decode_header_refusals(void **state)
{
    struct fixture *f = *state;
    /* Nothing at all, and a version this node does not read. */
    expect_refused(f, (const uint8_t *)"", 0, "version", "empty input");
    for (unsigned version = 0; version < 256; version += 85) {
        if (version == ACSA_RECORD_VERSION) {
            continue;
        }
        make_step(&f->record, ACSA_STEP_SUBMIT);
        size_t len = round_trip(f, &f->record);
        f->buf[0] = (uint8_t)version;
        memset(&f->decoded, 0xAB, sizeof(f->decoded));
        assert_int_equal(acsa_record_decode(f->buf, len, &f->decoded, &f->err), ACSA_EREFUSED);
        /* The version is named (the other refusals name the bare field). */
        assert_true(strcmp(f->err.field, "version") == 0 ||
                    strcmp(f->err.field, "record.version") == 0);
        assert_true(strncmp(f->err.message, "record.version:", 15) == 0);
        assert_true(all_zero(&f->decoded, sizeof(f->decoded)));
    }
    /* A record of one kind read as another runs out or has bytes left over. */
    make_unit(&f->record);
    size_t len = round_trip(f, &f->record);
    f->buf[1] = ACSA_RECORD_ACTIVITY;
    /* (Its service is read as the activity's type, what follows as its dates.) */
    expect_refused(f, f->buf, len, "from", "unit read as an activity");
    make_activity(&f->record);
    len = round_trip(f, &f->record);
    f->buf[1] = ACSA_RECORD_UNIT;
    expect_refused(f, f->buf, len, "party", "activity read as a unit");
}

/* Every prefix of every kind of record is refused, naming the field it stops in. */
static void test_decode_truncated(void **state)
{
    struct fixture *f = *state;
    static const enum base bases[] = {BASE_SUBMIT, BASE_CREATE, BASE_EXCHANGE, BASE_ACTIVITY,
                                      BASE_UNIT, BASE_AGREEMENT};
    for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
        make_base(&f->record, bases[b]);
        size_t len = round_trip(f, &f->record);
        spec_write(&f->spec, &f->record);
        size_t m = 0;
        for (size_t cut = 0; cut < len; cut++) {
            while (f->spec.marks[m].end <= cut) {
                m++;
            }
            char what[96];
            snprintf(what, sizeof(what), "base %zu cut to %zu of %zu bytes", b, cut, len);
            if (strcmp(f->spec.marks[m].label, "service") == 0 && cut == f->spec.marks[m].start) {
                /* A unit's service is left out when not known: cut before it, the record is a
                 * unit record without one. */
                assert_int_equal(acsa_record_decode(f->buf, cut, &f->decoded, &f->err), ACSA_OK);
                assert_string_equal(f->decoded.unit_service, "");
                continue;
            }
            expect_refused(f, f->buf, cut, field_of(f->spec.marks[m].label), what);
        }
    }
}

static void test_decode_trailing_bytes(void **state)
{
    struct fixture *f = *state;
    static const enum base bases[] = {BASE_SUBMIT, BASE_CREATE, BASE_EXCHANGE, BASE_ACTIVITY,
                                      BASE_UNIT, BASE_AGREEMENT};
    for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
        make_base(&f->record, bases[b]);
        size_t len = round_trip(f, &f->record);
        memcpy(f->big, f->buf, len);
        f->big[len] = 0;
        expect_refused(f, f->big, len + 1, "length", "one trailing NUL");
        memset(f->big + len, 0xEE, 100);
        expect_refused(f, f->big, len + 100, "length", "100 trailing bytes");
        /* A second record after the first. */
        memcpy(f->big + len, f->buf, len);
        expect_refused(f, f->big, 2 * len, "length", "two records in one");
    }
}

/* Every single-byte corruption of a create is refused (naming a field) or decodes to a record
 * whose encoding is exactly the corrupted bytes: one record, one encoding. */
static void test_decode_corruptions(void **state)
{
    struct fixture *f = *state;
    static const uint8_t flips[] = {0x01, 0x20, 0x80, 0xFF};
    static const enum base bases[] = {BASE_CREATE, BASE_EXCHANGE, BASE_ACTIVITY,
                                      BASE_AGREEMENT};
    uint32_t accepted = 0;
    uint32_t refused = 0;
    for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
        make_base(&f->record, bases[b]);
        size_t len = round_trip(f, &f->record);
        for (size_t i = 0; i < len; i++) {
            for (size_t k = 0; k < sizeof(flips); k++) {
                memcpy(f->big, f->buf, len);
                f->big[i] ^= flips[k];
                enum acsa_rc rc = acsa_record_decode(f->big, len, &f->decoded, &f->err);
                if (rc != ACSA_OK) {
                    assert_int_equal(rc, ACSA_EREFUSED);
                    assert_true(f->err.field[0] != '\0');
                    refused++;
                    continue;
                }
                size_t len2 = 0;
                assert_int_equal(acsa_record_encode(&f->decoded, f->buf2, sizeof(f->buf2),
                                                    &len2, &f->err),
                                 ACSA_OK);
                if (len2 != len || memcmp(f->buf2, f->big, len) != 0) {
                    fail_msg("byte %zu ^ 0x%02x of base %zu decodes to a record encoded "
                             "otherwise", i, flips[k], b);
                }
                accepted++;
            }
        }
    }
    assert_true(accepted > 0);
    assert_true(refused > 0);
}

/* ---- Signers ------------------------------------------------------------------------------ */

static void test_signer_table(void **state)
{
    struct fixture *f = *state;
    static const enum acsa_signer expected[ACSA_STEP_COUNT] = {
        [ACSA_STEP_CREATE] = ACSA_SIGNER_REQUESTER,
        [ACSA_STEP_SUBMIT] = ACSA_SIGNER_REQUESTER,
        [ACSA_STEP_APPROVE] = ACSA_SIGNER_REQUESTER,
        [ACSA_STEP_CANCEL] = ACSA_SIGNER_REQUESTER,
        [ACSA_STEP_RECEIVE] = ACSA_SIGNER_REQUESTER,
        [ACSA_STEP_RETURN] = ACSA_SIGNER_REQUESTER,
        [ACSA_STEP_PAY] = ACSA_SIGNER_REQUESTER,
        [ACSA_STEP_ACCEPT] = ACSA_SIGNER_SUPPLIER,
        [ACSA_STEP_REJECT] = ACSA_SIGNER_SUPPLIER,
        [ACSA_STEP_ISSUE] = ACSA_SIGNER_SUPPLIER,
        [ACSA_STEP_INVOICE] = ACSA_SIGNER_SUPPLIER,
        [ACSA_STEP_ACCEPT_RETURN] = ACSA_SIGNER_SUPPLIER,
        [ACSA_STEP_CONVERT] = ACSA_SIGNER_SUPPLIER,
        [ACSA_STEP_DISPUTE] = ACSA_SIGNER_EITHER,
        [ACSA_STEP_EXCHANGE] = ACSA_SIGNER_EITHER,
        [ACSA_STEP_CLOSE] = ACSA_SIGNER_EITHER,
        [ACSA_STEP_RESOLVE] = ACSA_SIGNER_DISPUTANT,
        [ACSA_STEP_CLOSE_LINE] = ACSA_SIGNER_EITHER,
        [ACSA_STEP_CORRECT] = ACSA_SIGNER_CORRECTED,
        [ACSA_STEP_AMEND] = ACSA_SIGNER_REQUESTER,
        [ACSA_STEP_REJECT_RETURN] = ACSA_SIGNER_SUPPLIER,
        [ACSA_STEP_VOID] = ACSA_SIGNER_NONE,
    };
    memset(&f->order, 0, sizeof(f->order));
    snprintf(f->order.requester, sizeof(f->order.requester), "IN");
    snprintf(f->order.supplier, sizeof(f->order.supplier), "JP");
    unsigned counts[6] = {0};
    for (int s = 0; s < ACSA_STEP_COUNT; s++) {
        enum acsa_signer signer = acsa_step_signer((enum acsa_step)s);
        if (signer != expected[s]) {
            fail_msg("step %s: signer %d, expected %d", acsa_step_name((enum acsa_step)s),
                     (int)signer, (int)expected[s]);
        }
        counts[signer]++;
        const char *party = acsa_step_party(&f->order, (enum acsa_step)s);
        switch (signer) {
        case ACSA_SIGNER_REQUESTER: assert_string_equal(party, "IN"); break;
        case ACSA_SIGNER_SUPPLIER: assert_string_equal(party, "JP"); break;
        case ACSA_SIGNER_EITHER: assert_null(party); break;
        case ACSA_SIGNER_DISPUTANT: assert_null(party); break; /* Not disputed: not known. */
        case ACSA_SIGNER_CORRECTED: assert_null(party); break; /* acsa_command_party. */
        case ACSA_SIGNER_NONE: assert_null(party); break;
        }
    }
    assert_int_equal(counts[ACSA_SIGNER_REQUESTER], 8);
    assert_int_equal(counts[ACSA_SIGNER_SUPPLIER], 7);
    assert_int_equal(counts[ACSA_SIGNER_EITHER], 4);
    assert_int_equal(counts[ACSA_SIGNER_DISPUTANT], 1);
    assert_int_equal(counts[ACSA_SIGNER_CORRECTED], 1);
    assert_int_equal(counts[ACSA_SIGNER_NONE], 1);
    /* Resolve belongs to the party that raised the dispute; a correction to the party
     * entitled to the step it corrects. */
    snprintf(f->order.disputed_by, sizeof(f->order.disputed_by), "JP");
    assert_string_equal(acsa_step_party(&f->order, ACSA_STEP_RESOLVE), "JP");
    struct acsa_command cmd;
    memset(&cmd, 0, sizeof(cmd));
    cmd.step = ACSA_STEP_CORRECT;
    cmd.corrected_step = ACSA_STEP_RECEIVE;
    assert_string_equal(acsa_command_party(&f->order, &cmd), "IN");
    cmd.corrected_step = ACSA_STEP_ACCEPT_RETURN;
    assert_string_equal(acsa_command_party(&f->order, &cmd), "JP");
    /* The reverse direction: the same step belongs to the other nation. */
    snprintf(f->order.requester, sizeof(f->order.requester), "JP");
    snprintf(f->order.supplier, sizeof(f->order.supplier), "IN");
    assert_string_equal(acsa_step_party(&f->order, ACSA_STEP_CREATE), "JP");
    assert_string_equal(acsa_step_party(&f->order, ACSA_STEP_INVOICE), "IN");
    assert_null(acsa_step_party(&f->order, ACSA_STEP_CLOSE));
}

/* ---- Facts and fingerprints --------------------------------------------------------------- */

static void load_agreement(struct fixture *f)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/agreements/india-japan-2020.json", ACSA_SOURCE_ROOT);
    FILE *file = fopen(path, "rb");
    assert_non_null(file);
    static char text[65536];
    size_t size = fread(text, 1, sizeof(text), file);
    fclose(file);
    assert_int_equal(acsa_agreement_from_json(text, size, &f->agreement, &f->err), ACSA_OK);
    f->activity.id = 1;
    snprintf(f->activity.agreement_id, ACSA_ID_SIZE, "IN-JP-2020");
    snprintf(f->activity.name, ACSA_NAME_SIZE, "JIMEX 2024");
    snprintf(f->activity.type, ACSA_CODE_SIZE, "bilateral-training");
    f->activity.from_day = day_of("2024-06-01");
    f->activity.to_day = day_of("2024-06-20");
}

static void apply(struct fixture *f, struct acsa_order *order, enum acsa_step step,
                  const char *actor, uint32_t line, int64_t qty, int64_t amount)
{
    struct acsa_official official;
    memset(&official, 0, sizeof(official));
    snprintf(official.party, sizeof(official.party), "%s",
             step == ACSA_STEP_APPROVE ? "IN" : "JP");
    snprintf(official.name, sizeof(official.name), "%s", actor);
    official.limit_currency[0] = *acsa_currency_find("JPY");
    official.limit_minor[0] = 100000000;
    official.limit_count = 1;
    struct acsa_command cmd;
    memset(&cmd, 0, sizeof(cmd));
    cmd.step = step;
    cmd.day = day_of("2024-06-12");
    snprintf(cmd.actor, sizeof(cmd.actor), "%s", actor);
    cmd.line_no = line;
    cmd.quantity_milli = qty;
    cmd.amount_minor = amount;
    snprintf(cmd.currency, sizeof(cmd.currency), "JPY");
    if (step == ACSA_STEP_INVOICE) {
        snprintf(cmd.invoice, sizeof(cmd.invoice), "JP-INV-2024-%06u", (unsigned)qty + 1);
    }
    cmd.official = &official;
    enum acsa_rc rc = acsa_order_apply(&f->agreement, "IN", order, &cmd, &f->event, &f->err);
    if (rc != ACSA_OK) {
        fail_msg("%s: %s", acsa_step_name(step), f->err.message);
    }
}

/* An invoiced, partly paid cash order of two lines; ids and actors as given. */
static void invoiced_order(struct fixture *f, struct acsa_order *order, int64_t unit_base,
                           const char *prefix)
{
    struct acsa_order_draft draft;
    memset(&draft, 0, sizeof(draft));
    snprintf(draft.requester, ACSA_NATION_SIZE, "IN");
    snprintf(draft.supplier, ACSA_NATION_SIZE, "JP");
    draft.requester_unit_id = unit_base;
    draft.supplier_unit_id = unit_base + 1;
    draft.method = ACSA_METHOD_CASH;
    snprintf(draft.place, sizeof(draft.place), "Yokosuka");
    draft.need_by_day = day_of("2024-06-05");
    set_line(&draft, 0, "pol", "Diesel", "9140", "l", 10000, 1000, "JPY");
    set_line(&draft, 1, "food", "Rations", "", "kg", 4000, 2500, "JPY");
    f->activity.id = unit_base + 2;
    char actor[8][ACSA_NAME_SIZE];
    static const char *const roles[] = {"creator", "approver", "acceptor", "issuer",
                                        "receiver", "invoicer", "payer", "spare"};
    for (int i = 0; i < 8; i++) {
        snprintf(actor[i], ACSA_NAME_SIZE, "%s %s", prefix, roles[i]);
    }
    assert_int_equal(acsa_order_create(&f->agreement, &f->activity, &draft,
                                       "IN-JP-2024-000001", day_of("2024-06-01"), actor[0],
                                       order, &f->event, &f->err),
                     ACSA_OK);
    apply(f, order, ACSA_STEP_SUBMIT, actor[0], 0, 0, 0);
    apply(f, order, ACSA_STEP_APPROVE, actor[1], 0, 0, 0);
    apply(f, order, ACSA_STEP_ACCEPT, actor[2], 0, 0, 0);
    apply(f, order, ACSA_STEP_ISSUE, actor[3], 1, 10000, 0);
    apply(f, order, ACSA_STEP_RECEIVE, actor[4], 1, 10000, 0);
    apply(f, order, ACSA_STEP_ISSUE, actor[3], 2, 4000, 0);
    apply(f, order, ACSA_STEP_RECEIVE, actor[4], 2, 4000, 0);
    apply(f, order, ACSA_STEP_INVOICE, actor[5], 0, 0, 0);
    apply(f, order, ACSA_STEP_PAY, actor[6], 0, 0, 5000);
    assert_int_equal(order->state, ACSA_STATE_INVOICED);
}

struct fact_list {
    char fields[256][48];
    char values[256][ACSA_TEXT_SIZE];
    size_t count;
};

static void collect_fact(void *ctx, const char *field, const char *value)
{
    struct fact_list *list = ctx;
    assert_true(list->count < 256);
    snprintf(list->fields[list->count], sizeof(list->fields[0]), "%s", field);
    snprintf(list->values[list->count], sizeof(list->values[0]), "%s", value);
    list->count++;
}

static const char *fact(const struct fact_list *list, const char *field)
{
    for (size_t i = 0; i < list->count; i++) {
        if (strcmp(list->fields[i], field) == 0) {
            return list->values[i];
        }
    }
    fail_msg("no fact %s", field);
    return NULL;
}

static void test_order_facts(void **state)
{
    struct fixture *f = *state;
    load_agreement(f);
    invoiced_order(f, &f->order, 1, "IN");
    struct fact_list *list = calloc(1, sizeof(*list));
    assert_non_null(list);
    acsa_order_facts(&f->order, collect_fact, list);
    static const char *const head[] = {
        "agreement", "requester", "supplier", "method", "currency", "state", "place",
        "need_by", "created", "delivered", "invoiced", "due", "value", "received_value",
        "kind_settled", "cash_due", "paid", "converted", "exchanged_with", "lines"};
    size_t n_head = sizeof(head) / sizeof(head[0]);
    assert_true(list->count >= n_head);
    for (size_t i = 0; i < n_head; i++) {
        assert_string_equal(list->fields[i], head[i]);
    }
    assert_string_equal(fact(list, "agreement"), "IN-JP-2020");
    assert_string_equal(fact(list, "method"), "cash");
    assert_string_equal(fact(list, "state"), "invoiced");
    assert_string_equal(fact(list, "created"), "2024-06-01");
    assert_string_equal(fact(list, "due"), "2024-07-12");
    assert_string_equal(fact(list, "value"), "20000");
    assert_string_equal(fact(list, "paid"), "5000");
    assert_string_equal(fact(list, "converted"), "no");
    assert_string_equal(fact(list, "exchanged_with"), "");
    assert_string_equal(fact(list, "lines"), "2");
    assert_string_equal(fact(list, "line 1.category"), "pol");
    assert_string_equal(fact(list, "line 2.description"), "Rations");
    assert_string_equal(fact(list, "line 2.received_milli"), "4000");
    /* No local id and no actor is a fact. */
    for (size_t i = 0; i < list->count; i++) {
        assert_null(strstr(list->values[i], "IN creator"));
        assert_null(strstr(list->fields[i], "_unit"));
        assert_null(strstr(list->fields[i], "activity"));
    }
    /* The same facts in the same order every time. */
    struct fact_list *again = calloc(1, sizeof(*again));
    assert_non_null(again);
    acsa_order_facts(&f->order, collect_fact, again);
    assert_memory_equal(again, list, sizeof(*list));
    free(again);
    free(list);
}

static void test_fingerprint_equal_orders(void **state)
{
    struct fixture *f = *state;
    load_agreement(f);
    /* The same order as the other node holds it: other local ids, other names of the actors. */
    invoiced_order(f, &f->order, 1, "IN");
    invoiced_order(f, &f->other, 70, "JP");
    assert_true(f->order.requester_unit_id != f->other.requester_unit_id);
    assert_true(f->order.activity_id != f->other.activity_id);
    assert_string_not_equal(f->order.duties[0].actor, f->other.duties[0].actor);
    uint64_t fp = acsa_order_fingerprint(&f->order);
    assert_true(fp == acsa_order_fingerprint(&f->other));
    assert_true(fp == acsa_order_fingerprint(&f->order));
    /* A step taken on both keeps them equal; on one only, they differ. */
    apply(f, &f->order, ACSA_STEP_PAY, "IN payer", 0, 0, 15000);
    assert_true(acsa_order_fingerprint(&f->order) != fp);
    assert_true(acsa_order_fingerprint(&f->order) != acsa_order_fingerprint(&f->other));
    apply(f, &f->other, ACSA_STEP_PAY, "JP payer", 0, 0, 15000);
    assert_true(acsa_order_fingerprint(&f->order) == acsa_order_fingerprint(&f->other));
    assert_int_equal(f->order.state, ACSA_STATE_SETTLED);
}

/* Changes one field of a copy of the base order and expects a different fingerprint. */
#define EXPECT_CHANGES(f, base, fp, statement)                                                 \
    do {                                                                                       \
        struct acsa_order *o = &(f)->other;                                                    \
        *o = *(base);                                                                          \
        statement;                                                                             \
        if (acsa_order_fingerprint(o) == (fp)) {                                               \
            fail_msg("the fingerprint does not see: %s", #statement);                          \
        }                                                                                      \
    } while (0)

#define EXPECT_SAME(f, base, fp, statement)                                                    \
    do {                                                                                       \
        struct acsa_order *o = &(f)->other;                                                    \
        *o = *(base);                                                                          \
        statement;                                                                             \
        if (acsa_order_fingerprint(o) != (fp)) {                                               \
            fail_msg("the fingerprint depends on a local datum: %s", #statement);              \
        }                                                                                      \
    } while (0)

static void test_fingerprint_shared_facts(void **state)
{
    struct fixture *f = *state;
    load_agreement(f);
    invoiced_order(f, &f->order, 1, "IN");
    const struct acsa_order *base = &f->order;
    uint64_t fp = acsa_order_fingerprint(base);
    EXPECT_CHANGES(f, base, fp, o->number[17] = '2');
    EXPECT_CHANGES(f, base, fp, o->agreement_id[9] = '1');
    EXPECT_CHANGES(f, base, fp, memcpy(o->requester, "FR", 2));
    EXPECT_CHANGES(f, base, fp, memcpy(o->supplier, "FR", 2));
    EXPECT_CHANGES(f, base, fp, o->method = ACSA_METHOD_RIK);
    EXPECT_CHANGES(f, base, fp, o->currency = *acsa_currency_find("INR"));
    EXPECT_CHANGES(f, base, fp, o->state = ACSA_STATE_SETTLED);
    EXPECT_CHANGES(f, base, fp, o->place[0] = 'y');
    EXPECT_CHANGES(f, base, fp, o->need_by_day = ACSA_DATE_NONE);
    EXPECT_CHANGES(f, base, fp, o->need_by_day++);
    EXPECT_CHANGES(f, base, fp, o->created_day++);
    EXPECT_CHANGES(f, base, fp, o->delivered_day++);
    EXPECT_CHANGES(f, base, fp, o->invoiced_day++);
    EXPECT_CHANGES(f, base, fp, o->due_day = ACSA_DATE_NONE);
    EXPECT_CHANGES(f, base, fp, o->value_minor++);
    EXPECT_CHANGES(f, base, fp, o->received_value_minor--);
    EXPECT_CHANGES(f, base, fp, o->kind_settled_minor = 1);
    EXPECT_CHANGES(f, base, fp, o->cash_due_minor++);
    EXPECT_CHANGES(f, base, fp, o->paid_minor++);
    EXPECT_CHANGES(f, base, fp, o->converted = true);
    EXPECT_CHANGES(f, base, fp, memcpy(o->exchanged_with, "JP", 3));
    EXPECT_CHANGES(f, base, fp, o->line_count = 1);
    for (uint32_t i = 0; i < base->line_count; i++) {
        EXPECT_CHANGES(f, base, fp, o->lines[i].category[0] = 'x');
        EXPECT_CHANGES(f, base, fp, o->lines[i].description[0] = 'x');
        EXPECT_CHANGES(f, base, fp, o->lines[i].quantity_milli++);
        EXPECT_CHANGES(f, base, fp, o->lines[i].price_minor++);
        EXPECT_CHANGES(f, base, fp, o->lines[i].value_minor++);
        EXPECT_CHANGES(f, base, fp, o->lines[i].issued_milli--);
        EXPECT_CHANGES(f, base, fp, o->lines[i].received_milli--);
        EXPECT_CHANGES(f, base, fp, o->lines[i].returned_milli++);
        EXPECT_CHANGES(f, base, fp, o->lines[i].return_accepted_milli++);
    }
    /* Two lines swapped are another order. */
    EXPECT_CHANGES(f, base, fp, (o->lines[0] = base->lines[1], o->lines[1] = base->lines[0]));
}

/* The NSN and the unit of issue of a line travel in the create record and are no local datum:
 * shared facts like the category and the description, so a difference must show. */
static void test_fingerprint_line_identity(void **state)
{
    struct fixture *f = *state;
    load_agreement(f);
    invoiced_order(f, &f->order, 1, "IN");
    const struct acsa_order *base = &f->order;
    uint64_t fp = acsa_order_fingerprint(base);
    EXPECT_CHANGES(f, base, fp, memcpy(o->lines[0].unit_of_issue, "t", 2));
    EXPECT_CHANGES(f, base, fp, o->lines[1].nsn[0] = 'x');
}

static void test_fingerprint_local_data(void **state)
{
    struct fixture *f = *state;
    load_agreement(f);
    invoiced_order(f, &f->order, 1, "IN");
    const struct acsa_order *base = &f->order;
    uint64_t fp = acsa_order_fingerprint(base);
    EXPECT_SAME(f, base, fp, o->requester_unit_id = 77);
    EXPECT_SAME(f, base, fp, o->supplier_unit_id = 0);
    EXPECT_SAME(f, base, fp, o->activity_id = 123456);
    EXPECT_SAME(f, base, fp, snprintf(o->duties[0].actor, ACSA_NAME_SIZE, "someone else"));
    EXPECT_SAME(f, base, fp, snprintf(o->duties[1].actor, ACSA_NAME_SIZE, "Capt Sato"));
    /* What lies past the used lines is not part of the order. */
    EXPECT_SAME(f, base, fp, o->lines[5].quantity_milli = 99);
}


/* ---- Hostile values (issue 8) ------------------------------------------------------------- */

/* Encodes r (the encoder writes any value the layout holds) and expects the decoder to refuse
 * it naming field, with a message that starts with prefix. */
static void expect_value_refused(struct fixture *f, const struct acsa_record *r,
                                 const char *field, const char *prefix)
{
    size_t len = 0;
    if (acsa_record_encode(r, f->buf, sizeof(f->buf), &len, &f->err) != ACSA_OK) {
        fail_msg("encode: %s", f->err.message);
    }
    expect_refused(f, f->buf, len, field, prefix);
    if (strncmp(f->err.message, prefix, strlen(prefix)) != 0) {
        fail_msg("refused as \"%s\", expected \"%s...\"", f->err.message, prefix);
    }
    /* Whatever the refusal quotes is one line of valid UTF-8: safe in JSON and on a tty. */
    assert_true(acsa_text_valid(f->err.message, strlen(f->err.message), ACSA_TEXT_LINE, NULL));
    assert_int_equal(acsa_record_check(r, &f->err), ACSA_EREFUSED);
    assert_string_equal(f->err.field, field);
}

/* Finding 2: a submit naming line 16,777,215 reached the store's assertion on the line. */
static void test_finding2_submit_line_16777215_refused(void **state)
{
    struct fixture *f = *state;
    make_step(&f->record, ACSA_STEP_SUBMIT);
    f->record.command.line_no = 16777215;
    expect_value_refused(f, &f->record, "line", "record.line: 16777215 is outside 0..0");
    /* Per-line steps: 1..64 lines, a positive quantity. */
    make_step(&f->record, ACSA_STEP_ISSUE);
    f->record.command.line_no = 16777215;
    expect_value_refused(f, &f->record, "line", "record.line: 16777215 is outside 1..64");
    f->record.command.line_no = 0;
    expect_value_refused(f, &f->record, "line", "record.line: 0 is outside 1..64");
    f->record.command.line_no = 64;
    f->record.command.quantity_milli = -1;
    expect_value_refused(f, &f->record, "qty", "record.qty: -1 is outside");
    make_step(&f->record, ACSA_STEP_EXCHANGE);
    f->record.command.line_no = 3;
    expect_value_refused(f, &f->record, "line", "record.line: 3 is outside 0..0");
    make_step(&f->record, ACSA_STEP_PAY);
    f->record.command.amount_minor = 0;
    expect_value_refused(f, &f->record, "amount", "record.amount: 0 is outside");
    make_step(&f->record, ACSA_STEP_PAY);
    snprintf(f->record.command.currency, sizeof(f->record.command.currency), "XXX");
    expect_value_refused(f, &f->record, "currency", "record.currency: \"XXX\" is not");
    make_step(&f->record, ACSA_STEP_CLOSE);
    f->record.official_limit_minor = 5;
    expect_value_refused(f, &f->record, "official_limit", "record.official_limit: 5");
    /* A conversion approved by an official (the approval rule) carries the official's limit. */
    make_step(&f->record, ACSA_STEP_CONVERT);
    f->record.official_limit_minor = 5;
    assert_int_equal(acsa_record_check(&f->record, &f->err), ACSA_OK);
    acsa_record_normalize(&f->record);
    assert_int_equal(f->record.official_limit_minor, 5);
    make_step(&f->record, ACSA_STEP_APPROVE);
    f->record.official_limit_minor = -5;
    expect_value_refused(f, &f->record, "official_limit", "record.official_limit: -5");
    make_step(&f->record, ACSA_STEP_CREATE);
    f->record.draft.lines[1].price_minor = -1;
    expect_value_refused(f, &f->record, "line.price", "record.line.price: -1");
    make_step(&f->record, ACSA_STEP_CREATE);
    f->record.draft.lines[2].quantity_milli = 0;
    expect_value_refused(f, &f->record, "line.qty", "record.line.qty: 0");
    make_step(&f->record, ACSA_STEP_CREATE);
    f->record.activity.id = -3;
    expect_value_refused(f, &f->record, "activity", "record.activity: -3");
    make_step(&f->record, ACSA_STEP_SUBMIT);
    snprintf(f->record.number, sizeof(f->record.number), "in-jp-2024-1");
    expect_value_refused(f, &f->record, "number", "record.number: \"in-jp-2024-1\"");
}

/* Finding 2: an activity starting near INT32_MIN reached the date code's assertion. */
static void test_finding2_activity_from_int32_min_refused(void **state)
{
    struct fixture *f = *state;
    make_activity(&f->record);
    f->record.ref_activity.from_day = INT32_MIN + 1;
    expect_value_refused(f, &f->record, "from", "record.from: day -2147483647 is outside "
                         "1900-01-01..9999-12-31");
    f->record.ref_activity.from_day = ACSA_DATE_NONE;
    expect_value_refused(f, &f->record, "from", "record.from: day");
    make_activity(&f->record);
    f->record.ref_activity.to_day = ACSA_DATE_LAST + 1;
    expect_value_refused(f, &f->record, "to", "record.to: day 2932897 is outside");
    make_activity(&f->record);
    f->record.ref_activity.to_day = f->record.ref_activity.from_day - 1;
    expect_value_refused(f, &f->record, "to", "record.to: the activity ends before it starts");
    /* The ends of the range are taken. */
    make_activity(&f->record);
    f->record.ref_activity.from_day = ACSA_DATE_FIRST;
    f->record.ref_activity.to_day = ACSA_DATE_LAST;
    round_trip(f, &f->record);
    assert_int_equal(acsa_date_from_ymd(1900, 1, 1), ACSA_DATE_FIRST);
    assert_int_equal(acsa_date_from_ymd(9999, 12, 31), ACSA_DATE_LAST);
}

/* Finding 2: a step or create dated INT32_MAX reached the date code when its refusal was
 * formatted. */
static void test_finding2_date_int32_max_refused(void **state)
{
    struct fixture *f = *state;
    make_step(&f->record, ACSA_STEP_CREATE);
    f->record.command.day = INT32_MAX;
    expect_value_refused(f, &f->record, "day", "record.day: day 2147483647 is outside "
                         "1900-01-01..9899-12-31");
    make_step(&f->record, ACSA_STEP_RECEIVE);
    f->record.command.day = ACSA_DATE_STEP_LAST + 1;
    expect_value_refused(f, &f->record, "day", "record.day:");
    make_step(&f->record, ACSA_STEP_SUBMIT);
    f->record.command.day = ACSA_DATE_NONE;
    expect_value_refused(f, &f->record, "day", "record.day:");
    make_step(&f->record, ACSA_STEP_CREATE);
    f->record.draft.need_by_day = INT32_MAX;
    expect_value_refused(f, &f->record, "need_by", "record.need_by:");
}

/* Finding 5: text in records passes text.h's rule; a refusal quotes the bytes escaped. */
static void test_finding5_record_text_refused_and_quoted(void **state)
{
    struct fixture *f = *state;
    make_step(&f->record, ACSA_STEP_CREATE);
    snprintf(f->record.draft.lines[1].description, ACSA_TEXT_SIZE, "Fresh \xff\xfe rations");
    expect_value_refused(f, &f->record, "line.description",
                         "record.line.description: not valid UTF-8 at byte 7: "
                         "\"Fresh \\xff\\xfe rations\"");
    make_step(&f->record, ACSA_STEP_CREATE);
    snprintf(f->record.draft.place, ACSA_TEXT_SIZE, "Berth \x1b[31m4");
    expect_value_refused(f, &f->record, "place", "record.place: control character U+001B at "
                         "byte 7 is not allowed: \"Berth \\x1b[31m4\"");
    make_unit(&f->record);
    snprintf(f->record.unit_name, ACSA_NAME_SIZE, "JS \xc0\xaf Izumo");
    expect_value_refused(f, &f->record, "name", "record.name: not valid UTF-8 at byte 4");
    make_activity(&f->record);
    snprintf(f->record.ref_activity.name, ACSA_NAME_SIZE, "JIMEX\n2024");
    expect_value_refused(f, &f->record, "name", "record.name: control character U+000A");
    make_step(&f->record, ACSA_STEP_DISPUTE);
    snprintf(f->record.command.reason, ACSA_TEXT_SIZE, "short\rdelivery");
    expect_value_refused(f, &f->record, "reason", "record.reason: control character U+000D");
    make_step(&f->record, ACSA_STEP_DISPUTE);
    snprintf(f->record.command.actor, ACSA_NAME_SIZE, "Cdr \xc2\x9b Rao");
    expect_value_refused(f, &f->record, "actor", "record.actor: control character U+009B");
    make_step(&f->record, ACSA_STEP_CREATE);
    snprintf(f->record.draft.lines[0].nsn, ACSA_NSN_SIZE, "9140\x07");
    expect_value_refused(f, &f->record, "line.nsn", "record.line.nsn: control character");
    make_step(&f->record, ACSA_STEP_CREATE);
    snprintf(f->record.draft.lines[0].unit_of_issue, ACSA_UNIT_OF_ISSUE_SIZE, "\xed\xa0\x80");
    expect_value_refused(f, &f->record, "line.unit", "record.line.unit: not valid UTF-8");
    make_step(&f->record, ACSA_STEP_SUBMIT);
    f->record.command.actor[0] = '\0';
    expect_value_refused(f, &f->record, "actor", "record.actor: is required");
    /* Multi-byte text is taken as it is. */
    make_step(&f->record, ACSA_STEP_DISPUTE);
    snprintf(f->record.command.reason, ACSA_TEXT_SIZE,
             "Lieferung unvollst\xc3\xa4ndig \xe2\x82\xac");
    round_trip(f, &f->record);
}

/* Finding 8: a record numbered 2^62 (or anything above ACSA_RECORD_SEQ_MAX) is refused. */
static void test_finding8_huge_seq_refused(void **state)
{
    struct fixture *f = *state;
    make_unit(&f->record);
    f->record.seq = INT64_C(1) << 62;
    expect_value_refused(f, &f->record, "seq", "record.seq: 4611686018427387904 is outside "
                         "1..281474976710656");
    f->record.seq = ACSA_RECORD_SEQ_MAX + 1;
    expect_value_refused(f, &f->record, "seq", "record.seq:");
    f->record.seq = ACSA_RECORD_SEQ_MAX;
    round_trip(f, &f->record);
}

/* The fuzzer's entry point: valid records pass, refusals are refusals, nothing aborts. */
static void test_roundtrip_entry_point(void **state)
{
    struct fixture *f = *state;
    make_step(&f->record, ACSA_STEP_CREATE);
    size_t len = round_trip(f, &f->record);
    assert_int_equal(acsa_record_roundtrip(f->buf, len, &f->decoded, &f->err), ACSA_OK);
    f->buf[len / 2] ^= 0x80;
    enum acsa_rc rc = acsa_record_roundtrip(f->buf, len, &f->decoded, &f->err);
    assert_true(rc == ACSA_OK || rc == ACSA_EREFUSED);
    assert_int_equal(acsa_record_roundtrip(f->buf, 0, &f->decoded, &f->err), ACSA_EREFUSED);
}

/* Quoting: valid text unchanged, every refused byte as \xNN, cut with "..." at a boundary. */
static void test_text_quote(void **state)
{
    (void)state;
    char out[32];
    assert_string_equal(acsa_text_quote("Cdr A. Rao \xe2\x82\xac", 14, out, sizeof(out)),
                        "Cdr A. Rao \xe2\x82\xac");
    assert_string_equal(acsa_text_quote("a\xff" "b\x1b" "c", 5, out, sizeof(out)),
                        "a\\xffb\\x1bc");
    assert_string_equal(acsa_text_quote("x\0y", 3, out, sizeof(out)), "x\\x00y");
    assert_string_equal(acsa_text_quote("\xc2\x85", 2, out, sizeof(out)), "\\xc2\\x85");
    /* Quoting twice changes nothing. */
    char again[32];
    acsa_text_quote("a\xff" "b", 3, out, sizeof(out));
    assert_string_equal(acsa_text_quote(out, strlen(out), again, sizeof(again)), out);
    /* Too long: cut before a character that does not fit, and marked. */
    char small[10];
    assert_string_equal(acsa_text_quote("abcdefghijkl", 12, small, sizeof(small)), "abcdef...");
    assert_string_equal(acsa_text_quote("abcde\xe2\x82\xac", 8, small, sizeof(small)),
                        "abcde\xe2\x82\xac");
    assert_string_equal(acsa_text_quote("abcdef\xe2\x82\xacz", 10, small, sizeof(small)),
                        "abcdef...");
    assert_string_equal(acsa_text_quote("\xff\xff\xff", 3, small, sizeof(small)), "\\xff...");
    assert_true(acsa_text_valid(small, strlen(small), ACSA_TEXT_LINE, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_layout_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_every_step, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ways_out_ranges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_create, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_exchange, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_reference_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_agreement, setup, teardown),
        cmocka_unit_test_setup_teardown(test_agreement_record_ranges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_document_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_longest_create_fits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encode_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encode_step_out_of_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encode_method_out_of_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decode_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decode_header_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decode_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decode_trailing_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decode_corruptions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signer_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_order_facts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fingerprint_equal_orders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fingerprint_shared_facts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fingerprint_line_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fingerprint_local_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_finding2_submit_line_16777215_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_finding2_activity_from_int32_min_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_finding2_date_int32_max_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_finding5_record_text_refused_and_quoted, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_finding8_huge_seq_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roundtrip_entry_point, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_quote, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
