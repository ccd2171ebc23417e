/* SPDX-License-Identifier: MIT */
/* Reports: the balance per partner and currency, overdue orders with their ageing and
 * totals, the conversion of overdue in-kind obligations (a write), and the order value per
 * month, partner and currency, each computed by streaming the store's rows. */
#include "server_int.h"
#include "../util/alloc.h"

#include <stdlib.h>
#include <string.h>

#include "../core/date.h"

#define LEN(array) (sizeof(array) / sizeof((array)[0]))
#define AGREEMENTS_CACHED 8
#define TOTALS_MAX 64
#define MONTHS_MAX 120
#define STATS_GROUPS_MAX 10000

/* ---- Balance -------------------------------------------------------------------------- */

/* Offers one partner and currency of the balance to the page (acsa_balance_line_cb). */
static enum acsa_rc balance_offer(void *ctx, const struct acsa_balance_line *l, acsa_wide net)
{
    char key[16];
    snprintf(key, sizeof(key), "%s-%s", l->partner, l->currency);
    return page_offer(ctx, key, acsa_balance_line_json(l, net));
}

void route_balance(struct request *req)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    struct page page;
    struct acsa_balance_grouper grouper = {.emit = balance_offer, .ctx = &page, .err = &err};
    char partner[ACSA_NATION_SIZE] = "";
    int32_t as_of = ACSA_DATE_NONE;
    page_init(&page, true);
    struct json_in_field query[] = {
        PAGE_QUERY(&page),
        JIN("partner", JIN_NATION, false, partner, 0),
        JIN("as_of", JIN_DATE, false, &as_of, 0),
    };
    if (!query_parse(req, query, LEN(query))) {
        return;
    }
    struct acsa_store *store = acsa_app_store(server_reader(req));
    enum acsa_rc rc = store->vtbl->balance(store, partner, as_of, acsa_balance_grouper_row,
                                           &grouper, &err);
    rc = rc == ACSA_OK ? acsa_balance_grouper_finish(&grouper) : rc;
    page_respond(req, &page, rc, &err, NULL);
}

/* ---- Overdue -------------------------------------------------------------------------- */

struct ageing_total {
    uint32_t bucket;
    char label[24];
    char currency[ACSA_CURRENCY_SIZE];
    uint8_t exponent;
    uint64_t orders;
    acsa_wide outstanding_minor;   /* 128 bits: no number of orders overflows it. */
};

struct overdue_scan {
    struct page page;
    const struct acsa_user *user;
    struct acsa_store *store;
    int32_t as_of;
    struct acsa_agreement agreements[AGREEMENTS_CACHED];  /* Loaded so far, reused in turn. */
    uint32_t agreement_count;
    struct ageing_total totals[TOTALS_MAX];
    uint32_t total_count;
    struct acsa_error *err;
    json_t *disputed;      /* Disputed orders past due: their own section, not paged. */
};

static enum acsa_rc scan_agreement(struct overdue_scan *scan, const char *id,
                                   const struct acsa_agreement **out)
{
    uint32_t used = scan->agreement_count < AGREEMENTS_CACHED ? scan->agreement_count
                                                              : AGREEMENTS_CACHED;
    for (uint32_t i = 0; i < used; i++) {
        if (strcmp(scan->agreements[i].id, id) == 0) {
            *out = &scan->agreements[i];
            return ACSA_OK;
        }
    }
    struct acsa_agreement *slot = &scan->agreements[scan->agreement_count % AGREEMENTS_CACHED];
    enum acsa_rc rc = scan->store->vtbl->agreement_get(scan->store, id, slot, scan->err);
    scan->agreement_count += rc == ACSA_OK ? 1 : 0;
    *out = slot;
    return rc;
}

static enum acsa_rc add_total(struct overdue_scan *scan, uint32_t bucket, const char *label,
                              const struct acsa_order_summary *o)
{
    struct ageing_total *t = NULL;
    for (uint32_t i = 0; i < scan->total_count && t == NULL; i++) {
        struct ageing_total *c = &scan->totals[i];
        bool same = c->bucket == bucket && strcmp(c->label, label) == 0;
        t = same && strcmp(c->currency, o->currency) == 0 ? c : NULL;
    }
    if (t == NULL && scan->total_count == TOTALS_MAX) {
        return acsa_error_set(scan->err, ACSA_ENOMEM, NULL, "more than %d ageing totals",
                              TOTALS_MAX);
    }
    if (t == NULL) {
        t = &scan->totals[scan->total_count++];
        t->bucket = bucket;
        snprintf(t->label, sizeof(t->label), "%s", label);
        memcpy(t->currency, o->currency, sizeof(t->currency));
        t->exponent = o->exponent;
    }
    t->orders++;
    t->outstanding_minor += o->outstanding_minor;
    return ACSA_OK;
}

/* Every visible overdue order counts in the totals; the page takes those after the cursor. */
static enum acsa_rc overdue_row(void *ctx, const struct acsa_order_summary *o)
{
    struct overdue_scan *scan = ctx;
    struct acsa_order_scope scope = summary_scope(o);
    if (!acsa_authz_order_visible(scan->user, &scope)) {
        return ACSA_OK;
    }
    const struct acsa_agreement *agreement = NULL;
    enum acsa_rc rc = scan_agreement(scan, o->agreement_id, &agreement);
    if (rc != ACSA_OK) {
        return rc;
    }
    int32_t days = scan->as_of - o->due_day;
    uint32_t bucket = acsa_agreement_ageing_bucket(agreement, days);
    char label[24];
    acsa_agreement_ageing_label(agreement, bucket, label, sizeof(label));
    if (o->state == ACSA_STATE_DISPUTED) {
        /* Past due but disputed: listed apart, and not in the ageing totals. */
        json_t *item = acsa_overdue_json(o, days, label);
        return item != NULL && json_array_append_new(scan->disputed, item) == 0
                   ? ACSA_OK
                   : acsa_error_set(scan->err, ACSA_ENOMEM, NULL, "out of memory");
    }
    rc = add_total(scan, bucket, label, o);
    if (rc == ACSA_OK && page_next(&scan->page, o->number) == PAGE_TAKE) {
        rc = page_add(&scan->page, acsa_overdue_json(o, days, label));
    }
    return rc;
}

static int compare_totals(const void *a, const void *b)
{
    const struct ageing_total *x = a;
    const struct ageing_total *y = b;
    if (x->bucket != y->bucket) {
        return x->bucket < y->bucket ? -1 : 1;
    }
    int by_label = strcmp(x->label, y->label);
    return by_label != 0 ? by_label : strcmp(x->currency, y->currency);
}

static json_t *totals_json(struct overdue_scan *scan)
{
    qsort(scan->totals, scan->total_count, sizeof(scan->totals[0]), compare_totals);
    json_t *totals = json_array();
    for (uint32_t i = 0; totals != NULL && i < scan->total_count; i++) {
        const struct ageing_total *t = &scan->totals[i];
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
    return json_pack("{s:o, s:o, s:o}", "as_of", acsa_json_date(scan->as_of), "totals", totals,
                     "disputed", disputed);
}

void route_overdue(struct request *req)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    struct overdue_scan *scan = acsa_calloc(1, sizeof(*scan));
    if (scan == NULL) {
        problem(req, 500, NULL, "out of memory");
        return;
    }
    scan->user = &req->user;
    scan->as_of = req->today;
    scan->err = &err;
    scan->disputed = json_array();
    page_init(&scan->page, true);
    struct json_in_field query[] = {
        PAGE_QUERY(&scan->page),
        JIN("as_of", JIN_DATE, false, &scan->as_of, 0),
    };
    if (query_parse(req, query, LEN(query))) {
        struct acsa_order_filter filter;
        memset(&filter, 0, sizeof(filter));
        filter.overdue_as_of = scan->as_of;
        scan->store = acsa_app_store(server_reader(req));
        enum acsa_rc rc = scan->store->vtbl->order_list(scan->store, &filter, overdue_row, scan,
                                                        &err);
        page_respond(req, &scan->page, rc, &err, rc == ACSA_OK ? totals_json(scan) : NULL);
    }
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
    enum acsa_rc rc = args->converted != NULL ? ACSA_OK : ACSA_ENOMEM;
    /* An approver is the signed-in user, never a name in the body: the API acts as the
     * person who signed in, as for every order step. */
    struct acsa_convert_options opts = {.as_of = args->as_of, .today = req->today,
                                        .by = args->approve ? req->user.display_name : "",
                                        .actor = req->user.display_name,
                                        .automatic_only = false};
    struct acsa_convert_result result;
    memset(&result, 0, sizeof(result));
    rc = rc == ACSA_OK ? acsa_app_convert(app, &opts, converted_one, args, &result, &err) : rc;
    if (rc != ACSA_OK) {
        json_decref(args->converted);
        problem_rc(req, rc, &err);
        return rc;
    }
    response_json(req, 200, json_pack("{s:o, s:o, s:I}", "as_of", acsa_json_date(args->as_of),
                                      "converted", args->converted, "awaiting_approval",
                                      (json_int_t)result.awaiting_approval));
    return ACSA_OK;
}

void route_convert_overdue(struct request *req)
{
    struct convert_args *args = acsa_calloc(1, sizeof(*args));
    if (args == NULL) {
        problem(req, 500, NULL, "out of memory");
        return;
    }
    args->as_of = req->today;
    struct json_in_field fields[] = {
        JIN("as_of", JIN_DATE, false, &args->as_of, 0),
        JIN("approve", JIN_BOOL, false, &args->approve, 0),
    };
    if (!json_in_request(req, fields, LEN(fields), NULL)) {
        acsa_free(args);
        return;
    }
    submit(req, convert_job, NULL, args);
}

/* ---- Monthly statistics --------------------------------------------------------------- */

struct month_group {
    int32_t month;                       /* year * 12 + month - 1. */
    char partner[ACSA_NATION_SIZE];
    char currency[ACSA_CURRENCY_SIZE];
    uint8_t exponent;
    uint64_t orders;
    acsa_wide value_minor;               /* 128 bits: no number of orders overflows it. */
};

struct stats_scan {
    const struct acsa_user *user;
    const char *nation;
    int32_t from_day;                    /* First day of the first month counted. */
    struct month_group *groups;
    uint32_t count;
    uint32_t capacity;
    struct acsa_error *err;
};

static int32_t month_of(int32_t day)
{
    int32_t year = 0;
    int32_t month = 0;
    acsa_date_to_ymd(day, &year, &month, NULL);
    return year * 12 + month - 1;
}

static struct month_group *stats_group(struct stats_scan *scan, int32_t month,
                                       const char *partner, const struct acsa_order_summary *o)
{
    for (uint32_t i = 0; i < scan->count; i++) {
        struct month_group *g = &scan->groups[i];
        if (g->month == month && strcmp(g->partner, partner) == 0 &&
            strcmp(g->currency, o->currency) == 0) {
            return g;
        }
    }
    if (scan->count == scan->capacity) {
        uint32_t capacity = scan->capacity == 0 ? 64 : scan->capacity * 2;
        struct month_group *grown = capacity <= STATS_GROUPS_MAX
                                        ? acsa_realloc(scan->groups, capacity * sizeof(*grown))
                                        : NULL;
        if (grown == NULL) {
            return NULL;
        }
        scan->groups = grown;
        scan->capacity = capacity;
    }
    struct month_group *g = &scan->groups[scan->count++];
    memset(g, 0, sizeof(*g));
    g->month = month;
    snprintf(g->partner, sizeof(g->partner), "%s", partner);
    memcpy(g->currency, o->currency, sizeof(g->currency));
    g->exponent = o->exponent;
    return g;
}

static enum acsa_rc stats_row(void *ctx, const struct acsa_order_summary *o)
{
    struct stats_scan *scan = ctx;
    struct acsa_order_scope scope = summary_scope(o);
    if (o->created_day < scan->from_day || !acsa_authz_order_visible(scan->user, &scope)) {
        return ACSA_OK;
    }
    const char *partner = strcmp(o->requester, scan->nation) == 0 ? o->supplier : o->requester;
    struct month_group *g = stats_group(scan, month_of(o->created_day), partner, o);
    if (g == NULL) {
        return acsa_error_set(scan->err, ACSA_ELIMIT, NULL, "too many monthly groups");
    }
    g->orders++;
    g->value_minor += o->value_minor;
    return ACSA_OK;
}

static int compare_groups(const void *a, const void *b)
{
    const struct month_group *x = a;
    const struct month_group *y = b;
    if (x->month != y->month) {
        return x->month < y->month ? -1 : 1;
    }
    int by_partner = strcmp(x->partner, y->partner);
    return by_partner != 0 ? by_partner : strcmp(x->currency, y->currency);
}

static enum acsa_rc stats_page(struct stats_scan *scan, struct page *page)
{
    if (scan->count > 0) {
        qsort(scan->groups, scan->count, sizeof(scan->groups[0]), compare_groups);
    }
    enum acsa_rc rc = ACSA_OK;
    for (uint32_t i = 0; rc == ACSA_OK && i < scan->count; i++) {
        const struct month_group *g = &scan->groups[i];
        char month[16];
        char key[32];
        snprintf(month, sizeof(month), "%04d-%02d", (int)(g->month / 12), (int)(g->month % 12 + 1));
        snprintf(key, sizeof(key), "%s/%s/%s", month, g->partner, g->currency);
        rc = page_offer(page, key,
                        json_pack("{s:s, s:o, s:o, s:I, s:o}", "month", month, "partner",
                                  acsa_json_string(g->partner), "currency",
                                  acsa_json_string(g->currency), "orders",
                                  (json_int_t)g->orders, "value",
                                  acsa_json_wide(g->value_minor, g->exponent)));
    }
    return rc;
}

void route_stats_monthly(struct request *req)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    struct page page;
    uint32_t months = 12;
    page_init(&page, true);
    struct json_in_field query[] = {
        PAGE_QUERY(&page),
        {"months", JIN_COUNT, false, &months, 0, 1, MONTHS_MAX, false},
    };
    if (!query_parse(req, query, LEN(query))) {
        return;
    }
    int32_t first = month_of(req->today) - (int32_t)months + 1;
    struct stats_scan scan = {&req->user, server_nation(req->server),
                              acsa_date_from_ymd(first / 12, first % 12 + 1, 1), NULL, 0, 0,
                              &err};
    struct acsa_store *store = acsa_app_store(server_reader(req));
    enum acsa_rc rc = store->vtbl->order_list(store, NULL, stats_row, &scan, &err);
    rc = rc == ACSA_OK ? stats_page(&scan, &page) : rc;
    acsa_free(scan.groups);
    page_respond(req, &page, rc, &err,
                 json_pack("{s:i, s:o}", "months", (int)months, "from",
                           acsa_json_date(scan.from_day)));
}
