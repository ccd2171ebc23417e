/* SPDX-License-Identifier: MIT */
/* The ways out of an order in the core: resolve, close-line, correct, reject-return and amend,
 * each legal and illegal, with the regression cases of defects 1, 2, 8, 11 and 14. */
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
#include "app.h"
#include "record.h"

#include "order_fixture.h"

/* An invoice of everything receipted, numbered from the supplier's series. */
static enum acsa_rc invoice(struct fixture *f, struct acsa_order *order, const char *actor)
{
    static unsigned next = 1;
    struct acsa_command cmd = command(ACSA_STEP_INVOICE, actor);
    snprintf(cmd.invoice, sizeof(cmd.invoice), "JP-INV-2024-%06u", next++);
    return step(f, order, cmd);
}

/* ---- Helpers of the ways out ---------------------------------------------------------------- */

static struct acsa_command fix(enum acsa_step s, const char *actor, uint32_t line, int64_t qty)
{
    struct acsa_command cmd = command(s, actor);
    cmd.line_no = line;
    cmd.quantity_milli = qty;
    snprintf(cmd.reason, sizeof(cmd.reason), "stated reason");
    snprintf(cmd.party, sizeof(cmd.party), "IN");
    return cmd;
}

static enum acsa_rc resolve(struct fixture *f, struct acsa_order *order, const char *actor)
{
    struct acsa_command cmd = fix(ACSA_STEP_RESOLVE, actor, 0, 0);
    cmd.official = strcmp(actor, "Cdr Rao") == 0 ? &f->approver : &f->acceptor;
    return step(f, order, cmd);
}

static enum acsa_rc correct(struct fixture *f, struct acsa_order *order, enum acsa_step which,
                            uint32_t line, int64_t qty, const char *actor)
{
    struct acsa_command cmd = fix(ACSA_STEP_CORRECT, actor, line, qty);
    cmd.corrected_step = which;
    return step(f, order, cmd);
}

static int64_t posted(const struct acsa_event *event, enum acsa_account account)
{
    int64_t sum = 0;
    for (uint32_t i = 0; i < event->posting_count; i++) {
        sum += event->postings[i].account == account ? event->postings[i].amount_minor : 0;
    }
    return sum;
}

/* ---- resolve -------------------------------------------------------------------------------- */

static void test_defect1_resolved_order_settles_and_closes(void **state)
{
    struct fixture *f = *state;
    struct acsa_order *o = &f->order;
    to_accepted(f, ACSA_METHOD_CASH, o);
    to_delivered(f, o);
    assert_int_equal(step(f, o, fix(ACSA_STEP_DISPUTE, "Lt Iyer", 0, 0)), ACSA_OK);
    assert_string_equal(o->disputed_by, "IN");
    /* Steps that commute with a dispute go on under it; closing the order does not. */
    expect_refused(f, o, step(f, o, command(ACSA_STEP_CLOSE, "Lt Iyer")), ACSA_EREFUSED,
                   "state", NULL);
    /* The reason is required; the actor must be an official of the disputing party. */
    struct acsa_command cmd = fix(ACSA_STEP_RESOLVE, "Cdr Rao", 0, 0);
    cmd.official = &f->approver;
    cmd.reason[0] = '\0';
    expect_refused(f, o, step(f, o, cmd), ACSA_EUSAGE, "reason", NULL);
    expect_refused(f, o, resolve(f, o, "Capt Sato"), ACSA_EREFUSED, "by", NULL);
    cmd = fix(ACSA_STEP_RESOLVE, "Lt Iyer", 0, 0);
    expect_refused(f, o, step(f, o, cmd), ACSA_EREFUSED, "by", NULL);
    assert_int_equal(o->state, ACSA_STATE_DISPUTED);
    assert_int_equal(resolve(f, o, "Cdr Rao"), ACSA_OK);
    assert_int_equal(o->state, ACSA_STATE_DELIVERED);
    assert_int_equal(f->event.posting_count, 0);
    assert_int_equal(invoice(f, o, "Capt Sato"), ACSA_OK);
    assert_int_equal(pay(f, o, 20000, "JPY", "Cdr Rao"), ACSA_OK);
    assert_int_equal(o->state, ACSA_STATE_SETTLED);
    assert_int_equal(step(f, o, command(ACSA_STEP_CLOSE, "Lt Iyer")), ACSA_OK);
    /* Resolve needs a dispute. */
    expect_refused(f, o, resolve(f, o, "Cdr Rao"), ACSA_EREFUSED, "state", NULL);
}

static void test_defect1_disputed_in_kind_converts_after_resolve(void **state)
{
    struct fixture *f = *state;
    struct acsa_order *o = &f->order;
    to_accepted(f, ACSA_METHOD_RIK, o);
    to_delivered(f, o);
    int32_t due = o->due_day;
    struct acsa_command dispute = fix(ACSA_STEP_DISPUTE, "Capt Sato", 0, 0);
    snprintf(dispute.party, sizeof(dispute.party), "JP");
    assert_int_equal(step(f, o, dispute), ACSA_OK);
    assert_string_equal(o->disputed_by, "JP");
    assert_int_equal(o->due_day, due); /* Due dates are kept through a dispute. */
    assert_false(acsa_order_convertible(o, due + 10));
    expect_refused(f, o, resolve(f, o, "Cdr Rao"), ACSA_EREFUSED, "by", NULL);
    assert_int_equal(resolve(f, o, "Capt Sato"), ACSA_OK);
    assert_true(acsa_order_convertible(o, due + 10));
    struct acsa_command convert = command(ACSA_STEP_CONVERT, "system");
    convert.day = due + 10;
    assert_int_equal(step(f, o, convert), ACSA_OK);
    assert_int_equal(o->state, ACSA_STATE_INVOICED);
}

/* ---- close-line ----------------------------------------------------------------------------- */

static void expect_closes_and_settles(struct fixture *f, struct acsa_order *o, int64_t issued,
                                      int64_t received)
{
    assert_int_equal(line_step(f, o, ACSA_STEP_ISSUE, 1, issued, "PO Tanaka"), ACSA_OK);
    assert_int_equal(line_step(f, o, ACSA_STEP_RECEIVE, 1, received, "CPO Das"), ACSA_OK);
    int64_t q2 = o->lines[1].quantity_milli;
    assert_int_equal(line_step(f, o, ACSA_STEP_ISSUE, 2, q2, "PO Tanaka"), ACSA_OK);
    assert_int_equal(line_step(f, o, ACSA_STEP_RECEIVE, 2, q2, "CPO Das"), ACSA_OK);
    assert_int_equal(o->state, ACSA_STATE_DELIVERING);
    struct acsa_command cmd = fix(ACSA_STEP_CLOSE_LINE, "Lt Iyer", 1, 0);
    cmd.reason[0] = '\0';
    expect_refused(f, o, step(f, o, cmd), ACSA_EUSAGE, "reason", NULL);
    expect_refused(f, o, step(f, o, fix(ACSA_STEP_CLOSE_LINE, "Lt Iyer", 2, 0)), ACSA_EREFUSED,
                   "line", NULL); /* Fully received: nothing to close. */
    expect_refused(f, o, step(f, o, fix(ACSA_STEP_CLOSE_LINE, "Lt Iyer", 3, 0)), ACSA_EREFUSED,
                   "line", NULL);
    assert_int_equal(step(f, o, fix(ACSA_STEP_CLOSE_LINE, "Lt Iyer", 1, 0)), ACSA_OK);
    assert_int_equal(o->state, ACSA_STATE_DELIVERED);
    assert_true(o->lines[0].closed);
    expect_refused(f, o, step(f, o, fix(ACSA_STEP_CLOSE_LINE, "Lt Iyer", 1, 0)), ACSA_EREFUSED,
                   "state", NULL);
    int64_t value = o->received_value_minor;
    assert_int_equal(invoice(f, o, "Capt Sato"), ACSA_OK);
    assert_int_equal(o->cash_due_minor, value);
    assert_int_equal(pay(f, o, value, "JPY", "Cdr Rao"), ACSA_OK);
    assert_int_equal(o->state, ACSA_STATE_SETTLED);
    assert_int_equal(step(f, o, command(ACSA_STEP_CLOSE, "Lt Iyer")), ACSA_OK);
}

static void test_defect2_short_line_closed_and_invoiced(void **state)
{
    struct fixture *f = *state;
    struct acsa_order *o = &f->order;
    /* Issue 10 of 10, receive 9.75 (the rest lost in transit). */
    to_accepted(f, ACSA_METHOD_CASH, o);
    expect_closes_and_settles(f, o, 10000, 9750);
    assert_int_equal(o->cash_due_minor, 9750 + 10000);
    /* Issue 6 of 10, receive the 6: the supplier has no more. */
    memset(o, 0, sizeof(*o));
    to_accepted(f, ACSA_METHOD_CASH, o);
    expect_closes_and_settles(f, o, 6000, 6000);
    assert_int_equal(o->cash_due_minor, 6000 + 10000);
}

static void test_close_line_before_any_issue(void **state)
{
    struct fixture *f = *state;
    struct acsa_order *o = &f->order;
    to_accepted(f, ACSA_METHOD_RIK, o);
    assert_int_equal(step(f, o, fix(ACSA_STEP_CLOSE_LINE, "Capt Sato", 1, 0)), ACSA_OK);
    assert_int_equal(o->state, ACSA_STATE_ACCEPTED);
    expect_refused(f, o, line_step(f, o, ACSA_STEP_ISSUE, 1, 1000, "PO Tanaka"), ACSA_EREFUSED,
                   "line", NULL); /* Closed: nothing more is issued on it. */
    assert_int_equal(step(f, o, fix(ACSA_STEP_CLOSE_LINE, "Capt Sato", 2, 0)), ACSA_OK);
    /* Nothing received, nothing owed in kind. */
    assert_int_equal(o->state, ACSA_STATE_SETTLED);
}

/* ---- correct -------------------------------------------------------------------------------- */

static void test_correct_receipt(void **state)
{
    struct fixture *f = *state;
    struct acsa_order *o = &f->order;
    to_accepted(f, ACSA_METHOD_CASH, o);
    to_delivered(f, o);
    assert_int_equal(correct(f, o, ACSA_STEP_RECEIVE, 1, 9000, "CPO Das"), ACSA_OK);
    assert_int_equal(o->state, ACSA_STATE_DELIVERING);
    assert_int_equal(o->lines[0].received_milli, 9000);
    assert_int_equal(o->received_value_minor, 19000);
    /* The difference, on the accounts a receipt posts to. */
    assert_int_equal(f->event.amount_minor, -1000);
    assert_int_equal(posted(&f->event, ACSA_ACCOUNT_RECEIVED), -1000);
    assert_int_equal(posted(&f->event, ACSA_ACCOUNT_PAYABLE_CASH), 1000);
    assert_int_equal(f->event.line_no, 1);
    /* The event keeps what it corrected, for the order's history. */
    assert_int_equal(f->event.corrected_step, ACSA_STEP_RECEIVE);
    assert_int_equal(f->event.quantity_milli, 9000);
    assert_int_equal(correct(f, o, ACSA_STEP_RECEIVE, 1, 10000, "CPO Das"), ACSA_OK);
    assert_int_equal(o->state, ACSA_STATE_DELIVERED);
    /* Illegal: above issued, no change, separation of duties, other steps, settled. */
    expect_refused(f, o, correct(f, o, ACSA_STEP_RECEIVE, 1, 10001, "CPO Das"), ACSA_EREFUSED,
                   "qty", NULL);
    expect_refused(f, o, correct(f, o, ACSA_STEP_RECEIVE, 1, 10000, "CPO Das"), ACSA_EREFUSED,
                   "qty", NULL);
    expect_refused(f, o, correct(f, o, ACSA_STEP_RECEIVE, 1, 9000, "PO Tanaka"), ACSA_EREFUSED,
                   "by", NULL);
    expect_refused(f, o, correct(f, o, ACSA_STEP_ISSUE, 1, 9000, "PO Tanaka"), ACSA_EREFUSED,
                   "qty", NULL); /* Issued may not fall below received. */
    expect_refused(f, o, correct(f, o, ACSA_STEP_PAY, 1, 9000, "PO Tanaka"), ACSA_EUSAGE,
                   "corrected_step", NULL);
    expect_refused(f, o, correct(f, o, ACSA_STEP_RETURN, 1, 0, "CPO Das"), ACSA_EREFUSED,
                   "method", NULL);
    assert_int_equal(invoice(f, o, "Capt Sato"), ACSA_OK);
    expect_refused(f, o, correct(f, o, ACSA_STEP_RECEIVE, 1, 9000, "CPO Das"), ACSA_EREFUSED,
                   "state", NULL); /* Invoiced: not below what was invoiced. */
}

static void test_correct_issue_and_returns(void **state)
{
    struct fixture *f = *state;
    struct acsa_order *o = &f->order;
    to_accepted(f, ACSA_METHOD_RIK, o);
    assert_int_equal(line_step(f, o, ACSA_STEP_ISSUE, 1, 10000, "PO Tanaka"), ACSA_OK);
    assert_int_equal(correct(f, o, ACSA_STEP_ISSUE, 1, 8000, "PO Tanaka"), ACSA_OK);
    assert_int_equal(o->lines[0].issued_milli, 8000);
    assert_int_equal(f->event.posting_count, 0);
    expect_refused(f, o, correct(f, o, ACSA_STEP_ISSUE, 1, 10001, "PO Tanaka"), ACSA_EREFUSED,
                   "qty", NULL);
    assert_int_equal(correct(f, o, ACSA_STEP_ISSUE, 1, 10000, "PO Tanaka"), ACSA_OK);
    assert_int_equal(line_step(f, o, ACSA_STEP_RECEIVE, 1, 10000, "CPO Das"), ACSA_OK);
    assert_int_equal(line_step(f, o, ACSA_STEP_ISSUE, 2, 4000, "PO Tanaka"), ACSA_OK);
    assert_int_equal(line_step(f, o, ACSA_STEP_RECEIVE, 2, 4000, "CPO Das"), ACSA_OK);
    assert_int_equal(o->state, ACSA_STATE_DELIVERED);
    assert_int_equal(line_step(f, o, ACSA_STEP_RETURN, 1, 5000, "Lt Iyer"), ACSA_OK);
    assert_int_equal(line_step(f, o, ACSA_STEP_ACCEPT_RETURN, 1, 5000, "Capt Sato"), ACSA_OK);
    expect_refused(f, o, correct(f, o, ACSA_STEP_RETURN, 1, 4000, "Lt Iyer"), ACSA_EREFUSED,
                   "qty", NULL); /* Below what was accepted. */
    expect_refused(f, o, correct(f, o, ACSA_STEP_RECEIVE, 1, 4000, "CPO Das"), ACSA_EREFUSED,
                   "qty", NULL); /* Below what was returned. */
    assert_int_equal(correct(f, o, ACSA_STEP_ACCEPT_RETURN, 1, 4000, "Capt Sato"), ACSA_OK);
    assert_int_equal(posted(&f->event, ACSA_ACCOUNT_KIND_SETTLED), 1000);
    assert_int_equal(o->kind_settled_minor, 4000);
    expect_refused(f, o, correct(f, o, ACSA_STEP_ACCEPT_RETURN, 1, 5001, "Capt Sato"),
                   ACSA_EREFUSED, "qty", NULL);
}

/* ---- reject-return -------------------------------------------------------------------------- */

static void test_defect11_return_rejected_in_part(void **state)
{
    struct fixture *f = *state;
    struct acsa_order *o = &f->order;
    to_accepted(f, ACSA_METHOD_RIK, o);
    to_delivered(f, o);
    assert_int_equal(line_step(f, o, ACSA_STEP_RETURN, 1, 10000, "Lt Iyer"), ACSA_OK);
    assert_int_equal(line_step(f, o, ACSA_STEP_ACCEPT_RETURN, 1, 9000, "Capt Sato"), ACSA_OK);
    expect_refused(f, o, step(f, o, fix(ACSA_STEP_REJECT_RETURN, "Capt Sato", 1, 1001)),
                   ACSA_EREFUSED, "qty", NULL);
    struct acsa_command cmd = fix(ACSA_STEP_REJECT_RETURN, "Capt Sato", 1, 1000);
    cmd.reason[0] = '\0';
    expect_refused(f, o, step(f, o, cmd), ACSA_EUSAGE, "reason", NULL);
    assert_int_equal(step(f, o, fix(ACSA_STEP_REJECT_RETURN, "Capt Sato", 1, 1000)), ACSA_OK);
    assert_int_equal(o->lines[0].returned_milli, 9000);
    assert_int_equal(f->event.posting_count, 0);
    assert_int_equal(line_step(f, o, ACSA_STEP_RETURN, 1, 1000, "Lt Iyer"), ACSA_OK);
    assert_int_equal(line_step(f, o, ACSA_STEP_ACCEPT_RETURN, 1, 1000, "Capt Sato"), ACSA_OK);
    assert_int_equal(line_step(f, o, ACSA_STEP_RETURN, 1, 0, "Lt Iyer"), ACSA_EREFUSED);
    int64_t q2 = o->lines[1].quantity_milli;
    assert_int_equal(line_step(f, o, ACSA_STEP_RETURN, 2, q2, "Lt Iyer"), ACSA_OK);
    assert_int_equal(line_step(f, o, ACSA_STEP_ACCEPT_RETURN, 2, q2, "Capt Sato"), ACSA_OK);
    assert_int_equal(o->state, ACSA_STATE_SETTLED);
    /* A cash order has no returns to refuse. */
    memset(o, 0, sizeof(*o));
    to_accepted(f, ACSA_METHOD_CASH, o);
    to_delivered(f, o);
    expect_refused(f, o, step(f, o, fix(ACSA_STEP_REJECT_RETURN, "Capt Sato", 1, 1)),
                   ACSA_EREFUSED, "method", NULL);
}

/* ---- amend ---------------------------------------------------------------------------------- */

static void test_defect8_draft_completed_by_amend(void **state)
{
    struct fixture *f = *state;
    struct acsa_order *o = &f->order;
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH, "IN", "JP");
    d.requester_unit_id = d.supplier_unit_id = 0;
    d.place[0] = '\0';
    d.need_by_day = ACSA_DATE_NONE;
    assert_int_equal(create(f, &d, o), ACSA_OK);
    expect_refused(f, o, step(f, o, command(ACSA_STEP_SUBMIT, "Lt Iyer")), ACSA_EREFUSED,
                   "requester_unit", NULL);
    struct acsa_order_draft changed = draft_of(ACSA_METHOD_CASH, "IN", "JP");
    set_line(&changed, 2, "water", 1000, 5, "JPY");
    struct acsa_command cmd = command(ACSA_STEP_AMEND, "Lt Iyer");
    cmd.amend = &changed;
    cmd.activity = &f->activity;
    /* Every rule of entry again: an excluded category, another currency, no activity. */
    set_line(&changed, 2, "ammunition", 1000, 5, "JPY");
    expect_refused(f, o, step(f, o, cmd), ACSA_EREFUSED, "line.category", NULL);
    set_line(&changed, 2, "water", 1000, 5, "INR");
    expect_refused(f, o, step(f, o, cmd), ACSA_EREFUSED, "line.currency", NULL);
    set_line(&changed, 2, "water", 1000, 5, "JPY");
    cmd.activity = NULL;
    expect_refused(f, o, step(f, o, cmd), ACSA_EUSAGE, "amend", NULL);
    cmd.activity = &f->activity;
    assert_int_equal(step(f, o, cmd), ACSA_OK);
    assert_int_equal(o->line_count, 3);
    assert_int_equal(o->value_minor, 20000 + 5);
    assert_string_equal(o->place, "Yokosuka");
    assert_int_equal(f->event.posting_count, 0);
    assert_int_equal(step(f, o, command(ACSA_STEP_SUBMIT, "Lt Iyer")), ACSA_OK);
    expect_refused(f, o, step(f, o, cmd), ACSA_EREFUSED, "state", NULL);
}

/* ---- defect 14 ------------------------------------------------------------------------------ */

static void test_defect14_names_folded(void **state)
{
    struct fixture *f = *state;
    uint8_t a[ACSA_NAME_KEY_SIZE];
    uint8_t b[ACSA_NAME_KEY_SIZE];
    acsa_app_name_key("CPO Das", a);
    static const char *const same[] = {"cpo das", "CPO  Das", "  CPO Das ", "CPO\u3000Das",
                                       "\uff23\uff30\uff2f \uff24\uff41\uff53"};
    for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
        acsa_app_name_key(same[i], b);
        if (memcmp(a, b, sizeof(a)) != 0) {
            fail_msg("\"%s\" keys apart from \"CPO Das\"", same[i]);
        }
    }
    acsa_app_name_key("CPO Dass", b);
    assert_memory_not_equal(a, b, sizeof(a));
    acsa_app_name_key("Straße", a);
    acsa_app_name_key("STRASSE", b);
    assert_memory_equal(a, b, sizeof(a)); /* Full case folding. */
    /* The core compares keys: "cpo das" may not receive what "CPO Das" issued. */
    struct acsa_order *o = &f->order;
    to_accepted(f, ACSA_METHOD_CASH, o);
    struct acsa_command issue = command(ACSA_STEP_ISSUE, "CPO Das");
    issue.line_no = 1;
    issue.quantity_milli = 1000;
    acsa_app_name_key(issue.actor, issue.actor_key);
    assert_int_equal(step(f, o, issue), ACSA_OK);
    for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
        struct acsa_command receive = command(ACSA_STEP_RECEIVE, same[i]);
        receive.line_no = 1;
        receive.quantity_milli = 1000;
        acsa_app_name_key(receive.actor, receive.actor_key);
        expect_refused(f, o, step(f, o, receive), ACSA_EREFUSED, "by", NULL);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        {"defect 1: a disputed order is resolved and goes on to settle and close",
         test_defect1_resolved_order_settles_and_closes, setup, teardown, NULL},
        {"defect 1: a disputed in-kind order converts after it is resolved",
         test_defect1_disputed_in_kind_converts_after_resolve, setup, teardown, NULL},
        {"defect 2: a line received short can be closed and the order invoiced",
         test_defect2_short_line_closed_and_invoiced, setup, teardown, NULL},
        cmocka_unit_test_setup_teardown(test_close_line_before_any_issue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_correct_receipt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_correct_issue_and_returns, setup, teardown),
        {"defect 11: part of a return is rejected, returned again and accepted",
         test_defect11_return_rejected_in_part, setup, teardown, NULL},
        {"defect 8: a draft without units, place and need-by is completed by amend",
         test_defect8_draft_completed_by_amend, setup, teardown, NULL},
        {"defect 14: names differing in case, spacing or width are one person",
         test_defect14_names_folded, setup, teardown, NULL},
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
