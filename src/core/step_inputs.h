/* SPDX-License-Identifier: MIT */
/* What each step takes besides the order, the actor and the day: the one table every front end
 * reads (the CLI's options, the API's body members), so a step cannot take a reason in one and
 * not in the other. */
#ifndef ACSA_STEP_INPUTS_H
#define ACSA_STEP_INPUTS_H

#include <stdbool.h>

#include "order.h"

/* Inputs of a step, or'ed. */
enum {
    ACSA_INPUT_REASON = 1u,         /* A stated reason. */
    ACSA_INPUT_LINE = 2u,           /* A line number and a quantity. */
    ACSA_INPUT_AMOUNT = 4u,         /* An amount (a payment), with currency and rate. */
    ACSA_INPUT_WITH = 8u,           /* The other orders of an exchange. */
    ACSA_INPUT_LINE_NO = 16u,       /* A line number alone. */
    ACSA_INPUT_STEP = 32u,          /* The step a correction corrects. */
    ACSA_INPUT_AMEND = 64u,         /* A draft's changes. */
    ACSA_INPUT_LINE_OPTIONAL = 128u /* A line and quantity, both given or neither (invoice). */
};

/** The inputs step takes on an existing order into *out; false for a step not taken on its
 * own by name (create). */
bool acsa_step_inputs(enum acsa_step step, unsigned *out);

#endif
