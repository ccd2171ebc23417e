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

#ifndef ACSA_SOURCE_ROOT
#define ACSA_SOURCE_ROOT "."
#endif

/* Everything one test works on; on the heap because orders are large. */
struct fixture {
    struct acsa_agreement agreement;
    struct acsa_activity activity;
    struct acsa_official approver;      /* IN official, 1,000,000.00 INR and 5,000,000 JPY. */
    struct acsa_official acceptor;      /* JP official. */
    struct acsa_order order;
    struct acsa_order other;
    struct acsa_event event;
    struct acsa_event other_event;
    struct acsa_error err;
};

static int32_t day_of(const char *text)
{
    int32_t day = 0;
    struct acsa_error err;
    assert_int_equal(acsa_date_parse(text, "date", &day, &err), ACSA_OK);
    return day;
}

static void load_agreement(const char *file, struct acsa_agreement *out)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/agreements/%s", ACSA_SOURCE_ROOT, file);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char text[65536];
    size_t size = fread(text, 1, sizeof(text), f);
    fclose(f);
    struct acsa_error err;
    assert_int_equal(acsa_agreement_from_json(text, size, out, &err), ACSA_OK);
}

static void add_limit(struct acsa_official *official, const char *code, int64_t minor)
{
    official->limit_currency[official->limit_count] = *acsa_currency_find(code);
    official->limit_minor[official->limit_count] = minor;
    official->limit_count++;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    load_agreement("india-japan-2020.json", &f->agreement);
    f->activity.id = 1;
    snprintf(f->activity.agreement_id, ACSA_ID_SIZE, "IN-JP-2020");
    snprintf(f->activity.name, ACSA_NAME_SIZE, "JIMEX 2024");
    snprintf(f->activity.type, ACSA_CODE_SIZE, "bilateral-training");
    f->activity.from_day = day_of("2024-06-01");
    f->activity.to_day = day_of("2024-06-20");
    snprintf(f->approver.party, ACSA_NATION_SIZE, "IN");
    snprintf(f->approver.name, ACSA_NAME_SIZE, "Cdr Rao");
    add_limit(&f->approver, "INR", 100000000);
    add_limit(&f->approver, "JPY", 5000000);
    snprintf(f->acceptor.party, ACSA_NATION_SIZE, "JP");
    snprintf(f->acceptor.name, ACSA_NAME_SIZE, "Capt Sato");
    add_limit(&f->acceptor, "JPY", 50000000);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static void set_line(struct acsa_order_draft *draft, uint32_t index, const char *category,
                     int64_t quantity_milli, int64_t price_minor, const char *currency)
{
    struct acsa_order_line *line = &draft->lines[index];
    snprintf(line->category, sizeof(line->category), "%s", category);
    snprintf(line->description, sizeof(line->description), "%s supply", category);
    snprintf(line->unit_of_issue, sizeof(line->unit_of_issue), "ea");
    line->quantity_milli = quantity_milli;
    line->price_minor = price_minor;
    snprintf(draft->line_currency[index], ACSA_CURRENCY_SIZE, "%s", currency);
    if (index + 1 > draft->line_count) {
        draft->line_count = index + 1;
    }
}

/* IN requests from JP: 10 x 1000 JPY fuel and 4 x 2500 JPY food = 20,000 JPY. */
static struct acsa_order_draft draft_of(enum acsa_method method, const char *requester,
                                        const char *supplier)
{
    struct acsa_order_draft draft;
    memset(&draft, 0, sizeof(draft));
    snprintf(draft.requester, ACSA_NATION_SIZE, "%s", requester);
    snprintf(draft.supplier, ACSA_NATION_SIZE, "%s", supplier);
    draft.requester_unit_id = 1;
    draft.supplier_unit_id = 2;
    draft.method = method;
    snprintf(draft.place, sizeof(draft.place), "Yokosuka");
    draft.need_by_day = day_of("2024-06-05");
    set_line(&draft, 0, "pol", 10000, 1000, "JPY");
    set_line(&draft, 1, "food", 4000, 2500, "JPY");
    return draft;
}

static enum acsa_rc create(struct fixture *f, const struct acsa_order_draft *draft,
                           struct acsa_order *out)
{
    return acsa_order_create(&f->agreement, &f->activity, draft, "IN-JP-2024-000001",
                             day_of("2024-06-01"), "Lt Iyer", out, &f->event, &f->err);
}

static struct acsa_command command(enum acsa_step step, const char *actor)
{
    struct acsa_command cmd;
    memset(&cmd, 0, sizeof(cmd));
    cmd.step = step;
    cmd.day = day_of("2024-06-10");
    snprintf(cmd.actor, sizeof(cmd.actor), "%s", actor);
    return cmd;
}

static enum acsa_rc step(struct fixture *f, struct acsa_order *order, struct acsa_command cmd)
{
    if (cmd.step == ACSA_STEP_APPROVE) {
        cmd.official = &f->approver;
    }
    if (cmd.step == ACSA_STEP_ACCEPT || cmd.step == ACSA_STEP_REJECT) {
        cmd.official = &f->acceptor;
    }
    return acsa_order_apply(&f->agreement, "IN", order, &cmd, &f->event, &f->err);
}

static enum acsa_rc line_step(struct fixture *f, struct acsa_order *order, enum acsa_step s,
                              uint32_t line_no, int64_t quantity_milli, const char *actor)
{
    struct acsa_command cmd = command(s, actor);
    cmd.line_no = line_no;
    cmd.quantity_milli = quantity_milli;
    return step(f, order, cmd);
}

static enum acsa_rc pay(struct fixture *f, struct acsa_order *order, int64_t amount,
                        const char *currency, const char *actor)
{
    struct acsa_command cmd = command(ACSA_STEP_PAY, actor);
    cmd.amount_minor = amount;
    snprintf(cmd.currency, sizeof(cmd.currency), "%s", currency);
    return step(f, order, cmd);
}

/* Expects a refusal with the given code, field and message, and an unchanged order. */
static void expect_refused(struct fixture *f, struct acsa_order *order, enum acsa_rc got,
                           enum acsa_rc rc, const char *field, const char *message)
{
    assert_int_equal(got, rc);
    assert_string_equal(f->err.field, field);
    if (message != NULL) {
        assert_string_equal(f->err.message, message);
    }
    (void)order;
}

/* Walks a fresh order to accepted. */
static void to_accepted(struct fixture *f, enum acsa_method method, struct acsa_order *order)
{
    struct acsa_order_draft draft = draft_of(method, "IN", "JP");
    assert_int_equal(create(f, &draft, order), ACSA_OK);
    assert_int_equal(step(f, order, command(ACSA_STEP_SUBMIT, "Lt Iyer")), ACSA_OK);
    assert_int_equal(step(f, order, command(ACSA_STEP_APPROVE, "Cdr Rao")), ACSA_OK);
    assert_int_equal(step(f, order, command(ACSA_STEP_ACCEPT, "Capt Sato")), ACSA_OK);
    assert_int_equal(order->state, ACSA_STATE_ACCEPTED);
}

/* Walks an accepted order to delivered: issue and receive both lines in full. */
static void to_delivered(struct fixture *f, struct acsa_order *order)
{
    for (uint32_t no = 1; no <= order->line_count; no++) {
        int64_t q = order->lines[no - 1].quantity_milli;
        assert_int_equal(line_step(f, order, ACSA_STEP_ISSUE, no, q, "PO Tanaka"), ACSA_OK);
        assert_int_equal(line_step(f, order, ACSA_STEP_RECEIVE, no, q, "CPO Das"), ACSA_OK);
    }
    assert_int_equal(order->state, ACSA_STATE_DELIVERED);
}

static void test_create_valid(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft draft = draft_of(ACSA_METHOD_CASH, "IN", "JP");
    assert_int_equal(create(f, &draft, &f->order), ACSA_OK);
    assert_int_equal(f->order.state, ACSA_STATE_DRAFT);
    assert_int_equal(f->order.value_minor, 20000);
    assert_string_equal(f->order.currency.code, "JPY");
    assert_int_equal(f->order.history_count, 1);
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
                   "line 1: quantity x price overflows the largest amount");

    draft = draft_of(ACSA_METHOD_CASH, "IN", "JP");
    set_line(&draft, 0, "food", 1000, INT64_MAX - 5, "JPY");
    set_line(&draft, 1, "food", 1000, 10, "JPY");
    expect_refused(f, &f->order, create(f, &draft, &f->order), ACSA_EREFUSED, "line.price",
                   "line 2: the order total overflows the largest amount");
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
    assert_int_equal(f->event.posting_count, 2);
    /* IN receives: an expense against a payable to JP of 6000 JPY. */
    assert_int_equal(t.account[ACSA_ACCOUNT_PAYABLE_CASH], -6000);
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
    expect_refused(f, &f->order, pay(f, &f->order, 100, "JPY", "Lt Finance"), ACSA_EREFUSED,
                   "state", NULL);
    struct acsa_command cmd = command(ACSA_STEP_INVOICE, "Capt Sato");
    cmd.day = day_of("2024-06-12");
    assert_int_equal(step(f, &f->order, cmd), ACSA_OK);
    assert_int_equal(f->order.state, ACSA_STATE_INVOICED);
    assert_int_equal(f->order.due_day, day_of("2024-07-12"));
    assert_int_equal(f->order.cash_due_minor, 20000);
    assert_false(acsa_order_overdue(&f->order, day_of("2024-07-12")));
    assert_true(acsa_order_overdue(&f->order, day_of("2024-07-13")));
    expect_refused(f, &f->order, pay(f, &f->order, 100, "USD", "Lt Finance"), ACSA_EREFUSED,
                   "currency", "currency: payment in USD, but order IN-JP-2024-000001 is in JPY");
    expect_refused(f, &f->order, pay(f, &f->order, 20001, "JPY", "Lt Finance"), ACSA_EREFUSED,
                   "amount",
                   "amount: payment exceeds the 20000 JPY outstanding on order "
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
    assert_int_equal(step(f, &f->order, command(ACSA_STEP_CLOSE, "Cdr Rao")), ACSA_OK);
    assert_int_equal(f->order.state, ACSA_STATE_CLOSED);
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
        [ACSA_STEP_INVOICE] = "delivered",
        [ACSA_STEP_PAY] = "invoiced",
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
                assert_int_equal(f->order.history_count, f->other.history_count);
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
        cmocka_unit_test_setup_teardown(test_create_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_entry_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_submit_needs_complete_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_approval_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reject_and_cancel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cash_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rik_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rik_conversion, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eve_exchange, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dispute, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transition_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partial_values_add_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_supplier_side_postings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_agreement_period, setup, teardown),
        cmocka_unit_test(test_names_round_trip),
    };
    return cmocka_run_group_tests_name("order", tests, NULL, NULL);
}
