/* SPDX-License-Identifier: MIT */
/* Scans of the PostgreSQL store: order lists with filters, the events of an order with their
 * postings, and the balance of postings; the same rows in the same order as
 * store_sqlite_reports.c. */
#include <string.h>

#include "acsa_assert.h"
#include "date.h"
#include "alloc.h"
#include "store_pg_int.h"

/* ---- Order list ----------------------------------------------------------------------- */

/* One statement serves every filter: an unset filter binds NULL and its condition is true.
 * The conditions are those of ORDER_LIST_SQL in store_sqlite_reports.c: which orders are
 * overdue or convertible is the core's rule, bound as values (struct acsa_due_rule). */
#define ORDER_LIST_SQL                                                                      \
    "SELECT " ACSA__PG_SUMMARY_COLUMNS " FROM orders WHERE " ACSA__PG_ORDER_FILTER          \
    "ORDER BY number"

_Static_assert(ACSA_DUE_RULE_STATES == 4, "ORDER_LIST_SQL has four state slots");

struct order_scan {
    acsa_order_cb cb;
    void *ctx;
};

enum acsa_rc acsa__pg_summary_read(struct acsa__pg_row *row, struct acsa_order_summary *out_summary,
                                   struct acsa_error *err)
{
    struct acsa_order_summary out;
    memset(&out, 0, sizeof(out));
    acsa__pg_col_text(row, 0, out.number, sizeof(out.number));
    acsa__pg_col_text(row, 1, out.agreement_id, sizeof(out.agreement_id));
    acsa__pg_col_text(row, 2, out.requester, sizeof(out.requester));
    acsa__pg_col_text(row, 3, out.supplier, sizeof(out.supplier));
    out.activity_id = acsa__pg_col_opt_int(row, 4);
    out.method = acsa__pg_col_method(row, 5);
    out.state = acsa__pg_col_state(row, 6);
    acsa__pg_col_text(row, 7, out.currency, sizeof(out.currency));
    out.exponent = (uint8_t)acsa__pg_col_u32(row, 8, ACSA_STORE_EXPONENT_MAX);
    out.value_minor = acsa__pg_col_int(row, 9);
    out.outstanding_minor = acsa__pg_col_int(row, 10);
    out.created_day = acsa__pg_col_day(row, 11);
    out.delivered_day = acsa__pg_col_day(row, 12);
    out.due_day = acsa__pg_col_day(row, 13);
    out.requester_unit_id = acsa__pg_col_opt_int(row, 14);
    out.supplier_unit_id = acsa__pg_col_opt_int(row, 15);
    *out_summary = out;
    return acsa__pg_row_check(row, err);
}

static enum acsa_rc summary_each(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    struct order_scan *scan = ctx;
    struct acsa_order_summary out;
    ACSA_TRY(acsa__pg_summary_read(row, &out, err));
    return scan->cb(scan->ctx, &out);
}

void acsa__pg_order_filter_values(const struct acsa_order_filter *filter,
                                  struct acsa__pg_value *values)
{
    /* The values point into the filter: "any" outlives them. */
    static const struct acsa_order_filter any;
    if (filter == NULL) {
        filter = &any;
    }
    ACSA_ASSERT(!filter->state_set || (unsigned)filter->state < ACSA_STATE_COUNT);
    const struct acsa_order_filter *f = filter;
    /* The due rule's values, from the core (names too, so renaming a state cannot silently
     * empty a report); an unused state slot binds NULL, which matches nothing. */
    const struct acsa_due_rule *due = &f->due;
    ACSA_ASSERT(due->state_count <= ACSA_DUE_RULE_STATES);
    const char *states[ACSA_DUE_RULE_STATES] = {NULL, NULL, NULL, NULL};
    for (uint32_t i = 0; i < due->state_count; i++) {
        states[i] = acsa_state_name(due->states[i]);
    }
    const struct acsa__pg_value filled[ACSA__PG_ORDER_FILTER_VALUES] = {
        PG_TEXT(f->state_set ? acsa_state_name(f->state) : NULL), PG_OPT_TEXT(f->agreement_id),
        PG_OPT_INT(f->activity_id), PG_OPT_TEXT(f->partner),
        PG_DAY(due->state_count > 0 ? due->due_before : ACSA_DATE_NONE), PG_TEXT(states[0]),
        PG_TEXT(states[1]), PG_TEXT(states[2]), PG_OPT_INT(due->in_kind ? 1 : 0),
        PG_TEXT(acsa_method_name(ACSA_METHOD_CASH)), PG_OPT_TEXT(f->after_number),
        PG_OPT_TEXT(f->search), PG_TEXT(states[3]), PG_OPT_INT(due->outstanding ? 1 : 0),
        PG_OPT_INT(due->unconverted ? 1 : 0)};
    memcpy(values, filled, sizeof(filled));
}

enum acsa_rc acsa__pg_order_list(struct acsa_store *store, const struct acsa_order_filter *filter,
                                 acsa_order_cb cb, void *ctx, struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL);
    struct acsa__pg_value values[ACSA__PG_ORDER_FILTER_VALUES];
    acsa__pg_order_filter_values(filter, values);
    const struct acsa__pg_statement st = PG_STATEMENT(ACSA__PG_ORDER_LIST, ORDER_LIST_SQL,
                                                      values);
    struct order_scan scan = {cb, ctx};
    return acsa__pg_run_query(acsa__pg_of(store), &st, summary_each, &scan, NULL, err);
}

/* ---- Events --------------------------------------------------------------------------- */

/* One row per posting, or one with NULL posting columns for an event without postings; the
 * rows of one event adjacent, its legs in order. */
#define EVENT_LIST_SQL                                                                      \
    "SELECT e.id, e.step, e.day, e.actor, e.state_from, e.state_to, e.line_no, "           \
    "e.quantity_milli, e.amount_minor, e.detail, p.leg, p.account, p.partner, p.currency, " \
    "p.amount_minor, p.quantity_milli, p.line_no, e.paid_currency, e.paid_minor, "          \
    "e.rate_units, e.rate_scale, e.rate_on, e.rate_source, e.invoice, e.recorded_day, "    \
    "e.backdate_reason, e.corrected_step "                                                 \
    "FROM events e LEFT JOIN postings p ON p.event_id = e.id "                              \
    "WHERE e.order_number = $1 ORDER BY e.id, p.leg"

static void event_read(struct acsa__pg_row *row, struct acsa_event *event)
{
    event->step = acsa__pg_col_step(row, 1);
    event->day = acsa__pg_col_day(row, 2);
    acsa__pg_col_text(row, 3, event->actor, sizeof(event->actor));
    event->state_from = acsa__pg_col_state(row, 4);
    event->state_to = acsa__pg_col_state(row, 5);
    event->line_no = acsa__pg_col_u32(row, 6, UINT32_MAX);
    event->quantity_milli = acsa__pg_col_int(row, 7);
    event->amount_minor = acsa__pg_col_int(row, 8);
    acsa__pg_col_text(row, 9, event->detail, sizeof(event->detail));
    acsa__pg_col_text(row, 17, event->paid_currency, sizeof(event->paid_currency));
    event->paid_minor = acsa__pg_col_opt_int(row, 18);
    event->rate.units = acsa__pg_col_opt_int(row, 19);
    event->rate.scale = (uint8_t)acsa__pg_col_u32(row, 20, ACSA_RATE_SCALE_MAX);
    event->rate_day = acsa__pg_col_day(row, 21);
    acsa__pg_col_text(row, 22, event->rate_source, sizeof(event->rate_source));
    acsa__pg_col_text(row, 23, event->invoice, sizeof(event->invoice));
    event->recorded_day = (int32_t)acsa__pg_col_int(row, 24);
    acsa__pg_col_text(row, 25, event->backdate_reason, sizeof(event->backdate_reason));
    char corrected[ACSA_CODE_SIZE];
    acsa__pg_col_text(row, 26, corrected, sizeof(corrected));
    event->corrected_step = ACSA_STEP_CREATE;
    if (corrected[0] != '\0' && !acsa_step_parse(corrected, &event->corrected_step)) {
        event->corrected_step = ACSA_STEP_CREATE;
    }
}

/* Events are streamed: one is complete when the next one's first row arrives, or at the
 * end. */
struct event_scan {
    acsa_event_cb cb;
    void *ctx;
    struct acsa_event_row current;
};

static enum acsa_rc event_each(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    struct event_scan *scan = ctx;
    struct acsa_event_row *current = &scan->current;
    int64_t id = acsa__pg_col_int(row, 0);
    if (id != current->id) {
        if (current->id != 0) {
            enum acsa_rc rc = scan->cb(scan->ctx, current);
            if (rc != ACSA_OK) {
                return rc;
            }
        }
        memset(&current->event, 0, sizeof(current->event));
        current->id = id;
        event_read(row, &current->event);
    }
    struct acsa_event *event = &current->event;
    if (!acsa__pg_col_null(row, 10)) {
        if (event->posting_count >= ACSA_EVENT_POSTINGS_MAX) {
            return acsa_error_set(err, ACSA_ESTORAGE, "", "storage: event %lld has more than "
                                  "%d postings", (long long)id, ACSA_EVENT_POSTINGS_MAX);
        }
        struct acsa_posting *posting = &event->postings[event->posting_count];
        posting->account = acsa__pg_col_account(row, 11);
        acsa__pg_col_text(row, 12, posting->partner, sizeof(posting->partner));
        acsa__pg_col_text(row, 13, posting->currency, sizeof(posting->currency));
        posting->amount_minor = acsa__pg_col_int(row, 14);
        posting->quantity_milli = acsa__pg_col_int(row, 15);
        posting->line_no = acsa__pg_col_u32(row, 16, UINT32_MAX);
        event->posting_count++;
    }
    return acsa__pg_row_check(row, err);
}

enum acsa_rc acsa__pg_event_list(struct acsa_store *store, const char *order_number,
                                 acsa_event_cb cb, void *ctx, struct acsa_error *err)
{
    ACSA_ASSERT(order_number != NULL);
    ACSA_ASSERT(cb != NULL);
    struct acsa_store_pg *s = acsa__pg_of(store);
    struct event_scan *scan = acsa_calloc(1, sizeof(*scan));
    if (scan == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "storage: out of memory");
    }
    scan->cb = cb;
    scan->ctx = ctx;
    enum acsa_rc rc = ACSA_OK;
    if (!acsa__pg_key_copy(scan->current.order_number, sizeof(scan->current.order_number),
                           order_number)) {
        rc = acsa_error_set(err, ACSA_ENOTFOUND, "order", "order \"%s\" not found",
                            order_number);
    }
    const struct acsa__pg_value values[] = {PG_TEXT(order_number)};
    const struct acsa__pg_statement st = PG_STATEMENT(ACSA__PG_EVENT_LIST, EVENT_LIST_SQL,
                                                      values);
    if (rc == ACSA_OK) {
        rc = acsa__pg_run_query(s, &st, event_each, scan, NULL, err);
    }
    if (rc == ACSA_OK && scan->current.id != 0) {
        rc = cb(ctx, &scan->current);
    } else if (rc == ACSA_OK) {
        /* Every stored order has its create event, so no event means no such order. */
        rc = acsa__pg_order_exists(s, order_number, err);
    }
    acsa_free(scan);
    return rc;
}

/* ---- Balance -------------------------------------------------------------------------- */

/* The accounts of one partner and currency, held (at most one row per account) so rows go out
 * in enum acsa_account order, as the SQLite backend sends them. */
struct balance_group {
    acsa_balance_cb cb;
    void *ctx;
    char partner[ACSA_NATION_SIZE];
    char currency[ACSA_CURRENCY_SIZE];
    struct acsa_balance_row rows[ACSA_ACCOUNT_COUNT];
    bool present[ACSA_ACCOUNT_COUNT];
    bool started;
};

static enum acsa_rc group_flush(struct balance_group *group)
{
    enum acsa_rc rc = ACSA_OK;
    for (unsigned i = 0; rc == ACSA_OK && i < ACSA_ACCOUNT_COUNT; i++) {
        if (group->present[i]) {
            rc = group->cb(group->ctx, &group->rows[i]);
        }
    }
    memset(group->present, 0, sizeof(group->present));
    group->started = false;
    return rc;
}

static enum acsa_rc balance_each(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    struct balance_group *group = ctx;
    struct acsa_balance_row line;
    memset(&line, 0, sizeof(line));
    acsa__pg_col_text(row, 0, line.partner, sizeof(line.partner));
    acsa__pg_col_text(row, 1, line.currency, sizeof(line.currency));
    line.account = acsa__pg_col_account(row, 2);
    /* PostgreSQL sums bigint as numeric: exact, read into 128 bits. */
    line.amount_minor = acsa__pg_col_wide(row, 3);
    line.quantity_milli = acsa__pg_col_wide(row, 4);
    enum acsa_rc rc = acsa__pg_row_check(row, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    if (group->started && (strcmp(group->partner, line.partner) != 0 ||
                           strcmp(group->currency, line.currency) != 0)) {
        rc = group_flush(group);
        if (rc != ACSA_OK) {
            return rc;
        }
    }
    ACSA_ASSERT(!group->present[line.account]);
    memcpy(group->partner, line.partner, sizeof(group->partner));
    memcpy(group->currency, line.currency, sizeof(group->currency));
    group->rows[line.account] = line;
    group->present[line.account] = true;
    group->started = true;
    return ACSA_OK;
}

enum acsa_rc acsa__pg_balance(struct acsa_store *store, const char *partner, int32_t as_of_day,
                              acsa_balance_cb cb, void *ctx, struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL);
    struct balance_group *group = acsa_calloc(1, sizeof(*group));
    if (group == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "storage: out of memory");
    }
    group->cb = cb;
    group->ctx = ctx;
    const struct acsa__pg_value values[] = {PG_OPT_TEXT(partner), PG_DAY(as_of_day)};
    const struct acsa__pg_statement as_of = PG_STATEMENT(
        ACSA__PG_BALANCE,
        "SELECT partner, currency, account, sum(amount_minor), sum(quantity_milli) "
        "FROM postings WHERE ($1::text IS NULL OR partner = $1) "
        "AND ($2::text IS NULL OR day <= $2) "
        "GROUP BY partner, currency, account ORDER BY partner, currency, account",
        values);
    /* The current balance reads the sums kept with every posting (migration 2). */
    const struct acsa__pg_value partner_only[] = {PG_OPT_TEXT(partner)};
    const struct acsa__pg_statement current = PG_STATEMENT(
        ACSA__PG_BALANCE_KEPT,
        "SELECT partner, currency, account, amount_minor, quantity_milli FROM balances "
        "WHERE ($1::text IS NULL OR partner = $1) ORDER BY partner, currency, account",
        partner_only);
    enum acsa_rc rc = acsa__pg_run_query(acsa__pg_of(store),
                                         as_of_day == ACSA_DATE_NONE ? &current : &as_of,
                                         balance_each, group, NULL, err);
    if (rc == ACSA_OK) {
        rc = group_flush(group);
    }
    acsa_free(group);
    return rc;
}
