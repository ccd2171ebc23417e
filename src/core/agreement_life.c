/* SPDX-License-Identifier: MIT */
/* The rules of an agreement's lifecycle: an amendment, a notice of non-renewal and a
 * termination, judged the same way on the node that enters them and on the partner's node
 * that takes in their records. Pure: the versions and facts already held are passed in. */
#include "agreement.h"

#include <string.h>

#include "date.h"

static enum acsa_rc refuse_day(const char *field, int32_t day, struct acsa_error *err)
{
    if (day == ACSA_DATE_NONE || day < ACSA_DATE_FIRST || day > ACSA_DATE_STEP_LAST) {
        return acsa_error_set(err, ACSA_EUSAGE, field, "%s: a date is required", field);
    }
    return ACSA_OK;
}

enum acsa_rc acsa_agreement_amend_check(const struct acsa_agreement *current,
                                        const struct acsa_agreement *next,
                                        const int32_t *days, uint32_t count,
                                        int32_t effective_day, struct acsa_error *err)
{
    if (strcmp(current->id, next->id) != 0) {
        return acsa_error_set(err, ACSA_EREFUSED, "$.id", "$.id: %s is not agreement %s",
                              next->id, current->id);
    }
    if (strcmp(current->parties[0], next->parties[0]) != 0 ||
        strcmp(current->parties[1], next->parties[1]) != 0) {
        return acsa_error_set(err, ACSA_EREFUSED, "$.parties",
                              "$.parties: an amendment cannot change the parties");
    }
    enum acsa_rc rc = refuse_day("effective", effective_day, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    if (count >= ACSA_AGREEMENT_VERSIONS_MAX) {
        return acsa_error_set(err, ACSA_EREFUSED, "effective", "effective: agreement %s has "
                              "%d versions, the most it may have", next->id,
                              ACSA_AGREEMENT_VERSIONS_MAX);
    }
    /* days[0] is the day the agreement took effect: an amendment can never precede it. */
    if (count > 0 && effective_day <= days[count - 1]) {
        char last[ACSA_DATE_TEXT_SIZE];
        acsa_date_format(days[count - 1], last);
        return acsa_error_set(err, ACSA_EREFUSED, "effective",
                              "effective: must be after %s, the day the latest version took "
                              "effect (versions are history: they are never edited)", last);
    }
    if (current->terminated_day != ACSA_DATE_NONE &&
        effective_day >= current->terminated_day) {
        return acsa_error_set(err, ACSA_EREFUSED, "effective", "effective: agreement %s is "
                              "terminated from then: nothing of it is in force to amend",
                              current->id);
    }
    return ACSA_OK;
}

/* What a notice and a termination share: a day on or after the start, not terminated. */
static enum acsa_rc event_check(const struct acsa_agreement *a, int32_t day,
                                struct acsa_error *err)
{
    enum acsa_rc rc = refuse_day("date", day, err);
    if (rc == ACSA_OK && day < a->effective_from_day) {
        char start[ACSA_DATE_TEXT_SIZE];
        rc = acsa_error_set(err, ACSA_EREFUSED, "date", "date: must be on or after the day "
                            "agreement %s took effect (%s)", a->id,
                            acsa_date_format(a->effective_from_day, start));
    }
    if (rc == ACSA_OK && a->terminated_day != ACSA_DATE_NONE) {
        char when[ACSA_DATE_TEXT_SIZE];
        rc = acsa_error_set(err, ACSA_EREFUSED, "date", "date: agreement %s is already "
                            "terminated (from %s)", a->id,
                            acsa_date_format(a->terminated_day, when));
    }
    return rc;
}

enum acsa_rc acsa_agreement_notice_check(const struct acsa_agreement *agreement, int32_t day,
                                         struct acsa_error *err)
{
    enum acsa_rc rc = event_check(agreement, day, err);
    if (rc == ACSA_OK && agreement->renewal_years == 0) {
        rc = acsa_error_set(err, ACSA_EREFUSED, "date", "date: agreement %s does not renew "
                            "itself: there is nothing to give notice of", agreement->id);
    }
    if (rc == ACSA_OK && agreement->notice_day != ACSA_DATE_NONE) {
        char when[ACSA_DATE_TEXT_SIZE];
        rc = acsa_error_set(err, ACSA_EREFUSED, "date", "date: notice of non-renewal of %s "
                            "was already given on %s", agreement->id,
                            acsa_date_format(agreement->notice_day, when));
    }
    return rc;
}

enum acsa_rc acsa_agreement_terminate_check(const struct acsa_agreement *agreement,
                                            int32_t day, const char *reason,
                                            struct acsa_error *err)
{
    enum acsa_rc rc = event_check(agreement, day, err);
    if (rc == ACSA_OK && (reason == NULL || reason[0] == '\0')) {
        rc = acsa_error_set(err, ACSA_EUSAGE, "reason", "reason: a termination states why");
    }
    return rc;
}
