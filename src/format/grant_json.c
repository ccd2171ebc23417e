/* SPDX-License-Identifier: MIT */
/* The JSON form of a dated grant of an official. */
#include "grant_json.h"

#include "date.h"
#include "json_text.h"
#include "order_json.h"

static json_t *opt_text(const char *text)
{
    return text != NULL && text[0] != '\0' ? acsa_json_text(text) : json_null();
}

json_t *acsa_grant_json(const struct acsa_grant *g, const char *origin)
{
    char limit[ACSA_MONEY_TEXT_SIZE];
    acsa_money_format(g->limit_minor, g->currency.exponent, limit);
    return json_pack("{s:I, s:o, s:o, s:o, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}",
                     "id", (json_int_t)g->id, "party", acsa_json_text(g->party), "name",
                     acsa_json_text(g->name), "title", acsa_json_text(g->title), "agreement",
                     opt_text(g->agreement_id), "currency", g->currency.code, "limit", limit,
                     "from", acsa_json_date(g->from_day), "to", acsa_json_date(g->to_day),
                     "revoked", acsa_json_date(g->revoked_day), "revoke_reason",
                     opt_text(g->revoke_reason), "last_day",
                     acsa_json_date(acsa_grant_last_day(g)), "origin", opt_text(origin));
}
