/* SPDX-License-Identifier: MIT */
/* Dated authority of officials: which grant is in force on a day, and the one check every
 * step taken by an official goes through. */
#include "grant.h"

#include <string.h>

#include "agreement.h"
#include "date.h"

int32_t acsa_grant_last_day(const struct acsa_grant *grant)
{
    int32_t last = grant->to_day;
    if (grant->revoked_day != ACSA_DATE_NONE &&
        (last == ACSA_DATE_NONE || grant->revoked_day - 1 < last)) {
        last = grant->revoked_day - 1; /* A revocation takes effect on its own day. */
    }
    return last;
}

/* Whether grant speaks of agreement_id and currency at all, whatever its dates. */
static bool grant_matches(const struct acsa_grant *grant, const char *agreement_id,
                          const char *currency)
{
    return (grant->agreement_id[0] == '\0' || strcmp(grant->agreement_id, agreement_id) == 0) &&
           strcmp(grant->currency.code, currency) == 0;
}

bool acsa_grant_covers(const struct acsa_grant *grant, const char *agreement_id,
                       const char *currency, int32_t day)
{
    int32_t last = acsa_grant_last_day(grant);
    return grant_matches(grant, agreement_id, currency) && day >= grant->from_day &&
           (last == ACSA_DATE_NONE || day <= last);
}

/* The refusal of a day no grant covers: when the last matching grant ended (and whether by
 * revocation), or when the next begins. */
static enum acsa_rc refuse_no_grant(const struct acsa_grant *grants, uint32_t count,
                                    const char *name, const char *agreement_id,
                                    const char *currency, int32_t day, struct acsa_error *err)
{
    const struct acsa_grant *ended = NULL;
    const struct acsa_grant *next = NULL;
    for (uint32_t i = 0; i < count; i++) {
        const struct acsa_grant *g = &grants[i];
        int32_t last = acsa_grant_last_day(g);
        if (!grant_matches(g, agreement_id, currency)) {
            continue;
        }
        if (last != ACSA_DATE_NONE && last < day &&
            (ended == NULL || last > acsa_grant_last_day(ended))) {
            ended = g;
        } else if (g->from_day > day && (next == NULL || g->from_day < next->from_day)) {
            next = g;
        }
    }
    char on[ACSA_DATE_TEXT_SIZE];
    char when[ACSA_DATE_TEXT_SIZE];
    char revoked[ACSA_DATE_TEXT_SIZE];
    acsa_date_format(day, on);
    if (ended != NULL && ended->revoked_day != ACSA_DATE_NONE &&
        ended->revoked_day - 1 == acsa_grant_last_day(ended)) {
        return acsa_error_set(err, ACSA_EREFUSED, "by", "by: %s holds no grant for %s in %s on "
                              "%s; the last ended %s (revoked on %s: %s)", name, agreement_id,
                              currency, on, acsa_date_format(acsa_grant_last_day(ended), when),
                              acsa_date_format(ended->revoked_day, revoked),
                              ended->revoke_reason);
    }
    if (ended != NULL) {
        return acsa_error_set(err, ACSA_EREFUSED, "by", "by: %s holds no grant for %s in %s on "
                              "%s; the last ended %s", name, agreement_id, currency, on,
                              acsa_date_format(acsa_grant_last_day(ended), when));
    }
    if (next != NULL) {
        return acsa_error_set(err, ACSA_EREFUSED, "by", "by: %s holds no grant for %s in %s on "
                              "%s; the next begins %s", name, agreement_id, currency, on,
                              acsa_date_format(next->from_day, when));
    }
    return acsa_error_set(err, ACSA_EREFUSED, "by", "by: %s holds no grant for %s in %s on %s "
                          "(none was ever granted; see acsa official add)", name, agreement_id,
                          currency, on);
}

enum acsa_rc acsa_grant_check(const struct acsa_grant *grants, uint32_t count, const char *name,
                              const char *agreement_id, const struct acsa_currency *currency,
                              int32_t day, int64_t amount_minor, struct acsa_error *err)
{
    /* Of the grants in force, the highest limit decides: grants add authority, never take it
     * away; only a revocation or a grant's end does. */
    const struct acsa_grant *best = NULL;
    for (uint32_t i = 0; i < count; i++) {
        if (acsa_grant_covers(&grants[i], agreement_id, currency->code, day) &&
            (best == NULL || grants[i].limit_minor > best->limit_minor)) {
            best = &grants[i];
        }
    }
    if (best == NULL) {
        return refuse_no_grant(grants, count, name, agreement_id, currency->code, day, err);
    }
    if (amount_minor <= best->limit_minor) {
        return ACSA_OK;
    }
    char amount[ACSA_MONEY_TEXT_SIZE];
    char limit[ACSA_MONEY_TEXT_SIZE];
    char on[ACSA_DATE_TEXT_SIZE];
    return acsa_error_set(err, ACSA_EREFUSED, "by",
                          "by: order value %s %s exceeds the approval limit of %s%s%s%s on %s "
                          "(%s %s under %s)",
                          acsa_money_format(amount_minor, currency->exponent, amount),
                          currency->code, name, best->title[0] != '\0' ? " (" : "", best->title,
                          best->title[0] != '\0' ? ")" : "", acsa_date_format(day, on),
                          acsa_money_format(best->limit_minor, currency->exponent, limit),
                          currency->code,
                          best->agreement_id[0] != '\0' ? best->agreement_id
                                                        : "every agreement");
}

enum acsa_rc acsa_grant_validate(const struct acsa_grant *grant, struct acsa_error *err)
{
    if (!acsa_nation_valid(grant->party)) {
        return acsa_error_set(err, ACSA_EUSAGE, "party",
                              "party: \"%.8s\" is not an ISO 3166 alpha-2 code", grant->party);
    }
    if (grant->name[0] == '\0') {
        return acsa_error_set(err, ACSA_EUSAGE, "name", "name: is required");
    }
    if (acsa_currency_find(grant->currency.code) == NULL) {
        return acsa_error_set(err, ACSA_EUSAGE, "currency",
                              "currency: \"%.8s\" is not a known ISO 4217 currency",
                              grant->currency.code);
    }
    if (grant->limit_minor <= 0) {
        return acsa_error_set(err, ACSA_EREFUSED, "limit",
                              "limit: an approval limit must be greater than zero");
    }
    if (grant->from_day < ACSA_DATE_FIRST || grant->from_day > ACSA_DATE_LAST) {
        return acsa_error_set(err, ACSA_EUSAGE, "from", "from: a grant needs its first day");
    }
    if (grant->to_day != ACSA_DATE_NONE &&
        (grant->to_day < grant->from_day || grant->to_day > ACSA_DATE_LAST)) {
        return acsa_error_set(err, ACSA_EREFUSED, "to",
                              "to: a grant cannot end before it begins");
    }
    if (grant->revoked_day != ACSA_DATE_NONE &&
        (grant->revoked_day < ACSA_DATE_FIRST || grant->revoked_day > ACSA_DATE_LAST)) {
        return acsa_error_set(err, ACSA_EUSAGE, "date", "date: outside the dates this node reads");
    }
    return ACSA_OK;
}
