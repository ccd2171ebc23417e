/* SPDX-License-Identifier: MIT */
/* The shared JSON renderings of orders, events, balances and reference data (order_json.h).
 * Amounts and quantities are decimal strings, dates "YYYY-MM-DD", absent values null. */
#include "order_json.h"

#include "transit.h"

#include <string.h>

#include "alloc.h"
#include "date.h"
#include "money.h"

json_t *acsa_json_money(int64_t minor, uint8_t exponent)
{
    char text[ACSA_MONEY_TEXT_SIZE];
    return json_string(acsa_money_format(minor, exponent, text));
}

json_t *acsa_json_quantity(int64_t milli)
{
    char text[ACSA_MONEY_TEXT_SIZE];
    return json_string(acsa_quantity_format(milli, text));
}

json_t *acsa_json_date(int32_t day)
{
    char text[ACSA_DATE_TEXT_SIZE];
    return day == ACSA_DATE_NONE ? json_null() : json_string(acsa_date_format(day, text));
}

json_t *acsa_json_string(const char *text)
{
    size_t size = strlen(text);
    if (acsa_utf8_valid(text, size)) {
        return json_stringn(text, size);
    }
    /* Stored before the text rule, or by another program: repaired, never refused. */
    char *repaired = acsa_malloc(3 * size + 1);
    if (repaired == NULL) {
        return NULL;
    }
    json_t *value = json_stringn(repaired, acsa_utf8_repair(text, size, repaired));
    acsa_free(repaired);
    return value;
}

json_t *acsa_json_text(const char *text)
{
    return text[0] == '\0' ? json_null() : acsa_json_string(text);
}

/* Stored text for json_pack's "o" (json_pack's "s" refuses text that is not UTF-8). */
#define S(text) acsa_json_string(text)

json_t *acsa_json_id(int64_t id)
{
    return id == 0 ? json_null() : json_integer(id);
}

/* A quantity, or null for 0. */
static json_t *quantity_or_null(int64_t milli)
{
    return milli != 0 ? acsa_json_quantity(milli) : json_null();
}

json_t *acsa_order_summary_json(const struct acsa_order_summary *o)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}",
                     "number", S(o->number), "agreement_id", S(o->agreement_id), "requester",
                     S(o->requester), "supplier", S(o->supplier), "activity_id",
                     (json_int_t)o->activity_id, "method", acsa_method_name(o->method), "state",
                     acsa_state_name(o->state), "currency", S(o->currency), "value",
                     acsa_json_money(o->value_minor, o->exponent), "outstanding",
                     acsa_json_money(o->outstanding_minor, o->exponent), "created",
                     acsa_json_date(o->created_day), "delivered", acsa_json_date(o->delivered_day),
                     "due", acsa_json_date(o->due_day));
}

static json_t *unit_ref_json(int64_t id, const char *name)
{
    return id == 0 ? json_null()
                   : json_pack("{s:I, s:o}", "id", (json_int_t)id, "name", acsa_json_text(name));
}

static json_t *line_json(const struct acsa_order_line *line, uint32_t no, uint8_t exponent)
{
    int64_t received_value = 0;
    if (!acsa_money_line_value(line->received_milli, line->price_minor, &received_value)) {
        received_value = 0;
    }
    return json_pack("{s:i, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b}",
                     "line", (int)no, "category", S(line->category), "description",
                     acsa_json_text(line->description), "nsn", acsa_json_text(line->nsn),
                     "unit_of_issue", S(line->unit_of_issue), "quantity",
                     acsa_json_quantity(line->quantity_milli), "unit_price",
                     acsa_json_money(line->price_minor, exponent), "value",
                     acsa_json_money(line->value_minor, exponent), "issued",
                     acsa_json_quantity(line->issued_milli), "received",
                     acsa_json_quantity(line->received_milli), "returned",
                     acsa_json_quantity(line->returned_milli), "return_accepted",
                     acsa_json_quantity(line->return_accepted_milli), "received_value",
                     acsa_json_money(received_value, exponent), "invoiced",
                     acsa_json_quantity(line->invoiced_milli), "closed", line->closed);
}

/* The invoices of the order, oldest first, each with what is still open on it. */
static json_t *invoices_json(const struct acsa_order *o)
{
    uint8_t e = o->currency.exponent;
    json_t *list = json_array();
    for (uint32_t i = 0; list != NULL && i < o->invoice_count; i++) {
        const struct acsa_invoice *inv = &o->invoices[i];
        json_t *item = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "number", S(inv->number),
                                 "date", acsa_json_date(inv->day), "due",
                                 acsa_json_date(inv->due_day), "amount",
                                 acsa_json_money(inv->amount_minor, e), "paid",
                                 acsa_json_money(inv->paid_minor, e), "open",
                                 acsa_json_money(inv->amount_minor - inv->paid_minor, e));
        if (json_array_append_new(list, item) != 0) {
            json_decref(list);
            list = NULL;
        }
    }
    return list;
}

/* A payment as paid: its own currency and amount, and the rate when it was converted. */
static json_t *payment_json(const struct acsa_event *e)
{
    const struct acsa_currency *cur = acsa_currency_find(e->paid_currency);
    if (cur == NULL) {
        return json_null();
    }
    char rate[ACSA_RATE_TEXT_SIZE];
    bool rated = e->rate.units > 0;
    return json_pack("{s:o, s:o, s:o, s:o, s:o}", "currency", S(cur->code), "amount",
                     acsa_json_money(e->paid_minor, cur->exponent), "rate",
                     rated ? S(acsa_rate_format(&e->rate, rate)) : json_null(), "rate_date",
                     acsa_json_date(rated ? e->rate_day : ACSA_DATE_NONE), "rate_source",
                     rated ? acsa_json_text(e->rate_source) : json_null());
}

static json_t *lines_json(const struct acsa_order *order)
{
    json_t *lines = json_array();
    for (uint32_t i = 0; lines != NULL && i < order->line_count; i++) {
        if (json_array_append_new(lines, line_json(&order->lines[i], i + 1,
                                                   order->currency.exponent)) != 0) {
            json_decref(lines);
            lines = NULL;
        }
    }
    return lines;
}

/* The amounts of the order, all in its currency. */
static json_t *amounts_json(const struct acsa_order *o, int32_t today)
{
    uint8_t e = o->currency.exponent;
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b, s:o}", "currency",
                     S(o->currency.code), "value", acsa_json_money(o->value_minor, e),
                     "received_value", acsa_json_money(o->received_value_minor, e),
                     "kind_settled", acsa_json_money(o->kind_settled_minor, e), "cash_due",
                     acsa_json_money(o->cash_due_minor, e), "paid",
                     acsa_json_money(o->paid_minor, e), "outstanding",
                     acsa_json_money(acsa_order_outstanding(o), e), "overdue",
                     acsa_order_overdue(o, today), "converted", o->converted, "exchanged_with",
                     acsa_json_text(o->exchanged_with));
}

json_t *acsa_order_json(const struct acsa_order_view *view, int32_t today)
{
    const struct acsa_order *o = &view->order;
    const struct acsa_activity *a = &view->activity;
    json_t *activity = a->id == 0
                           ? json_pack("{s:I}", "id", (json_int_t)o->activity_id)
                           : json_pack("{s:I, s:o, s:o}", "id", (json_int_t)o->activity_id,
                                       "name", acsa_json_text(a->name), "type", S(a->type));
    json_t *doc = json_pack(
        "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "number",
        S(o->number), "agreement_id", S(o->agreement_id), "requester", S(o->requester),
        "supplier", S(o->supplier), "requester_unit",
        unit_ref_json(o->requester_unit_id, view->requester_unit), "supplier_unit",
        unit_ref_json(o->supplier_unit_id, view->supplier_unit), "activity",
        activity, "method", acsa_method_name(o->method), "state", acsa_state_name(o->state),
        "place", acsa_json_text(o->place), "need_by", acsa_json_date(o->need_by_day), "created",
        acsa_json_date(o->created_day), "delivered", acsa_json_date(o->delivered_day),
        "invoiced", acsa_json_date(o->invoiced_day), "due", acsa_json_date(o->due_day));
    json_t *amounts = amounts_json(o, today);
    bool ok = doc != NULL && amounts != NULL && json_object_update(doc, amounts) == 0;
    ok = ok && json_object_set_new(doc, "lines", lines_json(o)) == 0;
    ok = ok && json_object_set_new(doc, "disputed_by", acsa_json_text(o->disputed_by)) == 0;
    ok = ok && json_object_set_new(doc, "invoices", invoices_json(o)) == 0;
    json_decref(amounts);
    if (!ok) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

static json_t *postings_json(const struct acsa_event *e, const struct acsa_currency *cur)
{
    json_t *postings = json_array();
    for (uint32_t i = 0; postings != NULL && i < e->posting_count; i++) {
        const struct acsa_posting *p = &e->postings[i];
        const struct acsa_currency *pc = acsa_currency_find(p->currency);
        json_t *posting = json_pack(
            "{s:s, s:o, s:o, s:o, s:o, s:o}", "account", acsa_account_name(p->account),
            "partner", S(p->partner), "currency", S(p->currency), "amount",
            acsa_json_money(p->amount_minor, pc != NULL ? pc->exponent : cur->exponent),
            "quantity", quantity_or_null(p->quantity_milli), "line", acsa_json_id(p->line_no));
        if (json_array_append_new(postings, posting) != 0) {
            json_decref(postings);
            postings = NULL;
        }
    }
    return postings;
}

json_t *acsa_event_json(const struct acsa_event_row *row, const struct acsa_currency *cur)
{
    const struct acsa_event *e = &row->event;
    json_t *event = json_pack(
        "{s:I, s:o, s:s, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id",
        (json_int_t)row->id, "date", acsa_json_date(e->day), "step",
        acsa_step_name(e->step), "actor", S(e->actor), "state_from",
        acsa_state_name(e->state_from), "state_to", acsa_state_name(e->state_to),
        "line", acsa_json_id(e->line_no), "quantity",
        quantity_or_null(e->quantity_milli), "amount",
        acsa_json_money(e->amount_minor, cur->exponent), "currency", S(cur->code),
        "detail", acsa_json_text(e->detail), "postings", postings_json(e, cur),
        "invoice", e->invoice[0] != '\0' ? S(e->invoice) : json_null(),
        "payment", payment_json(e));
    /* A back-entered step says so wherever its history is read (ARCHITECTURE.md "Dates"); a
     * correction names the step it corrected. */
    bool names_step = e->step == ACSA_STEP_CORRECT || e->step == ACSA_STEP_VOID;
    const char *corrected = names_step && e->corrected_step != ACSA_STEP_CREATE
                                ? acsa_step_name(e->corrected_step)
                                : NULL;
    int32_t recorded = e->recorded_day != 0 ? e->recorded_day : ACSA_DATE_NONE; /* 0: unknown. */
    if (event != NULL &&
        json_object_update_missing_new(
            event, json_pack("{s:o, s:b, s:o, s:o}", "recorded_date", acsa_json_date(recorded),
                             "back_entered", e->backdate_reason[0] != '\0', "backdate_reason",
                             acsa_json_text(e->backdate_reason), "corrected_step",
                             corrected != NULL ? json_string(corrected) : json_null())) != 0) {
        json_decref(event);
        event = NULL;
    }
    return event;
}

/* ---- The same order and events as text ------------------------------------------------ */

/* A string that json_pack's "s" takes: NULL (an unknown enum name) fails, as there. */
static void text_name(struct acsa_text *t, const char *name)
{
    if (name == NULL) {
        t->failed = true;
        return;
    }
    acsa_text_string(t, name);
}

static void text_money(struct acsa_text *t, int64_t minor, uint8_t exponent)
{
    char text[ACSA_MONEY_TEXT_SIZE];
    acsa_text_string(t, acsa_money_format(minor, exponent, text));
}

static void text_quantity(struct acsa_text *t, int64_t milli)
{
    char text[ACSA_MONEY_TEXT_SIZE];
    acsa_text_string(t, acsa_quantity_format(milli, text));
}

static void text_quantity_or_null(struct acsa_text *t, int64_t milli)
{
    if (milli == 0) {
        ACSA_TEXT_LIT(t, "null");
    } else {
        text_quantity(t, milli);
    }
}

static void text_date(struct acsa_text *t, int32_t day)
{
    char text[ACSA_DATE_TEXT_SIZE];
    if (day == ACSA_DATE_NONE) {
        ACSA_TEXT_LIT(t, "null");
    } else {
        acsa_text_string(t, acsa_date_format(day, text));
    }
}

static void text_id(struct acsa_text *t, int64_t id)
{
    if (id == 0) {
        ACSA_TEXT_LIT(t, "null");
    } else {
        acsa_text_int(t, id);
    }
}

static void text_unit_ref(struct acsa_text *t, int64_t id, const char *name)
{
    if (id == 0) {
        ACSA_TEXT_LIT(t, "null");
        return;
    }
    ACSA_TEXT_LIT(t, "{\"id\":");
    acsa_text_int(t, id);
    ACSA_TEXT_LIT(t, ",\"name\":");
    acsa_text_text(t, name);
    ACSA_TEXT_LIT(t, "}");
}

static void text_line(struct acsa_text *t, const struct acsa_order_line *line, uint32_t no,
                      uint8_t exponent)
{
    int64_t received_value = 0;
    if (!acsa_money_line_value(line->received_milli, line->price_minor, &received_value)) {
        received_value = 0;
    }
    ACSA_TEXT_LIT(t, "{\"line\":");
    acsa_text_int(t, (int)no);
    ACSA_TEXT_LIT(t, ",\"category\":");
    acsa_text_string(t, line->category);
    ACSA_TEXT_LIT(t, ",\"description\":");
    acsa_text_text(t, line->description);
    ACSA_TEXT_LIT(t, ",\"nsn\":");
    acsa_text_text(t, line->nsn);
    ACSA_TEXT_LIT(t, ",\"unit_of_issue\":");
    acsa_text_string(t, line->unit_of_issue);
    ACSA_TEXT_LIT(t, ",\"quantity\":");
    text_quantity(t, line->quantity_milli);
    ACSA_TEXT_LIT(t, ",\"unit_price\":");
    text_money(t, line->price_minor, exponent);
    ACSA_TEXT_LIT(t, ",\"value\":");
    text_money(t, line->value_minor, exponent);
    ACSA_TEXT_LIT(t, ",\"issued\":");
    text_quantity(t, line->issued_milli);
    ACSA_TEXT_LIT(t, ",\"received\":");
    text_quantity(t, line->received_milli);
    ACSA_TEXT_LIT(t, ",\"returned\":");
    text_quantity(t, line->returned_milli);
    ACSA_TEXT_LIT(t, ",\"return_accepted\":");
    text_quantity(t, line->return_accepted_milli);
    ACSA_TEXT_LIT(t, ",\"received_value\":");
    text_money(t, received_value, exponent);
    ACSA_TEXT_LIT(t, ",\"invoiced\":");
    text_quantity(t, line->invoiced_milli);
    ACSA_TEXT_LIT(t, ",\"closed\":");
    acsa_text_bool(t, line->closed);
    ACSA_TEXT_LIT(t, "}");
}

static void text_invoices(struct acsa_text *t, const struct acsa_order *o)
{
    uint8_t e = o->currency.exponent;
    ACSA_TEXT_LIT(t, ",\"invoices\":[");
    for (uint32_t i = 0; i < o->invoice_count; i++) {
        const struct acsa_invoice *inv = &o->invoices[i];
        acsa_text_raw(t, ",", i > 0 ? 1 : 0);
        ACSA_TEXT_LIT(t, "{\"number\":");
        acsa_text_string(t, inv->number);
        ACSA_TEXT_LIT(t, ",\"date\":");
        text_date(t, inv->day);
        ACSA_TEXT_LIT(t, ",\"due\":");
        text_date(t, inv->due_day);
        ACSA_TEXT_LIT(t, ",\"amount\":");
        text_money(t, inv->amount_minor, e);
        ACSA_TEXT_LIT(t, ",\"paid\":");
        text_money(t, inv->paid_minor, e);
        ACSA_TEXT_LIT(t, ",\"open\":");
        text_money(t, inv->amount_minor - inv->paid_minor, e);
        ACSA_TEXT_LIT(t, "}");
    }
    ACSA_TEXT_LIT(t, "]");
}

static void text_payment(struct acsa_text *t, const struct acsa_event *e)
{
    const struct acsa_currency *cur = acsa_currency_find(e->paid_currency);
    ACSA_TEXT_LIT(t, ",\"payment\":");
    if (cur == NULL) {
        ACSA_TEXT_LIT(t, "null");
        return;
    }
    bool rated = e->rate.units > 0;
    char rate[ACSA_RATE_TEXT_SIZE];
    ACSA_TEXT_LIT(t, "{\"currency\":");
    acsa_text_string(t, cur->code);
    ACSA_TEXT_LIT(t, ",\"amount\":");
    text_money(t, e->paid_minor, cur->exponent);
    ACSA_TEXT_LIT(t, ",\"rate\":");
    if (rated) {
        acsa_text_string(t, acsa_rate_format(&e->rate, rate));
    } else {
        ACSA_TEXT_LIT(t, "null");
    }
    ACSA_TEXT_LIT(t, ",\"rate_date\":");
    text_date(t, rated ? e->rate_day : ACSA_DATE_NONE);
    ACSA_TEXT_LIT(t, ",\"rate_source\":");
    if (rated) {
        acsa_text_text(t, e->rate_source);
    } else {
        ACSA_TEXT_LIT(t, "null");
    }
    ACSA_TEXT_LIT(t, "}");
}

void acsa_order_text_members(struct acsa_text *t, const struct acsa_order_view *view,
                             int32_t today)
{
    const struct acsa_order *o = &view->order;
    const struct acsa_activity *a = &view->activity;
    uint8_t e = o->currency.exponent;
    ACSA_TEXT_LIT(t, "\"number\":");
    acsa_text_string(t, o->number);
    ACSA_TEXT_LIT(t, ",\"agreement_id\":");
    acsa_text_string(t, o->agreement_id);
    ACSA_TEXT_LIT(t, ",\"requester\":");
    acsa_text_string(t, o->requester);
    ACSA_TEXT_LIT(t, ",\"supplier\":");
    acsa_text_string(t, o->supplier);
    ACSA_TEXT_LIT(t, ",\"requester_unit\":");
    text_unit_ref(t, o->requester_unit_id, view->requester_unit);
    ACSA_TEXT_LIT(t, ",\"supplier_unit\":");
    text_unit_ref(t, o->supplier_unit_id, view->supplier_unit);
    ACSA_TEXT_LIT(t, ",\"activity\":{\"id\":");
    acsa_text_int(t, o->activity_id);
    if (a->id != 0) {
        ACSA_TEXT_LIT(t, ",\"name\":");
        acsa_text_text(t, a->name);
        ACSA_TEXT_LIT(t, ",\"type\":");
        acsa_text_string(t, a->type);
    }
    ACSA_TEXT_LIT(t, "},\"method\":");
    text_name(t, acsa_method_name(o->method));
    ACSA_TEXT_LIT(t, ",\"state\":");
    text_name(t, acsa_state_name(o->state));
    ACSA_TEXT_LIT(t, ",\"place\":");
    acsa_text_text(t, o->place);
    ACSA_TEXT_LIT(t, ",\"need_by\":");
    text_date(t, o->need_by_day);
    ACSA_TEXT_LIT(t, ",\"created\":");
    text_date(t, o->created_day);
    ACSA_TEXT_LIT(t, ",\"delivered\":");
    text_date(t, o->delivered_day);
    ACSA_TEXT_LIT(t, ",\"invoiced\":");
    text_date(t, o->invoiced_day);
    ACSA_TEXT_LIT(t, ",\"due\":");
    text_date(t, o->due_day);
    ACSA_TEXT_LIT(t, ",\"currency\":");
    acsa_text_string(t, o->currency.code);
    ACSA_TEXT_LIT(t, ",\"value\":");
    text_money(t, o->value_minor, e);
    ACSA_TEXT_LIT(t, ",\"received_value\":");
    text_money(t, o->received_value_minor, e);
    ACSA_TEXT_LIT(t, ",\"kind_settled\":");
    text_money(t, o->kind_settled_minor, e);
    ACSA_TEXT_LIT(t, ",\"cash_due\":");
    text_money(t, o->cash_due_minor, e);
    ACSA_TEXT_LIT(t, ",\"paid\":");
    text_money(t, o->paid_minor, e);
    ACSA_TEXT_LIT(t, ",\"outstanding\":");
    text_money(t, acsa_order_outstanding(o), e);
    ACSA_TEXT_LIT(t, ",\"overdue\":");
    acsa_text_bool(t, acsa_order_overdue(o, today));
    ACSA_TEXT_LIT(t, ",\"converted\":");
    acsa_text_bool(t, o->converted);
    ACSA_TEXT_LIT(t, ",\"exchanged_with\":");
    acsa_text_text(t, o->exchanged_with);
    ACSA_TEXT_LIT(t, ",\"lines\":[");
    for (uint32_t i = 0; i < o->line_count; i++) {
        acsa_text_raw(t, ",", i > 0 ? 1 : 0);
        text_line(t, &o->lines[i], i + 1, e);
    }
    ACSA_TEXT_LIT(t, "],\"disputed_by\":");
    acsa_text_text(t, o->disputed_by);
    text_invoices(t, o);
}

void acsa_event_text(struct acsa_text *t, const struct acsa_event_row *row,
                     const struct acsa_currency *cur)
{
    const struct acsa_event *e = &row->event;
    ACSA_TEXT_LIT(t, "{\"id\":");
    acsa_text_int(t, row->id);
    ACSA_TEXT_LIT(t, ",\"date\":");
    text_date(t, e->day);
    ACSA_TEXT_LIT(t, ",\"step\":");
    text_name(t, acsa_step_name(e->step));
    ACSA_TEXT_LIT(t, ",\"actor\":");
    acsa_text_string(t, e->actor);
    ACSA_TEXT_LIT(t, ",\"state_from\":");
    text_name(t, acsa_state_name(e->state_from));
    ACSA_TEXT_LIT(t, ",\"state_to\":");
    text_name(t, acsa_state_name(e->state_to));
    ACSA_TEXT_LIT(t, ",\"line\":");
    text_id(t, e->line_no);
    ACSA_TEXT_LIT(t, ",\"quantity\":");
    text_quantity_or_null(t, e->quantity_milli);
    ACSA_TEXT_LIT(t, ",\"amount\":");
    text_money(t, e->amount_minor, cur->exponent);
    ACSA_TEXT_LIT(t, ",\"currency\":");
    acsa_text_string(t, cur->code);
    ACSA_TEXT_LIT(t, ",\"detail\":");
    acsa_text_text(t, e->detail);
    ACSA_TEXT_LIT(t, ",\"postings\":[");
    for (uint32_t i = 0; i < e->posting_count; i++) {
        const struct acsa_posting *p = &e->postings[i];
        const struct acsa_currency *pc = acsa_currency_find(p->currency);
        acsa_text_raw(t, ",", i > 0 ? 1 : 0);
        ACSA_TEXT_LIT(t, "{\"account\":");
        text_name(t, acsa_account_name(p->account));
        ACSA_TEXT_LIT(t, ",\"partner\":");
        acsa_text_string(t, p->partner);
        ACSA_TEXT_LIT(t, ",\"currency\":");
        acsa_text_string(t, p->currency);
        ACSA_TEXT_LIT(t, ",\"amount\":");
        text_money(t, p->amount_minor, pc != NULL ? pc->exponent : cur->exponent);
        ACSA_TEXT_LIT(t, ",\"quantity\":");
        text_quantity_or_null(t, p->quantity_milli);
        ACSA_TEXT_LIT(t, ",\"line\":");
        text_id(t, p->line_no);
        ACSA_TEXT_LIT(t, "}");
    }
    ACSA_TEXT_LIT(t, "],\"invoice\":");
    if (e->invoice[0] != '\0') {
        acsa_text_string(t, e->invoice);
    } else {
        ACSA_TEXT_LIT(t, "null");
    }
    text_payment(t, e);
    ACSA_TEXT_LIT(t, ",\"recorded_date\":");
    text_date(t, e->recorded_day != 0 ? e->recorded_day : ACSA_DATE_NONE); /* 0: not known. */
    ACSA_TEXT_LIT(t, ",\"back_entered\":");
    if (e->backdate_reason[0] != '\0') {
        ACSA_TEXT_LIT(t, "true");
    } else {
        ACSA_TEXT_LIT(t, "false");
    }
    ACSA_TEXT_LIT(t, ",\"backdate_reason\":");
    acsa_text_text(t, e->backdate_reason);
    ACSA_TEXT_LIT(t, ",\"corrected_step\":");
    if ((e->step == ACSA_STEP_CORRECT || e->step == ACSA_STEP_VOID) &&
        e->corrected_step != ACSA_STEP_CREATE) {
        text_name(t, acsa_step_name(e->corrected_step));
    } else {
        ACSA_TEXT_LIT(t, "null");
    }
    ACSA_TEXT_LIT(t, "}");
}

/* ---- balance -------------------------------------------------------------------------- */

bool acsa_balance_line_same(const struct acsa_balance_line *line,
                            const struct acsa_balance_row *row)
{
    return strcmp(line->partner, row->partner) == 0 && strcmp(line->currency, row->currency) == 0;
}

void acsa_balance_line_start(struct acsa_balance_line *line, const struct acsa_balance_row *row)
{
    memset(line, 0, sizeof(*line));
    memcpy(line->partner, row->partner, sizeof(line->partner));
    memcpy(line->currency, row->currency, sizeof(line->currency));
}

void acsa_balance_line_add(struct acsa_balance_line *line, const struct acsa_balance_row *row)
{
    acsa_wide amount = row->amount_minor;
    switch (row->account) {
    case ACSA_ACCOUNT_RECEIVABLE_CASH: line->receivable_cash_minor += amount; break;
    case ACSA_ACCOUNT_RECEIVABLE_KIND: line->receivable_kind_minor += amount; break;
    case ACSA_ACCOUNT_PAYABLE_CASH: line->payable_cash_minor -= amount; break;
    case ACSA_ACCOUNT_PAYABLE_KIND: line->payable_kind_minor -= amount; break;
    case ACSA_ACCOUNT_COMMITTED_RECEIVABLE_CASH:
        line->committed_receivable_cash_minor += amount;
        break;
    case ACSA_ACCOUNT_COMMITTED_RECEIVABLE_KIND:
        line->committed_receivable_kind_minor += amount;
        break;
    case ACSA_ACCOUNT_COMMITTED_PAYABLE_CASH: line->committed_payable_cash_minor -= amount; break;
    case ACSA_ACCOUNT_COMMITTED_PAYABLE_KIND: line->committed_payable_kind_minor -= amount; break;
    case ACSA_ACCOUNT_SUPPLIED: line->supplied_minor -= amount; break;
    case ACSA_ACCOUNT_RECEIVED: line->received_minor += amount; break;
    default: break; /* Settlement and counter accounts are not figures of the statement. */
    }
}

acsa_wide acsa_balance_line_net(const struct acsa_balance_line *line)
{
    return line->receivable_cash_minor + line->receivable_kind_minor -
           line->payable_cash_minor - line->payable_kind_minor;
}

acsa_wide acsa_balance_line_settled_receivable(const struct acsa_balance_line *line)
{
    return line->supplied_minor - line->receivable_cash_minor - line->receivable_kind_minor;
}

acsa_wide acsa_balance_line_settled_payable(const struct acsa_balance_line *line)
{
    return line->received_minor - line->payable_cash_minor - line->payable_kind_minor;
}

enum acsa_rc acsa_balance_grouper_finish(struct acsa_balance_grouper *grouper)
{
    if (!grouper->have) {
        return ACSA_OK;
    }
    grouper->have = false;
    const struct acsa_balance_line *line = &grouper->line;
    return grouper->emit(grouper->ctx, line, acsa_balance_line_net(line));
}

enum acsa_rc acsa_balance_grouper_row(void *ctx, const struct acsa_balance_row *row)
{
    struct acsa_balance_grouper *grouper = ctx;
    if (grouper->have && !acsa_balance_line_same(&grouper->line, row)) {
        enum acsa_rc rc = acsa_balance_grouper_finish(grouper);
        if (rc != ACSA_OK) {
            return rc;
        }
    }
    if (!grouper->have) {
        grouper->have = true;
        acsa_balance_line_start(&grouper->line, row);
    }
    acsa_balance_line_add(&grouper->line, row);
    return ACSA_OK;
}

json_t *acsa_json_wide(acsa_wide minor, uint8_t exponent)
{
    char text[ACSA_WIDE_TEXT_SIZE];
    return json_string(acsa_wide_format(minor, exponent, text));
}

json_t *acsa_balance_line_json(const struct acsa_balance_line *l, acsa_wide net)
{
    const struct acsa_currency *currency = acsa_currency_find(l->currency);
    uint8_t e = currency != NULL ? currency->exponent : 0;
    json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "partner", S(l->partner),
                          "currency", S(l->currency), "receivable_cash",
                          acsa_json_wide(l->receivable_cash_minor, e), "receivable_kind",
                          acsa_json_wide(l->receivable_kind_minor, e), "payable_cash",
                          acsa_json_wide(l->payable_cash_minor, e), "payable_kind",
                          acsa_json_wide(l->payable_kind_minor, e), "net",
                          acsa_json_wide(net, e));
    json_t *more = json_pack(
        "{s:o, s:o, s:o, s:o, s:o, s:o}", "committed_receivable_cash",
        acsa_json_wide(l->committed_receivable_cash_minor, e), "committed_receivable_kind",
        acsa_json_wide(l->committed_receivable_kind_minor, e), "committed_payable_cash",
        acsa_json_wide(l->committed_payable_cash_minor, e), "committed_payable_kind",
        acsa_json_wide(l->committed_payable_kind_minor, e), "settled_receivable",
        acsa_json_wide(acsa_balance_line_settled_receivable(l), e), "settled_payable",
        acsa_json_wide(acsa_balance_line_settled_payable(l), e));
    if (o == NULL || more == NULL || json_object_update(o, more) != 0) {
        json_decref(o);
        o = NULL;
    }
    json_decref(more);
    return o;
}

json_t *acsa_transit_json(const struct acsa_order *o, const struct acsa_transit_line *l)
{
    const struct acsa_order_line *line = &o->lines[l->line_no - 1];
    return json_pack("{s:o, s:o, s:o, s:s, s:i, s:o, s:o, s:o, s:o, s:o, s:o, s:i}", "number",
                     S(o->number), "requester", S(o->requester), "supplier", S(o->supplier),
                     "state", acsa_state_name(o->state),
                     "line", (int)l->line_no, "description", acsa_json_text(line->description),
                     "unit", acsa_json_text(line->unit_of_issue), "issued",
                     acsa_json_quantity(l->issued_milli), "received",
                     acsa_json_quantity(l->received_milli), "in_transit",
                     acsa_json_quantity(l->issued_milli - l->received_milli), "issued_on",
                     acsa_json_date(l->issued_day), "days", (int)l->days);
}

json_t *acsa_overdue_json(const struct acsa_order_summary *o, int32_t days, const char *bucket)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:s, s:s, s:o, s:i, s:s, s:o, s:o}", "number",
                     S(o->number), "agreement_id", S(o->agreement_id), "requester",
                     S(o->requester), "supplier", S(o->supplier), "method",
                     acsa_method_name(o->method), "state", acsa_state_name(o->state), "due",
                     acsa_json_date(o->due_day), "days_overdue", (int)days, "bucket", bucket,
                     "currency", S(o->currency),
                     "outstanding", acsa_json_money(o->outstanding_minor, o->exponent));
}

/* ---- reference data ------------------------------------------------------------------- */

json_t *acsa_agreement_summary_json(const struct acsa_agreement *a, int32_t today)
{
    return json_pack("{s:o, s:o, s:[o,o], s:o, s:o, s:o, s:o, s:b}", "id", S(a->id), "title",
                     acsa_json_text(a->title), "parties", S(a->parties[0]), S(a->parties[1]),
                     "signed", acsa_json_date(a->signed_day), "effective_from",
                     acsa_json_date(a->effective_from_day), "term_end",
                     acsa_json_date(acsa_agreement_term_end(a, today)), "terminated",
                     acsa_json_date(a->terminated_day), "in_force",
                     acsa_agreement_in_force(a, today));
}

static json_t *codes_json(const char (*codes)[ACSA_CODE_SIZE], uint32_t count)
{
    json_t *array = json_array();
    for (uint32_t i = 0; array != NULL && i < count; i++) {
        if (json_array_append_new(array, S(codes[i])) != 0) {
            json_decref(array);
            array = NULL;
        }
    }
    return array;
}

/* The allowed methods with their deadlines, the currencies and the ageing buckets. */
static json_t *agreement_terms_json(const struct acsa_agreement *a)
{
    json_t *methods = json_array();
    json_t *currencies = json_array();
    json_t *buckets = json_array();
    bool ok = methods != NULL && currencies != NULL && buckets != NULL;
    for (unsigned m = 0; ok && m < ACSA_METHOD_COUNT; m++) {
        if (a->method_allowed[m]) {
            ok = json_array_append_new(methods, json_pack("{s:s, s:i}", "method",
                                                          acsa_method_name((enum acsa_method)m),
                                                          "due_days", (int)a->due_days[m])) == 0;
        }
    }
    for (uint32_t i = 0; ok && i < a->currency_count; i++) {
        ok = json_array_append_new(currencies,
                                   json_pack("{s:o, s:i}", "code", S(a->currencies[i].code),
                                             "exponent", (int)a->currencies[i].exponent)) == 0;
    }
    for (uint32_t b = 0; ok && b <= ACSA_AGEING_BOUNDS; b++) {
        char label[32];
        acsa_agreement_ageing_label(a, b, label, sizeof(label));
        int from = b == 0 ? 0 : (int)a->ageing_bounds[b - 1] + 1;
        json_t *to = b < ACSA_AGEING_BOUNDS ? json_integer(a->ageing_bounds[b]) : json_null();
        ok = json_array_append_new(buckets, json_pack("{s:s, s:i, s:o}", "label", label,
                                                      "from_days", from, "to_days", to)) == 0;
    }
    json_t *terms = ok ? json_pack("{s:o, s:o, s:o}", "methods", methods, "currencies",
                                   currencies, "ageing_buckets", buckets)
                       : NULL;
    if (terms == NULL && !ok) {
        json_decref(methods);
        json_decref(currencies);
        json_decref(buckets);
    }
    return terms;
}

json_t *acsa_agreement_detail_json(const struct acsa_agreement *a, int32_t today)
{
    json_t *terms = agreement_terms_json(a);
    if (terms == NULL) {
        return NULL;
    }
    json_t *doc = json_pack(
        "{s:o, s:o, s:[o,o], s:o, s:o, s:i, s:i, s:o, s:o, s:b, s:o, s:o, s:o}", "id", S(a->id),
        "title", acsa_json_text(a->title), "parties", S(a->parties[0]), S(a->parties[1]),
        "signed",
        acsa_json_date(a->signed_day), "effective_from", acsa_json_date(a->effective_from_day),
        "term_years", (int)a->term_years, "renewal_years", (int)a->renewal_years, "terminated",
        acsa_json_date(a->terminated_day), "term_end",
        acsa_json_date(acsa_agreement_term_end(a, today)), "in_force",
        acsa_agreement_in_force(a, today), "activity_types",
        codes_json(a->activity_types, a->activity_type_count), "categories",
        codes_json(a->categories, a->category_count), "excluded",
        codes_json(a->excluded, a->excluded_count));
    bool ok = doc != NULL;
    ok = ok && json_object_update(doc, terms) == 0;
    ok = ok && json_object_set_new(doc, "conversion",
                                   json_string(acsa_conversion_name(a->conversion))) == 0;
    ok = ok && json_object_set_new(doc, "invoice_within_days",
                                   json_integer(a->invoice_within_days)) == 0;
    ok = ok && json_object_set_new(doc, "pricing_basis", acsa_json_text(a->pricing_basis)) == 0;
    ok = ok && json_object_set_new(doc, "transit_days", json_integer(a->transit_days)) == 0;
    ok = ok && json_object_set_new(doc, "close_requires_documents",
                                   json_boolean(a->close_requires_documents)) == 0;
    json_decref(terms);
    if (!ok) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

json_t *acsa_unit_json(int64_t id, const char *party, const char *name)
{
    return json_pack("{s:I, s:o, s:o}", "id", (json_int_t)id, "party", S(party), "name",
                     acsa_json_text(name));
}

json_t *acsa_official_json(const struct acsa_official *official)
{
    json_t *limits = json_array();
    for (uint32_t i = 0; limits != NULL && i < official->limit_count; i++) {
        const struct acsa_currency *currency = &official->limit_currency[i];
        char amount[ACSA_MONEY_TEXT_SIZE];
        acsa_money_format(official->limit_minor[i], currency->exponent, amount);
        if (json_array_append_new(limits, json_pack("{s:o, s:s}", "currency", S(currency->code),
                                                    "amount", amount)) != 0) {
            json_decref(limits);
            limits = NULL;
        }
    }
    return json_pack("{s:I, s:o, s:o, s:o}", "id", (json_int_t)official->id, "party",
                     S(official->party), "name", acsa_json_text(official->name), "limits", limits);
}

json_t *acsa_activity_json(const struct acsa_activity *a)
{
    return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)a->id,
                     "agreement_id", S(a->agreement_id), "name", acsa_json_text(a->name), "type",
                     S(a->type), "from", acsa_json_date(a->from_day), "to",
                     acsa_json_date(a->to_day), "place", acsa_json_text(a->place), "reason",
                     acsa_json_text(a->reason));
}
