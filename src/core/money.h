/* SPDX-License-Identifier: MIT */
/* Exact money and quantities: int64 minor units with an ISO 4217 currency, quantities in
 * thousandths. No floating point anywhere; every operation that could overflow is checked. */
#ifndef ACSA_MONEY_H
#define ACSA_MONEY_H

#include <stdbool.h>
#include <stdint.h>

#include "limits.h"
#include "rc.h"

/* A currency: its code and how many decimals its minor unit has (JPY 0, INR 2, OMR 3). */
struct acsa_currency {
    char code[ACSA_CURRENCY_SIZE]; /* "JPY", NUL-terminated. */
    uint8_t exponent;              /* Decimal places of the minor unit. */
};

/* A sum of many amounts or quantities: 128 bits. Every amount of one order is at most
 * ACSA_ORDER_VALUE_MAX (limits.h), so a sum of up to 2^63 of them fits: no report over the
 * orders a database can hold overflows. __extension__ keeps -Wpedantic quiet. */
__extension__ typedef __int128 acsa_wide;
__extension__ typedef unsigned __int128 acsa_uwide; /* Its bits, for byte layouts. */

/* Longest formatted wide amount: sign, 39 digits, point, NUL. */
#define ACSA_WIDE_TEXT_SIZE 48
/* The most digits of a wide sum acsa reads back (acsa_wide_parse, a partner's snapshot): 38
 * always fit 127 bits, and no sum of the orders a database can hold comes near. */
#define ACSA_WIDE_DIGITS_MAX 38

/** Looks up an ISO 4217 code in the built-in table (JPY, INR, USD, EUR, AUD, GBP, CAD, KRW,
 * SGD, OMR, NZD, CHF). Returns NULL for an unknown code. Thread-safe (static data). */
const struct acsa_currency *acsa_currency_find(const char *code);

/** Parses a decimal amount such as "1234.50", "-3", "0.5" into minor units of a currency with
 * the given exponent. Refuses (ACSA_EUSAGE, err->field = field): empty text, stray characters,
 * more decimals than the exponent allows, values outside int64. A leading '-' is allowed.
 * out_minor is set on every path (0 on error). */
ACSA_NODISCARD enum acsa_rc acsa_money_parse(const char *text, uint8_t exponent, const char *field,
                                             int64_t *out_minor, struct acsa_error *err);

/** Formats minor units as a decimal with exactly exponent decimals ("1234.50", "-0.05",
 * "150000" for JPY). buf must hold ACSA_MONEY_TEXT_SIZE bytes. Returns buf. */
char *acsa_money_format(int64_t minor, uint8_t exponent, char buf[ACSA_MONEY_TEXT_SIZE]);

/** acsa_money_format for a wide sum: exact, every digit. buf holds ACSA_WIDE_TEXT_SIZE bytes. */
char *acsa_wide_format(acsa_wide minor, uint8_t exponent, char buf[ACSA_WIDE_TEXT_SIZE]);

/** Formats a wide sum of quantities in thousandths, as acsa_quantity_format. */
char *acsa_wide_quantity_format(acsa_wide milli, char buf[ACSA_WIDE_TEXT_SIZE]);

/** Whether v has at most ACSA_WIDE_DIGITS_MAX digits. */
bool acsa_wide_in_range(acsa_wide v);

/** Parses a decimal integer ("-123", as acsa_wide_format writes it with exponent 0) into
 * *out; false (and *out = 0) for anything else or a value outside 127 bits. */
ACSA_NODISCARD bool acsa_wide_parse(const char *text, acsa_wide *out);

/** Parses a quantity such as "1500", "12.5", "0.125" into thousandths. At most three
 * decimals; no sign (a quantity is never negative, zero is parsed and left to the caller's
 * rule). Errors as acsa_money_parse. */
ACSA_NODISCARD enum acsa_rc acsa_quantity_parse(const char *text, const char *field,
                                                int64_t *out_milli, struct acsa_error *err);

/** Formats thousandths with no trailing zeros ("1500", "12.5", "0.125"). Returns buf. */
char *acsa_quantity_format(int64_t milli, char buf[ACSA_MONEY_TEXT_SIZE]);

/** a + b into *out; false (and *out = 0) on int64 overflow. */
ACSA_NODISCARD bool acsa_money_add(int64_t a, int64_t b, int64_t *out);
/** a - b into *out; false (and *out = 0) on int64 overflow. */
ACSA_NODISCARD bool acsa_money_sub(int64_t a, int64_t b, int64_t *out);

/** The value of quantity_milli units at price_minor each: quantity_milli * price_minor / 1000,
 * rounded half to even at the minor unit (the one rounding rule of acsa). False (and *out = 0)
 * when the result does not fit int64. Negative inputs are allowed and round symmetrically. */
ACSA_NODISCARD bool acsa_money_line_value(int64_t quantity_milli, int64_t price_minor,
                                          int64_t *out_minor);

#endif
