/* SPDX-License-Identifier: MIT */
/* Every bound of the sync layer in one place (the app's are in app/app_limits.h), with the
 * relations between them checked at compile time. */
#ifndef ACSA_SYNC_LIMITS_H
#define ACSA_SYNC_LIMITS_H

#include "app_limits.h"

/* Largest answer taken from a partner node: the fingerprints of some millions of orders. */
#define ACSA_SYNC_RESPONSE_MAX (256u << 20)
/* One value of a reconciliation item, as text (a reason, an amount with its currency). */
#define ACSA_RECONCILE_VALUE_SIZE 264
/* Currencies of one balance comparison, and agreements compared between two nodes. */
#define ACSA_RECONCILE_CURRENCIES_MAX 16
#define ACSA_RECONCILE_AGREEMENTS_MAX 64
/* Nonces remembered at most: each request signed within the time window of
 * ACSA_REQUEST_SKEW_S either side (30 minutes) takes one entry for that long; when all are
 * taken by nonces still within their window, new requests are refused (503) rather than any
 * nonce forgotten early. 16,384 is 9 signed requests a second for 30 minutes; an exchange of a
 * million records in batches of 2,000 takes about 520. */
#define ACSA_NONCE_CACHE_MAX 16384u

_Static_assert(ACSA_SYNC_RESPONSE_MAX >= ACSA_BUNDLE_BYTES_MAX,
               "a partner's largest batch, with a snapshot, is taken");
_Static_assert(ACSA_RECONCILE_VALUE_SIZE >= ACSA_TEXT_SIZE + 8, "a reason is shown whole");
_Static_assert(ACSA_RECONCILE_CURRENCIES_MAX >= ACSA_AGREEMENT_CURRENCIES_MAX,
               "every currency one agreement allows is compared");
_Static_assert(ACSA_NONCE_CACHE_MAX >= 1 && ACSA_NONCE_CACHE_MAX <= (1u << 24),
               "the nonce cache holds a sensible number of entries");

#endif
