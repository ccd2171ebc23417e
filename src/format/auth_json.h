/* SPDX-License-Identifier: MIT */
/* The JSON renderings of users, API tokens and audit records that the CLI's --json output and
 * the HTTP API share. Times are Unix seconds rendered as "YYYY-MM-DDTHH:MM:SSZ". */
#ifndef ACSA_AUTH_JSON_H
#define ACSA_AUTH_JSON_H

#include <jansson.h>
#include <stdint.h>

#include "authz.h"
#include "rows.h"

#include "format_limits.h"

/* Every json_t function returns a new reference, or NULL when out of memory. */

/** Unix seconds as "YYYY-MM-DDTHH:MM:SSZ" (UTC) in buf. */
const char *acsa_time_format(int64_t seconds, char buf[ACSA_TIME_TEXT_SIZE]);
/** {id, username, display_name, role, party, unit_id (null for none), disabled}. */
json_t *acsa_user_json(const struct acsa_user *user);
/** {id, username, name, created, revoked}: never the secret. */
json_t *acsa_token_json(const struct acsa_token_info *token);
/** {id, at, user, action, object, outcome, detail, prev_hash, hash}; user is the actor. */
json_t *acsa_audit_json(const struct acsa_audit_record *record);

#endif
