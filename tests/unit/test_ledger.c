/* SPDX-License-Identifier: MIT */
/* The ledger: commitments from acceptance through whole lifecycles (balanced, every account
 * back to zero), their release by a cancel and by acsa_post_uncommit, the value limits at
 * their boundaries, wide sums, conversion under the approval rule, lines in transit, and the
 * reports over many orders at the limit (defect 10). */
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
#include "auth.h"
#include "date.h"
#include "money.h"
#include "order.h"
#include "order_json.h"
#include "store.h"
#include "transit.h"

#ifndef ACSA_SOURCE_ROOT
#define ACSA_SOURCE_ROOT "."
#endif
#ifndef ACSA_CLI
#define ACSA_CLI "acsa"
#endif

/* Orders at ACSA_ORDER_VALUE_MAX whose sum no longer fits int64 (9,223 would). */
#define MANY_ORDERS 9300

struct fixture {
    struct acsa_agreement agreement;
    struct acsa_activity activity;
    struct acsa_official approver;       /* IN. */
    struct acsa_official acceptor;       /* JP. */
    struct acsa_order order;
    struct acsa_event event;
    struct acsa_error err;
    int64_t account[ACSA_ACCOUNT_COUNT]; /* Totals of the events added. */
};

static int32_t day_of(const char *text)
{
    int32_t day = 0;
    struct acsa_error err;
    assert_int_equal(acsa_date_parse(text, "date", &day, &err), ACSA_OK);
    return day;
}

static char agreement_text[65536];
static size_t agreement_size;

static void load_agreement(struct acsa_agreement *out)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/agreements/india-japan-2020.json", ACSA_SOURCE_ROOT);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    agreement_size = fread(agreement_text, 1, sizeof(agreement_text) - 1, f);
    agreement_text[agreement_size] = '\0';
    fclose(f);
    struct acsa_error err;
    assert_int_equal(acsa_agreement_from_json(agreement_text, agreement_size, out, &err),
                     ACSA_OK);
}

static void official(struct acsa_official *o, const char *party, const char *name,
                     int64_t jpy_limit)
{
    memset(o, 0, sizeof(*o));
    snprintf(o->party, sizeof(o->party), "%s", party);
    snprintf(o->name, sizeof(o->name), "%s", name);
    o->limit_currency[0] = *acsa_currency_find("JPY");
    o->limit_minor[0] = jpy_limit;
    o->limit_count = 1;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    load_agreement(&f->agreement);
    f->activity.id = 1;
    snprintf(f->activity.agreement_id, ACSA_ID_SIZE, "IN-JP-2020");
    snprintf(f->activity.name, ACSA_NAME_SIZE, "JIMEX 2024");
    snprintf(f->activity.type, ACSA_CODE_SIZE, "bilateral-training");
    f->activity.from_day = day_of("2024-06-01");
    f->activity.to_day = day_of("2024-06-20");
    official(&f->approver, "IN", "Cdr Rao", ACSA_ORDER_VALUE_MAX);
    official(&f->acceptor, "JP", "Capt Sato", ACSA_ORDER_VALUE_MAX);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static void set_line(struct acsa_order_draft *d, uint32_t index, int64_t qty_milli,
                     int64_t price)
{
    struct acsa_order_line *line = &d->lines[index];
    snprintf(line->category, sizeof(line->category), "pol");
    snprintf(line->description, sizeof(line->description), "Diesel");
    snprintf(line->unit_of_issue, sizeof(line->unit_of_issue), "l");
    line->quantity_milli = qty_milli;
    line->price_minor = price;
    snprintf(d->line_currency[index], ACSA_CURRENCY_SIZE, "JPY");
    if (index + 1 > d->line_count) {
        d->line_count = index + 1;
    }
}

/* IN requests from JP: 10 l at 1000 JPY and 4 l at 2500 JPY, 20,000 JPY. */
static struct acsa_order_draft draft_of(enum acsa_method method)
{
    struct acsa_order_draft d;
    memset(&d, 0, sizeof(d));
    snprintf(d.requester, sizeof(d.requester), "IN");
    snprintf(d.supplier, sizeof(d.supplier), "JP");
    d.requester_unit_id = 1;
    d.supplier_unit_id = 2;
    d.method = method;
    snprintf(d.place, sizeof(d.place), "Yokosuka");
    d.need_by_day = day_of("2024-06-05");
    set_line(&d, 0, 10000, 1000);
    set_line(&d, 1, 4000, 2500);
    return d;
}

static enum acsa_rc create(struct fixture *f, const struct acsa_order_draft *d)
{
    return acsa_order_create(&f->agreement, &f->activity, d, "IN-JP-2024-000001",
                             day_of("2024-06-01"), "Lt Iyer", &f->order, &f->event, &f->err);
}

/* Takes a step on f->order seen from nation and adds its postings to the totals. */
static enum acsa_rc step_as(struct fixture *f, const char *nation, enum acsa_step s,
                            const char *actor, uint32_t line, int64_t qty, int64_t amount)
{
    struct acsa_command cmd;
    memset(&cmd, 0, sizeof(cmd));
    cmd.step = s;
    cmd.day = day_of("2024-06-10");
    snprintf(cmd.actor, sizeof(cmd.actor), "%s", actor);
    snprintf(cmd.reason, sizeof(cmd.reason), "a reason");
    cmd.line_no = line;
    cmd.quantity_milli = qty;
    cmd.amount_minor = amount;
    if (s == ACSA_STEP_PAY) {
        snprintf(cmd.currency, sizeof(cmd.currency), "JPY");
    }
    if (s == ACSA_STEP_INVOICE) {
        snprintf(cmd.invoice, sizeof(cmd.invoice), "JP-INV-2024-%06u", f->order.invoice_count + 1);
    }
    cmd.official = s == ACSA_STEP_APPROVE ? &f->approver
                   : s == ACSA_STEP_ACCEPT ? &f->acceptor
                                           : NULL;
    enum acsa_rc rc = acsa_order_apply(&f->agreement, nation, &f->order, &cmd, &f->event,
                                       &f->err);
    if (rc == ACSA_OK) {
        assert_true(acsa_event_balanced(&f->event));
        for (uint32_t i = 0; i < f->event.posting_count; i++) {
            f->account[f->event.postings[i].account] += f->event.postings[i].amount_minor;
        }
    }
    return rc;
}

static void to_accepted(struct fixture *f, const char *nation, enum acsa_method method)
{
    struct acsa_order_draft d = draft_of(method);
    assert_int_equal(create(f, &d), ACSA_OK);
    memset(f->account, 0, sizeof(f->account));
    assert_int_equal(step_as(f, nation, ACSA_STEP_SUBMIT, "Lt Iyer", 0, 0, 0), ACSA_OK);
    assert_int_equal(step_as(f, nation, ACSA_STEP_APPROVE, "Cdr Rao", 0, 0, 0), ACSA_OK);
    assert_int_equal(step_as(f, nation, ACSA_STEP_ACCEPT, "Capt Sato", 0, 0, 0), ACSA_OK);
}

static void deliver(struct fixture *f, const char *nation)
{
    for (uint32_t no = 1; no <= f->order.line_count; no++) {
        int64_t q = f->order.lines[no - 1].quantity_milli;
        assert_int_equal(step_as(f, nation, ACSA_STEP_ISSUE, "PO Tanaka", no, q, 0), ACSA_OK);
        assert_int_equal(step_as(f, nation, ACSA_STEP_RECEIVE, "CPO Das", no, q / 2, 0),
                         ACSA_OK);
        assert_int_equal(step_as(f, nation, ACSA_STEP_RECEIVE, "CPO Das", no, q - q / 2, 0),
                         ACSA_OK);
    }
    assert_int_equal(f->order.state, ACSA_STATE_DELIVERED);
}

static void expect_commitments_zero(const struct fixture *f)
{
    for (int a = ACSA_ACCOUNT_COMMITTED_RECEIVABLE_CASH; a <= ACSA_ACCOUNT_COMMITTED; a++) {
        assert_int_equal(f->account[a], 0);
    }
}

/* ---- Commitments ------------------------------------------------------------------------ */

static void test_commitment_cash_lifecycle_requester(void **state)
{
    struct fixture *f = *state;
    to_accepted(f, "IN", ACSA_METHOD_CASH);
    assert_true(acsa_order_committed(&f->order));
    assert_int_equal(acsa_order_commitment(&f->order), 20000);
    assert_int_equal(f->account[ACSA_ACCOUNT_COMMITTED_PAYABLE_CASH], -20000);
    assert_int_equal(f->account[ACSA_ACCOUNT_COMMITTED], 20000);
    assert_int_equal(f->account[ACSA_ACCOUNT_PAYABLE_CASH], 0);
    assert_int_equal(step_as(f, "IN", ACSA_STEP_ISSUE, "PO Tanaka", 1, 10000, 0), ACSA_OK);
    assert_int_equal(step_as(f, "IN", ACSA_STEP_RECEIVE, "CPO Das", 1, 3333, 0), ACSA_OK);
    /* 3.333 l at 1000 JPY: 3333 JPY moved from the commitment to the payable. */
    assert_int_equal(f->account[ACSA_ACCOUNT_COMMITTED_PAYABLE_CASH], -16667);
    assert_int_equal(f->account[ACSA_ACCOUNT_PAYABLE_CASH], -3333);
    assert_int_equal(acsa_order_commitment(&f->order), 16667);
    assert_int_equal(step_as(f, "IN", ACSA_STEP_RECEIVE, "CPO Das", 1, 6667, 0), ACSA_OK);
    assert_int_equal(step_as(f, "IN", ACSA_STEP_ISSUE, "PO Tanaka", 2, 4000, 0), ACSA_OK);
    assert_int_equal(step_as(f, "IN", ACSA_STEP_RECEIVE, "CPO Das", 2, 4000, 0), ACSA_OK);
    assert_int_equal(f->order.state, ACSA_STATE_DELIVERED);
    expect_commitments_zero(f);
    assert_int_equal(f->account[ACSA_ACCOUNT_PAYABLE_CASH], -20000);
    assert_int_equal(step_as(f, "IN", ACSA_STEP_INVOICE, "Capt Sato", 0, 0, 0), ACSA_OK);
    assert_int_equal(step_as(f, "IN", ACSA_STEP_PAY, "Lt Finance", 0, 0, 20000), ACSA_OK);
    assert_int_equal(step_as(f, "IN", ACSA_STEP_CLOSE, "Cdr Rao", 0, 0, 0), ACSA_OK);
    /* Everything owed was paid: only what was received and what was paid remain. */
    for (int a = 0; a < ACSA_ACCOUNT_COUNT; a++) {
        int64_t want = a == ACSA_ACCOUNT_RECEIVED ? 20000 : a == ACSA_ACCOUNT_CASH ? -20000 : 0;
        assert_int_equal(f->account[a], want);
    }
}

static void test_commitment_supplier_side(void **state)
{
    struct fixture *f = *state;
    to_accepted(f, "JP", ACSA_METHOD_CASH);
    assert_int_equal(f->event.posting_count, 2);
    assert_int_equal(f->event.postings[0].account, ACSA_ACCOUNT_COMMITTED_RECEIVABLE_CASH);
    assert_int_equal(f->event.postings[0].amount_minor, 20000);
    assert_string_equal(f->event.postings[0].partner, "IN");
    assert_int_equal(f->event.postings[1].account, ACSA_ACCOUNT_COMMITTED);
    deliver(f, "JP");
    expect_commitments_zero(f);
    assert_int_equal(f->account[ACSA_ACCOUNT_RECEIVABLE_CASH], 20000);
    assert_int_equal(f->account[ACSA_ACCOUNT_SUPPLIED], -20000);
    /* Each commitment account mirrors the partner's. */
    assert_int_equal(acsa_account_mirror(ACSA_ACCOUNT_COMMITTED_RECEIVABLE_CASH),
                     ACSA_ACCOUNT_COMMITTED_PAYABLE_CASH);
    assert_int_equal(acsa_account_mirror(ACSA_ACCOUNT_COMMITTED_PAYABLE_KIND),
                     ACSA_ACCOUNT_COMMITTED_RECEIVABLE_KIND);
    assert_int_equal(acsa_account_mirror(ACSA_ACCOUNT_COMMITTED), ACSA_ACCOUNT_COMMITTED);
    enum acsa_account parsed;
    assert_true(acsa_account_parse("committed-receivable-kind", &parsed));
    assert_int_equal(parsed, ACSA_ACCOUNT_COMMITTED_RECEIVABLE_KIND);
}

static void test_commitment_in_kind(void **state)
{
    struct fixture *f = *state;
    to_accepted(f, "IN", ACSA_METHOD_RIK);
    assert_int_equal(f->account[ACSA_ACCOUNT_COMMITTED_PAYABLE_KIND], -20000);
    assert_int_equal(f->account[ACSA_ACCOUNT_COMMITTED_PAYABLE_CASH], 0);
    /* A dispute keeps the commitment on the books. */
    assert_int_equal(step_as(f, "IN", ACSA_STEP_DISPUTE, "Cdr Rao", 0, 0, 0), ACSA_OK);
    assert_int_equal(f->event.posting_count, 0);
    assert_true(acsa_order_committed(&f->order));
    assert_int_equal(acsa_order_commitment(&f->order), 20000);
    to_accepted(f, "IN", ACSA_METHOD_RIK);
    deliver(f, "IN");
    expect_commitments_zero(f);
    assert_int_equal(f->account[ACSA_ACCOUNT_PAYABLE_KIND], -20000);
    for (uint32_t no = 1; no <= 2; no++) {
        int64_t q = f->order.lines[no - 1].quantity_milli;
        assert_int_equal(step_as(f, "IN", ACSA_STEP_RETURN, "Lt Iyer", no, q, 0), ACSA_OK);
        assert_int_equal(step_as(f, "IN", ACSA_STEP_ACCEPT_RETURN, "Capt Sato", no, q, 0),
                         ACSA_OK);
    }
    assert_int_equal(f->order.state, ACSA_STATE_SETTLED);
    assert_int_equal(f->account[ACSA_ACCOUNT_PAYABLE_KIND], 0);
    expect_commitments_zero(f);
}

static void test_cancel_after_acceptance_releases(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft d = draft_of(ACSA_METHOD_EVE);
    assert_int_equal(create(f, &d), ACSA_OK);
    memset(f->account, 0, sizeof(f->account));
    assert_int_equal(step_as(f, "JP", ACSA_STEP_CANCEL, "Lt Iyer", 0, 0, 0), ACSA_OK);
    assert_int_equal(f->event.posting_count, 0); /* Nothing was committed yet. */
    to_accepted(f, "JP", ACSA_METHOD_EVE);
    assert_int_equal(f->account[ACSA_ACCOUNT_COMMITTED_RECEIVABLE_KIND], 20000);
    assert_int_equal(step_as(f, "JP", ACSA_STEP_CANCEL, "Lt Iyer", 0, 0, 0), ACSA_OK);
    assert_int_equal(f->event.posting_count, 2);
    expect_commitments_zero(f);
    assert_false(acsa_order_committed(&f->order));
    assert_int_equal(acsa_order_commitment(&f->order), 0);
}

static void test_post_uncommit_releases_a_quantity(void **state)
{
    struct fixture *f = *state;
    to_accepted(f, "IN", ACSA_METHOD_CASH);
    assert_int_equal(step_as(f, "IN", ACSA_STEP_ISSUE, "PO Tanaka", 2, 1500, 0), ACSA_OK);
    assert_int_equal(step_as(f, "IN", ACSA_STEP_RECEIVE, "CPO Das", 2, 1500, 0), ACSA_OK);
    /* Line 2 ended short at 1.5 of 4: the other 2.5 at 2500 JPY are released. */
    struct acsa_event event;
    memset(&event, 0, sizeof(event));
    snprintf(event.postings[0].currency, ACSA_CURRENCY_SIZE, "JPY");
    acsa_post_uncommit(&event, &f->order, "IN", 2, 2500);
    assert_int_equal(event.posting_count, 2);
    assert_true(acsa_event_balanced(&event));
    assert_int_equal(event.postings[0].account, ACSA_ACCOUNT_COMMITTED);
    assert_int_equal(event.postings[0].amount_minor, -6250);
    assert_int_equal(event.postings[1].account, ACSA_ACCOUNT_COMMITTED_PAYABLE_CASH);
    assert_int_equal(event.postings[1].amount_minor, 6250);
    assert_int_equal(event.postings[1].line_no, 2);
    for (uint32_t i = 0; i < event.posting_count; i++) {
        f->account[event.postings[i].account] += event.postings[i].amount_minor;
    }
    /* What stays committed is line 1 alone. */
    assert_int_equal(f->account[ACSA_ACCOUNT_COMMITTED_PAYABLE_CASH], -10000);
    /* Nothing is released of an order that holds no commitment, nor for a zero quantity. */
    memset(&event, 0, sizeof(event));
    acsa_post_uncommit(&event, &f->order, "IN", 1, 0);
    assert_int_equal(event.posting_count, 0);
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH);
    assert_int_equal(create(f, &d), ACSA_OK);
    acsa_post_uncommit(&event, &f->order, "IN", 1, 1000);
    assert_int_equal(event.posting_count, 0);
}

/* ---- Value limits ----------------------------------------------------------------------- */

static void test_value_limits_at_their_boundaries(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH);
    d.line_count = 1;
    set_line(&d, 0, 1000, ACSA_LINE_VALUE_MAX);
    assert_int_equal(create(f, &d), ACSA_OK);
    assert_int_equal(f->order.value_minor, ACSA_LINE_VALUE_MAX);
    set_line(&d, 0, 1000, ACSA_LINE_VALUE_MAX + 1);
    assert_int_equal(create(f, &d), ACSA_EREFUSED);
    assert_string_equal(f->err.field, "line.price");
    assert_non_null(strstr(f->err.message, "ACSA_LINE_VALUE_MAX"));
    /* Quantities count: 1.001 units at the limit are more than it. */
    set_line(&d, 0, 1001, ACSA_LINE_VALUE_MAX);
    assert_int_equal(create(f, &d), ACSA_EREFUSED);
    set_line(&d, 0, 1000, ACSA_ORDER_VALUE_MAX / 2);
    set_line(&d, 1, 1000, ACSA_ORDER_VALUE_MAX / 2);
    assert_int_equal(create(f, &d), ACSA_OK);
    assert_int_equal(f->order.value_minor, ACSA_ORDER_VALUE_MAX);
    set_line(&d, 1, 1000, ACSA_ORDER_VALUE_MAX / 2 + 1);
    assert_int_equal(create(f, &d), ACSA_EREFUSED);
    assert_non_null(strstr(f->err.message, "ACSA_ORDER_VALUE_MAX"));
}

static void test_defect10_huge_orders_refused_at_entry(void **state)
{
    struct fixture *f = *state;
    /* "defect 10: two received JPY orders of qty 5,000,000,000,000 at 1,000,000": each is
     * refused at entry, naming the limit, so their sum can never reach a report. */
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH);
    d.line_count = 1;
    set_line(&d, 0, INT64_C(5000000000000) * 1000, 1000000);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(create(f, &d), ACSA_EREFUSED);
        assert_string_equal(f->err.message,
                            "line 1: quantity x price exceeds the largest value of a line, "
                            "1000000000000000 JPY (ACSA_LINE_VALUE_MAX)");
    }
}

/* ---- Wide sums -------------------------------------------------------------------------- */

static void test_wide_format_and_parse(void **state)
{
    (void)state;
    char text[ACSA_WIDE_TEXT_SIZE];
    acsa_wide big = (acsa_wide)ACSA_ORDER_VALUE_MAX * MANY_ORDERS;
    assert_string_equal(acsa_wide_format(big, 0, text), "9300000000000000000");
    assert_string_equal(acsa_wide_format(-big, 2, text), "-93000000000000000.00");
    assert_string_equal(acsa_wide_format(5, 3, text), "0.005");
    assert_string_equal(acsa_wide_format(0, 2, text), "0.00");
    assert_string_equal(acsa_wide_format(-7, 0, text), "-7");
    acsa_wide huge = (acsa_wide)INT64_MAX * INT64_MAX;
    assert_string_equal(acsa_wide_format(huge, 0, text), "85070591730234615847396907784232501249");
    assert_string_equal(acsa_wide_quantity_format(12500, text), "12.5");
    assert_string_equal(acsa_wide_quantity_format(-3000, text), "-3");
    acsa_wide back = 0;
    assert_true(acsa_wide_parse("85070591730234615847396907784232501249", &back));
    assert_true(back == huge);
    assert_true(acsa_wide_parse("-9300000000000000000", &back));
    assert_true(back == -big);
    assert_false(acsa_wide_parse("", &back));
    assert_false(acsa_wide_parse("12a", &back));
    assert_false(acsa_wide_parse("-", &back));
    assert_false(acsa_wide_parse("123456789012345678901234567890123456789", &back));
    assert_true(back == 0);
}

/* ---- Conversion under the approval rule ------------------------------------------------- */

static enum acsa_rc convert(struct fixture *f, const struct acsa_official *by,
                            const char *actor)
{
    struct acsa_command cmd;
    memset(&cmd, 0, sizeof(cmd));
    cmd.step = ACSA_STEP_CONVERT;
    cmd.day = f->order.due_day + 1;
    snprintf(cmd.actor, sizeof(cmd.actor), "%s", actor);
    cmd.official = by;
    return acsa_order_apply(&f->agreement, "JP", &f->order, &cmd, &f->event, &f->err);
}

static void test_defect7_approval_needs_official_of_creditor(void **state)
{
    struct fixture *f = *state;
    f->agreement.conversion = ACSA_CONVERSION_APPROVAL;
    to_accepted(f, "JP", ACSA_METHOD_RIK);
    deliver(f, "JP");
    assert_string_equal(acsa_order_official_party(&f->agreement, &f->order, ACSA_STEP_CONVERT),
                        "JP");
    assert_string_equal(acsa_order_official_party(&f->agreement, &f->order, ACSA_STEP_APPROVE),
                        "IN");
    assert_null(acsa_order_official_party(&f->agreement, &f->order, ACSA_STEP_ISSUE));
    /* "defect 7: under approval, a --by that is not an official of the creditor is
     * refused": any text, an official of the debtor, too small a limit. */
    assert_int_equal(convert(f, NULL, "anybody"), ACSA_EREFUSED);
    assert_string_equal(f->err.message,
                        "by: \"anybody\" is not an authorised official of JP; agreement "
                        "IN-JP-2020's conversion rule is approval, so converting order "
                        "IN-JP-2024-000001 needs an official of the creditor");
    assert_int_equal(convert(f, &f->approver, "Cdr Rao"), ACSA_EREFUSED);
    struct acsa_official small;
    official(&small, "JP", "Capt Sato", 19999);
    assert_int_equal(convert(f, &small, "Capt Sato"), ACSA_EREFUSED);
    assert_non_null(strstr(f->err.message, "conversion value 20000 JPY exceeds"));
    assert_int_equal(f->order.state, ACSA_STATE_DELIVERED);
    assert_int_equal(convert(f, &f->acceptor, "Capt Sato"), ACSA_OK);
    assert_true(f->order.converted);
    /* Under the automatic rule no official is asked for. */
    f->agreement.conversion = ACSA_CONVERSION_AUTOMATIC;
    assert_null(acsa_order_official_party(&f->agreement, &f->order, ACSA_STEP_CONVERT));
    to_accepted(f, "JP", ACSA_METHOD_RIK);
    deliver(f, "JP");
    assert_int_equal(convert(f, NULL, "system:convert"), ACSA_OK);
}

/* ---- Lines in transit ------------------------------------------------------------------- */

static void test_transit_first_issued_first_received(void **state)
{
    struct fixture *f = *state;
    to_accepted(f, "IN", ACSA_METHOD_CASH);
    assert_int_equal(step_as(f, "IN", ACSA_STEP_ISSUE, "PO Tanaka", 1, 6000, 0), ACSA_OK);
    assert_int_equal(step_as(f, "IN", ACSA_STEP_ISSUE, "PO Tanaka", 1, 4000, 0), ACSA_OK);
    struct acsa_transit_issue issues[] = {
        {2, day_of("2024-06-01"), 4000},   /* Another line's issue counts not. */
        {1, day_of("2024-06-10"), 6000},
        {1, day_of("2024-06-20"), 4000},
    };
    struct acsa_transit_line line;
    assert_int_equal(acsa_transit_days(&f->agreement), 14);
    /* Nothing received: in transit since the first issue, 14 days are allowed. */
    assert_false(acsa_transit_late(&f->agreement, &f->order, 1, issues, 3, day_of("2024-06-24"),
                                   &line));
    assert_true(acsa_transit_late(&f->agreement, &f->order, 1, issues, 3, day_of("2024-06-25"),
                                  &line));
    assert_int_equal(line.issued_day, day_of("2024-06-10"));
    assert_int_equal(line.days, 15);
    assert_int_equal(line.issued_milli, 10000);
    assert_int_equal(line.received_milli, 0);
    /* The first issue received in full: the second is what is in transit, since the 20th. */
    assert_int_equal(step_as(f, "IN", ACSA_STEP_RECEIVE, "CPO Das", 1, 6000, 0), ACSA_OK);
    assert_false(acsa_transit_late(&f->agreement, &f->order, 1, issues, 3, day_of("2024-06-25"),
                                   &line));
    assert_true(acsa_transit_late(&f->agreement, &f->order, 1, issues, 3, day_of("2024-07-05"),
                                  &line));
    assert_int_equal(line.issued_day, day_of("2024-06-20"));
    /* All received: nothing in transit; a line never issued neither. */
    assert_int_equal(step_as(f, "IN", ACSA_STEP_RECEIVE, "CPO Das", 1, 4000, 0), ACSA_OK);
    assert_false(acsa_transit_late(&f->agreement, &f->order, 1, issues, 3, day_of("2030-01-01"),
                                   &line));
    assert_false(acsa_transit_late(&f->agreement, &f->order, 2, issues, 3, day_of("2030-01-01"),
                                   &line));
    /* The agreement's own setting counts; an agreement without one has the default. */
    f->agreement.transit_days = 30;
    assert_int_equal(acsa_transit_days(&f->agreement), 30);
    f->agreement.transit_days = 0;
    assert_int_equal(acsa_transit_days(&f->agreement), ACSA_AGREEMENT_TRANSIT_DAYS_DEFAULT);
}

/* ---- Many orders at the limit (defect 10) ----------------------------------------------- */

/* Takes a step on order and stores its event. */
static void stored_step(struct fixture *f, struct acsa_store *store, enum acsa_step s,
                        const char *actor, uint32_t line, int64_t qty, int32_t day)
{
    struct acsa_command cmd;
    memset(&cmd, 0, sizeof(cmd));
    cmd.step = s;
    cmd.day = day;
    snprintf(cmd.actor, sizeof(cmd.actor), "%s", actor);
    cmd.line_no = line;
    cmd.quantity_milli = qty;
    if (s == ACSA_STEP_INVOICE) {
        /* One invoice per order: numbered after the order's own sequence. */
        snprintf(cmd.invoice, sizeof(cmd.invoice), "JP-INV-%s", f->order.number + 6);
    }
    cmd.official = s == ACSA_STEP_APPROVE ? &f->approver
                   : s == ACSA_STEP_ACCEPT ? &f->acceptor
                                           : NULL;
    assert_int_equal(acsa_order_apply(&f->agreement, "IN", &f->order, &cmd, &f->event, &f->err),
                     ACSA_OK);
    if (s == ACSA_STEP_ACCEPT || s == ACSA_STEP_RECEIVE || s == ACSA_STEP_INVOICE) {
        if (store->vtbl->ledger->order_update(store, &f->order, &f->event, &f->err) != ACSA_OK) {
            fail_msg("%s: %s", acsa_step_name(s), f->err.message);
        }
    }
}

/* MANY_ORDERS cash orders of ACSA_ORDER_VALUE_MAX each, received and invoiced on 2024-06-12
 * (due 2024-07-12): built through the core and stored directly, in one transaction. Only
 * the events that post are stored; the order rows hold every step. */
static void build_many(struct fixture *f, struct acsa_app *app)
{
    struct acsa_store *store = acsa__app_store(app);
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH);
    d.line_count = 1;
    set_line(&d, 0, 1000, ACSA_ORDER_VALUE_MAX);
    int32_t day = day_of("2024-06-12");
    d.need_by_day = day; /* Not before the order's date. */
    assert_int_equal(acsa_app_begin(app, &f->err), ACSA_OK);
    for (int i = 1; i <= MANY_ORDERS; i++) {
        char number[ACSA_NUMBER_SIZE];
        acsa_order_number_format("IN", "JP", 2024, i, number);
        enum acsa_rc created = acsa_order_create(&f->agreement, &f->activity, &d, number, day,
                                                 "Lt Iyer", &f->order, &f->event, &f->err);
        if (created != ACSA_OK) {
            fail_msg("create %s: %s", number, f->err.message);
        }
        assert_int_equal(store->vtbl->ledger->order_insert(store, &f->order, &f->event, &f->err),
                         ACSA_OK);
        stored_step(f, store, ACSA_STEP_SUBMIT, "Lt Iyer", 0, 0, day);
        stored_step(f, store, ACSA_STEP_APPROVE, "Cdr Rao", 0, 0, day);
        stored_step(f, store, ACSA_STEP_ACCEPT, "Capt Sato", 0, 0, day);
        stored_step(f, store, ACSA_STEP_ISSUE, "PO Tanaka", 1, 1000, day);
        stored_step(f, store, ACSA_STEP_RECEIVE, "CPO Das", 1, 1000, day);
        stored_step(f, store, ACSA_STEP_INVOICE, "Capt Sato", 0, 0, day);
    }
    assert_int_equal(acsa_app_commit(app, &f->err), ACSA_OK);
}

static enum acsa_rc keep_line(void *ctx, const struct acsa_balance_line *line, acsa_wide net)
{
    struct acsa_balance_line *out = ctx;
    *out = *line;
    (void)net;
    return ACSA_OK;
}

/* Runs the acsa command on path with args and returns its standard output (malloc'd). */
static char *run_cli(const char *path, const char *args)
{
    char command[1024];
    snprintf(command, sizeof(command), "'%s' --db '%s' %s", ACSA_CLI, path, args);
    FILE *pipe = popen(command, "r");
    assert_non_null(pipe);
    size_t size = 0;
    size_t capacity = 1 << 20;
    char *text = malloc(capacity);
    assert_non_null(text);
    size_t got = 0;
    while ((got = fread(text + size, 1, capacity - size - 1, pipe)) > 0) {
        size += got;
        if (size + 1 == capacity) {
            capacity *= 2;
            text = realloc(text, capacity);
            assert_non_null(text);
        }
    }
    text[size] = '\0';
    assert_int_equal(pclose(pipe), 0); /* Exit 0: no "integer overflow", no stop part-way. */
    return text;
}

static void test_defect10_many_orders_at_the_limit_sum_exactly(void **state)
{
    struct fixture *f = *state;
    char dir[] = "/tmp/acsa-test-ledger-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof(path), "%s/node.db", dir);
    assert_int_equal(acsa_app_init(path, "IN", "India", &f->err), ACSA_OK);
    struct acsa_app *app = NULL;
    assert_int_equal(acsa_app_open(path, ACSA_STORE_BULK_LOAD, &app, &f->err), ACSA_OK);
    char id[ACSA_ID_SIZE];
    assert_int_equal(acsa_app_agreement_load(app, agreement_text, agreement_size, id, &f->err),
                     ACSA_OK);
    int64_t activity_id = 0;
    assert_int_equal(acsa_app_activity_add(app, &f->activity, &activity_id, &f->err), ACSA_OK);
    f->activity.id = activity_id;
    int64_t unit = 0;
    assert_int_equal(acsa_app_unit_add(app, "IN", "Indian Navy", &unit, &f->err), ACSA_OK);
    assert_int_equal(acsa_app_unit_add(app, "JP", "JMSDF", &unit, &f->err), ACSA_OK);
    build_many(f, app);

    /* The store's balance in wide sums: exact, past int64. */
    struct acsa_balance_line line;
    memset(&line, 0, sizeof(line));
    struct acsa_balance_grouper grouper = {.emit = keep_line, .ctx = &line, .err = &f->err};
    struct acsa_store *store = acsa__app_store(app);
    assert_int_equal(store->vtbl->ledger->balance(store, "", ACSA_DATE_NONE,
                                                  acsa_balance_grouper_row, &grouper, &f->err),
                     ACSA_OK);
    assert_int_equal(acsa_balance_grouper_finish(&grouper), ACSA_OK);
    acsa_wide total = (acsa_wide)ACSA_ORDER_VALUE_MAX * MANY_ORDERS;
    assert_true(total > INT64_MAX);
    assert_true(line.payable_cash_minor == total);
    assert_true(line.received_minor == total);
    assert_true(line.committed_payable_cash_minor == 0);
    assert_true(acsa_balance_line_net(&line) == -total);
    acsa_app_close(app);

    /* The reports of the acsa command: every figure exact, exit 0. */
    char *balance = run_cli(path, "balance --json");
    assert_non_null(strstr(balance, "\"payable_cash\": \"9300000000000000000\""));
    assert_non_null(strstr(balance, "\"net\": \"-9300000000000000000\""));
    free(balance);
    char *overdue = run_cli(path, "overdue --as-of 2025-01-01 --json");
    assert_non_null(strstr(overdue, "\"orders\": 9300"));
    assert_non_null(strstr(overdue, "\"outstanding\": \"9300000000000000000\""));
    assert_non_null(strstr(overdue, "IN-JP-2024-009300"));
    free(overdue);
    char command[256];
    snprintf(command, sizeof(command), "rm -rf '%s'", dir);
    assert_int_equal(system(command), 0);
}

/* A test named as the issue names it ("defect N: ..."), with the fixture. */
#define NAMED(name, fn) {name, fn, setup, teardown, NULL}

int main(void)
{
    const struct CMUnitTest tests[] = {
        NAMED("commitments: a cash lifecycle seen by the requester",
              test_commitment_cash_lifecycle_requester),
        NAMED("commitments: the supplier's side", test_commitment_supplier_side),
        NAMED("commitments: in kind, kept through a dispute", test_commitment_in_kind),
        NAMED("commitments: a cancel after acceptance releases them",
              test_cancel_after_acceptance_releases),
        NAMED("commitments: acsa_post_uncommit releases a quantity of a line",
              test_post_uncommit_releases_a_quantity),
        NAMED("value limits at their boundaries", test_value_limits_at_their_boundaries),
        NAMED("defect 10: two received JPY orders of qty 5,000,000,000,000 at 1,000,000 are "
              "refused at entry naming the limit",
              test_defect10_huge_orders_refused_at_entry),
        NAMED("wide sums format and parse exactly", test_wide_format_and_parse),
        NAMED("defect 7: under approval, a --by that is not an official of the creditor is "
              "refused",
              test_defect7_approval_needs_official_of_creditor),
        NAMED("in transit: first issued, first received, after transit_days",
              test_transit_first_issued_first_received),
        NAMED("defect 10: many orders at the limit sum correctly in acsa balance and acsa "
              "overdue",
              test_defect10_many_orders_at_the_limit_sum_exactly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
