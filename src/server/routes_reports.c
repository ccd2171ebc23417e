/* SPDX-License-Identifier: MIT */
/* Reports: the balance per partner and currency, overdue orders with their ageing and
 * totals, the conversion of overdue in-kind obligations (a write), and the order value per
 * month, partner, direction and currency, and the orders counted by state, each computed by
 * streaming the store's rows. */
#include "server_int.h"
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

#include "date.h"

#define LEN(array) (sizeof(array) / sizeof((array)[0]))

/* ---- Balance -------------------------------------------------------------------------- */

/* Offers one partner and currency of the balance to the page (acsa_balance_line_cb). */
static enum acsa_rc balance_offer(void *ctx, const struct acsa_balance_line *l, acsa_wide net)
{
    char key[16];
    snprintf(key, sizeof(key), "%s-%s", l->partner, l->currency);
    return acsa__server_page_offer(ctx, key, acsa_balance_line_json(l, net));
}

/* The balance rows grouped into lines, offered to the grouper's page. */
static enum acsa_rc balance_grouped(struct acsa_app *reader, const char *partner, int32_t as_of,
                                    struct acsa_balance_grouper *grouper,
                                    struct acsa_error *err)
{
    ACSA_TRY(acsa_app_balance(reader, partner, as_of, acsa_balance_grouper_row, grouper, err));
    return acsa_balance_grouper_finish(grouper);
}

void acsa__server_route_balance(struct request *req)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    struct page page;
    struct acsa_balance_grouper grouper = {.emit = balance_offer, .ctx = &page, .err = &err};
    char partner[ACSA_NATION_SIZE] = "";
    int32_t as_of = ACSA_DATE_NONE;
    acsa__server_page_init(&page, true);
    struct json_in_field query[] = {
        PAGE_QUERY(&page),
        JIN("partner", JIN_NATION, false, partner, 0),
        JIN("as_of", JIN_DATE, false, &as_of, 0),
    };
    if (!acsa__server_query_parse(req, query, LEN(query))) {
        return;
    }
    enum acsa_rc rc = balance_grouped(acsa__server_reader(req), partner, as_of, &grouper, &err);
    acsa__server_page_respond(req, &page, rc, &err, NULL);
}

/* ---- Overdue -------------------------------------------------------------------------- */

/* The report is the application's (acsa_app_overdue, the CLI's too); the route pages it. */
struct overdue_scan {
    struct page page;
    struct acsa_overdue_totals totals;
    struct acsa_error *err;
    json_t *disputed;      /* Disputed orders past due: their own section, not paged. */
};

/* Every visible overdue order counts in the totals; the page takes those after the cursor. As
 * CSV, the disputed orders are rows too (their state says so). */
static enum acsa_rc overdue_row(void *ctx, const struct acsa_overdue_item *item)
{
    struct overdue_scan *scan = ctx;
    const struct acsa_order_summary *o = item->order;
    if (item->disputed && scan->page.csv == NULL) {
        /* Past due but disputed: listed apart, and not in the ageing totals. */
        json_t *entry = acsa_overdue_json(o, item->days, item->label);
        return entry != NULL && json_array_append_new(scan->disputed, entry) == 0
                   ? ACSA_OK
                   : acsa_error_set(scan->err, ACSA_ENOMEM, NULL, "out of memory");
    }
    /* Past the page: the scan goes on, so that the totals count every order. */
    return acsa__server_page_next(&scan->page, o->number) == PAGE_TAKE
               ? acsa__server_page_add(&scan->page, acsa_overdue_json(o, item->days, item->label))
               : ACSA_OK;
}

static json_t *totals_json(struct overdue_scan *scan, int32_t as_of)
{
    json_t *totals = json_array();
    for (size_t i = 0; totals != NULL && i < scan->totals.count; i++) {
        const struct acsa_overdue_total *t = &scan->totals.items[i];
        json_t *item = json_pack("{s:s, s:o, s:I, s:o}", "bucket", t->label, "currency",
                                 acsa_json_string(t->currency), "orders", (json_int_t)t->orders,
                                 "outstanding", acsa_json_wide(t->outstanding_minor, t->exponent));
        if (json_array_append_new(totals, item) != 0) {
            json_decref(totals);
            totals = NULL;
        }
    }
    json_t *disputed = scan->disputed;
    scan->disputed = NULL;
    return json_pack("{s:o, s:o, s:o}", "as_of", acsa_json_date(as_of), "totals", totals,
                     "disputed", disputed);
}

/* The overdue report into scan, once its section of disputed orders could be allocated. */
static enum acsa_rc overdue_report(struct request *req, struct overdue_scan *scan,
                                   int32_t as_of, struct acsa_error *err)
{
    if (scan->disputed == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, NULL, "out of memory");
    }
    return acsa_app_overdue(acsa__server_reader(req), as_of, &req->user, ACSA_OVERDUE_ALL,
                            overdue_row, scan, &scan->totals, err);
}

static const char *const overdue_columns[] = {
    "number", "agreement_id", "requester", "supplier", "method", "state", "due",
    "days_overdue", "bucket", "currency", "outstanding",
};

void acsa__server_route_overdue(struct request *req)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    struct overdue_scan *scan = acsa_calloc(1, sizeof(*scan));
    if (scan == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return;
    }
    int32_t as_of = req->today;
    scan->err = &err;
    scan->disputed = json_array();
    acsa__server_page_init(&scan->page, true);
    struct json_in_field query[] = {
        PAGE_QUERY(&scan->page),
        PAGE_FORMAT(&scan->page),
        JIN("as_of", JIN_DATE, false, &as_of, 0),
    };
    if (acsa__server_query_parse(req, query, LEN(query)) &&
        acsa__server_page_format(req, &scan->page, overdue_columns, LEN(overdue_columns),
                                 "overdue")) {
        enum acsa_rc rc = overdue_report(req, scan, as_of, &err);
        acsa__server_page_respond(req, &scan->page, rc, &err,
                                  rc == ACSA_OK ? totals_json(scan, as_of) : NULL);
    }
    acsa_app_overdue_totals_free(&scan->totals);
    json_decref(scan->disputed);
    acsa_free(scan);
}

/* ---- Convert overdue ------------------------------------------------------------------ */

struct convert_args {
    int32_t as_of;
    bool approve;            /* The signed-in user approves, as an official of the creditor. */
    json_t *converted;
};

static void converted_one(void *ctx, const struct acsa_order *order,
                          const struct acsa_event *event)
{
    struct convert_args *args = ctx;
    json_array_append_new(args->converted, acsa_json_string(order->number));
}

static enum acsa_rc convert_job(struct acsa_app *app, struct request *req)
{
    struct convert_args *args = req->job_args;
    struct acsa_error err;
    acsa_error_clear(&err);
    args->converted = json_array();
    /* An approver is the signed-in user, never a name in the body: the API acts as the
     * person who signed in, as for every order step. */
    struct acsa_convert_options opts = {.as_of = args->as_of, .today = req->today,
                                        .by = args->approve ? req->user.display_name : "",
                                        .actor = req->user.display_name,
                                        .automatic_only = false};
    struct acsa_convert_result result;
    memset(&result, 0, sizeof(result));
    enum acsa_rc rc = ACSA_ENOMEM;
    if (args->converted != NULL) {
        rc = acsa_app_convert(app, &opts, converted_one, args, &result, &err);
    }
    if (rc != ACSA_OK) {
        json_decref(args->converted);
        acsa__server_problem_rc(req, rc, &err);
        return rc;
    }
    acsa__server_response_json(req, 200,
                               json_pack("{s:o, s:o, s:I}", "as_of", acsa_json_date(args->as_of),
                                         "converted", args->converted, "awaiting_approval",
                                         (json_int_t)result.awaiting_approval));
    return ACSA_OK;
}

void acsa__server_route_convert_overdue(struct request *req)
{
    struct convert_args *args = acsa_calloc(1, sizeof(*args));
    if (args == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return;
    }
    args->as_of = req->today;
    struct json_in_field fields[] = {
        JIN("as_of", JIN_DATE, false, &args->as_of, 0),
        JIN("approve", JIN_BOOL, false, &args->approve, 0),
    };
    if (!acsa__server_json_in_request(req, fields, LEN(fields), NULL)) {
        acsa_free(args);
        return;
    }
    acsa__server_submit(req, convert_job, NULL, args);
}

/* ---- Monthly statistics --------------------------------------------------------------- */

static enum acsa_rc stats_page(const struct acsa_monthly *monthly, struct page *page)
{
    enum acsa_rc rc = ACSA_OK;
    for (size_t i = 0; rc == ACSA_OK && i < monthly->count; i++) {
        const struct acsa_month_figure *g = &monthly->items[i];
        char month[16];
        char key[32];
        snprintf(month, sizeof(month), "%04d-%02d", (int)(g->month / 12), (int)(g->month % 12 + 1));
        const char *direction = acsa_month_direction_name(g->direction);
        snprintf(key, sizeof(key), "%s/%s/%s/%s", month, g->partner, direction, g->currency);
        rc = acsa__server_page_offer(page, key,
                        json_pack("{s:s, s:o, s:s, s:o, s:I, s:o}", "month", month, "partner",
                                  acsa_json_string(g->partner), "direction", direction,
                                  "currency", acsa_json_string(g->currency), "orders",
                                  (json_int_t)g->orders, "value",
                                  acsa_json_wide(g->value_minor, g->exponent)));
    }
    return rc;
}

/* The monthly figures from from_day, as the viewer may see them, offered to page. */
static enum acsa_rc monthly_page(struct acsa_app *reader, int32_t from_day,
                                 const struct acsa_user *viewer, struct acsa_monthly *monthly,
                                 struct page *page, struct acsa_error *err)
{
    ACSA_TRY(acsa_app_monthly(reader, from_day, viewer, monthly, err));
    return stats_page(monthly, page);
}

void acsa__server_route_stats_monthly(struct request *req)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    struct page page;
    uint32_t months = 12;
    acsa__server_page_init(&page, true);
    struct json_in_field query[] = {
        PAGE_QUERY(&page),
        {"months", JIN_COUNT, false, &months, 0, 1, SERVER_MONTHS_MAX, false},
    };
    if (!acsa__server_query_parse(req, query, LEN(query))) {
        return;
    }
    int32_t first = acsa_app_month_of(req->today) - (int32_t)months + 1;
    int32_t from_day = acsa_date_from_ymd(first / 12, first % 12 + 1, 1);
    struct acsa_monthly monthly;
    enum acsa_rc rc =
        monthly_page(acsa__server_reader(req), from_day, &req->user, &monthly, &page, &err);
    acsa_app_monthly_free(&monthly);
    int32_t last = acsa_app_month_of(req->today);
    char to[16];
    snprintf(to, sizeof(to), "%04d-%02d", (int)(last / 12), (int)(last % 12 + 1));
    acsa__server_page_respond(req, &page, rc, &err,
                 json_pack("{s:i, s:o, s:s}", "months", (int)months, "from",
                           acsa_json_date(from_day), "to", to));
}

/* ---- Orders by state ------------------------------------------------------------------ */

/* {name: count} of every state, 0 included; NULL when memory runs out. */
static json_t *state_object(const uint64_t counts[ACSA_STATE_COUNT])
{
    json_t *states = json_object();
    for (unsigned s = 0; states != NULL && s < ACSA_STATE_COUNT; s++) {
        if (json_object_set_new(states, acsa_state_name((enum acsa_state)s),
                                json_integer((json_int_t)counts[s])) != 0) {
            json_decref(states);
            states = NULL;
        }
    }
    return states;
}

/* {states, requested, supplied}; NULL when memory runs out. */
static json_t *states_doc(const struct acsa_state_counts *counts)
{
    json_t *all = state_object(counts->all);
    json_t *requested = state_object(counts->requested);
    json_t *supplied = state_object(counts->supplied);
    if (all == NULL || requested == NULL || supplied == NULL) {
        json_decref(all);
        json_decref(requested);
        json_decref(supplied);
        return NULL;
    }
    return json_pack("{s:o, s:o, s:o}", "states", all, "requested", requested, "supplied",
                     supplied);
}

void acsa__server_route_stats_states(struct request *req)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    if (!acsa__server_query_parse(req, NULL, 0)) {
        return;
    }
    struct acsa_state_counts counts;
    enum acsa_rc rc = acsa_app_visible_state_counts(acsa__server_reader(req), &req->user,
                                                    &counts, &err);
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return;
    }
    acsa__server_response_json(req, 200, states_doc(&counts)); /* NULL: answered 500. */
}
