/* SPDX-License-Identifier: MIT */
/* Every bound of the storage layer in one place (the core's are in core/limits.h), with the
 * relations between them and the core's checked at compile time. */
#ifndef ACSA_STORE_LIMITS_H
#define ACSA_STORE_LIMITS_H

#include "../core/limits.h"

#define ACSA_SECRET_TEXT_SIZE 65      /* 32 random bytes or a SHA-256 as hex, plus NUL. */
#define ACSA_AUDIT_TEXT_SIZE 256      /* Detail of an audit record, plus NUL. */
#define ACSA_PASSWORD_HASH_SIZE 128   /* An encoded Argon2id hash, plus NUL. */
#define ACSA_REQUEST_HASH_SIZE 129    /* What identifies a request body, plus NUL. */
#define ACSA_URL_SIZE 256             /* A partner node's base URL, plus NUL. */
#define ACSA_PUBLIC_KEY_SIZE 32       /* Ed25519. */
#define ACSA_SIGNATURE_SIZE 64        /* Ed25519. */
#define ACSA_QUARANTINE_WORD_SIZE 16  /* "retry", "drop"; "open", "applied", "dropped", ... */
/* Most decimals a stored currency exponent may have: with more, one unit of the currency
 * would not fit an int64 of minor units. Both backends refuse a row past it as damaged. */
#define ACSA_STORE_EXPONENT_MAX 18
#define ACSA_STORE_PG_PARAMS_MAX 40   /* Most values one PostgreSQL statement binds. */
#define ACSA_STORE_INT_TEXT_SIZE 24   /* An int64 as decimal text, sign and NUL included. */

_Static_assert(ACSA_SECRET_TEXT_SIZE == 2 * 32 + 1, "a SHA-256 or 32 random bytes as hex");
_Static_assert(ACSA_AUDIT_TEXT_SIZE >= ACSA_TEXT_SIZE, "an audit detail holds a reason whole");
_Static_assert(ACSA_REQUEST_HASH_SIZE >= ACSA_SECRET_TEXT_SIZE, "a request hash holds a SHA-256");
_Static_assert(ACSA_STORE_INT_TEXT_SIZE >= 21, "-9223372036854775808 and its NUL");
_Static_assert(ACSA_QUARANTINE_WORD_SIZE > sizeof("applied"), "every status word fits");

#endif
