/* SPDX-License-Identifier: MIT */
/* The reports of requirement 15 on PostgreSQL: the same rows in the same order as
 * store_sqlite_totals.c. Sums of bigint are numeric, exact, read into 128 bits. */
#include <stdio.h>
#include <string.h>

#include "acsa_assert.h"
#include "date.h"
#include "store_pg_int.h"

/* ---- Statement ------------------------------------------------------------------------ */

struct statement_scan {
    acsa_statement_row_cb cb;
    void *ctx;
};

static enum acsa_rc statement_each(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    const struct statement_scan *scan = ctx;
    struct acsa_statement_row out;
    memset(&out, 0, sizeof(out));
    out.event_id = acsa__pg_col_int(row, 0);
    out.leg = acsa__pg_col_u32(row, 1, UINT32_MAX);
    out.day = acsa__pg_col_day(row, 2);
    acsa__pg_col_text(row, 3, out.order_number, sizeof(out.order_number));
    acsa__pg_col_text(row, 4, out.invoice, sizeof(out.invoice));
    out.step = acsa__pg_col_step(row, 5);
    out.account = acsa__pg_col_account(row, 6);
    acsa__pg_col_text(row, 7, out.currency, sizeof(out.currency));
    out.amount_minor = acsa__pg_col_int(row, 8);
    out.quantity_milli = acsa__pg_col_int(row, 9);
    ACSA_TRY(acsa__pg_row_check(row, err));
    return scan->cb(scan->ctx, &out);
}

enum acsa_rc acsa__pg_statement(struct acsa_store *store, const char *partner,
                                const char *currency, enum acsa_account account_a,
                                enum acsa_account account_b, int32_t from_day, int32_t to_day,
                                acsa_statement_row_cb cb, void *ctx, struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL && partner != NULL && currency != NULL);
    const struct acsa__pg_value values[] = {
        PG_TEXT(partner), PG_TEXT(currency), PG_TEXT(acsa_account_name(account_a)),
        PG_TEXT(acsa_account_name(account_b)), PG_DAY(from_day), PG_DAY(to_day)};
    const struct acsa__pg_statement st = PG_STATEMENT(
        ACSA__PG_STATEMENT,
        "SELECT p.event_id, p.leg, p.day, p.order_number, coalesce(e.invoice, ''), e.step, "
        "p.account, p.currency, p.amount_minor, p.quantity_milli "
        "FROM postings p JOIN events e ON e.id = p.event_id "
        "WHERE p.partner = $1 AND p.currency = $2 AND p.account IN ($3, $4) "
        "AND p.day >= $5 AND p.day <= $6 ORDER BY p.day, p.event_id, p.leg",
        values);
    struct statement_scan scan = {cb, ctx};
    return acsa__pg_run_query(acsa__pg_of(store), &st, statement_each, &scan, NULL, err);
}

/* ---- Order totals --------------------------------------------------------------------- */

#define IN_STATES(column, param) "strpos(" param "::text, ',' || " column " || ',') > 0"

static uint64_t count_column(struct acsa__pg_row *row, int column)
{
    int64_t n = acsa__pg_col_opt_int(row, column);
    return n > 0 ? (uint64_t)n : 0;
}

struct totals_scan {
    enum acsa_totals_kind kind;
    acsa_totals_cb cb;
    void *ctx;
};

static void unliquidated_read(struct acsa__pg_row *row, struct acsa_totals_row *out)
{
    acsa__pg_col_text(row, 0, out->requester, sizeof(out->requester));
    acsa__pg_col_text(row, 1, out->supplier, sizeof(out->supplier));
    acsa__pg_col_text(row, 2, out->currency, sizeof(out->currency));
    out->exponent = (uint8_t)acsa__pg_col_u32(row, 3, ACSA_STORE_EXPONENT_MAX);
    out->method = acsa__pg_col_method(row, 4);
    out->orders = count_column(row, 5);
    out->value_minor = acsa__pg_col_wide(row, 6);
}

static void by_method_read(struct acsa__pg_row *row, struct acsa_totals_row *out)
{
    out->method = acsa__pg_col_method(row, 0);
    acsa__pg_col_text(row, 1, out->currency, sizeof(out->currency));
    out->exponent = (uint8_t)acsa__pg_col_u32(row, 2, ACSA_STORE_EXPONENT_MAX);
    out->orders = count_column(row, 3);
    out->value_minor = acsa__pg_col_wide(row, 4);
    out->settled_orders = count_column(row, 5);
    out->settled_minor = acsa__pg_col_wide(row, 6);
    out->timed_orders = count_column(row, 7);
    out->settle_days = acsa__pg_col_opt_int(row, 8);
}

static void yearly_read(struct acsa__pg_row *row, struct acsa_totals_row *out)
{
    acsa__pg_col_text(row, 0, out->agreement_id, sizeof(out->agreement_id));
    out->activity_id = acsa__pg_col_opt_int(row, 1);
    acsa__pg_col_text(row, 2, out->activity, sizeof(out->activity));
    acsa__pg_col_text(row, 3, out->category, sizeof(out->category));
    acsa__pg_col_text(row, 4, out->requester, sizeof(out->requester));
    acsa__pg_col_text(row, 5, out->supplier, sizeof(out->supplier));
    acsa__pg_col_text(row, 6, out->currency, sizeof(out->currency));
    out->exponent = (uint8_t)acsa__pg_col_u32(row, 7, ACSA_STORE_EXPONENT_MAX);
    out->orders = count_column(row, 8);
    out->value_minor = acsa__pg_col_wide(row, 9);
}

static enum acsa_rc totals_each(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    const struct totals_scan *scan = ctx;
    struct acsa_totals_row out;
    memset(&out, 0, sizeof(out));
    switch (scan->kind) {
    case ACSA_TOTALS_UNLIQUIDATED: unliquidated_read(row, &out); break;
    case ACSA_TOTALS_BY_METHOD: by_method_read(row, &out); break;
    case ACSA_TOTALS_YEARLY: yearly_read(row, &out); break;
    }
    ACSA_TRY(acsa__pg_row_check(row, err));
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

enum acsa_rc acsa__pg_order_totals(struct acsa_store *store, const struct acsa_totals_query *query,
                                   acsa_totals_cb cb, void *ctx, struct acsa_error *err)
{
    ACSA_ASSERT(cb != NULL && query != NULL);
    char states[STATE_LIST_SIZE];
    char settled[STATE_LIST_SIZE];
    state_list(query->states, states, sizeof(states));
    state_list(query->settled, settled, sizeof(settled));
    struct totals_scan scan = {query->kind, cb, ctx};
    struct acsa_store_pg *s = acsa__pg_of(store);
    switch (query->kind) {
    case ACSA_TOTALS_UNLIQUIDATED: {
        const struct acsa__pg_value values[] = {PG_TEXT(states)};
        const struct acsa__pg_statement st = PG_STATEMENT(
            ACSA__PG_TOTALS_UNLIQUIDATED,
            "SELECT requester, supplier, currency, max(exponent), method, count(*), "
            "sum(outstanding_minor) FROM orders WHERE outstanding_minor <> 0 AND "
            IN_STATES("state", "$1") " GROUP BY requester, supplier, currency, method "
            "ORDER BY requester, supplier, currency, method",
            values);
        return acsa__pg_run_query(s, &st, totals_each, &scan, NULL, err);
    }
    case ACSA_TOTALS_BY_METHOD: {
        const struct acsa__pg_value values[] = {
            PG_TEXT(states), PG_TEXT(settled), PG_TEXT(acsa_state_name(query->settled_state))};
        const struct acsa__pg_statement st = PG_STATEMENT(
            ACSA__PG_TOTALS_BY_METHOD,
            "SELECT method, currency, max(exponent), count(*), sum(value_minor), "
            "sum(settled), sum(settled * value_minor), "
            "sum(CASE WHEN settled_on IS NOT NULL AND delivered_on IS NOT NULL THEN 1 ELSE 0 "
            "END), sum(CASE WHEN settled_on IS NOT NULL AND delivered_on IS NOT NULL THEN "
            "settled_on::date - delivered_on::date ELSE 0 END)::bigint "
            "FROM (SELECT o.method, o.currency, o.exponent, o.value_minor, o.delivered_on, "
            "CASE WHEN " IN_STATES("o.state", "$2") " THEN 1 ELSE 0 END AS settled, "
            "CASE WHEN " IN_STATES("o.state", "$2") " THEN (SELECT min(e.day) FROM events e "
            "WHERE e.order_number = o.number AND e.state_to = $3::text) END AS settled_on "
            "FROM orders o WHERE " IN_STATES("o.state", "$1") ") t "
            "GROUP BY method, currency ORDER BY method, currency",
            values);
        return acsa__pg_run_query(s, &st, totals_each, &scan, NULL, err);
    }
    case ACSA_TOTALS_YEARLY: {
        const struct acsa__pg_value values[] = {PG_TEXT(states), PG_DAY(query->from_day),
                                                PG_DAY(query->to_day)};
        const struct acsa__pg_statement st = PG_STATEMENT(
            ACSA__PG_TOTALS_YEARLY,
            "SELECT o.agreement_id, coalesce(o.activity_id, 0), coalesce(a.name, ''), "
            "l.category, o.requester, o.supplier, o.currency, max(o.exponent), "
            "count(DISTINCT o.number), sum(l.value_minor) "
            "FROM orders o JOIN order_lines l ON l.order_number = o.number "
            "LEFT JOIN activities a ON a.id = o.activity_id "
            "WHERE " IN_STATES("o.state", "$1") " AND o.created_on >= $2::text "
            "AND o.created_on <= $3::text "
            "GROUP BY o.agreement_id, coalesce(o.activity_id, 0), coalesce(a.name, ''), "
            "l.category, o.requester, o.supplier, o.currency "
            "ORDER BY o.agreement_id, coalesce(o.activity_id, 0), l.category, o.requester, "
            "o.supplier, o.currency",
            values);
        return acsa__pg_run_query(s, &st, totals_each, &scan, NULL, err);
    }
    }
    return acsa_error_set(err, ACSA_EUSAGE, "kind", "unknown kind of totals");
}
