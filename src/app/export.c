/* SPDX-License-Identifier: MIT */
/* The exports' reads (app_export.h). */
#include "app_export.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "app_int.h"
#include "app_reads.h"
#include "date.h"

/* ---- Orders with their names ----------------------------------------------------------- */

/* The names of units and activities by id, read once before the scan (a node has few of
 * them, however many orders), sorted for lookup. */
struct named {
    int64_t id;
    char name[ACSA_NAME_SIZE];
};

struct names {
    struct named *items;
    size_t count;
    size_t capacity;
};

static enum acsa_rc names_add(struct names *n, int64_t id, const char *name)
{
    if (n->count == n->capacity) {
        size_t capacity = n->capacity == 0 ? 64 : 2 * n->capacity;
        struct named *grown = acsa_realloc(n->items, capacity * sizeof(*grown));
        if (grown == NULL) {
            return ACSA_ENOMEM;
        }
        n->items = grown;
        n->capacity = capacity;
    }
    struct named *item = &n->items[n->count++];
    item->id = id;
    snprintf(item->name, sizeof(item->name), "%s", name);
    return ACSA_OK;
}

static enum acsa_rc unit_named(void *ctx, int64_t id, const char *party, const char *name)
{
    (void)party;
    return names_add(ctx, id, name);
}

static enum acsa_rc activity_named(void *ctx, const struct acsa_activity *activity)
{
    return names_add(ctx, activity->id, activity->name);
}

static int named_compare(const void *a, const void *b)
{
    int64_t x = ((const struct named *)a)->id;
    int64_t y = ((const struct named *)b)->id;
    return (x > y) - (x < y);
}

static const char *name_of(const struct names *n, int64_t id)
{
    struct named key = {.id = id};
    const struct named *found =
        id == 0 || n->count == 0 ? NULL
                                 : bsearch(&key, n->items, n->count, sizeof(key), named_compare);
    return found != NULL ? found->name : "";
}

struct order_export {
    struct names units;
    struct names activities;
    const struct acsa_user *viewer;
    acsa_export_order_cb cb;
    void *ctx;
};

static enum acsa_rc order_exported(void *ctx, const struct acsa_order_summary *order)
{
    struct order_export *e = ctx;
    if (!acsa_app_summary_visible(e->viewer, order)) {
        return ACSA_OK;
    }
    struct acsa_export_order row = {order, name_of(&e->units, order->requester_unit_id),
                                    name_of(&e->units, order->supplier_unit_id),
                                    name_of(&e->activities, order->activity_id)};
    return e->cb(e->ctx, &row);
}

static enum acsa_rc orders_in(struct acsa_app *app, const struct acsa_order_filter *filter,
                              struct order_export *e, struct acsa_error *err)
{
    enum acsa_rc rc = LEDGER(app)->unit_list(app->store, unit_named, &e->units, err);
    if (rc == ACSA_ENOMEM) {
        return acsa_error_set(err, rc, NULL, "out of memory");
    }
    ACSA_TRY(rc);
    rc = LEDGER(app)->activity_list(app->store, NULL, activity_named, &e->activities, err);
    if (rc == ACSA_ENOMEM) {
        return acsa_error_set(err, rc, NULL, "out of memory");
    }
    ACSA_TRY(rc);
    qsort(e->units.items, e->units.count, sizeof(struct named), named_compare);
    qsort(e->activities.items, e->activities.count, sizeof(struct named), named_compare);
    return LEDGER(app)->order_list(app->store, filter, order_exported, e, err);
}

enum acsa_rc acsa_app_export_orders(struct acsa_app *app, const struct acsa_order_filter *filter,
                                    const struct acsa_user *viewer, acsa_export_order_cb cb,
                                    void *ctx, struct acsa_error *err)
{
    struct order_export e;
    memset(&e, 0, sizeof(e));
    e.viewer = viewer;
    e.cb = cb;
    e.ctx = ctx;
    enum acsa_rc rc = orders_in(app, filter, &e, err);
    acsa_free(e.units.items);
    acsa_free(e.activities.items);
    return rc;
}

/* ---- Lines and postings ----------------------------------------------------------------- */

struct line_export {
    const struct acsa_user *viewer;
    acsa_order_line_cb cb;
    void *ctx;
};

static enum acsa_rc line_exported(void *ctx, const struct acsa_order_line_row *row)
{
    struct line_export *e = ctx;
    return acsa_app_summary_visible(e->viewer, &row->order) ? e->cb(e->ctx, row) : ACSA_OK;
}

enum acsa_rc acsa_app_export_lines(struct acsa_app *app, const struct acsa_order_filter *filter,
                                   const struct acsa_user *viewer, acsa_order_line_cb cb,
                                   void *ctx, struct acsa_error *err)
{
    struct line_export e = {viewer, cb, ctx};
    return LEDGER(app)->order_line_list(app->store, filter, line_exported, &e, err);
}

struct posting_export {
    const struct acsa_user *viewer;
    acsa_posting_row_cb cb;
    void *ctx;
};

static enum acsa_rc posting_exported(void *ctx, const struct acsa_posting_row *row)
{
    struct posting_export *e = ctx;
    return acsa_app_summary_visible(e->viewer, &row->order) ? e->cb(e->ctx, row) : ACSA_OK;
}

enum acsa_rc acsa_app_export_postings(struct acsa_app *app,
                                      const struct acsa_order_filter *filter,
                                      const struct acsa_user *viewer, int32_t from_day,
                                      int32_t to_day, acsa_posting_row_cb cb, void *ctx,
                                      struct acsa_error *err)
{
    struct posting_export e = {viewer, cb, ctx};
    return LEDGER(app)->posting_list(app->store, filter, from_day,
                                     to_day, posting_exported, &e, err);
}

/* ---- Documents -------------------------------------------------------------------------- */

struct document_export {
    struct acsa_app *app;
    const struct acsa_user *viewer;
    acsa_document_cb cb;
    void *ctx;
    struct acsa_error *err;
};

static enum acsa_rc documents_of_order(void *ctx, const struct acsa_order_summary *order)
{
    struct document_export *e = ctx;
    if (!acsa_app_summary_visible(e->viewer, order)) {
        return ACSA_OK;
    }
    return SYNC_STORE(e->app)->document_list(e->app->store, order->number, false, e->cb, e->ctx,
                                             e->err);
}

enum acsa_rc acsa_app_export_documents(struct acsa_app *app,
                                       const struct acsa_order_filter *filter,
                                       const struct acsa_user *viewer, acsa_document_cb cb,
                                       void *ctx, struct acsa_error *err)
{
    struct document_export e = {app, viewer, cb, ctx, err};
    return LEDGER(app)->order_list(app->store, filter, documents_of_order, &e, err);
}

/* ---- Any table, as rows ------------------------------------------------------------------ */

struct table_export {
    struct acsa_export_row row;
    acsa_export_row_cb cb;
    void *ctx;
};

static enum acsa_rc order_row(void *ctx, const struct acsa_export_order *order)
{
    struct table_export *t = ctx;
    acsa_export_order_row(order, &t->row);
    return t->cb(t->ctx, &t->row);
}

static enum acsa_rc line_row(void *ctx, const struct acsa_order_line_row *line)
{
    struct table_export *t = ctx;
    acsa_export_line_row(line, &t->row);
    return t->cb(t->ctx, &t->row);
}

static enum acsa_rc posting_row(void *ctx, const struct acsa_posting_row *posting)
{
    struct table_export *t = ctx;
    acsa_export_posting_row(posting, &t->row);
    return t->cb(t->ctx, &t->row);
}

static enum acsa_rc document_row(void *ctx, const struct acsa_document_row *document)
{
    struct table_export *t = ctx;
    struct acsa_export_document d = {.document = document};
    acsa_export_document_row(&d, &t->row);
    return t->cb(t->ctx, &t->row);
}

static enum acsa_rc table_rows(struct acsa_app *app, enum acsa_export_kind kind,
                               const struct acsa_order_filter *filter,
                               const struct acsa_user *viewer, int32_t from_day, int32_t to_day,
                               struct table_export *t, struct acsa_error *err)
{
    switch (kind) {
    case ACSA_EXPORT_ORDERS:
        return acsa_app_export_orders(app, filter, viewer, order_row, t, err);
    case ACSA_EXPORT_LINES:
        return acsa_app_export_lines(app, filter, viewer, line_row, t, err);
    case ACSA_EXPORT_DOCUMENTS:
        return acsa_app_export_documents(app, filter, viewer, document_row, t, err);
    case ACSA_EXPORT_POSTINGS:
    case ACSA_EXPORT_KIND_COUNT:
        break;
    }
    return acsa_app_export_postings(app, filter, viewer, from_day, to_day, posting_row, t, err);
}

enum acsa_rc acsa_app_export_table(struct acsa_app *app, enum acsa_export_kind kind,
                                   const struct acsa_order_filter *filter,
                                   const struct acsa_user *viewer, int32_t from_day,
                                   int32_t to_day, acsa_export_row_cb cb, void *ctx,
                                   struct acsa_error *err)
{
    struct table_export *t = acsa_calloc(1, sizeof(*t));
    if (t == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, NULL, "out of memory");
    }
    t->cb = cb;
    t->ctx = ctx;
    enum acsa_rc rc = table_rows(app, kind, filter, viewer, from_day, to_day, t, err);
    acsa_free(t);
    return rc;
}

/* ---- The journal ------------------------------------------------------------------------ */

struct journal_export {
    struct acsa_journal *journal;
    int32_t opening_day;
    struct acsa_error *err;
};

static enum acsa_rc journal_opening(void *ctx, const struct acsa_balance_row *row)
{
    struct journal_export *e = ctx;
    return acsa_journal_opening(e->journal, e->opening_day, row, e->err);
}

static enum acsa_rc journal_posting(void *ctx, const struct acsa_posting_row *row)
{
    struct journal_export *e = ctx;
    return acsa_journal_posting(e->journal, row, e->err);
}

static enum acsa_rc journal_in(struct acsa_app *app, struct acsa_journal *journal,
                               int32_t from_day, int32_t to_day, struct acsa_error *err)
{
    struct journal_export e = {journal, ACSA_DATE_NONE, err};
    if (from_day != ACSA_DATE_NONE) {
        e.opening_day = from_day - 1;
        /* Everything before the period, summed per partner, currency and account. */
        ACSA_TRY(LEDGER(app)->balance(app->store, NULL, e.opening_day, journal_opening, &e,
                                      err));
    }
    return LEDGER(app)->posting_list(app->store, NULL, from_day, to_day, journal_posting, &e,
                                     err);
}

enum acsa_rc acsa_app_export_journal(struct acsa_app *app, FILE *file, const char *path,
                                     enum acsa_journal_format format, int32_t from_day,
                                     int32_t to_day, uint64_t *out_transactions,
                                     struct acsa_error *err)
{
    struct acsa_journal journal;
    ACSA_TRY(acsa_journal_begin(&journal, file, path, format, app->nation, from_day, to_day,
                                err));
    enum acsa_rc rc = journal_in(app, &journal, from_day, to_day, err);
    if (out_transactions != NULL) {
        *out_transactions = journal.transactions;
    }
    if (rc != ACSA_OK) {
        acsa_journal_release(&journal);
        return rc;
    }
    return acsa_journal_end(&journal, err);
}
