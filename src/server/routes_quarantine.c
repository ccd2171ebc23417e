/* SPDX-License-Identifier: MIT */
/* POST /api/quarantine/{id}/resolve: a programme officer's decision on a quarantine entry
 * (retry or drop), taken on the writer thread like every write. The route is for the
 * programme-officer role alone (MANAGE_NODE); the body names the officer and the reason. */
#include "server_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "quarantine.h"
#include "sync.h"
#include "alloc.h"

#define LEN(array) (sizeof(array) / sizeof((array)[0]))

struct resolve_args {
    int64_t id;
    char action[ACSA_QUARANTINE_WORD_SIZE];
    char by[ACSA_NAME_SIZE];
    char reason[ACSA_TEXT_SIZE];
};

static enum acsa_rc entry_json(void *ctx, const struct acsa_quarantine_row *row)
{
    json_t **out = ctx;
    *out = acsa_quarantine_json(row);
    return *out != NULL ? ACSA_OK : ACSA_ENOMEM;
}

/* Resolves the entry, then reads it back as JSON into *entry. */
static enum acsa_rc resolve_and_read(struct acsa_app *app, const struct resolve_args *args,
                                     json_t **entry, struct acsa_error *err)
{
    ACSA_TRY(acsa_app_quarantine_resolve(app, args->id, args->action, args->by, args->reason,
                                         (int64_t)time(NULL), err));
    return acsa_app_quarantine_get(app, args->id, entry_json, entry, err);
}

static enum acsa_rc resolve_job(struct acsa_app *app, struct request *req)
{
    const struct resolve_args *args = req->job_args;
    struct acsa_error err;
    acsa_error_clear(&err);
    json_t *entry = NULL;
    enum acsa_rc rc = resolve_and_read(app, args, &entry, &err);
    if (rc != ACSA_OK) {
        json_decref(entry);
        /* The app recorded the refusal (and a retry still refused) in the audit log. */
        acsa__server_problem_rc(req, rc, &err);
        return rc;
    }
    acsa__server_response_json(req, 200, entry);
    return ACSA_OK;
}

/* POST /api/quarantine/{id}/resolve {action: "retry"|"drop", by, reason}. */
void acsa__server_route_quarantine_resolve(struct request *req)
{
    struct resolve_args *args = acsa_calloc(1, sizeof(*args));
    if (args == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return;
    }
    snprintf(req->audit_object, sizeof(req->audit_object), "quarantine:%.40s", req->params[0]);
    struct json_in_field id = JIN("id", JIN_ID, true, &args->id, 0);
    struct json_in_field fields[] = {
        JIN("action", JIN_TEXT, true, args->action, sizeof(args->action)),
        JIN("by", JIN_TEXT, true, args->by, sizeof(args->by)),
        JIN("reason", JIN_TEXT, true, args->reason, sizeof(args->reason)),
    };
    struct acsa_error err;
    acsa_error_clear(&err);
    if (!acsa__server_json_in_request(req, fields, LEN(fields), NULL)) {
        acsa_free(args);
        return;
    }
    if (acsa__server_json_in_value(&id, req->params[0], &err) != ACSA_OK) {
        acsa_free(args);
        acsa__server_refuse(req, 404, &err);
        return;
    }
    acsa__server_submit(req, resolve_job, NULL, args);
}
