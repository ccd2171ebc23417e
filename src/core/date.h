/* SPDX-License-Identifier: MIT */
/* Calendar dates as day numbers (days since 1970-01-01, proleptic Gregorian), so deadlines
 * are plain integer additions of calendar days and dates compare as integers. */
#ifndef ACSA_DATE_H
#define ACSA_DATE_H

#include <stdbool.h>
#include <stdint.h>

#include "limits.h"
#include "rc.h"

/* "No date": an open deadline, a step not taken yet. */
#define ACSA_DATE_NONE INT32_MIN

/* Dates before 1900-01-01 or after 9999-12-31 are refused by the parser. Steps dated after
 * 9899-12-31 are refused by the order rules, so that every deadline they start (at most a few
 * years) still formats as YYYY-MM-DD. */
#define ACSA_DATE_STEP_LAST 2896372 /* 9899-12-31 */

/* The range of the parser as day numbers: every day in it formats as YYYY-MM-DD. Data from
 * outside (partner records) is checked against it before any date code sees it. */
#define ACSA_DATE_FIRST (-25567)   /* 1900-01-01 */
#define ACSA_DATE_LAST 2932896     /* 9999-12-31 */

/** Parses an ISO 8601 calendar date "YYYY-MM-DD" (exactly that form) into a day number.
 * Refuses (ACSA_EUSAGE, naming field) malformed text and impossible dates (2023-02-29).
 * *out_day is set on every path (ACSA_DATE_NONE on error). */
ACSA_NODISCARD enum acsa_rc acsa_date_parse(const char *text, const char *field,
                                            int32_t *out_day, struct acsa_error *err);

/** Formats a day number as "YYYY-MM-DD"; ACSA_DATE_NONE formats as "". Returns buf. */
char *acsa_date_format(int32_t day, char buf[ACSA_DATE_TEXT_SIZE]);

/** The day number of year-month-day; the caller guarantees a valid date. */
int32_t acsa_date_from_ymd(int32_t year, int32_t month, int32_t day);

/** Splits a day number into year, month (1-12) and day (1-31). Any out pointer may be NULL. */
void acsa_date_to_ymd(int32_t day, int32_t *year, int32_t *month, int32_t *day_of_month);

/** day + years calendar years (29 February maps to 28 February in a common year). */
int32_t acsa_date_add_years(int32_t day, int32_t years);

#endif
