/* SPDX-License-Identifier: MIT */
/* The agreement's lifecycle over HTTP: amend ({"effective": DATE, "agreement": {...}}),
 * notice ({"date"}) and terminate ({"date", "reason"}); each answers the agreement's
 * lifecycle (status, last day, versions). */
#include "server_int.h"
#include "alloc.h"

#include <stdio.h>
#include <string.h>

#include "date.h"
#include "text.h"

#define LEN(array) (sizeof(array) / sizeof((array)[0]))

struct life_args {
    char id[ACSA_ID_SIZE];
    int32_t date;
    char reason[ACSA_TEXT_SIZE];
    bool amend;
    char text[];          /* amend: the agreement document, compact JSON. */
};

static void life_free(struct life_args *args)
{
    acsa_free(args);
}

static enum acsa_rc life_answer(struct acsa_app *app, struct request *req, const char *id)
{
    struct acsa_agreement_info *info = acsa_malloc(sizeof(*info));
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = info == NULL ? ACSA_ENOMEM
                                   : acsa_app_agreement_info(app, id, req->today, info, &err);
    if (rc != ACSA_OK) {
        acsa_free(info);
        acsa__server_problem_rc(req, rc, &err);
        return rc;
    }
    char date[ACSA_DATE_TEXT_SIZE];
    json_t *versions = json_array();
    for (uint32_t i = 0; versions != NULL && i < info->version_count; i++) {
        acsa_date_format(info->effective[i], date);
        json_array_append_new(versions, json_pack("{s:i, s:s, s:s, s:s}", "version", (int)i + 1,
                                                  "effective", date, "sha256", info->hash[i],
                                                  "entered_by", info->entered_by[i]));
    }
    json_t *doc = json_pack("{s:s, s:s, s:o}", "id", id, "status", info->status, "versions",
                            versions);
    if (doc != NULL && info->last_day != ACSA_DATE_NONE) {
        acsa_date_format(info->last_day, date);
        json_object_set_new(doc, "last_day", json_string(date));
    }
    if (doc != NULL) {
        acsa_date_format(info->notice_day, date);
        json_object_set_new(doc, "notice", info->notice_day == ACSA_DATE_NONE ? json_null()
                            : json_pack("{s:s, s:s}", "date", date, "by", info->notice_by));
        acsa_date_format(info->terminated_day, date);
        json_object_set_new(doc, "termination", info->terminated_day == ACSA_DATE_NONE
                            ? json_null()
                            : json_pack("{s:s, s:s, s:s}", "date", date, "by",
                                        info->terminated_by, "reason", info->reason));
    }
    acsa_free(info);
    acsa__server_response_json(req, 200, doc);
    return ACSA_OK;
}

static enum acsa_rc life_job(struct acsa_app *app, struct request *req)
{
    struct life_args *args = req->job_args;
    struct acsa_error err;
    acsa_error_clear(&err);
    char id[ACSA_ID_SIZE];
    enum acsa_rc rc = ACSA_OK;
    if (args->amend) {
        rc = acsa_app_agreement_amend(app, args->text, strlen(args->text), args->date, id, &err);
    } else if (args->reason[0] != '\0') {
        rc = acsa_app_agreement_terminate(app, args->id, args->date, args->reason, &err);
    } else {
        rc = acsa_app_agreement_notice(app, args->id, args->date, &err);
    }
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return rc;
    }
    return life_answer(app, req, args->id);
}

static struct life_args *life_new(struct request *req)
{
    struct life_args *args = acsa_calloc(1, sizeof(*args));
    if (args == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return NULL;
    }
    snprintf(args->id, sizeof(args->id), "%.*s", (int)sizeof(args->id) - 1, req->params[0]);
    return args;
}

void acsa__server_route_agreement_notice(struct request *req)
{
    struct life_args *args = life_new(req);
    struct json_in_field fields[] = {JIN("date", JIN_DATE, true, args ? &args->date : NULL, 0)};
    if (args == NULL || !acsa__server_json_in_request(req, fields, LEN(fields), NULL)) {
        life_free(args);
        return;
    }
    acsa__server_submit(req, life_job, NULL, args);
}

void acsa__server_route_agreement_terminate(struct request *req)
{
    struct life_args *args = life_new(req);
    if (args == NULL) {
        return;
    }
    struct json_in_field fields[] = {
        JIN("date", JIN_DATE, true, &args->date, 0),
        JIN("reason", JIN_TEXT, true, args->reason, sizeof(args->reason)),
    };
    if (!acsa__server_json_in_request(req, fields, LEN(fields), NULL)) {
        life_free(args);
        return;
    }
    acsa__server_submit(req, life_job, NULL, args);
}

/* The first member of an amend's body other than effective and agreement, or NULL (also for a
 * body that is not an object, refused below as missing its members). Its name has passed no
 * text rule yet: NULL for one that does not pass it, refused then as missing members too. */
static const char *unknown_member(json_t *doc)
{
    const char *key = NULL;
    json_t *value = NULL;
    json_object_foreach(doc, key, value) {
        (void)value;
        if (strcmp(key, "effective") != 0 && strcmp(key, "agreement") != 0) {
            struct acsa_error err;
            acsa_error_clear(&err);
            bool printable = strlen(key) < 64 &&
                             acsa_text_check(key, ACSA_TEXT_LINE, "member name", &err) == ACSA_OK;
            return printable ? key : "member name";
        }
    }
    return NULL;
}

void acsa__server_route_agreement_amend(struct request *req)
{
    struct life_args *args = life_new(req);
    json_t *doc = NULL;
    if (args == NULL || !acsa__server_json_in_body(req, &doc)) {
        life_free(args);
        return;
    }
    json_t *agreement = json_object_get(doc, "agreement");
    const char *effective = json_string_value(json_object_get(doc, "effective"));
    const char *id = json_string_value(json_object_get(agreement, "id"));
    const char *unknown = unknown_member(doc);
    struct acsa_error err;
    acsa_error_clear(&err);
    if (unknown != NULL) {
        acsa__server_refusef(req, 400, ACSA_EUSAGE, unknown, "%s: unknown member", unknown);
    } else if (effective == NULL ||
               acsa_date_parse(effective, "effective", &args->date, &err) != 0) {
        acsa__server_refusef(req, 400, ACSA_EUSAGE, "effective",
                             "effective: a date YYYY-MM-DD is required");
    } else if (!json_is_object(agreement) || id == NULL || strcmp(id, args->id) != 0) {
        acsa__server_refusef(req, 400, ACSA_EUSAGE, "agreement",
                             "agreement: the agreement document, with "
                             "the id %s of the path, is required",
                             args->id);
    } else {
        /* The document travels inside the job's arguments, which the writer frees whole. */
        char *text = json_dumps(agreement, JSON_COMPACT);
        size_t size = text != NULL ? strlen(text) + 1 : 0;
        struct life_args *grown = text != NULL ? acsa_realloc(args, sizeof(*args) + size) : NULL;
        if (grown != NULL) {
            args = grown;
            memcpy(args->text, text, size);
            args->amend = true;
        } else {
            acsa__server_problem(req, 500, NULL, "out of memory");
        }
        acsa_free(text);
    }
    json_decref(doc);
    if (!args->amend) {
        life_free(args);
        return;
    }
    acsa__server_submit(req, life_job, NULL, args);
}

void acsa__server_route_agreement_lifecycle(struct request *req)
{
    if (acsa__server_query_parse(req, NULL, 0)) {
        (void)life_answer(acsa__server_reader(req), req, req->params[0]);
    }
}
