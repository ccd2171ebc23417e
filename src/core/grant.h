/* SPDX-License-Identifier: MIT */
/* Dated authority of officials. A grant lets one official of a party approve, accept or reject
 * orders of one agreement (or of every agreement of the party) in one currency up to a limit,
 * from one day to another (or open-ended). A grant is never edited: a new limit is a new
 * grant, and a revocation ends every grant of the official from its day on. The one decision,
 * acsa_grant_check, is used by every step that needs an official. Pure: no I/O, no heap. */
#ifndef ACSA_GRANT_H
#define ACSA_GRANT_H

#include <stdbool.h>
#include <stdint.h>

#include "money.h"
#include "rc.h"

struct acsa_grant {
    int64_t id;                           /* Store id (0 before it is stored). */
    char party[ACSA_NATION_SIZE];         /* The official's nation, which grants. */
    char name[ACSA_NAME_SIZE];            /* As given with --by. */
    char title[ACSA_NAME_SIZE];           /* "Commander, Logistics", may be "". */
    char agreement_id[ACSA_ID_SIZE];      /* "": every agreement of the party. */
    struct acsa_currency currency;        /* The limit's currency. */
    int64_t limit_minor;                  /* > 0. */
    int32_t from_day;                     /* First day in force. */
    int32_t to_day;                       /* Last day in force; ACSA_DATE_NONE: open-ended. */
    int32_t revoked_day;                  /* Not in force from this day on; ACSA_DATE_NONE. */
    char revoke_reason[ACSA_TEXT_SIZE];   /* Why it was revoked; "" when not. */
};

/** The last day grant is in force (ACSA_DATE_NONE: open-ended): its to day, or the day before
 * its revocation when that is earlier. */
int32_t acsa_grant_last_day(const struct acsa_grant *grant);

/** Whether grant is in force on day for agreement_id in currency. */
bool acsa_grant_covers(const struct acsa_grant *grant, const char *agreement_id,
                       const char *currency, int32_t day);

/** Whether grants (count entries, all of one official named name) authorise a step on day for
 * agreement_id in currency for amount_minor: ACSA_OK when a grant in force covers it up to its
 * limit; else ACSA_EREFUSED with err (field "by") naming the rule and the grant situation:
 * "by: Cdr A. Rao holds no grant for IN-JP-2020 in JPY on 2024-06-01; the last ended
 * 2024-05-31", or the limit exceeded. */
ACSA_NODISCARD enum acsa_rc acsa_grant_check(const struct acsa_grant *grants, uint32_t count,
                                             const char *name, const char *agreement_id,
                                             const struct acsa_currency *currency, int32_t day,
                                             int64_t amount_minor, struct acsa_error *err);

/** Checks a new grant's own fields: party a nation, name present, a known currency, a limit
 * above zero, from day in range and to day (if any) not before it. */
ACSA_NODISCARD enum acsa_rc acsa_grant_validate(const struct acsa_grant *grant,
                                                struct acsa_error *err);

#endif
