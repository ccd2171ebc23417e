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
        return ACSA_SIGNER_SUPPLIER;
    case ACSA_STEP_DISPUTE:
    case ACSA_STEP_EXCHANGE:
    case ACSA_STEP_CLOSE:
        return ACSA_SIGNER_EITHER;
    default:
        return ACSA_SIGNER_REQUESTER;
    }
}

const char *acsa_step_party(const struct acsa_order *order, enum acsa_step step)
{
    switch (acsa_step_signer(step)) {
    case ACSA_SIGNER_REQUESTER: return order->requester;
    case ACSA_SIGNER_SUPPLIER: return order->supplier;
    default: return NULL;
    }
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
        break;
    }
    case ACSA_RECORD_UNIT:
        put_i64(&w, record->ref_id, "id");
        PUT_TEXT(&w, record->unit_party, "party");
        PUT_TEXT(&w, record->unit_name, "name");
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
    d->requester_unit_id = 0;
    d->supplier_unit_id = 0;
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
            break;
        case ACSA_RECORD_UNIT:
            out->ref_id = get_i64(&r, "id");
            GET_TEXT(&r, out->unit_party, "party");
            GET_TEXT(&r, out->unit_name, "name");
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
           step == ACSA_STEP_ACCEPT_RETURN;
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
    /* Convert carries the approving official's limit where the agreement's rule is approval;
     * whether it must is the core's rule when the record is applied. */
    bool official = step == ACSA_STEP_APPROVE || step == ACSA_STEP_ACCEPT ||
                    step == ACSA_STEP_REJECT || step == ACSA_STEP_CONVERT;
    check_day(c, "day", cmd->day, ACSA_DATE_STEP_LAST, false);
    check_text(c, "actor", cmd->actor, true);
    check_text(c, "reason", cmd->reason, false);
    check_range(c, "line", cmd->line_no, line ? 1 : 0, line ? ACSA_ORDER_LINES_MAX : 0);
    check_range(c, "qty", cmd->quantity_milli, line ? 1 : 0, line ? INT64_MAX : 0);
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
}

void acsa_record_normalize(struct acsa_record *record)
{
    struct acsa_command *cmd = &record->command;
    if (record->kind != ACSA_RECORD_STEP || (unsigned)cmd->step >= ACSA_STEP_COUNT) {
        return;
    }
    if (!per_line(cmd->step)) {
        cmd->line_no = 0;
        cmd->quantity_milli = 0;
    }
    if (cmd->step != ACSA_STEP_PAY) {
        cmd->amount_minor = 0;
        memset(cmd->currency, 0, sizeof(cmd->currency));
    }
    if (cmd->step != ACSA_STEP_APPROVE && cmd->step != ACSA_STEP_ACCEPT &&
        cmd->step != ACSA_STEP_REJECT && cmd->step != ACSA_STEP_CONVERT) {
        record->official_limit_minor = 0;
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
#undef LINE_FIELD
    }
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
