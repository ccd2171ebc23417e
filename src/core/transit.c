/* SPDX-License-Identifier: MIT */
/* Lines in transit: see transit.h. */
#include "transit.h"

#include <string.h>

#include "acsa_assert.h"
#include "date.h"

int32_t acsa_transit_days(const struct acsa_agreement *agreement)
{
    /* An agreement made in code rather than parsed from a file may leave it unset. */
    return agreement->transit_days > 0 ? agreement->transit_days
                                       : ACSA_AGREEMENT_TRANSIT_DAYS_DEFAULT;
}

/* The day of the oldest issue of the line not covered by receipts; ACSA_DATE_NONE if the
 * issues listed cover no more than the receipts (a history without them). */
static int32_t oldest_open_issue(uint32_t line_no, int64_t received,
                                 const struct acsa_transit_issue *issues, uint32_t count)
{
    int64_t issued = 0;
    for (uint32_t i = 0; i < count; i++) {
        if (issues[i].line_no != line_no) {
            continue;
        }
        /* Quantities of one line are at most its ordered quantity: the sum fits. */
        issued += issues[i].quantity_milli;
        if (issued > received) {
            return issues[i].day;
        }
    }
    return ACSA_DATE_NONE;
}

bool acsa_transit_late(const struct acsa_agreement *agreement, const struct acsa_order *order,
                       uint32_t line_no, const struct acsa_transit_issue *issues,
                       uint32_t issue_count, int32_t as_of, struct acsa_transit_line *out)
{
    ACSA_ASSERT(line_no >= 1 && line_no <= order->line_count);
    const struct acsa_order_line *line = &order->lines[line_no - 1];
    bool open = order->state != ACSA_STATE_CANCELLED && order->state != ACSA_STATE_CLOSED;
    if (!open || line->issued_milli <= line->received_milli) {
        return false;
    }
    int32_t since = oldest_open_issue(line_no, line->received_milli, issues, issue_count);
    if (since == ACSA_DATE_NONE || as_of - since <= acsa_transit_days(agreement)) {
        return false;
    }
    memset(out, 0, sizeof(*out));
    out->line_no = line_no;
    out->issued_milli = line->issued_milli;
    out->received_milli = line->received_milli;
    out->issued_day = since;
    out->days = as_of - since;
    return true;
}
