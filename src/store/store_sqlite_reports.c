/* SPDX-License-Identifier: MIT */
/* Scans of the SQLite store: order lists with filters, the events of an order with their
 * postings, and the balance of postings. Each streams rows to its callback one at a time from
 * a statement of its own, so a callback may call back into the store. */
#include <string.h>

#include "acsa_assert.h"
#include "date.h"
#include "store_sqlite_int.h"

/* ---- Order list ----------------------------------------------------------------------- */

/* One static statement serves every filter: an unset filter binds NULL and its condition is
 * true. Which orders are overdue or convertible is the core's rule, bound as values
 * (struct acsa_due_rule: a cut-off day, the open states, outstanding, in kind, not
 * converted), so the SQL restates no rule and a list and the core agree. */
#define ORDER_LIST_SQL                                                                      \
    "SELECT " ACSA__SQLITE_SUMMARY_COLUMNS " FROM orders WHERE " ACSA__SQLITE_ORDER_FILTER   \
    " ORDER BY number"

_Static_assert(ACSA_DUE_RULE_STATES == 4, "ACSA__SQLITE_ORDER_FILTER has four state slots (?6, "
               "?7, ?8, ?13)");

/* The state bound to a slot of the due rule; an unused slot binds NULL, which matches
 * nothing. */
static const char *due_state(const struct acsa_due_rule *due, uint32_t i)
{
    return i < due->state_count ? acsa_state_name(due->states[i]) : NULL;
}

/* The summary comes from the orders row alone, so a list never reads lines or events. */
enum acsa_rc acsa__sqlite_summary_read(struct acsa__sqlite_row *row,
                                       struct acsa_order_summary *out, struct acsa_error *err)
{
    memset(out, 0, sizeof(*out));
    acsa__sqlite_col_text(row, 0, out->number, sizeof(out->number));
    acsa__sqlite_col_text(row, 1, out->agreement_id, sizeof(out->agreement_id));
    acsa__sqlite_col_text(row, 2, out->requester, sizeof(out->requester));
    acsa__sqlite_col_text(row, 3, out->supplier, sizeof(out->supplier));
    out->activity_id = acsa__sqlite_col_opt_int(row, 4);
    out->method = acsa__sqlite_col_method(row, 5);
    out->state = acsa__sqlite_col_state(row, 6);
    acsa__sqlite_col_text(row, 7, out->currency, sizeof(out->currency));
    out->exponent = (uint8_t)acsa__sqlite_col_u32(row, 8, ACSA_STORE_EXPONENT_MAX);
    out->value_minor = acsa__sqlite_col_int(row, 9);
    out->outstanding_minor = acsa__sqlite_col_int(row, 10);
    out->created_day = acsa__sqlite_col_day(row, 11);
    out->delivered_day = acsa__sqlite_col_day(row, 12);
    out->due_day = acsa__sqlite_col_day(row, 13);
    out->requester_unit_id = acsa__sqlite_col_opt_int(row, 14);
    out->supplier_unit_id = acsa__sqlite_col_opt_int(row, 15);
    return acsa__sqlite_row_check(row, err);
}

struct order_scan {
    acsa_order_cb cb;
    void *ctx;
};

static enum acsa_rc order_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    const struct order_scan *scan = ctx;
    struct acsa_order_summary summary;
    ACSA_TRY(acsa__sqlite_summary_read(row, &summary, err));
    return scan->cb(scan->ctx, &summary);
}

void acsa__sqlite_order_filter_values(const struct acsa_order_filter *filter,
                                      struct acsa__sqlite_value *values)
{
    /* The values point into the filter: "any" outlives them. */
    static const struct acsa_order_filter any;
    if (filter == NULL) {
        filter = &any;
    }
    ACSA_ASSERT(!filter->state_set || (unsigned)filter->state < ACSA_STATE_COUNT);
    /* The due rule's values, from the core (names too: renaming a state cannot silently
     * empty a report). */
    const struct acsa_due_rule *due = &filter->due;
    ACSA_ASSERT(due->state_count <= ACSA_DUE_RULE_STATES);
    bool ruled = due->state_count > 0;
    const struct acsa__sqlite_value filled[ACSA__SQLITE_ORDER_FILTER_VALUES] = {
        TEXT(filter->state_set ? acsa_state_name(filter->state) : NULL),
        OPT_TEXT(filter->agreement_id),
        OPT_INT(filter->activity_id),
        OPT_TEXT(filter->partner),
        DAY(ruled ? due->due_before : ACSA_DATE_NONE),
        TEXT(due_state(due, 0)),
        TEXT(due_state(due, 1)),
        TEXT(due_state(due, 2)),
        OPT_INT(due->in_kind ? 1 : 0),
        TEXT(acsa_method_name(ACSA_METHOD_CASH)),
        OPT_TEXT(filter->after_number),
        OPT_TEXT(filter->search),
        TEXT(due_state(due, 3)),
        OPT_INT(due->outstanding ? 1 : 0),
        OPT_INT(due->unconverted ? 1 : 0),
    };
    memcpy(values, filled, sizeof(filled));
}

enum acsa_rc acsa__sqlite_order_list(struct acsa_store *store,
                                     const struct acsa_order_filter *filter, acsa_order_cb cb,
                                     void *ctx, struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL);
    struct acsa__sqlite_value values[ACSA__SQLITE_ORDER_FILTER_VALUES];
    acsa__sqlite_order_filter_values(filter, values);
    const struct acsa__sqlite_statement st =
        STATEMENT(ACSA__SQLITE_ORDER_LIST, ORDER_LIST_SQL, values);
    struct order_scan scan = {cb, ctx};
    return acsa__sqlite_run_query(acsa__sqlite_of(store), &st, order_row, &scan, NULL, err);
}

/* ---- Events --------------------------------------------------------------------------- */

/* One row per posting, or one row with NULL posting columns for an event without postings;
 * the rows of one event are adjacent and its legs in order. */
#define EVENT_LIST_SQL                                                                      \
    "SELECT e.id, e.step, e.day, e.actor, e.state_from, e.state_to, e.line_no, "           \
    "e.quantity_milli, e.amount_minor, e.detail, p.leg, p.account, p.partner, p.currency, " \
    "p.amount_minor, p.quantity_milli, p.line_no, e.paid_currency, e.paid_minor, "          \
    "e.rate_units, e.rate_scale, e.rate_on, e.rate_source, e.invoice, e.recorded_day, "    \
    "e.backdate_reason, e.corrected_step "                                                 \
    "FROM events e LEFT JOIN postings p ON p.event_id = e.id "                              \
    "WHERE e.order_number = ?1 ORDER BY e.id, p.leg"

static void event_read(struct acsa__sqlite_row *row, struct acsa_event *event)
{
    event->step = acsa__sqlite_col_step(row, 1);
    event->day = acsa__sqlite_col_day(row, 2);
    acsa__sqlite_col_text(row, 3, event->actor, sizeof(event->actor));
    event->state_from = acsa__sqlite_col_state(row, 4);
    event->state_to = acsa__sqlite_col_state(row, 5);
    event->line_no = acsa__sqlite_col_u32(row, 6, UINT32_MAX);
    event->quantity_milli = acsa__sqlite_col_int(row, 7);
    event->amount_minor = acsa__sqlite_col_int(row, 8);
    acsa__sqlite_col_text(row, 9, event->detail, sizeof(event->detail));
    /* Settlement columns (migration 4); NULL on other steps reads as empty or 0. */
    acsa__sqlite_col_text(row, 17, event->paid_currency, sizeof(event->paid_currency));
    event->paid_minor = acsa__sqlite_col_opt_int(row, 18);
    event->rate.units = acsa__sqlite_col_opt_int(row, 19);
    event->rate.scale = (uint8_t)acsa__sqlite_col_u32(row, 20, ACSA_RATE_SCALE_MAX);
    event->rate_day = acsa__sqlite_col_day(row, 21);
    acsa__sqlite_col_text(row, 22, event->rate_source, sizeof(event->rate_source));
    acsa__sqlite_col_text(row, 23, event->invoice, sizeof(event->invoice));
    event->recorded_day = (int32_t)acsa__sqlite_col_int(row, 24);
    acsa__sqlite_col_text(row, 25, event->backdate_reason, sizeof(event->backdate_reason));
    /* A correction's corrected step (NULL on other steps and on events stored before it was
     * kept: those read as ACSA_STEP_CREATE, "not known"). */
    char corrected[ACSA_CODE_SIZE];
    acsa__sqlite_col_text(row, 26, corrected, sizeof(corrected));
    event->corrected_step = ACSA_STEP_CREATE;
    if (corrected[0] != '\0' && !acsa_step_parse(corrected, &event->corrected_step)) {
        event->corrected_step = ACSA_STEP_CREATE;
    }
}

static enum acsa_rc posting_read(struct acsa__sqlite_row *row, struct acsa_event_row *out,
                                 struct acsa_error *err)
{
    struct acsa_event *event = &out->event;
    if (event->posting_count >= ACSA_EVENT_POSTINGS_MAX) {
        return acsa_error_set(err, ACSA_ESTORAGE, "", "storage: event %lld has more than %d "
                              "postings", (long long)out->id, ACSA_EVENT_POSTINGS_MAX);
    }
    struct acsa_posting *posting = &event->postings[event->posting_count];
    posting->account = acsa__sqlite_col_account(row, 11);
    acsa__sqlite_col_text(row, 12, posting->partner, sizeof(posting->partner));
    acsa__sqlite_col_text(row, 13, posting->currency, sizeof(posting->currency));
    posting->amount_minor = acsa__sqlite_col_int(row, 14);
    posting->quantity_milli = acsa__sqlite_col_int(row, 15);
    posting->line_no = acsa__sqlite_col_u32(row, 16, UINT32_MAX);
    event->posting_count++;
    return ACSA_OK;
}

/* Adds the current row to *current, first moving a finished event to *previous; *out_new
 * says that happened, so the scan emits *previous. */
static enum acsa_rc event_row(struct acsa__sqlite_row *row, struct acsa_event_row *current,
                              struct acsa_event_row *previous, bool *out_new,
                              struct acsa_error *err)
{
    int64_t id = acsa__sqlite_col_int(row, 0);
    *out_new = id != current->id;
    if (*out_new) {
        *previous = *current;
        memset(&current->event, 0, sizeof(current->event));
        current->id = id;
        event_read(row, &current->event);
    }
    if (sqlite3_column_type(row->stmt, 10) != SQLITE_NULL) {
        ACSA_TRY(posting_read(row, current, err));
    }
    return acsa__sqlite_row_check(row, err);
}

/* Events as they are read: one is complete when the next one's first row arrives, or at the
 * end. */
struct event_scan {
    struct acsa_event_row *current;
    struct acsa_event_row previous;
    acsa_event_cb cb;
    void *ctx;
};

static enum acsa_rc event_scan_row(void *ctx, struct acsa__sqlite_row *row,
                                   struct acsa_error *err)
{
    struct event_scan *scan = ctx;
    bool is_new = false;
    ACSA_TRY(event_row(row, scan->current, &scan->previous, &is_new, err));
    if (is_new && scan->previous.id != 0) {
        return scan->cb(scan->ctx, &scan->previous);
    }
    return ACSA_OK;
}

/* Streams the events, then says whether the order exists when it has none. */
static enum acsa_rc event_stream(struct acsa_store_sqlite *s, const char *order_number,
                                 struct event_scan *scan, struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {TEXT(order_number)};
    const struct acsa__sqlite_statement st =
        STATEMENT(ACSA__SQLITE_EVENT_LIST, EVENT_LIST_SQL, values);
    ACSA_TRY(acsa__sqlite_run_query(s, &st, event_scan_row, scan, NULL, err));
    if (scan->current->id != 0) {
        return scan->cb(scan->ctx, scan->current);
    }
    /* Every stored order has its create event, so no event means no such order. */
    return acsa__sqlite_order_exists(s, order_number, err);
}

enum acsa_rc acsa__sqlite_event_list(struct acsa_store *store, const char *order_number,
                                     acsa_event_cb cb, void *ctx, struct acsa_error *err)
{
    ACSA_ASSERT(order_number != NULL);
    ACSA_ASSERT(cb != NULL);
    struct acsa_event_row current;
    memset(&current, 0, sizeof(current));
    size_t length = strlen(order_number);
    if (length >= sizeof(current.order_number)) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "order", "order \"%s\" not found",
                              order_number);
    }
    memcpy(current.order_number, order_number, length + 1);
    struct event_scan scan;
    memset(&scan, 0, sizeof(scan));
    scan.current = &current;
    scan.cb = cb;
    scan.ctx = ctx;
    return event_stream(acsa__sqlite_of(store), order_number, &scan, err);
}

/* ---- Balance -------------------------------------------------------------------------- */

/* The accounts of one partner and currency. SQL sorts accounts by name; the group is held
 * (at most one row per account) so rows go out in enum acsa_account order, the order of the
 * ledger's own account list. */
struct balance_group {
    char partner[ACSA_NATION_SIZE];                   /* Of the rows held. */
    char currency[ACSA_CURRENCY_SIZE];                /* Of the rows held. */
    struct acsa_balance_row rows[ACSA_ACCOUNT_COUNT]; /* By account. */
    bool present[ACSA_ACCOUNT_COUNT];                 /* Which accounts have a row. */
    bool started;                                     /* Any row held. */
};

static enum acsa_rc group_flush(struct balance_group *group, acsa_balance_cb cb, void *ctx)
{
    enum acsa_rc rc = ACSA_OK;
    for (unsigned i = 0; rc == ACSA_OK && i < ACSA_ACCOUNT_COUNT; i++) {
        if (group->present[i]) {
            rc = cb(ctx, &group->rows[i]);
        }
    }
    memset(group, 0, sizeof(*group));
    return rc;
}

/* A sum of ACSA__SQLITE_WIDE_SUM: its three parts from column first on. */
static acsa_wide wide_column(struct acsa__sqlite_row *row, int first)
{
    acsa_wide hi = acsa__sqlite_col_int(row, first);
    acsa_wide mid = acsa__sqlite_col_int(row, first + 1);
    acsa_wide lo = acsa__sqlite_col_int(row, first + 2);
    return hi * ((acsa_wide)1 << 42) + mid * ((acsa_wide)1 << 21) + lo;
}

/* The group held and where a finished group goes. */
struct balance_scan {
    struct balance_group group;
    acsa_balance_cb cb;
    void *ctx;
};

static enum acsa_rc balance_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    struct balance_scan *scan = ctx;
    struct balance_group *group = &scan->group;
    struct acsa_balance_row line;
    memset(&line, 0, sizeof(line));
    acsa__sqlite_col_text(row, 0, line.partner, sizeof(line.partner));
    acsa__sqlite_col_text(row, 1, line.currency, sizeof(line.currency));
    line.account = acsa__sqlite_col_account(row, 2);
    line.amount_minor = wide_column(row, 3);
    line.quantity_milli = wide_column(row, 6);
    ACSA_TRY(acsa__sqlite_row_check(row, err));
    if (group->started && (strcmp(group->partner, line.partner) != 0 ||
                           strcmp(group->currency, line.currency) != 0)) {
        ACSA_TRY(group_flush(group, scan->cb, scan->ctx));
    }
    /* GROUP BY yields each account once per partner and currency. */
    ACSA_ASSERT(!group->present[line.account]);
    memcpy(group->partner, line.partner, sizeof(group->partner));
    memcpy(group->currency, line.currency, sizeof(group->currency));
    group->rows[line.account] = line;
    group->present[line.account] = true;
    group->started = true;
    return ACSA_OK;
}

enum acsa_rc acsa__sqlite_balance(struct acsa_store *store, const char *partner,
                                  int32_t as_of_day, acsa_balance_cb cb, void *ctx,
                                  struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL);
    bool by_partner = partner != NULL && partner[0] != '\0';
    bool current = as_of_day == ACSA_DATE_NONE;
    /* The current balance reads the sums kept with every posting (migration 11); a balance
     * as of a day sums the postings up to it, streaming through the covering index. */
    enum acsa__sqlite_slot slot = current ? (by_partner ? ACSA__SQLITE_BALANCE_KEPT_PARTNER
                                                        : ACSA__SQLITE_BALANCE_KEPT)
                                  : by_partner ? ACSA__SQLITE_BALANCE_PARTNER
                                               : ACSA__SQLITE_BALANCE;
    const char *sql = current ? (by_partner ? ACSA__SQLITE_BALANCE_KEPT_PARTNER_SQL
                                            : ACSA__SQLITE_BALANCE_KEPT_SQL)
                      : by_partner ? ACSA__SQLITE_BALANCE_PARTNER_SQL
                                   : ACSA__SQLITE_BALANCE_SQL;
    const struct acsa__sqlite_value values[] = {OPT_TEXT(partner), DAY(as_of_day)};
    size_t count = slot == ACSA__SQLITE_BALANCE_KEPT ? 0
                   : slot == ACSA__SQLITE_BALANCE_KEPT_PARTNER ? 1 : COUNT(values);
    const struct acsa__sqlite_statement st = {slot, sql, values, count,
                                              ACSA__SQLITE_KEYS_UNIQUE};
    struct balance_scan scan;
    memset(&scan, 0, sizeof(scan));
    scan.cb = cb;
    scan.ctx = ctx;
    ACSA_TRY(acsa__sqlite_run_query(acsa__sqlite_of(store), &st, balance_row, &scan, NULL, err));
    return group_flush(&scan.group, cb, ctx);
}
