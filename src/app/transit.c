/* SPDX-License-Identifier: MIT */
/* The in-transit report: lines issued and not received for longer than their agreement's
 * transit_days, found by reading the issues of each order that can have such a line (state
 * delivering, or disputed while delivering). Read only; the core judges each line. */
#include "app_int.h"
#include "alloc.h"

#include <stdio.h>
#include <string.h>

#include "date.h"
#include "transit.h"

/* What one scan holds: the order read in full, its agreement and its issues. */
struct transit_scan {
    struct acsa_app *app;
    int32_t as_of;
    const char *partner;                   /* "" for every partner. */
    acsa_transit_cb cb;
    void *ctx;
    struct acsa_error *err;
    struct acsa_order order;
    struct acsa_agreement agreement;
    struct acsa_transit_issue issues[ACSA_ORDER_EVENTS_MAX];
    uint32_t issue_count;
};

static enum acsa_rc take_issue(void *ctx, const struct acsa_event_row *row)
{
    struct transit_scan *scan = ctx;
    const struct acsa_event *e = &row->event;
    if (e->step == ACSA_STEP_ISSUE && scan->issue_count < ACSA_ORDER_EVENTS_MAX) {
        struct acsa_transit_issue *issue = &scan->issues[scan->issue_count++];
        issue->line_no = e->line_no;
        issue->day = e->day;
        issue->quantity_milli = e->quantity_milli;
    }
    return ACSA_OK;
}

static enum acsa_rc scan_order(void *ctx, const struct acsa_order_summary *summary)
{
    struct transit_scan *scan = ctx;
    struct acsa_store *store = scan->app->store;
    ACSA_TRY(store->vtbl->ledger->order_get(store, summary->number, &scan->order, scan->err));
    ACSA_TRY(acsa__app_agreement(scan->app, scan->order.agreement_id, &scan->agreement,
                                 scan->err));
    scan->issue_count = 0;
    ACSA_TRY(store->vtbl->ledger->event_list(store, summary->number, take_issue, scan,
                                             scan->err));
    for (uint32_t no = 1; no <= scan->order.line_count; no++) {
        struct acsa_transit_line line;
        if (acsa_transit_late(&scan->agreement, &scan->order, no, scan->issues,
                              scan->issue_count, scan->as_of, &line)) {
            ACSA_TRY(scan->cb(scan->ctx, &scan->order, &line));
        }
    }
    return ACSA_OK;
}

enum acsa_rc acsa_app_in_transit(struct acsa_app *app, int32_t as_of, const char *partner,
                                 bool include_disputed, acsa_transit_cb cb, void *ctx,
                                 struct acsa_error *err)
{
    struct transit_scan *scan = acsa_calloc(1, sizeof(*scan));
    if (scan == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    scan->app = app;
    scan->as_of = as_of;
    scan->partner = partner != NULL ? partner : "";
    scan->cb = cb;
    scan->ctx = ctx;
    scan->err = err;
    /* Delivering orders, then disputed ones (a dispute raised while delivering keeps its
     * lines in transit); each list is in order number. */
    static const enum acsa_state states[] = {ACSA_STATE_DELIVERING, ACSA_STATE_DISPUTED};
    enum acsa_rc rc = ACSA_OK;
    size_t count = include_disputed ? 2 : 1;
    for (size_t i = 0; rc == ACSA_OK && i < count; i++) {
        struct acsa_order_filter filter;
        memset(&filter, 0, sizeof(filter));
        filter.state_set = true;
        filter.state = states[i];
        snprintf(filter.partner, sizeof(filter.partner), "%s", scan->partner);
        rc = app->store->vtbl->ledger->order_list(app->store, &filter, scan_order, scan, err);
    }
    acsa_free(scan);
    if (rc == ACSA_ENOMEM) {
        acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    return rc;
}
