/* SPDX-License-Identifier: MIT */
/* The reports of requirement 15 on SQLite: the postings of a statement of account, streamed
 * from the covering index postings_balance, and the order totals of the unliquidated,
 * by-method and yearly reports, grouped and summed in the database. Which states count is the
 * core's (report.h), bound as a list of names; the SQL names no state or method. */
#include <string.h>

#include "acsa_assert.h"
#include "date.h"
#include "store_sqlite_int.h"

/* ---- Statement ------------------------------------------------------------------------ */

#define STATEMENT_SQL                                                                       \
    "SELECT p.event_id, p.leg, p.day, p.order_number, coalesce(e.invoice, ''), e.step, "   \
    "p.account, p.currency, p.amount_minor, p.quantity_milli "                              \
    "FROM postings p JOIN events e ON e.id = p.event_id "                                   \
    "WHERE p.partner = ?1 AND p.currency = ?2 AND p.account IN (?3, ?4) "                   \
    "AND p.day >= ?5 AND p.day <= ?6 ORDER BY p.day, p.event_id, p.leg"

struct statement_scan {
    acsa_statement_row_cb cb;
    void *ctx;
};

static enum acsa_rc statement_each(void *ctx, struct acsa__sqlite_row *row,
                                   struct acsa_error *err)
{
    const struct statement_scan *scan = ctx;
    struct acsa_statement_row out;
    memset(&out, 0, sizeof(out));
    out.event_id = acsa__sqlite_col_int(row, 0);
    out.leg = acsa__sqlite_col_u32(row, 1, UINT32_MAX);
    out.day = acsa__sqlite_col_day(row, 2);
    acsa__sqlite_col_text(row, 3, out.order_number, sizeof(out.order_number));
    acsa__sqlite_col_text(row, 4, out.invoice, sizeof(out.invoice));
    out.step = acsa__sqlite_col_step(row, 5);
    out.account = acsa__sqlite_col_account(row, 6);
    acsa__sqlite_col_text(row, 7, out.currency, sizeof(out.currency));
    out.amount_minor = acsa__sqlite_col_int(row, 8);
    out.quantity_milli = acsa__sqlite_col_int(row, 9);
    ACSA_TRY(acsa__sqlite_row_check(row, err));
    return scan->cb(scan->ctx, &out);
}

enum acsa_rc acsa__sqlite_statement(struct acsa_store *store, const char *partner,
                                    const char *currency, enum acsa_account account_a,
                                    enum acsa_account account_b, int32_t from_day,
                                    int32_t to_day, acsa_statement_row_cb cb, void *ctx,
                                    struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL && partner != NULL && currency != NULL);
    const struct acsa__sqlite_value values[] = {
        TEXT(partner), TEXT(currency), TEXT(acsa_account_name(account_a)),
        TEXT(acsa_account_name(account_b)), DAY(from_day), DAY(to_day),
    };
    const struct acsa__sqlite_statement st =
        STATEMENT(ACSA__SQLITE_STATEMENT, STATEMENT_SQL, values);
    struct statement_scan scan = {cb, ctx};
    return acsa__sqlite_run_query(acsa__sqlite_of(store), &st, statement_each, &scan, NULL,
                                  err);
}

/* ---- Order totals --------------------------------------------------------------------- */

/* ?1 is the list of states counted, as ",name,name,": a state is in it when instr finds it. */
#define IN_STATES(column, param) "instr(" param ", ',' || " column " || ',') > 0"

#define UNLIQUIDATED_SQL                                                                    \
    "SELECT requester, supplier, currency, max(exponent), method, count(*), "              \
    ACSA__SQLITE_WIDE_SUM("outstanding_minor") " FROM orders "                             \
    "WHERE outstanding_minor <> 0 AND " IN_STATES("state", "?1") " "                       \
    "GROUP BY requester, supplier, currency, method "                                       \
    "ORDER BY requester, supplier, currency, method"

/* Days from delivery to the first event into the settled state, in whole days from the
 * dates' Unix seconds (integers: no floating point). */
#define BY_METHOD_SQL                                                                       \
    "SELECT method, currency, max(exponent), count(*), " ACSA__SQLITE_WIDE_SUM("value_minor") \
    ", sum(settled), " ACSA__SQLITE_WIDE_SUM("settled * value_minor") ", "                 \
    "sum(CASE WHEN settled_on IS NOT NULL AND delivered_on IS NOT NULL THEN 1 ELSE 0 END), " \
    "sum(CASE WHEN settled_on IS NOT NULL AND delivered_on IS NOT NULL THEN "               \
    "(CAST(strftime('%s', settled_on) AS INTEGER) - "                                       \
    "CAST(strftime('%s', delivered_on) AS INTEGER)) / 86400 ELSE 0 END) "                   \
    "FROM (SELECT o.method, o.currency, o.exponent, o.value_minor, o.delivered_on, "        \
    "CASE WHEN " IN_STATES("o.state", "?2") " THEN 1 ELSE 0 END AS settled, "               \
    "CASE WHEN " IN_STATES("o.state", "?2") " THEN (SELECT min(e.day) FROM events e "       \
    "WHERE e.order_number = o.number AND e.state_to = ?3) END AS settled_on "               \
    "FROM orders o WHERE " IN_STATES("o.state", "?1") ") "                                  \
    "GROUP BY method, currency ORDER BY method, currency"

#define YEARLY_SQL                                                                          \
    "SELECT o.agreement_id, coalesce(o.activity_id, 0), coalesce(a.name, ''), l.category, " \
    "o.requester, o.supplier, o.currency, max(o.exponent), count(DISTINCT o.number), "     \
    ACSA__SQLITE_WIDE_SUM("l.value_minor") " "                                              \
    "FROM orders o JOIN order_lines l ON l.order_number = o.number "                         \
    "LEFT JOIN activities a ON a.id = o.activity_id "                                       \
    "WHERE " IN_STATES("o.state", "?1") " AND o.created_on >= ?2 AND o.created_on <= ?3 "  \
    "GROUP BY o.agreement_id, coalesce(o.activity_id, 0), coalesce(a.name, ''), "           \
    "l.category, o.requester, o.supplier, o.currency "                                      \
    "ORDER BY o.agreement_id, coalesce(o.activity_id, 0), l.category, o.requester, "        \
    "o.supplier, o.currency"

/* A sum of ACSA__SQLITE_WIDE_SUM: its three parts from column first on. */
static acsa_wide wide_column(struct acsa__sqlite_row *row, int first)
{
    acsa_wide hi = acsa__sqlite_col_int(row, first);
    acsa_wide mid = acsa__sqlite_col_int(row, first + 1);
    acsa_wide lo = acsa__sqlite_col_int(row, first + 2);
    return hi * ((acsa_wide)1 << 42) + mid * ((acsa_wide)1 << 21) + lo;
}

static uint64_t count_column(struct acsa__sqlite_row *row, int column)
{
    int64_t n = acsa__sqlite_col_opt_int(row, column);
    return n > 0 ? (uint64_t)n : 0;
}

struct totals_scan {
    enum acsa_totals_kind kind;
    acsa_totals_cb cb;
    void *ctx;
};

static void unliquidated_read(struct acsa__sqlite_row *row, struct acsa_totals_row *out)
{
    acsa__sqlite_col_text(row, 0, out->requester, sizeof(out->requester));
    acsa__sqlite_col_text(row, 1, out->supplier, sizeof(out->supplier));
    acsa__sqlite_col_text(row, 2, out->currency, sizeof(out->currency));
    out->exponent = (uint8_t)acsa__sqlite_col_u32(row, 3, ACSA_STORE_EXPONENT_MAX);
    out->method = acsa__sqlite_col_method(row, 4);
    out->orders = count_column(row, 5);
    out->value_minor = wide_column(row, 6);
}

static void by_method_read(struct acsa__sqlite_row *row, struct acsa_totals_row *out)
{
    out->method = acsa__sqlite_col_method(row, 0);
    acsa__sqlite_col_text(row, 1, out->currency, sizeof(out->currency));
    out->exponent = (uint8_t)acsa__sqlite_col_u32(row, 2, ACSA_STORE_EXPONENT_MAX);
    out->orders = count_column(row, 3);
    out->value_minor = wide_column(row, 4);
    out->settled_orders = count_column(row, 7);
    out->settled_minor = wide_column(row, 8);
    out->timed_orders = count_column(row, 11);
    out->settle_days = acsa__sqlite_col_opt_int(row, 12);
}

static void yearly_read(struct acsa__sqlite_row *row, struct acsa_totals_row *out)
{
    acsa__sqlite_col_text(row, 0, out->agreement_id, sizeof(out->agreement_id));
    out->activity_id = acsa__sqlite_col_opt_int(row, 1);
    acsa__sqlite_col_text(row, 2, out->activity, sizeof(out->activity));
    acsa__sqlite_col_text(row, 3, out->category, sizeof(out->category));
    acsa__sqlite_col_text(row, 4, out->requester, sizeof(out->requester));
    acsa__sqlite_col_text(row, 5, out->supplier, sizeof(out->supplier));
    acsa__sqlite_col_text(row, 6, out->currency, sizeof(out->currency));
    out->exponent = (uint8_t)acsa__sqlite_col_u32(row, 7, ACSA_STORE_EXPONENT_MAX);
    out->orders = count_column(row, 8);
    out->value_minor = wide_column(row, 9);
}

static enum acsa_rc totals_each(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    const struct totals_scan *scan = ctx;
    struct acsa_totals_row out;
    memset(&out, 0, sizeof(out));
    switch (scan->kind) {
    case ACSA_TOTALS_UNLIQUIDATED: unliquidated_read(row, &out); break;
    case ACSA_TOTALS_BY_METHOD: by_method_read(row, &out); break;
    case ACSA_TOTALS_YEARLY: yearly_read(row, &out); break;
    }
    ACSA_TRY(acsa__sqlite_row_check(row, err));
    return scan->cb(scan->ctx, &out);
}

/* ",name,name," of the states in mask. */
static void state_list(uint32_t mask, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (unsigned s = 0; s < ACSA_STATE_COUNT; s++) {
        if ((mask & (1u << s)) != 0) {
            int n = snprintf(buf + used, size - used, ",%s", acsa_state_name((enum acsa_state)s));
            ACSA_ASSERT(n > 0 && (size_t)n < size - used);
            used += (size_t)n;
        }
    }
    ACSA_ASSERT(used + 2 <= size);
    buf[used] = ',';
    buf[used + 1] = '\0';
}

#define STATE_LIST_SIZE 256

enum acsa_rc acsa__sqlite_order_totals(struct acsa_store *store,
                                       const struct acsa_totals_query *query, acsa_totals_cb cb,
                                       void *ctx, struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL && query != NULL);
    char states[STATE_LIST_SIZE];
    char settled[STATE_LIST_SIZE];
    state_list(query->states, states, sizeof(states));
    state_list(query->settled, settled, sizeof(settled));
    struct totals_scan scan = {query->kind, cb, ctx};
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    switch (query->kind) {
    case ACSA_TOTALS_UNLIQUIDATED: {
        const struct acsa__sqlite_value values[] = {TEXT(states)};
        const struct acsa__sqlite_statement st =
            STATEMENT(ACSA__SQLITE_TOTALS_UNLIQUIDATED, UNLIQUIDATED_SQL, values);
        return acsa__sqlite_run_query(s, &st, totals_each, &scan, NULL, err);
    }
    case ACSA_TOTALS_BY_METHOD: {
        const struct acsa__sqlite_value values[] = {
            TEXT(states), TEXT(settled), TEXT(acsa_state_name(query->settled_state))};
        const struct acsa__sqlite_statement st =
            STATEMENT(ACSA__SQLITE_TOTALS_BY_METHOD, BY_METHOD_SQL, values);
        return acsa__sqlite_run_query(s, &st, totals_each, &scan, NULL, err);
    }
    case ACSA_TOTALS_YEARLY: {
        const struct acsa__sqlite_value values[] = {TEXT(states), DAY(query->from_day),
                                                    DAY(query->to_day)};
        const struct acsa__sqlite_statement st =
            STATEMENT(ACSA__SQLITE_TOTALS_YEARLY, YEARLY_SQL, values);
        return acsa__sqlite_run_query(s, &st, totals_each, &scan, NULL, err);
    }
    }
    return acsa_error_set(err, ACSA_EUSAGE, "kind", "unknown kind of totals");
}
