/* SPDX-License-Identifier: MIT */
/* Lines in transit: issued by the supplier and not (yet) received by the requester. A line
 * whose oldest unreceived issue is older than the agreement's transit_days is a discrepancy
 * between the two sides' records (DOMAIN requirement 14): `acsa report in-transit` lists it
 * and reconciliation flags it. Pure: the caller hands in the issues of the order's history. */
#ifndef ACSA_TRANSIT_H
#define ACSA_TRANSIT_H

#include <stdbool.h>
#include <stdint.h>

#include "agreement.h"
#include "order.h"

/* One issue step of an order's history. */
struct acsa_transit_issue {
    uint32_t line_no;        /* 1-based. */
    int32_t day;             /* The issue's date. */
    int64_t quantity_milli;  /* What it issued. */
};

/* One line in transit as of a day. */
struct acsa_transit_line {
    uint32_t line_no;        /* 1-based. */
    int64_t issued_milli;    /* Issued so far. */
    int64_t received_milli;  /* Received so far (< issued). */
    int32_t issued_day;      /* When the oldest quantity not received was issued. */
    int32_t days;            /* Days from then to the as-of day. */
};

/** The agreement's transit_days, or ACSA_AGREEMENT_TRANSIT_DAYS_DEFAULT if it has none. */
int32_t acsa_transit_days(const struct acsa_agreement *agreement);

/** Whether line line_no of order is overdue in transit on as_of: issued more than received,
 * and the oldest issue not covered by receipts (first issued, first received, over issues,
 * oldest first) more than the agreement's transit_days before as_of. Fills *out when so. */
bool acsa_transit_late(const struct acsa_agreement *agreement, const struct acsa_order *order,
                       uint32_t line_no, const struct acsa_transit_issue *issues,
                       uint32_t issue_count, int32_t as_of, struct acsa_transit_line *out);

#endif
