/* SPDX-License-Identifier: MIT */
/* Rules of an agreement as data: its consistency, its period in force, and the membership
 * tests every order is checked with. */
#include "agreement.h"

#include <stdio.h>
#include <string.h>

#include "acsa_assert.h"
#include "date.h"

static const char *const method_names[ACSA_METHOD_COUNT] = {"cash", "rik", "eve"};

const char *acsa_method_name(enum acsa_method method)
{
    ACSA_ASSERT((unsigned)method < ACSA_METHOD_COUNT);
    return method_names[method];
}

bool acsa_method_parse(const char *text, enum acsa_method *out)
{
    for (unsigned i = 0; i < ACSA_METHOD_COUNT; i++) {
        if (strcmp(text, method_names[i]) == 0) {
            *out = (enum acsa_method)i;
            return true;
        }
    }
    return false;
}

static const char *const conversion_names[] = {
    [ACSA_CONVERSION_AUTOMATIC] = "automatic",
    [ACSA_CONVERSION_APPROVAL] = "approval",
};

const char *acsa_conversion_name(enum acsa_conversion conversion)
{
    ACSA_ASSERT((unsigned)conversion < sizeof(conversion_names) / sizeof(conversion_names[0]));
    return conversion_names[conversion];
}

bool acsa_conversion_parse(const char *text, enum acsa_conversion *out)
{
    for (unsigned i = 0; i < sizeof(conversion_names) / sizeof(conversion_names[0]); i++) {
        if (strcmp(text, conversion_names[i]) == 0) {
            *out = (enum acsa_conversion)i;
            return true;
        }
    }
    return false;
}

char *acsa_agreement_ageing_label(const struct acsa_agreement *agreement, uint32_t bucket,
                                  char *buf, size_t size)
{
    const int32_t *bounds = agreement->ageing_bounds;
    if (bucket == 0) {
        snprintf(buf, size, "0-%d", (int)bounds[0]);
    } else if (bucket < ACSA_AGEING_BOUNDS) {
        snprintf(buf, size, "%d-%d", (int)bounds[bucket - 1] + 1, (int)bounds[bucket]);
    } else {
        snprintf(buf, size, ">%d", (int)bounds[ACSA_AGEING_BOUNDS - 1]);
    }
    return buf;
}

int32_t acsa_agreement_invoice_by(const struct acsa_agreement *agreement, int32_t delivered_day)
{
    ACSA_ASSERT(delivered_day != ACSA_DATE_NONE);
    return delivered_day + agreement->invoice_within_days;
}

bool acsa_nation_valid(const char *code)
{
    return code != NULL && code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' &&
           code[1] <= 'Z' && code[2] == '\0';
}

static bool list_has(const char (*list)[ACSA_CODE_SIZE], uint32_t count, const char *code)
{
    for (uint32_t i = 0; i < count; i++) {
        if (strcmp(list[i], code) == 0) {
            return true;
        }
    }
    return false;
}

bool acsa_agreement_has_party(const struct acsa_agreement *agreement, const char *nation)
{
    return strcmp(agreement->parties[0], nation) == 0 ||
           strcmp(agreement->parties[1], nation) == 0;
}

bool acsa_agreement_has_activity_type(const struct acsa_agreement *agreement, const char *code)
{
    return list_has(agreement->activity_types, agreement->activity_type_count, code);
}

bool acsa_agreement_has_category(const struct acsa_agreement *agreement, const char *code)
{
    return list_has(agreement->categories, agreement->category_count, code);
}

bool acsa_agreement_excludes(const struct acsa_agreement *agreement, const char *code)
{
    return list_has(agreement->excluded, agreement->excluded_count, code);
}

const struct acsa_currency *acsa_agreement_currency(const struct acsa_agreement *agreement,
                                                    const char *code)
{
    for (uint32_t i = 0; i < agreement->currency_count; i++) {
        if (strcmp(agreement->currencies[i].code, code) == 0) {
            return &agreement->currencies[i];
        }
    }
    return NULL;
}

int32_t acsa_agreement_term_end(const struct acsa_agreement *agreement, int32_t day)
{
    int32_t end = acsa_date_add_years(agreement->effective_from_day, agreement->term_years);
    if (agreement->renewal_years > 0) {
        /* Renewed automatically: the current term is the one that contains day. */
        while (end <= day) {
            end = acsa_date_add_years(end, agreement->renewal_years);
        }
    }
    /* The term runs up to the day before its anniversary. */
    return end - 1;
}

int32_t acsa_agreement_last_day(const struct acsa_agreement *agreement)
{
    int32_t last = ACSA_DATE_NONE;
    if (agreement->renewal_years == 0) {
        last = acsa_agreement_term_end(agreement, agreement->effective_from_day);
    } else if (agreement->notice_day != ACSA_DATE_NONE) {
        /* Non-renewal: the term running when notice is given is the last one. A notice given
         * before the agreement took effect ends its initial term. */
        int32_t given = agreement->notice_day < agreement->effective_from_day
                            ? agreement->effective_from_day
                            : agreement->notice_day;
        last = acsa_agreement_term_end(agreement, given);
    }
    if (agreement->terminated_day != ACSA_DATE_NONE &&
        (last == ACSA_DATE_NONE || agreement->terminated_day - 1 < last)) {
        last = agreement->terminated_day - 1;
    }
    return last;
}

bool acsa_agreement_in_force(const struct acsa_agreement *agreement, int32_t day)
{
    if (day < agreement->effective_from_day) {
        return false;
    }
    int32_t last = acsa_agreement_last_day(agreement);
    return last == ACSA_DATE_NONE || day <= last;
}

uint32_t acsa_agreement_version_pick(const int32_t *effective_days, uint32_t count, int32_t day)
{
    uint32_t pick = 0;
    for (uint32_t i = 1; i < count; i++) {
        if (effective_days[i] <= day) {
            pick = i;
        }
    }
    return pick;
}

bool acsa_agreement_has_service(const struct acsa_agreement *agreement, const char *nation,
                                const char *service)
{
    for (unsigned p = 0; p < 2; p++) {
        if (strcmp(agreement->parties[p], nation) != 0) {
            continue;
        }
        if (agreement->service_count[p] == 0) {
            return true;
        }
        return list_has(agreement->services[p], agreement->service_count[p], service);
    }
    return false;
}

enum acsa_rc acsa_agreement_check_service(const struct acsa_agreement *agreement,
                                          const char *field, const char *nation,
                                          const char *unit_name, const char *service,
                                          struct acsa_error *err)
{
    if (acsa_agreement_has_service(agreement, nation, service)) {
        return ACSA_OK;
    }
    return acsa_error_set(err, ACSA_EREFUSED, field,
                          "%s: unit \"%.60s\" is of service \"%.31s\", not a participating "
                          "service of %s under agreement %s",
                          field, unit_name, service, nation, agreement->id);
}

uint32_t acsa_agreement_ageing_bucket(const struct acsa_agreement *agreement,
                                      int32_t days_overdue)
{
    for (uint32_t i = 0; i < ACSA_AGEING_BOUNDS; i++) {
        if (days_overdue <= agreement->ageing_bounds[i]) {
            return i;
        }
    }
    return ACSA_AGEING_BOUNDS;
}

static enum acsa_rc validate_lists(const struct acsa_agreement *agreement,
                                   struct acsa_error *err)
{
    if (agreement->activity_type_count == 0) {
        return acsa_error_set(err, ACSA_EUSAGE, "activity_types",
                              "activity_types: at least one activity type is required");
    }
    if (agreement->category_count == 0) {
        return acsa_error_set(err, ACSA_EUSAGE, "categories",
                              "categories: at least one category is required");
    }
    for (uint32_t i = 0; i < agreement->category_count; i++) {
        if (acsa_agreement_excludes(agreement, agreement->categories[i])) {
            return acsa_error_set(err, ACSA_EUSAGE, "categories",
                                  "categories: \"%s\" is both permitted and excluded",
                                  agreement->categories[i]);
        }
    }
    if (agreement->currency_count == 0) {
        return acsa_error_set(err, ACSA_EUSAGE, "currencies",
                              "currencies: at least one currency is required");
    }
    for (uint32_t i = 0; i < agreement->currency_count; i++) {
        const struct acsa_currency *known = acsa_currency_find(agreement->currencies[i].code);
        if (known == NULL || known->exponent != agreement->currencies[i].exponent) {
            return acsa_error_set(err, ACSA_EUSAGE, "currencies",
                                  "currencies: \"%s\" is not a known ISO 4217 currency",
                                  agreement->currencies[i].code);
        }
    }
    return ACSA_OK;
}

static enum acsa_rc validate_settlement(const struct acsa_agreement *agreement,
                                        struct acsa_error *err)
{
    bool any = false;
    for (unsigned m = 0; m < ACSA_METHOD_COUNT; m++) {
        if (!agreement->method_allowed[m]) {
            continue;
        }
        any = true;
        if (agreement->due_days[m] < 1 || agreement->due_days[m] > ACSA_AGREEMENT_DAYS_MAX) {
            return acsa_error_set(err, ACSA_EUSAGE, "settlement",
                                  "settlement.%s.due_days: must be from 1 to %d days",
                                  method_names[m], ACSA_AGREEMENT_DAYS_MAX);
        }
    }
    if (!any) {
        return acsa_error_set(err, ACSA_EUSAGE, "settlement",
                              "settlement: at least one method (cash, rik, eve) is required");
    }
    /* Overdue in-kind obligations and exchange differences are settled in cash, so cash must
     * have a deadline whatever other methods the agreement allows. */
    if (!agreement->method_allowed[ACSA_METHOD_CASH]) {
        return acsa_error_set(err, ACSA_EUSAGE, "settlement",
                              "settlement: cash is required (in-kind obligations that miss "
                              "their deadline convert to cash)");
    }
    for (uint32_t i = 0; i < ACSA_AGEING_BOUNDS; i++) {
        int32_t lower = i == 0 ? 0 : agreement->ageing_bounds[i - 1];
        if (agreement->ageing_bounds[i] <= lower) {
            return acsa_error_set(err, ACSA_EUSAGE, "ageing_buckets",
                                  "ageing_buckets: bounds must be positive and ascending");
        }
    }
    if (agreement->invoice_within_days < 1) {
        return acsa_error_set(err, ACSA_EUSAGE, "invoice_within_days",
                              "invoice_within_days: must be at least 1 day");
    }
    return ACSA_OK;
}

enum acsa_rc acsa_agreement_validate(const struct acsa_agreement *agreement,
                                     struct acsa_error *err)
{
    ACSA_ASSERT(agreement != NULL);
    acsa_error_clear(err);
    if (agreement->id[0] == '\0') {
        return acsa_error_set(err, ACSA_EUSAGE, "id", "id: an agreement id is required");
    }
    for (unsigned p = 0; p < 2; p++) {
        if (!acsa_nation_valid(agreement->parties[p])) {
            return acsa_error_set(err, ACSA_EUSAGE, "parties",
                                  "parties: \"%s\" is not an ISO 3166 alpha-2 code",
                                  agreement->parties[p]);
        }
    }
    if (strcmp(agreement->parties[0], agreement->parties[1]) == 0) {
        return acsa_error_set(err, ACSA_EUSAGE, "parties",
                              "parties: the two parties must be different nations");
    }
    if (agreement->effective_from_day == ACSA_DATE_NONE ||
        agreement->signed_day == ACSA_DATE_NONE) {
        return acsa_error_set(err, ACSA_EUSAGE, "effective_from",
                              "effective_from: signature and effective dates are required");
    }
    if (agreement->effective_from_day < agreement->signed_day) {
        return acsa_error_set(err, ACSA_EUSAGE, "effective_from",
                              "effective_from: cannot be before the signature date");
    }
    if (agreement->term_years < 1 || agreement->term_years > ACSA_AGREEMENT_YEARS_MAX ||
        agreement->renewal_years < 0 || agreement->renewal_years > ACSA_AGREEMENT_YEARS_MAX) {
        return acsa_error_set(err, ACSA_EUSAGE, "term_years",
                              "term_years: term and renewal must be from 1 to %d years",
                              ACSA_AGREEMENT_YEARS_MAX);
    }
    if (agreement->terminated_day != ACSA_DATE_NONE &&
        agreement->terminated_day < agreement->effective_from_day) {
        return acsa_error_set(err, ACSA_EUSAGE, "terminated",
                              "terminated: cannot be before effective_from");
    }
    enum acsa_rc rc = validate_lists(agreement, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    return validate_settlement(agreement, err);
}
