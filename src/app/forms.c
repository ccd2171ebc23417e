/* SPDX-License-Identifier: MIT */
/* The printed forms' one canonical record (core/form.h, DOMAIN.md requirement 16): the order,
 * its agreement, units and activity, who signed each step with their titles, the lines as the
 * form needs them, the totals, and the hash of the order's last record on this node; and the
 * check of a printed hash against that chain (acsa order verify). Reads only. */
#include "app_int.h"
#include "app_reads.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "date.h"
#include "money.h"

/* Signature blocks on every form: who asked or received, who approved or issued or invoiced,
 * who accepted or received or certified the payment. */
#define FORM_SIGNATURE_BLOCKS 3
_Static_assert(FORM_SIGNATURE_BLOCKS <= ACSA_FORM_SIGNATURES_MAX, "the blocks fit the form");

/* What a form is read from, on the heap (orders and agreements are large). */
struct form_read {
    struct acsa_order order;
    struct acsa_agreement agreement;
    struct acsa_activity activity;
    struct acsa_form *form;
    const char *invoice;                          /* The invoice form's invoice. */
    int64_t received[ACSA_ORDER_LINES_MAX];       /* Replayed up to the invoice. */
    int64_t invoiced[ACSA_ORDER_LINES_MAX];       /* Invoiced before it. */
    int64_t on_invoice[ACSA_ORDER_LINES_MAX];     /* On it. */
    bool invoice_seen;
    int64_t paid_on_invoice;                      /* Order currency. */
    uint32_t other_count;                         /* Payments in other currencies. */
    char other_currency[ACSA_FORM_TOTALS_MAX][ACSA_CURRENCY_SIZE];
    int64_t other_paid[ACSA_FORM_TOTALS_MAX];
};

static void copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src);
}

/* The party that signed e on o ("" when either party may take it). */
static const char *step_party(const struct acsa_order *o, const struct acsa_event *e)
{
    if (e->step == ACSA_STEP_CORRECT) {
        bool supplier = e->corrected_step == ACSA_STEP_ISSUE ||
                        e->corrected_step == ACSA_STEP_ACCEPT_RETURN;
        return supplier ? o->supplier : o->requester;
    }
    if (e->step == ACSA_STEP_DISPUTE) {
        return o->disputed_by;
    }
    const char *party = acsa_step_party(o, e->step);
    return party != NULL ? party : "";
}

static void sign(struct acsa_form *f, uint32_t index, const char *label, const char *party,
                 const struct acsa_event *e)
{
    struct acsa_form_signature *s = &f->signatures[index];
    copy(s->label, sizeof(s->label), label);
    copy(s->party, sizeof(s->party), party);
    if (e != NULL) {
        copy(s->name, sizeof(s->name), e->actor);
        s->day = e->day;
    }
}

/* The signature blocks of the form, each the latest step of its kind (the invoice form's:
 * its invoice and the payments on it). */
static void signature_of(struct form_read *r, const struct acsa_event *e)
{
    struct acsa_form *f = r->form;
    const struct acsa_order *o = &r->order;
    bool ours = r->invoice != NULL && strcmp(e->invoice, r->invoice) == 0;
    switch (f->kind) {
    case ACSA_FORM_ORDER:
        if (e->step == ACSA_STEP_CREATE) {
            sign(f, 0, "Requested by", o->requester, e);
        } else if (e->step == ACSA_STEP_APPROVE) {
            sign(f, 1, "Approved by", o->requester, e);
        } else if (e->step == ACSA_STEP_ACCEPT || e->step == ACSA_STEP_REJECT) {
            sign(f, 2, e->step == ACSA_STEP_ACCEPT ? "Accepted by" : "Rejected by", o->supplier,
                 e);
        }
        break;
    case ACSA_FORM_RECEIPT:
        if (e->step == ACSA_STEP_ACCEPT) {
            sign(f, 0, "Accepted by", o->supplier, e);
        } else if (e->step == ACSA_STEP_ISSUE) {
            sign(f, 1, "Issued by", o->supplier, e);
        } else if (e->step == ACSA_STEP_RECEIVE) {
            sign(f, 2, "Received by", o->requester, e);
        }
        break;
    case ACSA_FORM_INVOICE:
        if (e->step == ACSA_STEP_RECEIVE && !r->invoice_seen) {
            sign(f, 0, "Received by", o->requester, e);
        } else if (e->step == ACSA_STEP_INVOICE && ours) {
            sign(f, 1, "Invoiced by", o->supplier, e);
        } else if (e->step == ACSA_STEP_PAY && ours) {
            sign(f, 2, "Payment certified by", o->requester, e);
        }
        break;
    default:
        break;
    }
}

static void note_payment(struct form_read *r, const struct acsa_event *e)
{
    r->paid_on_invoice += e->amount_minor;
    if (e->paid_currency[0] == '\0' || strcmp(e->paid_currency, r->order.currency.code) == 0) {
        return;
    }
    uint32_t i = 0;
    while (i < r->other_count && strcmp(r->other_currency[i], e->paid_currency) != 0) {
        i++;
    }
    if (i == r->other_count && i < ACSA_FORM_TOTALS_MAX) {
        copy(r->other_currency[i], ACSA_CURRENCY_SIZE, e->paid_currency);
        r->other_count++;
    }
    if (i < r->other_count) {
        r->other_paid[i] += e->paid_minor;
    }
}

/* Replays receipts and invoices, so that the invoice form shows what its invoice claimed. */
static void replay(struct form_read *r, const struct acsa_event *e)
{
    uint32_t line = e->line_no;
    bool has_line = line >= 1 && line <= ACSA_ORDER_LINES_MAX;
    if (e->step == ACSA_STEP_RECEIVE && has_line) {
        r->received[line - 1] += e->quantity_milli;
    } else if (e->step == ACSA_STEP_CORRECT && e->corrected_step == ACSA_STEP_RECEIVE &&
               has_line) {
        r->received[line - 1] = e->quantity_milli;
    } else if (e->step == ACSA_STEP_INVOICE) {
        bool ours = r->invoice != NULL && strcmp(e->invoice, r->invoice) == 0;
        for (uint32_t i = 0; i < ACSA_ORDER_LINES_MAX; i++) {
            int64_t q = has_line ? (i == line - 1 ? e->quantity_milli : 0)
                                 : r->received[i] - r->invoiced[i];
            q = q > 0 ? q : 0;
            if (ours) {
                r->on_invoice[i] = q;
            } else if (!r->invoice_seen) {
                r->invoiced[i] += q;
            }
        }
        r->invoice_seen = r->invoice_seen || ours;
    } else if (e->step == ACSA_STEP_PAY && r->invoice != NULL &&
               strcmp(e->invoice, r->invoice) == 0) {
        note_payment(r, e);
    }
}

static enum acsa_rc form_event(void *ctx, const struct acsa_event_row *row)
{
    struct form_read *r = ctx;
    struct acsa_form *f = r->form;
    const struct acsa_event *e = &row->event;
    if (e->step == ACSA_STEP_VOID) {
        return ACSA_OK;
    }
    replay(r, e);
    signature_of(r, e);
    if (f->step_count == ACSA_FORM_STEPS_MAX) {
        f->steps_omitted++;
        return ACSA_OK;
    }
    struct acsa_form_step *s = &f->steps[f->step_count++];
    s->step = e->step;
    s->day = e->day;
    copy(s->party, sizeof(s->party), step_party(&r->order, e));
    copy(s->name, sizeof(s->name), e->actor);
    s->line = e->line_no;
    s->quantity_milli = e->quantity_milli;
    s->amount_minor = e->amount_minor;
    copy(s->invoice, sizeof(s->invoice), e->invoice);
    return ACSA_OK;
}

static enum acsa_rc form_record(void *ctx, const struct acsa_record_row *row)
{
    struct acsa_form *f = ctx;
    sodium_bin2hex(f->hash, sizeof(f->hash), row->hash, ACSA_HASH_SIZE);
    f->record_count++;
    return ACSA_OK;
}

static void total(struct acsa_form *f, const char *label, const char *currency, uint8_t exponent,
                  int64_t amount)
{
    if (f->total_count == ACSA_FORM_TOTALS_MAX) {
        return;
    }
    struct acsa_form_total *t = &f->totals[f->total_count++];
    copy(t->label, sizeof(t->label), label);
    copy(t->currency, sizeof(t->currency), currency);
    t->exponent = exponent;
    t->amount_minor = amount;
}

/* Value of q more of a line of which done is already counted (cumulative rounding). */
static int64_t part_value(const struct acsa_order_line *l, int64_t done, int64_t q)
{
    int64_t before = 0;
    int64_t after = 0;
    if (!acsa_money_line_value(done, l->price_minor, &before) ||
        !acsa_money_line_value(done + q, l->price_minor, &after)) {
        return 0;
    }
    return after - before;
}

static void form_lines(struct form_read *r)
{
    struct acsa_form *f = r->form;
    const struct acsa_order *o = &r->order;
    for (uint32_t i = 0; i < o->line_count; i++) {
        const struct acsa_order_line *l = &o->lines[i];
        int64_t q = l->quantity_milli;
        int64_t value = l->value_minor;
        if (f->kind == ACSA_FORM_RECEIPT) {
            q = l->received_milli;
            value = part_value(l, 0, q);
        } else if (f->kind == ACSA_FORM_INVOICE) {
            q = r->on_invoice[i];
            value = part_value(l, r->invoiced[i], q);
            if (q == 0) {
                continue;
            }
        }
        struct acsa_form_line *fl = &f->lines[f->line_count++];
        fl->no = i + 1;
        copy(fl->category, sizeof(fl->category), l->category);
        copy(fl->description, sizeof(fl->description), l->description);
        copy(fl->nsn, sizeof(fl->nsn), l->nsn);
        copy(fl->unit_of_issue, sizeof(fl->unit_of_issue), l->unit_of_issue);
        fl->ordered_milli = l->quantity_milli;
        fl->issued_milli = l->issued_milli;
        fl->received_milli = l->received_milli;
        fl->quantity_milli = q;
        fl->price_minor = l->price_minor;
        fl->value_minor = value;
        fl->closed = l->closed;
    }
}

static void form_totals(struct form_read *r)
{
    struct acsa_form *f = r->form;
    const struct acsa_order *o = &r->order;
    const char *cur = o->currency.code;
    uint8_t ex = o->currency.exponent;
    int64_t lines = 0;
    for (uint32_t i = 0; i < f->line_count; i++) {
        lines += f->lines[i].value_minor;
    }
    switch (f->kind) {
    case ACSA_FORM_ORDER:
        total(f, "Total ordered", cur, ex, o->value_minor);
        break;
    case ACSA_FORM_RECEIPT:
        total(f, "Total ordered", cur, ex, o->value_minor);
        total(f, "Total received", cur, ex, lines);
        break;
    default:
        total(f, "Invoice total", cur, ex, f->invoice_amount_minor);
        total(f, "Paid on this invoice", cur, ex, f->invoice_paid_minor);
        total(f, "Open on this invoice", cur, ex, f->invoice_amount_minor - f->invoice_paid_minor);
        for (uint32_t i = 0; i < r->other_count; i++) {
            const struct acsa_currency *c = acsa_currency_find(r->other_currency[i]);
            total(f, "Paid in another currency", r->other_currency[i],
                  c != NULL ? c->exponent : 2, r->other_paid[i]);
        }
        break;
    }
}

/* The invoice the form is about: the one named, or the latest. */
static enum acsa_rc pick_invoice(struct form_read *r, const char *invoice,
                                 struct acsa_error *err)
{
    const struct acsa_order *o = &r->order;
    struct acsa_form *f = r->form;
    if (f->kind != ACSA_FORM_INVOICE) {
        if (invoice != NULL && invoice[0] != '\0') {
            return acsa_error_set(err, ACSA_EUSAGE, "invoice",
                                  "an invoice is named only for the invoice form");
        }
        return ACSA_OK;
    }
    if (o->invoice_count == 0) {
        return acsa_error_set(err, ACSA_EREFUSED, "invoice", "order %s has no invoice",
                              o->number);
    }
    const struct acsa_invoice *found = &o->invoices[o->invoice_count - 1];
    if (invoice != NULL && invoice[0] != '\0') {
        found = NULL;
        for (uint32_t i = 0; i < o->invoice_count && found == NULL; i++) {
            found = strcmp(o->invoices[i].number, invoice) == 0 ? &o->invoices[i] : NULL;
        }
        if (found == NULL) {
            return acsa_error_set(err, ACSA_ENOTFOUND, "invoice",
                                  "%.40s is not an invoice of order %s", invoice, o->number);
        }
    }
    copy(f->invoice, sizeof(f->invoice), found->number);
    f->invoice_day = found->day;
    f->invoice_due_day = found->due_day;
    f->invoice_amount_minor = found->amount_minor;
    f->invoice_paid_minor = found->paid_minor;
    r->invoice = f->invoice;
    return ACSA_OK;
}

static enum acsa_rc form_header(struct acsa_app *app, struct form_read *r)
{
    struct acsa_form *f = r->form;
    const struct acsa_order *o = &r->order;
    struct acsa_order_view *view = acsa_calloc(1, sizeof(*view));
    if (view == NULL) {
        return ACSA_ENOMEM;
    }
    view->order = *o;
    enum acsa_rc rc = acsa_app_order_view(app, view);
    copy(f->requester_unit, sizeof(f->requester_unit), view->requester_unit);
    copy(f->supplier_unit, sizeof(f->supplier_unit), view->supplier_unit);
    copy(f->activity, sizeof(f->activity), view->activity.name);
    copy(f->activity_type, sizeof(f->activity_type), view->activity.type);
    f->activity_from_day = view->activity.id != 0 ? view->activity.from_day : ACSA_DATE_NONE;
    f->activity_to_day = view->activity.id != 0 ? view->activity.to_day : ACSA_DATE_NONE;
    copy(f->activity_place, sizeof(f->activity_place), view->activity.place);
    acsa_free(view);
    ACSA_TRY(rc);
    copy(f->number, sizeof(f->number), o->number);
    copy(f->node, sizeof(f->node), acsa_app_nation(app));
    copy(f->agreement_id, sizeof(f->agreement_id), r->agreement.id);
    copy(f->agreement_title, sizeof(f->agreement_title), r->agreement.title);
    copy(f->parties[0], ACSA_NATION_SIZE, r->agreement.parties[0]);
    copy(f->parties[1], ACSA_NATION_SIZE, r->agreement.parties[1]);
    copy(f->requester, sizeof(f->requester), o->requester);
    copy(f->supplier, sizeof(f->supplier), o->supplier);
    f->requester_unit_id = o->requester_unit_id;
    f->supplier_unit_id = o->supplier_unit_id;
    f->method = o->method;
    f->state = o->state;
    copy(f->currency, sizeof(f->currency), o->currency.code);
    f->exponent = o->currency.exponent;
    copy(f->place, sizeof(f->place), o->place);
    f->need_by_day = o->need_by_day;
    f->created_day = o->created_day;
    f->delivered_day = o->delivered_day;
    f->due_day = o->due_day;
    return ACSA_OK;
}

/* The officials' titles, on the day each signed. */
static enum acsa_rc form_titles(struct acsa_app *app, struct acsa_form *f,
                                struct acsa_error *err)
{
    for (uint32_t i = 0; i < f->step_count; i++) {
        struct acsa_form_step *s = &f->steps[i];
        if (s->party[0] != '\0') {
            ACSA_TRY(acsa_app_official_title(app, s->party, s->name, s->day, s->title,
                                             sizeof(s->title), err));
        }
    }
    for (uint32_t i = 0; i < f->signature_count; i++) {
        struct acsa_form_signature *s = &f->signatures[i];
        if (s->name[0] != '\0') {
            ACSA_TRY(acsa_app_official_title(app, s->party, s->name, s->day, s->title,
                                             sizeof(s->title), err));
        }
    }
    return ACSA_OK;
}

/* The order, if viewer may see it (else not found, as the order list does). */
static enum acsa_rc visible_order(struct acsa_app *app, const char *number,
                                  const struct acsa_user *viewer, struct form_read *r,
                                  struct acsa_error *err)
{
    ACSA_TRY(acsa_app_order_get(app, number, &r->order, &r->agreement, err));
    struct acsa_order_scope scope = {r->order.requester, r->order.supplier,
                                     r->order.requester_unit_id, r->order.supplier_unit_id};
    if (viewer != NULL && !acsa_authz_order_visible(viewer, &scope)) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "number", "order %s not found", number);
    }
    return ACSA_OK;
}

static enum acsa_rc form_fill(struct acsa_app *app, const char *number,
                              const char *invoice, const struct acsa_user *viewer,
                              struct form_read *r, struct acsa_error *err)
{
    struct acsa_form *f = r->form;
    ACSA_TRY(visible_order(app, number, viewer, r, err));
    ACSA_TRY(pick_invoice(r, invoice, err));
    enum acsa_rc rc = form_header(app, r);
    if (rc != ACSA_OK) {
        return acsa_error_set(err, rc, "", "cannot read the names order %s refers to", number);
    }
    f->signature_count = FORM_SIGNATURE_BLOCKS;
    for (uint32_t i = 0; i < f->signature_count; i++) {
        f->signatures[i].day = ACSA_DATE_NONE;
    }
    static const char *const blank[ACSA_FORM_KIND_COUNT][FORM_SIGNATURE_BLOCKS] = {
        {"Requested by", "Approved by", "Accepted by"},
        {"Accepted by", "Issued by", "Received by"},
        {"Received by", "Invoiced by", "Payment certified by"},
    };
    const char *parties[ACSA_FORM_KIND_COUNT][FORM_SIGNATURE_BLOCKS] = {
        {r->order.requester, r->order.requester, r->order.supplier},
        {r->order.supplier, r->order.supplier, r->order.requester},
        {r->order.requester, r->order.supplier, r->order.requester},
    };
    for (uint32_t i = 0; i < f->signature_count; i++) {
        sign(f, i, blank[f->kind][i], parties[f->kind][i], NULL);
    }
    ACSA_TRY(acsa_app_order_events(app, number, form_event, r, err));
    ACSA_TRY(acsa_app_order_records(app, number, form_record, f, err));
    form_lines(r);
    form_totals(r);
    return form_titles(app, f, err);
}

enum acsa_rc acsa_app_order_form(struct acsa_app *app, const char *number,
                                 enum acsa_form_kind kind, const char *invoice,
                                 const struct acsa_user *viewer, struct acsa_form *out,
                                 struct acsa_error *err)
{
    memset(out, 0, sizeof(*out));
    if ((unsigned)kind >= ACSA_FORM_KIND_COUNT) {
        return acsa_error_set(err, ACSA_EUSAGE, "form", "unknown form");
    }
    out->kind = kind;
    struct form_read *r = acsa_calloc(1, sizeof(*r));
    if (r == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, NULL, "out of memory");
    }
    r->form = out;
    enum acsa_rc rc = form_fill(app, number, invoice, viewer, r, err);
    acsa_free(r);
    if (rc != ACSA_OK) {
        enum acsa_form_kind keep = out->kind;
        memset(out, 0, sizeof(*out));
        out->kind = keep;
    }
    return rc;
}

/* ---- acsa order verify ---------------------------------------------------------------- */

struct verify_scan {
    struct acsa_order_hash_check *out;
    uint8_t wanted[ACSA_HASH_SIZE];
};

static enum acsa_rc verify_record(void *ctx, const struct acsa_record_row *row)
{
    struct verify_scan *scan = ctx;
    struct acsa_order_hash_check *out = scan->out;
    out->records++;
    sodium_bin2hex(out->last, sizeof(out->last), row->hash, ACSA_HASH_SIZE);
    if (memcmp(row->hash, scan->wanted, ACSA_HASH_SIZE) == 0) {
        out->match = out->records;
    }
    return ACSA_OK;
}

enum acsa_rc acsa_app_order_verify(struct acsa_app *app, const char *number, const char *hash,
                                   const struct acsa_user *viewer,
                                   struct acsa_order_hash_check *out, struct acsa_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!acsa_form_hash_valid(hash)) {
        return acsa_error_set(err, ACSA_EUSAGE, "hash",
                              "%.80s is not a SHA-256 (64 hexadecimal digits)", hash);
    }
    struct verify_scan scan = {out, {0}};
    size_t length = 0;
    if (sodium_hex2bin(scan.wanted, sizeof(scan.wanted), hash, strlen(hash), NULL, &length,
                       NULL) != 0 ||
        length != ACSA_HASH_SIZE) {
        return acsa_error_set(err, ACSA_EUSAGE, "hash", "not a SHA-256");
    }
    struct form_read *r = acsa_calloc(1, sizeof(*r));
    if (r == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, NULL, "out of memory");
    }
    enum acsa_rc rc = visible_order(app, number, viewer, r, err);
    acsa_free(r);
    ACSA_TRY(rc);
    return acsa_app_order_records(app, number, verify_record, &scan, err);
}
