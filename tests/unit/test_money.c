/* SPDX-License-Identifier: MIT */
/* Unit tests of money.h: the currency table, parsing and formatting of amounts and quantities
 * with every refusal message, overflow checks and half-to-even rounding of line values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "money.h"
#include "report.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A value the parsers never produce on their own, to see that out is always written. */
#define SENTINEL INT64_C(4242)

struct money_case {
    const char *text;      /* Input. */
    uint8_t exponent;      /* Decimals of the currency. */
    int64_t minor;         /* Expected minor units. */
    const char *canonical; /* What acsa_money_format gives back. */
};

struct refusal_case {
    const char *text;    /* Input. */
    uint8_t exponent;    /* Decimals of the currency. */
    const char *message; /* Exact message with field "price". */
};

/* Parses text and checks the value; returns nothing so tests stay one line per case. */
static void expect_money(const char *text, uint8_t exponent, int64_t minor)
{
    struct acsa_error err;
    int64_t out = SENTINEL;
    acsa_error_clear(&err);
    assert_int_equal(acsa_money_parse(text, exponent, "price", &out, &err), ACSA_OK);
    assert_int_equal(out, minor);
    assert_int_equal(err.rc, ACSA_OK);
}

/* Parses text and checks the refusal: code, field, message, and out reset to 0. */
static void expect_money_refused(const char *text, uint8_t exponent, const char *field,
                                 const char *message)
{
    struct acsa_error err;
    int64_t out = SENTINEL;
    acsa_error_clear(&err);
    assert_int_equal(acsa_money_parse(text, exponent, field, &out, &err), ACSA_EUSAGE);
    assert_int_equal(out, 0);
    assert_int_equal(err.rc, ACSA_EUSAGE);
    assert_string_equal(err.field, field);
    assert_string_equal(err.message, message);
}

static void expect_quantity(const char *text, int64_t milli, const char *canonical)
{
    struct acsa_error err;
    char buf[ACSA_MONEY_TEXT_SIZE];
    int64_t out = SENTINEL;
    acsa_error_clear(&err);
    assert_int_equal(acsa_quantity_parse(text, "qty", &out, &err), ACSA_OK);
    assert_int_equal(out, milli);
    assert_string_equal(acsa_quantity_format(out, buf), canonical);
}

static void expect_quantity_refused(const char *text, const char *message)
{
    struct acsa_error err;
    int64_t out = SENTINEL;
    acsa_error_clear(&err);
    assert_int_equal(acsa_quantity_parse(text, "qty", &out, &err), ACSA_EUSAGE);
    assert_int_equal(out, 0);
    assert_int_equal(err.rc, ACSA_EUSAGE);
    assert_string_equal(err.field, "qty");
    assert_string_equal(err.message, message);
}

static void expect_line_value(int64_t quantity_milli, int64_t price_minor, int64_t expected)
{
    int64_t out = SENTINEL;
    assert_true(acsa_money_line_value(quantity_milli, price_minor, &out));
    assert_int_equal(out, expected);
}

static void expect_line_overflow(int64_t quantity_milli, int64_t price_minor)
{
    int64_t out = SENTINEL;
    assert_false(acsa_money_line_value(quantity_milli, price_minor, &out));
    assert_int_equal(out, 0);
}

static void test_currency_table(void **state)
{
    (void)state;
    static const struct acsa_currency expected[] = {
        {"JPY", 0}, {"INR", 2}, {"USD", 2}, {"EUR", 2}, {"AUD", 2}, {"GBP", 2},
        {"CAD", 2}, {"KRW", 0}, {"SGD", 2}, {"OMR", 3}, {"NZD", 2}, {"CHF", 2},
    };
    for (size_t i = 0; i < ARRAY_LEN(expected); i++) {
        const struct acsa_currency *currency = acsa_currency_find(expected[i].code);
        assert_non_null(currency);
        assert_string_equal(currency->code, expected[i].code);
        assert_int_equal(currency->exponent, expected[i].exponent);
    }
}

static void test_currency_unknown(void **state)
{
    (void)state;
    assert_null(acsa_currency_find("XXX"));
    assert_null(acsa_currency_find("usd"));
    assert_null(acsa_currency_find("US"));
    assert_null(acsa_currency_find("USDX"));
    assert_null(acsa_currency_find(""));
    assert_null(acsa_currency_find(NULL));
}

static void test_money_round_trip(void **state)
{
    (void)state;
    static const struct money_case cases[] = {
        {"0", 0, 0, "0"},
        {"150000", 0, 150000, "150000"},
        {"-3", 0, -3, "-3"},
        {"-0", 0, 0, "0"},
        {"007", 0, 7, "7"},
        {"1234.50", 2, 123450, "1234.50"},
        {"1234.5", 2, 123450, "1234.50"},
        {"12.5", 2, 1250, "12.50"},
        {"0.5", 2, 50, "0.50"},
        {"-0.05", 2, -5, "-0.05"},
        {"-3", 2, -300, "-3.00"},
        {"0", 2, 0, "0.00"},
        {"0.00", 2, 0, "0.00"},
        {"-0.00", 2, 0, "0.00"},
        {"99.99", 2, 9999, "99.99"},
        {"1.234", 3, 1234, "1.234"},
        {"1.2", 3, 1200, "1.200"},
        {"-0.001", 3, -1, "-0.001"},
        {"42", 3, 42000, "42.000"},
        {"0.0001", 4, 1, "0.0001"},
    };
    char buf[ACSA_MONEY_TEXT_SIZE];
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        expect_money(cases[i].text, cases[i].exponent, cases[i].minor);
        assert_string_equal(acsa_money_format(cases[i].minor, cases[i].exponent, buf),
                            cases[i].canonical);
        /* The canonical text parses back to the same value. */
        expect_money(cases[i].canonical, cases[i].exponent, cases[i].minor);
    }
}

static void test_money_round_trip_every_currency(void **state)
{
    (void)state;
    static const char *const codes[] = {"JPY", "INR", "USD", "EUR", "AUD", "GBP",
                                        "CAD", "KRW", "SGD", "OMR", "NZD", "CHF"};
    static const int64_t values[] = {0, 1, -1, 9, 10, 99, 100, 101, -999, 123456789,
                                     -123456789, INT64_MAX, INT64_MIN, INT64_MIN + 1};
    char buf[ACSA_MONEY_TEXT_SIZE];
    for (size_t c = 0; c < ARRAY_LEN(codes); c++) {
        const struct acsa_currency *currency = acsa_currency_find(codes[c]);
        assert_non_null(currency);
        for (size_t v = 0; v < ARRAY_LEN(values); v++) {
            acsa_money_format(values[v], currency->exponent, buf);
            expect_money(buf, currency->exponent, values[v]);
        }
    }
}

static void test_money_format_exact(void **state)
{
    (void)state;
    char buf[ACSA_MONEY_TEXT_SIZE];
    assert_ptr_equal(acsa_money_format(5, 2, buf), buf);
    assert_string_equal(buf, "0.05");
    assert_string_equal(acsa_money_format(-5, 2, buf), "-0.05");
    assert_string_equal(acsa_money_format(-50, 2, buf), "-0.50");
    assert_string_equal(acsa_money_format(-1, 0, buf), "-1");
    assert_string_equal(acsa_money_format(1, 3, buf), "0.001");
    assert_string_equal(acsa_money_format(1000, 3, buf), "1.000");
    assert_string_equal(acsa_money_format(150000, 0, buf), "150000");
}

static void test_money_format_int64_limits(void **state)
{
    (void)state;
    char buf[ACSA_MONEY_TEXT_SIZE];
    assert_string_equal(acsa_money_format(INT64_MAX, 0, buf), "9223372036854775807");
    assert_string_equal(acsa_money_format(INT64_MIN, 0, buf), "-9223372036854775808");
    assert_string_equal(acsa_money_format(INT64_MAX, 2, buf), "92233720368547758.07");
    assert_string_equal(acsa_money_format(INT64_MIN, 2, buf), "-92233720368547758.08");
    assert_string_equal(acsa_money_format(INT64_MIN, 3, buf), "-9223372036854775.808");
    /* A large exponent still fits the buffer: all digits behind the point. */
    assert_string_equal(acsa_money_format(INT64_MIN, 19, buf), "-0.9223372036854775808");
    assert_string_equal(acsa_money_format(INT64_MIN, 20, buf), "-0.09223372036854775808");
}

static void test_money_parse_int64_limits(void **state)
{
    (void)state;
    expect_money("9223372036854775807", 0, INT64_MAX);
    expect_money("-9223372036854775808", 0, INT64_MIN);
    expect_money("92233720368547758.07", 2, INT64_MAX);
    expect_money("-92233720368547758.08", 2, INT64_MIN);
    expect_money("9223372036854775.807", 3, INT64_MAX);
    expect_money("-9223372036854775.808", 3, INT64_MIN);
    expect_money("0000000000000000000000000000001", 0, 1);
    expect_money_refused("9223372036854775808", 0, "amount",
                         "amount: \"9223372036854775808\" is too large");
    expect_money_refused("-9223372036854775809", 0, "amount",
                         "amount: \"-9223372036854775809\" is too small");
    expect_money_refused("92233720368547758.08", 2, "amount",
                         "amount: \"92233720368547758.08\" is too large");
    expect_money_refused("-92233720368547758.09", 2, "amount",
                         "amount: \"-92233720368547758.09\" is too small");
    /* Fits as whole units, but not once scaled to minor units. */
    expect_money_refused("92233720368547759", 2, "amount",
                         "amount: \"92233720368547759\" is too large");
    expect_money_refused("18446744073709551616", 0, "amount",
                         "amount: \"18446744073709551616\" is too large");
    expect_money_refused("9999999999999999999999", 2, "amount",
                         "amount: \"9999999999999999999999\" is too large");
    expect_money_refused("-9999999999999999999999", 2, "amount",
                         "amount: \"-9999999999999999999999\" is too small");
}

static void test_money_parse_not_a_number(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "", "-", ".", "1.", " 1", "1 ", "1e3", "+1", "abc", "--1", "-.5", ".5", "1.2.3",
        "1,5", "0x10", "1-", "- 1", "1.-5", "\t1", "1\n", "\xd9\xa1",
    };
    char expected[ACSA_ERROR_MESSAGE_SIZE];
    for (size_t i = 0; i < ARRAY_LEN(texts); i++) {
        snprintf(expected, sizeof(expected), "price: \"%s\" is not a decimal number", texts[i]);
        expect_money_refused(texts[i], 2, "price", expected);
        expect_money_refused(texts[i], 0, "price", expected);
    }
}

static void test_money_parse_too_many_decimals(void **state)
{
    (void)state;
    static const struct refusal_case cases[] = {
        {"12.345", 2, "price: \"12.345\" has more than 2 decimals"},
        {"0.001", 2, "price: \"0.001\" has more than 2 decimals"},
        {"-0.001", 2, "price: \"-0.001\" has more than 2 decimals"},
        {"1.500", 2, "price: \"1.500\" has more than 2 decimals"},
        {"1.0001", 3, "price: \"1.0001\" has more than 3 decimals"},
        {"12.5", 0, "price: \"12.5\" must be a whole number (no decimals allowed)"},
        {"12.0", 0, "price: \"12.0\" must be a whole number (no decimals allowed)"},
        {"-1.0", 0, "price: \"-1.0\" must be a whole number (no decimals allowed)"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        expect_money_refused(cases[i].text, cases[i].exponent, "price", cases[i].message);
    }
}

static void test_money_parse_long_text_is_shortened(void **state)
{
    (void)state;
    char text[201];
    memset(text, '7', sizeof(text) - 1);
    text[sizeof(text) - 1] = '\0';
    expect_money_refused(text, 2, "line 12.price",
                         "line 12.price: \"7777777777777777777777777777777777777777...\" "
                         "is too large");
    text[100] = 'x';
    expect_money_refused(text, 2, "p",
                         "p: \"7777777777777777777777777777777777777777...\" "
                         "is not a decimal number");
}

static void test_money_parse_null_arguments(void **state)
{
    (void)state;
    int64_t out = SENTINEL;
    /* Without an error record the code alone reports the refusal. */
    assert_int_equal(acsa_money_parse("abc", 2, "price", &out, NULL), ACSA_EUSAGE);
    assert_int_equal(out, 0);
    assert_int_equal(acsa_money_parse("1.5", 2, "price", &out, NULL), ACSA_OK);
    assert_int_equal(out, 150);
    expect_money_refused(NULL, 2, "price", "price: \"\" is not a decimal number");
}

static void test_quantity_parse_format(void **state)
{
    (void)state;
    expect_quantity("1500", 1500000, "1500");
    expect_quantity("12.5", 12500, "12.5");
    expect_quantity("12.50", 12500, "12.5");
    expect_quantity("12.500", 12500, "12.5");
    expect_quantity("0.125", 125, "0.125");
    expect_quantity("0.1", 100, "0.1");
    expect_quantity("0.01", 10, "0.01");
    expect_quantity("0.001", 1, "0.001");
    expect_quantity("1", 1000, "1");
    expect_quantity("10", 10000, "10");
    expect_quantity("100.010", 100010, "100.01");
    expect_quantity("0", 0, "0");
    expect_quantity("0.000", 0, "0");
    expect_quantity("9223372036854775.807", INT64_MAX, "9223372036854775.807");
}

static void test_quantity_format_edges(void **state)
{
    (void)state;
    char buf[ACSA_MONEY_TEXT_SIZE];
    assert_ptr_equal(acsa_quantity_format(2000, buf), buf);
    assert_string_equal(buf, "2");
    assert_string_equal(acsa_quantity_format(0, buf), "0");
    assert_string_equal(acsa_quantity_format(10, buf), "0.01");
    assert_string_equal(acsa_quantity_format(1000000, buf), "1000");
    assert_string_equal(acsa_quantity_format(INT64_MAX, buf), "9223372036854775.807");
    /* Never produced by the parser, but formatting must still be exact. */
    assert_string_equal(acsa_quantity_format(-1500, buf), "-1.5");
    assert_string_equal(acsa_quantity_format(INT64_MIN, buf), "-9223372036854775.808");
}

static void test_quantity_refusals(void **state)
{
    (void)state;
    expect_quantity_refused("-1", "qty: \"-1\" is negative: a quantity cannot be negative");
    expect_quantity_refused("-0.5", "qty: \"-0.5\" is negative: a quantity cannot be negative");
    expect_quantity_refused("-0", "qty: \"-0\" is negative: a quantity cannot be negative");
    expect_quantity_refused("-", "qty: \"-\" is not a decimal number");
    expect_quantity_refused("", "qty: \"\" is not a decimal number");
    expect_quantity_refused("+1", "qty: \"+1\" is not a decimal number");
    expect_quantity_refused("1.", "qty: \"1.\" is not a decimal number");
    expect_quantity_refused("1e3", "qty: \"1e3\" is not a decimal number");
    expect_quantity_refused(" 1", "qty: \" 1\" is not a decimal number");
    expect_quantity_refused("ten", "qty: \"ten\" is not a decimal number");
    expect_quantity_refused("1.2345", "qty: \"1.2345\" has more than 3 decimals");
    expect_quantity_refused("9223372036854775.808",
                            "qty: \"9223372036854775.808\" is too large");
    expect_quantity_refused("9223372036854776", "qty: \"9223372036854776\" is too large");
}

static void test_add_sub(void **state)
{
    (void)state;
    int64_t out = SENTINEL;
    assert_true(acsa_money_add(150, -200, &out));
    assert_int_equal(out, -50);
    assert_true(acsa_money_add(INT64_MAX, 0, &out));
    assert_int_equal(out, INT64_MAX);
    assert_true(acsa_money_add(INT64_MAX, INT64_MIN, &out));
    assert_int_equal(out, -1);
    assert_true(acsa_money_add(INT64_MIN, 0, &out));
    assert_int_equal(out, INT64_MIN);
    assert_true(acsa_money_sub(150, 200, &out));
    assert_int_equal(out, -50);
    assert_true(acsa_money_sub(-1, INT64_MAX, &out));
    assert_int_equal(out, INT64_MIN);
    assert_true(acsa_money_sub(0, INT64_MAX, &out));
    assert_int_equal(out, -INT64_MAX);
    assert_true(acsa_money_sub(INT64_MIN, INT64_MIN, &out));
    assert_int_equal(out, 0);
}

static void test_add_sub_overflow(void **state)
{
    (void)state;
    int64_t out = SENTINEL;
    assert_false(acsa_money_add(INT64_MAX, 1, &out));
    assert_int_equal(out, 0);
    out = SENTINEL;
    assert_false(acsa_money_add(INT64_MIN, -1, &out));
    assert_int_equal(out, 0);
    out = SENTINEL;
    assert_false(acsa_money_add(INT64_MAX, INT64_MAX, &out));
    assert_int_equal(out, 0);
    out = SENTINEL;
    assert_false(acsa_money_add(INT64_MIN, INT64_MIN, &out));
    assert_int_equal(out, 0);
    out = SENTINEL;
    assert_false(acsa_money_sub(INT64_MIN, 1, &out));
    assert_int_equal(out, 0);
    out = SENTINEL;
    assert_false(acsa_money_sub(INT64_MAX, -1, &out));
    assert_int_equal(out, 0);
    out = SENTINEL;
    assert_false(acsa_money_sub(0, INT64_MIN, &out));
    assert_int_equal(out, 0);
    out = SENTINEL;
    assert_false(acsa_money_sub(-2, INT64_MAX, &out));
    assert_int_equal(out, 0);
}

static void test_line_value_exact(void **state)
{
    (void)state;
    expect_line_value(1000, 1999, 1999);        /* 1 x 19.99 */
    expect_line_value(12500, 1999, 24988);      /* 12.5 x 19.99 = 249.875: .5 up to even 8 */
    expect_line_value(1500000, 150000, 225000000); /* 1500 x JPY 150000 */
    expect_line_value(0, 123456, 0);
    expect_line_value(123456, 0, 0);
    expect_line_value(125, 800, 100);           /* 0.125 x 8.00 */
    expect_line_value(1000, INT64_MAX, INT64_MAX);
    expect_line_value(1000, INT64_MIN, INT64_MIN);
    expect_line_value(-1000, INT64_MAX, -INT64_MAX);
    expect_line_value(INT64_MAX, 1000, INT64_MAX);
    expect_line_value(INT64_MAX, 1, INT64_MAX / 1000 + 1); /* ...807 / 1000: .807 rounds up */
    expect_line_value(INT64_MIN, 1, INT64_MIN / 1000 - 1); /* ...808 / 1000: .808 rounds up */
}

static void test_line_value_half_even(void **state)
{
    (void)state;
    expect_line_value(500, 1, 0);   /* 0.5 -> 0 */
    expect_line_value(1500, 1, 2);  /* 1.5 -> 2 */
    expect_line_value(2500, 1, 2);  /* 2.5 -> 2 */
    expect_line_value(3500, 1, 4);  /* 3.5 -> 4 */
    expect_line_value(499, 1, 0);   /* 0.499 -> 0 */
    expect_line_value(501, 1, 1);   /* 0.501 -> 1 */
    expect_line_value(2499, 1, 2);  /* 2.499 -> 2 */
    expect_line_value(2501, 1, 3);  /* 2.501 -> 3 */
    expect_line_value(1, 1, 0);     /* 0.001 -> 0 */
    expect_line_value(999, 1, 1);   /* 0.999 -> 1 */
    expect_line_value(-500, 1, 0);  /* -0.5 -> 0 */
    expect_line_value(-1500, 1, -2); /* -1.5 -> -2 */
    expect_line_value(-2500, 1, -2); /* -2.5 -> -2 */
    expect_line_value(-3500, 1, -4); /* -3.5 -> -4 */
    expect_line_value(-2501, 1, -3); /* -2.501 -> -3 */
    expect_line_value(1500, -1, -2); /* the sign of the price counts the same */
    expect_line_value(-1500, -1, 2);
    expect_line_value(250, 2, 0);   /* 0.25 x 2 = 0.5 -> 0 */
    expect_line_value(750, 2, 2);   /* 0.75 x 2 = 1.5 -> 2 */
}

/* The rule written out the slow way: the nearer of floor and ceiling, ties to the even one. */
static int64_t reference_line_value(int64_t quantity_milli, int64_t price_minor)
{
    int64_t product = quantity_milli * price_minor; /* Callers keep this small. */
    int64_t floor_value = product / 1000;
    if (product % 1000 != 0 && product < 0) {
        floor_value--;
    }
    int64_t below = product - floor_value * 1000; /* 0..999 */
    if (below > 500 || (below == 500 && floor_value % 2 != 0)) {
        return floor_value + 1;
    }
    return floor_value;
}

static void test_line_value_matches_reference(void **state)
{
    (void)state;
    static const int64_t prices[] = {1, 2, 3, 7, 10, 99, 100, 125, 1999, -1, -3, -1999};
    for (size_t p = 0; p < ARRAY_LEN(prices); p++) {
        for (int64_t q = -5000; q <= 5000; q++) {
            int64_t out = SENTINEL;
            int64_t negated = SENTINEL;
            assert_true(acsa_money_line_value(q, prices[p], &out));
            assert_int_equal(out, reference_line_value(q, prices[p]));
            /* Symmetric: the value of -q is exactly the negation of the value of q. */
            assert_true(acsa_money_line_value(-q, prices[p], &negated));
            assert_int_equal(negated, -out);
        }
    }
}

static void test_line_value_overflow(void **state)
{
    (void)state;
    expect_line_overflow(2000, INT64_MAX);
    expect_line_overflow(-2000, INT64_MAX);
    expect_line_overflow(2000, INT64_MIN);
    expect_line_overflow(-1000, INT64_MIN); /* 2^63 does not fit */
    expect_line_overflow(INT64_MAX, INT64_MAX);
    expect_line_overflow(INT64_MIN, INT64_MIN);
    expect_line_overflow(INT64_MIN, INT64_MAX);
    expect_line_overflow(1001, INT64_MAX);
    /* Right at the limit, from both sides. */
    expect_line_value(2000, INT64_MAX / 2, INT64_MAX - 1);
    expect_line_overflow(2000, INT64_MAX / 2 + 1);
    expect_line_value(3000, INT64_C(3074457345618258602), INT64_MAX - 1);
    expect_line_overflow(3000, INT64_C(3074457345618258603));
    /* 127500 x 72340172838076673 / 1000 is exactly INT64_MAX + 0.5 (500 x (2^64 - 1) / 1000):
     * the tie rounds to the even 2^63, which only the negative side can hold. */
    expect_line_overflow(127500, INT64_C(72340172838076673));
    expect_line_value(-127500, INT64_C(72340172838076673), INT64_MIN);
    expect_line_value(127500, INT64_C(72340172838076672), INT64_MAX - 127);
}

/* The reports' integer arithmetic (report.h): shares in tenths of a per cent and averages,
 * rounded half away from zero, and the state rules. */
static void test_report_rules(void **state)
{
    (void)state;
    char buf[24];
    assert_int_equal(acsa_report_permille(150000, 155200), 966);       /* 96.649 */
    assert_int_equal(acsa_report_permille(1, 8), 125);                 /* 12.5 exactly */
    assert_int_equal(acsa_report_permille(1, 2000), 1);                /* 0.05 rounds up */
    assert_int_equal(acsa_report_permille(1, 2001), 0);
    assert_int_equal(acsa_report_permille(7, 7), 1000);
    assert_int_equal(acsa_report_permille(5, 0), 0);
    assert_int_equal(acsa_report_permille(-1, 8), -125);
    acsa_wide huge = (acsa_wide)INT64_MAX * 1000;
    assert_int_equal(acsa_report_permille(huge, huge), 1000);
    assert_string_equal(acsa_report_permille_text(966, buf), "96.6");
    assert_string_equal(acsa_report_permille_text(5, buf), "0.5");
    assert_string_equal(acsa_report_permille_text(0, buf), "0.0");
    assert_string_equal(acsa_report_permille_text(-5, buf), "-0.5");
    assert_string_equal(acsa_report_permille_text(1000, buf), "100.0");
    assert_int_equal(acsa_report_average(41, 2), 21);                  /* 20.5 rounds up */
    assert_int_equal(acsa_report_average(40, 3), 13);
    assert_int_equal(acsa_report_average(-41, 2), -21);
    assert_int_equal(acsa_report_average(5, 0), 0);
    assert_true(acsa_report_state_open(ACSA_STATE_SETTLED));
    assert_false(acsa_report_state_open(ACSA_STATE_CLOSED));
    assert_false(acsa_report_state_open(ACSA_STATE_REJECTED));
    assert_true(acsa_report_state_void(ACSA_STATE_CANCELLED));
    assert_true(acsa_report_state_settled(ACSA_STATE_CLOSED));
    assert_false(acsa_report_state_counted(ACSA_STATE_DRAFT));
    assert_true(acsa_report_state_counted(ACSA_STATE_DISPUTED));
    assert_int_equal(acsa_report_state_mask(acsa_report_state_settled),
                     (1u << ACSA_STATE_SETTLED) | (1u << ACSA_STATE_CLOSED));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_currency_table),
        cmocka_unit_test(test_currency_unknown),
        cmocka_unit_test(test_money_round_trip),
        cmocka_unit_test(test_money_round_trip_every_currency),
        cmocka_unit_test(test_money_format_exact),
        cmocka_unit_test(test_money_format_int64_limits),
        cmocka_unit_test(test_money_parse_int64_limits),
        cmocka_unit_test(test_money_parse_not_a_number),
        cmocka_unit_test(test_money_parse_too_many_decimals),
        cmocka_unit_test(test_money_parse_long_text_is_shortened),
        cmocka_unit_test(test_money_parse_null_arguments),
        cmocka_unit_test(test_quantity_parse_format),
        cmocka_unit_test(test_quantity_format_edges),
        cmocka_unit_test(test_quantity_refusals),
        cmocka_unit_test(test_add_sub),
        cmocka_unit_test(test_add_sub_overflow),
        cmocka_unit_test(test_line_value_exact),
        cmocka_unit_test(test_line_value_half_even),
        cmocka_unit_test(test_line_value_matches_reference),
        cmocka_unit_test(test_line_value_overflow),
        cmocka_unit_test(test_report_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
