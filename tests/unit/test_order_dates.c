/* SPDX-License-Identifier: MIT */
/* The date rules of orders, legal and illegal: steps in order and never after today, invoice
 * after the last receipt, payment after the invoice, need-by, the activity window, back-entry
 * and the agreement's end. "Today" is the recorded_day the node passes in. */
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
#include "order.h"

#ifndef ACSA_SOURCE_ROOT
#define ACSA_SOURCE_ROOT "."
#endif

struct fixture {
    struct acsa_agreement agreement;
    struct acsa_activity activity;
    struct acsa_official approver;
    struct acsa_official acceptor;
    struct acsa_order order;
    struct acsa_event event;
    struct acsa_error err;
    int32_t today;
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
    char path[512];
    snprintf(path, sizeof(path), "%s/agreements/india-japan-2020.json", ACSA_SOURCE_ROOT);
    FILE *file = fopen(path, "rb");
    assert_non_null(file);
    static char text[65536];
    size_t size = fread(text, 1, sizeof(text), file);
    fclose(file);
    assert_int_equal(acsa_agreement_from_json(text, size, &f->agreement, &f->err), ACSA_OK);
    assert_int_equal(f->agreement.planning_days_before, 90);
    assert_int_equal(f->agreement.days_after, 30);
    assert_int_equal(f->agreement.backdate_days, 30);
    f->activity.id = 1;
    snprintf(f->activity.agreement_id, ACSA_ID_SIZE, "IN-JP-2020");
    snprintf(f->activity.name, ACSA_NAME_SIZE, "JIMEX 2024");
    snprintf(f->activity.type, ACSA_CODE_SIZE, "bilateral-training");
    f->activity.from_day = day_of("2024-06-01");
    f->activity.to_day = day_of("2024-06-20");
    snprintf(f->approver.party, ACSA_NATION_SIZE, "IN");
    snprintf(f->approver.name, ACSA_NAME_SIZE, "Cdr Rao");
    f->approver.limit_currency[0] = *acsa_currency_find("JPY");
    f->approver.limit_minor[0] = 5000000;
    f->approver.limit_count = 1;
    snprintf(f->acceptor.party, ACSA_NATION_SIZE, "JP");
    snprintf(f->acceptor.name, ACSA_NAME_SIZE, "Capt Sato");
    f->acceptor.limit_currency[0] = *acsa_currency_find("JPY");
    f->acceptor.limit_minor[0] = 50000000;
    f->acceptor.limit_count = 1;
    f->today = day_of("2024-06-30");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static struct acsa_order_draft draft_of(struct fixture *f)
{
    struct acsa_order_draft d;
    memset(&d, 0, sizeof(d));
    snprintf(d.requester, ACSA_NATION_SIZE, "IN");
    snprintf(d.supplier, ACSA_NATION_SIZE, "JP");
    d.method = ACSA_METHOD_CASH;
    d.need_by_day = day_of("2030-01-01"); /* A wish for the future is not a step. */
    d.requester_unit_id = 1;
    d.supplier_unit_id = 2;
    snprintf(d.place, sizeof(d.place), "Yokosuka");
    d.recorded_day = f->today;
    struct acsa_order_line *l = &d.lines[0];
    snprintf(l->category, sizeof(l->category), "pol");
    snprintf(l->description, sizeof(l->description), "diesel");
    snprintf(l->unit_of_issue, sizeof(l->unit_of_issue), "l");
    l->quantity_milli = 10000;
    l->price_minor = 1000;
    snprintf(d.line_currency[0], ACSA_CURRENCY_SIZE, "JPY");
    d.line_count = 1;
    return d;
}

static enum acsa_rc create_on(struct fixture *f, const struct acsa_order_draft *d,
                              const char *day)
{
    return acsa_order_create(&f->agreement, &f->activity, d, "IN-JP-2024-000001", day_of(day),
                             "Lt Iyer", &f->order, &f->event, &f->err);
}

static enum acsa_rc step_on(struct fixture *f, enum acsa_step s, const char *day,
                            const char *reason)
{
    struct acsa_command c;
    memset(&c, 0, sizeof(c));
    c.step = s;
    c.day = day_of(day);
    c.recorded_day = f->today;
    static const char *const actors[ACSA_STEP_COUNT] = {
        [ACSA_STEP_SUBMIT] = "Lt Iyer",    [ACSA_STEP_APPROVE] = "Cdr Rao",
        [ACSA_STEP_ACCEPT] = "Capt Sato",  [ACSA_STEP_ISSUE] = "CPO Tanaka",
        [ACSA_STEP_RECEIVE] = "Lt Das",    [ACSA_STEP_INVOICE] = "Lt Cdr Mori",
        [ACSA_STEP_PAY] = "Lt Finance",
    };
    snprintf(c.actor, sizeof(c.actor), "%s", actors[s] != NULL ? actors[s] : "Lt Iyer");
    c.official = s == ACSA_STEP_APPROVE ? &f->approver
                 : s == ACSA_STEP_ACCEPT ? &f->acceptor : NULL;
    if (s == ACSA_STEP_ISSUE || s == ACSA_STEP_RECEIVE) {
        c.line_no = 1;
        c.quantity_milli = 10000;
    }
    if (s == ACSA_STEP_INVOICE) {
        snprintf(c.invoice, sizeof(c.invoice), "JP-INV-2024-%06u", f->order.invoice_count + 1);
    }
    if (s == ACSA_STEP_PAY) {
        c.amount_minor = 10000;
        snprintf(c.currency, sizeof(c.currency), "JPY");
    }
    snprintf(c.backdate_reason, sizeof(c.backdate_reason), "%s", reason != NULL ? reason : "");
    return acsa_order_apply(&f->agreement, "IN", &f->order, &c, &f->event, &f->err);
}

static void refused_as(struct fixture *f, enum acsa_rc rc, enum acsa_rc want, const char *field,
                       const char *needle)
{
    assert_int_equal(rc, want);
    assert_string_equal(f->err.field, field);
    if (strstr(f->err.message, needle) == NULL) {
        fail_msg("\"%s\" does not say \"%s\"", f->err.message, needle);
    }
}

static void refused(struct fixture *f, enum acsa_rc rc, const char *field, const char *needle)
{
    refused_as(f, rc, ACSA_EREFUSED, field, needle);
}

/* Raised 06-01, then each step on the given days up to the last one named. */
static void walk(struct fixture *f, enum acsa_step through)
{
    struct acsa_order_draft d = draft_of(f);
    assert_int_equal(create_on(f, &d, "2024-06-01"), ACSA_OK);
    static const enum acsa_step steps[] = {ACSA_STEP_SUBMIT, ACSA_STEP_APPROVE,
                                           ACSA_STEP_ACCEPT, ACSA_STEP_ISSUE,
                                           ACSA_STEP_RECEIVE, ACSA_STEP_INVOICE, ACSA_STEP_PAY};
    static const char *const days[] = {"2024-06-02", "2024-06-03", "2024-06-04", "2024-06-05",
                                       "2024-06-06", "2024-06-07", "2024-06-08"};
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        enum acsa_rc rc = step_on(f, steps[i], days[i], NULL);
        if (rc != ACSA_OK) {
            fail_msg("%s: %s", acsa_step_name(steps[i]), f->err.message);
        }
        if (steps[i] == through) {
            return;
        }
    }
}

static void test_defect3_approve_before_submit_refused(void **state)
{
    struct fixture *f = *state;
    walk(f, ACSA_STEP_SUBMIT);
    refused(f, step_on(f, ACSA_STEP_APPROVE, "2024-06-01", NULL), "date",
            "2024-06-01 is before the order's previous step (2024-06-02)");
    assert_int_equal(f->order.state, ACSA_STATE_SUBMITTED);
    assert_int_equal(step_on(f, ACSA_STEP_APPROVE, "2024-06-02", NULL), ACSA_OK);
}

static void test_defect3_receive_before_issue_refused(void **state)
{
    struct fixture *f = *state;
    walk(f, ACSA_STEP_ISSUE);
    refused(f, step_on(f, ACSA_STEP_RECEIVE, "2024-06-04", NULL), "date",
            "before the order's previous step (2024-06-05)");
}

static void test_defect3_invoice_before_receipt_refused(void **state)
{
    struct fixture *f = *state;
    walk(f, ACSA_STEP_RECEIVE);
    refused(f, step_on(f, ACSA_STEP_INVOICE, "2024-06-05", NULL), "date", "2024-06-06");
    /* The last receipt rule holds on its own, whatever the previous step. */
    f->order.last_step_day = day_of("2024-06-01");
    refused(f, step_on(f, ACSA_STEP_INVOICE, "2024-06-05", NULL), "date", "the last receipt");
}

static void test_defect3_pay_before_invoice_refused(void **state)
{
    struct fixture *f = *state;
    walk(f, ACSA_STEP_INVOICE);
    refused(f, step_on(f, ACSA_STEP_PAY, "2024-06-06", NULL), "date", "2024-06-07");
    f->order.last_step_day = day_of("2024-06-01");
    refused(f, step_on(f, ACSA_STEP_PAY, "2024-06-06", NULL), "date", "the invoice");
    assert_int_equal(step_on(f, ACSA_STEP_PAY, "2024-06-07", NULL), ACSA_OK);
}

static void test_defect3_future_invoice_refused_due_unmoved(void **state)
{
    struct fixture *f = *state;
    walk(f, ACSA_STEP_RECEIVE);
    int32_t due = f->order.due_day;
    refused_as(f, step_on(f, ACSA_STEP_INVOICE, "2099-06-05", NULL), ACSA_EUSAGE, "date",
            "date: 2099-06-05 is after today (2024-06-30)");
    assert_int_equal(f->order.due_day, due);
    assert_int_equal(f->order.state, ACSA_STATE_DELIVERED);
}

static void test_defect3_future_order_date_refused(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft d = draft_of(f);
    refused_as(f, create_on(f, &d, "2024-07-01"), ACSA_EUSAGE, "date",
            "date: 2024-07-01 is after today (2024-06-30)");
    assert_int_equal(create_on(f, &d, "2024-06-30"), ACSA_OK);
}

static void test_defect3_need_by_before_order_date_refused(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft d = draft_of(f);
    d.need_by_day = day_of("2024-05-31");
    refused(f, create_on(f, &d, "2024-06-01"), "need_by",
            "need_by: 2024-05-31 is before the order date (2024-06-01)");
    d.need_by_day = day_of("2024-06-01");
    assert_int_equal(create_on(f, &d, "2024-06-01"), ACSA_OK);
}

static void test_defect3_activity_window(void **state)
{
    struct fixture *f = *state;
    f->today = day_of("2025-06-30");
    struct acsa_order_draft d = draft_of(f);
    /* 2024-06-20 + 30 days is the last day; 2024-06-01 - 90 days the first. */
    refused(f, create_on(f, &d, "2025-06-10"), "date", "outside the dates of activity");
    snprintf(d.backdate_reason, sizeof(d.backdate_reason), "paper order found");
    assert_int_equal(create_on(f, &d, "2024-07-20"), ACSA_OK);
    refused(f, create_on(f, &d, "2024-07-21"), "date", "days_after");
    assert_int_equal(create_on(f, &d, "2024-03-03"), ACSA_OK);
    refused(f, create_on(f, &d, "2024-03-02"), "date", "planning_days_before");
}

static void test_back_entry_needs_reason(void **state)
{
    struct fixture *f = *state;
    walk(f, ACSA_STEP_SUBMIT);
    f->today = day_of("2024-07-03");
    /* 30 days before today is still on time; 31 is back-entered. */
    assert_int_equal(step_on(f, ACSA_STEP_APPROVE, "2024-06-03", NULL), ACSA_OK);
    assert_string_equal(f->event.backdate_reason, "");
    refused(f, step_on(f, ACSA_STEP_ACCEPT, "2024-06-02", NULL), "date", "previous step");
    f->today = day_of("2024-07-05");
    refused(f, step_on(f, ACSA_STEP_ACCEPT, "2024-06-04", NULL), "backdate_reason",
            "more than 30 days before it is recorded (2024-07-05)");
    assert_int_equal(step_on(f, ACSA_STEP_ACCEPT, "2024-06-04", "signal log found late"),
                     ACSA_OK);
    assert_string_equal(f->event.backdate_reason, "signal log found late");
    assert_int_equal(f->event.recorded_day, day_of("2024-07-05"));
    assert_true(acsa_order_back_entered(&f->agreement, day_of("2024-06-04"), f->today));
    assert_false(acsa_order_back_entered(&f->agreement, day_of("2024-06-05"), f->today));
}

/* An agreement whose term ended on 2022-09-08 and was not renewed. */
static void end_agreement(struct fixture *f)
{
    f->agreement.term_years = 2;
    f->agreement.renewal_years = 0;
    assert_int_equal(acsa_agreement_last_day(&f->agreement), day_of("2022-09-08"));
    f->activity.from_day = day_of("2021-06-01");
    f->activity.to_day = day_of("2021-06-20");
}

static void test_defect4_create_under_ended_agreement(void **state)
{
    struct fixture *f = *state;
    end_agreement(f);
    f->today = day_of("2026-12-04");
    struct acsa_order_draft d = draft_of(f);
    refused(f, create_on(f, &d, "2021-06-10"), "backdate_reason", "back-entry reason");
    snprintf(d.backdate_reason, sizeof(d.backdate_reason), "found in the 2021 files");
    assert_int_equal(create_on(f, &d, "2021-06-10"), ACSA_OK);
    assert_string_equal(f->event.backdate_reason, "found in the 2021 files");
    /* Never dated after the end, with a reason or not. */
    f->activity.to_day = day_of("2022-12-01");
    refused(f, create_on(f, &d, "2022-09-09"), "date", "not in force");
}

static void test_defect4_draft_not_approved_after_end(void **state)
{
    struct fixture *f = *state;
    end_agreement(f);
    f->activity.to_day = day_of("2022-08-01");
    f->today = day_of("2022-06-10");
    struct acsa_order_draft d = draft_of(f);
    assert_int_equal(create_on(f, &d, "2022-06-10"), ACSA_OK);
    assert_int_equal(step_on(f, ACSA_STEP_SUBMIT, "2022-06-10", NULL), ACSA_OK);
    f->today = day_of("2022-09-20");
    refused(f, step_on(f, ACSA_STEP_APPROVE, "2022-09-10", "late"), "date", "ended on 2022-09-08");
    refused(f, step_on(f, ACSA_STEP_APPROVE, "2022-09-01", NULL), "backdate_reason",
            "ended on 2022-09-08");
    assert_int_equal(step_on(f, ACSA_STEP_APPROVE, "2022-09-01", "signed before the end"),
                     ACSA_OK);
    refused(f, step_on(f, ACSA_STEP_ACCEPT, "2022-09-12", "late"), "date", "ended on");
}

static void test_accepted_order_settles_after_end(void **state)
{
    struct fixture *f = *state;
    end_agreement(f);
    f->today = day_of("2021-06-10");
    struct acsa_order_draft d = draft_of(f);
    assert_int_equal(create_on(f, &d, "2021-06-10"), ACSA_OK);
    assert_int_equal(step_on(f, ACSA_STEP_SUBMIT, "2021-06-10", NULL), ACSA_OK);
    assert_int_equal(step_on(f, ACSA_STEP_APPROVE, "2021-06-10", NULL), ACSA_OK);
    assert_int_equal(step_on(f, ACSA_STEP_ACCEPT, "2021-06-10", NULL), ACSA_OK);
    f->today = day_of("2022-10-01");
    assert_int_equal(step_on(f, ACSA_STEP_ISSUE, "2022-09-20", NULL), ACSA_OK);
    assert_int_equal(step_on(f, ACSA_STEP_RECEIVE, "2022-09-21", NULL), ACSA_OK);
    assert_int_equal(step_on(f, ACSA_STEP_INVOICE, "2022-09-22", NULL), ACSA_OK);
    assert_int_equal(step_on(f, ACSA_STEP_PAY, "2022-10-01", NULL), ACSA_OK);
    assert_int_equal(f->order.state, ACSA_STATE_SETTLED);
}

static void test_last_day(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(acsa_agreement_last_day(&f->agreement), ACSA_DATE_NONE);
    f->agreement.terminated_day = day_of("2025-01-01");
    assert_int_equal(acsa_agreement_last_day(&f->agreement), day_of("2024-12-31"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_defect3_approve_before_submit_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_defect3_receive_before_issue_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_defect3_invoice_before_receipt_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_defect3_pay_before_invoice_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_defect3_future_invoice_refused_due_unmoved, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_defect3_future_order_date_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_defect3_need_by_before_order_date_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_defect3_activity_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_back_entry_needs_reason, setup, teardown),
        cmocka_unit_test_setup_teardown(test_defect4_create_under_ended_agreement, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_defect4_draft_not_approved_after_end, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_accepted_order_settles_after_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_last_day, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
