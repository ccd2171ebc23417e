/* SPDX-License-Identifier: MIT */
/* The rules of the reports of requirement 15 (report.h). */
#include "report.h"

#include <stdio.h>

bool acsa_report_state_open(enum acsa_state state)
{
    return state != ACSA_STATE_CLOSED && state != ACSA_STATE_CANCELLED &&
           state != ACSA_STATE_REJECTED;
}

bool acsa_report_state_void(enum acsa_state state)
{
    return state == ACSA_STATE_REJECTED || state == ACSA_STATE_CANCELLED;
}

bool acsa_report_state_settled(enum acsa_state state)
{
    return state == ACSA_STATE_SETTLED || state == ACSA_STATE_CLOSED;
}

bool acsa_report_state_counted(enum acsa_state state)
{
    return state != ACSA_STATE_DRAFT && !acsa_report_state_void(state);
}

uint32_t acsa_report_state_mask(bool (*pred)(enum acsa_state state))
{
    _Static_assert(ACSA_STATE_COUNT <= 32, "a state mask is 32 bits");
    uint32_t mask = 0;
    for (unsigned s = 0; s < ACSA_STATE_COUNT; s++) {
        if (pred((enum acsa_state)s)) {
            mask |= 1u << s;
        }
    }
    return mask;
}

int64_t acsa_report_permille(acsa_wide part, acsa_wide whole)
{
    if (whole <= 0) {
        return 0;
    }
    /* part <= whole in every use; a wide product of a per-mille factor cannot overflow for
     * sums of int64 amounts (2^63 * 10^3 < 2^127). */
    acsa_wide scaled = part * 1000;
    acsa_wide q = scaled / whole;
    acsa_wide r = scaled % whole;
    if (r < 0) {
        r = -r;
    }
    if (2 * r >= whole) {
        q += scaled < 0 ? -1 : 1;
    }
    return (int64_t)q;
}

int64_t acsa_report_average(int64_t sum, uint64_t count)
{
    if (count == 0) {
        return 0;
    }
    acsa_wide n = (acsa_wide)count;
    acsa_wide s = sum;
    acsa_wide q = s / n;
    acsa_wide r = s % n;
    if (r < 0) {
        r = -r;
    }
    if (2 * r >= n) {
        q += s < 0 ? -1 : 1;
    }
    return (int64_t)q;
}

char *acsa_report_permille_text(int64_t permille, char buf[24])
{
    int64_t whole = permille / 10;
    int64_t tenth = permille % 10;
    snprintf(buf, 24, "%s%lld.%lld", permille < 0 && whole == 0 ? "-" : "", (long long)whole,
             (long long)(tenth < 0 ? -tenth : tenth));
    return buf;
}
