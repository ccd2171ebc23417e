/* SPDX-License-Identifier: MIT */
/* The exports' scans of the PostgreSQL store (ARCHITECTURE.md "Exports"): the lines of the orders
 * the order list's filter selects, and the postings of their events, each row with its order.
 * The same rows in the same order as store_sqlite_export.c (a PostgreSQL scan holds its
 * result before the first callback: see "The PostgreSQL backend"). */
#include <string.h>

#include "acsa_assert.h"
#include "store_pg_int.h"

#define LINE_LIST_SQL                                                                       \
    "SELECT " ACSA__PG_SUMMARY_COLUMNS ", ol.line_no, ol.category, ol.description, "    \
    "ol.nsn, ol.unit_of_issue, ol.quantity_milli, ol.price_minor, ol.value_minor, "         \
    "ol.issued_milli, ol.received_milli, ol.returned_milli, ol.return_accepted_milli, "     \
    "ol.closed, ol.invoiced_milli "                                                         \
    "FROM orders JOIN order_lines ol ON ol.order_number = orders.number "                   \
    "WHERE " ACSA__PG_ORDER_FILTER "ORDER BY orders.number, ol.line_no"

/* The postings of the selected orders' events within the dates (?16, ?17: NULL for open). */
#define POSTING_LIST_SQL                                                                    \
    "SELECT " ACSA__PG_SUMMARY_COLUMNS ", e.id, e.step, e.day, e.invoice, p.leg, "      \
    "p.account, p.partner, p.currency, p.amount_minor, p.quantity_milli, p.line_no "        \
    "FROM orders JOIN events e ON e.order_number = orders.number "                          \
    "JOIN postings p ON p.event_id = e.id "                                                 \
    "WHERE " ACSA__PG_ORDER_FILTER "AND ($16::text IS NULL OR e.day >= $16) "                 \
    "AND ($17::text IS NULL OR e.day <= $17) ORDER BY e.id, p.leg"

struct line_scan {
    acsa_order_line_cb cb;
    void *ctx;
};

static enum acsa_rc line_row(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    const struct line_scan *scan = ctx;
    struct acsa_order_line_row out;
    memset(&out, 0, sizeof(out));
    ACSA_TRY(acsa__pg_summary_read(row, &out.order, err));
    struct acsa_order_line *l = &out.line;
    out.line_no = acsa__pg_col_u32(row, 16, UINT32_MAX);
    acsa__pg_col_text(row, 17, l->category, sizeof(l->category));
    acsa__pg_col_text(row, 18, l->description, sizeof(l->description));
    acsa__pg_col_text(row, 19, l->nsn, sizeof(l->nsn));
    acsa__pg_col_text(row, 20, l->unit_of_issue, sizeof(l->unit_of_issue));
    l->quantity_milli = acsa__pg_col_int(row, 21);
    l->price_minor = acsa__pg_col_int(row, 22);
    l->value_minor = acsa__pg_col_int(row, 23);
    l->issued_milli = acsa__pg_col_int(row, 24);
    l->received_milli = acsa__pg_col_int(row, 25);
    l->returned_milli = acsa__pg_col_int(row, 26);
    l->return_accepted_milli = acsa__pg_col_int(row, 27);
    l->closed = acsa__pg_col_opt_int(row, 28) != 0;
    l->invoiced_milli = acsa__pg_col_opt_int(row, 29);
    ACSA_TRY(acsa__pg_row_check(row, err));
    return scan->cb(scan->ctx, &out);
}

enum acsa_rc acsa__pg_order_line_list(struct acsa_store *store,
                                          const struct acsa_order_filter *filter,
                                          acsa_order_line_cb cb, void *ctx,
                                          struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL);
    struct acsa__pg_value values[ACSA__PG_ORDER_FILTER_VALUES];
    acsa__pg_order_filter_values(filter, values);
    const struct acsa__pg_statement st =
        PG_STATEMENT(ACSA__PG_ORDER_LINE_LIST, LINE_LIST_SQL, values);
    struct line_scan scan = {cb, ctx};
    return acsa__pg_run_query(acsa__pg_of(store), &st, line_row, &scan, NULL, err);
}

struct posting_scan {
    acsa_posting_row_cb cb;
    void *ctx;
};

static enum acsa_rc posting_row(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    const struct posting_scan *scan = ctx;
    struct acsa_posting_row out;
    memset(&out, 0, sizeof(out));
    ACSA_TRY(acsa__pg_summary_read(row, &out.order, err));
    out.event_id = acsa__pg_col_int(row, 16);
    out.step = acsa__pg_col_step(row, 17);
    out.day = acsa__pg_col_day(row, 18);
    acsa__pg_col_text(row, 19, out.invoice, sizeof(out.invoice));
    out.leg = acsa__pg_col_u32(row, 20, UINT32_MAX);
    struct acsa_posting *p = &out.posting;
    p->account = acsa__pg_col_account(row, 21);
    acsa__pg_col_text(row, 22, p->partner, sizeof(p->partner));
    acsa__pg_col_text(row, 23, p->currency, sizeof(p->currency));
    p->amount_minor = acsa__pg_col_int(row, 24);
    p->quantity_milli = acsa__pg_col_int(row, 25);
    p->line_no = acsa__pg_col_u32(row, 26, UINT32_MAX);
    ACSA_TRY(acsa__pg_row_check(row, err));
    return scan->cb(scan->ctx, &out);
}

enum acsa_rc acsa__pg_posting_list(struct acsa_store *store,
                                       const struct acsa_order_filter *filter, int32_t from_day,
                                       int32_t to_day, acsa_posting_row_cb cb, void *ctx,
                                       struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL);
    struct acsa__pg_value values[ACSA__PG_ORDER_FILTER_VALUES + 2];
    acsa__pg_order_filter_values(filter, values);
    const struct acsa__pg_value days[] = {PG_DAY(from_day), PG_DAY(to_day)};
    memcpy(&values[ACSA__PG_ORDER_FILTER_VALUES], days, sizeof(days));
    const struct acsa__pg_statement st =
        PG_STATEMENT(ACSA__PG_POSTING_LIST, POSTING_LIST_SQL, values);
    struct posting_scan scan = {cb, ctx};
    return acsa__pg_run_query(acsa__pg_of(store), &st, posting_row, &scan, NULL, err);
}
