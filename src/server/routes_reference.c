/* SPDX-License-Identifier: MIT */
/* Reference data: agreements (listed, shown in their file format, loaded), units, officials
 * with their limits, and activities; every list paged, every addition a writer job. */
#include "grant_json.h"
#include "server_int.h"
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

#include "agreement_json.h"

#define LEN(array) (sizeof(array) / sizeof((array)[0]))

/* Answers a new object: 201, Location, and the body. */
static void created(struct request *req, json_t *doc, const char *kind, const char *id)
{
    acsa__server_response_json(req, 201, doc);
    acsa__server_response_header(req, "Location", "/api/%s/%s", kind, id);
}

static void *args_new(struct request *req, size_t size)
{
    void *args = acsa_calloc(1, size);
    if (args == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
    }
    return args;
}

/* A list with only ?cursor= and ?limit=: the query checked, the page ready. */
static bool list_begin(struct request *req, struct page *page)
{
    acsa__server_page_init(page, true);
    struct json_in_field query[] = {PAGE_QUERY(page)};
    return acsa__server_query_parse(req, query, LEN(query));
}

/* ---- Agreements ----------------------------------------------------------------------- */

struct agreement_scan {
    struct page page;
    int32_t today;
};

static enum acsa_rc agreement_row(void *ctx, const struct acsa_agreement *agreement)
{
    struct agreement_scan *scan = ctx;
    return acsa__server_page_offer(&scan->page, agreement->id,
                      acsa_agreement_summary_json(agreement, scan->today));
}

void acsa__server_route_agreements_list(struct request *req)
{
    struct agreement_scan scan;
    if (!list_begin(req, &scan.page)) {
        return;
    }
    scan.today = req->today;
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc =
        acsa_app_agreement_list(acsa__server_reader(req), agreement_row, &scan, &err);
    acsa__server_page_respond(req, &scan.page, rc, &err, NULL);
}

/* The agreement id in its file format into *text; agreement is the work area (NULL when it
 * could not be allocated). */
static enum acsa_rc agreement_text(struct acsa_app *app, const char *id,
                                   struct acsa_agreement *agreement, char **text,
                                   struct acsa_error *err)
{
    if (agreement == NULL) {
        return ACSA_ENOMEM;
    }
    ACSA_TRY(acsa_app_agreement_get(app, id, agreement, err));
    return acsa_agreement_to_json(agreement, text, err);
}

/* Answers the agreement id in its file format (status 200 or 201). */
static enum acsa_rc agreement_answer(struct acsa_app *app, struct request *req, const char *id,
                                     int status)
{
    struct acsa_agreement *agreement = acsa_malloc(sizeof(*agreement));
    struct acsa_error err;
    acsa_error_clear(&err);
    char *text = NULL;
    enum acsa_rc rc = agreement_text(app, id, agreement, &text, &err);
    acsa_free(agreement);
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return rc;
    }
    acsa__server_response_text(req, status, "application/json", text, strlen(text));
    if (status == 201) {
        acsa__server_response_header(req, "Location", "/api/agreements/%s", id);
    }
    return ACSA_OK;
}

void acsa__server_route_agreements_get(struct request *req)
{
    if (acsa__server_query_parse(req, NULL, 0)) {
        (void)agreement_answer(acsa__server_reader(req), req, req->params[0], 200);
    }
}

static enum acsa_rc agreement_load_job(struct acsa_app *app, struct request *req)
{
    char id[ACSA_ID_SIZE];
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_agreement_load(app, req->body, req->body_size, id, &err);
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return rc;
    }
    return agreement_answer(app, req, id, 201);
}

void acsa__server_route_agreements_create(struct request *req)
{
    json_t *doc = NULL;
    if (req->body_size == 0) {
        acsa__server_refusef(req, 400, ACSA_EUSAGE, "body",
                             "body: an agreement document is required");
        return;
    }
    if (!acsa__server_json_in_body(req, &doc)) {
        return; /* Not JSON: 415 or 400 with line and column; the rules are the loader's. */
    }
    json_decref(doc);
    acsa__server_submit(req, agreement_load_job, NULL, NULL);
}

/* ---- Units ---------------------------------------------------------------------------- */

static enum acsa_rc unit_row(void *ctx, int64_t id, const char *party, const char *name)
{
    char key[24];
    snprintf(key, sizeof(key), "%lld", (long long)id);
    return acsa__server_page_offer(ctx, key, acsa_unit_json(id, party, name));
}

void acsa__server_route_units_list(struct request *req)
{
    struct page page;
    if (!list_begin(req, &page)) {
        return;
    }
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_unit_list(acsa__server_reader(req), unit_row, &page, &err);
    acsa__server_page_respond(req, &page, rc, &err, NULL);
}

struct unit_args {
    char party[ACSA_NATION_SIZE];
    char name[ACSA_NAME_SIZE];
    const char *limit;                       /* Officials: the limit, in currency. */
    const struct acsa_currency *currency;
    int64_t limit_minor;
    char service[ACSA_CODE_SIZE];            /* Units: the participating service. */
};

static enum acsa_rc unit_add_job(struct acsa_app *app, struct request *req)
{
    struct unit_args *args = req->job_args;
    int64_t id = 0;
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_unit_add_service(app, args->party, args->name,
                                                args->service[0] != '\0' ? args->service : NULL,
                                                &id, &err);
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return rc;
    }
    char key[24];
    snprintf(key, sizeof(key), "%lld", (long long)id);
    created(req, acsa_unit_json(id, args->party, args->name), "units", key);
    return ACSA_OK;
}

void acsa__server_route_units_create(struct request *req)
{
    struct unit_args *args = args_new(req, sizeof(*args));
    if (args == NULL) {
        return;
    }
    struct json_in_field fields[] = {
        JIN("party", JIN_NATION, true, args->party, 0),
        JIN("name", JIN_TEXT, true, args->name, sizeof(args->name)),
        JIN("service", JIN_TEXT, false, args->service, sizeof(args->service)),
    };
    if (!acsa__server_json_in_request(req, fields, LEN(fields), NULL)) {
        acsa_free(args);
        return;
    }
    acsa__server_submit(req, unit_add_job, NULL, args);
}

/* ---- Officials: dated grants of authority ------------------------------------------------ */

static enum acsa_rc grant_row(void *ctx, const struct acsa_grant *grant, const char *origin,
                              int64_t origin_id)
{
    (void)origin_id;
    char key[24];
    snprintf(key, sizeof(key), "%lld", (long long)grant->id);
    return acsa__server_page_offer(ctx, key, acsa_grant_json(grant, origin));
}

/* GET /api/officials[?as_of=DATE][&all=true][&format=csv]: the grants in force on as_of
 * (default today); all=true lists every grant ever made, ended and revoked ones included. */
static const char *const official_columns[] = {
    "id", "party", "name", "title", "agreement", "currency", "limit", "from", "to", "revoked",
    "revoke_reason", "last_day", "origin",
};

void acsa__server_route_officials_list(struct request *req)
{
    struct page page;
    acsa__server_page_init(&page, true);
    int32_t as_of = req->today;
    bool all = false;
    struct json_in_field query[] = {
        PAGE_QUERY(&page),
        PAGE_FORMAT(&page),
        JIN("as_of", JIN_DATE, false, &as_of, 0),
        JIN("all", JIN_BOOL, false, &all, 0),
    };
    if (!acsa__server_query_parse(req, query, LEN(query)) ||
        !acsa__server_page_format(req, &page, official_columns, LEN(official_columns),
                                  "officials")) {
        return;
    }
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_grant_list(acsa__server_reader(req), NULL, NULL,
                                          all ? ACSA_DATE_NONE : as_of, grant_row, &page, &err);
    acsa__server_page_respond(req, &page, rc, &err, NULL);
}

struct grant_args {
    struct acsa_grant grant;
    const char *limit;
    const struct acsa_currency *currency;
    char reason[ACSA_TEXT_SIZE];
};

static enum acsa_rc official_add_job(struct acsa_app *app, struct request *req)
{
    struct grant_args *args = req->job_args;
    int64_t id = 0;
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_grant_add(app, &args->grant, &id, &err);
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return rc;
    }
    args->grant.id = id;
    char key[24];
    snprintf(key, sizeof(key), "%lld", (long long)id);
    created(req, acsa_grant_json(&args->grant, NULL), "officials", key);
    return ACSA_OK;
}

/* POST /api/officials {party, name, title, limit, currency, from, to?, agreement?}: a new
 * dated grant; earlier grants stay. */
void acsa__server_route_officials_create(struct request *req)
{
    struct grant_args *args = args_new(req, sizeof(*args));
    if (args == NULL) {
        return;
    }
    struct acsa_grant *g = &args->grant;
    g->to_day = ACSA_DATE_NONE;
    g->revoked_day = ACSA_DATE_NONE;
    struct json_in_field fields[] = {
        JIN("party", JIN_NATION, true, g->party, 0),
        JIN("name", JIN_TEXT, true, g->name, sizeof(g->name)),
        JIN("title", JIN_TEXT, true, g->title, sizeof(g->title)),
        JIN("limit", JIN_AMOUNT, true, &args->limit, 0),
        JIN("currency", JIN_CURRENCY, true, &args->currency, 0),
        JIN("from", JIN_DATE, true, &g->from_day, 0),
        JIN("to", JIN_DATE, false, &g->to_day, 0),
        JIN("agreement", JIN_TEXT_EMPTY, false, g->agreement_id, sizeof(g->agreement_id)),
    };
    json_t *doc = NULL;
    if (!acsa__server_json_in_request(req, fields, LEN(fields), &doc)) {
        acsa_free(args);
        return;
    }
    struct acsa_error err;
    acsa_error_clear(&err);
    g->currency = *args->currency;
    enum acsa_rc rc =
        acsa__server_json_in_amount(args->limit, args->currency, "limit", &g->limit_minor, &err);
    json_decref(doc);
    if (rc != ACSA_OK) {
        acsa_free(args);
        acsa__server_refuse(req, 400, &err);
        return;
    }
    acsa__server_submit(req, official_add_job, NULL, args);
}

static enum acsa_rc official_revoke_job(struct acsa_app *app, struct request *req)
{
    struct grant_args *args = req->job_args;
    const struct acsa_grant *g = &args->grant;
    uint32_t count = 0;
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_official_revoke(app, g->party, g->name, g->revoked_day,
                                               args->reason, &count, &err);
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return rc;
    }
    acsa__server_response_json(req, 200,
                               json_pack("{s:o, s:o, s:o, s:I}", "party", acsa_json_text(g->party),
                                         "name", acsa_json_text(g->name), "date",
                                         acsa_json_date(g->revoked_day), "revoked",
                                         (json_int_t)count));
    return ACSA_OK;
}

/* POST /api/officials/revoke {party, name, date, reason}: ends every grant of the official
 * from date on; the grants stay, with the revocation. */
void acsa__server_route_officials_revoke(struct request *req)
{
    struct grant_args *args = args_new(req, sizeof(*args));
    if (args == NULL) {
        return;
    }
    struct acsa_grant *g = &args->grant;
    struct json_in_field fields[] = {
        JIN("party", JIN_NATION, true, g->party, 0),
        JIN("name", JIN_TEXT, true, g->name, sizeof(g->name)),
        JIN("date", JIN_DATE, true, &g->revoked_day, 0),
        JIN("reason", JIN_TEXT, true, args->reason, sizeof(args->reason)),
    };
    if (!acsa__server_json_in_request(req, fields, LEN(fields), NULL)) {
        acsa_free(args);
        return;
    }
    acsa__server_submit(req, official_revoke_job, NULL, args);
}

/* ---- Activities ----------------------------------------------------------------------- */

static enum acsa_rc activity_row(void *ctx, const struct acsa_activity *activity)
{
    char key[24];
    snprintf(key, sizeof(key), "%lld", (long long)activity->id);
    return acsa__server_page_offer(ctx, key, acsa_activity_json(activity));
}

void acsa__server_route_activities_list(struct request *req)
{
    struct page page;
    char agreement[ACSA_ID_SIZE] = "";
    acsa__server_page_init(&page, true);
    struct json_in_field query[] = {
        PAGE_QUERY(&page),
        JIN("agreement", JIN_TEXT, false, agreement, sizeof(agreement)),
    };
    if (!acsa__server_query_parse(req, query, LEN(query))) {
        return;
    }
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_activity_list(acsa__server_reader(req),
                                             query[2].seen ? agreement : NULL, activity_row,
                                             &page, &err);
    acsa__server_page_respond(req, &page, rc, &err, NULL);
}

/* Adds the activity, then reads it back as stored. */
static enum acsa_rc activity_add_and_read(struct acsa_app *app, struct acsa_activity *activity,
                                          struct acsa_error *err)
{
    ACSA_TRY(acsa_app_activity_add(app, activity, &activity->id, err));
    return acsa_app_activity_get(app, activity->id, activity, err);
}

static enum acsa_rc activity_add_job(struct acsa_app *app, struct request *req)
{
    struct acsa_activity *activity = req->job_args;
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = activity_add_and_read(app, activity, &err);
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return rc;
    }
    char key[24];
    snprintf(key, sizeof(key), "%lld", (long long)activity->id);
    created(req, acsa_activity_json(activity), "activities", key);
    return ACSA_OK;
}

void acsa__server_route_activities_create(struct request *req)
{
    struct acsa_activity *a = args_new(req, sizeof(*a));
    if (a == NULL) {
        return;
    }
    struct json_in_field fields[] = {
        JIN("agreement", JIN_TEXT, true, a->agreement_id, sizeof(a->agreement_id)),
        JIN("name", JIN_TEXT, true, a->name, sizeof(a->name)),
        JIN("type", JIN_TEXT, true, a->type, sizeof(a->type)),
        JIN("from", JIN_DATE, true, &a->from_day, 0),
        JIN("to", JIN_DATE, true, &a->to_day, 0),
        JIN("place", JIN_TEXT_EMPTY, false, a->place, sizeof(a->place)),
        JIN("reason", JIN_TEXT_EMPTY, false, a->reason, sizeof(a->reason)),
    };
    if (!acsa__server_json_in_request(req, fields, LEN(fields), NULL)) {
        acsa_free(a);
        return;
    }
    acsa__server_submit(req, activity_add_job, NULL, a);
}
