/* SPDX-License-Identifier: MIT */
/* The reads of the application layer (app_reads.h): lists, views and reference data, each one
 * call of the storage interface, so that no front end holds the store. */
#include "app_int.h"
#include "app_reads.h"

#include <string.h>

#include "date.h"

enum acsa_rc acsa_app_order_list(struct acsa_app *app, const struct acsa_order_filter *filter,
                                 acsa_order_cb cb, void *ctx, struct acsa_error *err)
{
    return LEDGER(app)->order_list(app->store, filter, cb, ctx, err);
}

enum acsa_rc acsa_app_order_events(struct acsa_app *app, const char *number, acsa_event_cb cb,
                                   void *ctx, struct acsa_error *err)
{
    return LEDGER(app)->event_list(app->store, number, cb, ctx, err);
}

/* A name lookup's result: found, or not found (left empty), or a failure to report. */
static enum acsa_rc looked_up(enum acsa_rc rc, char *name)
{
    if (rc != ACSA_OK) {
        name[0] = '\0';
    }
    return rc == ACSA_ENOTFOUND ? ACSA_OK : rc;
}

/* The names of the order's units; a unit not found is left empty. */
static enum acsa_rc view_units(struct acsa_app *app, struct acsa_order_view *view)
{
    struct acsa_error ignored;
    char party[ACSA_NATION_SIZE];
    const struct acsa_order *o = &view->order;
    view->requester_unit[0] = '\0';
    view->supplier_unit[0] = '\0';
    if (o->requester_unit_id != 0) {
        ACSA_TRY(looked_up(LEDGER(app)->unit_get(app->store, o->requester_unit_id, party,
                                                 view->requester_unit, &ignored),
                           view->requester_unit));
    }
    if (o->supplier_unit_id != 0) {
        ACSA_TRY(looked_up(LEDGER(app)->unit_get(app->store, o->supplier_unit_id, party,
                                                 view->supplier_unit, &ignored),
                           view->supplier_unit));
    }
    return ACSA_OK;
}

enum acsa_rc acsa_app_order_view(struct acsa_app *app, struct acsa_order_view *view)
{
    enum acsa_rc rc = view_units(app, view);
    if (rc != ACSA_OK) {
        memset(&view->activity, 0, sizeof(view->activity));
        return rc;
    }
    struct acsa_error ignored;
    rc = LEDGER(app)->activity_get(app->store, view->order.activity_id, &view->activity,
                                  &ignored);
    if (rc != ACSA_OK) {
        memset(&view->activity, 0, sizeof(view->activity)); /* Not found or not read: empty. */
    }
    return rc == ACSA_ENOTFOUND ? ACSA_OK : rc;
}

static enum acsa_rc count_state(void *ctx, const struct acsa_order_summary *order)
{
    uint64_t *counts = ctx;
    counts[order->state]++;
    return ACSA_OK;
}

enum acsa_rc acsa_app_order_state_counts(struct acsa_app *app,
                                         uint64_t counts[ACSA_STATE_COUNT],
                                         struct acsa_error *err)
{
    memset(counts, 0, sizeof(uint64_t) * ACSA_STATE_COUNT);
    return LEDGER(app)->order_list(app->store, NULL, count_state, counts, err);
}

struct visible_counts {
    const struct acsa_user *viewer;
    const char *party;
    struct acsa_state_counts *counts;
};

static enum acsa_rc count_visible_state(void *ctx, const struct acsa_order_summary *order)
{
    struct visible_counts *scan = ctx;
    if (acsa_app_summary_visible(scan->viewer, order)) {
        scan->counts->all[order->state]++;
        scan->counts->requested[order->state] += strcmp(order->requester, scan->party) == 0;
        scan->counts->supplied[order->state] += strcmp(order->supplier, scan->party) == 0;
    }
    return ACSA_OK;
}

enum acsa_rc acsa_app_visible_state_counts(struct acsa_app *app, const struct acsa_user *viewer,
                                           struct acsa_state_counts *counts,
                                           struct acsa_error *err)
{
    memset(counts, 0, sizeof(*counts));
    struct visible_counts scan = {viewer, viewer != NULL ? viewer->party : app->nation, counts};
    return LEDGER(app)->order_list(app->store, NULL, count_visible_state, &scan, err);
}

enum acsa_rc acsa_app_order_records(struct acsa_app *app, const char *number, acsa_record_cb cb,
                                    void *ctx, struct acsa_error *err)
{
    return SYNC_STORE(app)->record_list(app->store, number, cb, ctx, err);
}

enum acsa_rc acsa_app_order_fingerprints(struct acsa_app *app, const char *partner,
                                         acsa_fingerprint_cb cb, void *ctx,
                                         struct acsa_error *err)
{
    return SYNC_STORE(app)->order_fingerprints(app->store, partner, cb, ctx, err);
}

enum acsa_rc acsa_app_own_last_seq(struct acsa_app *app, int64_t *out_seq,
                                   struct acsa_error *err)
{
    return SYNC_STORE(app)->record_last_seq(app->store, app->nation, out_seq, err);
}

enum acsa_rc acsa_app_agreement_get(struct acsa_app *app, const char *id,
                                    struct acsa_agreement *out, struct acsa_error *err)
{
    return acsa__app_agreement_read(app, id, out, err);
}

enum acsa_rc acsa_app_agreement_list(struct acsa_app *app, acsa_agreement_cb cb, void *ctx,
                                     struct acsa_error *err)
{
    return acsa__app_agreement_each(app, cb, ctx, err);
}

enum acsa_rc acsa_app_unit_list(struct acsa_app *app, acsa_unit_cb cb, void *ctx,
                                struct acsa_error *err)
{
    return LEDGER(app)->unit_list(app->store, cb, ctx, err);
}

enum acsa_rc acsa_app_unit_get(struct acsa_app *app, int64_t id, char *party, char *name,
                               struct acsa_error *err)
{
    return LEDGER(app)->unit_get(app->store, id, party, name, err);
}

enum acsa_rc acsa_app_activity_list(struct acsa_app *app, const char *agreement_id,
                                    acsa_activity_cb cb, void *ctx, struct acsa_error *err)
{
    return LEDGER(app)->activity_list(app->store, agreement_id, cb, ctx, err);
}

enum acsa_rc acsa_app_activity_get(struct acsa_app *app, int64_t id, struct acsa_activity *out,
                                   struct acsa_error *err)
{
    return LEDGER(app)->activity_get(app->store, id, out, err);
}

enum acsa_rc acsa_app_grant_list(struct acsa_app *app, const char *party, const char *name,
                                 int32_t as_of_day, acsa_grant_cb cb, void *ctx,
                                 struct acsa_error *err)
{
    return LEDGER(app)->grant_list(app->store, party, name, as_of_day, cb, ctx, err);
}

enum acsa_rc acsa_app_balance(struct acsa_app *app, const char *partner, int32_t as_of,
                              acsa_balance_cb cb, void *ctx, struct acsa_error *err)
{
    return LEDGER(app)->balance(app->store, partner != NULL ? partner : "", as_of, cb, ctx, err);
}

bool acsa_app_summary_visible(const struct acsa_user *viewer,
                              const struct acsa_order_summary *order)
{
    if (viewer == NULL) {
        return true;
    }
    struct acsa_order_scope scope = {order->requester, order->supplier,
                                     order->requester_unit_id, order->supplier_unit_id};
    return acsa_authz_order_visible(viewer, &scope);
}

struct acsa_store *acsa__app_store(struct acsa_app *app)
{
    return app->store;
}
