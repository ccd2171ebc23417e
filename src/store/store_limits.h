/* SPDX-License-Identifier: MIT */
/* The bounds of the storage backends (the sizes of the rows they carry are the core's, in
 * core/limits.h), checked at compile time. */
#ifndef ACSA_STORE_LIMITS_H
#define ACSA_STORE_LIMITS_H

#include "limits.h"

/* Most decimals a stored currency exponent may have: with more, one unit of the currency
 * would not fit an int64 of minor units. Both backends refuse a row past it as damaged. */
#define ACSA_STORE_EXPONENT_MAX 18
#define ACSA_STORE_PG_PARAMS_MAX 40   /* Most values one PostgreSQL statement binds. */
#define ACSA_STORE_PG_LEVELS_MAX 32       /* Most begin_write levels open at once. */
#define ACSA_STORE_PG_CACHE_RESULTS 32   /* Reference reads a write transaction keeps. */
#define ACSA_STORE_PG_CACHE_KEY_SIZE 160 /* Their bound values; longer ones are not kept. */
#define ACSA_STORE_INT_TEXT_SIZE 24   /* An int64 as decimal text, sign and NUL included. */

_Static_assert(ACSA_STORE_INT_TEXT_SIZE >= 21, "-9223372036854775808 and its NUL");

#endif
