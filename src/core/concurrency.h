/* SPDX-License-Identifier: MIT */
/* Concurrent steps. Two nodes apart may each take a step on the same order from the same
 * state; after sync each node holds both. This table says, per pair of steps, whether they
 * commute (both apply, in either order, with the same order and ledger as a result) or
 * conflict (at most one can stand; both nodes must pick the same one). Pairs not listed
 * conflict. The deterministic order both nodes use is (day, signer nation, seq). Pure. */
#ifndef ACSA_CONCURRENCY_H
#define ACSA_CONCURRENCY_H

#include <stdbool.h>
#include <stdint.h>

#include "order.h"

/* One step as both nodes know it: enough to order concurrent steps the same way. */
struct acsa_step_key {
    int32_t day;                           /* The step's date. */
    char nation[ACSA_NATION_SIZE];         /* The node that signed it. */
    int64_t seq;                           /* Its record number on that node. */
};

/** Whether steps a and b, taken concurrently from one state of an order, commute: both apply
 * in either order with the same result. Symmetric; false for any pair the table does not name
 * (and for steps out of range), so that a new step conflicts until it is proven to commute. */
bool acsa_steps_commute(enum acsa_step a, enum acsa_step b);

/** The deterministic order of two concurrent steps: < 0 if a goes first, > 0 if b does, 0 only
 * for the same step. Earlier day first, then the signer nation's code, then the record
 * number. In a conflict the step that goes first stands. */
int acsa_step_key_compare(const struct acsa_step_key *a, const struct acsa_step_key *b);

/** Whether step, taken on a disputed order, applies to the state the order was in before the
 * dispute (the dispute stays raised): the steps that commute with a dispute. */
bool acsa_step_under_dispute(enum acsa_step step);

#endif
