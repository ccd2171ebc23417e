/* SPDX-License-Identifier: MIT */
/* The reports every front end shows (app_reads.h), each computed here once: overdue orders
 * with their ageing and totals, invoices late, and the order value per month. Each streams
 * the store's order summaries; what a report keeps (totals, agreements met, monthly figures)
 * grows with what it meets, without a cap that would cut a report short. */
#include "app_int.h"
#include "app_reads.h"
#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

/* Returns array with room for count + 1 items of size bytes, or NULL (array kept). */
static void *reserve(void *array, size_t *capacity, size_t count, size_t size)
{
    if (count < *capacity) {
        return array;
    }
    size_t next = *capacity == 0 ? 8 : *capacity * 2;
    if (next > SIZE_MAX / size) {
        return NULL;
    }
    void *grown = acsa_realloc(array, next * size);
    if (grown != NULL) {
        *capacity = next;
    }
    return grown;
}

enum acsa_rc acsa__app_met_agreement(struct acsa_app *app, struct acsa__app_met *met,
                                     const char *id, const struct acsa_agreement **out,
                                     struct acsa_error *err)
{
    for (size_t i = 0; i < met->count; i++) {
        if (strcmp(met->items[i]->id, id) == 0) {
            *out = met->items[i];
            return ACSA_OK;
        }
    }
    struct acsa_agreement **items = reserve(met->items, &met->capacity, met->count,
                                            sizeof(*items));
    struct acsa_agreement *slot = items != NULL ? acsa_malloc(sizeof(*slot)) : NULL;
    if (items != NULL) {
        met->items = items;
    }
    if (slot == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, NULL, "out of memory");
    }
    enum acsa_rc rc = acsa__app_agreement_read(app, id, slot, err);
    if (rc != ACSA_OK) {
        acsa_free(slot);
        return rc;
    }
    met->items[met->count++] = slot;
    *out = slot;
    return ACSA_OK;
}

void acsa__app_met_free(struct acsa__app_met *met)
{
    for (size_t i = 0; i < met->count; i++) {
        acsa_free(met->items[i]);
    }
    acsa_free(met->items);
}

/* ---- Overdue -------------------------------------------------------------------------- */

struct overdue_scan {
    struct acsa_app *app;
    int32_t as_of;
    const struct acsa_user *viewer;
    enum acsa_overdue_part part;
    acsa_overdue_cb cb;
    void *ctx;
    struct acsa_overdue_totals *totals;
    struct acsa__app_met met;
    struct acsa_error *err;
};

static enum acsa_rc add_total(struct acsa_overdue_totals *totals,
                              const struct acsa_overdue_item *item, struct acsa_error *err)
{
    const struct acsa_order_summary *o = item->order;
    struct acsa_overdue_total *t = NULL;
    for (size_t i = 0; i < totals->count && t == NULL; i++) {
        struct acsa_overdue_total *c = &totals->items[i];
        bool same = c->bucket == item->bucket && strcmp(c->label, item->label) == 0;
        t = same && strcmp(c->currency, o->currency) == 0 ? c : NULL;
    }
    if (t == NULL) {
        struct acsa_overdue_total *items = reserve(totals->items, &totals->capacity,
                                                   totals->count, sizeof(*items));
        if (items == NULL) {
            return acsa_error_set(err, ACSA_ENOMEM, NULL, "out of memory");
        }
        totals->items = items;
        t = &totals->items[totals->count++];
        memset(t, 0, sizeof(*t));
        t->bucket = item->bucket;
        memcpy(t->label, item->label, sizeof(t->label));
        memcpy(t->currency, o->currency, sizeof(t->currency));
        t->exponent = o->exponent;
    }
    t->orders++;
    t->outstanding_minor += o->outstanding_minor;
    return ACSA_OK;
}

static enum acsa_rc overdue_row(void *ctx, const struct acsa_order_summary *o)
{
    struct overdue_scan *scan = ctx;
    if (!acsa_app_summary_visible(scan->viewer, o)) {
        return ACSA_OK;
    }
    struct acsa_overdue_item item;
    memset(&item, 0, sizeof(item));
    item.order = o;
    item.disputed = o->state == ACSA_STATE_DISPUTED;
    bool listed = scan->part == ACSA_OVERDUE_ALL ||
                  (scan->part == ACSA_OVERDUE_DISPUTED) == item.disputed;
    bool counted = scan->totals != NULL && !item.disputed;
    if (!listed && !counted) {
        return ACSA_OK;
    }
    const struct acsa_agreement *agreement = NULL;
    ACSA_TRY(acsa__app_met_agreement(scan->app, &scan->met, o->agreement_id, &agreement,
                                     scan->err));
    item.days = scan->as_of - o->due_day;
    item.bucket = acsa_agreement_ageing_bucket(agreement, item.days);
    acsa_agreement_ageing_label(agreement, item.bucket, item.label, sizeof(item.label));
    if (counted) {
        ACSA_TRY(add_total(scan->totals, &item, scan->err));
    }
    if (!listed) {
        return ACSA_OK;
    }
    return scan->cb(scan->ctx, &item);
}

static int compare_totals(const void *a, const void *b)
{
    const struct acsa_overdue_total *x = a;
    const struct acsa_overdue_total *y = b;
    if (x->bucket != y->bucket) {
        return x->bucket < y->bucket ? -1 : 1;
    }
    int by_label = strcmp(x->label, y->label);
    return by_label != 0 ? by_label : strcmp(x->currency, y->currency);
}

enum acsa_rc acsa_app_overdue(struct acsa_app *app, int32_t as_of,
                              const struct acsa_user *viewer, enum acsa_overdue_part part,
                              acsa_overdue_cb cb, void *ctx, struct acsa_overdue_totals *totals,
                              struct acsa_error *err)
{
    struct overdue_scan scan = {app, as_of, viewer, part, cb, ctx, totals, {NULL, 0, 0}, err};
    struct acsa_order_filter filter;
    memset(&filter, 0, sizeof(filter));
    acsa_order_overdue_rule(as_of, &filter.due);
    enum acsa_rc rc = LEDGER(app)->order_list(app->store, &filter, overdue_row, &scan, err);
    acsa__app_met_free(&scan.met);
    if (rc == ACSA_OK && totals != NULL && totals->count > 1) {
        qsort(totals->items, totals->count, sizeof(totals->items[0]), compare_totals);
    }
    return rc;
}

void acsa_app_overdue_totals_free(struct acsa_overdue_totals *totals)
{
    acsa_free(totals->items);
    memset(totals, 0, sizeof(*totals));
}

/* ---- Invoices late -------------------------------------------------------------------- */

struct late_scan {
    struct acsa_app *app;
    int32_t as_of;
    acsa_invoice_late_cb cb;
    void *ctx;
    struct acsa__app_met met;
    struct acsa_error *err;
};

static enum acsa_rc late_row(void *ctx, const struct acsa_order_summary *o)
{
    struct late_scan *scan = ctx;
    if (o->method != ACSA_METHOD_CASH || o->delivered_day == ACSA_DATE_NONE) {
        return ACSA_OK;
    }
    const struct acsa_agreement *agreement = NULL;
    enum acsa_rc rc = acsa__app_met_agreement(scan->app, &scan->met, o->agreement_id, &agreement,
                                    scan->err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa_invoice_late item = {o, acsa_agreement_invoice_by(agreement, o->delivered_day),
                                     0};
    if (item.invoice_by >= scan->as_of) {
        return ACSA_OK;
    }
    item.days_late = scan->as_of - item.invoice_by;
    return scan->cb(scan->ctx, &item);
}

enum acsa_rc acsa_app_invoice_late(struct acsa_app *app, int32_t as_of,
                                   acsa_invoice_late_cb cb, void *ctx, struct acsa_error *err)
{
    struct late_scan scan = {app, as_of, cb, ctx, {NULL, 0, 0}, err};
    struct acsa_order_filter filter;
    memset(&filter, 0, sizeof(filter));
    filter.state_set = true;
    filter.state = ACSA_STATE_DELIVERED;
    enum acsa_rc rc = LEDGER(app)->order_list(app->store, &filter, late_row, &scan, err);
    acsa__app_met_free(&scan.met);
    return rc;
}

/* ---- Monthly figures ------------------------------------------------------------------ */

int32_t acsa_app_month_of(int32_t day)
{
    int32_t year = 0;
    int32_t month = 0;
    acsa_date_to_ymd(day, &year, &month, NULL);
    return year * 12 + month - 1;
}

const char *acsa_month_direction_name(enum acsa_month_direction direction)
{
    return direction == ACSA_MONTH_RECEIVED ? "received" : "supplied";
}

struct monthly_scan {
    const char *nation;
    int32_t from_day;
    const struct acsa_user *viewer;
    struct acsa_monthly *out;
    struct acsa_error *err;
};

static enum acsa_rc monthly_row(void *ctx, const struct acsa_order_summary *o)
{
    struct monthly_scan *scan = ctx;
    bool void_order = o->state == ACSA_STATE_REJECTED || o->state == ACSA_STATE_CANCELLED;
    if (void_order || o->created_day < scan->from_day ||
        !acsa_app_summary_visible(scan->viewer, o)) {
        return ACSA_OK;
    }
    struct acsa_monthly *out = scan->out;
    int32_t month = acsa_app_month_of(o->created_day);
    bool received = strcmp(o->requester, scan->nation) == 0;
    enum acsa_month_direction direction = received ? ACSA_MONTH_RECEIVED : ACSA_MONTH_SUPPLIED;
    const char *partner = received ? o->supplier : o->requester;
    struct acsa_month_figure *g = NULL;
    for (size_t i = 0; i < out->count && g == NULL; i++) {
        struct acsa_month_figure *c = &out->items[i];
        bool same = c->month == month && c->direction == direction &&
                    strcmp(c->partner, partner) == 0;
        g = same && strcmp(c->currency, o->currency) == 0 ? c : NULL;
    }
    if (g == NULL) {
        struct acsa_month_figure *items = reserve(out->items, &out->capacity, out->count,
                                                  sizeof(*items));
        if (items == NULL) {
            return acsa_error_set(scan->err, ACSA_ENOMEM, NULL, "out of memory");
        }
        out->items = items;
        g = &out->items[out->count++];
        memset(g, 0, sizeof(*g));
        g->month = month;
        snprintf(g->partner, sizeof(g->partner), "%s", partner);
        g->direction = direction;
        memcpy(g->currency, o->currency, sizeof(g->currency));
        g->exponent = o->exponent;
    }
    g->orders++;
    g->value_minor += o->value_minor;
    return ACSA_OK;
}

static int compare_months(const void *a, const void *b)
{
    const struct acsa_month_figure *x = a;
    const struct acsa_month_figure *y = b;
    if (x->month != y->month) {
        return x->month < y->month ? -1 : 1;
    }
    int by_partner = strcmp(x->partner, y->partner);
    if (by_partner != 0) {
        return by_partner;
    }
    if (x->direction != y->direction) {
        return x->direction < y->direction ? -1 : 1;
    }
    return strcmp(x->currency, y->currency);
}

enum acsa_rc acsa_app_monthly(struct acsa_app *app, int32_t from_day,
                              const struct acsa_user *viewer, struct acsa_monthly *out,
                              struct acsa_error *err)
{
    memset(out, 0, sizeof(*out));
    struct monthly_scan scan = {app->nation, from_day, viewer, out, err};
    enum acsa_rc rc = LEDGER(app)->order_list(app->store, NULL, monthly_row, &scan, err);
    if (rc == ACSA_OK && out->count > 1) {
        qsort(out->items, out->count, sizeof(out->items[0]), compare_months);
    }
    return rc;
}

void acsa_app_monthly_free(struct acsa_monthly *monthly)
{
    acsa_free(monthly->items);
    memset(monthly, 0, sizeof(*monthly));
}
