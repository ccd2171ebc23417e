/* SPDX-License-Identifier: MIT */
/* The commute table of concurrent steps (docs/ARCHITECTURE.md, "Concurrent steps"). */
#include "concurrency.h"

#include <stdio.h>
#include <string.h>

#include "acsa_assert.h"
#include "date.h"

/* Pairs that commute. Add a pair here once the core accepts each step in the state the other
 * leaves and the two orders of application give the same order and postings (the unit test
 * test_concurrency checks every pair listed against the core). */
static const struct {
    enum acsa_step a;
    enum acsa_step b;
} COMMUTING[] = {
    /* A dispute is an overlay: steps go on under it against the state it was raised from. */
    {ACSA_STEP_DISPUTE, ACSA_STEP_DISPUTE},
    {ACSA_STEP_DISPUTE, ACSA_STEP_ISSUE},
    {ACSA_STEP_DISPUTE, ACSA_STEP_RECEIVE},
    {ACSA_STEP_DISPUTE, ACSA_STEP_INVOICE},
    {ACSA_STEP_DISPUTE, ACSA_STEP_PAY},
    {ACSA_STEP_DISPUTE, ACSA_STEP_RETURN},
    {ACSA_STEP_DISPUTE, ACSA_STEP_ACCEPT_RETURN},
    /* Issues and receipts only add, each within its own bound (received <= issued). */
    {ACSA_STEP_ISSUE, ACSA_STEP_RECEIVE},
    {ACSA_STEP_ISSUE, ACSA_STEP_ISSUE},
    {ACSA_STEP_RECEIVE, ACSA_STEP_RECEIVE},
};

bool acsa_steps_commute(enum acsa_step a, enum acsa_step b)
{
    if ((unsigned)a >= ACSA_STEP_COUNT || (unsigned)b >= ACSA_STEP_COUNT) {
        return false;
    }
    for (size_t i = 0; i < sizeof(COMMUTING) / sizeof(COMMUTING[0]); i++) {
        if ((COMMUTING[i].a == a && COMMUTING[i].b == b) ||
            (COMMUTING[i].a == b && COMMUTING[i].b == a)) {
            return true;
        }
    }
    return false;
}

int acsa_step_key_compare(const struct acsa_step_key *a, const struct acsa_step_key *b)
{
    if (a->day != b->day) {
        return a->day < b->day ? -1 : 1;
    }
    int by_nation = strncmp(a->nation, b->nation, ACSA_NATION_SIZE);
    if (by_nation != 0) {
        return by_nation < 0 ? -1 : 1;
    }
    if (a->seq != b->seq) {
        return a->seq < b->seq ? -1 : 1;
    }
    return 0;
}

bool acsa_step_under_dispute(enum acsa_step step)
{
    return step != ACSA_STEP_DISPUTE && acsa_steps_commute(ACSA_STEP_DISPUTE, step);
}

bool acsa_step_voidable(enum acsa_step step)
{
    return step == ACSA_STEP_CANCEL || step == ACSA_STEP_REJECT || step == ACSA_STEP_CLOSE;
}

enum acsa_conflict acsa_conflict_decide(enum acsa_step a, const struct acsa_step_key *key_a,
                                        enum acsa_step b, const struct acsa_step_key *key_b)
{
    bool void_a = acsa_step_voidable(a);
    bool void_b = acsa_step_voidable(b);
    if (void_a != void_b) {
        return void_a ? ACSA_CONFLICT_SECOND_STANDS : ACSA_CONFLICT_FIRST_STANDS;
    }
    if (!void_a) {
        return ACSA_CONFLICT_BY_HAND;
    }
    return acsa_step_key_compare(key_a, key_b) <= 0 ? ACSA_CONFLICT_FIRST_STANDS
                                                    : ACSA_CONFLICT_SECOND_STANDS;
}

enum acsa_rc acsa_order_void(struct acsa_order *order, const struct acsa_event *last,
                             int32_t prev_day, int32_t recorded_day, const char *actor,
                             const char *detail, struct acsa_event *out,
                             struct acsa_error *err)
{
    ACSA_ASSERT(order != NULL && last != NULL && out != NULL);
    if ((unsigned)last->step >= ACSA_STEP_COUNT || !acsa_step_voidable(last->step)) {
        return acsa_error_set(err, ACSA_EUSAGE, "step", "step: only a cancel, reject or close "
                              "is voided, not %s", (unsigned)last->step < ACSA_STEP_COUNT
                                                       ? acsa_step_name(last->step) : "?");
    }
    if (order->state != last->state_to) {
        return acsa_error_set(err, ACSA_EUSAGE, "step", "step: order %s is %s, not %s as the %s "
                              "to void left it", order->number, acsa_state_name(order->state),
                              acsa_state_name(last->state_to), acsa_step_name(last->step));
    }
    memset(out, 0, sizeof(*out));
    out->step = ACSA_STEP_VOID;
    out->day = last->day;
    out->recorded_day = recorded_day;
    out->rate_day = ACSA_DATE_NONE;
    out->corrected_step = last->step; /* The step it undoes, as a correction names its own. */
    out->state_from = order->state;
    out->state_to = last->state_from;
    snprintf(out->actor, sizeof(out->actor), "%s", actor);
    snprintf(out->detail, sizeof(out->detail), "%s", detail);
    out->posting_count = last->posting_count;
    for (uint32_t i = 0; i < last->posting_count && i < ACSA_EVENT_POSTINGS_MAX; i++) {
        out->postings[i] = last->postings[i];
        out->postings[i].amount_minor = -last->postings[i].amount_minor;
        out->postings[i].quantity_milli = -last->postings[i].quantity_milli;
    }
    order->state = last->state_from;
    order->last_step_day = prev_day;
    order->event_count++;
    return ACSA_OK;
}
