/* SPDX-License-Identifier: MIT */
/* The summaries of requirement 15: open orders by state and age, unliquidated obligations,
 * settlement by method, the yearly summary by agreement, activity and category, and orders
 * missing required data or documents. The rules (which states are open, void, settled; the
 * ageing buckets; shares and averages in integers) are the core's (report.h, agreement.h);
 * the sums are the database's (order_totals), or grow with what a scan meets. */
#include "app_int.h"
#include "app_reads.h"
#include "alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "document.h"
#include "report.h"

/* ---- Open orders ---------------------------------------------------------------------- */

struct open_scan {
    struct acsa_app *app;
    int32_t as_of;
    const struct acsa_user *viewer;
    acsa_open_cb cb;
    void *ctx;
    struct acsa_open_totals *totals;
    struct acsa__app_met met;
    struct acsa_error *err;
};

static enum acsa_rc open_total(struct acsa_open_totals *totals,
                               const struct acsa_order_summary *o, struct acsa_error *err)
{
    struct acsa_open_total *t = NULL;
    for (size_t i = 0; i < totals->count && t == NULL; i++) {
        struct acsa_open_total *c = &totals->items[i];
        t = c->state == o->state && strcmp(c->currency, o->currency) == 0 ? c : NULL;
    }
    if (t == NULL) {
        if (totals->count == totals->capacity) {
            size_t next = totals->capacity == 0 ? 8 : totals->capacity * 2;
            struct acsa_open_total *grown = acsa_realloc(totals->items, next * sizeof(*grown));
            if (grown == NULL) {
                return acsa_error_set(err, ACSA_ENOMEM, NULL, "out of memory");
            }
            totals->items = grown;
            totals->capacity = next;
        }
        t = &totals->items[totals->count++];
        memset(t, 0, sizeof(*t));
        t->state = o->state;
        memcpy(t->currency, o->currency, sizeof(t->currency));
        t->exponent = o->exponent;
    }
    t->orders++;
    t->value_minor += o->value_minor;
    t->outstanding_minor += o->outstanding_minor;
    return ACSA_OK;
}

static enum acsa_rc open_row(void *ctx, const struct acsa_order_summary *o)
{
    struct open_scan *scan = ctx;
    if (!acsa_app_summary_visible(scan->viewer, o)) {
        return ACSA_OK;
    }
    const struct acsa_agreement *agreement = NULL;
    ACSA_TRY(acsa__app_met_agreement(scan->app, &scan->met, o->agreement_id, &agreement,
                                     scan->err));
    struct acsa_open_item item;
    memset(&item, 0, sizeof(item));
    item.order = o;
    item.age_days = o->created_day != ACSA_DATE_NONE ? scan->as_of - o->created_day : 0;
    uint32_t bucket = acsa_agreement_ageing_bucket(agreement, item.age_days);
    acsa_agreement_ageing_label(agreement, bucket, item.label, sizeof(item.label));
    if (scan->totals != NULL) {
        ACSA_TRY(open_total(scan->totals, o, scan->err));
    }
    return scan->cb(scan->ctx, &item);
}

static int compare_open(const void *a, const void *b)
{
    const struct acsa_open_total *x = a;
    const struct acsa_open_total *y = b;
    if (x->state != y->state) {
        return x->state < y->state ? -1 : 1;
    }
    return strcmp(x->currency, y->currency);
}

enum acsa_rc acsa_app_open_orders(struct acsa_app *app, int32_t as_of,
                                  const struct acsa_user *viewer, acsa_open_cb cb, void *ctx,
                                  struct acsa_open_totals *totals, struct acsa_error *err)
{
    struct open_scan scan = {app, as_of, viewer, cb, ctx, totals, {NULL, 0, 0}, err};
    enum acsa_rc rc = ACSA_OK;
    for (unsigned s = 0; rc == ACSA_OK && s < ACSA_STATE_COUNT; s++) {
        if (!acsa_report_state_open((enum acsa_state)s)) {
            continue;
        }
        struct acsa_order_filter filter;
        memset(&filter, 0, sizeof(filter));
        filter.state_set = true;
        filter.state = (enum acsa_state)s;
        rc = LEDGER(app)->order_list(app->store, &filter, open_row, &scan, err);
    }
    acsa__app_met_free(&scan.met);
    if (rc == ACSA_OK && totals != NULL && totals->count > 1) {
        qsort(totals->items, totals->count, sizeof(totals->items[0]), compare_open);
    }
    return rc;
}

void acsa_app_open_totals_free(struct acsa_open_totals *totals)
{
    acsa_free(totals->items);
    memset(totals, 0, sizeof(*totals));
}

/* ---- Unliquidated --------------------------------------------------------------------- */

struct unliquidated_scan {
    const char *nation;
    const char *partner;
    acsa_unliquidated_cb cb;
    void *ctx;
};

static enum acsa_rc unliquidated_row(void *ctx, const struct acsa_totals_row *t)
{
    const struct unliquidated_scan *scan = ctx;
    struct acsa_unliquidated_row row;
    memset(&row, 0, sizeof(row));
    row.receivable = strcmp(t->supplier, scan->nation) == 0;
    snprintf(row.partner, sizeof(row.partner), "%s", row.receivable ? t->requester
                                                                     : t->supplier);
    if (scan->partner[0] != '\0' && strcmp(scan->partner, row.partner) != 0) {
        return ACSA_OK;
    }
    memcpy(row.currency, t->currency, sizeof(row.currency));
    row.exponent = t->exponent;
    row.method = t->method;
    row.orders = t->orders;
    row.outstanding_minor = t->value_minor;
    return scan->cb(scan->ctx, &row);
}

enum acsa_rc acsa_app_unliquidated(struct acsa_app *app, const char *partner,
                                   acsa_unliquidated_cb cb, void *ctx, struct acsa_error *err)
{
    struct acsa_totals_query query;
    memset(&query, 0, sizeof(query));
    query.kind = ACSA_TOTALS_UNLIQUIDATED;
    query.states = acsa_report_state_mask(acsa_report_state_counted);
    struct unliquidated_scan scan = {app->nation, partner != NULL ? partner : "", cb, ctx};
    return LEDGER(app)->order_totals(app->store, &query, unliquidated_row, &scan, err);
}

/* ---- By method ------------------------------------------------------------------------ */

struct method_scan {
    acsa_method_cb cb;
    void *ctx;
};

static enum acsa_rc method_row(void *ctx, const struct acsa_totals_row *t)
{
    const struct method_scan *scan = ctx;
    struct acsa_method_row row;
    memset(&row, 0, sizeof(row));
    row.method = t->method;
    memcpy(row.currency, t->currency, sizeof(row.currency));
    row.exponent = t->exponent;
    row.orders = t->orders;
    row.value_minor = t->value_minor;
    row.settled_orders = t->settled_orders;
    row.settled_minor = t->settled_minor;
    row.settled_permille = acsa_report_permille(t->settled_minor, t->value_minor);
    row.timed_orders = t->timed_orders;
    row.average_days = acsa_report_average(t->settle_days, t->timed_orders);
    return scan->cb(scan->ctx, &row);
}

enum acsa_rc acsa_app_by_method(struct acsa_app *app, acsa_method_cb cb, void *ctx,
                                struct acsa_error *err)
{
    struct acsa_totals_query query;
    memset(&query, 0, sizeof(query));
    query.kind = ACSA_TOTALS_BY_METHOD;
    query.states = acsa_report_state_mask(acsa_report_state_counted);
    query.settled = acsa_report_state_mask(acsa_report_state_settled);
    query.settled_state = ACSA_STATE_SETTLED;
    struct method_scan scan = {cb, ctx};
    return LEDGER(app)->order_totals(app->store, &query, method_row, &scan, err);
}

/* ---- Yearly --------------------------------------------------------------------------- */

struct yearly_scan {
    const char *nation;
    acsa_yearly_cb cb;
    void *ctx;
};

static enum acsa_rc yearly_row(void *ctx, const struct acsa_totals_row *t)
{
    const struct yearly_scan *scan = ctx;
    struct acsa_yearly_row row;
    row.totals = t;
    row.supplied = strcmp(t->supplier, scan->nation) == 0;
    row.partner = row.supplied ? t->requester : t->supplier;
    return scan->cb(scan->ctx, &row);
}

enum acsa_rc acsa_app_yearly(struct acsa_app *app, int32_t year, acsa_yearly_cb cb, void *ctx,
                             struct acsa_error *err)
{
    if (year < 1900 || year > 9999) {
        return acsa_error_set(err, ACSA_EUSAGE, "year", "year: %d is not a year from 1900 to "
                              "9999", (int)year);
    }
    struct acsa_totals_query query;
    memset(&query, 0, sizeof(query));
    query.kind = ACSA_TOTALS_YEARLY;
    query.states = acsa_report_state_mask(acsa_report_state_counted);
    query.from_day = acsa_date_from_ymd(year, 1, 1);
    query.to_day = acsa_date_from_ymd(year, 12, 31);
    struct yearly_scan scan = {app->nation, cb, ctx};
    return LEDGER(app)->order_totals(app->store, &query, yearly_row, &scan, err);
}

/* ---- Missing -------------------------------------------------------------------------- */

struct missing_scan {
    struct acsa_app *app;
    int32_t as_of;
    const struct acsa_user *viewer;
    acsa_missing_cb cb;
    void *ctx;
    struct acsa__app_met met;
    struct acsa_order order;
    struct acsa_error *err;
    /* The steps by an official (approve, accept, reject): who, which party, which day. */
    struct {
        enum acsa_step step;
        char actor[ACSA_NAME_SIZE];
        int32_t day;
    } signed_steps[ACSA_ORDER_EVENTS_MAX];
    uint32_t signed_count;
    bool titled;
};

static enum acsa_rc finding(struct missing_scan *scan, const struct acsa_order_summary *o,
                            const char *check, const char *format, ...)
    __attribute__((format(printf, 4, 5)));

static enum acsa_rc finding(struct missing_scan *scan, const struct acsa_order_summary *o,
                            const char *check, const char *format, ...)
{
    struct acsa_missing_item item;
    memset(&item, 0, sizeof(item));
    item.order = o;
    item.check = check;
    va_list args;
    va_start(args, format);
    vsnprintf(item.detail, sizeof(item.detail), format, args);
    va_end(args);
    return scan->cb(scan->ctx, &item);
}

/* Requirement 11: each receipt line of the order (a quantity received) without a supporting
 * document is a finding "no-document" naming the line (acsa_document_lines_missing, the rule
 * close_requires_documents applies at close). */
static enum acsa_rc missing_documents(struct missing_scan *scan,
                                      const struct acsa_order_summary *o)
{
    uint64_t with = 0;
    ACSA_TRY(acsa__app_lines_with_documents(scan->app, o->number, &with, scan->err));
    uint64_t missing = acsa_document_lines_missing(&scan->order, with);
    for (uint32_t line = 1; line <= scan->order.line_count && line <= 64; line++) {
        if ((missing >> (line - 1)) & 1u) {
            ACSA_TRY(finding(scan, o, "no-document",
                             "line %u received, no supporting document", (unsigned)line));
        }
    }
    return ACSA_OK;
}

static enum acsa_rc take_signed(void *ctx, const struct acsa_event_row *row)
{
    struct missing_scan *scan = ctx;
    const struct acsa_event *e = &row->event;
    bool official = e->step == ACSA_STEP_APPROVE || e->step == ACSA_STEP_ACCEPT ||
                    e->step == ACSA_STEP_REJECT;
    if (official && scan->signed_count < ACSA_ORDER_EVENTS_MAX) {
        scan->signed_steps[scan->signed_count].step = e->step;
        snprintf(scan->signed_steps[scan->signed_count].actor, ACSA_NAME_SIZE, "%s", e->actor);
        scan->signed_steps[scan->signed_count].day = e->day;
        scan->signed_count++;
    }
    return ACSA_OK;
}

static enum acsa_rc take_grant(void *ctx, const struct acsa_grant *grant, const char *origin,
                               int64_t origin_id)
{
    (void)origin;
    (void)origin_id;
    struct missing_scan *scan = ctx;
    scan->titled = scan->titled || grant->title[0] != '\0';
    return ACSA_OK;
}

/* Steps by an official whose grant on that day carries no title. */
static enum acsa_rc missing_titles(struct missing_scan *scan, const struct acsa_order_summary *o)
{
    struct acsa_app *app = scan->app;
    scan->signed_count = 0;
    ACSA_TRY(LEDGER(app)->event_list(app->store, o->number, take_signed, scan, scan->err));
    for (uint32_t i = 0; i < scan->signed_count; i++) {
        const char *party = scan->signed_steps[i].step == ACSA_STEP_APPROVE ? o->requester
                                                                            : o->supplier;
        scan->titled = false;
        ACSA_TRY(LEDGER(app)->grant_list(app->store, party, scan->signed_steps[i].actor,
                                         scan->signed_steps[i].day, take_grant, scan,
                                         scan->err));
        if (!scan->titled) {
            char day[ACSA_DATE_TEXT_SIZE];
            ACSA_TRY(finding(scan, o, "no-title", "%s by %s (%s) on %s: no title of the "
                             "official", acsa_step_name(scan->signed_steps[i].step),
                             scan->signed_steps[i].actor, party,
                             acsa_date_format(scan->signed_steps[i].day, day)));
        }
    }
    return ACSA_OK;
}

/* What the summary tells: units, invoice deadline, due dates. */
static enum acsa_rc missing_summary(struct missing_scan *scan,
                                    const struct acsa_order_summary *o,
                                    const struct acsa_agreement *agreement)
{
    if (o->requester_unit_id == 0 || o->supplier_unit_id == 0) {
        ACSA_TRY(finding(scan, o, "no-unit", "no %s unit", o->requester_unit_id == 0
                                                                ? "requesting"
                                                                : "supplying"));
    }
    if (o->method == ACSA_METHOD_CASH && o->state == ACSA_STATE_DELIVERED &&
        o->delivered_day != ACSA_DATE_NONE) {
        int32_t by = acsa_agreement_invoice_by(agreement, o->delivered_day);
        if (by < scan->as_of) {
            char day[ACSA_DATE_TEXT_SIZE];
            ACSA_TRY(finding(scan, o, "no-invoice", "delivered, not invoiced by %s (%d days "
                             "late)", acsa_date_format(by, day), (int)(scan->as_of - by)));
        }
    }
    bool owes = o->state == ACSA_STATE_INVOICED ||
                (o->method != ACSA_METHOD_CASH && o->state == ACSA_STATE_DELIVERED);
    if (owes && o->due_day == ACSA_DATE_NONE && o->outstanding_minor != 0) {
        ACSA_TRY(finding(scan, o, "no-due-date", "%s with something outstanding and no due "
                         "date", acsa_state_name(o->state)));
    }
    return ACSA_OK;
}

static enum acsa_rc missing_row(void *ctx, const struct acsa_order_summary *o)
{
    struct missing_scan *scan = ctx;
    if (!acsa_app_summary_visible(scan->viewer, o) || o->state == ACSA_STATE_DRAFT ||
        acsa_report_state_void(o->state)) {
        return ACSA_OK;
    }
    const struct acsa_agreement *agreement = NULL;
    ACSA_TRY(acsa__app_met_agreement(scan->app, &scan->met, o->agreement_id, &agreement,
                                     scan->err));
    ACSA_TRY(missing_summary(scan, o, agreement));
    struct acsa_app *app = scan->app;
    ACSA_TRY(LEDGER(app)->order_get(app->store, o->number, &scan->order, scan->err));
    if (scan->order.place[0] == '\0') {
        ACSA_TRY(finding(scan, o, "no-place", "no delivery place"));
    }
    if (scan->order.need_by_day == ACSA_DATE_NONE) {
        ACSA_TRY(finding(scan, o, "no-need-by", "no delivery date"));
    }
    ACSA_TRY(missing_titles(scan, o));
    return missing_documents(scan, o);
}

enum acsa_rc acsa_app_missing(struct acsa_app *app, int32_t as_of,
                              const struct acsa_user *viewer, acsa_missing_cb cb, void *ctx,
                              struct acsa_error *err)
{
    struct missing_scan *scan = acsa_calloc(1, sizeof(*scan));
    if (scan == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, NULL, "out of memory");
    }
    scan->app = app;
    scan->as_of = as_of;
    scan->viewer = viewer;
    scan->cb = cb;
    scan->ctx = ctx;
    scan->err = err;
    enum acsa_rc rc = LEDGER(app)->order_list(app->store, NULL, missing_row, scan, err);
    acsa__app_met_free(&scan->met);
    acsa_free(scan);
    return rc;
}
