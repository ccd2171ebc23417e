/* SPDX-License-Identifier: MIT */
/* Supporting documents over HTTP: upload a file to a line (the raw file is the body; its type
 * is told by its content, never by Content-Type), list an order's documents, download one as
 * an attachment. An upload may be far larger than any other body of a user, so it is admitted
 * only on its route, after sign-in, the CSRF check of a session, the order and the user's right
 * to attach to it, all settled on the headers before a byte of the body is read; the body is
 * then counted against ACSA_DOCUMENT_BYTES_MAX as it arrives and held in one of the server's
 * SERVER_LARGE_BODIES_MAX slots. */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "app_limits.h"
#include "document_json.h"
#include "server_int.h"

struct upload_query {
    uint32_t line;
    char kind[ACSA_DOCUMENT_KIND_SIZE];
};

/* The query of an upload: line (1 .. ACSA_ORDER_LINES_MAX) and kind; false after answering. */
static bool upload_query(struct request *req, struct upload_query *q)
{
    memset(q, 0, sizeof(*q));
    struct json_in_field query[] = {
        {"line", JIN_COUNT, true, &q->line, 0, 1, ACSA_ORDER_LINES_MAX, false},
        JIN("kind", JIN_TEXT, true, q->kind, sizeof(q->kind)),
    };
    if (!acsa__server_query_parse(req, query, sizeof(query) / sizeof(query[0]))) {
        return false;
    }
    if (acsa_document_kind_parse(q->kind) == 0) {
        acsa__server_problem(req, 400, "kind", "kind: \"%.20s\" is not fuel-ticket, "
                             "delivery-note, receipt, invoice or other", q->kind);
        return false;
    }
    return true;
}

/* The order of number as the user may see it: ENOTFOUND (404) when it is not there or not
 * theirs to see. */
static enum acsa_rc visible_order(struct request *req, const char *number,
                                  struct acsa_order **out, struct acsa_error *err)
{
    *out = NULL;
    struct acsa_order_view *view = acsa__server_order_view(req);
    if (view == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, NULL, "out of memory");
    }
    if (strlen(number) >= ACSA_NUMBER_SIZE) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "number", "order %.40s not found", number);
    }
    ACSA_TRY(acsa_app_order_get(acsa__server_reader(req), number, &view->order, NULL, err));
    struct acsa_order_scope scope = acsa__server_order_scope(&view->order);
    if (!acsa_authz_order_visible(&req->user, &scope)) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "number", "order %s not found", number);
    }
    *out = &view->order;
    return ACSA_OK;
}

bool acsa__server_documents_upload_admit(struct request *req)
{
    if (req->by_cookie && !acsa__server_http_csrf_ok(req, req->csrf)) {
        acsa__server_problem(req, 403, "X-CSRF-Token", "X-CSRF-Token: missing or wrong (send "
                             "the csrf_token of the session)");
        return false;
    }
    struct upload_query q;
    if (!upload_query(req, &q)) {
        return false;
    }
    struct acsa_order *order = NULL;
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = visible_order(req, req->params[0], &order, &err);
    if (rc == ACSA_OK) {
        struct acsa_order_scope scope = acsa__server_order_scope(order);
        rc = acsa_authz_attach(&req->user, &scope, &err);
    }
    if (rc == ACSA_OK) {
        rc = acsa_document_check(order, q.line, &err);
    }
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return false;
    }
    req->body_max = ACSA_DOCUMENT_BYTES_MAX;
    return true;
}

struct upload_args {
    char number[ACSA_NUMBER_SIZE];
    struct upload_query q;
    char id[ACSA_DOCUMENT_ID_SIZE];
};

static void document_answer(struct acsa_app *app, struct request *req, const char *id,
                            int status)
{
    struct acsa_document_row row;
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_document_get(app, id, &row, NULL, NULL, &err);
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return;
    }
    acsa__server_response_json(req, status, acsa_document_json(&row));
}

static enum acsa_rc upload_job(struct acsa_app *app, struct request *req)
{
    struct upload_args *args = req->job_args;
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_document_attach(
        app, args->number, args->q.line, acsa_document_kind_parse(args->q.kind),
        (const uint8_t *)req->body, req->body_size, "body", req->user.display_name, args->id,
        &err);
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err); /* Audited by the command (document.attach). */
        return rc;
    }
    acsa__server_response_empty(req, 201); /* The body is rendered by upload_render. */
    return ACSA_OK;
}

static void upload_render(struct acsa_app *app, struct request *req)
{
    const struct upload_args *args = req->job_args;
    document_answer(app, req, args->id, 201);
}

void acsa__server_route_documents_upload(struct request *req)
{
    snprintf(req->audit_object, sizeof(req->audit_object), "%.40s", req->params[0]);
    struct upload_args *args = acsa_calloc(1, sizeof(*args));
    if (args == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return;
    }
    if (!upload_query(req, &args->q)) {
        acsa_free(args);
        return;
    }
    snprintf(args->number, sizeof(args->number), "%.31s", req->params[0]);
    const char *type = NULL;
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_document_content_check((const uint8_t *)req->body,
                                                      req->body_size, "body", &type, &err);
    if (rc != ACSA_OK) {
        acsa_free(args);
        int status = rc == ACSA_ELIMIT ? 413 : req->body_size == 0 ? 422 : 415;
        acsa__server_refuse(req, status, &err);
        return;
    }
    acsa__server_submit(req, upload_job, upload_render, args);
}

/* ---- Lists and downloads ------------------------------------------------------------------- */

static enum acsa_rc list_item(void *ctx, const struct acsa_document_row *row)
{
    json_t *items = ctx;
    json_t *item = acsa_document_json(row);
    return item != NULL && json_array_append_new(items, item) == 0 ? ACSA_OK : ACSA_ENOMEM;
}

void acsa__server_route_documents_list(struct request *req)
{
    if (!acsa__server_query_parse(req, NULL, 0)) {
        return;
    }
    struct acsa_order *order = NULL;
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = visible_order(req, req->params[0], &order, &err);
    json_t *items = json_array();
    if (rc == ACSA_OK) {
        rc = items != NULL ? acsa_app_documents(acsa__server_reader(req), req->params[0],
                                                list_item, items, &err)
                           : ACSA_ENOMEM;
    }
    if (rc != ACSA_OK) {
        json_decref(items);
        if (rc == ACSA_ENOMEM) {
            acsa_error_set(&err, rc, NULL, "out of memory");
        }
        acsa__server_problem_rc(req, rc, &err);
        return;
    }
    /* Every document of the order in one page: an order has at most 64 lines. */
    acsa__server_response_json(req, 200, json_pack("{s:o, s:n}", "items", items,
                                                   "next_cursor"));
}

static const char *extension_of(const char *type)
{
    return strcmp(type, "application/pdf") == 0 ? "pdf"
           : strcmp(type, "image/jpeg") == 0    ? "jpg"
                                                : "png";
}

void acsa__server_route_document_get(struct request *req)
{
    if (!acsa__server_query_parse(req, NULL, 0)) {
        return;
    }
    struct acsa_document_row row;
    uint8_t *bytes = NULL;
    size_t len = 0;
    struct acsa_error err;
    acsa_error_clear(&err);
    struct acsa_app *app = acsa__server_reader(req);
    enum acsa_rc rc = strlen(req->params[0]) < ACSA_DOCUMENT_ID_SIZE
                          ? acsa_app_document_get(app, req->params[0], &row, NULL, NULL, &err)
                          : acsa_error_set(&err, ACSA_ENOTFOUND, "id", "document not found");
    struct acsa_order *order = NULL;
    if (rc == ACSA_OK) {
        rc = visible_order(req, row.ref.number, &order, &err);
        if (rc == ACSA_ENOTFOUND) {
            acsa_error_set(&err, rc, "id", "document %s not found", req->params[0]);
        }
    }
    if (rc == ACSA_OK) {
        rc = acsa_app_document_get(app, req->params[0], &row, &bytes, &len, &err);
    }
    /* The type is told again by the bytes served, never taken from a record alone. */
    const char *type = rc == ACSA_OK ? acsa_document_sniff(bytes, len) : NULL;
    if (rc == ACSA_OK && type == NULL) {
        rc = acsa_error_set(&err, ACSA_ESTORAGE, "", "storage: document %s is not a PDF, JPEG "
                            "or PNG", row.ref.id);
    }
    if (rc != ACSA_OK) {
        acsa_free(bytes);
        acsa__server_problem_rc(req, rc, &err);
        return;
    }
    acsa__server_response_text(req, 200, type, (char *)bytes, len);
    acsa__server_response_header(req, "Content-Disposition", "attachment; filename=\"%s.%s\"",
                                 row.ref.id, extension_of(type));
    acsa__server_response_header(req, "Cache-Control", "private, no-store");
}
