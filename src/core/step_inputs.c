/* SPDX-License-Identifier: MIT */
#include "step_inputs.h"

#include <stddef.h>

static const struct {
    enum acsa_step step;
    unsigned inputs;
} step_inputs[] = {
    {ACSA_STEP_SUBMIT, ACSA_INPUT_REASON},
    {ACSA_STEP_APPROVE, ACSA_INPUT_REASON},
    {ACSA_STEP_ACCEPT, ACSA_INPUT_REASON},
    {ACSA_STEP_REJECT, ACSA_INPUT_REASON},
    {ACSA_STEP_CANCEL, ACSA_INPUT_REASON},
    {ACSA_STEP_DISPUTE, ACSA_INPUT_REASON},
    {ACSA_STEP_ISSUE, ACSA_INPUT_LINE},
    {ACSA_STEP_RECEIVE, ACSA_INPUT_LINE},
    {ACSA_STEP_RETURN, ACSA_INPUT_LINE},
    {ACSA_STEP_ACCEPT_RETURN, ACSA_INPUT_LINE},
    {ACSA_STEP_INVOICE, ACSA_INPUT_LINE_OPTIONAL},
    {ACSA_STEP_PAY, ACSA_INPUT_AMOUNT},
    {ACSA_STEP_EXCHANGE, ACSA_INPUT_WITH},
    {ACSA_STEP_CLOSE, 0},
    {ACSA_STEP_RESOLVE, ACSA_INPUT_REASON},
    {ACSA_STEP_CLOSE_LINE, ACSA_INPUT_REASON | ACSA_INPUT_LINE_NO},
    {ACSA_STEP_CORRECT, ACSA_INPUT_REASON | ACSA_INPUT_LINE | ACSA_INPUT_STEP},
    {ACSA_STEP_REJECT_RETURN, ACSA_INPUT_REASON | ACSA_INPUT_LINE},
    {ACSA_STEP_AMEND, ACSA_INPUT_AMEND},
};

bool acsa_step_inputs(enum acsa_step step, unsigned *out)
{
    for (size_t i = 0; i < sizeof(step_inputs) / sizeof(step_inputs[0]); i++) {
        if (step_inputs[i].step == step) {
            *out = step_inputs[i].inputs;
            return true;
        }
    }
    return false;
}
