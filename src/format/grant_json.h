/* SPDX-License-Identifier: MIT */
/* The JSON form of a dated grant of an official, shared by acsa official list --json and
 * GET /api/officials. */
#ifndef ACSA_GRANT_JSON_H
#define ACSA_GRANT_JSON_H

#include <jansson.h>

#include "grant.h"

/** {"id", "party", "name", "title", "agreement" (null: every agreement of the party),
 * "currency", "limit" (decimal text), "from", "to" (null: open-ended), "revoked" (null or
 * the day of revocation), "revoke_reason", "last_day" (null: open-ended), "origin" (null:
 * made here)}. NULL if out of memory. */
json_t *acsa_grant_json(const struct acsa_grant *grant, const char *origin);

#endif
