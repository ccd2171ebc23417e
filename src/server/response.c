/* SPDX-License-Identifier: MIT */
/* Responses: JSON bodies, RFC 9457 problems with the one table that maps result codes and
 * statuses to problem types, added headers, idempotent replays, and refusals of writes that
 * are recorded in the audit log before they are answered. */
#include "server_int.h"
#include "alloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The statuses the API answers with: the result code that maps to each (ACSA_OK for those
 * no code maps to), its problem type, title and what it means. The page of problem types
 * (GET /problems, readyz.c) is made from this table, so it lists every type that is sent. */
static const struct status_entry {
    int status;
    enum acsa_rc rc;
    const char *code;
    const char *title;
    const char *description;
} status_table[] = {
    {400, ACSA_EUSAGE, "invalid-input", "The request is not valid",
     "A field, parameter or header is missing, of the wrong type, out of range or not valid "
     "UTF-8; field names it. Correct the request; sending it again unchanged fails again."},
    {401, ACSA_OK, "not-signed-in", "Not signed in",
     "The route needs a signed-in user: sign in at POST /api/session (the session cookie) or "
     "send Authorization: Bearer with an API token (WWW-Authenticate says so)."},
    {403, ACSA_EFORBIDDEN, "forbidden", "Not allowed for this user",
     "Signed in, but the user's role or party may not do this, or the X-CSRF-Token of a "
     "cookie-authenticated write is missing or wrong."},
    {404, ACSA_ENOTFOUND, "not-found", "Not found",
     "No such route, or no such order, unit, user, document or other object (or one the user "
     "may not see)."},
    {405, ACSA_OK, "method-not-allowed", "Method not allowed",
     "The path exists but not with this method; Allow lists the methods it takes."},
    {409, ACSA_EEXISTS, "exists", "Already exists",
     "An object with this name, number or key exists already."},
    {412, ACSA_ECONFLICT, "changed", "Changed by someone else",
     "The If-Match ETag is no longer the object's: read it again and retry the change on what "
     "it is now."},
    {413, ACSA_OK, "too-large", "The body is too large",
     "The request body is larger than this route takes."},
    {415, ACSA_OK, "unsupported-media-type", "The body is not of a type this route takes",
     "Send the Content-Type the route documents (JSON, or a PDF, JPEG or PNG document)."},
    {422, ACSA_EREFUSED, "refused", "Refused by a rule of the agreement or the order's state",
     "Well formed, but a rule forbids it: the order's state, an agreement's term or limit, a "
     "date, or an Idempotency-Key used with another request. The refusal is in the audit log."},
    {422, ACSA_ELIMIT, "limit", "Beyond a limit of acsa",
     "A count or size beyond one of acsa's fixed limits (lines of an order, rows of an import)."},
    {428, ACSA_OK, "if-match-required", "If-Match is required",
     "Changing this object needs If-Match with the ETag last read, so that no change is lost."},
    {429, ACSA_ETHROTTLED, "throttled", "Too many attempts",
     "Too many sign-in attempts or requests from this address or for this user; Retry-After "
     "says when to try again."},
    {500, ACSA_ESTORAGE, "storage", "Storage error",
     "The database failed the request; nothing of it was written. The server log has the "
     "request's X-Request-Id."},
    {500, ACSA_ENOMEM, "out-of-memory", "Out of memory",
     "The server could not allocate memory for the request; nothing of it was written."},
    {502, ACSA_ENETWORK, "partner-unreachable", "The partner node could not be reached",
     "An exchange with a partner node failed: it did not answer, or answered wrongly."},
    {503, ACSA_OK, "busy", "The server is busy; retry",
     "The write queue is full, or the server holds as many large bodies as it may; retry "
     "after Retry-After seconds."},
    {503, ACSA_EUNAVAILABLE, "unavailable", "The database cannot be reached; retry",
     "The database did not answer (a failover, a restart); retry after Retry-After seconds."},
    {503, ACSA_OK, "not-ready", "The node is not ready",
     "GET /readyz: the database does not answer a read, or the writer does not commit a "
     "transaction in time (stopping, or the database is locked); detail says which."},
};

#define STATUS_COUNT (sizeof(status_table) / sizeof(status_table[0]))
/* The entry of code rc, or of 500 "storage" (ACSA_ESTORAGE) for a code with none of its own. */
static const struct status_entry *entry_of_rc(enum acsa_rc rc)
{
    const struct status_entry *storage = NULL;
    for (size_t i = 0; i < STATUS_COUNT; i++) {
        if (status_table[i].rc == rc && rc != ACSA_OK) {
            return &status_table[i];
        }
        if (status_table[i].rc == ACSA_ESTORAGE) {
            storage = &status_table[i];
        }
    }
    return storage;
}

/* The first entry of status, or that of 500 "storage" for a status not in the table. */
static const struct status_entry *entry_of_status(int status)
{
    for (size_t i = 0; i < STATUS_COUNT; i++) {
        if (status_table[i].status == status) {
            return &status_table[i];
        }
    }
    return entry_of_rc(ACSA_ESTORAGE);
}

size_t acsa__server_problem_type_count(void)
{
    return STATUS_COUNT;
}

void acsa__server_problem_type(size_t index, const char **code, int *status, const char **title,
                               const char **description)
{
    ACSA_ASSERT(index < STATUS_COUNT);
    const struct status_entry *e = &status_table[index];
    *code = e->code;
    *status = e->status;
    *title = e->title;
    *description = e->description;
}

int acsa__server_status_of_rc(enum acsa_rc rc)
{
    return entry_of_rc(rc)->status;
}

void acsa__server_response_free(struct response *response)
{
    if (!response->body_static) {
        acsa_free(response->body);
    }
    if (response->body_file) {
        close(response->file);
    }
    memset(response, 0, sizeof(*response));
}

char *acsa__server_json_text(json_t *doc, size_t *out_size)
{
    struct acsa_text t;
    acsa_text_init(&t, 2048);
    acsa_text_json(&t, doc);
    return acsa_text_take(&t, out_size);
}

static void set_body(struct request *req, int status, const char *content_type, char *text,
                     size_t size)
{
    struct response *r = &req->response;
    if (!r->body_static) {
        acsa_free(r->body);
    }
    if (r->body_file) {
        close(r->file);
        r->body_file = false;
    }
    r->status = status;
    r->body = text;
    r->size = size;
    r->body_static = false;
    r->content_type = content_type;
}

void acsa__server_response_file(struct request *req, int status, const char *content_type,
                                int fd, uint64_t size)
{
    set_body(req, status, content_type, NULL, 0);
    req->response.file = fd;
    req->response.body_file = true;
    req->response.size = (size_t)size;
}

void acsa__server_response_text(struct request *req, int status, const char *content_type,
                                char *text, size_t size)
{
    set_body(req, status, content_type, text, size);
}

void acsa__server_response_json(struct request *req, int status, json_t *doc)
{
    size_t size = 0;
    char *text = acsa__server_json_text(doc, &size);
    json_decref(doc);
    if (text == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return;
    }
    set_body(req, status, "application/json", text, size);
}

void acsa__server_response_static(struct request *req, const char *content_type,
                                  const unsigned char *data, size_t size)
{
    set_body(req, 200, content_type, NULL, 0);
    req->response.body = (char *)data;
    req->response.size = size;
    req->response.body_static = true;
}

void acsa__server_response_empty(struct request *req, int status)
{
    set_body(req, status, NULL, NULL, 0);
}

void acsa__server_response_header(struct request *req, const char *name, const char *format, ...)
{
    struct response *r = &req->response;
    ACSA_ASSERT(r->header_count < SERVER_HEADERS_MAX); /* A handler adds too many headers. */
    ACSA_ASSERT(r->status != 0);                        /* Headers follow a status. */
    va_list args;
    va_start(args, format);
    vsnprintf(r->header_values[r->header_count], SERVER_HEADER_SIZE, format, args);
    va_end(args);
    r->header_names[r->header_count++] = name;
}

void acsa__server_response_replay(struct request *req, int status, char *body)
{
    size_t size = body != NULL ? strlen(body) : 0;
    const char *type = status >= 400 ? "application/problem+json" : "application/json";
    set_body(req, status, size > 0 ? type : NULL, body, size);
    acsa__server_response_header(req, "Idempotency-Replayed", "true");
}

static void problem_entry(struct request *req, const struct status_entry *entry, int status,
                          const char *field, const char *detail)
{
    /* Headers added so far belonged to the success the handler expected; a problem drops
     * them, but keeps Retry-After and Allow, added after it. */
    req->response.header_count = 0;
    char type[96];
    snprintf(type, sizeof(type), SERVER_PROBLEM_BASE "%s", entry->code);
    /* The detail may quote what was sent or stored: repaired, so a problem always renders. */
    json_t *doc = json_pack("{s:s, s:s, s:i, s:o, s:o}", "type", type, "title", entry->title,
                            "status", status, "detail", acsa_json_string(detail), "field",
                            field != NULL && field[0] != '\0' ? acsa_json_string(field)
                                                               : json_null());
    size_t size = 0;
    char *text = acsa__server_json_text(doc, &size);
    json_decref(doc);
    set_body(req, status, "application/problem+json", text, size);
}

void acsa__server_problem(struct request *req, int status, const char *field, const char *format,
                          ...)
{
    char detail[ACSA_ERROR_MESSAGE_SIZE];
    va_list args;
    va_start(args, format);
    vsnprintf(detail, sizeof(detail), format, args);
    va_end(args);
    problem_entry(req, entry_of_status(status), status, field, detail);
}

void acsa__server_problem_code(struct request *req, int status, const char *code,
                               const char *format, ...)
{
    const struct status_entry *entry = entry_of_status(status);
    for (size_t i = 0; i < STATUS_COUNT; i++) {
        if (strcmp(status_table[i].code, code) == 0) {
            entry = &status_table[i];
        }
    }
    ACSA_ASSERT(entry->status == status); /* A code of the table, with its own status. */
    char detail[ACSA_ERROR_MESSAGE_SIZE];
    va_list args;
    va_start(args, format);
    vsnprintf(detail, sizeof(detail), format, args);
    va_end(args);
    problem_entry(req, entry, status, NULL, detail);
}

void acsa__server_problem_rc(struct request *req, enum acsa_rc rc, const struct acsa_error *err)
{
    const struct status_entry *entry = entry_of_rc(rc);
    const char *detail = err != NULL && err->message[0] != '\0' ? err->message
                                                                 : acsa_rc_text(rc);
    problem_entry(req, entry, entry->status, err != NULL ? err->field : NULL, detail);
    if (rc == ACSA_EUNAVAILABLE) {
        acsa__server_response_header(req, "Retry-After", "1");
    }
}

enum acsa_rc acsa__server_job_refused(struct acsa_app *app, struct request *req)
{
    char action[ACSA_NAME_SIZE];
    struct acsa_error err;
    acsa_error_clear(&err);
    acsa__server_request_audit_action(req, action, sizeof(action));
    enum acsa_rc rc = acsa_app_audit(app, action, req->audit_object, req->audit_err.rc,
                                     req->audit_err.message, &err);
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return rc;
    }
    const struct status_entry *entry = entry_of_status(req->refused_status);
    problem_entry(req, entry, req->refused_status, req->audit_err.field,
                  req->audit_err.message);
    return req->audit_err.rc;
}

enum acsa_rc acsa__server_job_refuse(struct acsa_app *app, struct request *req, int status,
                        const struct acsa_error *err)
{
    req->audit_err = *err;
    req->refused_status = status != 0 ? status : acsa__server_status_of_rc(err->rc);
    ACSA_TRY(acsa__server_job_refused(app, req));
    return err->rc;
}

void acsa__server_refuse(struct request *req, int status, const struct acsa_error *err)
{
    ACSA_ASSERT(err->rc != ACSA_OK);
    ACSA_ASSERT(status == 0 || status >= 400);
    req->audit_err = *err;
    req->refused_status = status != 0 ? status : acsa__server_status_of_rc(err->rc);
    bool write = strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0;
    if (write && req->signed_in && req->route != NULL) {
        acsa__server_submit(req, acsa__server_job_refused, NULL, NULL);
        return;
    }
    const struct status_entry *entry = entry_of_status(req->refused_status);
    problem_entry(req, entry, req->refused_status, err->field, err->message);
}

void acsa__server_refusef(struct request *req, int status, enum acsa_rc rc, const char *field,
             const char *format, ...)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    err.rc = rc;
    snprintf(err.field, sizeof(err.field), "%s", field != NULL ? field : "");
    va_list args;
    va_start(args, format);
    vsnprintf(err.message, sizeof(err.message), format, args);
    va_end(args);
    acsa__server_refuse(req, status, &err);
}
