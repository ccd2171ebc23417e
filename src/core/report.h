/* SPDX-License-Identifier: MIT */
/* The rules of the reports of requirement 15 (open orders, unliquidated obligations,
 * settlement by method, the yearly summary, orders missing data), as values the store's
 * queries bind and the application applies: which states are open, void or settled, and the
 * integer arithmetic of shares and averages. Pure: no I/O, no heap, no floating point. */
#ifndef ACSA_REPORT_H
#define ACSA_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "money.h"
#include "order.h"

/** Open: not closed, cancelled or rejected (the open-orders report). */
bool acsa_report_state_open(enum acsa_state state);
/** Void: rejected or cancelled; left out of values (by method, yearly). */
bool acsa_report_state_void(enum acsa_state state);
/** Settled: settled or closed (share settled, days to settle). */
bool acsa_report_state_settled(enum acsa_state state);
/** Counted by the settlement and yearly reports: past draft and not void. */
bool acsa_report_state_counted(enum acsa_state state);

/** The bit mask (1u << state) of the states pred holds for. */
uint32_t acsa_report_state_mask(bool (*pred)(enum acsa_state state));

/** part / whole in tenths of a percent (per mille), rounded half up; 0 when whole <= 0. */
int64_t acsa_report_permille(acsa_wide part, acsa_wide whole);
/** sum / count rounded half away from zero; 0 when count is 0. */
int64_t acsa_report_average(int64_t sum, uint64_t count);
/** A per-mille figure as text "62.5" (buf of 24 bytes). */
char *acsa_report_permille_text(int64_t permille, char buf[24]);

#endif
