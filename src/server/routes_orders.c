/* SPDX-License-Identifier: MIT */
/* Orders: the scoped list, raising an order, one order with its events and postings (with
 * its ETag), and the steps, each compared with If-Match inside its writer job so that of two
 * officials acting on the same version exactly one wins. */
#include "server_int.h"
#include "alloc.h"
#include "step_inputs.h"
#include "text.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define LEN(array) (sizeof(array) / sizeof((array)[0]))


struct acsa_order_scope acsa__server_order_scope(const struct acsa_order *o)
{
    return (struct acsa_order_scope){o->requester, o->supplier, o->requester_unit_id,
                                     o->supplier_unit_id};
}

struct acsa_order_scope acsa__server_summary_scope(const struct acsa_order_summary *o)
{
    return (struct acsa_order_scope){o->requester, o->supplier, o->requester_unit_id,
                                     o->supplier_unit_id};
}

/* A new order as its create job stored it, for the answer, which then reads nothing back:
 * the order, its activity and its one event. */
struct order_snapshot {
    struct acsa_order order;
    struct acsa_activity activity;
    struct acsa_event_row event;
};

/* What an order job needs, and what its answer renders. */
struct order_args {
    char number[ACSA_NUMBER_SIZE];
    int status;                               /* Of the answer: 200 or 201. */
    char agreement_id[ACSA_ID_SIZE];          /* Create. */
    int64_t activity_id;
    union {
        struct acsa_order_draft draft;        /* Create: the input, until the job has run. */
        struct order_snapshot created;        /* Create: the order, once the job stored it. */
    };
    struct acsa_command command;              /* Steps. */
    char with[ACSA_EXCHANGE_WITH_MAX][ACSA_NUMBER_SIZE]; /* Exchange: the reverse orders. */
    uint32_t with_count;
    char if_match[SERVER_HEADER_SIZE];
    char corrected[ACSA_CODE_SIZE];           /* Correct: the step corrected. */
    struct acsa_amend amend;                  /* Amend: the changes. */
};

/* ---- One order ------------------------------------------------------------------------ */

struct event_scan {
    struct acsa_text *text;
    const struct acsa_currency *currency;
    uint32_t count;
};

static enum acsa_rc event_row(void *ctx, const struct acsa_event_row *row)
{
    struct event_scan *scan = ctx;
    acsa_text_raw(scan->text, ",", scan->count++ > 0 ? 1 : 0);
    acsa_event_text(scan->text, row, scan->currency);
    return scan->text->failed ? ACSA_ENOMEM : ACSA_OK;
}

/* Answers the order of view (names resolved) with its events and its ETag: the text of
 * acsa_order_json with "events" added, written straight. The events are read from the store
 * unless the order has only the one event given. */
static void view_answer(struct acsa_app *app, struct request *req,
                        struct acsa_order_view *view, int status,
                        const struct acsa_event_row *only_event)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    struct acsa_text text;
    acsa_text_init(&text, 4096);
    ACSA_TEXT_LIT(&text, "{");
    acsa_order_text_members(&text, view, req->today);
    ACSA_TEXT_LIT(&text, ",\"events\":[");
    struct event_scan scan = {&text, &view->order.currency, 0};
    enum acsa_rc rc = only_event != NULL ? event_row(&scan, only_event)
                                         : acsa_app_order_events(app, view->order.number,
                                                                 event_row, &scan, &err);
    ACSA_TEXT_LIT(&text, "]}");
    size_t size = 0;
    char *body = acsa_text_take(&text, &size);
    if (body == NULL && (rc == ACSA_OK || rc == ACSA_ENOMEM)) {
        rc = acsa_error_set(&err, ACSA_ENOMEM, NULL, "out of memory");
    }
    if (rc != ACSA_OK) {
        acsa_free(body);
        acsa__server_problem_rc(req, rc, &err);
        return;
    }
    const char *number = view->order.number;
    acsa__server_response_text(req, status, "application/json", body, size);
    acsa__server_response_header(req, "ETag", "\"%s.%u\"", number, view->order.event_count);
    if (status == 201) {
        acsa__server_response_header(req, "Location", "/api/orders/%s", number);
    }
}

static void order_answer(struct acsa_app *app, struct request *req, const char *number,
                         int status, bool visible_only)
{
    struct acsa_order_view *view = acsa__server_order_view(req);
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = view != NULL ? acsa_app_order_get(app, number, &view->order, NULL, &err)
                                   : acsa_error_set(&err, ACSA_ENOMEM, NULL, "out of memory");
    if (rc == ACSA_OK && visible_only) {
        struct acsa_order_scope scope = acsa__server_order_scope(&view->order);
        if (!acsa_authz_order_visible(&req->user, &scope)) {
            rc = acsa_error_set(&err, ACSA_ENOTFOUND, "number", "order %s not found", number);
        }
    }
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return;
    }
    rc = acsa_app_order_view(app, view);
    if (rc != ACSA_OK) {
        acsa_error_set(&err, rc, "", "cannot read the names order %s refers to", number);
        acsa__server_problem_rc(req, rc, &err);
        return;
    }
    view_answer(app, req, view, status, NULL);
}

static void order_render(struct acsa_app *app, struct request *req)
{
    const struct order_args *args = req->job_args;
    order_answer(app, req, args->number, args->status, false);
}

/* Unit names a thread has read: units are never renamed, so a name once read stays true. */
#define UNIT_NAMES_KEPT 16
static _Thread_local struct {
    int64_t id;
    char name[ACSA_NAME_SIZE];
} unit_names[UNIT_NAMES_KEPT];
static _Thread_local uint32_t unit_names_next;

/* The name of unit id into name ("" for none, or if it cannot be read). */
static void unit_name(struct acsa_app *app, int64_t id, char name[ACSA_NAME_SIZE])
{
    name[0] = '\0';
    if (id == 0) {
        return;
    }
    for (uint32_t i = 0; i < UNIT_NAMES_KEPT; i++) {
        if (unit_names[i].id == id) {
            memcpy(name, unit_names[i].name, ACSA_NAME_SIZE);
            return;
        }
    }
    char party[ACSA_NATION_SIZE];
    struct acsa_error ignored;
    if (acsa_app_unit_get(app, id, party, name, &ignored) != ACSA_OK) {
        name[0] = '\0';
        return;
    }
    uint32_t slot = unit_names_next++ % UNIT_NAMES_KEPT;
    unit_names[slot].id = id;
    memcpy(unit_names[slot].name, name, ACSA_NAME_SIZE);
}

/* The answer to a create: the order from the job's snapshot, without reading it again. */
static void order_created_render(struct acsa_app *app, struct request *req)
{
    const struct order_args *args = req->job_args;
    const struct order_snapshot *created = &args->created;
    struct acsa_order_view *view = acsa__server_order_view(req);
    if (view == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return;
    }
    struct acsa_order *order = &view->order;
    *order = created->order;
    view->activity = created->activity;
    unit_name(app, order->requester_unit_id, view->requester_unit);
    unit_name(app, order->supplier_unit_id, view->supplier_unit);
    ACSA_ASSERT(order->event_count == 1);
    view_answer(app, req, view, args->status, &created->event);
}

void acsa__server_route_orders_get(struct request *req)
{
    if (acsa__server_query_parse(req, NULL, 0)) {
        order_answer(acsa__server_reader(req), req, req->params[0], 200, true);
    }
}

/* ---- The list ------------------------------------------------------------------------- */

struct order_scan {
    struct page page;
    const struct acsa_user *user;
};

static enum acsa_rc order_row(void *ctx, const struct acsa_order_summary *summary)
{
    struct order_scan *scan = ctx;
    struct acsa_order_scope scope = acsa__server_summary_scope(summary);
    if (!acsa_authz_order_visible(scan->user, &scope)) {
        return ACSA_OK;
    }
    switch (acsa__server_page_next(&scan->page, summary->number)) {
    case PAGE_TAKE:
        return acsa__server_page_add(&scan->page, acsa_order_summary_json(summary));
    case PAGE_SKIP:
        return ACSA_OK;
    case PAGE_STOP:
        break;
    }
    return PAGE_FULL;
}

void acsa__server_route_orders_list(struct request *req)
{
    struct order_scan scan = {.user = &req->user};
    struct acsa_order_filter f;
    memset(&f, 0, sizeof(f));
    bool overdue = false;
    int32_t as_of = req->today;
    acsa__server_page_init(&scan.page, false);
    struct json_in_field query[] = {
        PAGE_QUERY(&scan.page),
        JIN("state", JIN_STATE, false, &f.state, 0),
        JIN("agreement", JIN_TEXT, false, f.agreement_id, sizeof(f.agreement_id)),
        JIN("activity", JIN_ID, false, &f.activity_id, 0),
        JIN("partner", JIN_NATION, false, f.partner, 0),
        JIN("overdue", JIN_BOOL, false, &overdue, 0),
        JIN("as_of", JIN_DATE, false, &as_of, 0),
        JIN("q", JIN_TEXT, false, f.search, sizeof(f.search)),
    };
    if (!acsa__server_query_parse(req, query, LEN(query))) {
        return;
    }
    if (strlen(scan.page.cursor) >= sizeof(f.after_number)) {
        acsa__server_problem(req, 400, "cursor", "cursor: not an order number");
        return;
    }
    if (query[7].seen && !overdue) {
        acsa__server_problem(req, 400, "as_of", "as_of: needs overdue=true");
        return;
    }
    memcpy(f.after_number, scan.page.cursor, strlen(scan.page.cursor) + 1);
    f.state_set = query[2].seen;
    if (overdue) {
        acsa_order_overdue_rule(as_of, &f.due);
    }
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc =
        acsa_app_order_list(acsa__server_reader(req), &f, order_row, &scan, &err);
    acsa__server_page_respond(req, &scan.page, rc, &err, NULL);
}

/* ---- Raising an order ----------------------------------------------------------------- */

static enum acsa_rc order_create_job(struct acsa_app *app, struct request *req)
{
    struct order_args *args = req->job_args;
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_order_create(app, args->agreement_id, args->activity_id,
                                            &args->draft, args->command.day,
                                            req->user.display_name, args->number, &err);
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return rc;
    }
    /* The draft has served; the snapshot takes its place for the answer. */
    struct acsa_app_created stored;
    acsa_app_order_created(app, &stored);
    const struct acsa_order *order = stored.order;
    struct order_snapshot *created = &args->created;
    created->order = *order;
    created->activity = *stored.activity;
    created->event.id = stored.event_id;
    memcpy(created->event.order_number, order->number, sizeof(order->number));
    created->event.event = *stored.event;
    args->status = 201;
    acsa__server_response_empty(req, 201); /* The body is rendered by order_created_render. */
    return ACSA_OK;
}

/* Line index of the draft from one member of lines. */
static enum acsa_rc order_line(struct acsa_order_draft *d, const char *name, uint32_t index,
                               json_t *object, struct acsa_error *err)
{
    struct acsa_order_line *line = &d->lines[index];
    const char *price = NULL;
    const struct acsa_currency *currency = NULL;
    struct json_in_field fields[] = {
        JIN("category", JIN_TEXT, true, line->category, sizeof(line->category)),
        JIN("desc", JIN_TEXT, true, line->description, sizeof(line->description)),
        JIN("nsn", JIN_TEXT_EMPTY, false, line->nsn, sizeof(line->nsn)),
        JIN("qty", JIN_QUANTITY, true, &line->quantity_milli, 0),
        JIN("unit", JIN_TEXT, true, line->unit_of_issue, sizeof(line->unit_of_issue)),
        JIN("price", JIN_AMOUNT, true, &price, 0),
        JIN("currency", JIN_CURRENCY, true, &currency, 0),
    };
    char path[32];
    char field[48];
    snprintf(path, sizeof(path), "%s[%u]", name, index);
    enum acsa_rc rc = acsa__server_json_in_object(object, path, fields, LEN(fields), err);
    if (rc != ACSA_OK) {
        return rc;
    }
    snprintf(field, sizeof(field), "%s.price", path);
    snprintf(d->line_currency[index], ACSA_CURRENCY_SIZE, "%s", currency->code);
    return acsa__server_json_in_amount(price, currency, field, &line->price_minor, err);
}

static enum acsa_rc order_lines(struct acsa_order_draft *d, const char *name, json_t *lines,
                                struct acsa_error *err);

enum acsa_rc acsa__server_route_order_lines(struct acsa_order_draft *d, const char *name,
                                            json_t *lines, struct acsa_error *err)
{
    return order_lines(d, name, lines, err);
}

/* The lines of member name ("lines", or an amend's "add_lines"), each refusal naming
 * name[i].member. */
static enum acsa_rc order_lines(struct acsa_order_draft *d, const char *name, json_t *lines,
                                struct acsa_error *err)
{
    size_t count = json_array_size(lines);
    if (count > ACSA_ORDER_LINES_MAX) {
        return acsa_error_set(err, ACSA_EUSAGE, name, "%s: at most %d lines", name,
                              ACSA_ORDER_LINES_MAX);
    }
    enum acsa_rc rc = ACSA_OK;
    for (uint32_t i = 0; rc == ACSA_OK && i < count; i++) {
        rc = order_line(d, name, i, json_array_get(lines, i), err);
    }
    d->line_count = (uint32_t)count;
    return rc;
}

/* The body of POST /api/orders into args; false after answering. */
static bool order_create_parse(struct request *req, struct order_args *args)
{
    struct acsa_order_draft *d = &args->draft;
    json_t *lines = NULL;
    json_t *doc = NULL;
    d->need_by_day = ACSA_DATE_NONE;
    d->recorded_day = req->today;
    args->command.day = req->today;
    struct json_in_field fields[] = {
        JIN("agreement", JIN_TEXT, true, args->agreement_id, sizeof(args->agreement_id)),
        JIN("requester", JIN_NATION, true, d->requester, 0),
        JIN("supplier", JIN_NATION, true, d->supplier, 0),
        JIN("activity", JIN_ID, true, &args->activity_id, 0),
        JIN("method", JIN_METHOD, true, &d->method, 0),
        JIN("requester_unit", JIN_ID, true, &d->requester_unit_id, 0),
        JIN("supplier_unit", JIN_ID, true, &d->supplier_unit_id, 0),
        JIN("place", JIN_TEXT, true, d->place, sizeof(d->place)),
        JIN("need_by", JIN_DATE, true, &d->need_by_day, 0),
        JIN("date", JIN_DATE, false, &args->command.day, 0),
        JIN("lines", JIN_ARRAY, true, &lines, 0),
        JIN("backdate_reason", JIN_TEXT_EMPTY, false, d->backdate_reason,
            sizeof(d->backdate_reason)),
    };
    if (!acsa__server_json_in_request(req, fields, LEN(fields), &doc)) {
        return false;
    }
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = order_lines(d, "lines", lines, &err);
    json_decref(doc);
    if (rc != ACSA_OK) {
        acsa__server_refuse(req, 400, &err);
        return false;
    }
    return true;
}

void acsa__server_route_orders_create(struct request *req)
{
    struct order_args *args = acsa_calloc(1, sizeof(*args));
    if (args == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return;
    }
    if (!order_create_parse(req, args)) {
        acsa_free(args);
        return;
    }
    const struct acsa_order_draft *d = &args->draft;
    struct acsa_order_scope scope = {d->requester, d->supplier, d->requester_unit_id,
                                     d->supplier_unit_id};
    struct acsa_error err;
    acsa_error_clear(&err);
    if (acsa_authz_create(&req->user, &scope, &err) != ACSA_OK) {
        acsa_free(args);
        err.rc = ACSA_EFORBIDDEN;
        acsa__server_refuse(req, 403, &err);
        return;
    }
    acsa__server_submit(req, order_create_job, order_created_render, args);
}

/* ---- Steps ---------------------------------------------------------------------------- */

/* Loads the order and checks that the user may see it, may take the step, and acts on the
 * version If-Match names. Refusals are audited. */
static enum acsa_rc step_admit(struct acsa_app *app, struct request *req,
                               struct acsa_order *order)
{
    struct order_args *args = req->job_args;
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_order_get(app, args->number, order, NULL, &err);
    struct acsa_order_scope scope = acsa__server_order_scope(order);
    if (rc == ACSA_ENOTFOUND || (rc == ACSA_OK && !acsa_authz_order_visible(&req->user, &scope))) {
        acsa_error_set(&err, ACSA_ENOTFOUND, "number", "order %s not found", args->number);
        return acsa__server_job_refuse(app, req, 404, &err);
    }
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return rc;
    }
    if (acsa_authz_step(&req->user, &scope, args->command.step, &err) != ACSA_OK) {
        err.rc = ACSA_EFORBIDDEN;
        return acsa__server_job_refuse(app, req, 403, &err);
    }
    char etag[SERVER_HEADER_SIZE];
    snprintf(etag, sizeof(etag), "\"%s.%u\"", order->number, order->event_count);
    if (strcmp(etag, args->if_match) != 0) {
        acsa_error_set(&err, ACSA_ECONFLICT, "If-Match", "If-Match: the order is now at %s, "
                       "not %.64s; reload it", etag, args->if_match);
        return acsa__server_job_refuse(app, req, 412, &err);
    }
    return ACSA_OK;
}

static enum acsa_rc order_step_job(struct acsa_app *app, struct request *req)
{
    struct order_args *args = req->job_args;
    struct acsa_order *order = acsa_malloc(sizeof(*order));
    if (order == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return ACSA_ENOMEM;
    }
    enum acsa_rc rc = step_admit(app, req, order);
    acsa_free(order);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa_error err;
    acsa_error_clear(&err);
    if (args->command.step == ACSA_STEP_EXCHANGE) {
        const char *others[ACSA_EXCHANGE_WITH_MAX];
        for (uint32_t i = 0; i < args->with_count; i++) {
            others[i] = args->with[i];
        }
        rc = acsa_app_order_exchange_many(app, args->number, others, args->with_count,
                                          &args->command, &err);
    } else if (args->command.step == ACSA_STEP_AMEND) {
        rc = acsa_app_order_amend(app, args->number, &args->amend, &args->command, NULL, &err);
    } else {
        rc = acsa_app_order_step(app, args->number, &args->command, NULL, &err);
    }
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return rc;
    }
    args->status = 200;
    acsa__server_response_empty(req, 200); /* The body is rendered by order_render. */
    return ACSA_OK;
}

/* A payment's optional rate, its date and source, and the invoice it pays. Returns how many
 * fields it added. */
static size_t settlement_fields(struct json_in_field *fields, struct acsa_command *c,
                                const char **rate)
{
    size_t n = 0;
    fields[n++] = (struct json_in_field)JIN("rate", JIN_AMOUNT, false, rate, 0);
    fields[n++] = (struct json_in_field)JIN("rate_date", JIN_DATE, false, &c->rate_day, 0);
    fields[n++] = (struct json_in_field)JIN("rate_source", JIN_TEXT, false, c->rate_source,
                                            sizeof(c->rate_source));
    fields[n++] = (struct json_in_field)JIN("invoice", JIN_TEXT, false, c->invoice,
                                            sizeof(c->invoice));
    return n;
}

/* "rate" parsed exactly; "rate_date" and "rate_source" only with it; an invoice's "line" and
 * "qty" together or not at all. */
static enum acsa_rc settlement_check(struct acsa_command *c, const char *rate,
                                     struct acsa_error *err)
{
    if (rate != NULL) {
        return acsa_rate_parse(rate, "rate", &c->rate, err);
    }
    if (c->rate_day != ACSA_DATE_NONE || c->rate_source[0] != '\0') {
        return acsa_error_set(err, ACSA_EUSAGE, "rate", "rate: rate_date and rate_source go "
                              "with rate");
    }
    if (c->step == ACSA_STEP_INVOICE && (c->line_no == 0) != (c->quantity_milli == 0)) {
        return acsa_error_set(err, ACSA_EUSAGE, "line", "line: line and qty go together");
    }
    return ACSA_OK;
}

/* "with": the reverse orders of an exchange, 1 .. ACSA_EXCHANGE_WITH_MAX order numbers. */
static enum acsa_rc with_parse(struct order_args *args, json_t *with, struct acsa_error *err)
{
    size_t count = json_array_size(with);
    if (count > ACSA_EXCHANGE_WITH_MAX) {
        return acsa_error_set(err, ACSA_EUSAGE, "with", "with: at most %d reverse orders",
                              ACSA_EXCHANGE_WITH_MAX);
    }
    for (size_t i = 0; i < count; i++) {
        json_t *item = json_array_get(with, i);
        const char *text = json_is_string(item) ? json_string_value(item) : NULL;
        if (text == NULL || strlen(text) != json_string_length(item) || text[0] == '\0' ||
            strlen(text) >= ACSA_NUMBER_SIZE) {
            return acsa_error_set(err, ACSA_EUSAGE, "with", "with: item %zu is not an order "
                                  "number", i + 1);
        }
        enum acsa_rc rc = acsa_text_check(text, ACSA_TEXT_LINE, "with", err);
        if (rc != ACSA_OK) {
            return rc;
        }
        memcpy(args->with[i], text, strlen(text) + 1);
    }
    args->with_count = (uint32_t)count;
    return ACSA_OK;
}

/* The step's fields that need more than their JSON type checked, while doc still holds them:
 * the amount in its currency, the corrected step, the settlement and the orders exchanged with. */
static enum acsa_rc step_check(struct order_args *args, const char *amount,
                               const struct acsa_currency *currency, const char *rate,
                               json_t *with, struct acsa_error *err)
{
    struct acsa_command *c = &args->command;
    if (currency != NULL) {
        snprintf(c->currency, sizeof(c->currency), "%s", currency->code);
        ACSA_TRY(acsa__server_json_in_amount(amount, currency, "amount", &c->amount_minor, err));
    }
    if (args->corrected[0] != '\0') {
        ACSA_TRY(acsa__server_route_corrected_step(args->corrected, &c->corrected_step, err));
    }
    ACSA_TRY(settlement_check(c, rate, err));
    if (with != NULL) {
        ACSA_TRY(with_parse(args, with, err));
    }
    return ACSA_OK;
}

/* The body of a step into args; false after answering. */
static bool step_parse(struct request *req, struct order_args *args, unsigned needs)
{
    struct acsa_command *c = &args->command;
    const char *amount = NULL;
    const struct acsa_currency *currency = NULL;
    json_t *doc = NULL;
    if ((needs & ACSA_INPUT_AMEND) != 0) {
        return acsa__server_route_amend_parse(req, &args->amend, c);
    }
    const char *rate = NULL;
    struct json_in_field fields[13] = {
        JIN("date", JIN_DATE, false, &c->day, 0),
        JIN("backdate_reason", JIN_TEXT_EMPTY, false, c->backdate_reason,
            sizeof(c->backdate_reason)),
    };
    size_t n = 2;
    if ((needs & ACSA_INPUT_LINE_NO) != 0) {
        fields[n++] = (struct json_in_field)JIN("line", JIN_LINE_NO, true, &c->line_no, 0);
    }
    if ((needs & ACSA_INPUT_STEP) != 0) {
        fields[n++] = (struct json_in_field)JIN("corrected_step", JIN_TEXT, true,
                                                args->corrected, sizeof(args->corrected));
    }
    if ((needs & ACSA_INPUT_REASON) != 0) {
        fields[n++] = (struct json_in_field)JIN("reason", JIN_TEXT_EMPTY, false, c->reason,
                                                sizeof(c->reason));
    }
    if ((needs & ACSA_INPUT_LINE) != 0) {
        fields[n++] = (struct json_in_field)JIN("line", JIN_LINE_NO, true, &c->line_no, 0);
        fields[n++] = (struct json_in_field)JIN("qty", JIN_QUANTITY, true, &c->quantity_milli, 0);
    }
    if ((needs & ACSA_INPUT_AMOUNT) != 0) {
        fields[n++] = (struct json_in_field)JIN("amount", JIN_AMOUNT, true, &amount, 0);
        fields[n++] = (struct json_in_field)JIN("currency", JIN_CURRENCY, true, &currency, 0);
        n += settlement_fields(fields + n, c, &rate);
    }
    if ((needs & ACSA_INPUT_LINE_OPTIONAL) != 0) {
        fields[n++] = (struct json_in_field)JIN("line", JIN_LINE_NO, false, &c->line_no, 0);
        fields[n++] = (struct json_in_field)JIN("qty", JIN_QUANTITY, false, &c->quantity_milli,
                                                0);
    }
    json_t *with = NULL;
    if ((needs & ACSA_INPUT_WITH) != 0) {
        fields[n++] = (struct json_in_field)JIN("with", JIN_ARRAY, true, &with, 0);
        n += settlement_fields(fields + n, c, &rate) - 1; /* An exchange names no invoice. */
    }
    if (!acsa__server_json_in_request(req, fields, n, &doc)) {
        return false;
    }
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = step_check(args, amount, currency, rate, with, &err);
    json_decref(doc);
    if (rc != ACSA_OK) {
        acsa__server_refuse(req, 400, &err);
    }
    return rc == ACSA_OK;
}

void acsa__server_route_orders_step(struct request *req)
{
    unsigned needs = 0;
    enum acsa_step step = ACSA_STEP_CREATE;
    bool known = acsa_step_parse(req->params[1], &step) && acsa_step_inputs(step, &needs);
    snprintf(req->audit_object, sizeof(req->audit_object), "%.40s", req->params[0]);
    if (strlen(req->params[0]) >= ACSA_NUMBER_SIZE) {
        acsa__server_refusef(req, 404, ACSA_ENOTFOUND, "number", "order %.40s not found",
                             req->params[0]);
        return;
    }
    if (!known) {
        acsa__server_refusef(req, 404, ACSA_ENOTFOUND, "step",
                             "step: \"%.40s\" is not an order step", req->params[1]);
        return;
    }
    struct order_args *args = acsa_calloc(1, sizeof(*args));
    if (args == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return;
    }
    args->command.step = step;
    args->command.day = req->today;
    args->command.rate_day = ACSA_DATE_NONE;
    args->command.recorded_day = req->today;
    snprintf(args->command.actor, sizeof(args->command.actor), "%s", req->user.display_name);
    memcpy(args->number, req->params[0], strlen(req->params[0]) + 1); /* Length checked. */
    if (!step_parse(req, args, needs)) {
        acsa_free(args);
        return;
    }
    const char *if_match = acsa__server_header(req, "If-Match");
    if (if_match == NULL) {
        acsa_free(args);
        acsa__server_refusef(req, 428, ACSA_EUSAGE, "If-Match",
                "If-Match: required on order steps (send the order's ETag)");
        return;
    }
    snprintf(args->if_match, sizeof(args->if_match), "%s", if_match);
    acsa__server_submit(req, order_step_job, order_render, args);
}
