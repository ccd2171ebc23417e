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

/** Whether a step may be voided when a concurrent step of the partner's stands instead: a
 * cancel, a reject and a close change only the order's state (what a cancel releases follows
 * from the state), so undoing one is exact. Every other step moves goods, money or a dispute
 * and is never undone by a rule. */
bool acsa_step_voidable(enum acsa_step step);

/* Which of two conflicting concurrent steps stands on both nodes. */
enum acsa_conflict {
    ACSA_CONFLICT_FIRST_STANDS,            /* a stands; b is void on both nodes. */
    ACSA_CONFLICT_SECOND_STANDS,           /* b stands; a is void on both nodes. */
    ACSA_CONFLICT_BY_HAND,                 /* Neither can be voided: a programme officer on
                                              each side decides (quarantine resolve). */
};

/** Decides two concurrent steps that do not commute, the same way on both nodes whichever
 * arrived first: a step that cannot be voided stands over one that can (goods issued stand
 * over a cancel; a dispute stands over a close); of two that can, the first in key order. */
enum acsa_conflict acsa_conflict_decide(enum acsa_step a, const struct acsa_step_key *key_a,
                                        enum acsa_step b, const struct acsa_step_key *key_b);

/** Voids the order's last step, which lost to a concurrent step of the partner's: last is its
 * event as stored (the caller reads the order's last event), prev_day the latest date of the
 * steps before it. The order returns to the state the step found and is dated prev_day again
 * (the date rules), and out posts the reverse of the step's postings: a void, dated as the step
 * it undoes and recorded on recorded_day, by actor, detail saying why. A cancel, reject or
 * close weighs in no separation of duties, so the duties are left as they are. EUSAGE unless
 * the step is voidable and the order is in the state it left. */
enum acsa_rc acsa_order_void(struct acsa_order *order, const struct acsa_event *last,
                             int32_t prev_day, int32_t recorded_day, const char *actor,
                             const char *detail, struct acsa_event *out,
                             struct acsa_error *err);

/** Whether step, taken on a disputed order, applies to the state the order was in before the
 * dispute (the dispute stays raised): the steps that commute with a dispute. */
bool acsa_step_under_dispute(enum acsa_step step);

#endif
