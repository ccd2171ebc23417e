/* SPDX-License-Identifier: MIT */
/* Dated authority of officials: the grant check at its boundaries (first day, last day,
 * revocation day), per-agreement grants and limits, and the regression tests of defect 12. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "date.h"
#include "grant.h"
#include "money.h"

static int32_t day_of(const char *text)
{
    int32_t day = 0;
    struct acsa_error err;
    assert_int_equal(acsa_date_parse(text, "date", &day, &err), ACSA_OK);
    return day;
}

static struct acsa_grant grant(const char *agreement, const char *currency, int64_t limit,
                               const char *from, const char *to)
{
    struct acsa_grant g;
    memset(&g, 0, sizeof(g));
    snprintf(g.party, sizeof(g.party), "IN");
    snprintf(g.name, sizeof(g.name), "Cdr A. Rao");
    snprintf(g.title, sizeof(g.title), "Commander, Logistics");
    snprintf(g.agreement_id, sizeof(g.agreement_id), "%s", agreement);
    g.currency = *acsa_currency_find(currency);
    g.limit_minor = limit;
    g.from_day = day_of(from);
    g.to_day = to != NULL ? day_of(to) : ACSA_DATE_NONE;
    g.revoked_day = ACSA_DATE_NONE;
    return g;
}

static enum acsa_rc check(const struct acsa_grant *grants, uint32_t count, const char *agreement,
                          const char *currency, const char *day, int64_t amount,
                          struct acsa_error *err)
{
    return acsa_grant_check(grants, count, "Cdr A. Rao", agreement,
                            acsa_currency_find(currency), day_of(day), amount, err);
}

static void test_from_and_to_days_are_in_force(void **state)
{
    (void)state;
    struct acsa_error err;
    struct acsa_grant g = grant("IN-JP-2020", "JPY", 1000, "2024-01-01", "2024-05-31");
    assert_int_equal(check(&g, 1, "IN-JP-2020", "JPY", "2023-12-31", 1, &err), ACSA_EREFUSED);
    assert_string_equal(err.message, "by: Cdr A. Rao holds no grant for IN-JP-2020 in JPY on "
                        "2023-12-31; the next begins 2024-01-01");
    assert_int_equal(check(&g, 1, "IN-JP-2020", "JPY", "2024-01-01", 1, &err), ACSA_OK);
    assert_int_equal(check(&g, 1, "IN-JP-2020", "JPY", "2024-05-31", 1000, &err), ACSA_OK);
    assert_int_equal(check(&g, 1, "IN-JP-2020", "JPY", "2024-06-01", 1, &err), ACSA_EREFUSED);
    assert_string_equal(err.field, "by");
    assert_string_equal(err.message, "by: Cdr A. Rao holds no grant for IN-JP-2020 in JPY on "
                        "2024-06-01; the last ended 2024-05-31");
}

static void test_revocation_day_is_not_in_force(void **state)
{
    (void)state;
    struct acsa_error err;
    struct acsa_grant g = grant("", "JPY", 1000, "2024-01-01", NULL);
    g.revoked_day = day_of("2024-03-10");
    snprintf(g.revoke_reason, sizeof(g.revoke_reason), "posted away");
    assert_int_equal(acsa_grant_last_day(&g), day_of("2024-03-09"));
    assert_int_equal(check(&g, 1, "IN-JP-2020", "JPY", "2024-03-09", 1000, &err), ACSA_OK);
    assert_int_equal(check(&g, 1, "IN-JP-2020", "JPY", "2024-03-10", 1, &err), ACSA_EREFUSED);
    assert_string_equal(err.message, "by: Cdr A. Rao holds no grant for IN-JP-2020 in JPY on "
                        "2024-03-10; the last ended 2024-03-09 (revoked on 2024-03-10: "
                        "posted away)");
    /* A revocation after a grant's own end changes nothing of it. */
    struct acsa_grant h = grant("", "JPY", 1000, "2024-01-01", "2024-02-01");
    h.revoked_day = day_of("2024-03-10");
    assert_int_equal(acsa_grant_last_day(&h), day_of("2024-02-01"));
}

static void test_agreement_and_currency_must_match(void **state)
{
    (void)state;
    struct acsa_error err;
    struct acsa_grant g = grant("IN-JP-2020", "JPY", 1000, "2024-01-01", NULL);
    assert_int_equal(check(&g, 1, "IN-US-2016", "JPY", "2024-06-01", 1, &err), ACSA_EREFUSED);
    assert_non_null(strstr(err.message, "holds no grant for IN-US-2016 in JPY"));
    assert_non_null(strstr(err.message, "none was ever granted"));
    assert_int_equal(check(&g, 1, "IN-JP-2020", "INR", "2024-06-01", 1, &err), ACSA_EREFUSED);
    /* A grant without an agreement covers every agreement of the party. */
    struct acsa_grant all = grant("", "JPY", 1000, "2024-01-01", NULL);
    assert_int_equal(check(&all, 1, "IN-US-2016", "JPY", "2024-06-01", 1, &err), ACSA_OK);
}

static void test_limit_is_inclusive_and_the_highest_in_force_decides(void **state)
{
    (void)state;
    struct acsa_error err;
    struct acsa_grant g[2] = {grant("IN-JP-2020", "JPY", 1000, "2024-01-01", NULL),
                              grant("IN-JP-2020", "JPY", 5000, "2024-06-01", "2024-06-30")};
    assert_int_equal(check(g, 2, "IN-JP-2020", "JPY", "2024-05-31", 1000, &err), ACSA_OK);
    assert_int_equal(check(g, 2, "IN-JP-2020", "JPY", "2024-05-31", 1001, &err),
                     ACSA_EREFUSED);
    assert_string_equal(err.message, "by: order value 1001 JPY exceeds the approval limit of "
                        "Cdr A. Rao (Commander, Logistics) on 2024-05-31 (1000 JPY under "
                        "IN-JP-2020)");
    assert_int_equal(check(g, 2, "IN-JP-2020", "JPY", "2024-06-30", 5000, &err), ACSA_OK);
    assert_int_equal(check(g, 2, "IN-JP-2020", "JPY", "2024-07-01", 5000, &err),
                     ACSA_EREFUSED);
}

static void test_validate(void **state)
{
    (void)state;
    struct acsa_error err;
    struct acsa_grant g = grant("", "JPY", 1000, "2024-01-01", "2023-12-31");
    assert_int_equal(acsa_grant_validate(&g, &err), ACSA_EREFUSED);
    assert_string_equal(err.field, "to");
    g = grant("", "JPY", 0, "2024-01-01", NULL);
    assert_int_equal(acsa_grant_validate(&g, &err), ACSA_EREFUSED);
    assert_string_equal(err.field, "limit");
    g = grant("", "JPY", 10, "2024-01-01", NULL);
    assert_int_equal(acsa_grant_validate(&g, &err), ACSA_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_from_and_to_days_are_in_force),
        cmocka_unit_test(test_revocation_day_is_not_in_force),
        cmocka_unit_test(test_agreement_and_currency_must_match),
        cmocka_unit_test(test_limit_is_inclusive_and_the_highest_in_force_decides),
        cmocka_unit_test(test_validate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
