/* SPDX-License-Identifier: MIT */
/* The shared JSON renderings of users, API tokens and audit records (auth_json.h). Stored texts
 * that are not UTF-8 are repaired as acsa_json_string does; absent values are null. */
#include "auth_json.h"

#include <stdio.h>
#include <time.h>

#include "order_json.h"

const char *acsa_time_format(int64_t seconds, char buf[ACSA_TIME_TEXT_SIZE])
{
    time_t t = (time_t)seconds;
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL ||
        strftime(buf, ACSA_TIME_TEXT_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
        snprintf(buf, ACSA_TIME_TEXT_SIZE, "@%lld", (long long)seconds);
    }
    return buf;
}

static json_t *time_json(int64_t seconds)
{
    char text[ACSA_TIME_TEXT_SIZE];
    return json_string(acsa_time_format(seconds, text));
}

json_t *acsa_user_json(const struct acsa_user *user)
{
    return json_pack("{s:I, s:o, s:o, s:s, s:o, s:o, s:b}", "id", (json_int_t)user->id,
                     "username", acsa_json_text(user->username), "display_name",
                     acsa_json_text(user->display_name), "role", acsa_role_name(user->role),
                     "party", acsa_json_string(user->party), "unit_id",
                     acsa_json_id(user->unit_id), "disabled", user->disabled);
}

json_t *acsa_token_json(const struct acsa_token_info *token)
{
    return json_pack("{s:I, s:o, s:o, s:o, s:b}", "id", (json_int_t)token->id, "username",
                     acsa_json_text(token->username), "name", acsa_json_text(token->name),
                     "created", time_json(token->created_s), "revoked", token->revoked);
}

json_t *acsa_audit_json(const struct acsa_audit_record *r)
{
    return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)r->id,
                     "at", time_json(r->at_s), "user", acsa_json_text(r->actor), "action",
                     acsa_json_text(r->action), "object", acsa_json_text(r->object), "outcome",
                     acsa_json_text(r->outcome), "detail", acsa_json_text(r->detail),
                     "prev_hash", acsa_json_text(r->prev_hash), "hash",
                     acsa_json_text(r->hash));
}
