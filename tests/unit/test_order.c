/* SPDX-License-Identifier: MIT */
/* The order state machine: every rule of entry, every legal and illegal transition, the
 * three settlement methods through to closed, deadlines, conversion, and the ledger legs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agreement.h"
#include "agreement_json.h"
#include "date.h"
#include "money.h"
#include "order.h"
#include "step_inputs.h"

#include "order_fixture.h"

static void test_create_valid(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft draft = draft_of(ACSA_METHOD_CASH, "IN", "JP");
    assert_int_equal(create(f, &draft, &f->order), ACSA_OK);
    assert_int_equal(f->order.state, ACSA_STATE_DRAFT);
    assert_int_equal(f->order.value_minor, 20000);
    assert_string_equal(f->order.currency.code, "JPY");
    assert_int_equal(f->order.event_count, 1);
    assert_int_equal(f->event.step, ACSA_STEP_CREATE);
    assert_int_equal(f->event.posting_count, 0);
    char number[ACSA_NUMBER_SIZE];
    assert_string_equal(acsa_order_number_format("IN", "JP", 2024, 42, number),
                        "IN-JP-2024-000042");
}

static void test_create_refusals(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft draft = draft_of(ACSA_METHOD_CASH, "IN", "JP");
    set_line(&draft, 1, "ammunition", 1000, 10, "JPY");
    expect_refused(f, &f->order, create(f, &draft, &f->order), ACSA_EREFUSED, "line.category",
                   "line 2: category \"ammunition\" is excluded by agreement IN-JP-2020");
    assert_int_equal(f->order.state, 0);
    assert_string_equal(f->order.number, "");

    draft = draft_of(ACSA_METHOD_CASH, "IN", "JP");
    set_line(&draft, 0, "jewellery", 1000, 10, "JPY");
    expect_refused(f, &f->order, create(f, &draft, &f->order), ACSA_EREFUSED, "line.category",
                   "line 1: category \"jewellery\" is not a category of agreement IN-JP-2020");

    draft = draft_of(ACSA_METHOD_CASH, "IN", "JP");
    set_line(&draft, 1, "food", 0, 10, "JPY");
    expect_refused(f, &f->order, create(f, &draft, &f->order), ACSA_EREFUSED, "line.qty",
                   "line 2: quantity must be greater than zero");

    draft = draft_of(ACSA_METHOD_CASH, "IN", "JP");
    set_line(&draft, 0, "food", -5, 10, "JPY");
    expect_refused(f, &f->order, create(f, &draft, &f->order), ACSA_EREFUSED, "line.qty", NULL);

    draft = draft_of(ACSA_METHOD_CASH, "IN", "JP");
    set_line(&draft, 0, "food", 1000, -1, "JPY");
    expect_refused(f, &f->order, create(f, &draft, &f->order), ACSA_EREFUSED, "line.price",
                   "line 1: price cannot be negative");

    draft = draft_of(ACSA_METHOD_CASH, "IN", "JP");
    set_line(&draft, 1, "food", 1000, 10, "EUR");
    expect_refused(f, &f->order, create(f, &draft, &f->order), ACSA_EREFUSED, "line.currency",
                   "line 2: currency \"EUR\" is not allowed by agreement IN-JP-2020");

    draft = draft_of(ACSA_METHOD_CASH, "IN", "JP");
    set_line(&draft, 1, "food", 1000, 10, "USD");
    expect_refused(f, &f->order, create(f, &draft, &f->order), ACSA_EREFUSED, "line.currency",
                   "line 2: currency USD differs from line 1 (JPY); one order is in one "
                   "currency");

    draft = draft_of(ACSA_METHOD_CASH, "IN", "JP");
    set_line(&draft, 0, "food", INT64_MAX / 2, INT64_MAX / 2, "JPY");
    expect_refused(f, &f->order, create(f, &draft, &f->order), ACSA_EREFUSED, "line.price",
                   "line 1: quantity x price exceeds the largest value of a line, "
                   "1000000000000000 JPY (ACSA_LINE_VALUE_MAX)");

    draft = draft_of(ACSA_METHOD_CASH, "IN", "JP");
    set_line(&draft, 0, "food", 1000, ACSA_LINE_VALUE_MAX - 5, "JPY");
    set_line(&draft, 1, "food", 1000, 10, "JPY");
    expect_refused(f, &f->order, create(f, &draft, &f->order), ACSA_EREFUSED, "line.price",
                   "line 2: the order's value exceeds the largest value of an order, "
                   "1000000000000000 JPY (ACSA_ORDER_VALUE_MAX)");
}

static void test_create_entry_rules(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft draft = draft_of(ACSA_METHOD_CASH, "IN", "JP");
    expect_refused(f, &f->order,
                   acsa_order_create(&f->agreement, &f->activity, &draft, "IN-JP-2019-000001",
                                     day_of("2019-05-01"), "Lt Iyer", &f->order, &f->event,
                                     &f->err),
                   ACSA_EREFUSED, "date",
                   "date: agreement IN-JP-2020 is not in force on 2019-05-01");

    draft = draft_of(ACSA_METHOD_CASH, "IN", "US");
    expect_refused(f, &f->order, create(f, &draft, &f->order), ACSA_EREFUSED, "supplier",
                   "supplier: US is not a party to agreement IN-JP-2020");
    draft = draft_of(ACSA_METHOD_CASH, "IN", "IN");
    expect_refused(f, &f->order, create(f, &draft, &f->order), ACSA_EREFUSED, "supplier",
                   "supplier: requester and supplier must be different parties");
    draft = draft_of(ACSA_METHOD_CASH, "in", "JP");
    expect_refused(f, &f->order, create(f, &draft, &f->order), ACSA_EUSAGE, "requester", NULL);

    /* A coast-guard-only exercise is not an activity type of the agreement. */
    snprintf(f->activity.type, ACSA_CODE_SIZE, "coast-guard");
    draft = draft_of(ACSA_METHOD_CASH, "IN", "JP");
    expect_refused(f, &f->order, create(f, &draft, &f->order), ACSA_EREFUSED, "activity",
                   "activity: type \"coast-guard\" is not covered by agreement IN-JP-2020");
    assert_int_equal(acsa_activity_validate(&f->agreement, &f->activity, &f->err),
                     ACSA_EREFUSED);
    assert_string_equal(f->err.message,
                        "type: activity type \"coast-guard\" is not covered by agreement "
                        "IN-JP-2020");

    struct acsa_agreement france;
    load_agreement("india-france-2018.json", &france);
    snprintf(f->activity.type, ACSA_CODE_SIZE, "routine");
    snprintf(f->activity.agreement_id, ACSA_ID_SIZE, "IN-FR-2018");
    draft = draft_of(ACSA_METHOD_EVE, "IN", "FR");
    set_line(&draft, 0, "food", 1000, 10, "EUR");
    set_line(&draft, 1, "water", 1000, 10, "EUR");
    assert_int_equal(acsa_order_create(&france, &f->activity, &draft, "IN-FR-2024-000001",
                                       day_of("2024-01-10"), "Lt Iyer", &f->order, &f->event,
                                       &f->err),
                     ACSA_EREFUSED);
    assert_string_equal(f->err.message,
                        "method: settlement method \"eve\" is not allowed by agreement "
                        "IN-FR-2018");
}

static void test_submit_needs_complete_data(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft draft = draft_of(ACSA_METHOD_CASH, "IN", "JP");
    draft.supplier_unit_id = 0;
    assert_int_equal(create(f, &draft, &f->order), ACSA_OK);
    expect_refused(f, &f->order, step(f, &f->order, command(ACSA_STEP_SUBMIT, "Lt Iyer")),
                   ACSA_EREFUSED, "supplier_unit",
                   "supplier_unit: order IN-JP-2024-000001 needs the supplying unit before it "
                   "is submitted");
    assert_int_equal(f->order.state, ACSA_STATE_DRAFT);
    draft = draft_of(ACSA_METHOD_CASH, "IN", "JP");
    draft.place[0] = '\0';
    assert_int_equal(create(f, &draft, &f->order), ACSA_OK);
    expect_refused(f, &f->order, step(f, &f->order, command(ACSA_STEP_SUBMIT, "Lt Iyer")),
                   ACSA_EREFUSED, "place", NULL);
}

static void test_approval_rules(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft draft = draft_of(ACSA_METHOD_CASH, "IN", "JP");
    assert_int_equal(create(f, &draft, &f->order), ACSA_OK);
    assert_int_equal(step(f, &f->order, command(ACSA_STEP_SUBMIT, "Lt Kumar")), ACSA_OK);
    /* The creator may not approve, even as an official. */
    snprintf(f->approver.name, ACSA_NAME_SIZE, "Lt Iyer");
    expect_refused(f, &f->order, step(f, &f->order, command(ACSA_STEP_APPROVE, "Lt Iyer")),
                   ACSA_EREFUSED, "by",
                   "by: \"Lt Iyer\" raised order IN-JP-2024-000001 and may not also approve it "
                   "(separation of duties)");
    snprintf(f->approver.name, ACSA_NAME_SIZE, "Lt Kumar");
    expect_refused(f, &f->order, step(f, &f->order, command(ACSA_STEP_APPROVE, "Lt Kumar")),
                   ACSA_EREFUSED, "by", NULL);
    assert_non_null(strstr(f->err.message, "submitted order"));
    /* Somebody who is not an official of the requesting side. */
    snprintf(f->approver.name, ACSA_NAME_SIZE, "Cdr Rao");
    expect_refused(f, &f->order, step(f, &f->order, command(ACSA_STEP_APPROVE, "Maj Singh")),
                   ACSA_EREFUSED, "by",
                   "by: \"Maj Singh\" is not an authorised official of IN, who must approve "
                   "order IN-JP-2024-000001");
    /* Over the limit, then no limit in the currency. */
    f->approver.limit_minor[1] = 19999;
    expect_refused(f, &f->order, step(f, &f->order, command(ACSA_STEP_APPROVE, "Cdr Rao")),
                   ACSA_EREFUSED, "by",
                   "by: order value 20000 JPY exceeds the approval limit of \"Cdr Rao\" (19999 "
                   "JPY)");
    f->approver.limit_count = 1;
    expect_refused(f, &f->order, step(f, &f->order, command(ACSA_STEP_APPROVE, "Cdr Rao")),
                   ACSA_EREFUSED, "by", "by: \"Cdr Rao\" has no approval limit in JPY");
    f->approver.limit_count = 2;
    f->approver.limit_minor[1] = 20000;
    assert_int_equal(step(f, &f->order, command(ACSA_STEP_APPROVE, "Cdr Rao")), ACSA_OK);
    /* The supplying side accepts: an Indian official cannot. */
    f->acceptor.party[0] = 'I';
    f->acceptor.party[1] = 'N';
    expect_refused(f, &f->order, step(f, &f->order, command(ACSA_STEP_ACCEPT, "Capt Sato")),
                   ACSA_EREFUSED, "by", NULL);
    assert_int_equal(f->order.state, ACSA_STATE_APPROVED);
}

static void test_reject_and_cancel(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft draft = draft_of(ACSA_METHOD_CASH, "IN", "JP");
    assert_int_equal(create(f, &draft, &f->order), ACSA_OK);
    assert_int_equal(step(f, &f->order, command(ACSA_STEP_SUBMIT, "Lt Iyer")), ACSA_OK);
    assert_int_equal(step(f, &f->order, command(ACSA_STEP_APPROVE, "Cdr Rao")), ACSA_OK);
    expect_refused(f, &f->order, step(f, &f->order, command(ACSA_STEP_REJECT, "Capt Sato")),
                   ACSA_EUSAGE, "reason", "reason: reject needs a stated reason");
    struct acsa_command cmd = command(ACSA_STEP_REJECT, "Capt Sato");
    snprintf(cmd.reason, sizeof(cmd.reason), "no fuel to spare");
    assert_int_equal(step(f, &f->order, cmd), ACSA_OK);
    assert_int_equal(f->order.state, ACSA_STATE_REJECTED);
    assert_string_equal(f->event.detail, "no fuel to spare");

    to_accepted(f, ACSA_METHOD_CASH, &f->order);
    assert_int_equal(line_step(f, &f->order, ACSA_STEP_ISSUE, 1, 1000, "PO Tanaka"), ACSA_OK);
    expect_refused(f, &f->order, step(f, &f->order, command(ACSA_STEP_CANCEL, "Lt Iyer")),
                   ACSA_EREFUSED, "state",
                   "state: cannot cancel order IN-JP-2024-000001 in state delivering (cancel "
                   "needs draft or submitted or approved or accepted)");
    to_accepted(f, ACSA_METHOD_CASH, &f->order);
    assert_int_equal(step(f, &f->order, command(ACSA_STEP_CANCEL, "Lt Iyer")), ACSA_OK);
    assert_int_equal(f->order.state, ACSA_STATE_CANCELLED);
}

/* Sums each account over a sequence of events, to check what the ledger says. */
struct totals {
    int64_t account[ACSA_ACCOUNT_COUNT];
};

static void add_event(struct totals *t, const struct acsa_event *event)
{
    assert_true(acsa_event_balanced(event));
    for (uint32_t i = 0; i < event->posting_count; i++) {
        t->account[event->postings[i].account] += event->postings[i].amount_minor;
    }
}

static void test_cash_lifecycle(void **state)
{
    struct fixture *f = *state;
    struct totals t = {0};
    to_accepted(f, ACSA_METHOD_CASH, &f->order);
    /* Acceptance records the obligation at once: IN has committed to owe JP 20,000 JPY. */
    add_event(&t, &f->event);
    assert_int_equal(f->event.posting_count, 2);
    assert_int_equal(t.account[ACSA_ACCOUNT_COMMITTED_PAYABLE_CASH], -20000);
    assert_int_equal(t.account[ACSA_ACCOUNT_COMMITTED], 20000);
    expect_refused(f, &f->order, line_step(f, &f->order, ACSA_STEP_RECEIVE, 1, 1000, "CPO Das"),
                   ACSA_EREFUSED, "state",
                   "state: cannot receive order IN-JP-2024-000001 in state accepted (receive "
                   "needs delivering)");
    expect_refused(f, &f->order,
                   line_step(f, &f->order, ACSA_STEP_ISSUE, 1, 10001, "PO Tanaka"),
                   ACSA_EREFUSED, "qty",
                   "qty: issuing 10.001 ea on line 1 would exceed the 10 ordered (0 already)");
    expect_refused(f, &f->order, line_step(f, &f->order, ACSA_STEP_ISSUE, 3, 1, "PO Tanaka"),
                   ACSA_EREFUSED, "line", "line: order IN-JP-2024-000001 has no line 3 (it has 2)");
    assert_int_equal(line_step(f, &f->order, ACSA_STEP_ISSUE, 1, 6000, "PO Tanaka"), ACSA_OK);
    assert_int_equal(f->order.state, ACSA_STATE_DELIVERING);
    expect_refused(f, &f->order, line_step(f, &f->order, ACSA_STEP_RECEIVE, 1, 7000, "CPO Das"),
                   ACSA_EREFUSED, "qty",
                   "qty: receiving 7 ea on line 1 would exceed the 6 issued (0 already)");
    expect_refused(f, &f->order,
                   line_step(f, &f->order, ACSA_STEP_RECEIVE, 1, 1000, "PO Tanaka"),
                   ACSA_EREFUSED, "by", NULL);
    assert_int_equal(line_step(f, &f->order, ACSA_STEP_RECEIVE, 1, 6000, "CPO Das"), ACSA_OK);
    add_event(&t, &f->event);
    assert_int_equal(f->event.posting_count, 4);
    /* IN receives: an expense against a payable to JP of 6000 JPY, moved from the
     * commitment. */
    assert_int_equal(t.account[ACSA_ACCOUNT_PAYABLE_CASH], -6000);
    assert_int_equal(t.account[ACSA_ACCOUNT_COMMITTED_PAYABLE_CASH], -14000);
    assert_string_equal(f->event.postings[0].partner, "JP");
    assert_int_equal(line_step(f, &f->order, ACSA_STEP_ISSUE, 1, 4000, "PO Tanaka"), ACSA_OK);
    assert_int_equal(line_step(f, &f->order, ACSA_STEP_RECEIVE, 1, 4000, "CPO Das"), ACSA_OK);
    add_event(&t, &f->event);
    assert_int_equal(line_step(f, &f->order, ACSA_STEP_ISSUE, 2, 4000, "PO Tanaka"), ACSA_OK);
    assert_int_equal(line_step(f, &f->order, ACSA_STEP_RECEIVE, 2, 4000, "CPO Das"), ACSA_OK);
    add_event(&t, &f->event);
    assert_int_equal(f->order.state, ACSA_STATE_DELIVERED);
    assert_int_equal(f->order.due_day, ACSA_DATE_NONE);
    assert_int_equal(t.account[ACSA_ACCOUNT_PAYABLE_CASH], -20000);
    /* Nothing is invoiced yet: there is nothing to pay. */
    assert_int_equal(t.account[ACSA_ACCOUNT_COMMITTED_PAYABLE_CASH], 0);
    assert_int_equal(t.account[ACSA_ACCOUNT_COMMITTED], 0);
    expect_refused(f, &f->order, pay(f, &f->order, 100, "JPY", "Lt Finance"), ACSA_EREFUSED,
                   "amount", NULL);
    struct acsa_command cmd = command(ACSA_STEP_INVOICE, "Capt Sato");
    cmd.day = day_of("2024-06-12");
    snprintf(cmd.invoice, sizeof(cmd.invoice), "JP-INV-2024-000001");
    assert_int_equal(step(f, &f->order, cmd), ACSA_OK);
    assert_int_equal(f->order.state, ACSA_STATE_INVOICED);
    assert_int_equal(f->order.due_day, day_of("2024-07-12"));
    assert_int_equal(f->order.cash_due_minor, 20000);
    assert_false(acsa_order_overdue(&f->order, day_of("2024-07-12")));
    assert_true(acsa_order_overdue(&f->order, day_of("2024-07-13")));
    expect_refused(f, &f->order, pay(f, &f->order, 100, "USD", "Lt Finance"), ACSA_EUSAGE,
                   "rate", "rate: a payment in USD of an order in JPY needs the rate, its date "
                   "and its source");
    expect_refused(f, &f->order, pay(f, &f->order, 20001, "JPY", "Lt Finance"), ACSA_EREFUSED,
                   "amount",
                   "amount: payment of 20001 JPY exceeds the 20000 JPY outstanding on order "
                   "IN-JP-2024-000001");
    expect_refused(f, &f->order, pay(f, &f->order, 0, "JPY", "Lt Finance"), ACSA_EREFUSED,
                   "amount", NULL);
    expect_refused(f, &f->order, pay(f, &f->order, 100, "JPY", "CPO Das"), ACSA_EREFUSED, "by",
                   "by: \"CPO Das\" recorded a receipt of order IN-JP-2024-000001 and may not "
                   "also pay it (separation of duties)");
    assert_int_equal(pay(f, &f->order, 5000, "JPY", "Lt Finance"), ACSA_OK);
    add_event(&t, &f->event);
    assert_int_equal(f->order.state, ACSA_STATE_INVOICED);
    assert_int_equal(acsa_order_outstanding(&f->order), 15000);
    assert_int_equal(pay(f, &f->order, 15000, "JPY", "Lt Finance"), ACSA_OK);
    add_event(&t, &f->event);
    assert_int_equal(f->order.state, ACSA_STATE_SETTLED);
    assert_false(acsa_order_overdue(&f->order, day_of("2025-01-01")));
    assert_int_equal(t.account[ACSA_ACCOUNT_PAYABLE_CASH], 0);
    assert_int_equal(t.account[ACSA_ACCOUNT_CASH], -20000);
    assert_int_equal(t.account[ACSA_ACCOUNT_RECEIVED], 20000);
    struct acsa_command close = command(ACSA_STEP_CLOSE, "Cdr Rao");
    close.day = f->order.last_step_day; /* Not before the payment. */
    assert_int_equal(step(f, &f->order, close), ACSA_OK);
    assert_int_equal(f->order.state, ACSA_STATE_CLOSED);
}

/* An order keeps the people separation of duties weighs, each name once and at most
 * ACSA_ORDER_DUTIES_MAX of them: a name beyond is refused naming by, never dropped (a dropped
 * receiver could then issue), while every name it holds still takes steps. */
static void test_duties_kept_and_bounded(void **state)
{
    struct fixture *f = *state;
    to_accepted(f, ACSA_METHOD_CASH, &f->order);
    assert_int_equal(line_step(f, &f->order, ACSA_STEP_ISSUE, 1, 10000, "PO Tanaka"), ACSA_OK);
    /* Raised, submitted and issued by three names so far. */
    uint32_t held = f->order.duty_count;
    assert_int_equal(held, 3);
    char name[ACSA_NAME_SIZE];
    for (uint32_t i = held; i < ACSA_ORDER_DUTIES_MAX; i++) {
        snprintf(name, sizeof(name), "Clerk %u", i);
        assert_int_equal(line_step(f, &f->order, ACSA_STEP_RECEIVE, 1, 1, name), ACSA_OK);
    }
    assert_int_equal(f->order.duty_count, ACSA_ORDER_DUTIES_MAX);
    /* The same name again is no new duty. */
    assert_int_equal(line_step(f, &f->order, ACSA_STEP_RECEIVE, 1, 1, name), ACSA_OK);
    assert_int_equal(f->order.duty_count, ACSA_ORDER_DUTIES_MAX);
    expect_refused(f, &f->order, line_step(f, &f->order, ACSA_STEP_RECEIVE, 1, 1, "Clerk new"),
                   ACSA_EREFUSED, "by", NULL);
    /* A receiver kept still may not issue. */
    expect_refused(f, &f->order, line_step(f, &f->order, ACSA_STEP_ISSUE, 2, 1, "Clerk 40"),
                   ACSA_EREFUSED, "by", NULL);
    /* Every event counted: create, submit, approve, accept, issue, the receipts. */
    assert_int_equal(f->order.event_count, 5 + (ACSA_ORDER_DUTIES_MAX - held) + 1);
}

static void test_rik_lifecycle(void **state)
{
    struct fixture *f = *state;
    struct totals t = {0};
    to_accepted(f, ACSA_METHOD_RIK, &f->order);
    to_delivered(f, &f->order);
    assert_int_equal(f->order.due_day, day_of("2024-06-10") + 365);
    expect_refused(f, &f->order, pay(f, &f->order, 100, "JPY", "Lt Finance"), ACSA_EREFUSED,
                   "method",
                   "method: order IN-JP-2024-000001 settles by rik; it can be paid only once "
                   "converted to cash");
    expect_refused(f, &f->order, step(f, &f->order, command(ACSA_STEP_INVOICE, "Capt Sato")),
                   ACSA_EREFUSED, "method", NULL);
    expect_refused(f, &f->order,
                   line_step(f, &f->order, ACSA_STEP_ACCEPT_RETURN, 1, 1000, "Capt Sato"),
                   ACSA_EREFUSED, "qty", NULL);
    expect_refused(f, &f->order, line_step(f, &f->order, ACSA_STEP_RETURN, 1, 10001, "Lt Iyer"),
                   ACSA_EREFUSED, "qty", NULL);
    assert_int_equal(line_step(f, &f->order, ACSA_STEP_RETURN, 1, 10000, "Lt Iyer"), ACSA_OK);
    assert_int_equal(f->event.posting_count, 0);
    assert_int_equal(line_step(f, &f->order, ACSA_STEP_ACCEPT_RETURN, 1, 4000, "Capt Sato"),
                     ACSA_OK);
    add_event(&t, &f->event);
    assert_int_equal(t.account[ACSA_ACCOUNT_PAYABLE_KIND], 4000);
    assert_int_equal(f->event.postings[0].quantity_milli, 4000);
    assert_int_equal(line_step(f, &f->order, ACSA_STEP_ACCEPT_RETURN, 1, 6000, "Capt Sato"),
                     ACSA_OK);
    assert_int_equal(line_step(f, &f->order, ACSA_STEP_RETURN, 2, 4000, "Lt Iyer"), ACSA_OK);
    assert_int_equal(f->order.state, ACSA_STATE_DELIVERED);
    assert_int_equal(line_step(f, &f->order, ACSA_STEP_ACCEPT_RETURN, 2, 4000, "Capt Sato"),
                     ACSA_OK);
    assert_int_equal(f->order.state, ACSA_STATE_SETTLED);
    assert_int_equal(acsa_order_outstanding(&f->order), 0);
}

static void test_rik_conversion(void **state)
{
    struct fixture *f = *state;
    to_accepted(f, ACSA_METHOD_RIK, &f->order);
    to_delivered(f, &f->order);
    assert_int_equal(line_step(f, &f->order, ACSA_STEP_RETURN, 1, 2500, "Lt Iyer"), ACSA_OK);
    assert_int_equal(line_step(f, &f->order, ACSA_STEP_ACCEPT_RETURN, 1, 2500, "Capt Sato"),
                     ACSA_OK);
    int32_t due = f->order.due_day;
    struct acsa_command cmd = command(ACSA_STEP_CONVERT, "system");
    cmd.day = due;
    assert_false(acsa_order_convertible(&f->order, due));
    expect_refused(f, &f->order, step(f, &f->order, cmd), ACSA_EREFUSED, "date", NULL);
    cmd.day = due + 1;
    assert_true(acsa_order_convertible(&f->order, due + 1));
    assert_int_equal(step(f, &f->order, cmd), ACSA_OK);
    assert_int_equal(f->order.state, ACSA_STATE_INVOICED);
    assert_true(f->order.converted);
    assert_int_equal(f->order.cash_due_minor, 17500);
    assert_int_equal(f->order.due_day, due + 1 + 30);
    assert_int_equal(f->event.postings[0].account, ACSA_ACCOUNT_PAYABLE_KIND);
    assert_int_equal(f->event.postings[0].amount_minor, 17500);
    assert_int_equal(f->event.postings[1].account, ACSA_ACCOUNT_PAYABLE_CASH);
    assert_int_equal(f->event.postings[1].amount_minor, -17500);
    expect_refused(f, &f->order, line_step(f, &f->order, ACSA_STEP_RETURN, 1, 1000, "Lt Iyer"),
                   ACSA_EREFUSED, "state", NULL);
    assert_int_equal(pay(f, &f->order, 17500, "JPY", "Lt Finance"), ACSA_OK);
    assert_int_equal(f->order.state, ACSA_STATE_SETTLED);
}

/* What a store selects with rule (as its ORDER_LIST_SQL does with the bound values). */
static bool rule_selects(const struct acsa_due_rule *rule, const struct acsa_order *o)
{
    bool in_state = false;
    for (uint32_t i = 0; i < rule->state_count; i++) {
        in_state = in_state || o->state == rule->states[i];
    }
    return rule->state_count > 0 && o->due_day != ACSA_DATE_NONE &&
           o->due_day < rule->due_before && in_state &&
           (!rule->outstanding || acsa_order_outstanding(o) > 0) &&
           (!rule->in_kind || o->method != ACSA_METHOD_CASH) &&
           (!rule->unconverted || !o->converted);
}

static void expect_rules_agree(const struct acsa_order *o)
{
    int32_t base = o->due_day != ACSA_DATE_NONE ? o->due_day : day_of("2024-07-01");
    for (int32_t day = base - 2; day <= base + 2; day++) {
        struct acsa_due_rule rule;
        acsa_order_overdue_rule(day, &rule);
        assert_int_equal(rule_selects(&rule, o), acsa_order_overdue(o, day));
        acsa_order_convertible_rule(day, &rule);
        assert_int_equal(rule_selects(&rule, o), acsa_order_convertible(o, day));
    }
}

/* The values a store is given for overdue and convertible orders select exactly the orders
 * the core's predicates hold for, at each point of an order's life. */
static void test_due_rules_agree(void **state)
{
    struct fixture *f = *state;
    to_accepted(f, ACSA_METHOD_RIK, &f->order);
    expect_rules_agree(&f->order);
    to_delivered(f, &f->order);
    expect_rules_agree(&f->order);
    struct acsa_command cmd = command(ACSA_STEP_CONVERT, "system");
    cmd.day = f->order.due_day + 1;
    assert_int_equal(step(f, &f->order, cmd), ACSA_OK);
    expect_rules_agree(&f->order);
    assert_int_equal(pay(f, &f->order, 20000, "JPY", "Lt Finance"), ACSA_OK);
    expect_rules_agree(&f->order);

    memset(&f->order, 0, sizeof(f->order));
    to_accepted(f, ACSA_METHOD_CASH, &f->order);
    to_delivered(f, &f->order);
    expect_rules_agree(&f->order);
}

/* Every step taken by name on an order has its inputs in the core's one table. */
static void test_step_inputs(void **state)
{
    (void)state;
    unsigned inputs = 0;
    for (int s = 0; s < ACSA_STEP_COUNT; s++) {
        enum acsa_step step = (enum acsa_step)s;
        bool named = step != ACSA_STEP_CREATE && step != ACSA_STEP_CONVERT &&
                     step != ACSA_STEP_VOID;
        assert_int_equal(acsa_step_inputs(step, &inputs), named);
    }
    assert_true(acsa_step_inputs(ACSA_STEP_APPROVE, &inputs));
    assert_int_equal(inputs, ACSA_INPUT_REASON);
    assert_true(acsa_step_inputs(ACSA_STEP_CORRECT, &inputs));
    assert_int_equal(inputs, ACSA_INPUT_REASON | ACSA_INPUT_LINE | ACSA_INPUT_STEP);
    assert_true(acsa_step_inputs(ACSA_STEP_INVOICE, &inputs));
    assert_int_equal(inputs, ACSA_INPUT_LINE_OPTIONAL);
    assert_true(acsa_step_inputs(ACSA_STEP_CLOSE, &inputs));
    assert_int_equal(inputs, 0);
}

static void test_eve_exchange(void **state)
{
    struct fixture *f = *state;
    to_accepted(f, ACSA_METHOD_EVE, &f->order);
    to_delivered(f, &f->order);
    /* JP requests from IN: 30 x 500 JPY = 15,000 JPY, the other way round. */
    struct acsa_order_draft draft = draft_of(ACSA_METHOD_EVE, "JP", "IN");
    draft.line_count = 1;
    set_line(&draft, 0, "water", 30000, 500, "JPY");
    assert_int_equal(acsa_order_create(&f->agreement, &f->activity, &draft, "JP-IN-2024-000001",
                                       day_of("2024-06-02"), "1Lt Mori", &f->other, &f->event,
                                       &f->err),
                     ACSA_OK);
    struct acsa_command cmd = command(ACSA_STEP_EXCHANGE, "Cdr Rao");
    expect_refused(f, &f->order,
                   acsa_order_exchange(&f->agreement, "IN", &f->order, &f->other, &cmd,
                                       &f->event, &f->other_event, &f->err),
                   ACSA_EREFUSED, "state", NULL);
    f->approver.party[0] = 'J';
    f->approver.party[1] = 'P';
    snprintf(f->acceptor.party, ACSA_NATION_SIZE, "IN");
    assert_int_equal(step(f, &f->other, command(ACSA_STEP_SUBMIT, "1Lt Mori")), ACSA_OK);
    assert_int_equal(step(f, &f->other, command(ACSA_STEP_APPROVE, "Cdr Rao")), ACSA_OK);
    assert_int_equal(step(f, &f->other, command(ACSA_STEP_ACCEPT, "Capt Sato")), ACSA_OK);
    to_delivered(f, &f->other);
    assert_int_equal(acsa_order_exchange(&f->agreement, "IN", &f->order, &f->other, &cmd,
                                         &f->event, &f->other_event, &f->err),
                     ACSA_OK);
    /* 15,000 of each discharged in kind; IN still owes JP 5,000 JPY in cash. */
    assert_int_equal(f->other.state, ACSA_STATE_SETTLED);
    assert_int_equal(f->order.state, ACSA_STATE_INVOICED);
    assert_int_equal(f->order.cash_due_minor, 5000);
    assert_string_equal(f->order.exchanged_with, "JP-IN-2024-000001");
    struct totals t = {0};
    add_event(&t, &f->event);
    add_event(&t, &f->other_event);
    assert_int_equal(t.account[ACSA_ACCOUNT_EXCHANGE], 0);
    assert_int_equal(t.account[ACSA_ACCOUNT_RECEIVABLE_KIND], -15000);
    assert_int_equal(t.account[ACSA_ACCOUNT_PAYABLE_KIND], 20000);
    assert_int_equal(t.account[ACSA_ACCOUNT_PAYABLE_CASH], -5000);
    assert_int_equal(pay(f, &f->order, 5000, "JPY", "Lt Finance"), ACSA_OK);
    assert_int_equal(f->order.state, ACSA_STATE_SETTLED);
    assert_int_equal(acsa_order_exchange(&f->agreement, "IN", &f->order, &f->other, &cmd,
                                         &f->event, &f->other_event, &f->err),
                     ACSA_EREFUSED);
}

static enum acsa_rc invoice_part(struct fixture *f, uint32_t line, int64_t qty,
                                 const char *number, const char *day)
{
    struct acsa_command cmd = command(ACSA_STEP_INVOICE, "Capt Sato");
    cmd.day = day_of(day);
    cmd.line_no = line;
    cmd.quantity_milli = qty;
    snprintf(cmd.invoice, sizeof(cmd.invoice), "%s", number);
    return step(f, &f->order, cmd);
}

/* The order of test_cash_lifecycle (10 x 1,000 + 4 x 2,500 JPY) invoiced in parts while it is
 * delivered, paid oldest first, by a named invoice and in INR at a stated rate. */
static void test_defect13_invoices_and_rate(void **state)
{
    struct fixture *f = *state;
    struct totals t = {0};
    to_accepted(f, ACSA_METHOD_CASH, &f->order);
    assert_int_equal(line_step(f, &f->order, ACSA_STEP_ISSUE, 1, 10000, "PO Tanaka"), ACSA_OK);
    assert_int_equal(line_step(f, &f->order, ACSA_STEP_RECEIVE, 1, 6000, "CPO Das"), ACSA_OK);
    /* Only receipted quantities: 6 of line 1, nothing of line 2. */
    expect_refused(f, &f->order, invoice_part(f, 1, 7000, "JP-INV-2024-000001", "2024-06-10"),
                   ACSA_EREFUSED, "qty",
                   "qty: invoicing 7 ea on line 1 would exceed the 6 received (0 already)");
    expect_refused(f, &f->order, invoice_part(f, 0, 0, "", "2024-06-10"), ACSA_EUSAGE,
                   "invoice", NULL);
    assert_int_equal(invoice_part(f, 1, 4000, "JP-INV-2024-000001", "2024-06-10"), ACSA_OK);
    assert_int_equal(f->order.state, ACSA_STATE_DELIVERING);
    assert_int_equal(f->event.posting_count, 0);
    assert_int_equal(invoice_part(f, 0, 0, "JP-INV-2024-000002", "2024-06-11"), ACSA_OK);
    assert_int_equal(f->event.amount_minor, 2000);
    expect_refused(f, &f->order, invoice_part(f, 0, 0, "JP-INV-2024-000003", "2024-06-11"),
                   ACSA_EREFUSED, "qty", NULL);
    expect_refused(f, &f->order, invoice_part(f, 1, 1, "JP-INV-2024-000001", "2024-06-11"),
                   ACSA_EREFUSED, "qty", NULL);
    assert_int_equal(f->order.invoice_count, 2);
    assert_int_equal(f->order.invoices[0].due_day, day_of("2024-07-10"));
    assert_int_equal(f->order.invoices[1].due_day, day_of("2024-07-11"));
    assert_int_equal(f->order.due_day, day_of("2024-07-10"));
    assert_true(acsa_order_overdue(&f->order, day_of("2024-07-11")));
    /* Oldest first: 1,000 of the first invoice. */
    assert_int_equal(pay(f, &f->order, 1000, "JPY", "Lt Finance"), ACSA_OK);
    add_event(&t, &f->event);
    assert_int_equal(f->order.invoices[0].paid_minor, 1000);
    /* By a named invoice: all of the second; more than it holds is refused. */
    struct acsa_command cmd = command(ACSA_STEP_PAY, "Lt Finance");
    cmd.day = f->order.last_step_day; /* Not before the invoices. */
    cmd.amount_minor = 2001;
    snprintf(cmd.currency, sizeof(cmd.currency), "JPY");
    snprintf(cmd.invoice, sizeof(cmd.invoice), "JP-INV-2024-000002");
    expect_refused(f, &f->order, step(f, &f->order, cmd), ACSA_EREFUSED, "amount",
                   "amount: payment exceeds the 2000 JPY open on invoice JP-INV-2024-000002");
    snprintf(cmd.invoice, sizeof(cmd.invoice), "JP-INV-2024-000009");
    cmd.amount_minor = 1;
    expect_refused(f, &f->order, step(f, &f->order, cmd), ACSA_EREFUSED, "invoice",
                   "invoice: order IN-JP-2024-000001 has no invoice JP-INV-2024-000009");
    snprintf(cmd.invoice, sizeof(cmd.invoice), "JP-INV-2024-000002");
    cmd.amount_minor = 2000;
    assert_int_equal(step(f, &f->order, cmd), ACSA_OK);
    add_event(&t, &f->event);
    assert_int_equal(f->order.due_day, day_of("2024-07-10"));
    /* The rest delivered and invoiced: 4,000 + 10,000 JPY open. */
    assert_int_equal(line_step(f, &f->order, ACSA_STEP_RECEIVE, 1, 4000, "CPO Das"), ACSA_OK);
    assert_int_equal(line_step(f, &f->order, ACSA_STEP_ISSUE, 2, 4000, "PO Tanaka"), ACSA_OK);
    assert_int_equal(line_step(f, &f->order, ACSA_STEP_RECEIVE, 2, 4000, "CPO Das"), ACSA_OK);
    assert_int_equal(f->order.state, ACSA_STATE_DELIVERED);
    assert_int_equal(invoice_part(f, 0, 0, "JP-INV-2024-000003", "2024-06-12"), ACSA_OK);
    assert_int_equal(f->order.state, ACSA_STATE_INVOICED);
    assert_int_equal(f->order.cash_due_minor - f->order.paid_minor, 17000);
    /* In INR at 1 INR = 1.7750 JPY: a rate is needed, dated on or before the payment. */
    cmd = command(ACSA_STEP_PAY, "Lt Finance");
    cmd.day = f->order.last_step_day;
    snprintf(cmd.currency, sizeof(cmd.currency), "INR");
    cmd.amount_minor = 957746; /* 9,577.46 INR = 16,999.9915 JPY: 17,000 JPY. */
    expect_refused(f, &f->order, step(f, &f->order, cmd), ACSA_EUSAGE, "rate", NULL);
    cmd.rate = (struct acsa_rate){17750, 4};
    snprintf(cmd.rate_source, sizeof(cmd.rate_source), "RBI reference rate");
    cmd.rate_day = day_of("2024-06-13"); /* After the payment. */
    expect_refused(f, &f->order, step(f, &f->order, cmd), ACSA_EREFUSED, "rate_date", NULL);
    cmd.rate_day = day_of("2024-06-09");
    snprintf(cmd.currency, sizeof(cmd.currency), "EUR");
    expect_refused(f, &f->order, step(f, &f->order, cmd), ACSA_EREFUSED, "currency",
                   "currency: agreement IN-JP-2020 does not allow payment in EUR");
    snprintf(cmd.currency, sizeof(cmd.currency), "INR");
    assert_int_equal(step(f, &f->order, cmd), ACSA_OK);
    add_event(&t, &f->event);
    assert_int_equal(f->event.amount_minor, 17000);
    assert_int_equal(f->event.paid_minor, 957746);
    assert_string_equal(f->event.paid_currency, "INR");
    assert_int_equal(f->event.rate.units, 17750);
    assert_string_equal(f->event.postings[0].currency, "JPY");
    assert_int_equal(f->order.state, ACSA_STATE_SETTLED);
    assert_int_equal(f->order.due_day, ACSA_DATE_NONE);
    assert_int_equal(t.account[ACSA_ACCOUNT_CASH], -20000);
    assert_int_equal(t.account[ACSA_ACCOUNT_PAYABLE_CASH], 20000);
}

/* What acsa cannot hold is a limit of its own (ACSA_ELIMIT, HTTP 422 "limit"), not a rule of
 * the agreement: an order at its limit of events or invoices. */
static void test_limits_have_their_own_code(void **state)
{
    struct fixture *f = *state;
    to_accepted(f, ACSA_METHOD_CASH, &f->order);
    assert_int_equal(line_step(f, &f->order, ACSA_STEP_ISSUE, 1, 10000, "PO Tanaka"), ACSA_OK);
    assert_int_equal(line_step(f, &f->order, ACSA_STEP_RECEIVE, 1, 6000, "CPO Das"), ACSA_OK);
    f->order.invoice_count = ACSA_ORDER_INVOICES_MAX;
    expect_refused(f, &f->order, invoice_part(f, 0, 0, "JP-INV-2024-000001", "2024-06-10"),
                   ACSA_ELIMIT, "invoice", NULL);
    f->order.invoice_count = 0;
    f->order.event_count = ACSA_ORDER_EVENTS_MAX;
    expect_refused(f, &f->order, line_step(f, &f->order, ACSA_STEP_RECEIVE, 1, 1000, "CPO Das"),
                   ACSA_ELIMIT, "state", NULL);
    assert_int_equal(acsa_rc_exit_code(ACSA_ELIMIT), 1);
    assert_string_equal(acsa_rc_name(ACSA_ELIMIT), "ACSA_ELIMIT");
}

/* A database that does not answer ends a command as storage does (exit 4), never as a refusal
 * a sync would quarantine or a batch would go on after. */
static void test_rc_unavailable_is_fatal(void **state)
{
    (void)state;
    assert_int_equal(acsa_rc_exit_code(ACSA_EUNAVAILABLE), 4);
    assert_string_equal(acsa_rc_name(ACSA_EUNAVAILABLE), "ACSA_EUNAVAILABLE");
    assert_true(acsa_rc_fatal(ACSA_EUNAVAILABLE));
    assert_true(acsa_rc_fatal(ACSA_ESTORAGE));
    assert_true(acsa_rc_fatal(ACSA_ENOMEM));
    assert_false(acsa_rc_fatal(ACSA_EREFUSED));
    assert_false(acsa_rc_fatal(ACSA_ELIMIT));
    assert_false(acsa_rc_fatal(ACSA_OK));
}

/* Two received JPY orders of 5,000,000,000,000 at 1,000,000 once overflowed every report; a
 * line or order worth more than the named limits is now refused at entry, at the limit taken. */
/* An other-lawful activity needs a stated reason; other types do not. */
static void test_defect6_other_lawful_reason(void **state)
{
    struct fixture *f = *state;
    struct acsa_activity a = f->activity;
    snprintf(a.type, sizeof(a.type), "other-lawful");
    a.reason[0] = '\0';
    assert_int_equal(acsa_activity_validate(&f->agreement, &a, &f->err), ACSA_EUSAGE);
    assert_string_equal(f->err.field, "reason");
    snprintf(a.reason, sizeof(a.reason), "survey lawful under both laws");
    assert_int_equal(acsa_activity_validate(&f->agreement, &a, &f->err), ACSA_OK);
    a = f->activity;
    a.reason[0] = '\0';
    assert_int_equal(acsa_activity_validate(&f->agreement, &a, &f->err), ACSA_OK);
}

static void test_defect10_value_limits(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft draft = draft_of(ACSA_METHOD_CASH, "IN", "JP");
    draft.line_count = 1;
    set_line(&draft, 0, "pol", INT64_C(5000000000000) * 1000, 1000000, "JPY");
    expect_refused(f, &f->order, create(f, &draft, &f->order), ACSA_EREFUSED, "line.price",
                   "line 1: quantity x price exceeds the largest value of a line, "
                   "1000000000000000 JPY (ACSA_LINE_VALUE_MAX)");
    /* Exactly the limit: 1,000,000,000 l at 1,000,000 JPY. */
    set_line(&draft, 0, "pol", INT64_C(1000000000) * 1000, 1000000, "JPY");
    assert_int_equal(create(f, &draft, &f->order), ACSA_OK);
    assert_int_equal(f->order.value_minor, ACSA_ORDER_VALUE_MAX);
    /* One more yen on a second line: over the order's limit. */
    memset(&f->order, 0, sizeof(f->order));
    set_line(&draft, 1, "food", 1000, 1, "JPY");
    expect_refused(f, &f->order, create(f, &draft, &f->order), ACSA_EREFUSED, "line.price",
                   "line 2: the order's value exceeds the largest value of an order, "
                   "1000000000000000 JPY (ACSA_ORDER_VALUE_MAX)");
    /* A quantity x price past int64 is refused the same way, not wrapped. */
    set_line(&draft, 1, "food", INT64_MAX, INT64_MAX, "JPY");
    expect_refused(f, &f->order, create(f, &draft, &f->order), ACSA_EREFUSED, "line.price",
                   NULL);
}

static void test_dispute(void **state)
{
    struct fixture *f = *state;
    to_accepted(f, ACSA_METHOD_CASH, &f->order);
    to_delivered(f, &f->order);
    struct acsa_command cmd = command(ACSA_STEP_DISPUTE, "Capt Sato");
    expect_refused(f, &f->order, step(f, &f->order, cmd), ACSA_EUSAGE, "reason", NULL);
    snprintf(cmd.reason, sizeof(cmd.reason), "fuel quantity contested");
    assert_int_equal(step(f, &f->order, cmd), ACSA_OK);
    assert_int_equal(f->order.state, ACSA_STATE_DISPUTED);
    assert_int_equal(f->order.state_before_dispute, ACSA_STATE_DELIVERED);
}

/* Every step in every state: exactly the table of DOMAIN.md is allowed; everything else is
 * refused naming the state rule and leaves the order as it was. */
static void test_transition_table(void **state)
{
    struct fixture *f = *state;
    static const char *const allowed[ACSA_STEP_COUNT] = {
        [ACSA_STEP_SUBMIT] = "draft",
        [ACSA_STEP_APPROVE] = "submitted",
        [ACSA_STEP_ACCEPT] = "approved",
        [ACSA_STEP_REJECT] = "approved",
        [ACSA_STEP_CANCEL] = "draft submitted approved accepted",
        /* Settled and disputed: concurrent steps (src/core/concurrency.c). */
        [ACSA_STEP_DISPUTE] = "accepted delivering delivered invoiced settled disputed",
        [ACSA_STEP_ISSUE] = "accepted delivering",
        [ACSA_STEP_RECEIVE] = "delivering",
        [ACSA_STEP_INVOICE] = "delivering delivered",
        [ACSA_STEP_PAY] = "delivering delivered invoiced",
        [ACSA_STEP_CLOSE] = "settled",
    };
    struct acsa_order_draft draft = draft_of(ACSA_METHOD_CASH, "IN", "JP");
    assert_int_equal(create(f, &draft, &f->other), ACSA_OK);
    for (unsigned s = 0; s < ACSA_STATE_COUNT; s++) {
        for (unsigned k = 0; k < ACSA_STEP_COUNT; k++) {
            if (allowed[k] == NULL) {
                continue;
            }
            f->order = f->other;
            f->order.state = (enum acsa_state)s;
            f->order.cash_due_minor = 1000;
            struct acsa_command cmd = command((enum acsa_step)k, "Anyone");
            enum acsa_rc rc = step(f, &f->order, cmd);
            const char *name = acsa_state_name((enum acsa_state)s);
            bool legal = strstr(allowed[k], name) != NULL;
            if (!legal) {
                assert_int_equal(rc, ACSA_EREFUSED);
                assert_string_equal(f->err.field, "state");
                assert_int_equal(f->order.state, s);
                assert_int_equal(f->order.event_count, f->other.event_count);
            } else {
                /* Legal in this state: refused, if at all, by another rule. */
                assert_true(rc == ACSA_OK || strcmp(f->err.field, "state") != 0);
            }
        }
    }
}

static void test_partial_values_add_up(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft draft = draft_of(ACSA_METHOD_CASH, "IN", "JP");
    draft.line_count = 1;
    set_line(&draft, 0, "water", 1500, 1, "USD");
    assert_int_equal(acsa_order_create(&f->agreement, &f->activity, &draft, "IN-JP-2024-000009",
                                       day_of("2024-06-01"), "Lt Iyer", &f->order, &f->event,
                                       &f->err),
                     ACSA_OK);
    /* 1.5 x 0.01 USD = 1.5 cents, half to even: 2 cents. */
    assert_int_equal(f->order.value_minor, 2);
    add_limit(&f->approver, "USD", 100);
    assert_int_equal(step(f, &f->order, command(ACSA_STEP_SUBMIT, "Lt Iyer")), ACSA_OK);
    assert_int_equal(step(f, &f->order, command(ACSA_STEP_APPROVE, "Cdr Rao")), ACSA_OK);
    assert_int_equal(step(f, &f->order, command(ACSA_STEP_ACCEPT, "Capt Sato")), ACSA_OK);
    assert_int_equal(line_step(f, &f->order, ACSA_STEP_ISSUE, 1, 1500, "PO Tanaka"), ACSA_OK);
    int64_t sum = 0;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(line_step(f, &f->order, ACSA_STEP_RECEIVE, 1, 500, "CPO Das"),
                         ACSA_OK);
        sum += f->event.amount_minor;
    }
    assert_int_equal(sum, 2);
    assert_int_equal(f->order.received_value_minor, 2);
}

static void test_supplier_side_postings(void **state)
{
    struct fixture *f = *state;
    /* The Indian node supplying Japan records receivables. */
    struct acsa_order_draft draft = draft_of(ACSA_METHOD_CASH, "JP", "IN");
    assert_int_equal(acsa_order_create(&f->agreement, &f->activity, &draft, "JP-IN-2024-000001",
                                       day_of("2024-06-01"), "1Lt Mori", &f->order, &f->event,
                                       &f->err),
                     ACSA_OK);
    snprintf(f->approver.party, ACSA_NATION_SIZE, "JP");
    snprintf(f->acceptor.party, ACSA_NATION_SIZE, "IN");
    assert_int_equal(step(f, &f->order, command(ACSA_STEP_SUBMIT, "1Lt Mori")), ACSA_OK);
    assert_int_equal(step(f, &f->order, command(ACSA_STEP_APPROVE, "Cdr Rao")), ACSA_OK);
    assert_int_equal(step(f, &f->order, command(ACSA_STEP_ACCEPT, "Capt Sato")), ACSA_OK);
    assert_int_equal(line_step(f, &f->order, ACSA_STEP_ISSUE, 1, 10000, "PO Das"), ACSA_OK);
    assert_int_equal(line_step(f, &f->order, ACSA_STEP_RECEIVE, 1, 10000, "Sgt Ito"), ACSA_OK);
    assert_int_equal(f->event.postings[0].account, ACSA_ACCOUNT_RECEIVABLE_CASH);
    assert_int_equal(f->event.postings[0].amount_minor, 10000);
    assert_string_equal(f->event.postings[0].partner, "JP");
    assert_int_equal(f->event.postings[1].account, ACSA_ACCOUNT_SUPPLIED);
    assert_int_equal(f->event.postings[1].amount_minor, -10000);
}

static void test_agreement_period(void **state)
{
    struct fixture *f = *state;
    struct acsa_agreement *a = &f->agreement;
    assert_false(acsa_agreement_in_force(a, day_of("2020-09-08")));
    assert_true(acsa_agreement_in_force(a, day_of("2020-09-09")));
    /* Renewed automatically past the first ten years. */
    assert_true(acsa_agreement_in_force(a, day_of("2031-01-01")));
    assert_int_equal(acsa_agreement_term_end(a, day_of("2024-01-01")), day_of("2030-09-08"));
    assert_int_equal(acsa_agreement_term_end(a, day_of("2031-01-01")), day_of("2040-09-08"));
    a->renewal_years = 0;
    assert_false(acsa_agreement_in_force(a, day_of("2030-09-09")));
    a->renewal_years = 10;
    a->terminated_day = day_of("2025-01-01");
    assert_true(acsa_agreement_in_force(a, day_of("2024-12-31")));
    assert_false(acsa_agreement_in_force(a, day_of("2025-01-01")));
    assert_int_equal(acsa_agreement_ageing_bucket(a, 1), 0);
    assert_int_equal(acsa_agreement_ageing_bucket(a, 30), 0);
    assert_int_equal(acsa_agreement_ageing_bucket(a, 31), 1);
    assert_int_equal(acsa_agreement_ageing_bucket(a, 365), 2);
    assert_int_equal(acsa_agreement_ageing_bucket(a, 366), 3);
    a->terminated_day = ACSA_DATE_NONE;
    struct acsa_error err;
    assert_int_equal(acsa_agreement_validate(a, &err), ACSA_OK);
    snprintf(a->excluded[a->excluded_count++], ACSA_CODE_SIZE, "food");
    assert_int_equal(acsa_agreement_validate(a, &err), ACSA_EUSAGE);
    assert_string_equal(err.message, "categories: \"food\" is both permitted and excluded");
}

static void test_names_round_trip(void **state)
{
    (void)state;
    for (unsigned s = 0; s < ACSA_STATE_COUNT; s++) {
        enum acsa_state back;
        assert_true(acsa_state_parse(acsa_state_name((enum acsa_state)s), &back));
        assert_int_equal(back, s);
    }
    for (unsigned k = 0; k < ACSA_STEP_COUNT; k++) {
        enum acsa_step back;
        assert_true(acsa_step_parse(acsa_step_name((enum acsa_step)k), &back));
        assert_int_equal(back, k);
    }
    for (unsigned a = 0; a < ACSA_ACCOUNT_COUNT; a++) {
        enum acsa_account back;
        assert_true(acsa_account_parse(acsa_account_name((enum acsa_account)a), &back));
        assert_int_equal(back, a);
    }
    enum acsa_state s;
    assert_false(acsa_state_parse("lost", &s));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_valid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duties_kept_and_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_entry_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_submit_needs_complete_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_approval_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reject_and_cancel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cash_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rik_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rik_conversion, setup, teardown),
        cmocka_unit_test_setup_teardown(test_due_rules_agree, setup, teardown),
        cmocka_unit_test(test_step_inputs),
        cmocka_unit_test_setup_teardown(test_eve_exchange, setup, teardown),
        cmocka_unit_test_setup_teardown(test_defect13_invoices_and_rate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limits_have_their_own_code, setup, teardown),
        cmocka_unit_test(test_rc_unavailable_is_fatal),
        cmocka_unit_test_setup_teardown(test_defect6_other_lawful_reason, setup, teardown),
        cmocka_unit_test_setup_teardown(test_defect10_value_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dispute, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transition_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partial_values_add_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_supplier_side_postings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_agreement_period, setup, teardown),
        cmocka_unit_test(test_names_round_trip),
    };
    return cmocka_run_group_tests_name("order", tests, NULL, NULL);
}
