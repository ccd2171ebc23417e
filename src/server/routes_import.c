/* SPDX-License-Identifier: MIT */
/* POST /api/import/orders[?dry_run=true]: a CSV of order lines (text/csv, at most
 * SERVER_IMPORT_BODY_MAX), imported on the writer thread by the application's import.h, all
 * or nothing; the answer lists the orders (created, or those a dry run would create), or, as
 * a problem, every error by row and column. */
#include "server_int.h"

#include <string.h>

#include "alloc.h"
#include "import.h"
#include "json_text.h"

_Static_assert(SERVER_IMPORT_BODY_MAX == ACSA_IMPORT_BYTES_MAX,
               "the API takes every file the import reads, and no larger");
_Static_assert(SERVER_IMPORT_BODY_MAX <= ACSA_BATCH_BYTES_MAX,
               "an import body is a large body within the bound of what clients hold");

struct import_args {
    bool dry_run;
};

/* The members of the import after the problem's own (its closing brace replaced). */
static void problem_with_errors(struct request *req, const struct acsa_import_result *r)
{
    struct response *resp = &req->response;
    if (resp->body == NULL || resp->size == 0 || resp->body[resp->size - 1] != '}') {
        return;
    }
    struct acsa_text t;
    acsa_text_init(&t, resp->size + 1024);
    acsa_text_raw(&t, resp->body, resp->size - 1);
    ACSA_TEXT_LIT(&t, ",");
    acsa_import_json_members(r, &t);
    ACSA_TEXT_LIT(&t, "}");
    size_t size = 0;
    char *text = acsa_text_take(&t, &size);
    if (text != NULL) {
        acsa_free(resp->body);
        resp->body = text;
        resp->size = size;
    }
}

static enum acsa_rc import_job(struct acsa_app *app, struct request *req)
{
    const struct import_args *args = req->job_args;
    struct acsa_import_result *r = acsa_calloc(1, sizeof(*r));
    struct acsa_error err;
    acsa_error_clear(&err);
    if (r == NULL) {
        acsa_error_set(&err, ACSA_ENOMEM, "", "out of memory");
        acsa__server_problem_rc(req, ACSA_ENOMEM, &err);
        return ACSA_ENOMEM;
    }
    enum acsa_rc rc = acsa_app_import_orders(app, req->body, req->body_size, args->dry_run,
                                             req->user.display_name, req->today, &req->user, r,
                                             &err);
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        if (!acsa_rc_fatal(rc)) {
            problem_with_errors(req, r);
        }
    } else {
        struct acsa_text t;
        acsa_text_init(&t, 1024);
        ACSA_TEXT_LIT(&t, "{");
        acsa_import_json_members(r, &t);
        ACSA_TEXT_LIT(&t, "}");
        size_t size = 0;
        char *text = acsa_text_take(&t, &size);
        if (text == NULL) {
            rc = acsa_error_set(&err, ACSA_ENOMEM, "", "out of memory");
            acsa__server_problem_rc(req, rc, &err);
        } else {
            acsa__server_response_text(req, args->dry_run ? 200 : 201, "application/json",
                                       text, size);
        }
    }
    acsa_import_result_free(r);
    acsa_free(r);
    return rc;
}

void acsa__server_route_import_orders(struct request *req)
{
    char dry_run[8] = "";
    struct json_in_field query[] = {
        JIN("dry_run", JIN_TEXT, false, dry_run, sizeof(dry_run)),
    };
    if (!acsa__server_query_parse(req, query, sizeof(query) / sizeof(query[0]))) {
        return;
    }
    bool dry = strcmp(dry_run, "1") == 0 || strcmp(dry_run, "true") == 0;
    if (dry_run[0] != '\0' && !dry && strcmp(dry_run, "0") != 0 &&
        strcmp(dry_run, "false") != 0) {
        acsa__server_refusef(req, 400, ACSA_EUSAGE, "dry_run",
                             "dry_run: must be true, false, 1 or 0");
        return;
    }
    const char *type = acsa__server_header(req, "Content-Type");
    if (type == NULL || strncmp(type, "text/csv", 8) != 0 ||
        (type[8] != '\0' && type[8] != ';')) {
        acsa__server_refusef(req, 415, ACSA_EUSAGE, "Content-Type",
                             "Content-Type: the body must be text/csv");
        return;
    }
    struct import_args *args = acsa_calloc(1, sizeof(*args));
    if (args == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return;
    }
    args->dry_run = dry;
    acsa__server_submit(req, import_job, NULL, args);
}
