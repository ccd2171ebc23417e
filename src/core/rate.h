/* SPDX-License-Identifier: MIT */
/* Exchange rates, exact. A rate says how many units of one currency one unit of another is
 * worth ("1 INR = 1.7750 JPY" is the rate 1.7750 from INR to JPY). It is kept as an integer
 * of significant digits and a count of fractional digits, never as floating point, and a
 * conversion is computed in 128 bits and rounded once, half to even at the minor unit of the
 * target currency (the rounding rule of money.h). */
#ifndef ACSA_RATE_H
#define ACSA_RATE_H

#include <stdbool.h>
#include <stdint.h>

#include "limits.h"
#include "rc.h"

#define ACSA_RATE_DIGITS_MAX 15     /* Digits of a rate, integer and fraction together. */
#define ACSA_RATE_SCALE_MAX 10      /* Fractional digits of a rate. */
#define ACSA_RATE_TEXT_SIZE 24      /* Longest formatted rate: 15 digits, '0', '.', NUL. */

_Static_assert(ACSA_RATE_SCALE_MAX <= ACSA_RATE_DIGITS_MAX, "a fraction is part of a rate");
_Static_assert(ACSA_RATE_TEXT_SIZE > ACSA_RATE_DIGITS_MAX + 2, "a leading 0 and a point fit");

/* A rate: units / 10^scale, units > 0. "0.5634" is {5634, 4}; "110" is {110, 0}. */
struct acsa_rate {
    int64_t units;                  /* Significant digits, > 0 when a rate is set. */
    uint8_t scale;                  /* Fractional digits, 0 .. ACSA_RATE_SCALE_MAX. */
};

/** Parses a plain positive decimal ("0.5634", "110", "1.775"). Refuses (ACSA_EUSAGE naming
 * field): empty text, a sign, a comma, an exponent ("1e3"), spaces, a bare or trailing point,
 * more than ACSA_RATE_DIGITS_MAX digits or ACSA_RATE_SCALE_MAX decimals, and zero. Trailing
 * zeros of the fraction are kept ("1.50" stays {150, 2}): the rate is recorded as stated. */
ACSA_NODISCARD enum acsa_rc acsa_rate_parse(const char *text, const char *field,
                                            struct acsa_rate *out, struct acsa_error *err);

/** Formats a rate with exactly scale decimals ("0.5634", "110"). Returns buf. */
char *acsa_rate_format(const struct acsa_rate *rate, char buf[ACSA_RATE_TEXT_SIZE]);

/** Whether a rate is in range (units 1 .. 10^ACSA_RATE_DIGITS_MAX - 1, scale in range):
 * what a decoded record must hold. */
bool acsa_rate_valid(const struct acsa_rate *rate);

/** Converts amount_minor (minor units of a currency with exponent from_exponent) at rate to
 * minor units of a currency with exponent to_exponent:
 *   amount_minor * units * 10^to_exponent / 10^(from_exponent + scale),
 * computed exactly in 128 bits and rounded half to even at the target's minor unit.
 * Refuses (ACSA_EREFUSED naming field) a result outside int64 and a non-zero amount that
 * converts to zero; *out_minor is 0 on refusal. Exponents are at most 3 (ISO 4217). */
ACSA_NODISCARD enum acsa_rc acsa_rate_convert(int64_t amount_minor, uint8_t from_exponent,
                                              const struct acsa_rate *rate,
                                              uint8_t to_exponent, const char *field,
                                              int64_t *out_minor, struct acsa_error *err);

/** amount * part / whole, rounded half to even; 0 <= part <= whole, whole > 0, amount >= 0
 * (the share of amount that part is of whole: what one side of an exchange gives for what
 * it takes from the other). */
int64_t acsa_rate_prorate(int64_t amount, int64_t part, int64_t whole);

#endif
