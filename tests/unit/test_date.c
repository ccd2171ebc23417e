/* SPDX-License-Identifier: MIT */
/* Unit tests of date.h: parsing with every refusal message, leap years, formatting, the round
 * trip over every day the parser accepts, and adding years across 29 February. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "date.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Day numbers of the parser's bounds, 1900-01-01 and 9999-12-31. */
#define FIRST_DAY (-25567)
#define LAST_DAY 2932896

struct known_day {
    const char *text; /* "YYYY-MM-DD". */
    int32_t day;      /* Days since 1970-01-01. */
};

static void expect_date(const char *text, int32_t day)
{
    struct acsa_error err;
    int32_t out = 12345;
    acsa_error_clear(&err);
    assert_int_equal(acsa_date_parse(text, "date", &out, &err), ACSA_OK);
    assert_int_equal(out, day);
    assert_int_equal(err.rc, ACSA_OK);
}

static void expect_date_refused(const char *text, const char *field, const char *message)
{
    struct acsa_error err;
    int32_t out = 12345;
    acsa_error_clear(&err);
    assert_int_equal(acsa_date_parse(text, field, &out, &err), ACSA_EUSAGE);
    assert_int_equal(out, ACSA_DATE_NONE);
    assert_int_equal(err.rc, ACSA_EUSAGE);
    assert_string_equal(err.field, field);
    assert_string_equal(err.message, message);
}

/* Refused as malformed or impossible, with the standard message for field "date". */
static void expect_invalid(const char *text)
{
    char message[ACSA_ERROR_MESSAGE_SIZE];
    snprintf(message, sizeof(message), "date: \"%s\" is not a valid date (YYYY-MM-DD)", text);
    expect_date_refused(text, "date", message);
}

static int32_t day_of(const char *text)
{
    struct acsa_error err;
    int32_t out = ACSA_DATE_NONE;
    acsa_error_clear(&err);
    assert_int_equal(acsa_date_parse(text, "date", &out, &err), ACSA_OK);
    return out;
}

static void expect_add_years(const char *from, int32_t years, const char *to)
{
    char buf[ACSA_DATE_TEXT_SIZE];
    assert_string_equal(acsa_date_format(acsa_date_add_years(day_of(from), years), buf), to);
}

static bool is_leap(int32_t year)
{
    return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

static void test_parse_known_days(void **state)
{
    (void)state;
    static const struct known_day cases[] = {
        {"1970-01-01", 0},          {"1969-12-31", -1},     {"1970-01-02", 1},
        {"1900-01-01", FIRST_DAY},  {"1900-03-01", -25508}, {"2000-01-01", 10957},
        {"2000-02-29", 11016},      {"2000-03-01", 11017},  {"2024-02-29", 19782},
        {"2025-02-28", 20147},      {"2100-02-28", 47540},  {"9999-12-31", LAST_DAY},
    };
    char buf[ACSA_DATE_TEXT_SIZE];
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        expect_date(cases[i].text, cases[i].day);
        assert_string_equal(acsa_date_format(cases[i].day, buf), cases[i].text);
    }
}

static void test_parse_leap_years(void **state)
{
    (void)state;
    expect_date("2000-02-29", 11016); /* divisible by 400: leap */
    expect_date("2024-02-29", 19782); /* divisible by 4: leap */
    expect_date("1904-02-29", day_of("1904-02-28") + 1);
    expect_date("2400-02-29", day_of("2400-02-28") + 1);
    expect_invalid("1900-02-29"); /* divisible by 100, not 400: common */
    expect_invalid("2100-02-29");
    expect_invalid("2023-02-29");
    expect_invalid("2024-02-30");
    expect_invalid("2000-02-30");
}

static void test_parse_impossible_dates(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "2024-00-01", "2024-13-01", "2024-99-01", "2024-01-00", "2024-01-32", "2024-04-31",
        "2024-06-31", "2024-09-31", "2024-11-31", "2024-12-32", "2024-02-00", "2024-01-99",
    };
    for (size_t i = 0; i < ARRAY_LEN(texts); i++) {
        expect_invalid(texts[i]);
    }
    expect_date("2024-01-31", day_of("2024-02-01") - 1);
    expect_date("2024-04-30", day_of("2024-05-01") - 1);
    expect_date("2024-12-31", day_of("2025-01-01") - 1);
}

static void test_parse_malformed(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "",           "2024",        "2024-1-01",   "2024-01-1",   "2024/01/01",
        "20240101",   " 2024-01-01", "2024-01-01 ", "2024-01-01T00:00",
        "+024-01-01", "-024-01-01",  "2024-0a-01",  "2024--1-01",  "2024-01--1",
        "24-01-01",   "02024-01-01", "2024_01_01",  "abcd-ef-gh",  "2024-01-0\n",
    };
    for (size_t i = 0; i < ARRAY_LEN(texts); i++) {
        expect_invalid(texts[i]);
    }
}

static void test_parse_out_of_range(void **state)
{
    (void)state;
    expect_date_refused("1899-12-31", "date",
                        "date: \"1899-12-31\" is outside 1900-01-01 to 9999-12-31");
    expect_date_refused("0000-01-01", "signed",
                        "signed: \"0000-01-01\" is outside 1900-01-01 to 9999-12-31");
    expect_date_refused("1000-02-29", "date",
                        "date: \"1000-02-29\" is not a valid date (YYYY-MM-DD)");
}

static void test_parse_names_field_and_shortens_text(void **state)
{
    (void)state;
    expect_date_refused("2023-02-29", "agreement.effective_from",
                        "agreement.effective_from: \"2023-02-29\" is not a valid date "
                        "(YYYY-MM-DD)");
    expect_date_refused("a very long text that is certainly not a date at all", "date",
                        "date: \"a very long text that is certainly not a...\" is not a valid date "
                        "(YYYY-MM-DD)");
    expect_date_refused(NULL, "date", "date: \"\" is not a valid date (YYYY-MM-DD)");
}

static void test_parse_without_error_record(void **state)
{
    (void)state;
    int32_t out = 0;
    assert_int_equal(acsa_date_parse("2023-02-29", "date", &out, NULL), ACSA_EUSAGE);
    assert_int_equal(out, ACSA_DATE_NONE);
    assert_int_equal(acsa_date_parse("2023-02-28", "date", &out, NULL), ACSA_OK);
    assert_int_equal(out, 19416);
}

static void test_format(void **state)
{
    (void)state;
    char buf[ACSA_DATE_TEXT_SIZE];
    assert_ptr_equal(acsa_date_format(ACSA_DATE_NONE, buf), buf);
    assert_string_equal(buf, "");
    assert_string_equal(acsa_date_format(0, buf), "1970-01-01");
    assert_string_equal(acsa_date_format(-1, buf), "1969-12-31");
    assert_string_equal(acsa_date_format(-719468, buf), "0000-03-01");
    assert_string_equal(acsa_date_format(LAST_DAY, buf), "9999-12-31");
    assert_string_equal(acsa_date_format(FIRST_DAY - 1, buf), "1899-12-31");
}

/* Every day the parser accepts formats and parses back to itself, and walking the days one
 * by one visits the calendar in order, with 29 February exactly in the leap years. */
static void test_round_trip_every_day(void **state)
{
    (void)state;
    char buf[ACSA_DATE_TEXT_SIZE];
    int32_t year = 1900;
    int32_t month = 1;
    int32_t day_of_month = 1;
    static const int32_t month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int32_t day = FIRST_DAY; day <= LAST_DAY; day++) {
        int32_t y = 0;
        int32_t m = 0;
        int32_t d = 0;
        acsa_date_to_ymd(day, &y, &m, &d);
        assert_int_equal(y, year);
        assert_int_equal(m, month);
        assert_int_equal(d, day_of_month);
        assert_int_equal(acsa_date_from_ymd(year, month, day_of_month), day);
        expect_date(acsa_date_format(day, buf), day);
        int32_t length = month_days[month - 1] + (month == 2 && is_leap(year) ? 1 : 0);
        day_of_month++;
        if (day_of_month > length) {
            day_of_month = 1;
            month++;
        }
        if (month > 12) {
            month = 1;
            year++;
        }
    }
    assert_int_equal(year, 10000);
}

static void test_to_ymd_null_outputs(void **state)
{
    (void)state;
    int32_t year = 0;
    int32_t month = 0;
    int32_t day = 0;
    int32_t n = day_of("2024-07-15");
    acsa_date_to_ymd(n, &year, NULL, NULL);
    assert_int_equal(year, 2024);
    acsa_date_to_ymd(n, NULL, &month, NULL);
    assert_int_equal(month, 7);
    acsa_date_to_ymd(n, NULL, NULL, &day);
    assert_int_equal(day, 15);
    acsa_date_to_ymd(n, NULL, NULL, NULL);
}

static void test_from_ymd_far_days(void **state)
{
    (void)state;
    int32_t year = 0;
    int32_t month = 0;
    int32_t day = 0;
    /* Outside the parser's range the algorithms still agree with each other. */
    assert_int_equal(acsa_date_from_ymd(0, 3, 1), -719468);
    assert_int_equal(acsa_date_from_ymd(-1, 12, 31), -719529);
    acsa_date_to_ymd(-719529, &year, &month, &day);
    assert_int_equal(year, -1);
    assert_int_equal(month, 12);
    assert_int_equal(day, 31);
    acsa_date_to_ymd(acsa_date_from_ymd(-4800, 2, 29), &year, &month, &day);
    assert_int_equal(year, -4800);
    assert_int_equal(month, 2);
    assert_int_equal(day, 29);
}

static void test_add_years(void **state)
{
    (void)state;
    expect_add_years("2024-02-29", 1, "2025-02-28");
    expect_add_years("2024-02-29", 4, "2028-02-29");
    expect_add_years("2024-02-29", -4, "2020-02-29");
    expect_add_years("2024-02-29", -1, "2023-02-28");
    expect_add_years("2000-02-29", 100, "2100-02-28");
    expect_add_years("2000-02-29", 400, "2400-02-29");
    expect_add_years("2024-02-28", 1, "2025-02-28");
    expect_add_years("2023-03-01", 1, "2024-03-01");
    expect_add_years("2023-03-31", 1, "2024-03-31");
    expect_add_years("2020-06-15", 5, "2025-06-15");
    expect_add_years("2020-12-31", 0, "2020-12-31");
    expect_add_years("2020-01-01", -120, "1900-01-01");
    expect_add_years("9998-12-31", 1, "9999-12-31");
    assert_int_equal(acsa_date_add_years(ACSA_DATE_NONE, 5), ACSA_DATE_NONE);
}

static void test_add_years_is_plain_for_other_days(void **state)
{
    (void)state;
    int32_t from = day_of("2019-01-01");
    int32_t to = day_of("2021-01-01");
    for (int32_t day = from; day < to; day++) {
        int32_t year = 0;
        int32_t month = 0;
        int32_t dom = 0;
        int32_t y = 0;
        int32_t m = 0;
        int32_t d = 0;
        acsa_date_to_ymd(day, &year, &month, &dom);
        acsa_date_to_ymd(acsa_date_add_years(day, 3), &y, &m, &d);
        assert_int_equal(y, year + 3);
        assert_int_equal(m, month);
        assert_int_equal(d, month == 2 && dom == 29 ? 28 : dom);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_known_days),
        cmocka_unit_test(test_parse_leap_years),
        cmocka_unit_test(test_parse_impossible_dates),
        cmocka_unit_test(test_parse_malformed),
        cmocka_unit_test(test_parse_out_of_range),
        cmocka_unit_test(test_parse_names_field_and_shortens_text),
        cmocka_unit_test(test_parse_without_error_record),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_round_trip_every_day),
        cmocka_unit_test(test_to_ymd_null_outputs),
        cmocka_unit_test(test_from_ymd_far_days),
        cmocka_unit_test(test_add_years),
        cmocka_unit_test(test_add_years_is_plain_for_other_days),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
