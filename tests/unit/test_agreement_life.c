/* SPDX-License-Identifier: MIT */
/* The agreement's lifecycle in the core: the version in force on a day, the last day as of
 * term, renewal, notice of non-renewal and termination, participating services, and the
 * reason an other-lawful activity must state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agreement.h"
#include "agreement_json.h"
#include "date.h"
#include "order.h"

#ifndef ACSA_SOURCE_ROOT
#define ACSA_SOURCE_ROOT "."
#endif

static int32_t day_of(const char *text)
{
    int32_t day = 0;
    struct acsa_error err;
    assert_int_equal(acsa_date_parse(text, "date", &day, &err), ACSA_OK);
    return day;
}

static char *read_agreement(const char *file, size_t *size)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/agreements/%s", ACSA_SOURCE_ROOT, file);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char text[65536];
    *size = fread(text, 1, sizeof(text) - 1, f);
    text[*size] = '\0';
    fclose(f);
    return text;
}

static void load(const char *file, struct acsa_agreement *out)
{
    size_t size = 0;
    char *text = read_agreement(file, &size);
    struct acsa_error err;
    assert_int_equal(acsa_agreement_from_json(text, size, out, &err), ACSA_OK);
}

/* IN-JP-2020 with a first version as in the file and an amendment, from 2025-01-01, that adds
 * the category "ammunition-handling" (a service, not ammunition). */
static void amended(struct acsa_agreement versions[2], int32_t effective[2])
{
    load("india-japan-2020.json", &versions[0]);
    versions[1] = versions[0];
    snprintf(versions[1].categories[versions[1].category_count++], ACSA_CODE_SIZE,
             "ammunition-handling");
    effective[0] = versions[0].effective_from_day;
    effective[1] = day_of("2025-01-01");
}

static void test_version_pick(void **state)
{
    (void)state;
    int32_t effective[3] = {day_of("2020-09-09"), day_of("2023-04-01"), day_of("2025-01-01")};
    assert_int_equal(acsa_agreement_version_pick(effective, 3, day_of("2020-01-01")), 0);
    assert_int_equal(acsa_agreement_version_pick(effective, 3, day_of("2023-03-31")), 0);
    assert_int_equal(acsa_agreement_version_pick(effective, 3, day_of("2023-04-01")), 1);
    assert_int_equal(acsa_agreement_version_pick(effective, 3, day_of("2024-12-31")), 1);
    assert_int_equal(acsa_agreement_version_pick(effective, 3, day_of("2025-01-01")), 2);
    assert_int_equal(acsa_agreement_version_pick(effective, 1, day_of("2030-01-01")), 0);
}

/* Defect 5: a loaded agreement can be amended; a step is judged by the version in force on
 * its date, so a category the amendment adds is refused before its effective date. */
static void test_defect5_amendment_judged_by_version_in_force(void **state)
{
    (void)state;
    struct acsa_agreement *v = calloc(2, sizeof(*v));
    assert_non_null(v);
    int32_t effective[2];
    amended(v, effective);
    uint32_t before = acsa_agreement_version_pick(effective, 2, day_of("2024-12-31"));
    uint32_t after = acsa_agreement_version_pick(effective, 2, day_of("2025-01-01"));
    assert_false(acsa_agreement_has_category(&v[before], "ammunition-handling"));
    assert_true(acsa_agreement_has_category(&v[after], "ammunition-handling"));
    free(v);
}

static void test_last_day_term_and_renewal(void **state)
{
    (void)state;
    struct acsa_agreement a;
    load("india-japan-2020.json", &a);
    /* Renewed automatically, no notice: no end known. */
    assert_int_equal(acsa_agreement_last_day(&a), ACSA_DATE_NONE);
    assert_true(acsa_agreement_in_force(&a, day_of("2045-01-01")));
    a.renewal_years = 0;
    assert_int_equal(acsa_agreement_last_day(&a), day_of("2030-09-08"));
    assert_true(acsa_agreement_in_force(&a, day_of("2030-09-08")));
    assert_false(acsa_agreement_in_force(&a, day_of("2030-09-09")));
}

/* Defect 5: notice of non-renewal ends the agreement at the end of the term it is given in. */
static void test_defect5_notice_of_non_renewal(void **state)
{
    (void)state;
    struct acsa_agreement a;
    load("india-japan-2020.json", &a);
    a.notice_day = day_of("2026-03-01");
    assert_int_equal(acsa_agreement_last_day(&a), day_of("2030-09-08"));
    assert_true(acsa_agreement_in_force(&a, day_of("2030-09-08")));
    assert_false(acsa_agreement_in_force(&a, day_of("2030-09-09")));
    /* Given in the first renewal term: that term is the last. */
    a.notice_day = day_of("2031-02-01");
    assert_int_equal(acsa_agreement_last_day(&a), day_of("2040-09-08"));
    /* Given on a term's last day: that day is the last. */
    a.notice_day = day_of("2030-09-08");
    assert_int_equal(acsa_agreement_last_day(&a), day_of("2030-09-08"));
}

/* Defect 5: termination moves the last day to the day before it takes effect. */
static void test_defect5_termination_moves_last_day(void **state)
{
    (void)state;
    struct acsa_agreement a;
    load("india-japan-2020.json", &a);
    a.terminated_day = day_of("2025-07-01");
    assert_int_equal(acsa_agreement_last_day(&a), day_of("2025-06-30"));
    assert_true(acsa_agreement_in_force(&a, day_of("2025-06-30")));
    assert_false(acsa_agreement_in_force(&a, day_of("2025-07-01")));
    /* A termination after the end a notice set changes nothing. */
    a.notice_day = day_of("2021-01-01");
    a.terminated_day = day_of("2035-01-01");
    assert_int_equal(acsa_agreement_last_day(&a), day_of("2030-09-08"));
    a.terminated_day = day_of("2028-01-01");
    assert_int_equal(acsa_agreement_last_day(&a), day_of("2027-12-31"));
}

/* Defect 6: a coast guard is not a participating service under IN-JP-2020. */
static void test_defect6_coast_guard_unit_refused(void **state)
{
    (void)state;
    struct acsa_agreement a;
    load("india-japan-2020.json", &a);
    struct acsa_error err;
    assert_true(acsa_agreement_has_service(&a, "IN", "navy"));
    assert_true(acsa_agreement_has_service(&a, "JP", "jmsdf"));
    assert_false(acsa_agreement_has_service(&a, "JP", "navy"));
    assert_int_equal(acsa_agreement_check_service(&a, "requester_unit", "IN",
                                                  "Indian Coast Guard", "coast-guard", &err),
                     ACSA_EREFUSED);
    assert_string_equal(err.field, "requester_unit");
    assert_non_null(strstr(err.message, "not a participating service of IN under agreement "
                                        "IN-JP-2020"));
    assert_int_equal(acsa_agreement_check_service(&a, "supplier_unit", "JP", "JS Kaga", "jmsdf",
                                                  &err),
                     ACSA_OK);
    /* An agreement that lists no services for a party takes any. */
    a.service_count[0] = 0;
    assert_true(acsa_agreement_has_service(&a, "IN", "coast-guard"));
}

/* Defect 6: an other-lawful activity needs a stated reason. */
static void test_defect6_other_lawful_needs_reason(void **state)
{
    (void)state;
    struct acsa_agreement a;
    load("india-japan-2020.json", &a);
    struct acsa_activity act;
    memset(&act, 0, sizeof(act));
    snprintf(act.agreement_id, sizeof(act.agreement_id), "IN-JP-2020");
    snprintf(act.name, sizeof(act.name), "Sahyog Kaijin");
    snprintf(act.type, sizeof(act.type), "other-lawful");
    act.from_day = day_of("2024-01-10");
    act.to_day = day_of("2024-01-12");
    struct acsa_error err;
    assert_int_equal(acsa_activity_validate(&a, &act, &err), ACSA_EUSAGE);
    assert_string_equal(err.field, "reason");
    assert_non_null(strstr(err.message, "--reason"));
    snprintf(act.reason, sizeof(act.reason), "joint search and rescue off Chennai");
    assert_int_equal(acsa_activity_validate(&a, &act, &err), ACSA_OK);
}

/* "services" round-trips through the canonical form and is checked like the other lists. */
static void test_services_json(void **state)
{
    (void)state;
    struct acsa_agreement *a = calloc(2, sizeof(*a));
    assert_non_null(a);
    load("india-japan-2020.json", &a[0]);
    assert_int_equal(a[0].service_count[0], 3);
    assert_string_equal(a[0].services[1][1], "jmsdf");
    char *text = NULL;
    struct acsa_error err;
    assert_int_equal(acsa_agreement_to_json(&a[0], &text, &err), ACSA_OK);
    assert_int_equal(acsa_agreement_from_json(text, strlen(text), &a[1], &err), ACSA_OK);
    assert_memory_equal(&a[0], &a[1], sizeof(a[0]));
    free(text);
    size_t size = 0;
    char *copy = strdup(read_agreement("india-japan-2020.json", &size));
    char *at = strstr(copy, "\"JP\": [\"jgsdf\"");
    assert_non_null(at);
    memcpy(at, "\"FR\"", 4);
    assert_int_equal(acsa_agreement_from_json(copy, size, &a[1], &err), ACSA_EREFUSED);
    assert_non_null(strstr(err.message, "$.services"));
    free(copy);
    free(a);
}

/* The rules of an amendment, judged alike on the node that enters it and on the partner's. */
static void test_defect5_amend_rules(void **state)
{
    (void)state;
    struct acsa_agreement *v = calloc(3, sizeof(*v));
    assert_non_null(v);
    int32_t days[2];
    amended(v, days);
    struct acsa_error err;
    /* After the only version: accepted. */
    assert_int_equal(acsa_agreement_amend_check(&v[0], &v[1], days, 1, days[1], &err), ACSA_OK);
    /* Before or on the day the agreement took effect: refused. */
    assert_int_equal(acsa_agreement_amend_check(&v[0], &v[1], days, 1, days[0] - 1, &err),
                     ACSA_EREFUSED);
    assert_string_equal(err.field, "effective");
    assert_non_null(strstr(err.message, "must be after 2020-09-09"));
    assert_int_equal(acsa_agreement_amend_check(&v[0], &v[1], days, 1, days[0], &err),
                     ACSA_EREFUSED);
    /* Not after the latest amendment: refused; no day: a usage error. */
    assert_int_equal(acsa_agreement_amend_check(&v[1], &v[1], days, 2, days[1], &err),
                     ACSA_EREFUSED);
    assert_int_equal(acsa_agreement_amend_check(&v[0], &v[1], days, 1, ACSA_DATE_NONE, &err),
                     ACSA_EUSAGE);
    assert_string_equal(err.field, "effective");
    /* Another agreement, other parties: refused. */
    v[2] = v[1];
    snprintf(v[2].id, sizeof(v[2].id), "IN-FR-2020");
    assert_int_equal(acsa_agreement_amend_check(&v[0], &v[2], days, 1, days[1], &err),
                     ACSA_EREFUSED);
    assert_string_equal(err.field, "$.id");
    v[2] = v[1];
    snprintf(v[2].parties[1], sizeof(v[2].parties[1]), "FR");
    assert_int_equal(acsa_agreement_amend_check(&v[0], &v[2], days, 1, days[1], &err),
                     ACSA_EREFUSED);
    assert_string_equal(err.field, "$.parties");
    /* In force from the day of termination or later: nothing to amend. */
    v[0].terminated_day = days[1];
    assert_int_equal(acsa_agreement_amend_check(&v[0], &v[1], days, 1, days[1], &err),
                     ACSA_EREFUSED);
    assert_non_null(strstr(err.message, "terminated"));
    free(v);
}

static void test_defect5_notice_and_terminate_rules(void **state)
{
    (void)state;
    struct acsa_agreement a;
    load("india-japan-2020.json", &a);
    struct acsa_error err;
    int32_t start = a.effective_from_day;
    assert_int_equal(acsa_agreement_notice_check(&a, day_of("2026-03-01"), &err), ACSA_OK);
    assert_int_equal(acsa_agreement_notice_check(&a, start - 1, &err), ACSA_EREFUSED);
    assert_string_equal(err.field, "date");
    assert_int_equal(acsa_agreement_notice_check(&a, ACSA_DATE_NONE, &err), ACSA_EUSAGE);
    assert_int_equal(acsa_agreement_terminate_check(&a, start, "superseded", &err), ACSA_OK);
    assert_int_equal(acsa_agreement_terminate_check(&a, start - 1, "superseded", &err),
                     ACSA_EREFUSED);
    assert_non_null(strstr(err.message, "on or after the day agreement IN-JP-2020 took effect"));
    assert_int_equal(acsa_agreement_terminate_check(&a, start, "", &err), ACSA_EUSAGE);
    assert_string_equal(err.field, "reason");
    /* A notice given already: a second is refused, naming the first. */
    a.notice_day = day_of("2026-03-01");
    assert_int_equal(acsa_agreement_notice_check(&a, day_of("2026-04-01"), &err),
                     ACSA_EREFUSED);
    assert_non_null(strstr(err.message, "already given on 2026-03-01"));
    /* Terminated: neither a notice nor a second termination. */
    a.notice_day = ACSA_DATE_NONE;
    a.terminated_day = day_of("2025-07-01");
    assert_int_equal(acsa_agreement_notice_check(&a, day_of("2026-03-01"), &err),
                     ACSA_EREFUSED);
    assert_non_null(strstr(err.message, "already terminated (from 2025-07-01)"));
    assert_int_equal(acsa_agreement_terminate_check(&a, day_of("2025-08-01"), "again", &err),
                     ACSA_EREFUSED);
    /* An agreement that does not renew itself takes no notice. */
    a.terminated_day = ACSA_DATE_NONE;
    a.renewal_years = 0;
    assert_int_equal(acsa_agreement_notice_check(&a, day_of("2026-03-01"), &err),
                     ACSA_EREFUSED);
    assert_non_null(strstr(err.message, "does not renew"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_pick),
        cmocka_unit_test(test_defect5_amendment_judged_by_version_in_force),
        cmocka_unit_test(test_last_day_term_and_renewal),
        cmocka_unit_test(test_defect5_notice_of_non_renewal),
        cmocka_unit_test(test_defect5_termination_moves_last_day),
        cmocka_unit_test(test_defect6_coast_guard_unit_refused),
        cmocka_unit_test(test_defect6_other_lawful_needs_reason),
        cmocka_unit_test(test_services_json),
        cmocka_unit_test(test_defect5_amend_rules),
        cmocka_unit_test(test_defect5_notice_and_terminate_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
