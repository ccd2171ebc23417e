/* SPDX-License-Identifier: MIT */
/* The commute table of concurrent steps (docs/ARCHITECTURE.md, "Concurrent steps"). */
#include "concurrency.h"

#include <string.h>

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
