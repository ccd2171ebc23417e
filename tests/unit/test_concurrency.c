/* SPDX-License-Identifier: MIT */
/* Concurrent steps: the commute table of src/core/concurrency.c against the core itself. For
 * every pair of steps the two parties can take on one order from the same state while their
 * nodes are apart, both orders of arrival are applied on both nations' sides: a commuting pair
 * must apply either way with equal facts and equal ledgers; a conflicting pair must be one
 * the core refuses in at least one order, so the deterministic rule is needed. */
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
#include "concurrency.h"
#include "date.h"
#include "money.h"
#include "order.h"
#include "record.h"

#ifndef ACSA_SOURCE_ROOT
#define ACSA_SOURCE_ROOT "."
#endif

enum walk { TO_APPROVED, TO_ACCEPTED, TO_DELIVERING, TO_DELIVERED, TO_INVOICED, TO_SETTLED };

/* One pair: from the state a walk reaches, India (requester) takes a, Japan (supplier) b. */
struct pair_case {
    const char *name;
    enum walk walk;
    enum acsa_step a;           /* India's step. */
    enum acsa_step b;           /* Japan's step. */
};

static const struct pair_case CASES[] = {
    {"defect 15: a payment and a dispute", TO_INVOICED, ACSA_STEP_PAY, ACSA_STEP_DISPUTE},
    {"two disputes", TO_INVOICED, ACSA_STEP_DISPUTE, ACSA_STEP_DISPUTE},
    {"dispute and issue", TO_ACCEPTED, ACSA_STEP_DISPUTE, ACSA_STEP_ISSUE},
    {"receive and issue", TO_DELIVERING, ACSA_STEP_RECEIVE, ACSA_STEP_ISSUE},
    {"receive and dispute", TO_DELIVERING, ACSA_STEP_RECEIVE, ACSA_STEP_DISPUTE},
    {"dispute and invoice", TO_DELIVERED, ACSA_STEP_DISPUTE, ACSA_STEP_INVOICE},
    {"cancel and accept", TO_APPROVED, ACSA_STEP_CANCEL, ACSA_STEP_ACCEPT},
    {"cancel and reject", TO_APPROVED, ACSA_STEP_CANCEL, ACSA_STEP_REJECT},
    {"cancel and issue", TO_ACCEPTED, ACSA_STEP_CANCEL, ACSA_STEP_ISSUE},
    {"cancel and dispute", TO_ACCEPTED, ACSA_STEP_CANCEL, ACSA_STEP_DISPUTE},
    {"close and close", TO_SETTLED, ACSA_STEP_CLOSE, ACSA_STEP_CLOSE},
    {"close and dispute", TO_SETTLED, ACSA_STEP_CLOSE, ACSA_STEP_DISPUTE},
};

struct fixture {
    struct acsa_agreement agreement;
    struct acsa_activity activity;
    struct acsa_official approver;
    struct acsa_official acceptor;
    struct acsa_order base;
    struct acsa_order order;
    struct acsa_event event;
    struct acsa_error err;
    int64_t ledger[ACSA_ACCOUNT_COUNT]; /* Sum of postings per account of one path. */
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
    f->activity.id = 1;
    snprintf(f->activity.agreement_id, ACSA_ID_SIZE, "IN-JP-2020");
    snprintf(f->activity.name, ACSA_NAME_SIZE, "JIMEX 2024");
    snprintf(f->activity.type, ACSA_CODE_SIZE, "bilateral-training");
    f->activity.from_day = day_of("2024-06-01");
    f->activity.to_day = day_of("2024-06-20");
    snprintf(f->approver.party, ACSA_NATION_SIZE, "IN");
    snprintf(f->approver.name, ACSA_NAME_SIZE, "Cdr Rao");
    f->approver.limit_currency[0] = *acsa_currency_find("JPY");
    f->approver.limit_minor[0] = 50000000;
    f->approver.limit_count = 1;
    snprintf(f->acceptor.party, ACSA_NATION_SIZE, "JP");
    snprintf(f->acceptor.name, ACSA_NAME_SIZE, "Capt Sato");
    f->acceptor.limit_currency[0] = *acsa_currency_find("JPY");
    f->acceptor.limit_minor[0] = 50000000;
    f->acceptor.limit_count = 1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

/* The step as the party that takes it would enter it: actor, line, amount, reason. */
static struct acsa_command command_of(struct fixture *f, const struct acsa_order *order,
                                      enum acsa_step step, const char *day, bool india)
{
    struct acsa_command cmd;
    memset(&cmd, 0, sizeof(cmd));
    cmd.step = step;
    cmd.day = day_of(day);
    snprintf(cmd.actor, sizeof(cmd.actor), "%s", india ? "Lt Iyer" : "PO Tanaka");
    snprintf(cmd.reason, sizeof(cmd.reason), "%s", "stated reason");
    if (step == ACSA_STEP_APPROVE) {
        snprintf(cmd.actor, sizeof(cmd.actor), "Cdr Rao");
        cmd.official = &f->approver;
    }
    if (step == ACSA_STEP_ACCEPT || step == ACSA_STEP_REJECT) {
        snprintf(cmd.actor, sizeof(cmd.actor), "Capt Sato");
        cmd.official = &f->acceptor;
    }
    if (step == ACSA_STEP_PAY) {
        snprintf(cmd.actor, sizeof(cmd.actor), "Paymaster Menon");
        cmd.amount_minor = order->cash_due_minor - order->paid_minor;
        snprintf(cmd.currency, sizeof(cmd.currency), "JPY");
    }
    if (step == ACSA_STEP_INVOICE) {
        snprintf(cmd.invoice, sizeof(cmd.invoice), "JP-INV-2024-%06u", order->invoice_count + 1);
    }
    if (step == ACSA_STEP_ISSUE || step == ACSA_STEP_RECEIVE) {
        cmd.line_no = 1;
        cmd.quantity_milli = 5000; /* Half of line 1 (10 fuel). */
        snprintf(cmd.actor, sizeof(cmd.actor), "%s", india ? "CPO Das" : "PO Tanaka");
    }
    return cmd;
}

static enum acsa_rc take(struct fixture *f, const char *nation, struct acsa_order *order,
                         enum acsa_step step, const char *day, bool india)
{
    struct acsa_command cmd = command_of(f, order, step, day, india);
    enum acsa_rc rc = acsa_order_apply(&f->agreement, nation, order, &cmd, &f->event, &f->err);
    for (uint32_t i = 0; rc == ACSA_OK && i < f->event.posting_count; i++) {
        f->ledger[f->event.postings[i].account] += f->event.postings[i].amount_minor;
    }
    return rc;
}

/* The common state both nodes hold before they part: an IN-JP cash order of 20,000 JPY. */
static void walk(struct fixture *f, const char *nation, enum walk to)
{
    struct acsa_order_draft d;
    memset(&d, 0, sizeof(d));
    snprintf(d.requester, ACSA_NATION_SIZE, "IN");
    snprintf(d.supplier, ACSA_NATION_SIZE, "JP");
    d.requester_unit_id = 1;
    d.supplier_unit_id = 2;
    d.method = ACSA_METHOD_CASH;
    snprintf(d.place, sizeof(d.place), "Yokosuka");
    d.need_by_day = day_of("2024-06-05");
    d.line_count = 1;
    snprintf(d.lines[0].category, ACSA_CODE_SIZE, "pol");
    snprintf(d.lines[0].description, ACSA_TEXT_SIZE, "diesel");
    snprintf(d.lines[0].unit_of_issue, ACSA_UNIT_OF_ISSUE_SIZE, "kl");
    d.lines[0].quantity_milli = 10000;
    d.lines[0].price_minor = 2000;
    snprintf(d.line_currency[0], ACSA_CURRENCY_SIZE, "JPY");
    struct acsa_order *o = &f->base;
    assert_int_equal(acsa_order_create(&f->agreement, &f->activity, &d, "IN-JP-2024-000001",
                                       day_of("2024-06-01"), "Lt Iyer", o, &f->event, &f->err),
                     ACSA_OK);
    static const struct {
        enum acsa_step step;
        bool india;
        enum walk reached;      /* The walk stops once this state is reached. */
    } PATH[] = {
        {ACSA_STEP_SUBMIT, true, TO_APPROVED}, {ACSA_STEP_APPROVE, true, TO_APPROVED},
        {ACSA_STEP_ACCEPT, false, TO_ACCEPTED}, {ACSA_STEP_ISSUE, false, TO_DELIVERING},
        {ACSA_STEP_ISSUE, false, TO_DELIVERED}, {ACSA_STEP_RECEIVE, true, TO_DELIVERED},
        {ACSA_STEP_RECEIVE, true, TO_DELIVERED}, {ACSA_STEP_INVOICE, false, TO_INVOICED},
        {ACSA_STEP_PAY, true, TO_SETTLED},
    };
    for (size_t i = 0; i < sizeof(PATH) / sizeof(PATH[0]) && PATH[i].reached <= to; i++) {
        assert_int_equal(take(f, nation, o, PATH[i].step, "2024-06-03", PATH[i].india), ACSA_OK);
    }
    memset(f->ledger, 0, sizeof(f->ledger));
}

/* Applies first then second to a copy of the common state; whether both applied. */
static bool both(struct fixture *f, const char *nation, const struct pair_case *c,
                 bool india_first, uint64_t *fingerprint, int64_t ledger[ACSA_ACCOUNT_COUNT])
{
    walk(f, nation, c->walk);
    f->order = f->base;
    enum acsa_step first = india_first ? c->a : c->b;
    enum acsa_step second = india_first ? c->b : c->a;
    bool ok = take(f, nation, &f->order, first, "2024-06-10", india_first) == ACSA_OK;
    ok = ok && take(f, nation, &f->order, second, "2024-06-10", !india_first) == ACSA_OK;
    *fingerprint = acsa_order_fingerprint(&f->order);
    memcpy(ledger, f->ledger, sizeof(f->ledger));
    return ok;
}

static void test_pairs(void **state)
{
    struct fixture *f = *state;
    for (size_t i = 0; i < sizeof(CASES) / sizeof(CASES[0]); i++) {
        const struct pair_case *c = &CASES[i];
        bool commute = acsa_steps_commute(c->a, c->b);
        uint64_t fp[2][2];
        int64_t ledger[2][2][ACSA_ACCOUNT_COUNT];
        bool ok[2][2];
        for (int n = 0; n < 2; n++) {
            for (int order = 0; order < 2; order++) {
                ok[n][order] = both(f, n == 0 ? "IN" : "JP", c, order == 0, &fp[n][order],
                                    ledger[n][order]);
            }
        }
        print_message("# %s: %s\n", c->name, commute ? "commute" : "conflict");
        if (commute) {
            for (int n = 0; n < 2; n++) {
                assert_true(ok[n][0] && ok[n][1]);
                assert_true(fp[n][0] == fp[n][1]);
                assert_memory_equal(ledger[n][0], ledger[n][1], sizeof(ledger[n][0]));
            }
            assert_true(fp[0][0] == fp[1][0]);
        } else {
            /* A conflict: some order of arrival cannot apply both, or ends differently. */
            assert_true(!ok[0][0] || !ok[0][1] || fp[0][0] != fp[0][1]);
        }
    }
}

/* India paid in full while Japan, offline, raised a dispute: either way the order ends
 * disputed, paid in full, and returns to settled when the dispute ends. */
static void test_defect15_pay_and_dispute(void **state)
{
    struct fixture *f = *state;
    walk(f, "IN", TO_INVOICED);
    struct acsa_order *o = &f->order;
    *o = f->base;
    assert_int_equal(take(f, "IN", o, ACSA_STEP_DISPUTE, "2024-06-10", false), ACSA_OK);
    assert_int_equal(take(f, "IN", o, ACSA_STEP_PAY, "2024-06-10", true), ACSA_OK);
    assert_int_equal(o->state, ACSA_STATE_DISPUTED);
    assert_int_equal(o->state_before_dispute, ACSA_STATE_SETTLED);
    assert_int_equal(o->paid_minor, o->cash_due_minor);
    uint64_t dispute_first = acsa_order_fingerprint(o);
    *o = f->base;
    assert_int_equal(take(f, "IN", o, ACSA_STEP_PAY, "2024-06-10", true), ACSA_OK);
    assert_int_equal(o->state, ACSA_STATE_SETTLED);
    assert_int_equal(take(f, "IN", o, ACSA_STEP_DISPUTE, "2024-06-10", false), ACSA_OK);
    assert_int_equal(o->state_before_dispute, ACSA_STATE_SETTLED);
    assert_true(acsa_order_fingerprint(o) == dispute_first);
    /* Steps that do not commute with a dispute are still refused under it. */
    assert_int_equal(take(f, "IN", o, ACSA_STEP_CLOSE, "2024-06-11", true), ACSA_EREFUSED);
    assert_int_equal(o->state, ACSA_STATE_DISPUTED);
}

/* Every conflicting pair is decided the same way on both nodes: on the node where the losing
 * step was taken first, voiding it and applying the winner ends exactly where the other node
 * ends by applying the winner alone (facts and ledger, on both nations' books). */
static void test_conflicts_decided(void **state)
{
    struct fixture *f = *state;
    struct acsa_step_key in = {.day = day_of("2024-06-10"), .nation = "IN", .seq = 7};
    struct acsa_step_key jp = {.day = day_of("2024-06-10"), .nation = "JP", .seq = 7};
    for (size_t i = 0; i < sizeof(CASES) / sizeof(CASES[0]); i++) {
        const struct pair_case *c = &CASES[i];
        if (acsa_steps_commute(c->a, c->b)) {
            continue;
        }
        enum acsa_conflict decided = acsa_conflict_decide(c->a, &in, c->b, &jp);
        /* Symmetric: the other node, with the two the other way round, decides alike. */
        enum acsa_conflict mirrored = acsa_conflict_decide(c->b, &jp, c->a, &in);
        print_message("# %s: %s\n", c->name,
                      decided == ACSA_CONFLICT_BY_HAND ? "by hand"
                      : decided == ACSA_CONFLICT_FIRST_STANDS ? acsa_step_name(c->a)
                                                              : acsa_step_name(c->b));
        if (decided == ACSA_CONFLICT_BY_HAND) {
            assert_int_equal(mirrored, ACSA_CONFLICT_BY_HAND);
            assert_false(acsa_step_voidable(c->a) || acsa_step_voidable(c->b));
            continue;
        }
        assert_int_equal(mirrored, decided == ACSA_CONFLICT_FIRST_STANDS
                                       ? ACSA_CONFLICT_SECOND_STANDS
                                       : ACSA_CONFLICT_FIRST_STANDS);
        bool a_stands = decided == ACSA_CONFLICT_FIRST_STANDS; /* India takes a, Japan b. */
        enum acsa_step winner = a_stands ? c->a : c->b;
        enum acsa_step loser = a_stands ? c->b : c->a;
        assert_true(acsa_step_voidable(loser));
        for (int n = 0; n < 2; n++) {
            const char *nation = n == 0 ? "IN" : "JP";
            walk(f, nation, c->walk);
            f->order = f->base;
            assert_int_equal(take(f, nation, &f->order, winner, "2024-06-10",
                                  a_stands), ACSA_OK);
            uint64_t alone = acsa_order_fingerprint(&f->order);
            int64_t ledger[ACSA_ACCOUNT_COUNT];
            memcpy(ledger, f->ledger, sizeof(ledger));
            walk(f, nation, c->walk);
            f->order = f->base;
            int32_t dated = f->order.last_step_day;
            uint32_t events = f->order.event_count;
            assert_int_equal(take(f, nation, &f->order, loser, "2024-06-10",
                                  !a_stands), ACSA_OK);
            struct acsa_event lost = f->event;
            struct acsa_event undone;
            assert_int_equal(acsa_order_void(&f->order, &lost, dated, day_of("2024-06-11"),
                                             "acsa", "concurrent", &undone, &f->err), ACSA_OK);
            assert_int_equal(f->order.last_step_day, dated);
            assert_int_equal(f->order.event_count, events + 2); /* The step and its void. */
            assert_int_equal(undone.step, ACSA_STEP_VOID);
            assert_int_equal(undone.corrected_step, loser);
            assert_true(acsa_event_balanced(&undone));
            for (uint32_t p = 0; p < undone.posting_count; p++) {
                f->ledger[undone.postings[p].account] += undone.postings[p].amount_minor;
            }
            assert_int_equal(take(f, nation, &f->order, winner, "2024-06-10",
                                  a_stands), ACSA_OK);
            assert_true(acsa_order_fingerprint(&f->order) == alone);
            assert_memory_equal(f->ledger, ledger, sizeof(ledger));
        }
    }
}

/* Only a voidable step, and only the order's last, is voided. */
static void test_void_refused(void **state)
{
    struct fixture *f = *state;
    walk(f, "IN", TO_APPROVED);
    f->order = f->base;
    assert_int_equal(take(f, "IN", &f->order, ACSA_STEP_ACCEPT, "2024-06-10", false), ACSA_OK);
    struct acsa_event accepted = f->event;
    struct acsa_event out;
    int32_t dated = f->order.last_step_day;
    assert_int_equal(acsa_order_void(&f->order, &accepted, dated, day_of("2024-06-11"), "acsa",
                                     "x", &out, &f->err), ACSA_EUSAGE);
    assert_string_equal(f->err.field, "step");
    assert_int_equal(take(f, "IN", &f->order, ACSA_STEP_CANCEL, "2024-06-10", true), ACSA_OK);
    struct acsa_event cancelled = f->event;
    assert_int_equal(acsa_order_void(&f->order, &cancelled, dated, day_of("2024-06-11"), "acsa",
                                     "x", &out, &f->err), ACSA_OK);
    assert_int_equal(f->order.state, ACSA_STATE_ACCEPTED);
    /* Voided once, the order is no longer where the cancel left it. */
    assert_int_equal(acsa_order_void(&f->order, &cancelled, dated, day_of("2024-06-11"), "acsa",
                                     "x", &out, &f->err), ACSA_EUSAGE);
    assert_int_equal(f->order.state, ACSA_STATE_ACCEPTED);
}

static void test_table(void **state)
{
    (void)state;
    for (int a = 0; a < ACSA_STEP_COUNT; a++) {
        for (int b = 0; b < ACSA_STEP_COUNT; b++) {
            assert_int_equal(acsa_steps_commute((enum acsa_step)a, (enum acsa_step)b),
                             acsa_steps_commute((enum acsa_step)b, (enum acsa_step)a));
        }
        /* A step the table does not know conflicts with everything. */
        assert_false(acsa_steps_commute((enum acsa_step)a, ACSA_STEP_COUNT));
    }
    assert_true(acsa_steps_commute(ACSA_STEP_PAY, ACSA_STEP_DISPUTE));
    assert_false(acsa_steps_commute(ACSA_STEP_CANCEL, ACSA_STEP_ACCEPT));
    assert_false(acsa_steps_commute(ACSA_STEP_CREATE, ACSA_STEP_CREATE));
    struct acsa_step_key in = {.day = 10, .nation = "IN", .seq = 9};
    struct acsa_step_key jp = {.day = 10, .nation = "JP", .seq = 1};
    assert_true(acsa_step_key_compare(&in, &jp) < 0);
    assert_true(acsa_step_key_compare(&jp, &in) > 0);
    jp.day = 9;
    assert_true(acsa_step_key_compare(&in, &jp) > 0);
    assert_int_equal(acsa_step_key_compare(&in, &in), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        {"defect 15: a payment and a dispute taken apart end alike in either order",
         test_defect15_pay_and_dispute, setup, teardown, NULL},
        {"every pair of concurrent steps: commuting pairs end alike, conflicts are refused",
         test_pairs, setup, teardown, NULL},
        {"every conflicting pair is decided alike on both nodes; the loser voided ends where "
         "the winner alone does", test_conflicts_decided, setup, teardown, NULL},
        {"only a cancel, reject or close, and only where it left the order, is voided",
         test_void_refused, setup, teardown, NULL},
    };
    cmocka_set_message_output(CM_OUTPUT_TAP);
    return cmocka_run_group_tests_name("concurrency", tests, NULL, NULL);
}
