/* SPDX-License-Identifier: MIT */
/* Exact exchange rates: parsing, formatting and conversion in 128-bit integers. */
#include "rate.h"

#include <stdio.h>
#include <string.h>

#include "acsa_assert.h"

__extension__ typedef __int128 i128;

#define RATE_EXPONENT_MAX 3         /* ISO 4217 minor units have at most three decimals. */

static int64_t pow10_i64(unsigned n)
{
    int64_t p = 1;
    for (unsigned i = 0; i < n; i++) {
        p *= 10;
    }
    return p;
}

bool acsa_rate_valid(const struct acsa_rate *rate)
{
    return rate->units > 0 && rate->units < pow10_i64(ACSA_RATE_DIGITS_MAX) &&
           rate->scale <= ACSA_RATE_SCALE_MAX;
}

static enum acsa_rc refuse(struct acsa_error *err, const char *field, const char *rule)
{
    return acsa_error_set(err, ACSA_EUSAGE, field, "%s: %s", field, rule);
}

enum acsa_rc acsa_rate_parse(const char *text, const char *field, struct acsa_rate *out,
                             struct acsa_error *err)
{
    *out = (struct acsa_rate){0};
    const char *p = text;
    int64_t units = 0;
    unsigned digits = 0;
    unsigned scale = 0;
    bool point = false;
    bool any = false;
    for (; *p != '\0'; p++) {
        if (*p == '.' && !point && any) {
            point = true;
            continue;
        }
        if (*p < '0' || *p > '9') {
            return refuse(err, field, "a rate is a plain positive decimal such as 0.5634 "
                                      "(digits and one point; no sign, comma or exponent)");
        }
        any = true;
        /* Leading zeros of the integer part are not significant digits. */
        if (units == 0 && *p == '0' && !point) {
            continue;
        }
        digits++;
        scale += point ? 1 : 0;
        if (digits > ACSA_RATE_DIGITS_MAX || scale > ACSA_RATE_SCALE_MAX) {
            return acsa_error_set(err, ACSA_EUSAGE, field,
                                  "%s: a rate has at most %d digits, %d of them decimals",
                                  field, ACSA_RATE_DIGITS_MAX, ACSA_RATE_SCALE_MAX);
        }
        units = units * 10 + (*p - '0');
    }
    if (!any || p[-1] == '.') {
        return refuse(err, field, "a rate is a plain positive decimal such as 0.5634");
    }
    if (units == 0) {
        return refuse(err, field, "a rate must be greater than zero");
    }
    out->units = units;
    out->scale = (uint8_t)scale;
    return ACSA_OK;
}

char *acsa_rate_format(const struct acsa_rate *rate, char buf[ACSA_RATE_TEXT_SIZE])
{
    /* Digits written right to left, a point after scale of them, at least one integer digit. */
    char tmp[ACSA_RATE_TEXT_SIZE];
    size_t n = 0;
    uint64_t v = rate->units > 0 ? (uint64_t)rate->units : 0;
    unsigned scale = rate->scale <= ACSA_RATE_SCALE_MAX ? rate->scale : 0;
    for (unsigned i = 0; v > 0 || i <= scale; i++) {
        if (i == scale && scale > 0) {
            tmp[n++] = '.';
        }
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
        if (n + 2 >= sizeof(tmp)) {
            break;
        }
    }
    for (size_t i = 0; i < n; i++) {
        buf[i] = tmp[n - 1 - i];
    }
    buf[n] = '\0';
    return buf;
}

/* n / d rounded half to even; d > 0. */
static i128 divide_half_even(i128 n, i128 d)
{
    bool negative = n < 0;
    i128 m = negative ? -n : n;
    i128 q = m / d;
    i128 r = m % d;
    if (2 * r > d || (2 * r == d && (q & 1) != 0)) {
        q++;
    }
    return negative ? -q : q;
}

int64_t acsa_rate_prorate(int64_t amount, int64_t part, int64_t whole)
{
    ACSA_ASSERT(amount >= 0 && part >= 0 && part <= whole && whole > 0);
    /* The result is at most amount, so it fits. */
    return (int64_t)divide_half_even((i128)amount * part, whole);
}

enum acsa_rc acsa_rate_convert(int64_t amount_minor, uint8_t from_exponent,
                               const struct acsa_rate *rate, uint8_t to_exponent,
                               const char *field, int64_t *out_minor, struct acsa_error *err)
{
    *out_minor = 0;
    ACSA_ASSERT(acsa_rate_valid(rate));
    ACSA_ASSERT(from_exponent <= RATE_EXPONENT_MAX && to_exponent <= RATE_EXPONENT_MAX);
    /* |amount| < 2^63, units < 10^15 < 2^50, 10^3 < 2^10: the product is below 2^123. */
    i128 n = (i128)amount_minor * rate->units * pow10_i64(to_exponent);
    i128 d = pow10_i64((unsigned)from_exponent + rate->scale);
    i128 q = divide_half_even(n, d);
    if (q > INT64_MAX || q < -INT64_MAX) {
        return acsa_error_set(err, ACSA_EREFUSED, field,
                              "%s: the converted amount does not fit the money range", field);
    }
    if (q == 0 && amount_minor != 0) {
        return acsa_error_set(err, ACSA_EREFUSED, field,
                              "%s: the amount converts to zero at this rate", field);
    }
    *out_minor = (int64_t)q;
    return ACSA_OK;
}
