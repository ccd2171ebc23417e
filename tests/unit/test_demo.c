/* SPDX-License-Identifier: MIT */
/* The demo data set: it covers every order state and settlement method, has overdue orders
 * and balances, refuses an existing path, and embeds the agreement file unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "agreement.h"
#include "agreement_json.h"
#include "app.h"
#include "app_int.h"
#include "app_reads.h"
#include "auth.h"
#include "date.h"
#include "demo.h"
#include "store.h"

#ifndef ACSA_SOURCE_ROOT
#define ACSA_SOURCE_ROOT "."
#endif

/* The demo database, made once for all tests. */
struct fixture {
    char dir[64];
    char path[128];
    struct acsa_app *app;
};

/* What order_list reported. */
struct tally {
    unsigned orders;
    unsigned state[ACSA_STATE_COUNT];
    unsigned method[ACSA_METHOD_COUNT];
    unsigned rows;
};

static int32_t day_of(const char *text)
{
    int32_t day = 0;
    struct acsa_error err;
    assert_int_equal(acsa_date_parse(text, "date", &day, &err), ACSA_OK);
    return day;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/acsa-test-demo-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/demo.db", f->dir);
    FILE *progress = tmpfile();
    assert_non_null(progress);
    struct acsa_error err;
    enum acsa_rc rc = acsa_demo_run(f->path, progress, &err);
    if (rc != ACSA_OK) {
        fprintf(stderr, "demo failed: %s\n", err.message);
    }
    assert_int_equal(rc, ACSA_OK);
    char text[4096] = "";
    rewind(progress);
    size_t size = fread(text, 1, sizeof(text) - 1, progress);
    text[size] = '\0';
    fclose(progress);
    assert_non_null(strstr(text, "demo: agreement IN-JP-2020 loaded\n"));
    assert_non_null(strstr(text, " orders created\n"));
    assert_int_equal(acsa_app_open(f->path, 0, &f->app, &err), ACSA_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    acsa_app_close(f->app);
    char other[160];
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal", ".key"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(other, sizeof(other), "%s%s", f->path, suffixes[i]);
        unlink(other);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static enum acsa_rc count_order(void *ctx, const struct acsa_order_summary *order)
{
    struct tally *t = ctx;
    assert_true((unsigned)order->state < ACSA_STATE_COUNT);
    assert_true((unsigned)order->method < ACSA_METHOD_COUNT);
    assert_string_equal(order->agreement_id, "IN-JP-2020");
    t->orders++;
    t->state[order->state]++;
    t->method[order->method]++;
    return ACSA_OK;
}

static struct tally list_orders(struct fixture *f, int32_t overdue_as_of)
{
    struct acsa_store *store = acsa__app_store(f->app);
    struct acsa_order_filter filter;
    memset(&filter, 0, sizeof(filter));
    if (overdue_as_of != ACSA_DATE_NONE) {
        acsa_order_overdue_rule(overdue_as_of, &filter.due);
    }
    struct tally t;
    memset(&t, 0, sizeof(t));
    struct acsa_error err;
    assert_int_equal(store->vtbl->ledger->order_list(store, &filter, count_order, &t, &err),
                     ACSA_OK);
    return t;
}

static void test_every_state_and_method(void **state)
{
    struct fixture *f = *state;
    struct tally t = list_orders(f, ACSA_DATE_NONE);
    assert_in_range(t.orders, 55, 65);
    for (unsigned s = 0; s < ACSA_STATE_COUNT; s++) {
        if (t.state[s] == 0) {
            fail_msg("no demo order in state %s", acsa_state_name((enum acsa_state)s));
        }
    }
    for (unsigned m = 0; m < ACSA_METHOD_COUNT; m++) {
        if (t.method[m] == 0) {
            fail_msg("no demo order settled by %s", acsa_method_name((enum acsa_method)m));
        }
    }
}

static void test_overdue(void **state)
{
    struct fixture *f = *state;
    struct tally t = list_orders(f, day_of("2026-11-23"));
    assert_true(t.orders >= 3);
    /* Nothing is overdue before the first exercise. */
    t = list_orders(f, day_of("2024-01-01"));
    assert_int_equal(t.orders, 0);
}

/* What the overdue report's scan handed out. */
struct overdue_seen {
    unsigned open;
    unsigned disputed;
    unsigned late;
    uint64_t open_orders_in_totals;
};

static enum acsa_rc overdue_seen_row(void *ctx, const struct acsa_overdue_item *item)
{
    struct overdue_seen *seen = ctx;
    assert_true(item->days >= 1);
    assert_true(item->label[0] != '\0');
    assert_int_equal(item->disputed, item->order->state == ACSA_STATE_DISPUTED);
    if (item->disputed) {
        seen->disputed++;
    } else {
        seen->open++;
    }
    return ACSA_OK;
}

static enum acsa_rc late_seen_row(void *ctx, const struct acsa_invoice_late *item)
{
    struct overdue_seen *seen = ctx;
    assert_true(item->days_late >= 1);
    assert_int_equal(item->order->method, ACSA_METHOD_CASH);
    seen->late++;
    return ACSA_OK;
}

/* The one overdue report (the CLI's and the API's): every order past due once, the open ones
 * in the totals, sorted, the disputed ones apart; each part alone lists its own. */
static void test_overdue_report(void **state)
{
    struct fixture *f = *state;
    int32_t as_of = day_of("2026-11-23");
    struct acsa_error err;
    struct overdue_seen all = {0};
    struct acsa_overdue_totals totals = {0};
    assert_int_equal(acsa_app_overdue(f->app, as_of, NULL, ACSA_OVERDUE_ALL, overdue_seen_row,
                                      &all, &totals, &err),
                     ACSA_OK);
    assert_int_equal(all.open + all.disputed, list_orders(f, as_of).orders);
    assert_true(all.open >= 1);
    for (size_t i = 0; i < totals.count; i++) {
        all.open_orders_in_totals += totals.items[i].orders;
        assert_true(totals.items[i].outstanding_minor > 0);
        if (i > 0) {
            assert_true(totals.items[i - 1].bucket <= totals.items[i].bucket);
        }
    }
    assert_int_equal(all.open_orders_in_totals, all.open);
    acsa_app_overdue_totals_free(&totals);
    struct overdue_seen open = {0};
    struct overdue_seen disputed = {0};
    assert_int_equal(acsa_app_overdue(f->app, as_of, NULL, ACSA_OVERDUE_OPEN, overdue_seen_row,
                                      &open, NULL, &err),
                     ACSA_OK);
    assert_int_equal(acsa_app_overdue(f->app, as_of, NULL, ACSA_OVERDUE_DISPUTED,
                                      overdue_seen_row, &disputed, NULL, &err),
                     ACSA_OK);
    assert_int_equal(open.open, all.open);
    assert_int_equal(open.disputed, 0);
    assert_int_equal(disputed.disputed, all.disputed);
    assert_int_equal(disputed.open, 0);
    assert_int_equal(acsa_app_invoice_late(f->app, as_of, late_seen_row, &all, &err), ACSA_OK);

    /* The monthly figures count every order once, in month order, but the rejected and
     * cancelled ones. */
    struct acsa_monthly monthly;
    assert_int_equal(acsa_app_monthly(f->app, day_of("1900-01-01"), NULL, &monthly, &err),
                     ACSA_OK);
    uint64_t orders = 0;
    for (size_t i = 0; i < monthly.count; i++) {
        orders += monthly.items[i].orders;
        assert_true(i == 0 || monthly.items[i - 1].month <= monthly.items[i].month);
    }
    struct tally t = list_orders(f, ACSA_DATE_NONE);
    assert_int_equal(orders, t.orders - t.state[ACSA_STATE_REJECTED] -
                                 t.state[ACSA_STATE_CANCELLED]);
    acsa_app_monthly_free(&monthly);
    uint64_t counts[ACSA_STATE_COUNT];
    assert_int_equal(acsa_app_order_state_counts(f->app, counts, &err), ACSA_OK);
    uint64_t counted = 0;
    for (unsigned i = 0; i < ACSA_STATE_COUNT; i++) {
        counted += counts[i];
    }
    assert_int_equal(counted, t.orders);
}

/* The value per direction and currency of the demo's orders with Japan, as listed. */
struct direction_sums {
    const char *nation;
    acsa_wide received_usd;
    acsa_wide supplied_usd;
    acsa_wide void_usd;
    uint64_t received;
    uint64_t supplied;
};

static enum acsa_rc sum_direction(void *ctx, const struct acsa_order_summary *o)
{
    struct direction_sums *sums = ctx;
    bool received = strcmp(o->requester, sums->nation) == 0;
    bool usd = strcmp(o->currency, "USD") == 0;
    if (o->state == ACSA_STATE_REJECTED || o->state == ACSA_STATE_CANCELLED) {
        sums->void_usd += usd ? o->value_minor : 0;
        return ACSA_OK;
    }
    *(received ? &sums->received : &sums->supplied) += 1;
    if (usd) {
        *(received ? &sums->received_usd : &sums->supplied_usd) += o->value_minor;
    }
    return ACSA_OK;
}

static void test_monthly_directions_apart(void **state)
{
    struct fixture *f = *state;
    struct acsa_error err;
    struct direction_sums listed = {acsa_app_nation(f->app), 0, 0, 0, 0, 0};
    struct acsa_store *store = acsa__app_store(f->app);
    assert_int_equal(store->vtbl->ledger->order_list(store, NULL, sum_direction, &listed, &err),
                     ACSA_OK);
    /* The demo has orders both ways and rejected or cancelled ones in US dollars. */
    assert_true(listed.received > 0 && listed.supplied > 0);
    assert_true(listed.received_usd > 0 && listed.supplied_usd > 0 && listed.void_usd > 0);

    struct acsa_monthly monthly;
    assert_int_equal(acsa_app_monthly(f->app, day_of("1900-01-01"), NULL, &monthly, &err),
                     ACSA_OK);
    struct direction_sums charted = {NULL, 0, 0, 0, 0, 0};
    for (size_t i = 0; i < monthly.count; i++) {
        const struct acsa_month_figure *g = &monthly.items[i];
        assert_string_equal(g->partner, "JP");
        bool received = g->direction == ACSA_MONTH_RECEIVED;
        assert_true(received || g->direction == ACSA_MONTH_SUPPLIED);
        *(received ? &charted.received : &charted.supplied) += g->orders;
        if (strcmp(g->currency, "USD") == 0) {
            *(received ? &charted.received_usd : &charted.supplied_usd) += g->value_minor;
        }
        if (i > 0) { /* Month, partner, direction, currency: each figure once, in order. */
            const struct acsa_month_figure *p = &monthly.items[i - 1];
            bool before = p->month < g->month ||
                          (p->month == g->month && (p->direction < g->direction ||
                                                    (p->direction == g->direction &&
                                                     strcmp(p->currency, g->currency) < 0)));
            assert_true(before);
        }
    }
    acsa_app_monthly_free(&monthly);
    /* Each direction alone, rejected and cancelled left out: not their sum. */
    assert_int_equal(charted.received, listed.received);
    assert_int_equal(charted.supplied, listed.supplied);
    assert_true(charted.received_usd == listed.received_usd);
    assert_true(charted.supplied_usd == listed.supplied_usd);
    /* The figures measured on the demo: US$ 30,220.16 charted as one total with Japan was
     * 15,508.13 India asked for, 13,392.00 Japan asked for and 1,320.03 rejected or
     * cancelled. */
    assert_true(charted.received_usd == 1550813);
    assert_true(charted.supplied_usd == 1339200);
    assert_true(listed.void_usd == 132003);
    assert_string_equal(acsa_month_direction_name(ACSA_MONTH_RECEIVED), "received");
    assert_string_equal(acsa_month_direction_name(ACSA_MONTH_SUPPLIED), "supplied");
}

static void test_state_counts_as_seen(void **state)
{
    struct fixture *f = *state;
    struct acsa_error err;
    uint64_t all[ACSA_STATE_COUNT];
    struct acsa_state_counts seen;
    assert_int_equal(acsa_app_order_state_counts(f->app, all, &err), ACSA_OK);
    assert_int_equal(acsa_app_visible_state_counts(f->app, NULL, &seen, &err), ACSA_OK);
    assert_memory_equal(all, seen.all, sizeof(all));
    /* Every demo order is this node's, one way or the other. */
    for (unsigned s = 0; s < ACSA_STATE_COUNT; s++) {
        assert_int_equal(seen.requested[s] + seen.supplied[s], all[s]);
    }
    assert_true(seen.requested[ACSA_STATE_SUBMITTED] > 0);
    assert_true(seen.supplied[ACSA_STATE_SUBMITTED] > 0);
    /* An approver of the other nation sees none; of this one, every order (both parties). */
    struct acsa_user user;
    memset(&user, 0, sizeof(user));
    user.role = ACSA_ROLE_APPROVER;
    snprintf(user.party, sizeof(user.party), "FR");
    assert_int_equal(acsa_app_visible_state_counts(f->app, &user, &seen, &err), ACSA_OK);
    for (unsigned s = 0; s < ACSA_STATE_COUNT; s++) {
        assert_int_equal(seen.all[s], 0);
    }
    snprintf(user.party, sizeof(user.party), "JP");
    struct acsa_state_counts japan;
    assert_int_equal(acsa_app_visible_state_counts(f->app, &user, &japan, &err), ACSA_OK);
    assert_memory_equal(all, japan.all, sizeof(all));
    assert_int_equal(acsa_app_visible_state_counts(f->app, NULL, &seen, &err), ACSA_OK);
    assert_memory_equal(japan.requested, seen.supplied, sizeof(all));
    assert_memory_equal(japan.supplied, seen.requested, sizeof(all));
    user.disabled = true;
    assert_int_equal(acsa_app_visible_state_counts(f->app, &user, &seen, &err), ACSA_OK);
    assert_int_equal(seen.all[ACSA_STATE_SUBMITTED], 0);
}

static void test_one_exchange_and_one_conversion(void **state)
{
    struct fixture *f = *state;
    struct acsa_order *order = malloc(sizeof(*order));
    assert_non_null(order);
    struct acsa_error err;
    /* The first Indian request of JIMEX 2024 is an exchange; the first Japanese request of
     * Dharma Guardian 2024 was converted to cash. */
    assert_int_equal(acsa_app_order_get(f->app, "IN-JP-2024-000004", order, NULL, &err),
                     ACSA_OK);
    assert_int_equal(order->method, ACSA_METHOD_EVE);
    assert_string_not_equal(order->exchanged_with, "");
    assert_int_equal(acsa_app_order_get(f->app, "JP-IN-2024-M000001", order, NULL, &err),
                     ACSA_OK);
    assert_int_equal(order->method, ACSA_METHOD_RIK);
    assert_true(order->converted);
    assert_int_equal(order->state, ACSA_STATE_INVOICED);
    assert_true(order->paid_minor > 0 && order->paid_minor < order->cash_due_minor);
    free(order);
}

static enum acsa_rc count_row(void *ctx, const struct acsa_balance_row *row)
{
    struct tally *t = ctx;
    assert_string_equal(row->partner, "JP");
    t->rows++;
    return ACSA_OK;
}

static void test_balance_with_japan(void **state)
{
    struct fixture *f = *state;
    struct acsa_store *store = acsa__app_store(f->app);
    struct tally t;
    memset(&t, 0, sizeof(t));
    struct acsa_error err;
    assert_int_equal(store->vtbl->ledger->balance(store, "JP", ACSA_DATE_NONE, count_row, &t, &err),
                     ACSA_OK);
    assert_true(t.rows > 0);
}

/* ---- The reports of requirement 15 on the demo --------------------------------------------- */

/* Settlement by method: the measured figures of the demo. */
struct method_seen {
    char text[8][160];
    size_t count;
};

static enum acsa_rc method_seen_row(void *ctx, const struct acsa_method_row *row)
{
    struct method_seen *seen = ctx;
    assert_true(seen->count < 8);
    struct acsa_report_cells cells;
    acsa_report_method_cells(row, &cells);
    snprintf(seen->text[seen->count++], sizeof(seen->text[0]), "%s %s %s %s %s %s %s %s",
             cells.cells[0], cells.cells[1], cells.cells[2], cells.cells[3], cells.cells[4],
             cells.cells[5], cells.cells[6], cells.cells[7]);
    return ACSA_OK;
}

static void test_report_by_method(void **state)
{
    struct fixture *f = *state;
    struct method_seen seen = {0};
    struct acsa_error err;
    assert_int_equal(acsa_app_by_method(f->app, method_seen_row, &seen, &err), ACSA_OK);
    static const char *const expected[] = {
        "cash INR 9 7423570.00 3 1733985.00 23.4 38",
        "cash JPY 18 47922250 6 12741650 26.6 40",
        "cash USD 5 28900.13 1 1994.49 6.9 40",
        "eve JPY 6 20402200 3 15214000 74.6 37",
        "rik INR 5 2979900.00 2 682440.00 22.9 182",
        "rik JPY 8 36859000 2 15219000 41.3 142",
    };
    assert_int_equal(seen.count, sizeof(expected) / sizeof(expected[0]));
    for (size_t i = 0; i < seen.count; i++) {
        assert_string_equal(seen.text[i], expected[i]);
    }
}

/* The statement with Japan over the demo's whole history: each section's lines add up, and
 * its opening and closing are the balance as of the days around the period. */
struct statement_check {
    struct acsa_app *app;
    acsa_wide running;
    uint64_t postings;
    uint64_t sections;
    char closing[8][64];
    size_t closings;
};

static acsa_wide section_balance(struct acsa_app *app, const char *currency, bool in_kind,
                                 int32_t as_of);

static enum acsa_rc statement_check_row(void *ctx, const struct acsa_statement_line *line)
{
    struct statement_check *c = ctx;
    if (line->kind == ACSA_STATEMENT_OPENING) {
        c->running = line->balance_minor;
        c->sections++;
        assert_true(line->balance_minor ==
                    section_balance(c->app, line->currency, line->in_kind, line->day));
    } else if (line->kind == ACSA_STATEMENT_POSTING) {
        c->running += line->posting->amount_minor;
        c->postings++;
        assert_true(line->balance_minor == c->running);
    } else {
        assert_true(line->balance_minor == c->running);
        assert_true(line->balance_minor ==
                    section_balance(c->app, line->currency, line->in_kind, line->day));
        char amount[ACSA_WIDE_TEXT_SIZE];
        assert_true(c->closings < 8);
        snprintf(c->closing[c->closings++], sizeof(c->closing[0]), "%s %s %s", line->currency,
                 acsa_statement_section_name(line->in_kind),
                 acsa_wide_format(line->balance_minor, line->exponent, amount));
    }
    return ACSA_OK;
}

struct section_sum {
    const char *currency;
    bool in_kind;
    acsa_wide sum;
};

static enum acsa_rc section_sum_row(void *ctx, const struct acsa_balance_row *row)
{
    struct section_sum *s = ctx;
    bool cash = row->account == ACSA_ACCOUNT_RECEIVABLE_CASH ||
                row->account == ACSA_ACCOUNT_PAYABLE_CASH;
    bool kind = row->account == ACSA_ACCOUNT_RECEIVABLE_KIND ||
                row->account == ACSA_ACCOUNT_PAYABLE_KIND;
    if (strcmp(row->currency, s->currency) == 0 && (s->in_kind ? kind : cash)) {
        s->sum += row->amount_minor;
    }
    return ACSA_OK;
}

static acsa_wide section_balance(struct acsa_app *app, const char *currency, bool in_kind,
                                 int32_t as_of)
{
    struct section_sum s = {currency, in_kind, 0};
    struct acsa_error err;
    assert_int_equal(acsa_app_balance(app, "JP", as_of, section_sum_row, &s, &err), ACSA_OK);
    return s.sum;
}

static void test_report_statement(void **state)
{
    struct fixture *f = *state;
    struct statement_check c;
    memset(&c, 0, sizeof(c));
    c.app = f->app;
    struct acsa_error err;
    assert_int_equal(acsa_app_statement(f->app, "JP", "", day_of("2024-01-01"),
                                        day_of("2025-12-31"), statement_check_row, &c, &err),
                     ACSA_OK);
    assert_int_equal(c.sections, 5);
    assert_true(c.postings > 50);
    static const char *const closing[] = {"INR cash 5199700.00", "INR kind 1306932.00",
                                          "JPY cash -21195300", "JPY kind -10772500",
                                          "USD cash 2617.36"};
    assert_int_equal(c.closings, 5);
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(c.closing[i], closing[i]);
    }
    /* A period inside the history: openings are not zero, and still the balance's. */
    memset(&c, 0, sizeof(c));
    c.app = f->app;
    assert_int_equal(acsa_app_statement(f->app, "JP", "JPY", day_of("2024-07-01"),
                                        day_of("2024-12-31"), statement_check_row, &c, &err),
                     ACSA_OK);
    assert_int_equal(c.sections, 2);
    /* from after to is refused naming both. */
    assert_int_equal(acsa_app_statement(f->app, "JP", "", day_of("2024-07-01"),
                                        day_of("2024-06-30"), statement_check_row, &c, &err),
                     ACSA_EUSAGE);
    assert_string_equal(err.message, "from (2024-07-01) is after to (2024-06-30)");
}

/* The yearly summary adds up to the value of the orders raised in the year (past draft, not
 * rejected or cancelled); the open report lists each open order once. */
struct yearly_sum {
    acsa_wide value[4];
    const char *currency[4];
};

static enum acsa_rc yearly_sum_row(void *ctx, const struct acsa_yearly_row *row)
{
    struct yearly_sum *y = ctx;
    for (size_t i = 0; i < 4; i++) {
        if (y->currency[i] != NULL && strcmp(y->currency[i], row->totals->currency) == 0) {
            y->value[i] += row->totals->value_minor;
        }
    }
    return ACSA_OK;
}

struct order_sum {
    struct yearly_sum sum;
    int32_t from;
    int32_t to;
    uint64_t open;
};

static enum acsa_rc order_sum_row(void *ctx, const struct acsa_order_summary *o)
{
    struct order_sum *s = ctx;
    bool counted = o->state != ACSA_STATE_DRAFT && o->state != ACSA_STATE_REJECTED &&
                   o->state != ACSA_STATE_CANCELLED;
    if (o->state != ACSA_STATE_CLOSED && o->state != ACSA_STATE_REJECTED &&
        o->state != ACSA_STATE_CANCELLED) {
        s->open++;
    }
    for (size_t i = 0; counted && o->created_day >= s->from && o->created_day <= s->to && i < 4;
         i++) {
        if (strcmp(s->sum.currency[i], o->currency) == 0) {
            s->sum.value[i] += o->value_minor;
        }
    }
    return ACSA_OK;
}

static enum acsa_rc open_count_row(void *ctx, const struct acsa_open_item *item)
{
    uint64_t *count = ctx;
    assert_true(item->age_days >= 0);
    (*count)++;
    return ACSA_OK;
}

static void test_report_yearly_and_open(void **state)
{
    struct fixture *f = *state;
    struct acsa_error err;
    for (int32_t year = 2024; year <= 2025; year++) {
        struct yearly_sum got = {{0}, {"INR", "JPY", "USD", "EUR"}};
        assert_int_equal(acsa_app_yearly(f->app, year, yearly_sum_row, &got, &err), ACSA_OK);
        struct order_sum want;
        memset(&want, 0, sizeof(want));
        memcpy(want.sum.currency, got.currency, sizeof(got.currency));
        char from[16];
        char to[16];
        snprintf(from, sizeof(from), "%d-01-01", (int)year);
        snprintf(to, sizeof(to), "%d-12-31", (int)year);
        want.from = day_of(from);
        want.to = day_of(to);
        assert_int_equal(acsa_app_order_list(f->app, NULL, order_sum_row, &want, &err), ACSA_OK);
        for (size_t i = 0; i < 4; i++) {
            assert_true(got.value[i] == want.sum.value[i]);
        }
        if (year == 2025) {
            uint64_t listed = 0;
            struct acsa_open_totals totals = {0};
            assert_int_equal(acsa_app_open_orders(f->app, day_of("2025-12-31"), NULL,
                                                  open_count_row, &listed, &totals, &err),
                             ACSA_OK);
            assert_int_equal(listed, want.open);
            uint64_t counted = 0;
            for (size_t i = 0; i < totals.count; i++) {
                counted += totals.items[i].orders;
            }
            assert_int_equal(counted, want.open);
            acsa_app_open_totals_free(&totals);
        }
    }
    assert_int_equal(acsa_app_yearly(f->app, 1800, yearly_sum_row, NULL, &err), ACSA_EUSAGE);
}

static enum acsa_rc missing_count_row(void *ctx, const struct acsa_missing_item *item)
{
    uint64_t *count = ctx;
    assert_true(item->check[0] != '\0');
    assert_true(item->order->state != ACSA_STATE_DRAFT);
    (*count)++;
    return ACSA_OK;
}

static void test_report_missing(void **state)
{
    struct fixture *f = *state;
    struct acsa_error err;
    uint64_t findings = 0;
    assert_int_equal(acsa_app_missing(f->app, day_of("2025-12-31"), NULL, missing_count_row,
                                      &findings, &err),
                     ACSA_OK);
    printf("# missing on the demo: %llu findings\n", (unsigned long long)findings);
}

static void test_existing_path_refused(void **state)
{
    struct fixture *f = *state;
    struct acsa_error err;
    assert_int_equal(acsa_demo_run(f->path, NULL, &err), ACSA_EEXISTS);
    assert_int_equal(err.rc, ACSA_EEXISTS);
    assert_non_null(strstr(err.message, f->path));
    /* The existing database is left as it was. */
    assert_in_range(list_orders(f, ACSA_DATE_NONE).orders, 55, 65);
}

static void test_embedded_agreement_matches_file(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof(path), "%s/agreements/india-japan-2020.json", ACSA_SOURCE_ROOT);
    FILE *file = fopen(path, "rb");
    assert_non_null(file);
    static char text[65536];
    size_t size = fread(text, 1, sizeof(text), file);
    fclose(file);
    struct acsa_agreement *from_file = calloc(1, sizeof(*from_file));
    struct acsa_agreement *embedded = calloc(1, sizeof(*embedded));
    assert_non_null(from_file);
    assert_non_null(embedded);
    struct acsa_error err;
    assert_int_equal(acsa_agreement_from_json(text, size, from_file, &err), ACSA_OK);
    const char *demo = acsa_demo_agreement_json();
    assert_int_equal(acsa_agreement_from_json(demo, strlen(demo), embedded, &err), ACSA_OK);
    /* Canonical JSON compares every field and ignores struct padding. */
    char *a = NULL;
    char *b = NULL;
    assert_int_equal(acsa_agreement_to_json(from_file, &a, &err), ACSA_OK);
    assert_int_equal(acsa_agreement_to_json(embedded, &b, &err), ACSA_OK);
    assert_string_equal(a, b);
    assert_string_equal(embedded->id, "IN-JP-2020");
    free(a);
    free(b);
    free(from_file);
    free(embedded);
}

static enum acsa_rc tally_role(void *ctx, const struct acsa_user *user)
{
    unsigned *roles = ctx;
    roles[strcmp(user->party, "IN") == 0 ? user->role : ACSA_ROLE_COUNT + user->role]++;
    return ACSA_OK;
}

/* A user for every role of India and the Japanese side of an order, each able to sign in with
 * the demo password; every demo command is in an intact audit log. */
static void test_users_and_audit(void **state)
{
    struct fixture *f = *state;
    unsigned roles[2 * ACSA_ROLE_COUNT] = {0};
    struct acsa_error err;
    assert_int_equal(acsa_app_user_list(f->app, tally_role, roles, &err), ACSA_OK);
    for (unsigned r = 0; r < ACSA_ROLE_COUNT; r++) {
        assert_int_equal(roles[r], 1);
    }
    static const enum acsa_role japanese[] = {ACSA_ROLE_REQUESTER, ACSA_ROLE_APPROVER,
                                              ACSA_ROLE_SUPPLIER_CLERK,
                                              ACSA_ROLE_FINANCE_OFFICER};
    for (size_t i = 0; i < sizeof(japanese) / sizeof(japanese[0]); i++) {
        assert_int_equal(roles[ACSA_ROLE_COUNT + japanese[i]], 1);
    }
    char session[ACSA_SECRET_TEXT_SIZE];
    char csrf[ACSA_SECRET_TEXT_SIZE];
    struct acsa_user user;
    assert_int_equal(acsa_app_login(f->app, "jp-approver", "demo-password-1", 1718000000,
                                    session, csrf, &user, &err),
                     ACSA_OK);
    assert_string_equal(user.display_name, "Capt K. Sato");
    struct acsa_audit_verdict verdict;
    assert_int_equal(acsa_app_audit_verify(f->app, &verdict, &err), ACSA_OK);
    assert_true(verdict.ok);
    assert_true(verdict.records > 400);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_state_and_method),
        cmocka_unit_test(test_overdue),
        cmocka_unit_test(test_overdue_report),
        cmocka_unit_test(test_monthly_directions_apart),
        cmocka_unit_test(test_state_counts_as_seen),
        cmocka_unit_test(test_one_exchange_and_one_conversion),
        cmocka_unit_test(test_balance_with_japan),
        cmocka_unit_test(test_report_by_method),
        cmocka_unit_test(test_report_statement),
        cmocka_unit_test(test_report_yearly_and_open),
        cmocka_unit_test(test_report_missing),
        cmocka_unit_test(test_existing_path_refused),
        cmocka_unit_test(test_embedded_agreement_matches_file),
        cmocka_unit_test(test_users_and_audit),
    };
    return cmocka_run_group_tests_name("demo", tests, setup, teardown);
}
