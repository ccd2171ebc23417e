/* SPDX-License-Identifier: MIT */
/* Unit tests of rate.h: exact rates parsed, formatted and applied across currencies of
 * different exponents, rounded half to even at the target's minor unit; every refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rate.h"

static struct acsa_rate rate_of(const char *text)
{
    struct acsa_rate rate;
    struct acsa_error err;
    acsa_error_clear(&err);
    assert_int_equal(acsa_rate_parse(text, "rate", &rate, &err), ACSA_OK);
    return rate;
}

static void expect_rate(const char *text, int64_t units, uint8_t scale, const char *canonical)
{
    struct acsa_rate rate = rate_of(text);
    char buf[ACSA_RATE_TEXT_SIZE];
    assert_int_equal(rate.units, units);
    assert_int_equal(rate.scale, scale);
    assert_string_equal(acsa_rate_format(&rate, buf), canonical);
    assert_true(acsa_rate_valid(&rate));
}

static void expect_refused(const char *text)
{
    struct acsa_rate rate = {7, 1};
    struct acsa_error err;
    acsa_error_clear(&err);
    assert_int_equal(acsa_rate_parse(text, "rate", &rate, &err), ACSA_EUSAGE);
    assert_string_equal(err.field, "rate");
    assert_int_equal(rate.units, 0);
    assert_non_null(strstr(err.message, "rate: "));
}

static void test_parse_and_format(void **state)
{
    (void)state;
    expect_rate("0.5634", 5634, 4, "0.5634");
    expect_rate("1.775", 1775, 3, "1.775");
    expect_rate("110", 110, 0, "110");
    expect_rate("1.50", 150, 2, "1.50");
    expect_rate("0.0000000001", 1, 10, "0.0000000001");
    expect_rate("007.5", 75, 1, "7.5");
    expect_rate("999999999999999", INT64_C(999999999999999), 0, "999999999999999");
    expect_rate("99999.9999999999", INT64_C(999999999999999), 10, "99999.9999999999");
}

static void test_parse_refusals(void **state)
{
    (void)state;
    const char *bad[] = {"", "1,2", "-1", "+1", "0", "0.000", "1e3", "1E-2", " 1", "1 ",
                         ".5", "5.", "1..2", "1.2.3", "0x10", "1/2", "0.00000000001",
                         "1000000000000000", "12345678.123456789", "NaN", "inf"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        expect_refused(bad[i]);
    }
}

static int64_t convert(int64_t amount, uint8_t from, const char *rate, uint8_t to)
{
    struct acsa_rate r = rate_of(rate);
    struct acsa_error err;
    int64_t out = 42;
    acsa_error_clear(&err);
    assert_int_equal(acsa_rate_convert(amount, from, &r, to, "amount", &out, &err), ACSA_OK);
    return out;
}

/* Hand-computed: amount x rate, shifted by the exponents, rounded half to even. */
static void test_convert_across_exponents(void **state)
{
    (void)state;
    /* INR 5,000.00 at 1 INR = 1.7750 JPY: 5000 x 1.775 = 8,875 JPY. */
    assert_int_equal(convert(500000, 2, "1.7750", 0), 8875);
    /* JPY 880,000 at 1 JPY = 0.5634 INR: 495,792.00 INR. */
    assert_int_equal(convert(880000, 0, "0.5634", 2), 49579200);
    /* JPY 1 at 0.5634: 0.5634 INR -> 0.56 (below half). */
    assert_int_equal(convert(1, 0, "0.5634", 2), 56);
    /* USD 10.00 at 1 USD = 149.35 JPY: 1,493.5 JPY -> 1,494 (half, to even). */
    assert_int_equal(convert(1000, 2, "149.35", 0), 1494);
    /* USD 10.10 at 149.35: 1,508.435 -> 1,508. */
    assert_int_equal(convert(1010, 2, "149.35", 0), 1508);
    /* JPY 1 at 0.0067 USD: 0.0067 -> 0.01. */
    assert_int_equal(convert(1, 0, "0.0067", 2), 1);
    /* JPY 150 at 0.005 USD: 0.75 USD exactly. */
    assert_int_equal(convert(150, 0, "0.005", 2), 75);
    /* JPY 1 at 0.005: 0.005 USD is half a cent -> 0.00 would be even but is zero: see below;
     * JPY 3 at 0.005: 0.015 -> 0.02 (half, to even). */
    assert_int_equal(convert(3, 0, "0.005", 2), 2);
    /* JPY 5 at 0.005: 0.025 -> 0.02 (half, to even). */
    assert_int_equal(convert(5, 0, "0.005", 2), 2);
    /* OMR 1.234 (3 decimals) at 1 OMR = 2.5974 USD: 3.2051916 -> 3.21 USD. */
    assert_int_equal(convert(1234, 3, "2.5974", 2), 321);
    /* USD 100.00 at 1 USD = 0.385 OMR: 38.500 OMR. */
    assert_int_equal(convert(10000, 2, "0.385", 3), 38500);
    /* INR 0.01 at 1 INR = 0.0120 USD: 0.00012 -> zero: refused below. Same currency shape,
     * rate 1: identity. */
    assert_int_equal(convert(123456, 2, "1", 2), 123456);
    /* Negative amounts round symmetrically: -1,493.5 -> -1,494. */
    assert_int_equal(convert(-1000, 2, "149.35", 0), -1494);
}

static void test_convert_boundaries(void **state)
{
    (void)state;
    struct acsa_error err;
    int64_t out = 42;
    /* INT64_MAX JPY at rate 1 stays INT64_MAX. */
    assert_int_equal(convert(INT64_MAX, 0, "1", 0), INT64_MAX);
    /* The largest rate on the largest amount: computed in 128 bits, then refused. */
    struct acsa_rate big = rate_of("999999999999999");
    acsa_error_clear(&err);
    assert_int_equal(acsa_rate_convert(INT64_MAX, 0, &big, 3, "amount", &out, &err),
                     ACSA_EREFUSED);
    assert_int_equal(out, 0);
    assert_string_equal(err.field, "amount");
    assert_non_null(strstr(err.message, "does not fit"));
    /* JPY 1 in USD at 0.005 is 0.005 USD: half a cent rounds to 0.00, refused as zero. */
    struct acsa_rate tiny = rate_of("0.005");
    acsa_error_clear(&err);
    assert_int_equal(acsa_rate_convert(1, 0, &tiny, 2, "amount", &out, &err), ACSA_EREFUSED);
    assert_non_null(strstr(err.message, "converts to zero"));
    /* INT64_MAX / 2 + 1 at 2 overflows by one step. */
    struct acsa_rate two = rate_of("2");
    acsa_error_clear(&err);
    assert_int_equal(acsa_rate_convert(INT64_MAX / 2 + 1, 0, &two, 0, "amount", &out, &err),
                     ACSA_EREFUSED);
    assert_int_equal(convert(INT64_MAX / 2, 0, "2", 0), INT64_MAX - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_format),
        cmocka_unit_test(test_parse_refusals),
        cmocka_unit_test(test_convert_across_exponents),
        cmocka_unit_test(test_convert_boundaries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
