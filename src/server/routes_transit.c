/* SPDX-License-Identifier: MIT */
/* GET /api/reports/in-transit: lines issued and not received for more than their agreement's
 * transit_days as of a date (default today), of the orders the user may see, in pages like
 * every list, or all of them with ?format=csv. */
#include "server_int.h"

#include <string.h>

#include "transit.h"

#define LEN(array) (sizeof(array) / sizeof((array)[0]))

struct transit_page {
    struct page page;
    const struct acsa_user *user;
};

static enum acsa_rc transit_offer(void *ctx, const struct acsa_order *order,
                                  const struct acsa_transit_line *line)
{
    struct transit_page *t = ctx;
    struct acsa_order_scope scope = acsa__server_order_scope(order);
    if (!acsa_authz_order_visible(t->user, &scope)) {
        return ACSA_OK;
    }
    char key[ACSA_NUMBER_SIZE + 16];
    snprintf(key, sizeof(key), "%s/%u", order->number, line->line_no);
    return acsa__server_page_offer(&t->page, key, acsa_transit_json(order, line));
}

static const char *const transit_columns[] = {
    "number", "requester", "supplier", "state", "line", "description", "unit", "issued",
    "received", "in_transit", "issued_on", "days",
};

void acsa__server_route_in_transit(struct request *req)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    struct transit_page t;
    memset(&t, 0, sizeof(t));
    t.user = &req->user;
    acsa__server_page_init(&t.page, true);
    int32_t as_of = req->today;
    char partner[ACSA_NATION_SIZE] = "";
    struct json_in_field query[] = {
        PAGE_QUERY(&t.page),
        PAGE_FORMAT(&t.page),
        JIN("as_of", JIN_DATE, false, &as_of, 0),
        JIN("partner", JIN_NATION, false, partner, 0),
    };
    if (!acsa__server_query_parse(req, query, LEN(query)) ||
        !acsa__server_page_format(req, &t.page, transit_columns, LEN(transit_columns),
                                  "in-transit")) {
        return;
    }
    enum acsa_rc rc = acsa_app_in_transit(acsa__server_reader(req), as_of, partner, true,
                                          transit_offer, &t, &err);
    acsa__server_page_respond(req, &t.page, rc, &err,
                 json_pack("{s:o}", "as_of", acsa_json_date(as_of)));
}
