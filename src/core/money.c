/* SPDX-License-Identifier: MIT */
/* Exact decimal money and quantities on int64 minor units: the currency table, parsing and
 * formatting of decimal text, and the overflow-checked arithmetic every total is built from. */
#include "money.h"

#include <string.h>

#include "acsa_assert.h"

/* The product of a quantity and a price needs up to 126 bits before it is scaled back down. */
typedef acsa_wide i128;

/* Longest piece of user text quoted in a message, so the rule after it always fits. */

/* Decimal places of a quantity (ACSA_QUANTITY_SCALE is 10^3). */
#define QUANTITY_EXPONENT 3

/* Magnitude of INT64_MIN, the largest magnitude a negative amount may have. */
#define NEGATIVE_LIMIT ((uint64_t)INT64_MAX + 1U)

static const struct acsa_currency currencies[] = {
    {"JPY", 0}, {"INR", 2}, {"USD", 2}, {"EUR", 2}, {"AUD", 2}, {"GBP", 2},
    {"CAD", 2}, {"KRW", 0}, {"SGD", 2}, {"OMR", 3}, {"NZD", 2}, {"CHF", 2},
};

/* The shape of a decimal text once its syntax has been checked. */
struct decimal_shape {
    bool negative;         /* A leading '-' was present. */
    const char *integer;   /* First digit of the integer part. */
    size_t integer_len;    /* At least 1. */
    const char *fraction;  /* First digit after '.', or NULL without a point. */
    size_t fraction_len;   /* At least 1 when there is a point. */
};

const struct acsa_currency *acsa_currency_find(const char *code)
{
    if (code == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < sizeof(currencies) / sizeof(currencies[0]); i++) {
        if (strcmp(currencies[i].code, code) == 0) {
            return &currencies[i];
        }
    }
    return NULL;
}

static size_t count_digits(const char *text)
{
    size_t n = 0;
    while (text[n] >= '0' && text[n] <= '9') {
        n++;
    }
    return n;
}

/* Accepts exactly: optional '-', one or more digits, optionally '.' and one or more digits.
 * Anything else (spaces, '+', exponents, a bare or trailing point) is not a decimal number. */
static bool scan_decimal(const char *text, struct decimal_shape *shape)
{
    const char *p = text;
    *shape = (struct decimal_shape){0};
    if (*p == '-') {
        shape->negative = true;
        p++;
    }
    shape->integer = p;
    shape->integer_len = count_digits(p);
    if (shape->integer_len == 0) {
        return false;
    }
    p += shape->integer_len;
    if (*p == '.') {
        p++;
        shape->fraction = p;
        shape->fraction_len = count_digits(p);
        if (shape->fraction_len == 0) {
            return false;
        }
        p += shape->fraction_len;
    }
    return *p == '\0';
}

/* magnitude = magnitude * 10 + digit; false once it no longer fits 64 bits. */
static bool push_digit(uint64_t *magnitude, unsigned digit)
{
    uint64_t shifted;
    if (__builtin_mul_overflow(*magnitude, 10U, &shifted)) {
        return false;
    }
    return !__builtin_add_overflow(shifted, digit, magnitude);
}

/* The digits of shape scaled to exponent decimals, as an unsigned magnitude. The fraction
 * has already been checked to have at most exponent digits; missing ones are zeros. */
static bool scaled_magnitude(const struct decimal_shape *shape, uint8_t exponent,
                             uint64_t *out)
{
    uint64_t magnitude = 0;
    for (size_t i = 0; i < shape->integer_len; i++) {
        if (!push_digit(&magnitude, (unsigned)(shape->integer[i] - '0'))) {
            return false;
        }
    }
    for (size_t i = 0; i < exponent; i++) {
        unsigned digit = 0;
        if (i < shape->fraction_len) {
            digit = (unsigned)(shape->fraction[i] - '0');
        }
        if (!push_digit(&magnitude, digit)) {
            return false;
        }
    }
    *out = magnitude;
    return true;
}

/* strlen capped at ACSA_QUOTE_MAX + 1 (strnlen is POSIX, and the core needs only ISO C). */
static size_t bounded_len(const char *text)
{
    size_t len = 0;
    while (len <= ACSA_QUOTE_MAX && text[len] != '\0') {
        len++;
    }
    return len;
}

static int quote_len(const char *text)
{
    size_t len = bounded_len(text);
    return (int)(len > ACSA_QUOTE_MAX ? ACSA_QUOTE_MAX : len);
}

static const char *quote_tail(const char *text)
{
    return bounded_len(text) > ACSA_QUOTE_MAX ? "..." : "";
}

/* The refusal messages, in one place so every parser words its rules the same way. */
static enum acsa_rc refuse(struct acsa_error *err, const char *field, const char *text,
                           const char *rule)
{
    return acsa_error_set(err, ACSA_EUSAGE, field, "%s: \"%.*s%s\" %s", field,
                          quote_len(text), text, quote_tail(text), rule);
}

static enum acsa_rc refuse_decimals(struct acsa_error *err, const char *field,
                                    const char *text, uint8_t exponent)
{
    if (exponent == 0) {
        return refuse(err, field, text, "must be a whole number (no decimals allowed)");
    }
    return acsa_error_set(err, ACSA_EUSAGE, field, "%s: \"%.*s%s\" has more than %u decimals",
                          field, quote_len(text), text, quote_tail(text), (unsigned)exponent);
}

/* The one parser behind money and quantities: allow_negative is false for quantities. */
static enum acsa_rc parse_scaled(const char *text, uint8_t exponent, bool allow_negative,
                                 const char *field, int64_t *out, struct acsa_error *err)
{
    struct decimal_shape shape;
    uint64_t magnitude = 0;
    *out = 0;
    if (field == NULL) {
        field = "value";
    }
    if (text == NULL) {
        text = "";
    }
    if (!scan_decimal(text, &shape)) {
        return refuse(err, field, text, "is not a decimal number");
    }
    if (shape.negative && !allow_negative) {
        return refuse(err, field, text, "is negative: a quantity cannot be negative");
    }
    if (shape.fraction_len > exponent) {
        return refuse_decimals(err, field, text, exponent);
    }
    uint64_t limit = shape.negative ? NEGATIVE_LIMIT : (uint64_t)INT64_MAX;
    if (!scaled_magnitude(&shape, exponent, &magnitude) || magnitude > limit) {
        return refuse(err, field, text, shape.negative ? "is too small" : "is too large");
    }
    if (!shape.negative) {
        *out = (int64_t)magnitude;
    } else if (magnitude == NEGATIVE_LIMIT) {
        *out = INT64_MIN;
    } else {
        *out = -(int64_t)magnitude;
    }
    return ACSA_OK;
}

enum acsa_rc acsa_money_parse(const char *text, uint8_t exponent, const char *field,
                              int64_t *out_minor, struct acsa_error *err)
{
    return parse_scaled(text, exponent, true, field, out_minor, err);
}

enum acsa_rc acsa_quantity_parse(const char *text, const char *field, int64_t *out_milli,
                                 struct acsa_error *err)
{
    return parse_scaled(text, QUANTITY_EXPONENT, false, field, out_milli, err);
}

char *acsa_money_format(int64_t minor, uint8_t exponent, char buf[ACSA_MONEY_TEXT_SIZE])
{
    /* Sign, at least exponent + 1 digits, point and NUL must fit; every real currency has an
     * exponent of 4 or less, so a larger one is a programming error, not an input error. */
    ACSA_ASSERT((size_t)exponent + 4U <= ACSA_MONEY_TEXT_SIZE);
    char digits[ACSA_MONEY_TEXT_SIZE];
    size_t count = 0;
    /* -minor overflows for INT64_MIN; -(minor + 1) never does, and the 1 is added back
     * once the value is unsigned. */
    uint64_t magnitude = minor < 0 ? (uint64_t)(-(minor + 1)) + 1U : (uint64_t)minor;
    do {
        digits[count++] = (char)('0' + magnitude % 10U);
        magnitude /= 10U;
    } while (magnitude != 0);
    while (count < (size_t)exponent + 1U) {
        digits[count++] = '0';
    }
    size_t pos = 0;
    if (minor < 0) {
        buf[pos++] = '-';
    }
    while (count > exponent) {
        buf[pos++] = digits[--count];
    }
    if (exponent > 0) {
        buf[pos++] = '.';
        while (count > 0) {
            buf[pos++] = digits[--count];
        }
    }
    buf[pos] = '\0';
    return buf;
}

char *acsa_quantity_format(int64_t milli, char buf[ACSA_MONEY_TEXT_SIZE])
{
    acsa_money_format(milli, QUANTITY_EXPONENT, buf);
    size_t len = strlen(buf);
    while (buf[len - 1] == '0') {
        len--;
    }
    if (buf[len - 1] == '.') {
        len--;
    }
    buf[len] = '\0';
    return buf;
}

bool acsa_money_add(int64_t a, int64_t b, int64_t *out)
{
    if (__builtin_add_overflow(a, b, out)) {
        *out = 0;
        return false;
    }
    return true;
}

bool acsa_money_sub(int64_t a, int64_t b, int64_t *out)
{
    if (__builtin_sub_overflow(a, b, out)) {
        *out = 0;
        return false;
    }
    return true;
}

bool acsa_money_line_value(int64_t quantity_milli, int64_t price_minor, int64_t *out_minor)
{
    /* |product| <= 2^126, so neither the product nor its negation overflows 128 bits. */
    i128 product = (i128)quantity_milli * (i128)price_minor;
    bool negative = product < 0;
    i128 magnitude = negative ? -product : product;
    i128 quotient = magnitude / ACSA_QUANTITY_SCALE;
    i128 remainder = magnitude % ACSA_QUANTITY_SCALE;
    /* Half to even on the magnitude keeps a value and its negation exact opposites, so
     * credits and debits of the same line cancel to zero. */
    if (remainder * 2 > ACSA_QUANTITY_SCALE ||
        (remainder * 2 == ACSA_QUANTITY_SCALE && quotient % 2 != 0)) {
        quotient++;
    }
    i128 result = negative ? -quotient : quotient;
    if (result > INT64_MAX || result < INT64_MIN) {
        *out_minor = 0;
        return false;
    }
    *out_minor = (int64_t)result;
    return true;
}

/* ---- Wide sums ------------------------------------------------------------------------ */

/* Digits of a wide value's magnitude with the point exponent places from the right. */
static char *wide_text(acsa_wide value, uint8_t exponent, bool trim, char buf[ACSA_WIDE_TEXT_SIZE])
{
    char digits[ACSA_WIDE_TEXT_SIZE];
    size_t n = 0;
    bool negative = value < 0;
    /* The magnitude of the most negative value does not fit: take digits off the signed
     * value instead, each remainder turned positive. */
    do {
        int digit = (int)(value % 10);
        digits[n++] = (char)('0' + (digit < 0 ? -digit : digit));
        value /= 10;
    } while (value != 0 && n < sizeof(digits) - 1);
    while (n <= exponent) {
        digits[n++] = '0';
    }
    size_t used = 0;
    if (negative) {
        buf[used++] = '-';
    }
    size_t last = 0; /* Digits of the fraction kept (all, or without trailing zeros). */
    for (size_t i = 0; i < exponent; i++) {
        if (!trim || digits[i] != '0') {
            last = exponent - i;
            break;
        }
    }
    for (size_t i = n; i > exponent; i--) {
        buf[used++] = digits[i - 1];
    }
    if (last > 0) {
        buf[used++] = '.';
        for (size_t i = 0; i < last; i++) {
            buf[used++] = digits[exponent - 1 - i];
        }
    }
    buf[used] = '\0';
    return buf;
}

char *acsa_wide_format(acsa_wide minor, uint8_t exponent, char buf[ACSA_WIDE_TEXT_SIZE])
{
    ACSA_ASSERT(exponent <= 4);
    return wide_text(minor, exponent, false, buf);
}

char *acsa_wide_quantity_format(acsa_wide milli, char buf[ACSA_WIDE_TEXT_SIZE])
{
    return wide_text(milli, QUANTITY_EXPONENT, true, buf);
}

bool acsa_wide_in_range(acsa_wide v)
{
    acsa_wide limit = 1;
    for (int i = 0; i < ACSA_WIDE_DIGITS_MAX; i++) {
        limit *= 10;
    }
    return v > -limit && v < limit;
}

bool acsa_wide_parse(const char *text, acsa_wide *out)
{
    *out = 0;
    const char *p = text;
    bool negative = *p == '-';
    p += negative ? 1 : 0;
    size_t n = count_digits(p);
    /* Longer texts are not sums acsa writes. */
    if (n == 0 || n > ACSA_WIDE_DIGITS_MAX || p[n] != '\0') {
        return false;
    }
    acsa_wide value = 0;
    for (size_t i = 0; i < n; i++) {
        value = value * 10 + (p[i] - '0');
    }
    *out = negative ? -value : value;
    return true;
}
